"""The solver-free validator catches each hard rule when a plan breaks it."""

from __future__ import annotations

import datetime as dt

from conftest import checked, day, make_athlete, run

from runstrength.domain import LegLoad, PlannedSession
from runstrength.validate import validate


def heavy(on: dt.date, athlete, at: str = "18:00", week: int = 1) -> PlannedSession:
    start = dt.datetime.combine(on, dt.time.fromisoformat(at), athlete.zone)
    return PlannedSession(athlete=athlete.id, start=start, end=start + dt.timedelta(minutes=45),
                          kind="unilateral_strength", title="Unilateral strength",
                          leg_load=LegLoad.HEAVY, phase="base", week=week)


def rules_broken(plan, sessions, k) -> set[str]:
    return {v.rule for v in validate(plan.model_copy(update={"sessions": sessions}), k)}


def test_validator_flags_each_hard_rule(k):
    """Sessions placed by hand against each rule are reported under that rule's id."""
    athlete = make_athlete(availability={"mon": ["18:00-20:00"], "tue": ["18:00-20:00"],
                                         "wed": ["18:00-20:00"]},
                           blackouts=[{"start": str(day(2)), "end": str(day(2))}])
    plan = checked([run(day(1), "intervals", "07:00")], athlete)
    cases = {
        "availability": [heavy(day(3), athlete)],                      # Thursday: no window
        "no-heavy-legs-before-key": [heavy(day(0), athlete)],          # Monday before intervals
        "no-stacking": [heavy(day(1), athlete)],                       # on the intervals day
        "blackouts": [heavy(day(2), athlete)],
        "one-per-day": [heavy(day(0), athlete, "18:00"), heavy(day(0), athlete, "19:00")],
        "heavy-spacing": [heavy(day(1), athlete), heavy(day(2), athlete)],
    }
    for rule, sessions in cases.items():
        assert rule in rules_broken(plan, sessions, k), rule


def test_validator_knows_races_missing_from_the_schedule(k):
    """A profile race is a key run even when the schedule lacks it."""
    athlete = make_athlete(races=[{"date": str(day(13)), "distance": "10k", "priority": "C"}])
    plan = checked([], athlete, end=day(13))
    assert "no-heavy-legs-before-key" in rules_broken(plan, [heavy(day(12), athlete, week=2)], k)


def test_validator_flags_too_many_sessions_and_loaded_race_week(k):
    """phase-max and race-week are reported too."""
    athlete = make_athlete(level="beginner",
                           races=[{"date": str(day(13)), "distance": "half", "priority": "A"}])
    plan = checked([], athlete, end=day(13))
    three = [heavy(day(i), athlete, week=1) for i in (0, 2, 4)]
    assert "phase-max" in rules_broken(plan, three, k)
    assert "race-week" in rules_broken(plan, [heavy(day(8), athlete, week=2)], k)


def test_include_runs_writes_only_imported_runs_inside_the_season(k):
    """Regression: --include-runs wrote profile races as 07:00 runs and runs past --to."""
    import icalendar

    athlete = make_athlete(races=[{"date": str(day(20)), "distance": "10k", "priority": "C"}])
    runs = [run(day(2), "easy"), run(day(9), "easy")]
    plan = checked(runs, athlete, end=day(6))
    cal = icalendar.Calendar.from_ical(plan.to_ics(include_runs=True))
    written = [e for e in cal.walk("VEVENT") if "STRENGTH" not in str(e.get("CATEGORIES").cats)]
    assert [e.DTSTART.date() for e in written] == [day(2)]


def test_validator_flags_loaded_legs_just_after_an_a_race(k):
    """return-after-race (which took the after-race days over from race-week): the days right
    after an A race hold no loaded legs; race-week itself only looks before the race."""
    athlete = make_athlete(races=[{"date": str(day(6)), "distance": "marathon", "priority": "A"}])
    plan = checked([], athlete, end=day(13))
    assert "return-after-race" in rules_broken(plan, [heavy(day(8), athlete, week=2)], k)
    assert "race-week" not in rules_broken(plan, [heavy(day(8), athlete, week=2)], k)
    assert "race-week" not in rules_broken(plan, [heavy(day(10), athlete, week=2)], k)
