"""Property tests: whatever schedule and profile, the plan passes the solver-free validator."""

from __future__ import annotations

import datetime as dt

from conftest import checked, make_athlete
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runstrength.domain import WEEKDAYS, RunKind, RunWorkout

START = dt.date(2027, 3, 1)


@st.composite
def windows(draw):
    start = draw(st.integers(5 * 4, 20 * 4))  # quarter hours from 05:00 to 20:00
    length = draw(st.integers(2, 16))
    end = min(start + length, 24 * 4 - 1)
    return f"{start // 4:02d}:{start % 4 * 15:02d}-{end // 4:02d}:{end % 4 * 15:02d}"


@st.composite
def athletes(draw):
    days = draw(st.lists(st.sampled_from(WEEKDAYS), unique=True, max_size=7))
    race_offset = draw(st.none() | st.integers(3, 41))
    races = []
    if race_offset is not None:
        races.append({
            "date": str(START + dt.timedelta(days=race_offset)),
            "distance": draw(st.sampled_from(["5k", "10k", "half", "marathon", "ultra"])),
            "priority": draw(st.sampled_from(["A", "B", "C"])),
        })
    blackouts = []
    if draw(st.booleans()):
        b0 = START + dt.timedelta(days=draw(st.integers(0, 30)))
        blackouts.append({"start": str(b0), "end": str(b0 + dt.timedelta(days=draw(
            st.integers(0, 6))))})
    return make_athlete(
        level=draw(st.sampled_from(["beginner", "recreational", "marathon", "advanced"])),
        session_minutes=draw(st.sampled_from([20, 30, 45, 60])),
        availability={d: draw(st.lists(windows(), min_size=1, max_size=2)) for d in days},
        races=races,
        blackouts=blackouts,
    )


@st.composite
def schedules(draw):
    runs = []
    for offset in range(42):
        if draw(st.integers(0, 9)) < 6:
            day = START + dt.timedelta(days=offset)
            hour = draw(st.integers(5, 20))
            start = dt.datetime.combine(day, dt.time(hour, draw(st.sampled_from([0, 30]))),
                                        make_athlete().zone)
            runs.append(RunWorkout(
                start=start,
                end=start + dt.timedelta(minutes=draw(st.integers(20, 180))),
                kind=draw(st.sampled_from(list(RunKind))),
                title="generated",
            ))
    return runs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(athlete=athletes(), runs=schedules())
def test_every_generated_plan_passes_the_validator(athlete, runs):
    """Six weeks of random runs, windows, races and blackouts: no hard rule is ever broken."""
    result = checked(runs, athlete, start=START, end=START + dt.timedelta(days=41))
    assert result.status.value == "OPTIMAL"
    for week in result.weeks:
        placed = [s for s in result.sessions if s.week == week.index and not s.add_on]
        assert len(placed) <= week.max_sessions
    short_weeks = {sf.week for sf in result.shortfalls}
    for week in result.weeks:
        counted = sum(1 for s in result.sessions if s.week == week.index and not s.add_on)
        assert (counted < week.min_sessions) == (week.index in short_weeks)
