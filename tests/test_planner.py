"""The planner: the cyclic collector is paused while a season is planned in the main thread
and left as it was."""

from __future__ import annotations

import gc
import threading

import pytest
from conftest import checked, day, make_athlete, run

from runstrength import planner
from runstrength.domain import RunKind


@pytest.fixture
def collector():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("on", [True, False])
def test_a_plan_leaves_the_collector_as_it_found_it(collector, on):
    (gc.enable if on else gc.disable)()
    seen = []
    real = planner._plan_season

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    planner._plan_season = spy
    try:
        checked([run(day(1), RunKind.INTERVALS), run(day(6), RunKind.LONG, "08:00", 90)],
                make_athlete())
    finally:
        planner._plan_season = real
    assert seen == [False]  # paused while planning
    assert gc.isenabled() is on


def test_plans_on_other_threads_leave_the_collector_on(collector):
    """Overlapping plans on threads would keep it off for good (and their garbage with it)."""
    gc.enable()
    states = []

    def one():
        with planner._collector_paused():
            states.append(gc.isenabled())

    thread = threading.Thread(target=one)
    thread.start()
    thread.join(10)
    assert states == [True]
    assert gc.isenabled()


def test_an_error_in_a_plan_turns_the_collector_back_on(collector):
    gc.enable()
    with pytest.raises(ValueError), planner._collector_paused():
        assert not gc.isenabled()
        raise ValueError("a bug")
    assert gc.isenabled()
