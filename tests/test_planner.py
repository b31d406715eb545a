"""The planner: the cyclic collector is paused while a season is planned and left as it was."""

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


def test_plans_on_threads_turn_the_collector_back_on_when_the_last_ends(collector):
    gc.enable()
    inside, release = threading.Barrier(2), threading.Event()
    states = []

    def one():
        with planner._collector_paused():
            inside.wait(10)
            states.append(gc.isenabled())
            release.wait(10)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    while len(states) < 2:
        threading.Event().wait(0.01)
    release.set()
    for t in threads:
        t.join(10)
    assert states == [False, False]
    assert gc.isenabled()
    with pytest.raises(ValueError), planner._collector_paused():  # an error restores it too
        raise ValueError("a bug")
    assert gc.isenabled()
