"""A joint plan too large for one model: the athletes' own models, coordinated by prices on the
crowded gym times and group sessions, then one plan chosen per athlete among those found.

One CP-SAT model of 100 athletes in one gym finds no plan within a minute; each athlete's own
model solves in a few hundredths of a second. So the shared limits are priced instead of
imposed (a Lagrangian relaxation of the capacity constraints):

1. every athlete alone (``joint.run_joint`` has done it, unpriced);
2. rounds (``_price_rounds``): a time in the gym where more athletes train than it has room
   for gets a price (in the units of the coaching penalties), raised while it stays overfull
   and lowered when it has room to spare, in proportion to the room; each athlete re-solves
   their own model, unchanged, with the prices of the times their sessions take added to its
   cost (on the machine's cores: CP-SAT lets go of the GIL; an athlete whose prices did not
   move keeps the last answer). Each round also gives a lower bound on the cost of any plan
   that fits: the athletes' priced optima less the price of the room;
3. the last priced plans are fitted in turn (``_fit``), worst-off athletes first: a plan that
   fits beside those already placed is kept; the others re-solve (still priced) with the full
   times taken away;
4. rounds of each athlete re-solving around the others (``_improve``), unpriced;
5. every plan found on the way is kept in a pool (``_Pool``), and a small CP-SAT model
   chooses one plan per athlete that together fit (``_choose``): the fewest missed sessions
   for the worst-off athlete first, then the least total cost, started from the fitted plans.

The gap reported is against the best lower bound of step 2: an upper bound on the true gap.
docs/benchmarks.md compares the result with one model of all on a roster both solve.
"""

from __future__ import annotations

import bisect
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from runstrength.resources import Shared


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
        self.terms = [t.var.index for t in own.terms]
        slots: dict[int, int] = {}  # variable index -> its place in the objective
        self.slot = [slots.setdefault(v.index, len(slots)) for v in self.vars]
        self.order = list(slots)

    def objective(self, weights: list[int]) -> None:
        """Minimise ``weights`` over ``vars`` (written into the model's proto directly: the
        same objective as ``cp.minimize``, in a hundredth of the time, which counts when
        hundreds of solves share the GIL)."""
        from runstrength.solver import write_objective

        coeffs = [0] * len(self.order)
        for at, w in zip(self.slot, weights, strict=True):
            coeffs[at] += w
        write_objective(self.m.own.cp, self.order, coeffs)


class _Held:
    """What the athletes placed so far hold: gym sessions (``joint.Spans``) and group seats."""

    def __init__(self, shared: Shared) -> None:
        from runstrength.joint import Spans

        self.shared = shared
        self.spans = {g.name: Spans() for g in shared.gyms}
        self.seats: dict[tuple, list[int]] = {}

    def take(self, i: int, chosen) -> None:
        for c in chosen:
            if c.group:
                self.seats.setdefault((c.group, c.day), []).append(i)
            elif c.place:
                self.spans[c.place].add((c.start, c.end, i))

    def free(self, i: int) -> None:
        for spans in self.spans.values():
            spans.drop(i)
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
        spans = self.spans[c.place].near(c.start, c.end)
        for t in {c.start, *(s[0] for s in spans if c.start < s[0])}:  # every start under c
            if sum(1 for s in spans if s[0] <= t < s[1]) >= room:
                return False
        return True


def _usage(plans: dict, shared: Shared, also=()) -> dict[tuple, tuple[int, int]]:
    """For each gym start and group session of ``plans``, and the gym times among the keys
    ``also``: (athletes there, room)."""
    out: dict[tuple, tuple[int, int]] = {}
    for gym in shared.gyms:
        spans = [(c.start.timestamp(), c.end.timestamp()) for plan in plans.values()
                 for c in plan.chosen if c.place == gym.name and not c.group]
        starts = sorted(s for s, _ in spans)
        ends = sorted(e for _, e in spans)
        times = {*starts, *(key[2] for key in also if key[0] == "gym" and key[1] == gym.name)}
        for t in sorted(times):  # begun by t and not ended by t
            used = bisect.bisect_right(starts, t) - bisect.bisect_right(ends, t)
            out["gym", gym.name, t] = (used, gym.max_athletes)
    for group in shared.groups:
        seats: dict = {}
        for plan in plans.values():
            for c in plan.chosen:
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
    groups = {key for key in keys if key[0] == "group"}
    for c in own.shared:
        hit = [key for key in _keys(c, times) if key[0] == "gym" or key in groups]
        if hit:
            own.covers.setdefault(c.index, []).extend(hit)


