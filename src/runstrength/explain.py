"""Why each session sits where it does, why a week came up short, and why a minimum is impossible.

Every reason is written in the words of the rule that gives it and ends with the rule's id in
brackets, so a coach can look the rule up in ``models/rules.toml`` or DESIGN.md.

- ``why_here``: the day, the time, and why the nearby days were not used.
- ``why_short``: day by day what kept sessions out of a week, and the fixes that would let more
  in, each measured by re-solving the week under the hard rules with the fix applied.
- ``diagnose``: for a week whose minimum cannot be met (``--strict``), a data pre-check first,
  then a solve with one assumption literal per hard rule (and the minimum), whose infeasible
  core is shrunk to a minimal set of rule ids.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from ortools.sat.python import cp_model

from runstrength import rules
from runstrength.domain import Conflict, LegLoad, RunKind, Week, Window
from runstrength.knowledge import SessionKind
from runstrength.prescription import session_minutes, session_volume
from runstrength.rules import Candidate, Model, Season

NEAR_DAYS = 2          # why-here looks this many days either side of a session
MAX_FIXES = 5          # fixes listed per short week
FIX_SOLVE_SECONDS = 2.0


@dataclass(frozen=True)
class Block:
    """A hard rule keeping one kind of session off one day."""

    rule: str
    text: str

    def __str__(self) -> str:
        return f"{self.text} [{self.rule}]"


def tag(text: str, rule: str) -> str:
    return f"{text} [{rule}]"


# --- why here ---------------------------------------------------------------------------------

def _day_story(season: Season, day: dt.date) -> str:
    runs = season.runs_on.get(day, [])
    if not runs:
        return "no run that day"
    return ", ".join(f"{r.kind.value} run at {r.start:%H:%M}" for r in runs) + " that day"


def _window_of(season: Season, c: Candidate) -> Window | None:
    return next((w for w in season.athlete.windows_on(c.day)
                 if season.at(c.day, w.start) <= c.start and c.end <= season.at(c.day, w.end)),
                None)


def _why_time(season: Season, c: Candidate, window: Window | None) -> str:
    """Why the session starts when it does within its day."""
    athlete = season.athlete
    if athlete.preferences.time:
        wanted = season.at(c.day, athlete.preferences.time)
        if abs(c.start - wanted) < dt.timedelta(minutes=season.knowledge.rules.grid_minutes):
            return tag(f"at your preferred {athlete.preferences.time:%H:%M}", "preferences")
        where = f"your {window} window" if window else "the free time"
        return tag(f"the start in {where} closest to your preferred "
                   f"{athlete.preferences.time:%H:%M}", "preferences")
    if window is None:
        return ""
    opens = season.at(c.day, window.start)
    if c.start - opens < dt.timedelta(minutes=season.knowledge.rules.grid_minutes):
        return f"at the start of your {window} window"
    for rule in rules.HARD:
        floor = rule.not_before(season, c.day, c.kind)
        if floor is not None and floor > opens and c.start >= floor:
            return tag(f"not before {floor:%H:%M}", rule.id)
    pad = season.knowledge.rules.run_buffer_minutes
    for run in season.runs_on.get(c.day, []):
        if run.end <= c.start and c.start - run.end <= dt.timedelta(minutes=pad + 15):
            return tag(f"{pad} min after your {run.kind.value} run ends at {run.end:%H:%M}",
                       "availability")
    for block in season.busy_on.get(c.day, []):
        if block.end <= c.start and block.start >= opens - dt.timedelta(hours=24):
            return tag(f"the first free slot after {block.title or 'busy time'} "
                       f"(until {block.end:%H:%M})", "availability")
    return "the first free slot in the window"


def _why_not_there(season: Season, c: Candidate, day: dt.date, found,
                   chosen_by_day: dict[dt.date, Candidate]) -> str:
    """Why ``c`` was not put on ``day`` instead."""
    other = chosen_by_day.get(day)
    if other is not None:
        return tag(f"has the {other.kind.name.lower()} session", "one-per-day")
    blocked = found.blocked.get((day, c.kind.id))
    if blocked is not None:
        return str(blocked)
    if c.heavy:
        for near in chosen_by_day.values():
            if near is not c and near.heavy and abs((near.day - day).days) == 1:
                return tag(f"next to {near.day:%a}'s heavy-leg session", "heavy-spacing")
    quality = season.quality_runs_on(day)
    if quality:
        return tag(f"{quality[0].kind.value} run that day, and strength prefers easy days",
                   "easy-days")
    yesterday = day - dt.timedelta(days=1)
    if c.heavy and any(r.kind is RunKind.LONG for r in season.runs_on.get(yesterday, [])):
        return tag("day after the long run", "day-after-long")
    tomorrow = season.key_runs_on(day + dt.timedelta(days=1))
    if c.kind.leg_load is LegLoad.MODERATE and tomorrow:
        return tag(f"day before {tomorrow[0].kind.value}: legs should be fresh",
                   "fresh-before-key")
    prefs = season.athlete.preferences.days
    if prefs and day.strftime("%a").lower()[:3] not in prefs:
        return tag("not one of your preferred days", "preferences")
    if any(abs((d - day).days) == 1 for d in chosen_by_day if d != c.day):
        return tag("next to another session, and sessions spread over the week", "spread")
    return (f"also free, but {c.day:%a} suits the week's spread and set balance at least as "
            "well")


def why_here(season: Season, c: Candidate, found, chosen: list[Candidate]) -> str:
    """Why this session sits on this day and time, and why the nearby days were not used."""
    window = _window_of(season, c)
    parts = [f"{c.day:%a %d %b} {c.start:%H:%M}-{c.end:%H:%M}: {_day_story(season, c.day)}"]
    when = _why_time(season, c, window)
    if window is not None and "window" not in when:
        parts.append(f"inside your {window} window")
    if when:
        parts.append(when)
    tomorrow = season.key_runs_on(c.day + dt.timedelta(days=1))
    if tomorrow:
        parts.append(f"{c.kind.leg_load.value} legs, so it may precede tomorrow's "
                     f"{tomorrow[0].kind.value} run")
    elif c.heavy:
        parts.append("heavy legs: no key run today or tomorrow")
    if c.week.phase.value in ("race-week", "taper"):
        parts.append(f"{c.week.phase.value}: {c.kind.leg_load.value} legs only")
    chosen_by_day = {s.day: s for s in chosen}
    days = set(season.week_of)
    for delta in (-NEAR_DAYS, -1, 1, NEAR_DAYS) if NEAR_DAYS > 1 else (-1, 1):
        day = c.day + dt.timedelta(days=delta)
        if day in days:
            parts.append(f"{day:%a}: {_why_not_there(season, c, day, found, chosen_by_day)}")
    return "; ".join(parts)


# --- why short --------------------------------------------------------------------------------

def strength_kinds(season: Season, week: Week) -> list[SessionKind]:
    return [k for k in season.knowledge.sessions.values() if k.counts_as_strength
            and session_volume(k, week, season.athlete, season.knowledge)]


def day_reasons(season: Season, week: Week, found, used: set[dt.date]) -> list[str]:
    """Day by day, what kept a strength session off each unused day of ``week``."""
    kinds = strength_kinds(season, week)
    by_reason: dict[str, list[str]] = {}
    for day in week.days():
        if day in used:
            continue
        why = [found.blocked[(day, k.id)] for k in kinds if (day, k.id) in found.blocked]
        if len(why) < len(kinds):
            reason = "free, but a session there would break heavy-leg spacing or the weekly " \
                     "cap [heavy-spacing, phase-max]"
        elif why:
            # The mildest reason: a day blocked for heavy legs and also without a slot
            # is really a day without a slot.
            reason = " ".join(str(min(why, key=lambda b: _SEVERITY.get(b.rule, 9))).split())
        else:
            continue
        by_reason.setdefault(reason, []).append(f"{day:%a}")
    return [f"{', '.join(days)}: {reason}" for reason, days in by_reason.items()]


# Which block to name when several rules keep a day empty: the one a person fixes first.
_SEVERITY = {"blackouts": 0, "availability": 1, "race-week": 2, "no-stacking": 3,
             "no-heavy-legs-before-key": 4}


def max_sessions(season: Season, week: Week) -> int:
    """The most strength sessions the hard rules allow in ``week`` on its own."""
    from runstrength.solver import candidates

    first, last = week.days()[0], week.days()[-1]
    lo, hi = first - dt.timedelta(days=2), last + dt.timedelta(days=2)
    mini = Season(
        athlete=season.athlete, knowledge=season.knowledge, weeks=[week],
        runs=[r for r in season.runs if lo <= r.day <= hi],
        busy=[b for b in season.busy if b.start.date() <= hi and b.end.date() >= lo],
        races=season.races,
    )
    found = candidates(mini)
    strength = [c for c in found.items if c.kind.counts_as_strength]
    if not strength:
        return 0
    cp = cp_model.CpModel()
    x = {c.index: cp.new_bool_var(f"x{c.index}") for c in found.items}
    m = Model(cp=cp, season=mini, candidates=found.items, x=x)
    for rule in rules.HARD:
        rule.apply(m)
    cp.maximize(m.count(strength))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = FIX_SOLVE_SECONDS
    if solver.solve(cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0
    return round(solver.objective_value)


@dataclass(frozen=True)
class Fix:
    text: str
    season: Season
    order: int
    day: str | None = None      # a new window on this weekday ("Mon"): such fixes are grouped
    example: str = ""


def _with(season: Season, **changes) -> Season:
    fields = {"athlete": season.athlete, "knowledge": season.knowledge, "weeks": season.weeks,
              "runs": season.runs, "busy": season.busy, "races": season.races}
    fields.update(changes)
    return Season(**fields)


def _usual_window(season: Season) -> Window:
    """The athlete's most common window, or an evening slot of one session's length."""
    windows = [w for ws in season.athlete.availability.values() for w in ws]
    if windows:
        return Counter(windows).most_common(1)[0][0]
    minutes = season.athlete.session_minutes
    start = dt.datetime(2000, 1, 1, 18, 0)
    return Window(start=start.time(), end=(start + dt.timedelta(minutes=minutes)).time())


def _fixes(season: Season, week: Week, found, used: set[dt.date]) -> list[Fix]:
    """Changes worth measuring for a short week, in the order to prefer between equal gains."""
    athlete, k = season.athlete, season.knowledge
    kinds = strength_kinds(season, week)
    out: list[Fix] = []
    usual = _usual_window(season)
    for day in week.days():
        if day in used:
            continue
        blocks = [found.blocked.get((day, kd.id)) for kd in kinds]
        if not any(b is not None and b.rule == "availability" for b in blocks):
            continue
        weekday = day.strftime("%a").lower()[:3]
        current = athlete.availability.get(weekday, [])
        if not current:
            example = f"{weekday} = [\"{usual}\"]"
            availability = {**athlete.availability, weekday: [usual]}
            out.append(Fix(f"add an availability window on {day:%a} ({example})",
                           _with(season, athlete=athlete.model_copy(
                               update={"availability": availability})), 0,
                           day=f"{day:%a}", example=example))
            continue
        last = max(current, key=lambda w: w.end)
        end = (dt.datetime.combine(day, last.end)
               + dt.timedelta(minutes=athlete.session_minutes)).time()
        if end <= last.end:  # would run past midnight
            continue
        wider = Window(start=last.start, end=end)
        availability = {**athlete.availability,
                        weekday: [w for w in current if w != last] + [wider]}
        out.append(Fix(f"widen {day:%a}'s {last} window to {wider} (runs and busy time fill it)",
                       _with(season, athlete=athlete.model_copy(
                           update={"availability": availability})), 0))
    # Move a key run that blocks heavy legs on the day before it.
    days = set(week.days())
    for run in sorted(season.runs, key=lambda r: r.start):
        if run.kind not in season.key_kinds or run.kind is RunKind.RACE:
            continue
        if run.day not in days and run.day - dt.timedelta(days=1) not in days:
            continue
        for delta in (1, -1, 2, -2):
            target = run.day + dt.timedelta(days=delta)
            if season.key_runs_on(target) or target in used:
                continue
            shift = dt.timedelta(days=delta)
            moved = run.model_copy(update={"start": run.start + shift, "end": run.end + shift})
            runs = [moved if r is run else r for r in season.runs]
            out.append(Fix(f"move {run.day:%a}'s {run.kind.value} run "
                           f"({run.title or run.kind.value}) to {target:%a}",
                           _with(season, runs=runs), 1))
    # Blackouts covering the week.
    for b in athlete.blackouts:
        if any(b.covers(d) for d in days):
            rest = [o for o in athlete.blackouts if o is not b]
            out.append(Fix(f"shorten the blackout {b.start}..{b.end}"
                           + (f" ({b.reason})" if b.reason else ""),
                           _with(season, athlete=athlete.model_copy(update={"blackouts": rest})),
                           2))
    # Rule and profile parameters.
    if k.rules.run_buffer_minutes > 0:
        out.append(Fix(f"lower run_buffer_minutes from {k.rules.run_buffer_minutes} to 0 "
                       "(models/rules.toml)",
                       _with(season, knowledge=k.model_copy(update={"rules": k.rules.model_copy(
                           update={"run_buffer_minutes": 0})})), 3))
    shortest = min((kd.minutes for kd in kinds), default=athlete.session_minutes)
    shortest = max(shortest, 20)
    if athlete.session_minutes > shortest:
        out.append(Fix(f"lower session_minutes from {athlete.session_minutes} to {shortest} "
                       "in the profile (shorter sessions fit shorter gaps)",
                       _with(season, athlete=athlete.model_copy(
                           update={"session_minutes": shortest})), 3))
    present = {r.kind for d in days | {max(days) + dt.timedelta(days=1)}
               for r in season.key_runs_on(d) if r.kind is not RunKind.RACE}
    for kind in sorted(present, key=lambda r: r.value):
        keys = sorted((season.key_kinds - {kind}), key=lambda r: r.value)
        out.append(Fix(f"treat {kind.value} runs as quality, not key "
                       f"(key_runs = {[r.value for r in keys]} in the profile)",
                       _with(season, athlete=athlete.model_copy(update={"key_runs": keys})), 4))
    return out


@dataclass(frozen=True)
class Measured:
    """What each candidate fix of a week adds, and the best combination when none suffices."""

    base: int
    gains: tuple[int, ...]
    combo: tuple[int, ...]
    combo_gain: int


def _measure(season: Season, week: Week, candidates: list[Fix], need: int) -> Measured:
    base = max_sessions(season, week)
    gains = tuple(min(max_sessions(f.season, week) - base, need) for f in candidates)
    order = sorted((i for i, g in enumerate(gains) if g > 0),
                   key=lambda i: (-gains[i], candidates[i].order, i))
    combo, combo_gain = _combine(season, week, base, need, candidates, order, gains)
    return Measured(base, gains, combo, combo_gain)


def week_shape(season: Season, week: Week, used: set[dt.date], placed: int) -> tuple:
    """Everything the fixes of a short week depend on, by weekday and clock time: two weeks
    with the same shape measure the same, whatever their dates and run titles."""
    days = week.days()
    span = [days[0] - dt.timedelta(days=1), *days, days[-1] + dt.timedelta(days=1)]

    def clock(t: dt.datetime, day: dt.date) -> tuple:
        return (t.date() - day).days, t.strftime("%H:%M")

    shape = []
    for d in span:
        shape.append((
            d.weekday(), d in days, d in used,
            tuple((r.kind.value, clock(r.start, d), clock(r.end, d))
                  for r in season.runs_on.get(d, [])),
            tuple((clock(b.start, d), clock(b.end, d)) for b in season.busy_on.get(d, [])),
            tuple(i for i, b in enumerate(season.athlete.blackouts) if b.covers(d)),
        ))
    races = tuple(((r.date - days[0]).days, r.priority.value) for r in season.races
                  if -7 <= (r.date - days[0]).days <= 21)
    return (week.phase, week.deload, week.min_sessions, placed, races, tuple(shape))


def why_short(season: Season, week: Week, found, chosen: list[Candidate],
              cache: dict | None = None) -> tuple[list[str], list[str]]:
    """(day-by-day reasons, fixes ordered by how many sessions each would add).

    ``cache`` maps a week's shape to its measurements, so a season of similar short weeks
    re-solves each kind of week once.
    """
    used = {c.day for c in chosen if c.week.index == week.index}
    reasons = day_reasons(season, week, found, used)
    placed = sum(1 for c in chosen if c.week.index == week.index and c.kind.counts_as_strength)
    need = week.min_sessions - placed
    candidates = _fixes(season, week, found, used)
    key = week_shape(season, week, used, placed)
    measured = cache.get(key) if cache is not None else None
    if measured is None or len(measured.gains) != len(candidates):
        measured = _measure(season, week, candidates, need)
        if cache is not None:
            cache[key] = measured
    return reasons, _render(week, candidates, measured, placed)


def _plural(gain: int) -> str:
    return f"+{gain} session{'s' if gain > 1 else ''}"


def _render(week: Week, candidates: list[Fix], measured: Measured, placed: int) -> list[str]:
    gains = measured.gains
    ranked = []
    windows: dict[int, list[str]] = {}  # gain -> days where a new window alone gives it
    for n, (fix, gain) in enumerate(zip(candidates, gains, strict=True)):
        if gain <= 0:
            continue
        if fix.day is not None:
            windows.setdefault(gain, []).append(fix.day)
            if len(windows[gain]) > 1:
                continue
        ranked.append((-gain, fix.order, n, fix, gain))
    ranked.sort(key=lambda r: r[:3])
    fixes = []
    if measured.combo:
        fixes.append(" and ".join(" ".join(candidates[i].text.split()) for i in measured.combo)
                     + f" ({_plural(measured.combo_gain)} together)")
    for _, _, _, fix, gain in ranked[:MAX_FIXES]:
        text = " ".join(fix.text.split())  # run titles and blackout reasons: one line
        if fix.day is not None and len(windows[gain]) > 1:
            days = windows[gain]
            text = (f"add an availability window on {', '.join(days[:-1])} or {days[-1]}, "
                    f"e.g. {fix.example}")
            fixes.append(f"{text} ({_plural(gain)} with any one)")
        else:
            fixes.append(f"{text} ({_plural(gain)})")
    if not fixes:
        fixes.append(_no_fix(week, measured.base, placed))
    return fixes


def _no_fix(week: Week, room: int, placed: int) -> str:
    """What to say when no single change measured adds a session."""
    if room > placed:
        return (f"the week alone has room for {room}: heavy-leg spacing with the neighbouring "
                "weeks' sessions or the weekly mix takes it; a window on a day away from "
                "them would help [heavy-spacing]")
    return ("no single change to this week's windows, runs, blackouts or rule parameters "
            "adds a session; lower the minimum for the phase in models/periodization.toml "
            "[phase-min]")


def _combine(season: Season, week: Week, base: int, need: int, candidates: list[Fix],
             order: list[int], gains: tuple[int, ...]) -> tuple[tuple[int, ...], int]:
    """When no single fix closes the gap, fixes taken together (greedily, best first) that do
    better than the best one alone: their indices and what they add."""
    if not order or gains[order[0]] >= need or len(order) < 2:
        return (), 0
    taken, current, gain = [order[0]], candidates[order[0]].season, gains[order[0]]
    for i in order[1:]:
        trial = _merge(current, candidates[i].season, season)
        new = min(max_sessions(trial, week) - base, need)
        if new > gain:
            taken, current, gain = [*taken, i], trial, new
        if gain >= need:
            break
    return (tuple(taken), gain) if len(taken) > 1 else ((), 0)


def _merge(a: Season, b: Season, original: Season) -> Season:
    """Season ``a`` with the one change ``b`` made to ``original`` applied on top."""
    changes = {}
    if b.runs is not original.runs:
        changes["runs"] = b.runs
    if b.knowledge is not original.knowledge:
        changes["knowledge"] = b.knowledge
    if b.athlete is not original.athlete:
        ath = a.athlete
        update = {f: getattr(b.athlete, f) for f in ("availability", "blackouts",
                                                    "session_minutes", "key_runs")
                  if getattr(b.athlete, f) != getattr(original.athlete, f)}
        if "availability" in update:
            update["availability"] = {**ath.availability, **{
                d: w for d, w in b.athlete.availability.items()
                if original.athlete.availability.get(d) != w}}
        changes["athlete"] = ath.model_copy(update=update)
    return _with(a, **changes)


# --- why impossible ---------------------------------------------------------------------------

def _slot(season: Season, day: dt.date, kind: SessionKind) -> tuple[dt.datetime, dt.datetime,
                                                                    set[str]]:
    """A place for ``kind`` on ``day`` with the hard rules that forbid it there."""
    from runstrength.solver import _grid_start

    minutes = session_minutes(kind, season.athlete)
    grid = season.knowledge.rules.grid_minutes
    blocked = {r.id for r in rules.HARD if r.blocks(season, day, kind)}
    free = rules.AVAILABILITY.free(season, day)
    spots = [s for lo, hi in free if (s := _grid_start(lo, hi, minutes, grid, None))]
    if not spots:
        blocked.add("availability")
        start = season.at(day, _usual_window(season).start)
        return start, start + dt.timedelta(minutes=minutes), blocked
    floors = {r.id: t for r in rules.HARD if (t := r.not_before(season, day, kind))}
    late = [s for lo, hi in free
            if (s := _grid_start(max([lo, *floors.values()]), hi, minutes, grid, None))]
    if floors and not late:
        blocked |= set(floors)
    start = (late or spots)[0]
    return start, start + dt.timedelta(minutes=minutes), blocked


def _enforce(cp: cp_model.CpModel, first: int, lit: cp_model.IntVar) -> None:
    """Make every constraint added since index ``first`` conditional on ``lit``."""
    for i in range(first, len(cp.proto.constraints)):
        ct = cp.proto.constraints[i]
        if ct.has_at_most_one():
            # CP-SAT takes no enforcement literal on at_most_one: say it as a linear sum.
            lits = list(ct.at_most_one.literals)
            if any(v < 0 for v in lits):
                raise ValueError("negated literal in at_most_one")
            ct.clear_at_most_one()
            ct.linear.vars.extend(lits)
            ct.linear.coeffs.extend([1] * len(lits))
            ct.linear.domain.extend([0, 1])
        ct.enforcement_literal.append(lit.index)


def _infeasible(cp: cp_model.CpModel, assume: list[cp_model.IntVar]) -> list[int] | None:
    """The core of assumption indices when infeasible under ``assume``, else None."""
    cp.clear_assumptions()
    cp.add_assumptions(assume)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = FIX_SOLVE_SECONDS
    if solver.solve(cp) != cp_model.INFEASIBLE:
        return None
    return list(solver.sufficient_assumptions_for_infeasibility())


def _conflict_core(season: Season, week: Week) -> tuple[list[str], dict[str, list[str]]]:
    """Minimal set of rule ids (with 'phase-min') that cannot all hold in ``week``."""
    cp = cp_model.CpModel()
    lits = {r.id: cp.new_bool_var(f"rule_{r.id}") for r in rules.HARD}
    lits["phase-min"] = cp.new_bool_var("rule_phase-min")
    items: list[Candidate] = []
    details: dict[str, list[str]] = {}
    blocked_of: dict[int, set[str]] = {}
    for day in week.days():
        for kind in season.knowledge.sessions.values():
            if not session_volume(kind, week, season.athlete, season.knowledge):
                continue
            start, end, blocked = _slot(season, day, kind)
            c = Candidate(len(items), day, kind, start, end, week)
            items.append(c)
            blocked_of[c.index] = blocked
    x = {c.index: cp.new_bool_var(f"x{c.index}") for c in items}
    for c in items:
        for rule_id in sorted(blocked_of[c.index]):
            cp.add_implication(lits[rule_id], x[c.index].Not())
    m = Model(cp=cp, season=season, candidates=items, x=x)
    for rule in rules.HARD:
        first = len(cp.proto.constraints)
        rule.apply(m)
        _enforce(cp, first, lits[rule.id])
    strength = [c for c in items if c.kind.counts_as_strength]
    cp.add(m.count(strength) >= week.min_sessions).only_enforce_if(lits["phase-min"])
    core = _infeasible(cp, list(lits.values()))
    if core is None:
        return [], {}
    names = {v.index: name for name, v in lits.items()}
    kept = [names[i] for i in core if i in names]
    for name in list(kept):  # deletion: drop every rule the conflict does not need
        if name == "phase-min":
            continue
        trial = [n for n in kept if n != name]
        if _infeasible(cp, [lits[n] for n in trial]) is not None:
            kept = trial
    for c in items:
        if not c.kind.counts_as_strength:
            continue
        for rule_id in blocked_of[c.index] & set(kept):
            details.setdefault(rule_id, [])
            why = rules.BY_ID[rule_id].blocks(season, c.day, c.kind) or "no free slot"
            line = f"{c.day:%a}: {' '.join(why.split())}"
            if line not in details[rule_id]:
                details[rule_id].append(line)
    order = [r.id for r in rules.ALL]
    return sorted(kept, key=order.index), details


def diagnose(season: Season, week: Week, found) -> Conflict:
    """Why ``week`` cannot hold its minimum: a data pre-check, else a minimal rule conflict."""
    kinds = strength_kinds(season, week)
    open_days = [d for d in week.days()
                 if any((d, k.id) not in found.blocked for k in kinds)]
    if len(open_days) < week.min_sessions:
        # For each closed day, the rules of the kind that is easiest to let in: fixing
        # those alone would open the day.
        rule_ids: set[str] = set()
        for d in week.days():
            if d not in open_days and kinds:
                rule_ids |= min((_slot(season, d, kd)[2] for kd in kinds),
                                key=lambda ids: (len(ids), sorted(ids)))
        days = ("only " + ", ".join(f"{d:%a}" for d in open_days)) if open_days else "no day"
        order = [r.id for r in rules.ALL]
        return Conflict(
            week=week.index, monday=week.monday, needed=week.min_sessions,
            rules=["phase-min", *sorted(rule_ids, key=order.index)],
            check="data",
            details=[f"{days} can take a strength session "
                     f"({len(open_days)} of {week.min_sessions} needed)",
                     *day_reasons(season, week, found, set(open_days))],
        )
    kept, details = _conflict_core(season, week)
    if not kept:
        return Conflict(week=week.index, monday=week.monday, needed=week.min_sessions,
                        rules=["phase-min", "heavy-spacing"], check="season",
                        details=["the week alone can hold its minimum; heavy-leg spacing "
                                 "with the neighbouring weeks' sessions takes the room"])
    lines = [f"{rule_id}: {'; '.join(details[rule_id])}" for rule_id in kept if rule_id in details]
    return Conflict(week=week.index, monday=week.monday, needed=week.min_sessions, rules=kept,
                    check="assumptions", details=lines)
