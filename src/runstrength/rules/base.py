"""What every coaching rule shares: the season it looks at, the candidates and the model."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from runstrength.domain import (
    Athlete,
    BusyBlock,
    LegLoad,
    OwnSession,
    Race,
    RunKind,
    RunWorkout,
    Week,
    after,
    local_at,
)
from runstrength.knowledge import Knowledge, SessionKind

if TYPE_CHECKING:  # the solver loads with the model build, not with the season
    from ortools.sat.python import cp_model


@dataclass(frozen=True)
class Block:
    """A hard rule keeping one kind of session off one day."""

    rule: str
    text: str
    minutes: int = 0  # the session length that found no slot, for "no slot" blocks

    def __str__(self) -> str:
        return f"{self.text} [{self.rule}]"


@dataclass(frozen=True)
class Candidate:
    """One place a session of one kind could go: a day, a kind and a start time."""

    index: int
    day: dt.date
    kind: SessionKind
    start: dt.datetime
    end: dt.datetime
    week: Week
    #: where it takes place: a shared gym's name ("" at home or anywhere; see ``joint``)
    place: str = ""
    #: the group session it joins (its name), "" for the athlete's own session
    group: str = ""
    #: a session before a re-plan's first day, kept where it was (``past-kept``)
    kept: bool = False

    @cached_property  # asked for every pair of candidates a few days apart
    def heavy(self) -> bool:
        return self.kind.leg_load is LegLoad.HEAVY


@dataclass
class Season:
    """The inputs of one athlete's season, indexed for the rules."""

    athlete: Athlete
    knowledge: Knowledge
    weeks: list[Week]
    runs: list[RunWorkout]
    busy: list[BusyBlock]
    races: list[Race]
    previous: set[tuple[dt.date, str]] = field(default_factory=set)
    #: a re-plan: the first day that may change, and the sessions before it that stay as
    #: they were (day, kind id, start, end, group name or ""); ``past-kept`` holds them,
    #: ``candidates`` adds them (``joint.group_candidates`` the group sessions)
    today: dt.date | None = None
    kept: list[tuple[dt.date, str, dt.datetime, dt.datetime, str]] = field(
        default_factory=list)
    own: list[OwnSession] = field(default_factory=list)
    own_on: dict[dt.date, list[OwnSession]] = field(default_factory=dict)
    runs_on: dict[dt.date, list[RunWorkout]] = field(default_factory=dict)
    busy_on: dict[dt.date, list[BusyBlock]] = field(default_factory=dict)
    week_of: dict[dt.date, Week] = field(default_factory=dict)
    _contents: dict = field(default_factory=dict, init=False, repr=False)
    cache: dict = field(default_factory=dict, init=False, repr=False)  # per-day lookups
    holidays: dict[dt.date, str] = field(default_factory=dict, init=False)
    #: the shared place this athlete trains at (a gym's name; "" for none) and the group
    #: sessions they may join: candidates of their own (``joint.group_candidates``)
    place: str = ""
    #: after a joint solve: candidate index -> why a shared slot had no room for it
    full: dict[int, str] = field(default_factory=dict)

    def content(self, kind: SessionKind, week: Week, *, jumps: int = 0):
        """How long a session of ``kind`` is in ``week``, whether it fits and its volume
        (prescription.session_content without the week's load cues), built once per season."""
        key = (kind.id, week.index, jumps)
        if key not in self._contents:
            from runstrength.prescription import session_content

            self._contents[key] = session_content(kind, week, self.athlete, self.knowledge,
                                                  jumps=jumps, cues=False)
        return self._contents[key]

    def slot_minutes(self, kind: SessionKind, week: Week) -> int:
        """The time a session of ``kind`` needs in ``week``: its content, with the week's jumps
        if it may carry them (the jump session is chosen once the plan is placed)."""
        key = ("minutes", kind.id, week.index)
        if key not in self._contents:
            from runstrength.prescription import max_jumps

            most = max_jumps(kind, week, self.athlete, self.knowledge)
            minutes = self.content(kind, week).minutes
            self._contents[key] = (max(minutes, self.content(kind, week, jumps=most).minutes)
                                   if most else minutes)
        return self._contents[key]

    def offers(self, kind: SessionKind, week: Week) -> bool:
        """True when ``week`` uses ``kind`` (models) and its session fits the athlete's time."""
        key = ("offers", kind.id, week.index)
        if key not in self._contents:  # asked for every day of the week: once per week
            from runstrength.prescription import session_volume

            self._contents[key] = bool(session_volume(kind, week, self.athlete,
                                                      self.knowledge)) and (
                self.content(kind, week).fits)
        return self._contents[key]

    def volume(self, kind: SessionKind, week: Week) -> dict:
        """Working sets per category of a session of ``kind`` in ``week`` (no jumps)."""
        return self.content(kind, week).volume

    def __post_init__(self) -> None:
        runs_on: dict[dt.date, list[RunWorkout]] = defaultdict(list)
        for run in sorted(self.runs, key=lambda r: r.start):
            runs_on[run.day].append(run)
        for race in self.races:
            # A race from the profile counts as a key run even when the schedule lacks it.
            if not any(r.kind is RunKind.RACE for r in runs_on.get(race.date, [])):
                start = local_at(race.date, self.athlete.run_time, self.athlete.zone)
                runs_on[race.date].append(
                    RunWorkout(
                        start=start,
                        end=after(start, dt.timedelta(minutes=self.athlete.run_minutes)),
                        kind=RunKind.RACE,
                        title=race.label,
                        source="profile race",
                    )
                )
        self.runs_on = dict(runs_on)
        own_on: dict[dt.date, list[OwnSession]] = defaultdict(list)
        for session in sorted(self.own, key=lambda o: o.start):
            own_on[session.day].append(session)
        self.own_on = dict(own_on)
        busy_on: dict[dt.date, list[BusyBlock]] = defaultdict(list)
        days = [d for w in self.weeks for d in w.days()]
        if days:  # index only the season's days (and one each side): a block may span years
            first, last = min(days) - dt.timedelta(days=1), max(days) + dt.timedelta(days=1)
            for block in self.busy:
                day = max(block.start.date(), first)
                while day <= min(block.end.date(), last):
                    busy_on[day].append(block)
                    day += dt.timedelta(days=1)
        self.busy_on = dict(busy_on)
        self.week_of = {d: w for w in self.weeks for d in w.days()}
        years = sorted({d.year for d in self.week_of})
        self.holidays = self.athlete.holiday_days(years) if years else {}

    @cached_property
    def days(self) -> list[dt.date]:
        """The season's days in order (built once: every rule walks them)."""
        return [d for w in self.weeks for d in w.days()]

    @cached_property
    def key_kinds(self) -> frozenset[RunKind]:
        return frozenset(self.athlete.key_runs or self.knowledge.rules.key_runs)

    @cached_property
    def quality_kinds(self) -> frozenset[RunKind]:
        return frozenset(self.knowledge.rules.quality_runs) | self.key_kinds

    def key_runs_on(self, day: dt.date) -> list[RunWorkout]:
        key = ("key runs", day)  # asked by several rules for every day and kind
        if key not in self.cache:
            kinds = self.key_kinds
            self.cache[key] = [r for r in self.runs_on.get(day, []) if r.kind in kinds]
        return self.cache[key]

    def quality_runs_on(self, day: dt.date) -> list[RunWorkout]:
        key = ("quality runs", day)
        if key not in self.cache:
            kinds = self.quality_kinds
            self.cache[key] = [r for r in self.runs_on.get(day, []) if r.kind in kinds]
        return self.cache[key]

    def at(self, day: dt.date, clock: dt.time) -> dt.datetime:
        """``clock`` on ``day`` in the athlete's zone, as a time that exists."""
        return local_at(day, clock, self.athlete.zone)

    def preferred_start(self, day: dt.date) -> dt.datetime | None:
        """The profile's preferred start time on ``day`` (None: no preference), once a day."""
        clock = self.athlete.preferences.time
        if clock is None:
            return None
        key = ("preferred", day)
        if key not in self.cache:
            self.cache[key] = self.at(day, clock)
        return self.cache[key]


