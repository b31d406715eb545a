"""The Python API: plan() from files, errors that name the file."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS

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