def _keys(c, starts: dict[str, list[float]]) -> list[tuple]:
    """The keys shared session ``c`` takes: its group session, or the gym ``starts`` (sorted,
    per gym) its span covers."""
    if c.group:
        return [("group", c.group, c.day)]
    ts = starts.get(c.place, [])
    lo = bisect.bisect_left(ts, c.start.timestamp())
    hi = bisect.bisect_left(ts, c.end.timestamp())
    return [("gym", c.place, t) for t in ts[lo:hi]]


class _Answer:
    """What ``solver.read`` needs of a solve, kept small: a pool holds over a thousand plans,
    and a CP-SAT response is the whole model's values. The chosen candidates' variables and
    the penalty terms that are not zero."""

    def __init__(self, values: dict[int, int]) -> None:
        self.values = values

    def value(self, var) -> int:
        return self.values.get(var.index, 0)

    def boolean_value(self, var) -> bool:
        return bool(self.values.get(var.index, 0))


@dataclass
class _Try:
    """One solve of a member's own model: what it chose and its cost unpriced."""

    chosen: list
    cost: float
    missed: int
    answer: _Answer | None = None  # None: the member's own plan (``m.solo``)
    code: int = 0
    seconds: float = 0.0
    ids: frozenset = frozenset()

    def __post_init__(self) -> None:
        self.ids = frozenset(c.index for c in self.chosen)


class _Pool:
    """Every plan found for each member, and the shared times they take: the gym starts of any
    plan (a time is crowded when the plans that could be there together outnumber the room) and
    the group sessions."""

    def __init__(self, owns: list[_Own], shared: Shared) -> None:
        self.owns, self.shared = owns, shared
        self.plans: list[list[_Try]] = [[] for _ in owns]
        self.starts: dict[str, set[float]] = {g.name: set() for g in shared.gyms}

    def add(self, j: int, plan: _Try) -> _Try:
        """``plan`` in member ``j``'s pool (the same plan found before: that one)."""
        for old in self.plans[j]:
            if old.ids == plan.ids:
                return old
        self.plans[j].append(plan)
        for c in plan.chosen:
            if c.place and not c.group:
                self.starts[c.place].add(c.start.timestamp())
        return plan

    def size(self) -> int:
        return sum(len(p) for p in self.plans)

    def covers(self) -> tuple[dict[tuple, int], list[list[list[tuple]]]]:
        """The times that could be crowded (key: room) and, per member and plan, the keys it
        takes among them."""
        starts = {name: sorted(ts) for name, ts in self.starts.items()}
        taken: list[list[list[tuple]]] = []
        count: dict[tuple, int] = {}
        for plans in self.plans:
            mine, anywhere = [], set()
            for plan in plans:
                keys = [key for c in plan.chosen if c.group or c.place
                        for key in _keys(c, starts)]
                mine.append(keys)
                anywhere.update(keys)
            taken.append(mine)
            for key in anywhere:
                count[key] = count.get(key, 0) + 1
        rooms = {key: room for key, n in count.items() if n > (room := _room(key, self.shared))}
        return rooms, [[[key for key in keys if key in rooms] for keys in mine]
                       for mine in taken]


