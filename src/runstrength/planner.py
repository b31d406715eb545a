"""One athlete's season from end to end: candidates -> build -> solve -> prescribe -> explain
-> Plan. ``solver`` builds and solves; this module turns its choice into sessions."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

from runstrength import stopping
from runstrength.domain import (
    Athlete,
    Category,
    Plan,
    PlannedSession,
    RunKind,
    Shortfall,
    SolveStatus,
    Week,
)
from runstrength.explain import Chosen, diagnose, why_here, why_short
from runstrength.knowledge import Knowledge
from runstrength.prescription import (
    Content,
    apply_content,
    jump_budgets,
    no_jump_days,
    progress_season,
    retest_applies,
    session_content,
)
from runstrength.rules import Candidate, Season
from runstrength.solver import Candidates, Solved, build, candidates, solve


def _retests(chosen: list[Candidate], weeks: list[Week], season: Season) -> set[int]:
    """Candidate indices that hold their block's re-test (seed 002).

    The last session of a block that can hold it takes it: in the block's re-test week (its
    last loading week, ``Week.block_end``), or earlier in the block when that week has none (a
    blackout, say); never the deload week after it. A power session in that
    same week takes it instead, so the week's all-out jumps stay in one session. No re-test
    in the days after a race that allow no jumps, in the days before a race
    (``retest.clear_days_before_race``), on a key-run day, the day after a long run or on the
    day or eve of a tempo run.
    """
    k, races = season.knowledge, season.races
    ends = {w.block: w for w in weeks if w.block_end}
    quiet = no_jump_days(races, k) | {
        race.date - dt.timedelta(days=d) for race in races
        for d in range(k.prescription.retest.clear_days_before_race + 1)}

    tempo = set(k.rules.tempo_runs)

    def hard_running(day: dt.date) -> bool:
        """A key run that day, a long run the day before, a tempo run that day or the next:
        all-out tests there would measure tired legs or spoil the run."""
        near = [*season.runs_on.get(day, []), *season.runs_on.get(day + dt.timedelta(days=1), [])]
        return bool(season.key_runs_on(day)) or any(r.kind in tempo for r in near) or any(
            r.kind is RunKind.LONG for r in season.runs_on.get(day - dt.timedelta(days=1), []))

    def fits(c: Candidate) -> bool:
        end = ends.get(c.week.block)
        return (end is not None and c.week.index <= end.index and c.day not in quiet
                and retest_applies(c.kind, end, k) and not hard_running(c.day))

    last: dict[int, Candidate] = {}
    for c in sorted(chosen, key=lambda c: c.start):
        if fits(c):
            last[c.week.block] = c
    out = set()
    for c in last.values():
        power = [o for o in chosen if o.week.index == c.week.index and fits(o)
                 and Category.PLYOMETRIC in o.kind.sets.get(o.week.phase, {})]
        out.add((power[0] if power else c).index)
    return out


_alone = threading.local()  # .on: this thread plans alone in its process


@contextlib.contextmanager
def planning_alone() -> Iterator[None]:
    """This thread is the only one of its process that plans (a Dask worker of one thread):
    its seasons pause the collector as the main thread's do (``_collector_paused``)."""
    _alone.on = True
    try:
        yield
    finally:
        _alone.on = False


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a season is planned in the main thread, and on
    again after if it was on.

    A season allocates tens of thousands of objects (candidates, the CP-SAT model, the
    sessions) and makes few reference cycles; with the collector on, they set off some twenty
    collections a season, one of them of the whole process (every module loaded, the models'
    memo). The cycles a season does make are collected once the collector runs again. Plans
    on other threads leave it alone (overlapping, they would keep it off for good), unless
    the thread plans alone (:func:`planning_alone`)."""
    alone = threading.current_thread() is threading.main_thread() or getattr(_alone, "on", False)
    if not alone or not gc.isenabled():
        yield
        return
    try:
        gc.disable()
        yield
    finally:
        gc.enable()


def plan_season(athlete: Athlete, weeks: list[Week], season: Season, k: Knowledge, *,
                stamp: dt.datetime, time_limit: float | None = None,
                diagnose_short: bool = False) -> Plan:
    """Place the season's sessions and return the finished Plan.

    ``time_limit`` (else the models' ``max_time_in_seconds``) bounds the solve and the
    diagnosis of short weeks together."""
    limit = time_limit or k.rules.solver.get("max_time_in_seconds")
    with stopping.deadline(limit), _collector_paused():
        return _plan_season(athlete, weeks, season, k, stamp=stamp, time_limit=time_limit,
                            diagnose_short=diagnose_short)


def _plan_season(athlete: Athlete, weeks: list[Week], season: Season, k: Knowledge, *,
                 stamp: dt.datetime, time_limit: float | None,
                 diagnose_short: bool) -> Plan:
    t0 = time.perf_counter()
    found = candidates(season)
    model = build(season, found)
    solved = solve(model, time_limit=time_limit)
    return read_back(athlete, weeks, season, k, found, solved, stamp=stamp,
                     diagnose_short=diagnose_short, t0=t0)


def read_back(athlete: Athlete, weeks: list[Week], season: Season, k: Knowledge,
              found: Candidates, solved: Solved, *, stamp: dt.datetime,
              diagnose_short: bool = False, t0: float | None = None) -> Plan:
    """The Plan of what a solve chose: sessions with their content and reasons, short weeks
    with their fixes (``diagnose_short``: and conflicts). ``t0``: when the work began."""
    t0 = time.perf_counter() if t0 is None else t0
    if solved.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        # no solution (the time limit, an interruption): no sessions, and no short weeks to
        # explain either; callers must not take it for a plan (the CLI exits 1)
        return Plan(athlete=athlete, weeks=weeks, status=solved.status, stamp=stamp,
                    runs=sorted(season.runs, key=lambda r: r.start), busy=season.busy,
                    own=sorted(season.own, key=lambda o: o.start),
                    wall_seconds=time.perf_counter() - t0)
    chosen = sorted(solved.chosen, key=lambda c: c.start)
    retests = _retests(chosen, weeks, season)
    placed: list[tuple[Candidate, Week, PlannedSession]] = []
    for c in chosen:
        retest = c.index in retests
        week = c.week if not retest or c.week.block_end else c.week.model_copy(
            update={"block_end": True})
        placed.append((c, week, PlannedSession(
            athlete=athlete.id,
            start=c.start,
            end=c.end,
            kind=c.kind.id,
            title=c.kind.name,
            leg_load=c.kind.leg_load,
            phase=c.week.phase,
            week=c.week.index,
            deload=c.week.deload,
            retest=retest,
            emphasis=c.week.emphasis,
            block=c.week.block,
            block_week=c.week.block_week,
            add_on=not c.kind.counts_as_strength,
            location=c.group or c.place,
            group=c.group,
        )))
    # The week's one jump session and its contacts, then each session's content and length.
    contents: dict[tuple[int, int], Content] = {}

    def content(i: int, jumps: int) -> Content:
        """Session ``i``'s content with ``jumps`` contacts, inside the slot it was placed in
        (a re-test that does not fit there waits for the next block)."""
        if (i, jumps) not in contents:
            c, week, s = placed[i]
            slot = int((c.end - c.start).total_seconds() // 60)
            made = session_content(c.kind, week, athlete, k, retest=s.retest, jumps=jumps,
                                   limit=slot)
            if not made.fits and s.retest:
                placed[i] = (c, c.week, s.model_copy(update={"retest": False}))
                made = session_content(c.kind, c.week, athlete, k, jumps=jumps, limit=slot)
            contents[i, jumps] = made
        return contents[i, jumps]

    jumps = jump_budgets([s for _, _, s in placed], weeks, athlete, k, season.races,
                         lambda i, budget: sum(p.contacts for p in content(i, budget).main))
    sessions = []
    chosen = Chosen.of(solved.chosen)
    for i in range(len(placed)):
        made = content(i, jumps.get(i, 0))
        c, _, s = placed[i]
        s = apply_content(s, made)
        if c.group:  # a group session lasts as the group does, for everyone in it
            s = s.model_copy(update={"end": c.end})
        # why-here speaks of the event as it is: its real end
        reason = why_here(season, replace(c, end=s.end), found, chosen)
        sessions.append(s.model_copy(update={"reason": reason}))
    # Load cues count from what was really done: a lift new to the block starts it afresh.
    sessions = progress_season(sessions, weeks, athlete, k)
    shortfalls, conflicts = [], []
    measured: dict = {}  # weeks of the same shape share their fix measurements
    for week in weeks:
        count = sum(1 for c in solved.chosen
                    if c.week.index == week.index and c.kind.counts_as_strength)
        if count >= week.min_sessions:
            continue
        if season.today is not None and week.days()[-1] < season.today:
            reasons, fixes = [], []  # a re-plan's past week: history, nothing to fix
        else:
            reasons, fixes = why_short(season, week, found, solved.chosen, measured)
        shortfalls.append(Shortfall(
            week=week.index, monday=week.monday, needed=week.min_sessions, placed=count,
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
        own=sorted(season.own, key=lambda o: o.start),
        key_runs=sorted(season.key_kinds, key=lambda r: r.value),
        conflicts=conflicts,
        status=solved.status,
        objective=solved.objective,
        bound=solved.bound,
        wall_seconds=time.perf_counter() - t0,
        stamp=stamp,
    )
