"""The public entry point: ``runstrength.plan(runs, athlete, ...) -> Plan``."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import difflib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runstrength import knowledge as knowledge_mod
from runstrength.domain import Athlete, BusyBlock, Plan, PlannedSession, Race, RunWorkout, Schedule
from runstrength.errors import InputError
from runstrength.periodization import a_race_warnings, goal_race, monday_of, periodize

#: Longest season planned at once. A race typed as 2207 instead of 2027 would otherwise
#: ask for a model of 9,000 weeks; the ICS importer's window follows races only this far.
MAX_SEASON_WEEKS = 104

#: A season that runs this many days past the last run (or starts this long before the first)
#: gets a warning: sessions there are placed with no running to keep clear of. Project default.
NO_RUNS_GAP_DAYS = 14


def season_span(schedule: Schedule, athlete: Athlete, start: dt.date | None,
                end: dt.date | None, listed: list[Race] | None = None
                ) -> tuple[dt.date, dt.date]:
    """The season's first and last day: given, else from the runs and races it holds.

    Raises :class:`InputError` naming the cause (a race, the runs, ``--to``) when the season
    would be longer than :data:`MAX_SEASON_WEEKS`; ``listed`` are the profile's own races (a
    race's field index in the message is its place there).
    """
    given_end = end
    if start is None:
        if not schedule.runs and end is not None:
            raise InputError(f"--to {end}: the schedule has no run up to that day; give a "
                             "later --to, or --from as well")
        if not schedule.runs:
            # The season cannot be dated without runs: say which file, and why when we know.
            source = schedule.source
            why = next((w.removeprefix(f"{source}: ") for w in schedule.warnings), None)
            if why:
                raise InputError(f"{source}: no runs to plan around; first problem: {why}")
            raise InputError(f"{source}: no runs found; give the season with --from and --to")
        # whole weeks unless told; the athlete's own strength sessions are in the season too
        start = monday_of(min([r.day for r in schedule.runs] + [o.day for o in schedule.own]))
    if end is None:
        # The season runs to the last race; with none, to the last run (recurring runs
        # without an end are cut by the importer's window).
        later = [r.date for r in athlete.races if r.date >= start]
        runs = [r.day for r in schedule.runs] + [o.day for o in schedule.own]
        end = max(later) if later else max(runs, default=start + dt.timedelta(days=6))
    if end < start:
        raise InputError(f"--to {end} is before --from {start}")
    _check_length(schedule, athlete, start, end, given_end,
                  athlete.races if listed is None else listed)
    return start, end


def _check_length(schedule: Schedule, athlete: Athlete, start: dt.date, end: dt.date,
                  given_end: dt.date | None, listed: list[Race]) -> None:
    weeks = ((end - monday_of(start)).days + 7) // 7
    if weeks <= MAX_SEASON_WEEKS:
        return
    limit = f"plan at most {MAX_SEASON_WEEKS} weeks at a time"
    if given_end is not None:
        raise InputError(f"--to {end}: the season from {start} would be {weeks} weeks; {limit}")
    for race in athlete.races:
        if race.date == end:
            where = _race_source(race, listed, athlete.source)
            raise InputError(
                f"{where}: race {_one_line(race.label)} on {race.date} is {weeks} weeks after "
                f"the season starts ({start}); {limit} (is the year right?)")
    raise InputError(f"{schedule.source}: the runs span {start} to {end} ({weeks} weeks); "
                     f"{limit}: give the season with --from and --to")


def source_stamp(schedule: Schedule, start: dt.date) -> dt.datetime:
    """DTSTAMP for the output: SOURCE_DATE_EPOCH, else the input's newest stamp, else the season."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError):
            raise InputError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time") from None
    if schedule.stamp is not None:
        return schedule.stamp.astimezone(dt.UTC)
    return dt.datetime.combine(monday_of(start), dt.time(0), dt.UTC)


def _one_line(text: str) -> str:
    return " ".join(text.split())


#: where ``plan(races=...)`` came from when not the --race option (a roster entry)
_RACES_FROM: contextvars.ContextVar[str] = contextvars.ContextVar("races_from", default="")


