"""Athletes who share a gym or a group session, planned in one model.

Each athlete's season is prepared, searched for candidates and built by the same code and rules
as a single plan (``task.prepare_task``, ``solver.candidates``, ``solver.build``); what they share
adds candidates (the group sessions each may join) and the rules of ``rules.shared`` (room in
the gym, seats in a group). The steps:

1. every athlete alone (as if they shared nothing): when those plans together fit the gym and
   the groups, they are the joint optimum, and nothing more is solved;
2. else one CpModel of all of them: first the fewest missed sessions for the worst-off athlete
   (no one takes every missed session while others have room), then, keeping that, the least
   total cost;
3. each athlete's Plan is read back as a single plan is, with what a full slot kept out named in
   the reasons, and the sessions the capacity moved ("who was moved for whom").
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from runstrength.resources import Access, Group, Shared, closed_hours
from runstrength.task import SeasonResult, SeasonTask, failure, prepare_task, season_result


@dataclass(frozen=True)
class JointTask:
    """Athletes who share something, with what each may use; picklable like a SeasonTask."""

    members: tuple[SeasonTask, ...]
    access: tuple[Access, ...]
    shared: Shared

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.members]


@dataclass
class JointResult:
    """Every member's result, and what the shared places held."""

    results: list[SeasonResult]
    #: one row per start in a gym: gym, date, start, end, athletes (count), room, who
    slots: list[dict] = field(default_factory=list)
    #: one row per group session held: group, date, start, end, attendees, max_size, who, uid
    groups: list[dict] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)  # sessions the capacity moved, and for whom
    #: "alone" (the athletes' own plans fit), "joint" (one model of all) or "prices" (their
    #: own models coordinated by prices: ``runstrength.prices``)
    method: str = ""
    note: str = ""  # how the method went (rounds run), for --verbose and benchmarks
    status: str = ""
    gap: float = 0.0
    cost: float = 0.0  # the members' penalties together (the second stage's objective)
    worst_missed: int = 0  # the most sessions below the phase minimum one athlete misses
    #: athletes who get fewer strength sessions than alone: id -> (shared, alone)
    fewer: dict[str, tuple[int, int]] = field(default_factory=dict)
    seconds: float = 0.0
    timezone: str = ""  # of the coach's group calendar: the first member's
    stamp: str = ""  # DTSTAMP of that calendar (ISO): the members' latest


