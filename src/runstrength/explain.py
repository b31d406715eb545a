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
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from runstrength import rules, stopping
from runstrength.domain import Conflict, LegLoad, Phase, RunKind, Week, Window, after
from runstrength.knowledge import SessionKind
from runstrength.rules import Candidate, Model, Season
from runstrength.rules.base import Block
from runstrength.solver import _grid_start, _placements, candidates

NEAR_DAYS = 2          # why-here looks this many days either side of a session
_DAY = dt.timedelta(days=1)
MAX_FIXES = 5          # fixes listed per short week
FIX_SOLVE_SECONDS = 2.0




def tag(text: str, rule: str) -> str:
    return f"{text} [{rule}]"


# --- why here ---------------------------------------------------------------------------------

@dataclass
class Chosen:
    """The sessions a solve chose, looked up the ways the why-here reasons ask (once a plan,
    not once a session and day)."""

    by_day: dict[dt.date, Candidate]
    heavy: list[Candidate]
    strength_in: Counter  # week index -> strength sessions

    @classmethod
    def of(cls, chosen: list[Candidate]) -> Chosen:
        return cls({s.day: s for s in chosen}, [s for s in chosen if s.heavy],
                   Counter(s.week.index for s in chosen if s.kind.counts_as_strength))


def _day_story(season: Season, day: dt.date) -> str:
    runs = season.runs_on.get(day, [])
    if not runs:
        return "no run that day"
    return ", ".join(f"{r.kind.value} run at {r.start:%H:%M}"
                     + (" (an all-day item: run_time assumed)" if r.all_day else "")
                     for r in runs) + " that day"


def _window_of(season: Season, c: Candidate) -> Window | None:
    return next((w for w in season.athlete.windows_on(c.day)
                 if season.at(c.day, w.start) <= c.start and c.end <= season.at(c.day, w.end)),
                None)


def _why_time(season: Season, c: Candidate, window: Window | None) -> str:
    """Why the session starts when it does within its day: at the preferred time or the
    window's start, or what keeps it from there."""
    athlete = season.athlete
    grid = dt.timedelta(minutes=season.knowledge.rules.grid_minutes)
    pref = athlete.preferences.time
    if pref:
        wanted, label = season.at(c.day, pref), f"your preferred {pref:%H:%M}"
    elif window is not None:
        wanted, label = season.at(c.day, window.start), f"the start of your {window} window"
    else:
        return ""
    if abs(c.start - wanted) < grid:
        return tag(f"at {label}", "preferences") if pref else f"at {label}"
    until = wanted + (c.end - c.start)
    pad = dt.timedelta(minutes=season.knowledge.rules.run_buffer_minutes)
    blocker = None
    if pref and not any(season.at(c.day, w.start) <= wanted and until <= season.at(c.day, w.end)
                        for w in athlete.windows_on(c.day)):
        blocker = tag(f"{pref:%H:%M} is outside {c.day:%a}'s windows", "availability")
    for rule in rules.HARD if blocker is None else ():
        floor = rule.not_before(season, c.day, c.kind)
        if floor is not None and floor > wanted:
            blocker = tag(f"heavy legs may start only from {floor:%H:%M}, after the key run",
                          rule.id)
            break
    runs = [*season.runs_on.get(c.day - dt.timedelta(days=1), []), *season.runs_on.get(c.day, [])]
    for run in runs if blocker is None else []:
        if run.start - pad < until and run.end + pad > wanted:
            blocker = tag(f"your {run.kind.value} run {run.start:%H:%M}-{run.end:%H:%M} "
                          f"(and {season.knowledge.rules.run_buffer_minutes} min either side) "
                          "takes that time", "availability")
            break
    for block in season.busy_on.get(c.day, []) if blocker is None else []:
        if block.start < until and block.end > wanted:
            title = " ".join((block.title or "busy time").split())
            blocker = tag(f"{title} {block.start:%H:%M}-{block.end:%H:%M} takes that time",
                          "availability")
            break
    if blocker is None:
        return f"not at {label}: the plan as a whole is better with this start"
    return f"not at {label}: {blocker}"