def solve_by_prices(members, shared: Shared):
    """Each member's ``Solved``, the lower bound on the total (penalty units) and how many
    rounds ran. Nothing here reads a clock: the rounds are counted (``[joint]``
    ``price_solves``) and each solve has a deterministic-time limit, so the same roster gives
    the same plans on any machine, whatever its load."""
    from ortools.sat.python import cp_model

    from runstrength.joint import set_domain, threads
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
    work = {**k.rules.price_solver, "max_deterministic_time": how.solve_work,
            "max_time_in_seconds": float("inf")}
    turn = {**work, "max_deterministic_time": how.turn_work}

    def solve(o: _Own, price: dict, hint: _Try, allowed=None) -> tuple[_Try, float] | None:
        """Re-solve ``o``'s model priced, with only the shared candidates ``allowed`` takes
        (all when None); the try and its priced bound, or None when it found nothing. A solve
        around the others (``allowed``) is after a plan, not a bound: it stops sooner
        (``turn_work``)."""
        m = o.m.own
        cp = m.cp
        weights = list(o.weights)
        base = len(m.terms)
        extra = {}
        for index, covers in o.covers.items():
            extra[index] = sum(price.get(key, 0) for key in covers)
            weights[base + index] += round(extra[index] * m.scale)
        if allowed is not None or o.closed:
            o.closed = allowed is not None
            for c in o.shared:
                set_domain(cp, m.x[c.index], 0, 1 if allowed is None or allowed(c) else 0)
        o.objective(weights)
        cp.clear_hints()  # the last plan is the start (in bulk: this runs 100s of times)
        cp.proto.solution_hint.vars.extend(o.xs)
        cp.proto.solution_hint.values.extend([int(c.index in hint.ids) for c in m.candidates])
        solver, code, seconds = run_solver(cp, k, None, **(work if allowed is None else turn))
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        values = list(solver.response_proto.solution)
        picked = [c for c, ix in zip(m.candidates, o.xs, strict=True) if values[ix]]
        paid = sum(extra.get(c.index, 0) for c in picked)
        missed = sum(values[ix] for ix in o.missed)
        answer = _Answer({ix: v for ix in o.terms if (v := values[ix])}
                         | {ix: 1 for ix in o.xs if values[ix]})
        return (_Try(picked, solver.objective_value / m.scale - paid, missed, answer, code,
                     seconds), solver.best_objective_bound / m.scale)

    plans = {j: _Try(o.m.solo.chosen, o.m.solo.objective, _missed(o.m.solo))
             for j, o in enumerate(owns)}
    pool = _Pool(owns, shared)
    for j in plans:
        plans[j] = pool.add(j, plans[j])
    with ThreadPoolExecutor(threads()) as executor:
        price, bound, rounds = _price_rounds(owns, plans, pool, shared, how, solve, executor)
    best = sum(m.solo.bound for m in members)
    bound = max(best, bound)
    _fit(owns, plans, pool, shared, price, solve)
    turns = _improve(owns, plans, pool, shared, how, solve)
    plans = _choose(pool, plans, k, how)
    over = [key for key, (used, room) in _usage(plans, shared).items() if used > room]
    if over:  # the choice's constraints are exact; this would be a fault here, not the input's
        raise RuntimeError(f"the plans chosen overfill {over[0][1]} ({len(over)} times)")
    solved = {}
    for j, o in enumerate(owns):
        p = plans[j]
        solved[o.m.i] = o.m.solo if p.answer is None else read(
            o.m.own, p.answer, p.code, p.seconds, objective=p.cost, bound=o.m.solo.bound)
    note = (f"{_count(rounds, 'price round')}, {_count(turns, 'round')} in turn, "
            f"{pool.size()} plans to choose from")
    return solved, bound, note


