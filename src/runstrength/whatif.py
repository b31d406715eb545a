"""What if: one athlete under several race calendars, planned side by side.

A :class:`Scenario` is the base inputs plus changes to the race calendar (move, add, drop a
race, change a priority, pick the A race) and, with ``runs = "follow"``, the imported runs of
the build toward a moved A race shifted with it by whole weeks. ``base`` (no change) is always
the first scenario. Every scenario is one ``task.SeasonTask`` run through the same executor as
a roster, on a schedule parsed once.
"""

from __future__ import annotations

import datetime as dt
import shlex
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runstrength.domain import Distance, Priority, Race, RunKind, RunWorkout
from runstrength.errors import InputError
from runstrength.periodization import a_race_warnings
from runstrength.text import one_line, toml_message

VERBS = ("move", "add", "drop", "priority", "a")
USAGE = ("changes: move RACE DATE | add DATE DISTANCE [PRIORITY] [NAME] | drop RACE | "
         "priority RACE A|B|C | a RACE; RACE is a race's name or date; several joined by ';'")
SWEEP_CAP = 60


def change_is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Change:
    verb: str
    race: str = ""  # a race's name or ISO date (move, drop, priority, a)
    date: dt.date | None = None  # move, add
    distance: Distance | None = None  # add
    priority: Priority | None = None  # add, priority
    name: str = ""  # add

    def __str__(self) -> str:
        race = self.race if change_is_date(self.race) else repr(self.race)
        if self.verb == "move":
            return f"move {race} {self.date}"
        if self.verb == "add":
            return (f"add {self.date} {self.distance} {self.priority}"
                    + (f" {self.name!r}" if self.name else ""))
        if self.verb == "priority":
            return f"priority {race} {self.priority}"
        return f"{self.verb} {race}"


@dataclass
class Scenario:
    name: str
    changes: list[Change] = field(default_factory=list)
    follow: bool = False  # the runs of the build follow a moved A race

    def describe(self) -> str:
        text = "; ".join(str(c) for c in self.changes) or "the inputs as they are"
        return text + (" (runs follow the race)" if self.follow else "")


def _date(text: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not a date; write YYYY-MM-DD") from None


def parse_changes(text: str, where: str) -> tuple[list[Change], bool]:
    """``move 'City Marathon' 2027-05-16; add 2027-03-14 half B 'Tune-up'; follow``."""
    changes, follow = [], False
    for part in text.split(";"):
        try:
            words = shlex.split(part)
        except ValueError as exc:
            raise InputError(f"{where}: {part.strip()!r}: {exc}") from None
        if not words:
            continue
        verb, args = words[0].lower(), words[1:]
        if verb in ("follow", "runs=follow"):
            follow = True
            continue
        if verb not in VERBS:
            raise InputError(f"{where}: unknown change {words[0]!r}; {USAGE}")
        need = {"move": 2, "drop": 1, "priority": 2, "a": 1}
        if (verb in need and len(args) != need[verb]) or (
                verb == "add" and not 2 <= len(args) <= 4):
            raise InputError(f"{where}: {part.strip()!r}: wrong number of words; {USAGE}")
        if verb == "move":
            changes.append(Change("move", race=args[0], date=_date(args[1], where)))
        elif verb == "add":
            try:
                distance = Distance(args[1].lower())
                priority = Priority(args[2].upper()) if len(args) > 2 else Priority.B
            except ValueError:
                raise InputError(f"{where}: {part.strip()!r}: distance one of "
                                 f"{', '.join(d.value for d in Distance)}, priority A, B or C"
                                 ) from None
            changes.append(Change("add", date=_date(args[0], where), distance=distance,
                                  priority=priority, name=args[3] if len(args) > 3 else ""))
        elif verb == "priority":
            try:
                priority = Priority(args[1].upper())
            except ValueError:
                raise InputError(f"{where}: {part.strip()!r}: priority A, B or C") from None
            changes.append(Change("priority", race=args[0], priority=priority))
        else:
            changes.append(Change(verb, race=args[0]))
    return changes, follow


def parse_scenario(text: str, where: str = "--scenario") -> Scenario:
    """``NAME: CHANGES`` (see :func:`parse_changes`)."""
    name, sep, rest = text.partition(":")
    if not sep or not name.strip():
        raise InputError(f"{where} {text!r}: write NAME: CHANGES, e.g. \"late: move 'City "
                         "Marathon' 2027-05-16\"")
    where = f"{where} {name.strip()}"
    changes, follow = parse_changes(rest, where)
    return Scenario(_name(name.strip(), where), changes, follow)


def _name(name: str, where: str) -> str:
    import re

    if name.lower() in ("base", "compare"):
        raise InputError(f"{where}: scenario name {name!r} is reserved (base is the inputs as "
                         "they are; compare names the table); choose another")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}", name):
        raise InputError(f"{where}: scenario name {name!r}: letters, digits, '.', '_' and '-' "
                         "only (it names the scenario's .ics)")
    return name