def _why_not_there(season: Season, c: Candidate, day: dt.date, found, chosen: Chosen) -> str:
    """Why ``c`` was not put on ``day`` instead: a hard rule first, then what a move would
    cost the weeks, then the soft rule that preferred ``c``'s own day."""
    other = chosen.by_day.get(day)
    if other is not None and (other.kind.counts_as_strength or not c.kind.counts_as_strength):
        return tag(f"has the {other.kind.name.lower()} session", "one-per-day")
    reason = _why_not_free_day(season, c, day, found, chosen)
    if other is not None and reason.startswith("also free"):
        # only a short add-on holds the day: the strength session could have had it
        return tag(f"holds the {other.kind.name.lower()} block; {c.day:%a} suits this "
                   "session at least as well", "one-per-day")
    return reason


def _why_not_free_day(season: Season, c: Candidate, day: dt.date, found,
                      chosen: Chosen) -> str:
    """``_why_not_there`` for a day no strength session holds."""
    blocked = found.blocked.get((day, c.kind.id))
    if blocked is None:  # a kind the day's week does not use was never a candidate there
        blocked = next((Block(r.id, why) for r in rules.HARD
                        if (why := r.blocks(season, day, c.kind))), None)
    if blocked is not None:
        return " ".join(str(blocked).split())
    if (full := _full(season, found, day, [c.kind])) is not None:
        return full
    there = season.week_of[day]
    if not season.offers(c.kind, there):
        return f"{there.phase.value} weeks hold no {c.kind.name.lower()} sessions (models)"
    if c.heavy:
        gap = dt.timedelta(hours=season.knowledge.rules.heavy_spacing_hours)
        # the starts the session could take that day (or its own time moved there)
        starts = [o.start for o in found.at(day, c.kind.id)]
        starts = starts or [c.start + (day - c.day)]
        heavy = [s for s in chosen.heavy if s.index != c.index]
        if all(any(abs(s.start - t) < gap for s in heavy) for t in starts):
            near = next(s for s in heavy if abs(s.start - starts[0]) < gap)
            return tag(f"{near.day:%a}'s heavy-leg session would be under "
                       f"{gap.total_seconds() / 3600:g} h away", "heavy-spacing")
    if there.index != c.week.index:
        if chosen.strength_in[there.index] >= there.max_sessions:
            return tag(f"week {there.index} already has its maximum of {there.max_sessions}",
                       "phase-max")
        here = chosen.strength_in[c.week.index]
        if c.kind.counts_as_strength and here <= c.week.min_sessions:
            return tag(f"in week {there.index}: this week would fall below its minimum of "
                       f"{c.week.min_sessions}", "phase-min")
    # A soft rule explains the choice only when the chosen day does not pay it too.
    def after_long(d: dt.date) -> bool:
        return c.heavy and any(r.kind is RunKind.LONG
                               for r in season.runs_on.get(d - dt.timedelta(days=1), []))

    def before_key(d: dt.date) -> list:
        return season.key_runs_on(d + dt.timedelta(days=1)) \
            if c.kind.leg_load is LegLoad.MODERATE else []

    prefs = season.athlete.preferences.days

    def unpreferred(d: dt.date) -> bool:
        return bool(prefs) and d.strftime("%a").lower()[:3] not in prefs

    def near_tempo(d: dt.date) -> list:
        kinds = set(season.knowledge.rules.tempo_runs) - season.key_kinds
        return [r for e in (d, d + dt.timedelta(days=1)) for r in season.runs_on.get(e, [])
                if r.kind in kinds] if c.heavy else []

    tempo = near_tempo(day)
    if tempo and not near_tempo(c.day):
        when = "that day" if tempo[0].day == day else "the next day"
        return tag(f"{tempo[0].kind.value} run {when}: no heavy legs on or before it",
                   "heavy-near-tempo")
    quality = season.quality_runs_on(day)
    if quality and not season.quality_runs_on(c.day):
        return tag(f"{quality[0].kind.value} run that day, and strength prefers easy days",
                   "easy-days")
    if after_long(day) and not after_long(c.day):
        return tag("day after the long run", "day-after-long")
    tomorrow = before_key(day)
    if tomorrow and not before_key(c.day):
        return tag(f"day before {tomorrow[0].kind.value}: legs should be fresh",
                   "fresh-before-key")
    if unpreferred(day) and not unpreferred(c.day):
        return tag("not one of your preferred days", "preferences")
    if any(d != c.day and d in chosen.by_day for d in (day - _DAY, day + _DAY)):
        return tag("next to another session, and sessions spread over the week", "spread")
    return (f"also free, but {c.day:%a} suits the week's spread and set balance at least as "
            "well")


