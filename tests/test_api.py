"""The Python API: plan() from files, errors that name the file."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SCENARIOS, make_athlete, run

import runstrength
from runstrength.errors import InputError


def test_plan_from_files_and_frame():
    """plan() reads a schedule and a profile; to_frame() has one row per session."""
    folder = SCENARIOS / "plain-csv"
    plan = runstrength.plan(folder / "runs.csv", folder / "athlete.toml")
    assert plan.status.value == "OPTIMAL" and plan.sessions
    frame = plan.to_frame()
    assert len(frame) == len(plan.sessions) and "uid" in frame.columns


def test_schedule_without_runs_names_the_file(tmp_path):
    """Regression: the API said 'the schedule has no runs' without naming the file."""
    empty = tmp_path / "meetings.csv"
    empty.write_text("date,start,duration_min,title,type\n2027-03-01,09:00,60,Standup,work\n")
    with pytest.raises(InputError, match=r"meetings\.csv: no runs"):
        runstrength.plan(empty, SCENARIOS / "plain-csv" / "athlete.toml")


def test_misspelt_equipment_is_refused_with_a_close_match():
    """Regression: "dumbells" was silently ignored and the plan fell back to bodyweight."""
    athlete = make_athlete(equipment=["dumbells", "bands"])
    with pytest.raises(InputError) as err:
        runstrength.plan([run(dt.date(2027, 3, 2), "easy")], athlete)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("profile: field equipment.0: unknown equipment 'dumbells'")
    assert "did you mean 'dumbbells'?" in message
    assert "known items: bands, barbell, bodyweight, dumbbells" in message and "gym" in message
    # Case does not matter (as for has_equipment); the catalogue's items and gym all pass.
    for gear in (["GYM"], ["Dumbbells", "mini_bands", "bodyweight"], ["stability_ball"]):
        assert runstrength.plan([run(dt.date(2027, 3, 2), "easy")],
                                make_athlete(equipment=gear)).sessions


def test_equipment_no_exercise_uses_is_warned_about_not_refused():
    """A yoga mat or a pull-up bar is real kit the catalogue does not use: a warning, no error."""
    athlete = make_athlete(equipment=["dumbbells", "yoga mat", "pull-up bar"])
    result = runstrength.plan([run(dt.date(2027, 3, 2), "easy")], athlete)
    assert result.sessions
    ignored = [w for w in result.warnings if "is used by no exercise" in w]
    assert [w.split(" is used")[0] for w in ignored] == ["profile: equipment 'yoga mat'",
                                                          "profile: equipment 'pull-up bar'"]


def test_a_race_far_beyond_the_last_run_is_warned_about():
    """Regression: an A race months after the schedule's last run planned those weeks blind."""
    athlete = make_athlete(races=[{"date": "2027-06-27", "distance": "10k", "priority": "A"}])
    runs = [run(dt.date(2027, 3, 2), "easy"), run(dt.date(2027, 3, 9), "easy")]
    result = runstrength.plan(runs, athlete, time_limit=10)
    gaps = [w for w in result.warnings if w.startswith("no runs")]
    assert gaps == ["no runs after 2027-03-09: the last 15 weeks of the season (to the race on "
                    "2027-06-27) have no running data; sessions there ignore your running"]
    # --from well before the first run warns about the start; two weeks either side do not.
    early = runstrength.plan(runs, athlete, start=dt.date(2027, 1, 4), end=dt.date(2027, 3, 14),
                             time_limit=10)
    assert [w for w in early.warnings if w.startswith("no runs")] == [
        "no runs before 2027-03-02: the first 8 weeks of the season (from 2027-01-04) have no "
        "running data; sessions there ignore your running"]
    close = runstrength.plan(runs, athlete, start=dt.date(2027, 2, 22), end=dt.date(2027, 3, 21),
                             time_limit=10)
    assert not [w for w in close.warnings if w.startswith("no runs")]


def test_races_in_the_calendar_are_races_when_the_profile_lists_none(tmp_path):
    """Regression (issue 9): a TrainingPeaks feed with "RACE: Riverside City Marathon" and no
    [[races]] was planned as 18 weeks of base. Races found in the calendar are used (distance
    from the title, A for the last and longest, B for the others), said in one warning, and
    the plan is the one the full profile gives."""
    import re

    from runstrength.api import plan

    folder = SCENARIOS / "marathon-trainingpeaks"
    text = (folder / "athlete.toml").read_text(encoding="utf-8")
    bare = tmp_path / "athlete.toml"
    bare.write_text(re.sub(r"\[\[races\]\][^\[]*", "", text), encoding="utf-8")
    found = plan(folder / "runs.ics", bare)
    full = plan(folder / "runs.ics", folder / "athlete.toml")
    assert [(r.date, r.distance.value, r.priority.value, r.name) for r in found.athlete.races] == [
        (r.date, r.distance.value, r.priority.value, r.name) for r in full.athlete.races]
    notes = [w for w in found.warnings if "races taken from the calendar" in w]
    assert len(notes) == 1 and "2027-04-25 marathon (A)" in notes[0]
    assert found.to_ics() == full.to_ics()
    # a race both in the profile and in the calendar is taken once, as the profile has it
    assert not [w for w in full.warnings if "races taken from the calendar" in w]


def test_a_season_without_an_a_race_builds_toward_its_goal():
    """Regression (issue 9): a season with a C 10K and a B half was all base. With no A race
    the last race of the highest priority is the goal: build before it, its mini-taper, and
    the plan says so."""
    from runstrength.api import plan

    folder = SCENARIOS / "outlook-windows"
    result = plan(folder / "runs.ics", folder / "athlete.toml")
    phases = [w.phase.value for w in result.weeks]
    assert "build" in phases and phases[-1] == "race-week"
    assert result.goal.startswith("No A race: the season builds toward Dijkenloop Half")
