"""Assemble candidates, rules and objective into a CP-SAT model and solve it.

``planner.plan_season`` turns what this chooses into a Plan (explanations, prescriptions).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from runstrength import rules, stopping
from runstrength.domain import Penalty, SolveStatus, after
from runstrength.knowledge import SessionKind
from runstrength.rules import Candidate, Model, Season
from runstrength.rules.availability import Interval
from runstrength.rules.base import Block

TIE_BREAK_RANGE = 64


@dataclass
class Candidates:
    """Every allowed placement, and for each (day, kind) left out, the reason why."""

    items: list[Candidate] = field(default_factory=list)
    blocked: dict[tuple[dt.date, str], Block] = field(default_factory=dict)
    _by_day_kind: dict[tuple[dt.date, str], list[Candidate]] | None = None

    def at(self, day: dt.date, kind_id: str) -> list[Candidate]:
        """The candidates of one kind on one day."""
        if self._by_day_kind is None:
            self._by_day_kind = {}
            for c in self.items:
                self._by_day_kind.setdefault((c.day, c.kind.id), []).append(c)
        return self._by_day_kind.get((day, kind_id), [])


def _grid_start(lo: dt.datetime, hi: dt.datetime, minutes: int, grid: int,
                wanted: dt.datetime | None) -> dt.datetime | None:
    """The grid start in [lo, hi - minutes] nearest ``wanted`` (earliest when none is wanted)."""
    midnight = lo.replace(hour=0, minute=0, second=0, microsecond=0)
    offset = (lo - midnight).total_seconds() / 60
    first = midnight + dt.timedelta(minutes=-(-offset // grid) * grid)
    last = hi - dt.timedelta(minutes=minutes)
    if first > last:
        return None
    if wanted is None or wanted <= first:
        return first
    if wanted >= last:
        steps = int((last - first).total_seconds() // 60 // grid)
        return first + dt.timedelta(minutes=steps * grid)
    steps = round((wanted - first).total_seconds() / 60 / grid)
    return first + dt.timedelta(minutes=steps * grid)


def _placements(season: Season, day: dt.date, kind: SessionKind,
                free: list[Interval]) -> list[tuple[dt.datetime, dt.datetime]]:
    grid = season.knowledge.rules.grid_minutes
    minutes = season.slot_minutes(kind, season.week_of[day])
    floors = [t for r in rules.FLOORS if (t := r.not_before(season, day, kind)) is not None]
    wanted = season.preferred_start(day)
    out = []
    need = dt.timedelta(minutes=minutes)
    step = dt.timedelta(minutes=grid)
    for lo, hi in free:
        if _real(hi) - _real(lo) < need:  # too short whatever the grid: skip fast
            continue
        if floors:
            lo = max([lo, *floors], key=_real)
        start = _grid_start(lo, hi, minutes, grid, wanted)
        if start is None:
            continue
        if (lo.tzinfo is hi.tzinfo and lo.utcoffset() == hi.utcoffset()
                and not lo.fold and not hi.fold):
            # no clock change inside the interval (the usual case): wall time is real time
            out.append((start, start + need))
            continue
        # the grid is wall-clock time; a start must exist and the session fit in real time
        while start is not None and _real(start) >= _real(lo):
            start = start.astimezone(dt.UTC).astimezone(start.tzinfo)  # a skipped time: on
            end = after(start, need)
            if _real(end) <= _real(hi) and _real(start) >= _real(lo):
                out.append((start, end))
                break
            start -= step
    return out


def _real(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def candidates(season: Season, strength: bool | None = None) -> Candidates:
    """Create a candidate only where every hard rule about a single placement allows one
    (``strength``: only the kinds that count as strength sessions, or only the others)."""
    out = Candidates()
    kinds = [k for k in season.knowledge.sessions.values()
             if strength is None or k.counts_as_strength == strength]
    offered: dict[int, list[SessionKind]] = {}  # week -> the kinds it uses (once a week)
    for day in season.days:
        week = season.week_of[day]
        if week.index not in offered:
            offered[week.index] = [k for k in kinds if season.offers(k, week)]
        free = rules.AVAILABILITY.free(season, day)
        for kind in offered[week.index]:
            reason = next((Block(rule.id, r) for rule in rules.BLOCKING
                           if (r := rule.blocks(season, day, kind))), None)
            if reason is None:
                spots = _placements(season, day, kind, free)
                if not spots:
                    reason = _no_slot(season, day, kind, free)
            if reason is not None:
                out.blocked[(day, kind.id)] = reason
                continue
            for start, end in spots:
                out.items.append(Candidate(len(out.items), day, kind, start, end, week))
    if season.today is not None:
        _keep_past(season, out, kinds)
    return out


def _keep_past(season: Season, out: Candidates, kinds: list[SessionKind]) -> None:
    """A re-plan: the sessions kept before ``season.today`` are candidates marked ``kept``
    (added where the search has none at their time); ``past-kept`` fixes every candidate
    before that day, so the days around keep the reasons they had."""
    today = season.today
    by_id = {k.id: k for k in kinds}
    kept = {(d, kind_id, start, end) for d, kind_id, start, end, group in season.kept
            if d < today and kind_id in by_id and d in season.week_of and not group}
    items = []
    for c in out.items:
        key = (c.day, c.kind.id, c.start, c.end)
        if key in kept:
            kept.discard(key)
            c = dataclasses.replace(c, kept=True)
        items.append(c)
    for day, kind_id, start, end in kept:
        items.append(Candidate(0, day, by_id[kind_id], start, end, season.week_of[day],
                               kept=True))
    out.items = renumbered(items, [k.id for k in kinds])


def renumbered(items: list[Candidate], kind_ids: list[str], **change) -> list[Candidate]:
    """``items`` in the search's order (day, kind as ``kind_ids`` list them, start), each with
    its place in it as its index (and ``change``: field -> function of the candidate)."""
    order = {kind_id: n for n, kind_id in enumerate(kind_ids)}
    items = sorted(items, key=lambda c: (c.day, order[c.kind.id], c.start))
    return [dataclasses.replace(c, index=n, **{f: fn(c) for f, fn in change.items()})
            for n, c in enumerate(items)]


def _no_slot(season: Season, day: dt.date, kind: SessionKind, free: list[Interval]) -> Block:
    """The rule to blame when ``kind`` finds no start on ``day``: a late floor, or the time."""
    minutes = season.slot_minutes(kind, season.week_of[day])
    grid = season.knowledge.rules.grid_minutes
    need = dt.timedelta(minutes=minutes)
    if any(hi - lo >= need and _grid_start(lo, hi, minutes, grid, None) for lo, hi in free):
        for rule in rules.FLOORS:
            floor = rule.not_before(season, day, kind)
            if floor is not None:
                gap = season.knowledge.rules.heavy_spacing_hours
                why = (f"{gap:g} h after your own heavy-leg session" if rule.id == "heavy-spacing"
                       else "the earliest heavy legs may follow the key run")
                return Block(rule.id, f"no {minutes}-minute slot from {floor:%H:%M}, {why}",
                             minutes)
    pad = season.knowledge.rules.run_buffer_minutes
    windows = rules.AVAILABILITY.windows(season, day)
    busy = [b for b in season.busy_on.get(day, [])
            if any(b.start < hi and b.end > lo for lo, hi in windows)]
    if busy:  # name what fills the windows: "Business trip", "Team meeting"
        titles = ", ".join(dict.fromkeys(" ".join((b.title or "busy time").split())
                                         for b in busy))
        return Block("availability", f"no free {minutes}-minute slot in your windows "
                                     f"(busy: {titles})", minutes)
    return Block("availability", f"no free {minutes}-minute slot in your windows (runs "
                                 f"±{pad} min taken out, starts every {grid} min)", minutes)


def _tie_break(c: Candidate) -> int:
    return _tie_value(c.day, c.kind.id, c.start.hour, c.start.minute)


@functools.lru_cache(maxsize=1 << 16)  # the seasons of a roster or a sweep share their days
def _tie_value(day: dt.date, kind_id: str, hour: int, minute: int) -> int:
    key = f"{day.isoformat()}|{kind_id}|{hour:02d}:{minute:02d}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") % TIE_BREAK_RANGE


def build(season: Season, found: Candidates, cp: cp_model.CpModel | None = None) -> Model:
    """The season's model: its variables, every rule's constraints and penalty terms, and
    (unless ``cp`` is shared with other athletes' models: ``joint``) its objective."""
    shared = cp is not None
    cp = cp if shared else cp_model.CpModel()
    named = bool(os.environ.get("RUNSTRENGTH_DEBUG"))  # names only for reading the model
    x = {c.index: cp.new_bool_var(f"x_{c.day}_{c.kind.id}_{c.start:%H%M}" if named else "")
         for c in found.items}
    m = Model(cp=cp, season=season, candidates=found.items, x=x)
    for rule in rules.ALL:
        rule.apply(m)
    m.scale = scale_of(season)
    if not shared:
        minimize(m)
    return m


def scale_of(season: Season) -> int:
    """The factor on the coaching penalties: above the largest possible tie-break total, so
    the tie-break only decides between otherwise equal plans."""
    return TIE_BREAK_RANGE * sum(w.max_sessions for w in season.weeks) + 1


def objective(m: Model) -> cp_model.LinearExpr:
    """The season's penalties times ``m.scale`` plus the tie-break."""
    return cp_model.LinearExpr.weighted_sum(
        [*(t.var for t in m.terms), *(m.x[c.index] for c in m.candidates)],
        [*(t.weight * m.scale for t in m.terms), *(_tie_break(c) for c in m.candidates)])


def minimize(m: Model) -> None:
    """``m.cp.minimize(objective(m))``, written into the proto directly: the same proto (the
    variables in index order, each one's coefficients summed, zeros left out), without
    ``CpModel.minimize``'s loop over the variables in Python (a seventh of the build)."""
    total: dict[int, int] = {}
    for t in m.terms:
        if not isinstance(t.var, cp_model.IntVar) or t.var.index < 0:  # not a plain variable
            m.cp.minimize(objective(m))
            return
        total[t.var.index] = total.get(t.var.index, 0) + t.weight * m.scale
    for c in m.candidates:
        i = m.x[c.index].index
        total[i] = total.get(i, 0) + _tie_break(c)
    items = sorted((i, w) for i, w in total.items() if w)
    write_objective(m.cp, [i for i, _ in items], [w for _, w in items])


def write_objective(cp: cp_model.CpModel, indices: list[int], coeffs: list[int]) -> None:
    """Minimise ``coeffs`` over the variables of ``indices``, written into ``cp``'s proto
    in place of its objective (``CpModel.minimize`` builds it in a Python loop over the
    variables: milliseconds on thousands, each of the hundreds of solves a joint plan makes)."""
    cp.clear_objective()
    proto = cp.proto.objective
    proto.vars.extend(indices)
    proto.coeffs.extend(coeffs)
    proto.scaling_factor = 1.0


_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
}


