"""What athletes of a roster share: a gym with room for so many at once, and coach-led group
sessions of a set size (``[[gym]]`` and ``[[group]]`` tables of roster.toml).

Plain, picklable data: a joint task carries them to a worker. ``joint`` plans the athletes who
share one of them in one model; the rules in ``rules/shared`` hold the capacity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runstrength.errors import InputError
from runstrength.text import one_line

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
GYM_KEYS = {"name", "max_athletes", "open", "timezone"}
GROUP_KEYS = {"name", "kind", "day", "dates", "time", "minutes", "max_size", "who",
              "timezone"}


@dataclass(frozen=True)
class Gym:
    """A shared gym: its opening hours (local time, per weekday) and how many may train at
    once. An athlete who uses it trains there; its closed hours are busy time to them."""

    name: str
    max_athletes: int
    hours: tuple[tuple[int, tuple[tuple[dt.time, dt.time], ...]], ...]  # weekday -> windows
    timezone: str | None = None
    where: str = ""

    def windows(self, weekday: int) -> tuple[tuple[dt.time, dt.time], ...]:
        return dict(self.hours).get(weekday, ())


@dataclass(frozen=True)
class Group:
    """A coach-led group session: a session kind at a set time on set weekdays (or dates),
    at most ``max_size`` athletes, open to everyone, to listed ids or to a tag."""

    name: str
    kind: str
    at: dt.time
    minutes: int
    max_size: int
    weekdays: tuple[int, ...] = ()
    dates: tuple[dt.date, ...] = ()
    ids: tuple[str, ...] = ()  # who may attend, by id (with ``tags``; both empty: all)
    tags: tuple[str, ...] = ()
    timezone: str | None = None
    where: str = ""

    def on(self, day: dt.date) -> bool:
        return day in self.dates if self.dates else day.weekday() in self.weekdays

    def admits(self, athlete_id: str, tags: tuple[str, ...]) -> bool:
        if not self.ids and not self.tags:
            return True
        return athlete_id in self.ids or bool(set(tags) & set(self.tags))


@dataclass(frozen=True)
class Access:
    """What one athlete shares: the gym they train at ("" for none) and the groups they may
    join."""

    gym: str = ""
    groups: tuple[str, ...] = ()

    @property
    def shares(self) -> bool:
        return bool(self.gym or self.groups)


@dataclass(frozen=True)
class Shared:
    gyms: tuple[Gym, ...] = ()
    groups: tuple[Group, ...] = ()

    def gym(self, name: str) -> Gym | None:
        return next((g for g in self.gyms if g.name == name), None)

    def group(self, name: str) -> Group | None:
        return next((g for g in self.groups if g.name == name), None)


@dataclass
class _Reader:
    where: str
    table: dict[str, Any] = field(default_factory=dict)

    def text(self, key: str, *, needed: bool = True) -> str | None:
        value = self.table.get(key)
        if value is None and not needed:
            return None
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{self.where}: {key}: {'missing; ' if value is None else ''}"
                             "text in quotes")
        return one_line(value)

    def count(self, key: str, low: int, high: int) -> int:
        value = self.table.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InputError(f"{self.where}: {key}: a whole number from {low} to {high}")
        return value

    def zone(self) -> str | None:
        name = self.text("timezone", needed=False)
        if name is None:
            return None
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError(f"{self.where}: timezone: unknown time zone {name!r} (an IANA "
                             'name, e.g. "Europe/London")') from None
        return name


def _tables(raw: Any, name: str, path: str) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise InputError(f"{path}: {name}: write one [[{name}]] table for each")
    return raw


def _unknown(table: dict, known: set[str], where: str) -> None:
    bad = sorted(set(table) - known)
    if bad:
        raise InputError(f"{where}: unknown key {bad[0]!r} (known: {', '.join(sorted(known))})")


def parse_gyms(raw: Any, path: str) -> tuple[Gym, ...]:
    """The ``[[gym]]`` tables: name, max_athletes, open = {mon = ["06:00-22:00"], ...}."""
    from runstrength.domain import Window

    out: list[Gym] = []
    for n, table in enumerate(_tables(raw, "gym", path), 1):
        r = _Reader(f"{path}: gym {n}", table)
        _unknown(table, GYM_KEYS, r.where)
        name = r.text("name")
        r.where = f"{path}: gym {n} ({name})"
        hours = table.get("open")
        if not isinstance(hours, dict) or not hours:
            raise InputError(f"{r.where}: open: the opening hours, e.g. open = {{ mon = "
                             '["06:00-22:00"], sat = ["08:00-14:00"] }')
        week = []
        for day, spans in hours.items():
            if day not in WEEKDAYS:
                raise InputError(f"{r.where}: open.{day}: not a weekday (mon ... sun)")
            if isinstance(spans, str):
                spans = [spans]
            if not isinstance(spans, list) or not all(isinstance(s, str) for s in spans):
                raise InputError(f"{r.where}: open.{day}: a list of HH:MM-HH:MM windows")
            try:
                windows = [Window.parse(s) for s in spans]
            except ValueError as exc:
                raise InputError(f"{r.where}: open.{day}: {exc}") from None
            week.append((WEEKDAYS.index(day), tuple(sorted((w.start, w.end) for w in windows))))
        out.append(Gym(name=name, max_athletes=r.count("max_athletes", 1, 10000),
                       hours=tuple(sorted(week)), timezone=r.zone(), where=r.where))
    _no_twins([g.name for g in out], "gym", path)
    return tuple(out)


def parse_groups(raw: Any, path: str, kinds: set[str]) -> tuple[Group, ...]:
    """The ``[[group]]`` tables: name, kind, day (or dates), time, minutes, max_size, who."""
    out: list[Group] = []
    for n, table in enumerate(_tables(raw, "group", path), 1):
        r = _Reader(f"{path}: group {n}", table)
        _unknown(table, GROUP_KEYS, r.where)
        name = r.text("name")
        r.where = f"{path}: group {n} ({name})"
        kind = r.text("kind")
        if kind not in kinds:
            raise InputError(f"{r.where}: kind: unknown session kind {kind!r} (known: "
                             f"{', '.join(sorted(kinds))})")
        weekdays: tuple[int, ...] = ()
        dates: tuple[dt.date, ...] = ()
        if ("day" in table) == ("dates" in table):
            raise InputError(f'{r.where}: give day = "thu" (every week) or dates = [...], '
                             "not both")
        if "day" in table:
            days = table["day"] if isinstance(table["day"], list) else [table["day"]]
            if not days or not all(isinstance(d, str) and d.lower() in WEEKDAYS for d in days):
                raise InputError(f'{r.where}: day: a weekday (mon ... sun) or a list of them')
            weekdays = tuple(sorted({WEEKDAYS.index(d.lower()) for d in days}))
        else:
            given = table["dates"]
            if not isinstance(given, list) or not given or not all(
                    isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in given):
                raise InputError(f"{r.where}: dates: a list of dates, e.g. dates = "
                                 "[2027-01-14, 2027-01-21]")
            dates = tuple(sorted(set(given)))
        clock = r.text("time")
        try:
            at = dt.time.fromisoformat(clock)
        except ValueError:
            raise InputError(f"{r.where}: time: {clock!r} is not a time; write HH:MM, e.g. "
                             '"18:30"') from None
        who = table.get("who", "all")
        ids: tuple[str, ...] = ()
        tags: tuple[str, ...] = ()
        if isinstance(who, str) and who.startswith("tag:") and who[4:].strip():
            tags = (who[4:].strip(),)
        elif isinstance(who, list) and who and all(isinstance(i, str) for i in who):
            ids = tuple(who)
        elif who != "all":
            raise InputError(f'{r.where}: who: "all", "tag:NAME" or a list of athlete ids')
        out.append(Group(name=name, kind=kind, at=at, minutes=r.count("minutes", 10, 240),
                         max_size=r.count("max_size", 1, 10000), weekdays=weekdays,
                         dates=dates, ids=ids, tags=tags, timezone=r.zone(), where=r.where))
    _no_twins([g.name for g in out], "group", path)
    return tuple(out)


def _no_twins(names: list[str], what: str, path: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:
            raise InputError(f"{path}: two [[{what}]] tables are named {name!r}; give each its "
                             "own name")
        seen.add(name.lower())


def closed_hours(gym: Gym, days: list[dt.date], zone: ZoneInfo) -> list:
    """The gym's closed hours on ``days`` as busy blocks ("Club gym closed")."""
    from runstrength.domain import BusyBlock, local_at

    tz = ZoneInfo(gym.timezone) if gym.timezone else zone
    out = []
    for day in days:
        edge = dt.time(0)
        for start, end in [*gym.windows(day.weekday()), (dt.time(23, 59, 59), None)]:
            if start > edge:
                out.append(BusyBlock(start=local_at(day, edge, tz),
                                     end=(local_at(day, start, tz) if end is not None else
                                          local_at(day + dt.timedelta(days=1), dt.time(0), tz)),
                                     title=f"{gym.name} closed", source=gym.where))
            if end is None:
                break
            edge = max(edge, end)
    return out
