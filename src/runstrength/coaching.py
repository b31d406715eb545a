"""The coaching criteria a finished plan must meet, checked without the solver or the prescriber.

Each criterion has a rule id ``coach:NAME`` and a plain-language message (README, "What a coach
checks"). ``validate.validate`` runs them after the hard rules, so every plan the tests make is
held to them. They read the plan, the profile and the models only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict

from runstrength.domain import (
    Category,
    Exercise,
    Phase,
    Plan,
    PlannedSession,
    Prescribed,
    Priority,
)
from runstrength.knowledge import Knowledge


def _violation(rule: str, s: PlannedSession | None, message: str):
    from runstrength.validate import Violation

    return Violation(rule, s, message)


def _label(s: PlannedSession) -> str:
    return f"{s.kind} {s.start:%a %Y-%m-%d %H:%M}"


def _tests(k: Knowledge) -> set[str]:
    return {item.id for item in k.prescription.retest.items}


def _meets(exercises: list[Exercise], requirement: str) -> bool:
    return any(
        any(all(p.strip() in ex.patterns for p in option.split("+"))
            for option in requirement.split("|"))
        for ex in exercises)


def _range(text: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*(\d+)(?:\s*-\s*(\d+))?\s*", text)
    if not m:
        return None
    return int(m[1]), int(m[2] or m[1])


def _is_static(ex: Exercise) -> bool:
    held = bool(ex.dose) and ("hold" in ex.dose or ex.dose.rstrip().endswith((" s", " m walk")))
    return held or ex.category in (Category.CORE, Category.HIP) or any(
        p.startswith("anti-") for p in ex.patterns)


def _main(s: PlannedSession, k: Knowledge) -> list[Prescribed]:
    tests = _tests(k)
    return [p for p in s.exercises if p.exercise.id not in tests]


def coaching(plan: Plan, k: Knowledge) -> list:
    """Every coaching criterion the plan misses (an empty list when it meets them all)."""
    out: list = []
    out += _structure(plan, k)
    out += _patterns(plan, k)
    out += _weekly(plan, k)
    out += _dose(plan, k)
    out += _jumps(plan, k)
    out += _near_a_race(plan, k)
    out += _cues(plan, k)
    return out


def _structure(plan: Plan, k: Knowledge) -> list:
    """coach:structure: warm-up and cool-down around every session, each line dosed with a rest
    and a cue, and the event as long as its content (and no longer than the profile allows)."""
    out = []
    timing = k.prescription.timing
    for s in plan.sessions:
        kind = k.sessions.get(s.kind)
        if kind is None or kind.structure not in k.prescription.structure:
            continue
        label = _label(s)
        own = k.prescription.structure[kind.structure]
        if s.structure not in (kind.structure, own.fallback):
            out.append(_violation("coach:structure", s, f"{label}: warm-up and cool-down "
                                  f"{s.structure or 'missing'}, want {kind.structure}"))
            continue
        template = k.prescription.structure[s.structure]
        warm = {p for d in s.warmup for p in d.exercise.patterns}
        cool = {p for d in s.cooldown for p in d.exercise.patterns}
        missing = [p for p in template.warmup_requires if p not in warm]
        missing += [p for p in template.cooldown_requires if p not in cool]
        if missing:
            out.append(_violation("coach:structure", s, f"{label}: warm-up or cool-down lacks "
                                                        f"{', '.join(missing)}"))
        low, high = template.warmup_minutes
        if s.warmup and not low <= s.warmup_minutes <= high:
            out.append(_violation("coach:structure", s, f"{label}: warm-up of "
                                  f"{s.warmup_minutes} min, want {low}-{high}"))
        if not s.exercises:
            out.append(_violation("coach:structure", s, f"{label}: no main block"))
        for p in s.exercises:
            if p.sets > 1 and not p.rest and p.exercise.id not in _tests(k):
                out.append(_violation("coach:structure", s, f"{label}: {p.exercise.name} "
                                                            "states no rest"))
            if not p.exercise.cue:
                out.append(_violation("coach:structure", s, f"{label}: {p.exercise.name} "
                                                            "has no technique cue"))
        seconds = (sum(d.seconds for d in s.warmup) + sum(d.seconds for d in s.cooldown)
                   + sum(p.seconds for p in s.exercises))
        step = timing.round_to_minutes if timing else 1
        need = math.ceil(seconds / 60)
        longest = min(kind.minutes, plan.athlete.session_minutes)
        if s.group:  # the group's time (validate_shared checks it): the content fits in it
            if need > s.minutes:
                out.append(_violation("coach:structure", s, f"{label}: {need} min of content "
                                                            f"in a {s.minutes}-minute group"))
            continue
        if timing and not (need <= s.minutes <= max(step, math.ceil(need / step) * step)):
            out.append(_violation("coach:structure", s, f"{label}: event of {s.minutes} min "
                                                        f"for {need} min of content"))
        if s.minutes > longest:
            out.append(_violation("coach:structure", s, f"{label}: {s.minutes} min, longer "
                                                        f"than the {longest} min allowed"))
    return out


def _patterns(plan: Plan, k: Knowledge) -> list:
    """coach:patterns: the main block holds the kind's required movement patterns, and no
    pattern it may not repeat twice."""
    out = []
    for s in plan.sessions:
        kind = k.sessions.get(s.kind)
        if kind is None:
            continue
        exercises = [p.exercise for p in s.exercises]
        for req in kind.requires:
            if not _meets(exercises, req):
                out.append(_violation("coach:patterns", s, f"{_label(s)}: no {req} exercise"))
        for pattern in kind.no_repeat:
            holders = [e.name for e in exercises if pattern in e.patterns
                       and e.category is not Category.PLYOMETRIC]
            if len(holders) > 1:
                out.append(_violation("coach:patterns", s, f"{_label(s)}: {pattern} twice "
                                                            f"({', '.join(holders)})"))
    return out


def _free_slot(plan: Plan, k: Knowledge, day: dt.date, minutes: int) -> bool:
    """True when ``day`` has a start on the rules' grid with ``minutes`` free in a window,
    clear of runs (with their buffer), busy time and blackouts, outside a race's quiet days."""
    athlete, rules = plan.athlete, k.rules
    zone = athlete.zone
    if any(b.start <= day <= b.end for b in athlete.blackouts):
        return False
    for race in athlete.races:
        if race.priority is not Priority.C and 0 <= (race.date - day).days <= \
                rules.race_week_quiet_days:
            return False
    pad = dt.timedelta(minutes=rules.run_buffer_minutes)
    taken = [(r.start - pad, r.end + pad) for r in plan.runs]
    taken += [(b.start, b.end) for b in plan.busy]
    length = dt.timedelta(minutes=minutes)
    grid = dt.timedelta(minutes=rules.grid_minutes)
    for w in athlete.windows_on(day):
        t = dt.datetime.combine(day, dt.time(0), zone)
        end = dt.datetime.combine(day, w.end, zone)
        start = dt.datetime.combine(day, w.start, zone)
        while t < start:
            t += grid
        while t + length <= end:
            if not any(t < b and a < t + length for a, b in taken):
                return True
            t += grid
    return False