def why_here(season: Season, c: Candidate, found, chosen: Chosen) -> str:
    """Why this session sits on this day and time, and why the nearby days were not used
    (``chosen``: the sessions the solve chose, ``Chosen.of`` them)."""
    window = _window_of(season, c)
    parts = [f"{c.day:%a %d %b} {c.start:%H:%M}-{c.end:%H:%M}: {_day_story(season, c.day)}"]
    when = _why_time(season, c, window)
    if window is not None and not when.startswith("at the start of your"):
        parts.append(f"inside your {window} window")
    if when:
        parts.append(when)
    tomorrow = season.key_runs_on(c.day + dt.timedelta(days=1))
    if tomorrow:
        legs = "no leg load" if c.kind.leg_load is LegLoad.NONE else f"{c.kind.leg_load.value} legs"
        parts.append(f"{legs}, so it may precede tomorrow's "
                     f"{tomorrow[0].kind.value} run")
    elif c.heavy and season.key_runs_on(c.day):
        today = season.key_runs_on(c.day)[-1]
        parts.append(tag(f"heavy legs on the day of the {today.kind.value} run: an advanced "
                         "athlete may lift "
                         f"{season.knowledge.rules.advanced_same_day_gap_hours:g} h after it "
                         "ends", "no-stacking"))
    elif c.heavy:
        parts.append("heavy legs: no key run today or tomorrow")
    if c.week.phase is Phase.RACE_WEEK:
        parts.append(tag("race week: light or mobility sessions only", "race-week"))
    for delta in (*range(-NEAR_DAYS, 0), *range(1, NEAR_DAYS + 1)):
        day = c.day + dt.timedelta(days=delta)
        if day in season.week_of:
            parts.append(f"{day:%a}: {_why_not_there(season, c, day, found, chosen)}")
    return "; ".join(parts)


# --- why short --------------------------------------------------------------------------------

def strength_kinds(season: Season, week: Week) -> list[SessionKind]:
    return [k for k in season.knowledge.sessions.values() if k.counts_as_strength
            and season.offers(k, week)]


def day_reasons(season: Season, week: Week, found, used: set[dt.date],
                chosen: list[Candidate] = ()) -> list[str]:
    """Day by day, what kept a strength session off each unused day of ``week``."""
    kinds = strength_kinds(season, week)
    by_reason: dict[str, list[str]] = {}
    for day in week.days():
        if day in used:
            continue
        why = [found.blocked[(day, k.id)] for k in kinds if (day, k.id) in found.blocked]
        if len(why) < len(kinds):
            open_kinds = [k for k in kinds if (day, k.id) not in found.blocked]
            reason = _why_open_day_unused(season, week, day, open_kinds, chosen, found)
        elif why:
            # The mildest reason: a day blocked for heavy legs and also without a slot
            # is really a day without a slot.
            reason = " ".join(str(min(why, key=lambda b: (_SEVERITY.get(b.rule, 9),
                                                          b.minutes))).split())
        else:
            continue
        by_reason.setdefault(reason, []).append(f"{day:%a}")
    return [f"{', '.join(days)}: {reason}" for reason, days in by_reason.items()]