def _race_source(race: Race, listed: list[Race], source: str) -> str:
    """Where ``race`` was given: its field in the profile (``listed``), else ``--race`` (or
    the roster entry that added it)."""
    extra = (f"{_RACES_FROM.get()}: races: {race.date}" if _RACES_FROM.get()
             else f"--race {race.date}:{race.distance}:{race.priority}")
    return next((f"{source}: field races.{i}.date" for i, r in enumerate(listed) if r is race),
                extra)


def _check_races(athlete: Athlete, start: dt.date, source: str,
                 listed: list[Race] | None = None) -> None:
    """A race before the season is an error naming where it came from: the profile's field
    (``listed`` are the profile's own races), else the ``--race`` option."""
    listed = athlete.races if listed is None else listed
    for race in athlete.races:
        if race.date >= monday_of(start):
            continue
        where = _race_source(race, listed, source)
        raise InputError(f"{where}: race {_one_line(race.label)} on {race.date} is before the "
                         f"season starts ({start}); drop it or plan from an earlier --from")


#: Equipment a profile may name besides what the exercise catalogue uses: "gym" (everything)
#: and "bodyweight" (always there).
EQUIPMENT_EXTRAS = ("bodyweight", "gym")


def known_equipment(k: knowledge_mod.Knowledge) -> list[str]:
    """Every equipment item a profile may name: the catalogue's, "gym" and "bodyweight"."""
    return sorted({e for ex in k.exercises.values() for e in ex.equipment} | set(EQUIPMENT_EXTRAS))


def _check_equipment(athlete: Athlete, k: knowledge_mod.Knowledge) -> list[str]:
    """A misspelt item would be silently ignored (bodyweight substitutes, no word said): refuse
    one that is close to a known item; warn about any other item no exercise uses.

    Items are matched without regard to case, as ``Athlete.has_equipment`` does.
    """
    known = known_equipment(k)
    warnings = []
    for i, item in enumerate(athlete.equipment):
        if item.lower() in known:
            continue
        close = difflib.get_close_matches(item.strip().lower(), known, n=1, cutoff=0.8)
        if close:
            raise InputError(
                f"{athlete.source}: field equipment.{i}: unknown equipment {item!r}; "
                f"did you mean {close[0]!r}? known items: {', '.join(known)}"
            )
        warnings.append(f"{athlete.source}: equipment {item!r} is used by no exercise in "
                        f"the models and is ignored; known items: {', '.join(known)}")
    return warnings


def _no_run_warnings(schedule: Schedule, athlete: Athlete, start: dt.date,
                     end: dt.date) -> list[str]:
    """Warn when the season runs on well past the last run, or starts well before the first.

    Sessions in those weeks see no runs, so nothing keeps them clear of a key run.
    """
    if not schedule.runs:
        return []
    gap = dt.timedelta(days=NO_RUNS_GAP_DAYS)
    first = min(r.day for r in schedule.runs)
    last = max(r.day for r in schedule.runs)
    out = []
    if start < first - gap:
        weeks = (first - start).days // 7
        out.append(f"no runs before {first}: the first {weeks} weeks of the season (from {start}) "
                   "have no running data; sessions there ignore your running")
    if end > last + gap:
        weeks = (end - last).days // 7
        race = next((r for r in athlete.races if r.date == end), None)
        to = f"to the race on {end}" if race else f"to {end}"
        out.append(f"no runs after {last}: the last {weeks} weeks of the season ({to}) "
                   "have no running data; sessions there ignore your running")
    return out


def plan(
    runs: str | Path | Schedule | Iterable[RunWorkout],
    athlete: str | Path | Athlete,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    races: Iterable[Race] = (),
    busy: Iterable[BusyBlock] = (),
    previous: Iterable[PlannedSession] | Plan | str | Path | Any = (),
    done: str | Path | Any = None,
    today: dt.date | None = None,
    models: str | Path | None = None,
    time_limit: float | None = None,
    diagnose: bool = False,
    races_from: str = "",
    calendar_races: bool = True,
) -> Plan:
    """Plan strength sessions around ``runs`` for ``athlete``.

    ``runs`` is a schedule file (.ics/.csv), an imported ``Schedule`` or a list of runs;
    ``athlete`` a profile file or an ``Athlete``. ``races`` adds races to the profile's,
    ``busy`` adds busy time, ``previous`` is an earlier plan to stay close to: its sessions,
    a ``Plan``, the path of the .ics runstrength wrote for it or that calendar read
    (``replan.read_previous``). ``today``: the re-plan's first day; the previous sessions
    before it stay as they were (default: the day after the done-log's last day, else none).
    ``done``: the done-log (a path or ``donelog.DoneLog``): a session it marks skipped is not
    kept, a week whose sessions were all skipped does not advance its block, and each lift's
    next load cue starts from its last logged load.
    ``diagnose`` also explains each short week as a conflict between named rules
    (``Plan.conflicts``), as ``--strict`` and ``runstrength explain`` do. ``races_from``
    names where ``races`` came from in messages (default: the ``--race`` option).
    ``calendar_races`` False: the race items of the calendar are not offered as races
    (``--replace-races``: the races given are all there are).
    """
    with races_source(races_from):
        return _plan(runs, athlete, start=start, end=end, races=races, busy=busy,
                     previous=previous, models=models, time_limit=time_limit, diagnose=diagnose,
                     offer_calendar=calendar_races, done=done, today=today)