def _price_rounds(owns, plans, pool, shared, how, solve, executor) -> tuple[dict, float, int]:
    """Rounds of prices on the times and group sessions the plans overfill; ``plans`` (member
    index: plan) become the last priced plans, and each is kept in ``pool``. The last prices,
    the best lower bound found (minus infinity when none) and the rounds run.

    A price moves by ``price_step`` times how far the time is over (or under) its room, as a
    share of the room, so that a room of 20 and one of 3 move alike; the step shrinks by
    ``price_decay`` each round."""
    from ortools.sat.python import cp_model

    price: dict[tuple, int] = {}
    best = float("-inf")
    step = float(how.price_step)
    rounds = min(how.price_rounds, max(1, how.price_solves // len(owns)))
    last: dict[int, tuple] = {}  # member -> (the prices its last optimal solve saw, bound)
    last_bound: dict[int, float] = {}  # member -> bound of a solve not proven optimal
    done = 0
    for _ in range(rounds):
        use = _usage(plans, shared, price)
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
            price[key] = max(0, round(price[key] + step * (used - room) / room))
        step *= how.price_decay
        # an athlete whose times' prices did not move has the same priced optimum
        todo = [j for j, o in enumerate(owns) if j not in last or last[j][0] != _seen(o, price)]
        out = list(executor.map(lambda j, p=dict(price): solve(owns[j], p, plans[j]), todo))
        if any(r is None for r in out):
            break
        for j, (new, bound) in zip(todo, out, strict=True):
            plans[j] = pool.add(j, new)
            if new.code == cp_model.OPTIMAL:
                last[j] = (_seen(owns[j], price), bound)
            else:
                last.pop(j, None)
                last_bound[j] = bound
        bound = sum(last[j][1] if j in last else last_bound[j] for j in range(len(owns)))
        best = max(best, bound - sum(v * _room(key, shared) for key, v in price.items()))
        done += 1
    return price, best, done


def _fit(owns, plans, pool, shared, price, solve) -> _Held:
    """``plans`` fitted in turn, the worst-off first: a plan that fits beside those placed is
    kept, another is re-solved (priced) with the full times closed. What they hold."""
    held = _Held(shared)
    for j in sorted(plans, key=lambda j: _worst_first(plans[j], owns[j].m.i)):
        o, plan = owns[j], plans[j]
        if not all(held.fits(c) for c in plan.chosen if c.group or c.place):
            got = solve(o, price, plan, held.fits) or solve(o, {}, plan, held.fits)
            if got is None:
                raise RuntimeError(f"{o.m.task.id}: no plan beside the others")
            plans[j] = pool.add(j, got[0])
        held.take(j, plans[j].chosen)
    return held


def _improve(owns, plans, pool, shared, how, solve) -> int:
    """Rounds of each athlete (worst-off first) re-solving around the others, unpriced; a
    better plan replaces theirs, and every plan found goes into ``pool``. The rounds run."""
    held = _Held(shared)
    for j, plan in plans.items():
        held.take(j, plan.chosen)
    done = 0
    for _ in range(how.improve_rounds):
        done += 1
        changed = False
        for j in sorted(plans, key=lambda j: _worst_first(plans[j], owns[j].m.i)):
            held.free(j)
            got = solve(owns[j], {}, plans[j], held.fits)
            if got is not None:
                new = pool.add(j, got[0])
                if new.cost < plans[j].cost - 1e-6:
                    plans[j], changed = new, True
            held.take(j, plans[j].chosen)
        if not changed:
            break
    return done


def _choose(pool: _Pool, fitted: dict[int, _Try], k, how) -> dict[int, _Try]:
    """One plan per member from the pools that together fit the shared places: the fewest
    missed sessions for the worst-off athlete, then the least total cost (CP-SAT, from
    ``fitted``, which fit)."""
    from ortools.sat.python import cp_model

    from runstrength.joint import stages

    rooms, taken = pool.covers()
    cp = cp_model.CpModel()
    z = [[cp.new_bool_var("") for _ in plans] for plans in pool.plans]
    rows: dict[tuple, list] = {}
    for zs, mine in zip(z, taken, strict=True):
        cp.add_exactly_one(zs)
        for var, keys in zip(zs, mine, strict=True):
            for key in keys:
                rows.setdefault(key, []).append(var)
    for key, zs in rows.items():
        cp.add(cp_model.LinearExpr.sum(zs) <= rooms[key])
    most = max(p.missed for plans in pool.plans for p in plans)
    worst = cp.new_int_var(0, most, "")
    scale = max(o.m.own.scale for o in pool.owns)
    parts = []
    for zs, plans in zip(z, pool.plans, strict=True):
        cp.add(worst >= cp_model.LinearExpr.weighted_sum(zs, [p.missed for p in plans]))
        parts.append(cp_model.LinearExpr.weighted_sum(
            zs, [round(p.cost * scale) for p in plans]))
    hint = {var: plan is fitted[j] for j, (zs, plans) in enumerate(
        zip(z, pool.plans, strict=True)) for var, plan in zip(zs, plans, strict=True)}
    solver, code, _ = stages(cp, worst, parts, hint, k, None,
                             max_deterministic_time=how.choose_work,
                             max_time_in_seconds=float("inf"))
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return fitted
    return {j: next(p for var, p in zip(zs, plans, strict=True) if solver.boolean_value(var))
            for j, (zs, plans) in enumerate(zip(z, pool.plans, strict=True))}


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


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")