def _weekly(plan: Plan, k: Knowledge) -> list:
    """coach:calf and coach:core-days: calf/ankle work in enough sessions a week; core on
    enough days in base and build wherever a short core block could still have gone."""
    out = []
    rules = k.rules
    by_week: dict[int, list[PlannedSession]] = defaultdict(list)
    for s in plan.sessions:
        by_week[s.week].append(s)
    addon_minutes = [kind.minutes for kind in k.sessions.values() if not kind.counts_as_strength
                     and any(Category.CORE in sets for sets in kind.sets.values())]
    for week in plan.weeks:
        here = by_week.get(week.index, [])
        strength = [s for s in here if not s.add_on]
        want = rules.calf_per_week.get(week.phase, 0)
        calf = [s for s in here if any("calf-ankle" in p.exercise.patterns for p in s.exercises)]
        if len(calf) < min(want, len(strength)):
            out.append(_violation("coach:calf", None, f"week {week.index}: calf/ankle work in "
                                  f"{len(calf)} sessions, want {min(want, len(strength))}"))
        if week.phase not in rules.core_days_phases or not rules.core_days:
            continue
        days = {s.start.astimezone(plan.athlete.zone).date() for s in here
                if any(p.exercise.category is Category.CORE for p in s.exercises)}
        days |= {o.start.astimezone(plan.athlete.zone).date() for o in plan.own
                 if o.core and o.start.astimezone(plan.athlete.zone).date() in week.days()}
        need = min(rules.core_days, len(week.days()))
        if len(days) >= need or not addon_minutes:
            continue
        used = {s.start.astimezone(plan.athlete.zone).date() for s in here}
        used |= {o.start.astimezone(plan.athlete.zone).date() for o in plan.own}  # theirs
        open_days = [d for d in week.days() if d not in used  # a re-plan: not the past
                     and (plan.today is None or d >= plan.today)
                     and _free_slot(plan, k, d, min(addon_minutes))]
        if open_days:
            out.append(_violation("coach:core-days", None, f"week {week.index}: core on "
                                  f"{len(days)} days, want {need}; "
                                  f"{', '.join(f'{d:%a}' for d in open_days)} had room"))
    return out


def _dose(plan: Plan, k: Knowledge) -> list:
    """coach:dose: in base, loaded compound lifts within the phase's compound reps (6-10) and
    the other lifts within its accessory reps (8-12)."""
    out = []
    base = k.prescription.phases.get(Phase.BASE)
    if base is None or not base.compound_reps:
        return out
    compound, accessory = _range(base.compound_reps), _range(base.reps)
    load_gear = set(k.prescription.progression.load_equipment)
    for s in plan.sessions:
        if s.phase is not Phase.BASE:
            continue
        for p in _main(s, k):
            ex = p.exercise
            if ex.category in (Category.PLYOMETRIC, Category.MOBILITY) or _is_static(ex):
                continue
            reps = _range(p.reps)
            if reps is None:
                continue
            loaded = ex.compound and bool(load_gear & set(ex.equipment))
            lo, hi = compound if loaded else accessory
            if not (lo <= reps[0] and reps[1] <= hi):
                what = "compound" if loaded else "accessory"
                out.append(_violation("coach:dose", s, f"{_label(s)}: {ex.name} {p.reps} reps, "
                                                       f"a base {what} wants {lo}-{hi}"))
    return out