@contextlib.contextmanager
def races_source(label: str) -> Iterator[None]:
    """Messages about the races given apart name ``label`` (a roster entry), not --race."""
    token = _RACES_FROM.set(label)
    try:
        yield
    finally:
        _RACES_FROM.reset(token)


def _plan(runs, athlete, *, start, end, races, busy, previous, models, time_limit,
          diagnose, offer_calendar=True, done=None, today=None) -> Plan:
    from runstrength.planner import plan_season

    prep = prepare(runs, athlete, start=start, end=end, races=races, busy=busy,
                   previous=previous, models=models, offer_calendar=offer_calendar,
                   done=done, today=today)
    result = plan_season(prep.athlete, prep.weeks, prep.season, prep.knowledge,
                         stamp=prep.stamp, time_limit=time_limit, diagnose_short=diagnose)
    return finish(prep, result)


@dataclass
class Prepared:
    """One athlete's season made ready for the solver: what ``plan`` builds before it
    places sessions, and what ``finish`` adds to the Plan after (``joint`` places several
    of these in one model)."""

    athlete: Athlete
    knowledge: knowledge_mod.Knowledge
    schedule: Schedule
    weeks: list
    season: Any
    start: dt.date
    end: dt.date
    stamp: dt.datetime
    race_notes: list[str]  # warnings found before the solve: races read from the calendar
    equipment_notes: list[str]  # and equipment no exercise uses
    log: Any = None  # the done-log (donelog.DoneLog) of a re-plan
    #: a re-plan: the previous plan's live sessions (uid, kind id, start, group), whose UIDs
    #: the new sessions take (``uids.matched_uids``)
    previous_uids: list = field(default_factory=list)
    previous: Any = None  # that calendar read back (``replan.Previous``), for its exporter