def _why_open_day_unused(season: Season, week: Week, day: dt.date, open_kinds: list[SessionKind],
                         chosen: list[Candidate], found) -> str:
    """Why a day that some kind could use got no session: the hard rule over several days."""
    here = [c for c in chosen if c.week.index == week.index]
    if sum(1 for c in here if c.kind.counts_as_strength) >= week.max_sessions:
        return tag(f"the week's maximum of {week.max_sessions} is reached", "phase-max")
    if (full := _full(season, found, day, open_kinds)) is not None:
        return full
    gap = dt.timedelta(hours=season.knowledge.rules.heavy_spacing_hours)
    heavy_near = [c for c in chosen if c.heavy and abs(c.day - day) < gap
                  and abs(c.day - day) >= dt.timedelta(days=1)]
    if all(k.leg_load is LegLoad.HEAVY for k in open_kinds) and heavy_near:
        return tag(f"only heavy legs fit, within {gap.total_seconds() / 3600:g} h of "
                   f"{heavy_near[0].day:%a}'s heavy-leg session", "heavy-spacing")
    capped = [k for k in open_kinds
              if sum(1 for c in here if c.kind.id == k.id) >= k.max_per_week]
    if capped and len(capped) == len(open_kinds):
        names = ", ".join(k.name.lower() for k in capped)
        return tag(f"only {names} fit, already at the weekly cap", "phase-max")
    if heavy_near:
        return tag(f"within {gap.total_seconds() / 3600:g} h of {heavy_near[0].day:%a}'s "
                   "heavy-leg session, "
                   "and the lighter kinds are at their weekly cap", "heavy-spacing, phase-max")
    return "free; the neighbouring weeks' sessions leave no room for another here [heavy-spacing]"


def _full(season: Season, found, day: dt.date, kinds: list[SessionKind]) -> str | None:
    """When a shared gym or group had no room for any of these kinds' starts on ``day`` (a
    joint plan: ``Season.full``), what was full, with whom."""
    if not season.full:
        return None
    starts = [c for k in kinds for c in found.at(day, k.id)]
    if starts and all(c.index in season.full for c in starts):
        rule = "group-size" if all(c.group for c in starts) else "gym-capacity"
        return tag(season.full[starts[0].index], rule)
    return None


# Which block to name when several rules keep a day empty: the one a person fixes first.
_SEVERITY = {"blackouts": 0, "availability": 1, "race-week": 2, "no-stacking": 3,
             "no-heavy-legs-before-key": 4}


def week_alone(season: Season, week: Week) -> Season:
    """``season`` cut down to ``week`` and the runs and busy time around it."""
    first, last = week.days()[0], week.days()[-1]
    lo, hi = first - dt.timedelta(days=2), last + dt.timedelta(days=2)
    return Season(
        athlete=season.athlete, knowledge=season.knowledge, weeks=[week],
        runs=[r for r in season.runs if lo <= r.day <= hi],
        busy=[b for b in season.busy if b.start.date() <= hi and b.end.date() >= lo],
        races=season.races,
        own=[o for o in season.own if lo <= o.day <= hi],
    )


def max_sessions(mini: Season) -> int:
    """The most strength sessions the hard rules allow in the one week of ``mini``
    (see ``week_alone``)."""

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
    if stopping.solve(solver, cp, cap=FIX_SOLVE_SECONDS) not in (cp_model.OPTIMAL,
                                                                 cp_model.FEASIBLE):
        return 0
    return round(solver.objective_value)


@dataclass(frozen=True)
class Fix:
    """One change to try on a short week: ``apply`` makes it on any season."""

    text: str
    apply: Callable[[Season], Season]
    order: int
    day: str | None = None      # a new window on this weekday ("Mon"): such fixes are grouped
    example: str = ""
    group: str | None = None    # variants of one change (how far to move, how much to cut):
                                # only the smallest one giving the most is shown