def _jumps(plan: Plan, k: Knowledge) -> list:
    """coach:jumps: jumps in at most one session a week, every jump line states its contacts,
    a week's contacts within the phase's cap and at most ``growth`` times the last two weeks'."""
    out = []
    c = k.prescription.contacts
    tests = _tests(k)
    by_week: dict[int, list[PlannedSession]] = defaultdict(list)
    for s in plan.sessions:
        if any(p.exercise.category is Category.PLYOMETRIC for p in s.exercises):
            by_week[s.week].append(s)
    contacts: dict[int, int] = {}
    for index, sessions in sorted(by_week.items()):
        if len(sessions) > 1:
            out.append(_violation("coach:jumps", sessions[1], f"week {index}: jumps in "
                                  f"{len(sessions)} sessions, want one"))
        for s in sessions:
            for p in s.exercises:
                if (p.exercise.category is Category.PLYOMETRIC and p.exercise.id not in tests
                        and not p.contacts):
                    out.append(_violation("coach:jumps", s, f"{_label(s)}: {p.exercise.name} "
                                                            "states no contacts"))
        contacts[index] = sum(p.contacts for s in sessions for p in s.exercises)
    if c is None:
        return out
    weeks = {w.index: w for w in plan.weeks}
    for index, n in sorted(contacts.items()):
        week = weeks.get(index)
        if week is None or not n:
            continue
        share = c.level_share.get(plan.athlete.level, 1.0)
        cap = int(c.cap.get(week.phase, 0) * share)
        recent = [contacts.get(index - d, 0) for d in range(1, c.gap_weeks + 1)]
        most = max(int(c.start.get(week.phase, 0) * share), int(max(recent) * c.growth))
        if n > cap or n > most:
            out.append(_violation("coach:jumps", None, f"week {index}: {n} contacts; at most "
                                  f"{min(cap, most)} (cap {cap}, about a fifth more a week)"))
    return out


def _near_a_race(plan: Plan, k: Knowledge) -> list:
    """coach:no-new-lift: no lift with the freeze equipment (barbell) in the weeks before an A
    race unless the athlete did it in the ``progression.recent_weeks`` weeks before them;
    coach:return: a session that says "mobility" holds mobility work."""
    out = []
    freeze = k.periodization.lift_freeze
    recent = k.prescription.progression.recent_weeks  # weeks whose lifts count as known
    if freeze is not None and freeze.weeks:
        for race in plan.athlete.races:
            if race.priority is not Priority.A:
                continue
            first = race.date - dt.timedelta(weeks=freeze.weeks)
            before = {p.exercise.id for s in plan.sessions
                      if first - dt.timedelta(weeks=recent) <= s.day < first for p in s.exercises}
            for s in plan.sessions:
                if not first <= s.day <= race.date:
                    continue
                for p in s.exercises:
                    if set(p.exercise.equipment) & set(freeze.equipment) and \
                            p.exercise.id not in before:
                        out.append(_violation("coach:no-new-lift", s, f"{_label(s)}: "
                                              f"{p.exercise.name} new within {freeze.weeks} "
                                              f"weeks of {race.label}"))
    for s in plan.sessions:
        said = " ".join([s.title, *(p.effort or p.load for p in s.exercises)]).lower()
        if "mobility" in said and not any(p.exercise.category is Category.MOBILITY
                                          for p in s.exercises):
            out.append(_violation("coach:return", s, f"{_label(s)} says mobility but holds "
                                                     "no mobility work"))
    return out


def _cues(plan: Plan, k: Knowledge) -> list:
    """coach:cues: no speed cue on a hold or an anti-movement exercise; "new to this block"
    only in the first week of the block the lift is done in."""
    out = []
    words = [w.lower() for w in k.prescription.speed_words]
    weeks = {w.index: w for w in plan.weeks}
    first: dict[tuple[int, str], int] = {}
    for s in plan.sessions:
        week = weeks.get(s.week)
        if week is None:
            continue
        for p in s.exercises:
            key = (week.block, p.exercise.id)
            first[key] = min(first.get(key, week.block_week), week.block_week)
    for s in plan.sessions:
        week = weeks.get(s.week)
        for p in _main(s, k):
            text = p.load.lower()
            if _is_static(p.exercise) and any(re.search(rf"\b{w}", text) for w in words):
                out.append(_violation("coach:cues", s, f"{_label(s)}: speed cue on "
                                                       f"{p.exercise.name}: {p.load}"))
            if week is not None and "new to this block" in text and \
                    first.get((week.block, p.exercise.id), week.block_week) < week.block_week:
                out.append(_violation("coach:cues", s, f"{_label(s)}: {p.exercise.name} is "
                                                       "called new but was done earlier in "
                                                       "the block"))
    return out


