"""The pieces of ``runstrength.prices`` that do not need a whole roster: the pool of plans,
the shares of the room they take, and the choice of one plan per athlete that fits."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from runstrength import knowledge
from runstrength.prices import _choose, _Held, _Pool, _Try, _usage
from runstrength.resources import Gym, Shared

DAY = dt.date(2026, 3, 2)
GYM = Gym("Club gym", 1, ((0, ((dt.time(6), dt.time(21)),)),))


def _session(index: int, hour: int, minutes: int = 45):
    start = dt.datetime.combine(DAY, dt.time(hour), tzinfo=dt.UTC)
    return SimpleNamespace(index=index, group="", place=GYM.name, day=DAY, start=start,
                           end=start + dt.timedelta(minutes=minutes))


def _pool(costs: list[tuple[float, float]]) -> _Pool:
    """One athlete per pair of costs: a plan at 18:00 and one at 19:00."""
    owns = [SimpleNamespace(m=SimpleNamespace(own=SimpleNamespace(scale=1))) for _ in costs]
    pool = _Pool(owns, Shared(gyms=(GYM,)))
    for j, (six, seven) in enumerate(costs):
        pool.add(j, _Try([_session(0, 18)], six, 0))
        pool.add(j, _Try([_session(1, 19)], seven, 0))
    return pool


def test_the_pool_keeps_one_copy_of_a_plan_and_knows_the_times_that_may_crowd():
    pool = _pool([(0, 5), (0, 3)])
    again = pool.add(0, _Try([_session(0, 18)], 0, 0))
    assert again is pool.plans[0][0] and pool.size() == 4
    rooms, taken = pool.covers()
    six = ("gym", GYM.name, _session(0, 18).start.timestamp())
    assert rooms == {six: 1, ("gym", GYM.name, _session(1, 19).start.timestamp()): 1}
    assert taken[0][0] == [six] and taken[1][0] == [six]


def test_the_choice_fits_the_room_and_costs_least():
    """Both want 18:00 and the room holds one: the athlete for whom 19:00 costs less moves,
    though the plans handed in (which fit) moved the other."""
    pool = _pool([(0, 5), (0, 3)])
    fitted = {0: pool.plans[0][1], 1: pool.plans[1][0]}  # cost 5
    how = knowledge.load(None).rules.joint
    chosen = _choose(pool, fitted, knowledge.load(None), how)
    assert chosen[0] is pool.plans[0][0] and chosen[1] is pool.plans[1][1]
    held = _Held(pool.shared)
    held.take(0, chosen[0].chosen)
    assert all(held.fits(c) for c in chosen[1].chosen)


def test_a_session_from_the_evening_before_still_holds_its_place():
    """Spans are kept by day; one that runs past midnight still counts the next day."""
    held = _Held(Shared(gyms=(GYM,)))
    late = _session(0, 23, minutes=90)
    held.take(0, [late])
    early = _session(1, 0, minutes=30)
    early.start += dt.timedelta(days=1)
    early.end += dt.timedelta(days=1)
    assert not held.fits(early)
    held.free(0)
    assert held.fits(early)


def test_a_session_into_the_next_day_sees_one_that_starts_after_midnight():
    held = _Held(Shared(gyms=(GYM,)))
    early = _session(1, 0, minutes=30)
    early.start += dt.timedelta(days=1)
    early.end += dt.timedelta(days=1)
    held.take(0, [early])
    assert not held.fits(_session(0, 23, minutes=90))


def test_athletes_in_other_time_zones_at_one_gym_are_counted_by_the_instant():
    """A session at 23:00 in New York and one at 05:00 the next day in Berlin are at the same
    moment: the room of one is full."""
    from zoneinfo import ZoneInfo

    york = dt.datetime(2026, 3, 2, 23, 0, tzinfo=ZoneInfo("America/New_York"))
    berlin = york.astimezone(ZoneInfo("Europe/Berlin"))
    assert berlin.date() != york.date()
    here = SimpleNamespace(index=0, group="", place=GYM.name, day=york.date(), start=york,
                           end=york + dt.timedelta(minutes=45))
    there = SimpleNamespace(index=1, group="", place=GYM.name, day=berlin.date(), start=berlin,
                            end=berlin + dt.timedelta(minutes=45))
    for held_one, asked in ((here, there), (there, here)):  # either way round
        held = _Held(Shared(gyms=(GYM,)))
        held.take(0, [held_one])
        assert not held.fits(asked)


def test_usage_counts_a_priced_time_that_sessions_cover_but_none_starts_at():
    plans = {0: _Try([_session(0, 18)], 0, 0), 1: _Try([_session(1, 18)], 0, 0)}
    half = ("gym", GYM.name, _session(0, 18).start.timestamp() + 30 * 60)
    use = _usage(plans, Shared(gyms=(GYM,)), [half])
    assert use[half] == (2, 1)
    assert use["gym", GYM.name, _session(0, 18).start.timestamp()] == (2, 1)


def test_the_objective_written_into_the_model_is_the_one_minimize_writes():
    """Repeated variables add up and zero weights change nothing, as with ``cp.minimize``."""
    from ortools.sat.python import cp_model

    from runstrength.prices import _Own

    cp = cp_model.CpModel()
    x = [cp.new_bool_var(f"x{i}") for i in range(3)]
    t = cp.new_int_var(0, 5, "t")
    cp.add(t >= 2 - x[0] - x[1])
    cp.add(x[0] + x[2] <= 1)
    own = SimpleNamespace(cp=cp, x=dict(enumerate(x)),
                          candidates=[SimpleNamespace(index=i) for i in range(3)],
                          terms=[SimpleNamespace(var=t, rule="phase-min")])
    variables, weights = [t, *x, x[0]], [7, 4, 0, -3, 2]
    o = _Own(SimpleNamespace(own=own), variables, weights, [])
    o.objective(weights)
    written = dict(zip(cp.proto.objective.vars, cp.proto.objective.coeffs, strict=True))
    mine = _solver()
    assert mine.solve(cp) == cp_model.OPTIMAL
    cp.minimize(cp_model.LinearExpr.weighted_sum(variables, weights))
    theirs = dict(zip(cp.proto.objective.vars, cp.proto.objective.coeffs, strict=True))
    assert {v: c for v, c in written.items() if c} == theirs == {t.index: 7, x[0].index: 6,
                                                                  x[2].index: -3}
    solver = _solver()
    assert solver.solve(cp) == cp_model.OPTIMAL
    assert mine.objective_value == solver.objective_value


def _solver():
    """A CP-SAT solver that leaves Ctrl-C alone: its own SIGINT handler would outlive the
    solve and take the signal the stopping tests send."""
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    solver.parameters.num_workers = 1
    return solver
