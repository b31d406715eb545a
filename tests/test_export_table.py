"""The CSV / JSON / DataFrame exporter: DESIGN.md's columns, values and determinism."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
from icalendar import Calendar
from plan_factory import make_athlete, make_plan

from runstrength.exporters.ics import plan_to_ics
from runstrength.exporters.table import COLUMNS, plan_to_csv, plan_to_frame, plan_to_json

DESIGN_COLUMNS = [
    "athlete", "date", "start", "end", "session", "leg_load", "phase", "week",
    "posterior_sets", "unilateral_sets", "core_sets", "minutes", "uid",
]  # fmt: skip


def test_columns_are_the_design_columns() -> None:
    """Frame, CSV header and JSON keys are exactly DESIGN.md's columns, in order."""
    plan = make_plan()
    assert list(COLUMNS) == DESIGN_COLUMNS
    assert list(plan_to_frame(plan).columns) == DESIGN_COLUMNS
    assert plan_to_csv(plan).split(b"\n")[0].decode() == ",".join(DESIGN_COLUMNS)
    assert all(list(row) == DESIGN_COLUMNS for row in json.loads(plan_to_json(plan)))


def test_csv_values() -> None:
    """One row per session, sorted, with ISO date, local HH:MM, volumes (0 if missing), minutes."""
    rows = list(csv.DictReader(io.StringIO(plan_to_csv(make_plan()).decode("utf-8"))))
    assert [r["date"] for r in rows] == ["2027-03-23", "2027-03-25", "2027-03-31"]
    first = rows[0]
    assert first == {
        "athlete": "sam",
        "date": "2027-03-23",
        "start": "18:30",
        "end": "19:15",
        "session": "posterior-chain",
        "leg_load": "heavy",
        "phase": "base",
        "week": "1",
        "posterior_sets": "6",
        "unilateral_sets": "3",
        "core_sets": "3",
        "minutes": "45",
        "uid": "54c0f521-7874-55dd-b59d-8998a2a41f70@runstrength",
    }
    core = rows[1]
    assert (core["posterior_sets"], core["unilateral_sets"], core["core_sets"]) == ("0", "0", "6")
    # After the clock change: still local wall time, not UTC.
    assert (rows[2]["start"], rows[2]["end"], rows[2]["phase"]) == ("12:00", "12:40", "build")


def test_uids_match_ics() -> None:
    """The uid column holds the same UIDs, in the same order, as the .ics events."""
    plan = make_plan()
    ics_uids = [str(e["UID"]) for e in Calendar.from_ical(plan_to_ics(plan)).walk("VEVENT")]
    assert plan_to_frame(plan)["uid"].tolist() == ics_uids


def test_csv_deterministic_with_unix_newlines() -> None:
    """Same plan → same CSV bytes, whatever the session order; lines end in \\n only."""
    plan = make_plan()
    shuffled = plan.model_copy(update={"sessions": plan.sessions[::-1]})
    data = plan_to_csv(plan)
    assert data == plan_to_csv(make_plan()) == plan_to_csv(shuffled) == plan.to_csv()
    assert b"\r" not in data
    assert data.endswith(b"\n") and data.count(b"\n") == 1 + len(plan.sessions)


def test_csv_frame_and_json_agree() -> None:
    """Reading the CSV with pandas gives the frame; the JSON holds the same records."""
    plan = make_plan()
    frame = plan_to_frame(plan)
    from_csv = pd.read_csv(io.BytesIO(plan_to_csv(plan)), dtype={"start": str, "end": str})
    pd.testing.assert_frame_equal(from_csv, frame, check_dtype=False)
    assert json.loads(plan_to_json(plan)) == frame.to_dict(orient="records")
    assert plan.to_frame().equals(frame)


def test_frame_dtypes() -> None:
    """Count columns are int64, also for a plan with no sessions."""
    ints = ["week", "posterior_sets", "unilateral_sets", "core_sets", "minutes"]
    for plan in (make_plan(), make_plan(sessions=[])):
        frame = plan_to_frame(plan)
        assert all(frame[c].dtype == "int64" for c in ints)
    assert len(plan_to_frame(make_plan(sessions=[]))) == 0


def test_empty_plan() -> None:
    """No sessions: a header-only CSV and an empty JSON array."""
    plan = make_plan(sessions=[])
    assert plan_to_csv(plan) == (",".join(DESIGN_COLUMNS) + "\n").encode()
    assert plan_to_json(plan) == b"[]\n"


def test_json_keeps_non_ascii() -> None:
    """JSON is UTF-8 (not \\u escapes) and deterministic."""
    plan = make_plan(make_athlete(id="zoë"))
    data = plan_to_json(plan)
    assert '"athlete": "zoë"'.encode() in data
    assert data == plan_to_json(plan)
    assert plan_to_csv(plan).decode("utf-8").split("\n")[1].startswith("zoë,")


def test_csv_does_not_import_pandas() -> None:
    """Writing CSV/JSON leaves pandas unimported, so the CLI stays fast."""
    code = (
        "import sys; from plan_factory import make_plan;"
        "from runstrength.exporters.table import plan_to_csv, plan_to_json;"
        "p = make_plan(); plan_to_csv(p); plan_to_json(p);"
        "assert 'pandas' not in sys.modules, 'pandas imported'"
    )
    tests = str(Path(__file__).parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tests, os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
