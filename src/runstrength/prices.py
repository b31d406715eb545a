"""A joint plan too large for one model: the athletes' own models, coordinated by prices on the
crowded gym times and group sessions, then fitted in turn.

One CP-SAT model of 100 athletes in one gym finds no plan within a minute; each athlete's own
model solves in a few hundredths of a second. So the shared limits are priced instead of
imposed (a Lagrangian relaxation of the capacity constraints):

1. every athlete alone (``joint.run_joint`` has done it, unpriced);
2. rounds: a time in the gym where more athletes train than it has room for gets a price (in
   the units of the coaching penalties), raised while it stays overfull and lowered when it
   has room to spare; each athlete re-solves their own model, unchanged, with the prices of
   the times their sessions take added to its cost (on up to four threads: CP-SAT lets go of
   the GIL; an athlete whose prices did not move keeps the last answer). Each round also
   gives a lower bound on the cost of any plan that fits: the athletes' priced optima less
   the price of the room;
3. the last priced plans are fitted in turn, worst-off athletes first: an athlete whose plan
   fits beside those already placed keeps it; the others re-solve (still priced) with the
   full times taken away;
4. rounds of each athlete re-solving around the others (unpriced, the worst-off first), a new
   plan kept only when it is better, until a round changes nothing or the time is up.

The gap reported is against the best lower bound of step 2: an upper bound on the true gap.
The worst-off athlete's missed sessions are not minimised first as in one model (steps 3 and
4 give them the first turns); docs/benchmarks.md compares both on a roster both solve.
"""

from __future__ import annotations

import bisect
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from runstrength.resources import Shared

IMPROVE_ROUNDS = 2  # at most; a round that changes nothing ends them


@dataclass
class _Own:
    """One member's own model, with its cost as weights over its variables."""

    m: object
    vars: list
    weights: list[int]
    shared: list  # candidates in a gym or a group
    covers: dict[int, list] = field(default_factory=dict)  # candidate index -> price keys
    xs: list[int] = field(default_factory=list)  # the candidates' variable indices
    missed: list[int] = field(default_factory=list)  # phase-min terms' variable indices
    closed: bool = False  # some shared candidates are closed (fitting in turn)

    def __post_init__(self) -> None:
        own = self.m.own
        self.xs = [own.x[c.index].index for c in own.candidates]
        self.missed = [t.var.index for t in own.terms if t.rule == "phase-min"]


class _Held:
    """What the athletes placed so far hold: gym spans and group seats."""

    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.spans: dict[str, list[tuple[float, float, int]]] = {g.name: [] for g in shared.gyms}
        self.seats: dict[tuple, list[int]] = {}

    def take(self, i: int, chosen) -> None:
        for c in chosen:
            if c.group:
                self.seats.setdefault((c.group, c.day), []).append(i)
            elif c.place:
                self.spans[c.place].append((c.start.timestamp(), c.end.timestamp(), i))

    def free(self, i: int) -> None:
        for name, spans in self.spans.items():
            self.spans[name] = [s for s in spans if s[2] != i]
        for key, who in self.seats.items():
            self.seats[key] = [j for j in who if j != i]

    def fits(self, c) -> bool:
        """Whether candidate ``c`` fits beside what is held."""
        if c.group:
            return len(self.seats.get((c.group, c.day), [])) < self.shared.group(
                c.group).max_size
        if not c.place:
            return True
        room = self.shared.gym(c.place).max_athletes
        lo, hi = c.start.timestamp(), c.end.timestamp()
        spans = [s for s in self.spans[c.place] if s[0] < hi and lo < s[1]]
        for t in {lo, *(s[0] for s in spans if lo < s[0])}:  # every start under c
            if sum(1 for s in spans if s[0] <= t < s[1]) >= room:
                return False
        return True


def _usage(owns: list[_Own], chosen: dict, shared: Shared) -> dict[tuple, tuple[int, int]]:
    """For each gym start and group session of the chosen plans: (athletes there, room)."""
    out: dict[tuple, tuple[int, int]] = {}
    for gym in shared.gyms:
        spans = sorted((c.start.timestamp(), c.end.timestamp()) for o in owns
                       for c in chosen[o.m.i] if c.place == gym.name and not c.group)
        for t in sorted({s for s, _ in spans}):
            out["gym", gym.name, t] = (sum(1 for s, e in spans if s <= t < e), gym.max_athletes)
    for group in shared.groups:
        seats: dict = {}
        for o in owns:
            for c in chosen[o.m.i]:
                if c.group == group.name:
                    seats[c.day] = seats.get(c.day, 0) + 1
        for day, n in seats.items():
            out["group", group.name, day] = (n, group.max_size)
    return out