def load_whatif(path: str | Path) -> list[Scenario]:
    """``[[scenario]]`` tables: ``name``, ``changes`` (a list of changes), ``runs``
    (``"follow"`` or ``"stay"``)."""
    from runstrength.fileio import read_input

    path = Path(path)
    try:
        raw = tomllib.loads(read_input(path).decode("utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: {toml_message(exc)}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    tables = raw.get("scenario", [])
    if set(raw) - {"scenario"} or not isinstance(tables, list):
        raise InputError(f"{path}: write one [[scenario]] table per scenario")
    out = []
    for n, table in enumerate(tables, 1):
        where = f"{path}: scenario {n}"
        if not isinstance(table, dict) or set(table) - {"name", "changes", "runs"}:
            raise InputError(f"{where}: the keys are name, changes and runs")
        name = _name(str(table.get("name", "")), where)
        changes = table.get("changes", [])
        if isinstance(changes, str):
            changes = [changes]
        if not isinstance(changes, list) or not all(isinstance(c, str) for c in changes):
            raise InputError(f"{where}: changes: a list of texts, e.g. changes = [\"move "
                             "'City Marathon' 2027-05-16\"]")
        runs = table.get("runs", "stay")
        if runs not in ("follow", "stay"):
            raise InputError(f"{where}: runs: \"follow\" or \"stay\"")
        parsed, follow = parse_changes("; ".join(changes), f"{where} ({name})")
        out.append(Scenario(name, parsed, follow or runs == "follow"))
    return out


def sweep(race: str, span: str, races: list[Race], *, follow: bool = False,
          where: str = "--sweep") -> list[Scenario]:
    """One scenario per week of ``span`` (``FIRST..LAST``), the race on its own weekday."""
    first_text, sep, last_text = span.partition("..")
    if not sep:
        raise InputError(f"{where} {race!r} {span!r}: write the dates as FIRST..LAST")
    first, last = _date(first_text, where), _date(last_text, where)
    target = find_race(race, races, where)
    if last < first:
        raise InputError(f"{where}: {last} is before {first}")
    day = first + dt.timedelta(days=(target.date.weekday() - first.weekday()) % 7)
    out = []
    while day <= last:
        out.append(Scenario(f"{day:%Y-%m-%d}", [Change("move", race=race, date=day)], follow))
        day += dt.timedelta(weeks=1)
        if len(out) > SWEEP_CAP:
            raise InputError(f"{where}: more than {SWEEP_CAP} dates; sweep a shorter range")
    if not out:
        raise InputError(f"{where}: no {target.date:%A} between {first} and {last}")
    return out


def find_race(ref: str, races: Iterable[Race], where: str) -> Race:
    races = list(races)
    for race in races:
        if ref == race.date.isoformat():
            return race
    named = [r for r in races if r.name and r.name.casefold() == ref.casefold()]
    if len(named) == 1:
        return named[0]
    known = ", ".join(f"{r.label} ({r.date})" for r in races) or "none"
    why = "two races have that name; give its date" if named else "no such race"
    raise InputError(f"{where}: {ref!r}: {why} (races: {known})")


def apply(scenario: Scenario, races: list[Race], where: str) -> tuple[list[Race], list[tuple[
        Race, dt.date]]]:
    """The race calendar after ``scenario``'s changes, and the races moved (race, new date)."""
    races = list(races)
    moved: list[tuple[Race, dt.date]] = []
    for change in scenario.changes:
        if change.verb == "add":
            races.append(Race(date=change.date, distance=change.distance,
                              priority=change.priority, name=change.name))
            continue
        race = find_race(change.race, races, f"{where}: {change}")
        i = races.index(race)
        if change.verb == "move":
            races[i] = race.model_copy(update={"date": change.date})
            moved.append((race, change.date))
        elif change.verb == "drop":
            del races[i]
        elif change.verb == "priority":
            races[i] = race.model_copy(update={"priority": change.priority})
        elif change.verb == "a":  # this race is the A race; any other A race becomes B
            races = [r.model_copy(update={"priority": Priority.B})
                     if r.priority is Priority.A and r is not race else r for r in races]
            races[races.index(race)] = race.model_copy(update={"priority": Priority.A})
    return sorted(races, key=lambda r: r.date), moved


def follow_runs(runs: list[RunWorkout], old: Race, new_date: dt.date,
                races: list[Race]) -> tuple[list[RunWorkout], str]:
    """The runs of the build toward ``old`` (an A race) moved by the whole weeks it moved:
    from the day after the previous A race up to the race day, weekdays kept; the items of
    other races in that stretch (a B race's) keep their dates."""
    days = (new_date - old.date).days
    weeks = round(days / 7)
    if not weeks:
        return runs, (f"{old.label} moved {abs(days)} day{'s' * (abs(days) != 1)}, less than "
                      "half a week: the runs stay where they are")
    before = [r.date for r in races if r.priority is Priority.A and r.date < old.date]
    first = max(before) + dt.timedelta(days=1) if before else dt.date.min
    delta = dt.timedelta(weeks=weeks)
    out, moved = [], []
    others = {r.date for r in races if r.date != old.date}
    for run in runs:
        # training moves with the race; another race's own item keeps its date
        if run.kind is RunKind.RACE and run.day == old.date:  # the race itself: to its new day
            step = dt.timedelta(days=days)
            run = run.model_copy(update={"start": run.start + step, "end": run.end + step})
            moved.append(run)
        elif first <= run.day <= old.date and not (run.kind is RunKind.RACE
                                                    and run.day in others):
            run = run.model_copy(update={"start": run.start + delta, "end": run.end + delta})
            moved.append(run)
        out.append(run)
    if not moved:
        return runs, ""
    span = f"{min(r.day for r in moved) - delta} to {max(r.day for r in moved) - delta}"
    way = "later" if weeks > 0 else "earlier"
    odd = (f" (the race moved {days} days: the runs by whole weeks, weekdays kept)"
           if days % 7 else "")
    return out, (f"{len(moved)} runs of the build toward {old.label} ({span}) moved "
                 f"{abs(weeks)} week{'s' * (abs(weeks) != 1)} {way} with the race{odd}")


@dataclass
class Comparison:
    """The scenarios' plans, in order (``base`` first), and what each scenario did."""

    scenarios: list[Scenario]
    results: list[Any]  # task.SeasonResult, plan kept
    notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def plans(self) -> dict[str, Any]:
        return {s.name: r.plan for s, r in zip(self.scenarios, self.results, strict=True)
                if r.plan is not None}

    def measures(self) -> list[dict[str, Any]]:
        from runstrength.compare_measures import measures

        return [measures(s, r) for s, r in zip(self.scenarios, self.results, strict=True)]

    def to_frame(self):
        import pandas as pd

        from runstrength.compare_measures import COLUMNS

        return pd.DataFrame(self.measures(), columns=list(COLUMNS))

    def to_csv(self) -> bytes:
        from runstrength.compare_measures import to_csv

        return to_csv(self.measures())

    def to_html(self) -> bytes:
        from runstrength.exporters.compare_page import compare_to_html

        return compare_to_html(self)


def compare(runs: str | Path, athlete: str | Path, scenarios: Iterable[Scenario | str] = (), *,
            sweeps: Iterable[tuple[str, str]] = (), follow_sweep: bool = False,
            jobs: int | None = None, client: Any = None, models: str | Path | None = None,
            start: dt.date | None = None, end: dt.date | None = None,
            time_limit: float | None = None, strict: bool = False) -> Comparison:
    """Plan ``athlete`` on ``runs`` under ``base`` and every scenario (a :class:`Scenario` or
    its text, ``"late: move 'City Marathon' 2027-05-16; follow"``) and every date of each
    ``(race, "FIRST..LAST")`` sweep, in parallel; the calendar is read once."""
    from runstrength import executor, knowledge
    from runstrength.importers.races import calendar_races
    from runstrength.task import SeasonTask, Source, model_sources, read_inputs, run_season

    k = knowledge.load(Path(models) if models else None)
    person, schedule, busy = read_inputs(str(runs), str(athlete), k, start=start, end=end)
    found = calendar_races(schedule.runs, person.races, k)
    base_races = sorted([*person.races, *found], key=lambda r: r.date)
    if isinstance(scenarios, str | Scenario):
        scenarios = [scenarios]
    chosen = [Scenario("base"), *(parse_scenario(s, "scenario") if isinstance(s, str) else s
                                  for s in scenarios)]
    for race, span in sweeps:
        chosen += sweep(race, span, base_races, follow=follow_sweep)
    names = [s.name.lower() for s in chosen]  # Late.ics and late.ics are one file on a Mac
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"scenario {twice[0]!r} given twice; give each scenario its own name")
    tasks, notes = [], {}
    model_files = model_sources(Path(models)) if models else ()  # read once
    for scenario in chosen:
        where = f"scenario {scenario.name}"
        races, moved = apply(scenario, base_races, where)
        said: list[str] = []
        warnings = a_race_warnings(races, k)
        if strict and warnings:
            from runstrength.errors import StrictError

            raise StrictError(f"{where}: {warnings[0]} (--strict; nothing written)")
        said += warnings
        season_runs = list(schedule.runs)
        gone = {r.date for r in base_races} - {r.date for r in races}  # moved or dropped
        for race, new_date in moved:
            if scenario.follow and race.priority is Priority.A:
                season_runs, note = follow_runs(season_runs, race, new_date, base_races)
                if note:
                    said.append(note)
                    said += _stranded(race, new_date, base_races, races,
                                      {r.date for r, _ in moved})
        # the feed's own race item on a date the race left is not a race any more
        kept = [r for r in season_runs if not (r.kind is RunKind.RACE and r.day in gone)]
        if len(kept) != len(season_runs):
            said.append(f"{len(season_runs) - len(kept)} race item(s) of the calendar on a date "
                        "the race left are left out")
        notes[scenario.name] = said
        tasks.append(SeasonTask(
            id=scenario.name, name=scenario.name, runs=Source(str(runs), b""),
            profile=Source(str(athlete), b""), start=start, end=end, time_limit=time_limit,
            keep_plan=True, models=model_files,
            # the scenario's calendar is all given apart, so a race error names the scenario
            races=tuple(races), label=f"scenario {scenario.name}",
            prepared=(person.model_copy(update={"races": []}),
                      schedule.model_copy(update={"runs": kept}), tuple(busy))))
    results: list[Any] = [None] * len(tasks)
    for i, result in executor.run(run_season, tasks, jobs=jobs, client=client):
        results[i] = result
    for scenario, result in zip(chosen, results, strict=True):
        result.warnings = notes[scenario.name] + [
            w for w in result.warnings if w not in notes[scenario.name]]
    return Comparison(chosen, results, notes)


def _stranded(old: Race, new_date: dt.date, base: list[Race], now: list[Race],
              moved: set[dt.date]) -> list[str]:
    """Other races inside the build that moved (and that the scenario left on their dates):
    their own race weeks' runs moved away."""
    before = [r.date for r in base if r.priority is Priority.A and r.date < old.date]
    first = max(before) + dt.timedelta(days=1) if before else dt.date.min
    weeks = round((new_date - old.date).days / 7)
    out = []
    for race in now:
        if race.date != new_date and first <= race.date < old.date and race.date not in moved \
                and any(b.date == race.date for b in base):
            there = race.date + dt.timedelta(weeks=weeks)
            out.append(f"{race.label} ({race.date}) lies in the build that moved: the runs "
                       f"planned around it now sit around {there}; move it too "
                       f"(move {race.date} {there}) or drop it")
    return out


def terminal_lines(comparison: Comparison) -> list[str]:
    """The difference of each scenario to ``base`` in words."""
    from runstrength.compare_measures import difference

    rows = comparison.measures()
    base = rows[0]
    out = []
    for scenario, row in zip(comparison.scenarios[1:], rows[1:], strict=True):
        out.append(f"{scenario.name} ({one_line(scenario.describe())}): "
                   f"{difference(base, row)}")
    return out