def components(access: list[Access]) -> list[list[int]]:
    """Groups of athletes (indices) linked by a gym or a group they share, in roster order;
    an athlete who shares nothing is not in any."""
    parent = list(range(len(access)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, a in enumerate(access):
        for thing in ([f"gym:{a.gym}"] if a.gym else []) + [f"group:{g}" for g in a.groups]:
            if thing in first:
                parent[root(i)] = root(first[thing])
            else:
                first[thing] = i
    out: dict[int, list[int]] = {}
    for i, a in enumerate(access):
        if a.shares:
            out.setdefault(root(i), []).append(i)
    return sorted(out.values())


def _at_gym(prep, gym):
    """The candidates of an athlete who trains at ``gym``: strength sessions there, inside
    its opening hours (closed hours are busy time to them), the short core and mobility
    add-ons wherever the athlete is."""
    from runstrength.solver import Candidates, candidates, renumbered

    home = candidates(prep.season, strength=False)
    days = prep.season.days
    span = [days[0] - dt.timedelta(days=1), *days, days[-1] + dt.timedelta(days=1)]
    prep.season = dataclasses.replace(
        prep.season, place=gym.name,
        busy=[*prep.season.busy, *closed_hours(gym, span, prep.athlete.zone)])
    there = candidates(prep.season, strength=True)
    out = Candidates(blocked={**home.blocked, **there.blocked})
    out.items = renumbered([*there.items, *home.items], list(prep.knowledge.sessions),
                           place=lambda c: gym.name if c.kind.counts_as_strength else "")
    return out


def group_candidates(season, found, groups: list[Group]) -> None:
    """Add to ``found`` a candidate for each group session the athlete's own hard rules and
    free time allow (the group's kind, at its time, for its length)."""
    from runstrength import rules
    from runstrength.domain import after, local_at
    from runstrength.prescription import session_content
    from runstrength.rules import Candidate

    k = season.knowledge
    kept = {(d, kind, group) for d, kind, _, _, group in season.kept if group}
    for group in groups:
        kind = k.sessions[group.kind]
        zone = ZoneInfo(group.timezone) if group.timezone else season.athlete.zone
        for day in season.days:
            if not group.on(day):
                continue
            week = season.week_of[day]
            if season.today is not None and day < season.today:  # a re-plan's past: as it was
                if (day, kind.id, group.name) in kept:
                    start = local_at(day, group.at, zone).astimezone(season.athlete.zone)
                    found.items.append(Candidate(
                        len(found.items), day, kind, start,
                        after(start, dt.timedelta(minutes=group.minutes)), week,
                        group=group.name, kept=True))
                continue
            if not season.offers(kind, week) or any(
                    rule.blocks(season, day, kind) for rule in rules.BLOCKING):
                continue
            start = local_at(day, group.at, zone).astimezone(season.athlete.zone)
            end = after(start, dt.timedelta(minutes=group.minutes))
            floors = [t for r in rules.FLOORS if (t := r.not_before(season, day, kind))]
            if any(start < t for t in floors):
                continue
            if not any(lo <= start and end <= hi
                       for lo, hi in rules.AVAILABILITY.free(season, day)):
                continue
            if not session_content(kind, week, season.athlete, k, limit=group.minutes,
                                   cues=False).fits:
                continue
            found.items.append(Candidate(len(found.items), day, kind, start, end, week,
                                         group=group.name))
    found._by_day_kind = None


@dataclass
class _Member:
    i: int
    task: SeasonTask
    access: Access
    prep: object
    found: object
    solo: object = None  # the athlete's own solve (solver.Solved)
    own: object = None  # the athlete's own model (rules.Model)
    model: object = None  # the joint model's part
    busy: list = field(default_factory=list)  # the athlete's own busy time (no gym hours)


def run_joint(task: JointTask) -> JointResult:
    """Plan the athletes of ``task`` together; one athlete's bad input fails that athlete only
    (the others are planned together without them)."""
    from runstrength import api
    from runstrength.planner import read_back
    from runstrength.solver import build, candidates, solve

    t0 = time.perf_counter()
    results: list[SeasonResult | None] = [None] * len(task.members)
    members: list[_Member] = []
    for i, (t, access) in enumerate(zip(task.members, task.access, strict=True)):
        try:
            with api.races_source(t.label):
                prep = prepare_task(t)
            busy = prep.season.busy
            gym = task.shared.gym(access.gym) if access.gym else None
            found = candidates(prep.season) if gym is None else _at_gym(prep, gym)
            group_candidates(prep.season, found, [task.shared.group(g) for g in access.groups])
            members.append(_Member(i, t, access, prep, found, busy=busy))
        except Exception as exc:
            results[i] = failure(t, exc, t0)
    out = JointResult(results=[])
    limit = max((m.task.time_limit or m.prep.knowledge.rules.solver.get(
        "max_time_in_seconds") for m in members), default=None)
    with ThreadPoolExecutor(threads()) as pool:  # CP-SAT lets go of the GIL: build the
        for m in members:                         # next model while the last one solves
            m.own = build(m.prep.season, m.found)
            m.solo = pool.submit(solve, m.own, time_limit=m.task.time_limit)
        for m in members:
            m.solo = m.solo.result()
    solved = {m.i: m.solo for m in members}
    chosen = {m.i: m.solo.chosen for m in members}
    out.method, out.status = "alone", "OPTIMAL"
    out.slots = _slots(members, chosen, task.shared)
    out.groups = _group_rows(members, chosen, task.shared)
    if any(s["athletes"] > s["room"] for s in out.slots) or any(
            g["attendees"] > g["max_size"] for g in out.groups):
        try:
            solved, out.status, out.gap, out.method, out.note = _solve_joint(
                members, task.shared, limit)
        except Exception as exc:  # no joint plan: every member fails with the reason
            for m in members:
                results[m.i] = failure(m.task, exc, t0)
            out.results, out.status, out.slots, out.groups = results, "FAILED", [], []
            out.seconds = time.perf_counter() - t0
            return out
        chosen = {i: s.chosen for i, s in solved.items()}
        out.slots = _slots(members, chosen, task.shared)
        out.groups = _group_rows(members, chosen, task.shared)
    out.cost = round(sum(s.objective for s in solved.values()), 3)
    out.worst_missed = max((sum(p.amount for p in s.penalties if p.rule == "phase-min")
                            for s in solved.values()), default=0)
    spans = {g.name: Spans(_gym_spans(members, chosen, g.name)) for g in task.shared.gyms}
    for m in members:
        _mark_full(m, members, chosen, task.shared, spans)
    out.moves = _moves(members, chosen, task.shared, spans)
    for m in members:
        mine = sum(1 for c in chosen[m.i] if c.kind.counts_as_strength)
        alone = sum(1 for c in m.solo.chosen if c.kind.counts_as_strength)
        if mine < alone:
            out.fewer[m.task.id] = (mine, alone)
    for m in members:
        t1 = time.perf_counter()
        try:
            with api.races_source(m.task.label):
                plan = read_back(m.prep.athlete, m.prep.weeks, m.prep.season,
                                 m.prep.knowledge, m.found, solved[m.i], stamp=m.prep.stamp,
                                 t0=t1)
                plan.busy = m.busy  # the gym's hours are not the athlete's busy time
                results[m.i] = season_result(m.task, api.finish(m.prep, plan), t1, m.prep)
        except Exception as exc:
            results[m.i] = failure(m.task, exc, t1)
    out.results = results
    if members:
        out.timezone = members[0].prep.athlete.timezone
        out.stamp = max(m.prep.stamp for m in members).isoformat()
    out.seconds = time.perf_counter() - t0
    share = out.seconds / max(1, len(members))
    for m in members:  # the joint work is everyone's: each carries an equal share
        results[m.i].seconds = round(share, 3)
    return out


def threads() -> int:
    """Threads for athletes' own solves side by side (CP-SAT lets go of the GIL): the cores
    this process may use, at most four."""
    from runstrength.executor import default_jobs

    return min(4, default_jobs())


def _gym_spans(members, chosen, gym_name: str):
    return [(c.start, c.end, m) for m in members for c in chosen[m.i] if c.place == gym_name]


def _solve_joint(members, shared: Shared, limit: float | None):
    """The members' plans within the shared places: one model of everyone when they are few
    (``rules.joint.whole_max_athletes``), else their own models coordinated by prices
    (``runstrength.prices``). (Solved per member, status, gap, method, note)."""
    from ortools.sat.python import cp_model

    from runstrength.rules.shared import JOINT
    from runstrength.solver import read

    k = members[0].prep.knowledge
    if len(members) > k.rules.joint.whole_max_athletes:
        from runstrength.prices import solve_by_prices

        solved, bound, note = solve_by_prices(members, shared)
        total = sum(s.objective for s in solved.values())
        gap = 0.0 if not total else max(0.0, (total - bound) / abs(total))
        return solved, "FEASIBLE", gap, "prices", note
    cp, joint, worst, parts = joint_model(members, shared)
    for rule in JOINT:
        rule.apply_joint(joint)
    hint = {m.model.x[c.index]: c.index in {s.index for s in m.solo.chosen}
            for m in members for c in m.found.items}
    solver, code, seconds = stages(cp, worst, parts, hint, k, limit)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise _no_plan(members, solver, code, limit)
    status = "OPTIMAL" if code == cp_model.OPTIMAL else "FEASIBLE"
    total, bound = solver.objective_value, solver.best_objective_bound
    gap = 0.0 if status == "OPTIMAL" or not total else max(0.0, (total - bound) / abs(total))
    scale = members[0].model.scale
    solved = {}
    for m, part in zip(members, parts, strict=True):
        value = solver.value(part) / scale
        solved[m.i] = read(m.model, solver, code, seconds, objective=value,
                           bound=value * (1 - gap))
    return solved, status, gap, "joint", ""


def joint_model(members, shared: Shared):
    """Every member's own model in one CpModel at a common scale, with the worst-off
    athlete's missed sessions as a variable; the shared rules are not applied yet.
    (cp, Joint, worst, each member's objective)."""
    from ortools.sat.python import cp_model

    from runstrength.rules.shared import Joint
    from runstrength.solver import build, objective

    cp = cp_model.CpModel()
    for m in members:
        m.model = build(m.prep.season, m.found, cp)
    scale = max(m.model.scale for m in members)
    for m in members:
        m.model.scale = scale
    joint = Joint(cp, [m.model for m in members], [m.task.id for m in members], shared)
    missed = [sum(t.var for t in m.model.terms if t.rule == "phase-min") for m in members]
    most = sum(w.min_sessions for m in members for w in m.prep.weeks) + 1
    worst = cp.new_int_var(0, most, "worst_missed")
    for expr in missed:
        cp.add(worst >= expr)
    return cp, joint, worst, [objective(m.model) for m in members]


def stages(cp, worst, parts, hint: dict, k, limit: float | None, **extra):
    """Solve ``cp`` in two stages from ``hint`` (variable: value): the fewest missed sessions
    for the worst-off athlete, then, with that fixed, the least total cost. The second
    stage's (solver, status code, seconds); the first's when it found nothing. ``extra``:
    CP-SAT parameters over ``[joint_solver]``."""
    from ortools.sat.python import cp_model

    from runstrength.solver import run_solver

    cp.clear_hints()  # the members' own hints (stability) would name variables twice
    for var, value in hint.items():
        cp.add_hint(var, value)
    cp.minimize(worst)
    solver, code, seconds = run_solver(cp, k, limit, **{**k.rules.joint_solver, **extra})
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver, code, seconds
    set_domain(cp, worst, 0, int(solver.value(worst)))
    cp.clear_hints()  # the first stage's answer is the second's start
    for var in hint:
        cp.add_hint(var, solver.boolean_value(var))
    cp.minimize(sum(parts))
    solver, code, more = run_solver(cp, k, limit, **{**k.rules.joint_solver, **extra})
    return solver, code, seconds + more


def set_domain(cp, var, lo: int, hi: int) -> None:
    """Set ``var``'s bounds in ``cp`` (a model is re-solved with some choices closed)."""
    domain = cp.proto.variables[var.index].domain
    domain.clear()
    domain.extend([lo, hi])


def _no_plan(members, solver, code: int, limit: float | None):
    """The error of a joint solve that found nothing: the single plan's message, naming what
    the athletes share."""
    from runstrength.errors import InputError
    from runstrength.task import no_plan_error

    return InputError(f"the joint plan of the {len(members)} athletes who share "
                      f"{_what(members)}: " + no_plan_error(solver.status_name(code), limit))


def _what(members) -> str:
    """What the members share, for messages: "Club gym" / "Club gym, Thursday group"."""
    return ", ".join(sorted({m.access.gym for m in members if m.access.gym}
                            | {g for m in members for g in m.access.groups}))


def _names(items) -> str:
    return ", ".join(sorted({m.task.id for m in items}))


class Spans:
    """The sessions in one gym (start, end, who), found by time; ``who`` orders sessions that
    start together (a member, or a number)."""

    def __init__(self, spans: list = ()) -> None:
        self.items = sorted(spans, key=self._key)
        self.starts = [s[0] for s in self.items]
        self.longest = max((e - s for s, e, _ in self.items), default=dt.timedelta(0))

    @staticmethod
    def _key(span) -> tuple:
        who = span[2]
        return span[0], getattr(who, "i", who)

    def add(self, span) -> None:
        at = bisect.bisect_right(self.items, self._key(span), key=self._key)
        self.items.insert(at, span)
        self.starts.insert(at, span[0])
        self.longest = max(self.longest, span[1] - span[0])

    def drop(self, who) -> None:
        """Every session of ``who`` out."""
        self.items = [s for s in self.items if s[2] != who]
        self.starts = [s[0] for s in self.items]

    def near(self, lo: dt.datetime, hi: dt.datetime, but=None) -> list:
        """The sessions under way at some moment of [lo, hi), but ``but``'s."""
        a = bisect.bisect_left(self.starts, lo - self.longest)
        b = bisect.bisect_left(self.starts, hi)
        return [x for x in self.items[a:b] if x[1] > lo and x[2] is not but]


def _mark_full(m, members, chosen, shared: Shared, spans: dict) -> None:
    """Why each of ``m``'s candidates that a full gym or group had no room for was left out
    (``Season.full``: the reasons read it)."""
    mine = {c.index for c in chosen[m.i]}
    full = {}
    gym = shared.gym(m.access.gym) if m.access.gym else None
    seats: dict[tuple[str, dt.date], list] = {}
    for o in members:
        if o is not m:
            for c in chosen[o.i]:
                if c.group:
                    seats.setdefault((c.group, c.day), []).append(o)
    for c in m.found.items:
        if c.index in mine:
            continue
        if c.group:
            group = shared.group(c.group)
            there = seats.get((c.group, c.day), [])
            if len(there) >= group.max_size:
                full[c.index] = (f"{c.group} is full ({len(there)} of {group.max_size}: "
                                 f"{_names(there)})")
            continue
        if gym is None:
            continue
        others = spans[gym.name].near(c.start, c.end, but=m)
        for t in sorted({c.start, *(s for s, _, _ in others if c.start < s < c.end)}):
            inside = [o for s, e, o in others if s <= t < e]
            if len(inside) >= gym.max_athletes:
                full[c.index] = (f"{gym.name} is full at {t.astimezone(c.start.tzinfo):%H:%M}"
                                 f" ({len(inside)} of {gym.max_athletes}: {_names(inside)})")
                break
    m.prep.season.full = full


def _moves(members, chosen, shared: Shared, spans: dict) -> list[str]:
    """Each session an athlete would have had alone that the joint plan moved or dropped,
    and whom the full slot held."""
    out = []
    for m in members:
        # strength sessions only: the short add-ons are done at home, not in the gym
        mine = [c for c in chosen[m.i] if c.kind.counts_as_strength]
        own = [c for c in m.solo.chosen if c.kind.counts_as_strength]
        final = {(c.day, c.kind.id, c.start, c.group) for c in mine}
        alone = [c for c in own if (c.day, c.kind.id, c.start, c.group) not in final]
        if not alone:
            continue
        solo = {(c.day, c.kind.id, c.start, c.group) for c in own}
        new = [c for c in mine if (c.day, c.kind.id, c.start, c.group) not in solo]
        for c in alone:
            instead = next((n for n in new if n.kind.id == c.kind.id
                            and n.week.index == c.week.index), None) or next(
                (n for n in new if n.week.index == c.week.index), None)
            if instead is not None:
                new.remove(instead)
                to = (f"-> {instead.start:%a %d %b %H:%M}" if instead.kind.id == c.kind.id
                      else f"-> {instead.kind.name.lower()} {instead.start:%a %d %b %H:%M}")
            else:
                to = "-> not placed"
            where = c.group or c.place
            if c.group:
                held = [o for o in members if o is not m and any(
                    o2.group == c.group and o2.day == c.day for o2 in chosen[o.i])]
                room = shared.group(c.group).max_size
            else:
                held = sorted({o.i: o for _, _, o in spans[c.place].near(
                    c.start, c.end, but=m)}.values(), key=lambda o: o.i) if c.place else []
                room = shared.gym(c.place).max_athletes if c.place else 0
            why = (f"{where} was full then ({_names(held)})" if where and len(held) >= room
                   else "moved with the other sessions of its week")
            out.append(f"{m.task.id}: {c.kind.name.lower()} {c.start:%a %d %b %H:%M} {to}: "
                       f"{why}")
    return out


def _slots(members, chosen, shared: Shared) -> list[dict]:
    rows = []
    for gym in shared.gyms:
        spans = sorted(_gym_spans(members, chosen, gym.name), key=lambda s: (s[0], s[2].i))
        for start in sorted({s for s, _, _ in spans}):
            inside = [(s, e, o) for s, e, o in spans if s <= start < e]
            zone = ZoneInfo(gym.timezone) if gym.timezone else start.tzinfo
            local = start.astimezone(zone)
            rows.append({"gym": gym.name, "date": local.date().isoformat(),
                         "start": f"{local:%H:%M}", "weekday": local.weekday(),
                         "hour": local.hour, "athletes": len(inside),
                         "room": gym.max_athletes, "who": _names([o for _, _, o in inside])})
    return rows


def _group_rows(members, chosen, shared: Shared) -> list[dict]:
    from runstrength.exporters.common import group_uid

    rows = []
    for group in shared.groups:
        held: dict[dt.date, list] = {}
        when: dict[dt.date, tuple] = {}
        for m in members:
            for c in chosen[m.i]:
                if c.group == group.name:
                    held.setdefault(c.day, []).append(m)
                    when[c.day] = (c.start, c.end)
        for day in sorted(held):
            start, end = when[day]
            rows.append({"group": group.name, "date": day.isoformat(),
                         "start": start.isoformat(), "end": end.isoformat(),
                         "kind": group.kind, "attendees": len(held[day]),
                         "max_size": group.max_size, "who": _names(held[day]),
                         "names": [m.task.name or m.task.id
                                   for m in sorted(held[day], key=lambda m: m.task.id)],
                         "uid": group_uid(group.name, day)})
    return rows