def _cover(own: _Own, keys: list[tuple]) -> None:
    """Which new price ``keys`` each of the member's shared candidates takes."""
    times: dict[str, list[float]] = {}
    for key in keys:
        if key[0] == "gym":
            times.setdefault(key[1], []).append(key[2])
    for name in times:
        times[name].sort()
    for c in own.shared:
        if c.group:
            hit = [key for key in keys if key[0] == "group" and key[1] == c.group
                   and key[2] == c.day]
        else:
            ts = times.get(c.place, [])
            lo = bisect.bisect_left(ts, c.start.timestamp())
            hi = bisect.bisect_left(ts, c.end.timestamp())
            hit = [("gym", c.place, t) for t in ts[lo:hi]]
        if hit:
            own.covers.setdefault(c.index, []).extend(hit)


@dataclass
class _Try:
    """One solve of a member's own model: what it chose and its cost unpriced."""

    chosen: list
    cost: float
    missed: int
    solver: object = None  # None: the member's own plan (``m.solo``)
    code: int = 0
    seconds: float = 0.0


def solve_by_prices(members, shared: Shared):
    """Each member's ``Solved``, the lower bound on the total (penalty units) and how many
    rounds ran. Nothing here reads a clock: the rounds are counted (``[joint]``
    ``price_solves``) and each solve has a deterministic-time limit, so the same roster gives
    the same plans on any machine, whatever its load."""
    from ortools.sat.python import cp_model

    from runstrength.joint import set_domain
    from runstrength.solver import _tie_break, read, run_solver

    k = members[0].prep.knowledge
    owns = []
    for m in members:
        own = m.own
        owns.append(_Own(
            m, [*(t.var for t in own.terms), *(own.x[c.index] for c in own.candidates)],
            [*(t.weight * own.scale for t in own.terms),
             *(_tie_break(c) for c in own.candidates)],
            [c for c in m.found.items if c.group or c.place]))
    how = k.rules.joint
    # one athlete's solve: a few hundredths of a second; a stuck one stops at the same point
    # of its search on every machine
    work = {"max_deterministic_time": how.solve_work}
    threads = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                  else os.cpu_count() or 1)

    def solve(o: _Own, price: dict, hint: _Try, allowed=None) -> tuple[_Try, float] | None:
        """Re-solve ``o``'s model priced, with only the shared candidates ``allowed`` takes
        (all when None); the try and its priced bound, or None when it found nothing."""
        m = o.m.own
        cp = m.cp
        weights = list(o.weights)
        base = len(m.terms)
        extra = {}
        for index, covers in o.covers.items():
            extra[index] = sum(price.get(key, 0) for key in covers)
            weights[base + index] += extra[index] * m.scale
        if allowed is not None or o.closed:
            o.closed = allowed is not None
            for c in o.shared:
                set_domain(cp, m.x[c.index], 0, 1 if allowed is None or allowed(c) else 0)
        cp.minimize(_weighted(o.vars, weights))
        cp.clear_hints()  # the last plan is the start (in bulk: this runs 100s of times)
        chosen = {c.index for c in hint.chosen}
        cp.proto.solution_hint.vars.extend(o.xs)
        cp.proto.solution_hint.values.extend([int(c.index in chosen) for c in m.candidates])
        solver, code, seconds = run_solver(cp, k, None, **work)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        values = list(solver.response_proto.solution)
        picked = [c for c, ix in zip(m.candidates, o.xs, strict=True) if values[ix]]
        paid = sum(extra.get(c.index, 0) for c in picked)
        missed = sum(values[ix] for ix in o.missed)
        return (_Try(picked, solver.objective_value / m.scale - paid, missed, solver, code,
                     seconds), solver.best_objective_bound / m.scale)

    plans = {o.m.i: _Try(o.m.solo.chosen, o.m.solo.objective, _missed(o.m.solo))
             for o in owns}
    price: dict[tuple, int] = {}
    best_bound = sum(m.solo.bound for m in members)
    step = float(how.price_step)
    price_rounds = min(how.price_rounds, max(1, how.price_solves // len(members)))
    rounds = [0, 0]  # price rounds, improving rounds
    last: dict[int, tuple] = {}  # member -> (the prices its last optimal solve saw, bound)
    last_bound: dict[int, float] = {}  # member -> bound of a solve not proven optimal
    with ThreadPoolExecutor(threads) as pool:
        for _ in range(price_rounds):
            use = _usage(owns, {i: p.chosen for i, p in plans.items()}, shared)
            over = [key for key, (used, room) in use.items() if used > room]
            if not over:
                break
            fresh = [key for key in over if key not in price]
            for o in owns:
                _cover(o, fresh)
            for key in fresh:
                price[key] = 0
            for key in price:  # more where it is overfull, less where there is room
                used, room = use.get(key, (0, _room(key, shared)))
                price[key] = max(0, round(price[key] + step * (used - room)))
            step *= how.price_decay
            # an athlete whose times' prices did not move has the same priced optimum
            todo = [o for o in owns if o.m.i not in last or last[o.m.i][0] != _seen(o, price)]
            out = list(pool.map(lambda o, p=dict(price): solve(o, p, plans[o.m.i]), todo))
            if any(r is None for r in out):
                break
            for o, (new, bound) in zip(todo, out, strict=True):
                plans[o.m.i] = new
                if new.code == cp_model.OPTIMAL:
                    last[o.m.i] = (_seen(o, price), bound)
                else:
                    last.pop(o.m.i, None)
                    last_bound[o.m.i] = bound
            bound = sum(last[o.m.i][1] if o.m.i in last else last_bound[o.m.i]
                        for o in owns) - sum(v * _room(key, shared) for key, v in price.items())
            best_bound = max(best_bound, bound)
            rounds[0] += 1
    held = _Held(shared)  # fit in turn, the worst-off first
    for o in sorted(owns, key=lambda o: _worst_first(plans[o.m.i], o.m.i)):
        plan = plans[o.m.i]
        if not all(held.fits(c) for c in plan.chosen if c.group or c.place):
            got = solve(o, price, plan, held.fits) or solve(o, {}, plan, held.fits)
            if got is None:
                raise RuntimeError(f"{o.m.task.id}: no plan beside the others")
            plan = plans[o.m.i] = got[0]
        held.take(o.m.i, plan.chosen)
    for _ in range(IMPROVE_ROUNDS):  # each better around the others, or as they were
        rounds[1] += 1
        changed = False
        for o in sorted(owns, key=lambda o: _worst_first(plans[o.m.i], o.m.i)):
            held.free(o.m.i)
            got = solve(o, {}, plans[o.m.i], held.fits)
            if got is not None and got[0].cost < plans[o.m.i].cost - 1e-6:
                plans[o.m.i] = got[0]
                changed = True
            held.take(o.m.i, plans[o.m.i].chosen)
        if not changed:
            break
    solved = {}
    for o in owns:
        p = plans[o.m.i]
        solved[o.m.i] = o.m.solo if p.solver is None else read(
            o.m.own, p.solver, p.code, p.seconds, objective=p.cost, bound=o.m.solo.bound)
    note = f"{rounds[0]} price rounds, {rounds[1]} rounds in turn"
    return solved, best_bound, note


def _seen(o: _Own, price: dict) -> tuple:
    """The prices of the times ``o``'s candidates take, as a key to compare rounds by."""
    keys = sorted({key for covers in o.covers.values() for key in covers})
    return tuple((key, price.get(key, 0)) for key in keys)


def _room(key: tuple, shared: Shared) -> int:
    return (shared.gym(key[1]).max_athletes if key[0] == "gym"
            else shared.group(key[1]).max_size)


def _worst_first(plan: _Try, i: int) -> tuple:
    return (-plan.missed, -plan.cost, i)


def _missed(solved) -> int:
    return sum(p.amount for p in solved.penalties if p.rule == "phase-min")


def _weighted(variables, weights):
    from ortools.sat.python import cp_model

    return cp_model.LinearExpr.weighted_sum(variables, weights)