def _with(season: Season, **changes) -> Season:
    fields = {"athlete": season.athlete, "knowledge": season.knowledge, "weeks": season.weeks,
              "runs": season.runs, "busy": season.busy, "races": season.races,
              "own": season.own}
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


def _set_windows(weekday: str, windows: list[Window]) -> Callable[[Season], Season]:
    def apply(s: Season) -> Season:
        availability = {**s.athlete.availability, weekday: windows}
        return _with(s, athlete=s.athlete.model_copy(update={"availability": availability}))
    return apply


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
            out.append(Fix(f"add an availability window on {day:%a} ({example})",
                           _set_windows(weekday, [usual]), 0, day=f"{day:%a}", example=example))
            continue
        last = max(current, key=lambda w: w.end)
        end = (dt.datetime.combine(day, last.end)
               + dt.timedelta(minutes=athlete.session_minutes)).time()
        if end <= last.end:  # would run past midnight
            continue
        wider = Window(start=last.start, end=end)
        out.append(Fix(f"widen {day:%a}'s {last} window to {wider} (runs and busy time fill it)",
                       _set_windows(weekday, [w for w in current if w != last] + [wider]), 0))
    out += _run_moves(season, week, used)
    out += _blackout_cuts(season, week)
    # Rule and profile parameters.
    pad = k.rules.run_buffer_minutes
    for less in sorted({pad // 2, 0}, reverse=True):
        if less < pad:
            out.append(Fix(f"lower run_buffer_minutes from {pad} to {less} (models/rules.toml)",
                           _with_rules(run_buffer_minutes=less), 3, group="buffer"))
    # the shortest session the models define for the week's strength kinds
    shortest = min((kd.minutes for kd in kinds), default=athlete.session_minutes)
    if athlete.session_minutes > shortest:
        out.append(Fix(f"lower session_minutes from {athlete.session_minutes} to {shortest} "
                       "in the profile (shorter sessions fit shorter gaps)",
                       _with_athlete(session_minutes=shortest), 3))
    days = set(week.days())
    present = {r.kind for d in days | {max(days) + dt.timedelta(days=1)}
               for r in season.key_runs_on(d) if r.kind is not RunKind.RACE}
    for kind in sorted(present, key=lambda r: r.value):
        keys = sorted((season.key_kinds - {kind}), key=lambda r: r.value)
        out.append(Fix(f"treat {kind.value} runs as quality, not key "
                       f"(key_runs = {[r.value for r in keys]} in the profile)",
                       _with_athlete(key_runs=keys), 4))
    return out


def _with_rules(**update) -> Callable[[Season], Season]:
    def apply(s: Season) -> Season:
        k = s.knowledge
        return _with(s, knowledge=k.model_copy(update={"rules": k.rules.model_copy(
            update=update)}))
    return apply


def _with_athlete(**update) -> Callable[[Season], Season]:
    return lambda s: _with(s, athlete=s.athlete.model_copy(update=update))


def _run_moves(season: Season, week: Week, used: set[dt.date]) -> list[Fix]:
    """Move a key run that keeps heavy legs off its day or the day before, to a day that
    holds no quality run and sits next to none (no back-to-back hard days)."""
    days = set(week.days())
    out = []
    for run in sorted(season.runs, key=lambda r: r.start):
        if run.kind not in season.key_kinds or run.kind is RunKind.RACE:
            continue
        if run.day not in days and run.day - dt.timedelta(days=1) not in days:
            continue
        for delta in (1, -1, 2, -2):
            target = run.day + dt.timedelta(days=delta)
            neighbours = [target + dt.timedelta(days=d) for d in (-1, 1)]
            if (season.quality_runs_on(target) or target in used
                    or any(r is not run for d in neighbours for r in season.quality_runs_on(d))):
                continue
            shift = dt.timedelta(days=delta)
            moved = run.model_copy(update={"start": run.start + shift, "end": run.end + shift})

            def apply(s: Season, run=run, moved=moved) -> Season:
                return _with(s, runs=[moved if r is run else r for r in s.runs])

            out.append(Fix(f"move {run.day:%a}'s {run.kind.value} run "
                           f"({run.title or run.kind.value}) to {target:%a}", apply, 1,
                           group=f"move {run.start.isoformat()}"))
    return out


def _blackout_cuts(season: Season, week: Week) -> list[Fix]:
    """Blackouts over the week, cut back a day at a time from the end that lies in or after
    the week: the first cut that frees enough is the one shown."""
    out = []
    days = week.days()
    for i, b in enumerate(season.athlete.blackouts):
        covered = [d for d in days if b.covers(d)]
        if not covered:
            continue
        label = f"the blackout {b.start}..{b.end}" + (f" ({b.reason})" if b.reason else "")
        if b.end <= days[-1] or b.start < covered[0]:
            # cut the end back: end on the day before each covered day, latest first
            ends = [d - dt.timedelta(days=1) for d in reversed(covered)]
            variants = [(f"end {label} on {e}" if e >= b.start else f"drop {label}",
                         {"end": e} if e >= b.start else None) for e in ends]
        else:
            starts = [d + dt.timedelta(days=1) for d in covered]
            variants = [(f"start {label} on {st}" if st <= b.end else f"drop {label}",
                         {"start": st} if st <= b.end else None) for st in starts]
        for text, update in variants:
            def apply(s: Season, i=i, update=update) -> Season:
                blackouts = list(s.athlete.blackouts)
                if update is None:
                    del blackouts[i]
                else:
                    blackouts[i] = blackouts[i].model_copy(update=update)
                return _with(s, athlete=s.athlete.model_copy(update={"blackouts": blackouts}))

            out.append(Fix(text, apply, 2, group=f"blackout {i}"))
    return out


@dataclass(frozen=True)
class Measured:
    """What each candidate fix of a week adds, and the best combination when none suffices."""

    base: int
    gains: tuple[int, ...]
    combo: tuple[int, ...]
    combo_gain: int
    cut: bool = False  # the time limit came first: some fixes were not tried


def _measure(season: Season, week: Week, candidates: list[Fix], need: int) -> Measured:
    if stopping.expired():
        return Measured(0, (0,) * len(candidates), (), 0, cut=True)
    mini = week_alone(season, week)  # each fix is tried on the week alone
    base = max_sessions(mini)
    gains = []
    for f in candidates:  # the command's deadline bounds the diagnosis too
        gains.append(0 if stopping.expired() else min(max_sessions(f.apply(mini)) - base, need))
    cut = stopping.expired()
    combo, combo_gain = ((), 0) if cut else _combine(mini, base, need, candidates, tuple(gains))
    return Measured(base, tuple(gains), combo, combo_gain, cut=cut)


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
            tuple((o.leg_load.value, o.counts, clock(o.start, d), clock(o.end, d))
                  for o in season.own_on.get(d, [])),
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
    used = {c.day for c in chosen if c.week.index == week.index and c.kind.counts_as_strength}
    reasons = day_reasons(season, week, found, used, chosen)
    placed = sum(1 for c in chosen if c.week.index == week.index and c.kind.counts_as_strength)
    need = week.min_sessions - placed
    candidates = _fixes(season, week, found, used)
    key = week_shape(season, week, used, placed)
    measured = cache.get(key) if cache is not None else None
    if measured is None or len(measured.gains) != len(candidates):
        measured = _measure(season, week, candidates, need)
        if cache is not None and not measured.cut:
            cache[key] = measured
    return reasons, _render(week, candidates, measured, placed)


def _plural(gain: int) -> str:
    return f"+{gain} session{'s' if gain > 1 else ''}"


def _best(candidates: list[Fix], gains: tuple[int, ...]) -> list[int]:
    """Indices of the fixes worth showing, best first: one per group (the first variant with
    the group's best gain), each with a gain."""
    best: dict[str, int] = {}
    for i, fix in enumerate(candidates):
        key = fix.group or f"#{i}"
        if gains[i] > 0 and (key not in best or gains[i] > gains[best[key]]):
            best[key] = i
    return sorted(best.values(), key=lambda i: (-gains[i], candidates[i].order, i))


def _render(week: Week, candidates: list[Fix], measured: Measured, placed: int) -> list[str]:
    gains = measured.gains
    ranked = []
    windows: dict[int, list[str]] = {}  # gain -> days where a new window alone gives it
    for i in _best(candidates, gains):
        fix, gain = candidates[i], gains[i]
        if fix.day is not None:
            windows.setdefault(gain, []).append(fix.day)
            if len(windows[gain]) > 1:
                continue
        ranked.append((fix, gain))
    fixes = []
    if measured.combo:
        fixes.append(" and ".join(" ".join(candidates[i].text.split()) for i in measured.combo)
                     + f" ({_plural(measured.combo_gain)} together)")
    for fix, gain in ranked[:MAX_FIXES]:
        text = " ".join(fix.text.split())  # run titles and blackout reasons: one line
        if fix.day is not None and len(windows[gain]) > 1:
            days = windows[gain]
            text = (f"add an availability window on {', '.join(days[:-1])} or {days[-1]}, "
                    f"e.g. {fix.example}")
            fixes.append(f"{text} ({_plural(gain)} with any one)")
        else:
            fixes.append(f"{text} ({_plural(gain)})")
    if measured.cut:
        fixes.append("not every fix was tried: the time limit came first (a longer "
                     "--time-limit tries them all)")
    elif not fixes:
        fixes.append(_no_fix(week, measured.base, placed))
    return fixes


def _no_fix(week: Week, room: int, placed: int) -> str:
    """What to say when no change measured, alone or together, adds a session."""
    if room > placed:
        return (f"the week alone has room for {room}: heavy-leg spacing with the neighbouring "
                "weeks' sessions or the weekly mix takes it; a window on a day away from "
                "them would help [heavy-spacing]")
    return ("no change to this week's windows, runs, blackouts or rule parameters, alone or "
            "together, adds a session; lower the minimum for the phase in "
            "models/periodization.toml [phase-min]")


def _combine(mini: Season, base: int, need: int, candidates: list[Fix],
             gains: tuple[int, ...]) -> tuple[tuple[int, ...], int]:
    """When no single fix closes the gap, fixes taken together that do better than the best
    one alone: greedily from the best single fix, or, when none helps alone, all of them
    (one variant per group, the largest) pruned to the ones the gain needs."""
    order = _best(candidates, gains)
    best = gains[order[0]] if order else 0
    if best >= need or len(candidates) < 2:
        return (), 0

    def together(indices: list[int]) -> int:
        s = mini
        for i in indices:
            s = candidates[i].apply(s)
        return min(max_sessions(s) - base, need)

    if order:
        taken, gain = [order[0]], best
        for i in order[1:]:
            new = together([*taken, i])
            if new > gain:
                taken, gain = [*taken, i], new
            if gain >= need:
                break
    else:
        last: dict[str, int] = {}
        for i, fix in enumerate(candidates):
            if fix.group is None or fix.group.startswith("move"):
                last.setdefault(fix.group or f"#{i}", i)
            else:
                last[fix.group] = i  # the largest variant: the full cut, no buffer
        taken = sorted(last.values())
        gain = together(taken)
        if gain <= 0:
            return (), 0
        for i in list(taken):  # deletion: keep only what the gain needs
            trial = [j for j in taken if j != i]
            if together(trial) >= gain:
                taken = trial
    return (tuple(taken), gain) if len(taken) > 1 else ((), 0)


# --- why impossible ---------------------------------------------------------------------------

def _slot(season: Season, day: dt.date, kind: SessionKind) -> tuple[dt.datetime, dt.datetime,
                                                                    set[str]]:
    """A place for ``kind`` on ``day`` with the hard rules that forbid it there."""
    minutes = season.slot_minutes(kind, season.week_of[day])
    grid = season.knowledge.rules.grid_minutes
    blocked = {r.id for r in rules.HARD if r.blocks(season, day, kind)}
    free = rules.AVAILABILITY.free(season, day)
    spots = [s for lo, hi in free if (s := _grid_start(lo, hi, minutes, grid, None))]
    if not spots:
        blocked.add("availability")
        start = season.at(day, _usual_window(season).start)
        return start, after(start, dt.timedelta(minutes=minutes)), blocked
    placed = _placements(season, day, kind, free)  # the same starts the planner would try
    if not placed:  # a window left, but only before a rule's earliest start
        blocked |= {r.id for r in rules.HARD if r.not_before(season, day, kind)}
    start = placed[0][0] if placed else spots[0]
    return start, after(start, dt.timedelta(minutes=minutes)), blocked


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
    if stopping.expired() or stopping.solve(solver, cp, cap=FIX_SOLVE_SECONDS) != \
            cp_model.INFEASIBLE:
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
            if not season.offers(kind, week):
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
    days_by: dict[str, dict[str, list[str]]] = {}  # rule -> reason -> weekdays
    for c in items:
        if not c.kind.counts_as_strength:
            continue
        for rule_id in sorted(blocked_of[c.index] & set(kept)):
            why = rules.BY_ID[rule_id].blocks(season, c.day, c.kind) or "no free slot"
            days = days_by.setdefault(rule_id, {}).setdefault(" ".join(why.split()), [])
            if f"{c.day:%a}" not in days:
                days.append(f"{c.day:%a}")
    for rule_id, reasons in days_by.items():
        details[rule_id] = [f"{', '.join(days)}: {why}" for why, days in reasons.items()]
    open_days = sorted({c.day for c in items if c.kind.counts_as_strength
                        and not blocked_of[c.index] & set(kept)})
    names = ", ".join(f"{d:%a}" for d in open_days) or "none"
    hours = season.knowledge.rules.heavy_spacing_hours
    if "heavy-spacing" in kept:
        details["heavy-spacing"] = [f"heavy-leg sessions need {hours:g} h between them; the days "
                                    f"left open ({names}) are closer than that"]
    if "one-per-day" in kept:
        details["one-per-day"] = [f"one session a day on the days left open ({names})"]
    if "phase-max" in kept:
        caps = ", ".join(f"{k.name.lower()} {k.max_per_week}"
                         for k in season.knowledge.sessions.values()
                         if k.counts_as_strength and season.offers(k, week))
        details["phase-max"] = [f"at most {week.max_sessions} sessions a week, and per kind: "
                                f"{caps}"]
    order = [r.id for r in rules.ALL]
    return sorted(kept, key=order.index), details


def diagnose(season: Season, week: Week, found) -> Conflict:
    """Why ``week`` cannot hold its minimum: a data pre-check, else a minimal rule conflict."""
    kinds = strength_kinds(season, week)
    open_days = [d for d in week.days()
                 if any((d, k.id) not in found.blocked for k in kinds)]
    if len(open_days) < week.min_sessions:
        # The rules that close the other days, cut to a minimal set: a rule goes when the
        # days the others close still leave too few open (a blackout over the whole week
        # makes the missing windows beside the point).
        closed = [d for d in week.days() if d not in open_days]
        blockers = {d: [_slot(season, d, kd)[2] for kd in kinds] for d in closed}
        rule_ids = set().union(*(ids for sets in blockers.values() for ids in sets))

        def opened(kept: set[str]) -> int:
            return sum(1 for d in closed if any(not ids & kept for ids in blockers[d]))

        for rule_id in sorted(rule_ids, key=lambda r: -_SEVERITY.get(r, 9)):
            if len(open_days) + opened(rule_ids - {rule_id}) < week.min_sessions:
                rule_ids.discard(rule_id)
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
