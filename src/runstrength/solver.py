"""Assemble candidates, rules and objective into a CP-SAT model; solve; read back a Plan."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from runstrength import rules
from runstrength.domain import (
    Athlete,
    Penalty,
    Plan,
    PlannedSession,
    Shortfall,
    SolveStatus,
    Week,
)
from runstrength.explain import Block, diagnose, why_here, why_short
from runstrength.knowledge import Knowledge, SessionKind
from runstrength.prescription import (
    prescribe,
    progress_season,
    retest_applies,
    session_minutes,
    session_volume,
)
from runstrength.rules import Candidate, Model, Season
from runstrength.rules.availability import Interval

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
    athlete, grid = season.athlete, season.knowledge.rules.grid_minutes
    minutes = session_minutes(kind, athlete)
    floors = [t for r in rules.HARD if (t := r.not_before(season, day, kind)) is not None]
    wanted = season.at(day, athlete.preferences.time) if athlete.preferences.time else None
    out = []
    for lo, hi in free:
        lo = max([lo, *floors])
        start = _grid_start(lo, hi, minutes, grid, wanted)
        if start is not None:
            out.append((start, start + dt.timedelta(minutes=minutes)))
    return out


def candidates(season: Season) -> Candidates:
    """Create a candidate only where every hard rule about a single placement allows one."""
    out = Candidates()
    kinds = list(season.knowledge.sessions.values())
    for day in season.days:
        week = season.week_of[day]
        free = rules.AVAILABILITY.free(season, day)
        for kind in kinds:
            if not session_volume(kind, week, season.athlete, season.knowledge):
                continue
            reason = next((Block(rule.id, r) for rule in rules.HARD
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
    return out


def _no_slot(season: Season, day: dt.date, kind: SessionKind, free: list[Interval]) -> Block:
    """The rule to blame when ``kind`` finds no start on ``day``: a late floor, or the time."""
    minutes = session_minutes(kind, season.athlete)
    grid = season.knowledge.rules.grid_minutes
    if any(_grid_start(lo, hi, minutes, grid, None) for lo, hi in free):
        for rule in rules.HARD:
            floor = rule.not_before(season, day, kind)
            if floor is not None:
                return Block(rule.id, f"no {minutes}-minute slot from {floor:%H:%M}, "
                                      "the earliest heavy legs may follow the key run", minutes)
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
    key = f"{c.day.isoformat()}|{c.kind.id}|{c.start:%H:%M}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big") % TIE_BREAK_RANGE


def build(season: Season, found: Candidates) -> Model:
    cp = cp_model.CpModel()
    x = {c.index: cp.new_bool_var(f"x_{c.day}_{c.kind.id}_{c.start:%H%M}") for c in found.items}
    m = Model(cp=cp, season=season, candidates=found.items, x=x)
    for rule in rules.ALL:
        rule.apply(m)
    # Scale the coaching penalties above the largest possible tie-break total so the
    # tie-break only decides between otherwise equal plans.
    scale = TIE_BREAK_RANGE * sum(w.max_sessions for w in season.weeks) + 1
    cp.minimize(
        sum(t.weight * scale * t.var for t in m.terms)
        + sum(_tie_break(c) * x[c.index] for c in found.items)
    )
    m.scale = scale
    return m


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
    solver = cp_model.CpSolver()
    for name, value in m.season.knowledge.rules.solver.items():
        setattr(solver.parameters, name, value)
    if time_limit:
        solver.parameters.max_time_in_seconds = time_limit
    t0 = time.perf_counter()
    code = solver.solve(m.cp)
    seconds = time.perf_counter() - t0
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    if status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        return Solved(status, [], [], 0.0, 0.0, seconds)
    chosen = [c for c in m.candidates if solver.boolean_value(m.x[c.index])]
    penalties = [
        Penalty(rule=t.rule, week=t.week, cost=t.weight * v, detail=t.detail)
        for t in m.terms
        if (v := solver.value(t.var)) > 0
    ]
    return Solved(status, chosen, penalties, solver.objective_value / m.scale,
                  solver.best_objective_bound / m.scale, seconds)


def plan_season(athlete: Athlete, weeks: list[Week], season: Season, k: Knowledge, *,
                stamp: dt.datetime, time_limit: float | None = None,
                diagnose_short: bool = False) -> Plan:
    """Place the season's sessions and return the finished Plan."""
    t0 = time.perf_counter()
    found = candidates(season)
    model = build(season, found)
    solved = solve(model, time_limit=time_limit)
    sessions = []
    # The last session of a block that can hold the re-test takes it (seed 002): in the block's
    # final week, or earlier in the block when that week has none (a blackout, say).
    ends = {w.block: w for w in weeks if w.block_end}
    retests: dict[int, int] = {}
    for c in sorted(solved.chosen, key=lambda c: c.start):
        end = ends.get(c.week.block)
        if end is not None and retest_applies(c.kind, end, k):
            retests[c.week.block] = c.index
    for c in sorted(solved.chosen, key=lambda c: c.start):
        retest = retests.get(c.week.block) == c.index
        week = c.week if not retest or c.week.block_end else c.week.model_copy(
            update={"block_end": True})
        sessions.append(PlannedSession(
            athlete=athlete.id,
            start=c.start,
            end=c.end,
            kind=c.kind.id,
            title=c.kind.name,
            leg_load=c.kind.leg_load,
            phase=c.week.phase,
            week=c.week.index,
            deload=c.week.deload,
            volume=session_volume(c.kind, week, athlete, k, retest=retest),
            exercises=prescribe(c.kind, week, athlete, k, retest=retest),
            reason=why_here(season, c, found, solved.chosen),
            retest=retest,
            emphasis=c.week.emphasis,
            block=c.week.block,
            block_week=c.week.block_week,
        ))
    # Load cues count from what was really done: a lift new to the block starts it afresh.
    sessions = progress_season(sessions, weeks, athlete, k)
    shortfalls, conflicts = [], []
    measured: dict = {}  # weeks of the same shape share their fix measurements
    for week in weeks:
        placed = sum(1 for c in solved.chosen
                     if c.week.index == week.index and c.kind.counts_as_strength)
        if placed >= week.min_sessions:
            continue
        reasons, fixes = why_short(season, week, found, solved.chosen, measured)
        shortfalls.append(Shortfall(
            week=week.index, monday=week.monday, needed=week.min_sessions, placed=placed,
            reasons=reasons, fixes=fixes,
        ))
        if diagnose_short:
            conflicts.append(diagnose(season, week, found))
    return Plan(
        athlete=athlete,
        weeks=weeks,
        sessions=sessions,
        shortfalls=shortfalls,
        penalties=solved.penalties,
        runs=sorted(season.runs, key=lambda r: r.start),  # as imported: no assumed race runs
        busy=season.busy,
        key_runs=sorted(season.key_kinds, key=lambda r: r.value),
        conflicts=conflicts,
        status=solved.status,
        objective=solved.objective,
        bound=solved.bound,
        wall_seconds=time.perf_counter() - t0,
        stamp=stamp,
    )