@dataclass
class Model:
    """The CP-SAT model under construction and the decision variables of the candidates."""

    cp: cp_model.CpModel
    season: Season
    candidates: list[Candidate]
    x: dict[int, cp_model.IntVar]
    terms: list[Term] = field(default_factory=list)
    scale: int = 1

    def on_day(self, day: dt.date) -> list[Candidate]:
        return self._by_day.get(day, [])

    def in_week(self, week: Week) -> list[Candidate]:
        return self._by_week.get(week.index, [])

    def __post_init__(self) -> None:
        self._by_day: dict[dt.date, list[Candidate]] = defaultdict(list)
        self._by_week: dict[int, list[Candidate]] = defaultdict(list)
        for c in self.candidates:
            self._by_day[c.day].append(c)
            self._by_week[c.week.index].append(c)

    def count(self, candidates: list[Candidate]) -> cp_model.LinearExpr:
        from ortools.sat.python import cp_model

        return cp_model.LinearExpr.sum([self.x[c.index] for c in candidates])


@dataclass(frozen=True)
class Term:
    """A penalty: ``weight * var`` in the objective, reported under ``rule`` when paid.

    ``detail`` may be a function giving the text: most terms are never paid, so their
    dates need not be formatted."""

    rule: str
    week: int
    weight: int
    var: cp_model.IntVar
    detail: str | Callable[[], str] = ""

    @property
    def text(self) -> str:
        return self.detail() if callable(self.detail) else self.detail


class Rule:
    """A coaching rule. Hard rules forbid; soft rules add penalty terms.

    Subclasses override what they need: ``blocks`` (a whole day for a kind, with the reason a
    person reads), ``not_before`` (the earliest start on a day), ``apply`` (constraints and
    penalties over several candidates).
    """

    id: ClassVar[str]
    name: ClassVar[str]
    hard: ClassVar[bool]
    #: What paying the rule means, for the terminal: {n} times, in {weeks}.
    said: ClassVar[str] = ""

    def blocks(self, season: Season, day: dt.date, kind: SessionKind) -> str | None:
        return None

    def not_before(self, season: Season, day: dt.date, kind: SessionKind) -> dt.datetime | None:
        return None

    def apply(self, m: Model) -> None:
        return None