@dataclass
class Solved:
    status: SolveStatus
    chosen: list[Candidate]
    penalties: list[Penalty]
    objective: float
    bound: float
    seconds: float


def solve(m: Model, *, time_limit: float | None = None) -> Solved:
    solver, code, seconds = run_solver(m.cp, m.season.knowledge, time_limit)
    return read(m, solver, code, seconds)


def run_solver(cp: cp_model.CpModel, k, time_limit: float | None = None,
               **overrides) -> tuple[cp_model.CpSolver, int, float]:
    """Solve ``cp`` with the models' CP-SAT parameters (and ``overrides``)."""
    solver = cp_model.CpSolver()
    for name, value in {**k.rules.solver, **overrides}.items():
        setattr(solver.parameters, name, value)
    t0 = time.perf_counter()
    code = stopping.solve(solver, cp, cap=time_limit)
    if code == cp_model.MODEL_INVALID:  # a number in the models beyond what CP-SAT takes
        from runstrength.errors import InputError

        why = (cp.validate() or "invalid model").splitlines()[0]
        raise InputError(f"{k.root}: the models give the solver numbers it "
                         f"cannot take (a weight or target too large?): {why[:120]}")
    return solver, code, time.perf_counter() - t0


def read(m: Model, solver: cp_model.CpSolver, code: int, seconds: float, *,
         objective: float | None = None, bound: float | None = None) -> Solved:
    """What the solve chose for ``m``'s season (``objective``/``bound``: this season's share
    of a joint solve, in penalty units; else the solver's)."""
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    if status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        return Solved(status, [], [], 0.0, 0.0, seconds)
    chosen = [c for c in m.candidates if solver.boolean_value(m.x[c.index])]
    penalties = [
        Penalty(rule=t.rule, week=t.week, cost=t.weight * v, detail=t.text, amount=v)
        for t in m.terms
        if (v := solver.value(t.var)) > 0
    ]
    return Solved(status, chosen, penalties,
                  solver.objective_value / m.scale if objective is None else objective,
                  solver.best_objective_bound / m.scale if bound is None else bound, seconds)