def prepare(runs, athlete, *, start=None, end=None, races=(), busy=(), previous=(),
            models=None, offer_calendar=True, done=None, today=None) -> Prepared:
    """Read and check the inputs as ``plan`` does; the season, its weeks and phases."""
    from runstrength.importers.races import calendar_races, races_note
    from runstrength.own_sessions import count_own, counted
    from runstrength.profile import load_athlete
    from runstrength.rules import Season

    k = knowledge_mod.load(Path(models) if models else None)
    if not isinstance(athlete, Athlete):
        athlete = load_athlete(athlete)
    equipment_warnings = _check_equipment(athlete, k)
    profile_races = list(athlete.races)
    extra = list(races)
    if extra:
        athlete = athlete.model_copy(update={"races": sorted([*athlete.races, *extra],
                                                             key=lambda r: r.date)})
    if isinstance(runs, str | Path):
        from runstrength.importers import load_schedule

        schedule = load_schedule(runs, athlete, k, start=start, end=end)
    elif isinstance(runs, Schedule):
        schedule = runs
    else:
        schedule = Schedule(runs=list(runs))
    if athlete.timezone is None:
        if not schedule.timezone:
            raise InputError(f"{athlete.source}: field timezone: required; add e.g. "
                             'timezone = "Europe/London" (an IANA name)')
        athlete = athlete.model_copy(update={"timezone": schedule.timezone})
    found = calendar_races(schedule.runs, athlete.races, k) if offer_calendar else []
    race_warnings = [races_note(found, schedule.source)] if found else []
    if found:
        athlete = athlete.model_copy(update={"races": sorted([*athlete.races, *found],
                                                             key=lambda r: r.date)})
    from runstrength import replan

    if isinstance(previous, str | Path):
        previous = replan.read_previous(previous, athlete.id, athlete.zone)
    slots = replan.previous_slots(previous, athlete)
    if start is None and slots:  # a re-plan's season begins where the previous one did
        first = min(d for d, *_ in slots)
        start = min(first - dt.timedelta(days=first.weekday()),
                    season_span(schedule, athlete, None, end, profile_races)[0])
    start, end = season_span(schedule, athlete, start, end, profile_races)
    _check_races(athlete, start, athlete.source, profile_races)
    own = counted([o for o in schedule.own if start <= o.day <= end], k)
    weeks = count_own(periodize(athlete, start, end, k), own)
    log = replan.done_log(done)
    notes = []
    if log is not None:
        from runstrength.donelog import unknown_names

        notes = unknown_names(log, [e.name for e in k.exercises.values()])
        if today is None and log.entries:
            today = max(e.day for e in log.entries) + dt.timedelta(days=1)
        notes += replan.log_vs_today(log, today)
    if today is not None and today <= start:
        today = None  # the season starts on or after it: nothing is past, any session may move
    elif today is not None and today > end:
        notes.append(f"--today {today} is after the season's last day ({end}): every session "
                     "is kept as it was")
    skipped = log.skipped_days() if log is not None else set()
    if today is not None:
        weeks = replan.missed_weeks(weeks, slots, skipped, today, k)
    # A run just outside the season still matters to its first and last day (the day
    # before a key run, the day after a long run); so does any later race.
    first, last = start - dt.timedelta(days=1), end + dt.timedelta(days=1)
    season = Season(
        athlete=athlete,
        knowledge=k,
        weeks=weeks,
        runs=[r for r in schedule.runs if first <= r.day <= last],
        busy=[*schedule.busy, *busy],
        races=[r for r in athlete.races if r.date >= start],
        own=own,
    )
    season.today = today
    season.previous = {(d, kind) for d, kind, *_ in slots if today is None or d >= today}
    if today is not None:
        season.kept = sorted(slot for slot in slots if slot[0] < today and slot[0] not in skipped)
    return Prepared(athlete, k, schedule, weeks, season, start, end,
                    source_stamp(schedule, start), race_warnings,
                    equipment_warnings + notes, log, replan.previous_uids(previous),
                    previous if hasattr(previous, "live") else None)


def finish(prep: Prepared, result: Plan) -> Plan:
    """``result`` with the season's goal, its inputs and every warning about them."""
    from runstrength.own_sessions import own_warnings

    athlete, schedule, start = prep.athlete, prep.schedule, prep.start
    goal = goal_race([r for r in athlete.races if r.date >= start])
    if goal is not None:
        result.goal = (f"No A race: the season builds toward {goal.label} ({goal.priority.value}) "
                       f"on {goal.date:%d %b %Y}")
    result.inputs = {schedule.source: "the schedule", athlete.source: "the profile"}
    result.warnings.extend(prep.race_notes)
    result.warnings.extend(a_race_warnings([r for r in athlete.races if r.date >= start],
                                           prep.knowledge))
    result.warnings.extend(own_warnings(prep.season))
    result.warnings.extend(prep.equipment_notes)
    result.warnings.extend(schedule.warnings)
    result.warnings.extend(_no_run_warnings(schedule, athlete, start, prep.end))
    if not schedule.runs:
        result.warnings.append("the schedule holds no runs: sessions are planned around busy time")
    today = result.today = prep.season.today
    if today is not None:  # a week over before the re-plan is history, not a shortfall
        past = [sf for sf in result.shortfalls if sf.monday + dt.timedelta(days=7) <= today]
        result.shortfalls = [sf for sf in result.shortfalls if sf not in past]
        result.warnings.extend(f"week {sf.week} ({sf.monday:%d %b %Y}): {sf.placed} of "
                               f"{sf.needed} sessions done, before the re-plan's first day"
                               for sf in past)
    if prep.previous_uids:
        from runstrength.uids import matched_uids

        result.uids = matched_uids(result, prep.previous_uids)
    if prep.log is not None:
        from runstrength.replan import apply_log

        result = apply_log(result, prep.log, prep.knowledge, prep.season.today)
    return result
