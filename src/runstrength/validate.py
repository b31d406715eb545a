"""A solver-free check of every hard rule on a finished plan.

It shares no code with the model's rules on purpose: it reads the plan, the runs, busy time,
the profile and the rule parameters, and says in plain words which hard rule a session
breaks. Tests run it on every plan they make.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass

from runstrength.domain import (
    LegLoad,
    Level,
    Phase,
    Plan,
    PlannedSession,
    Priority,
    RunKind,
    RunWorkout,
)
from runstrength.knowledge import Knowledge


@dataclass(frozen=True)
class Violation:
    rule: str
    session: PlannedSession | None
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def _overlaps(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> bool:
    return a0 < b1 and b0 < a1


def validate(plan: Plan, k: Knowledge) -> list[Violation]:
    """Every hard-rule violation in ``plan`` (an empty list for a valid plan)."""
    rules = k.rules
    athlete = plan.athlete
    zone = athlete.zone
    key_kinds = set(athlete.key_runs or rules.key_runs)
    runs = list(plan.runs)
    # A race in the profile is a key run on its day even when the schedule lacks it; like an
    # all-day run it starts at the profile's run_time and lasts run_minutes.
    for race in athlete.races:
        if not any(r.kind is RunKind.RACE and r.day == race.date for r in runs):
            start = dt.datetime.combine(race.date, athlete.run_time, zone)
            runs.append(RunWorkout(start=start, kind=RunKind.RACE, title=race.label,
                                   end=start + dt.timedelta(minutes=athlete.run_minutes)))
    key_days: dict[dt.date, list] = {}
    for run in runs:
        if run.kind in key_kinds:
            key_days.setdefault(run.day, []).append(run)
    weeks = {w.index: w for w in plan.weeks}
    races = athlete.races
    pad = dt.timedelta(minutes=rules.run_buffer_minutes)
    out: list[Violation] = []

    def bad(rule: str, s: PlannedSession | None, msg: str) -> None:
        out.append(Violation(rule, s, msg))

    for s in plan.sessions:
        label = f"{s.kind} {s.start:%a %Y-%m-%d %H:%M}"
        day = s.start.astimezone(zone).date()
        heavy = s.leg_load is LegLoad.HEAVY
        # availability
        inside = any(
            dt.datetime.combine(day, w.start, zone) <= s.start
            and s.end <= dt.datetime.combine(day, w.end, zone)
            for w in athlete.windows_on(day)
        )
        if not inside:
            bad("availability", s, f"{label} is outside the availability windows")
        for run in runs:
            if _overlaps(s.start, s.end, run.start - pad, run.end + pad):
                bad("availability", s, f"{label} overlaps run {run.title or run.kind.value}")
        for block in plan.busy:
            if _overlaps(s.start, s.end, block.start, block.end):
                bad("availability", s, f"{label} overlaps busy event {block.title}")
        # blackouts
        if any(b.start <= day <= b.end for b in athlete.blackouts):
            bad("blackouts", s, f"{label} falls in a blackout")
        # no-heavy-legs-before-key
        if heavy and key_days.get(day + dt.timedelta(days=1)):
            bad("no-heavy-legs-before-key", s, f"{label} is heavy the day before a key run")
        # no-stacking
        if heavy and key_days.get(day):
            if athlete.level is not Level.ADVANCED:
                bad("no-stacking", s, f"{label} is heavy on a key-run day")
            else:
                gap = dt.timedelta(hours=rules.advanced_same_day_gap_hours)
                if any(s.start < run.end + gap for run in key_days[day]):
                    bad("no-stacking", s, f"{label} starts under {gap} after a key run")
        # race-week
        week = weeks.get(s.week)
        if week and week.phase is Phase.RACE_WEEK and s.leg_load not in (LegLoad.LIGHT,
                                                                         LegLoad.NONE):
            bad("race-week", s, f"{label} is {s.leg_load.value} in race week")
        for race in races:
            before = (race.date - day).days
            if race.priority is not Priority.C and 0 <= before <= rules.race_week_quiet_days:
                bad("race-week", s, f"{label} is within {before} days of {race.label}")
            if (race.priority is Priority.A and 0 <= before <= rules.a_race_unloaded_days
                    and s.leg_load in (LegLoad.HEAVY, LegLoad.MODERATE)):
                bad("race-week", s, f"{label} loads the legs {before} days before {race.label}")
            if (race.priority is Priority.A
                    and 1 <= -before <= rules.a_race_recovery_unloaded_days
                    and s.leg_load in (LegLoad.HEAVY, LegLoad.MODERATE)):
                bad("race-week", s, f"{label} loads the legs {-before} days after {race.label}")

    # one-per-day
    per_day = Counter(s.start.astimezone(zone).date() for s in plan.sessions)
    for day, n in sorted(per_day.items()):
        if n > 1:
            bad("one-per-day", None, f"{n} sessions on {day}")
    # heavy-spacing
    heavy = sorted((s for s in plan.sessions if s.leg_load is LegLoad.HEAVY), key=lambda s: s.start)
    gap = dt.timedelta(hours=rules.heavy_spacing_hours)
    for a, b in itertools.pairwise(heavy):
        if b.start - a.start < gap:
            bad("heavy-spacing", b, f"heavy sessions {a.start:%a %d %b %H:%M} and "
                                    f"{b.start:%a %d %b %H:%M} are under {gap} apart")
    # phase-max (and each kind's weekly cap)
    per_week = Counter(s.week for s in plan.sessions)
    for index, n in sorted(per_week.items()):
        week = weeks[index]
        if n > week.max_sessions:
            bad("phase-max", None, f"week {index} ({week.phase.value}) has {n} sessions, "
                                   f"max {week.max_sessions}")
    per_kind = Counter((s.week, s.kind) for s in plan.sessions)
    for (index, kind), n in sorted(per_kind.items()):
        cap = k.sessions[kind].max_per_week
        if n > cap:
            bad("phase-max", None, f"week {index} has {n} {kind} sessions, max {cap}")
    return out
