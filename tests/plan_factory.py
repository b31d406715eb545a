"""Small hand-made `Plan` objects for exporter tests, built without the solver.

The plan straddles the 2027 UK clock change (28 Mar) so the VTIMEZONE needs both GMT and
BST, and its text carries commas, semicolons, newlines-worthy content and non-ASCII.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from runstrength.domain import (
    Athlete,
    Category,
    Drill,
    Exercise,
    LegLoad,
    Phase,
    Plan,
    PlannedSession,
    Prescribed,
    RunKind,
    RunWorkout,
    Week,
)

LONDON = "Europe/London"
STAMP = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)

RDL = Exercise(
    id="rdl",
    name="Romanian deadlift",
    category=Category.POSTERIOR,
    equipment=["dumbbells"],
    cue="hips back; soft knees",
)
SPLIT_SQUAT = Exercise(
    id="split-squat",
    name="Bulgarian split squat, rear foot elevated",
    category=Category.UNILATERAL,
    equipment=["dumbbells"],
    per_side=True,
)
ETAPE = Exercise(id="etape", name="Étape plank; côté", category=Category.CORE, per_side=True)
DEAD_BUG = Exercise(id="dead-bug", name="Dead bug", category=Category.CORE)
SWINGS = Exercise(id="swings", name="Leg swings", category=Category.PREP, per_side=True,
                  patterns=["hip-mobility"])
BREATHING = Exercise(id="breathing", name="Breathing, lying down", category=Category.PREP,
                     patterns=["breathing"])


def make_athlete(timezone: str = LONDON, **overrides: object) -> Athlete:
    """Sam, a recreational runner in London."""
    fields: dict[str, object] = {
        "id": "sam",
        "name": "Sam Kéré",
        "timezone": timezone,
        "equipment": ["dumbbells", "bands"],
        "availability": {"tue": ["18:00-20:30"], "thu": ["06:00-07:30"], "wed": ["12:00-13:00"]},
    }
    fields.update(overrides)
    return Athlete.model_validate(fields)


def _at(day: dt.date, hh: int, mm: int, minutes: int, zone: ZoneInfo) -> tuple[dt.datetime, ...]:
    start = dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=zone)
    return start, start + dt.timedelta(minutes=minutes)


def make_sessions(athlete: Athlete) -> list[PlannedSession]:
    """Three sessions in two weeks; the last one after the clock change, in a deload week."""
    zone = athlete.zone
    posterior_start, posterior_end = _at(dt.date(2027, 3, 23), 18, 30, 45, zone)
    core_start, core_end = _at(dt.date(2027, 3, 25), 6, 15, 25, zone)
    uni_start, uni_end = _at(dt.date(2027, 3, 31), 12, 0, 40, zone)
    return [
        # Listed out of order on purpose: exporters must sort.
        PlannedSession(
            athlete=athlete.id,
            start=uni_start,
            end=uni_end,
            kind="unilateral-strength",
            title="Unilateral strength (deload)",
            leg_load=LegLoad.HEAVY,
            phase=Phase.BUILD,
            week=2,
            deload=True,
            volume={Category.UNILATERAL: 4, Category.CORE: 2},
            exercises=[
                Prescribed(exercise=SPLIT_SQUAT, sets=2, reps="8", load="RPE 6, slow lowering",
                           effort="RPE 6, slow lowering", rest="60-90 s"),
                Prescribed(exercise=ETAPE, sets=2, reps="30 s", load="bodyweight",
                           effort="bodyweight", rest="30-45 s"),
            ],
            warmup=[Drill(exercise=SWINGS, dose="10 swings", seconds=240)],
            cooldown=[Drill(exercise=BREATHING, dose="6 breaths", seconds=120)],
            week_load="deload week: same exercises, fewer sets",
            reason="Wednesday: easy-run day; 48 h after Monday's intervals.",
        ),
        PlannedSession(
            athlete=athlete.id,
            start=posterior_start,
            end=posterior_end,
            kind="posterior-chain",
            title="Posterior chain; hips, hamstrings",
            leg_load=LegLoad.HEAVY,
            phase=Phase.BASE,
            week=1,
            volume={Category.POSTERIOR: 6, Category.UNILATERAL: 3, Category.CORE: 3},
            exercises=[
                Prescribed(exercise=RDL, sets=3, reps="8-10", load="heavy; 2 reps in reserve"),
                Prescribed(exercise=SPLIT_SQUAT, sets=3, reps="8", load="moderate, RPE 7"),
                Prescribed(exercise=DEAD_BUG, sets=3, reps="10", load="bodyweight"),
            ],
            reason="Tuesday evening, 10 h after the easy run; Thursday's intervals are 2 days off.",
        ),
        PlannedSession(
            athlete=athlete.id,
            start=core_start,
            end=core_end,
            kind="core-stability",
            title="Core stability",
            leg_load=LegLoad.LIGHT,
            phase=Phase.BASE,
            week=1,
            volume={Category.CORE: 6},  # no posterior/unilateral entry: exported as 0
            exercises=[
                Prescribed(exercise=ETAPE, sets=3, reps="30-45 s", load="bodyweight"),
                Prescribed(exercise=DEAD_BUG, sets=3, reps="12", load="slow, \"quality\" reps"),
            ],
            reason="Light session: fine before Saturday's long run.",
        ),
    ]


def make_runs(athlete: Athlete) -> list[RunWorkout]:
    zone = athlete.zone
    easy = _at(dt.date(2027, 3, 23), 7, 0, 45, zone)
    intervals = _at(dt.date(2027, 3, 29), 7, 0, 60, zone)
    long_run = _at(dt.date(2027, 3, 27), 9, 0, 120, zone)
    return [
        RunWorkout(start=easy[0], end=easy[1], kind=RunKind.EASY, title="Run: Easy 8 km"),
        RunWorkout(start=intervals[0], end=intervals[1], kind=RunKind.INTERVALS,
                   title="Run: 6 × 800 m, 90 s jog"),
        RunWorkout(start=long_run[0], end=long_run[1], kind=RunKind.LONG, title="",
                   all_day=True),
    ]


def make_plan(athlete: Athlete | None = None, **overrides: object) -> Plan:
    """A two-week plan (base week 1, deload build week 2) with three sessions and three runs."""
    athlete = athlete or make_athlete()
    fields: dict[str, object] = {
        "athlete": athlete,
        "weeks": [
            Week(index=1, monday=dt.date(2027, 3, 22), phase=Phase.BASE, min_sessions=2),
            Week(index=2, monday=dt.date(2027, 3, 29), phase=Phase.BUILD, deload=True,
                 min_sessions=1),
        ],
        "sessions": make_sessions(athlete),
        "runs": make_runs(athlete),
        "stamp": STAMP,
    }
    fields.update(overrides)
    return Plan(**fields)
