"""Shared fixtures: the bundled knowledge, small athletes and runs, and a checked planner."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from runstrength import knowledge
from runstrength.api import plan
from runstrength.domain import Athlete, Plan, RunKind, RunWorkout
from runstrength.validate import validate

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DATA = Path(__file__).resolve().parent / "data"
MONDAY = dt.date(2027, 3, 1)  # a Monday in a season without races: base phase
ZONE = "Europe/London"


@pytest.fixture(scope="session")
def k() -> knowledge.Knowledge:
    return knowledge.load()


def make_athlete(**fields) -> Athlete:
    """A recreational athlete free 06:00-21:00 every day unless ``fields`` say otherwise."""
    base = {
        "id": "t",
        "name": "Test Runner",
        "level": "recreational",
        "timezone": ZONE,
        "session_minutes": 45,
        "equipment": ["dumbbells", "bands"],
        "availability": {d: ["06:00-21:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat",
                                                         "sun")},
    }
    base.update(fields)
    return Athlete.model_validate(base)


def day(offset: int, monday: dt.date = MONDAY) -> dt.date:
    return monday + dt.timedelta(days=offset)


def run(on: dt.date, kind: RunKind | str, at: str = "07:00", minutes: int = 60) -> RunWorkout:
    start = dt.datetime.combine(on, dt.time.fromisoformat(at), dt.UTC).replace(
        tzinfo=Athlete(timezone=ZONE).zone
    )
    return RunWorkout(start=start, end=start + dt.timedelta(minutes=minutes),
                      kind=RunKind(kind), title=str(kind))


def checked(runs, athlete: Athlete, start: dt.date = MONDAY, end: dt.date | None = None,
            **kw) -> Plan:
    """Plan and assert the solver-free validator finds no hard-rule violation."""
    result = plan(list(runs), athlete, start=start, end=end or start + dt.timedelta(days=6), **kw)
    violations = validate(result, knowledge.load())
    assert violations == [], "\n".join(map(str, violations))
    assert result.status.value in ("OPTIMAL", "FEASIBLE")
    return result


def strength(result: Plan) -> list:
    """The plan's strength sessions: the short core and mobility add-ons left out."""
    return [s for s in result.sessions if not s.add_on]


def days_of(result: Plan) -> list[str]:
    """Weekdays of the plan's strength sessions (add-ons left out)."""
    return [f"{s.start:%a}" for s in strength(result)]
