"""One session as the athlete trains it: warm-up, main block, cool-down, and its length.

``session_content`` builds the main block from the kind's working sets (``session_volume``),
the exercises the block picks (``selection``) and their dose (``dose``), frames it with the
kind's warm-up and cool-down (models/prescription.toml ``[structure.NAME]``), and computes the
minutes from what it holds: work, rests, set-up, warm-up and cool-down. When that is longer than
the session may be (``session_minutes`` of the profile, the kind's own ``minutes``), sets come
off the accessories first, then whole accessory lines, so the session fits; the calendar event
lasts what the session takes.

Jumps: ``jumps`` is the session's budget of ground contacts, 0 for none. The week's one jump
session (``season.plan_jumps``) gets a budget; a power week's heavy session swaps a leg lift for
its jumping variant, another heavy session adds one jump line, the power kind keeps its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from runstrength.domain import (
    Athlete,
    Category,
    Drill,
    Level,
    PlannedSession,
    Prescribed,
    Week,
)
from runstrength.knowledge import Knowledge, RetestItem, SessionKind
from runstrength.prescription.dose import (
    History,
    dose_of,
    effort_of,
    join_load,
    leg_rule,
    line_seconds,
    load_parts,
    progress_kind,
    rest_of,
    top_number,
)
from runstrength.prescription.selection import (
    Slot,
    choose,
    jumps_first,
    meets,
    pool_with_origins,
    ranking,
    swap_in_jumps,
    usable,
)


def budget_minutes(kind: SessionKind, athlete: Athlete) -> int:
    """The longest the session may be: the kind's minutes, cut to the profile's."""
    return min(kind.minutes, athlete.session_minutes)


def retest_applies(kind: SessionKind, week: Week, k: Knowledge) -> bool:
    """True when a session of ``kind`` in ``week`` may hold the end-of-block re-test.

    The week must close its block in a phase that re-tests (periodize sets ``block_end`` only
    there), and the kind must be a strength session whose leg load the re-test's all-out jumps
    and sprints fit (models/prescription.toml ``retest.leg_loads``).
    """
    return (
        week.block_end
        and week.phase in k.periodization.retest_phases
        and kind.counts_as_strength
        and kind.leg_load in k.prescription.retest.leg_loads
    )


def retest_items(kind: SessionKind, athlete: Athlete, k: Knowledge) -> list[RetestItem]:
    """The re-test items that fit in ``retest.max_share`` of the session's main block (its time
    less the warm-up and cool-down), in file order."""
    template = k.prescription.structure.get(kind.structure)
    frame = sum(d.seconds for d in [*template.warmup, *template.cooldown]) / 60 if template else 0
    budget = (budget_minutes(kind, athlete) - frame) * k.prescription.retest.max_share
    out: list[RetestItem] = []
    used = 0
    for item in k.prescription.retest.items:
        if used + item.minutes <= budget:
            out.append(item)
            used += item.minutes
    return out


def session_volume(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge, *,
                   retest: bool = False) -> dict[Category, int]:
    """Planned working sets per category of ``kind`` in ``week``: the kind's sets for the
    phase, cut in a deload week and in the weeks back after a race (``week.volume_share``).

    With ``retest`` (and a week and kind that re-test) the sets shrink by the share of the
    session the re-test items take. An empty result: the kind is not used that week. What the
    session finally holds (trimmed to its time) is ``session_content(...).volume``.
    """
    first = k.periodization.first_block
    if (first is not None and athlete.level in first.levels and week.block <= 1
            and kind.leg_load not in first.leg_loads):
        return {}  # a beginner's first block: no heavy legs yet
    own_jumps = Category.PLYOMETRIC in kind.sets.get(week.phase, {})
    if own_jumps and not jump_capable(kind, week, athlete, k):
        return {}  # a power session without its jumps is no power session
    scale = min(k.periodization.deload_volume if week.deload else 1.0, week.volume_share)
    if retest and retest_applies(kind, week, k):
        taken = sum(item.minutes for item in retest_items(kind, athlete, k))
        scale *= max(0.0, 1 - taken / max(1, budget_minutes(kind, athlete)))
    # mobility drills are no loaded volume: a deload or a week back keeps all of them
    return {
        cat: n if cat is Category.MOBILITY else max(1, round(n * scale))
        for cat, n in kind.sets.get(week.phase, {}).items()
        if n > 0
    }


def jump_capable(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge) -> bool:
    """True when a session of ``kind`` in ``week`` may carry the week's jumps: a heavy-leg
    strength session (plyometric.swap_leg_loads) in a phase with jumps, not in a beginner's
    first block (seed 004: beginners start form-focused)."""
    c = k.prescription.contacts
    return (c is not None and week.phase in c.phases and kind.counts_as_strength
            and kind.leg_load in k.prescription.plyometric.swap_leg_loads
            and not (athlete.level is Level.BEGINNER and week.block <= 1))


@dataclass(frozen=True)
class Content:
    """What a session holds, and how long it takes."""

    warmup: list[Drill]
    main: list[Prescribed]
    cooldown: list[Drill]
    minutes: int
    week_load: str
    volume: dict[Category, int] = field(default_factory=dict)
    structure: str = ""
    fits: bool = True  # False: even trimmed, it is longer than the session may be


def _drills(specs, athlete: Athlete, k: Knowledge) -> list[Drill]:
    key = ("drills", tuple((s.id, s.dose, s.seconds, s.instead) for s in specs),
           tuple(sorted(athlete.equipment)))
    if key not in k.memo:
        k.memo[key] = _build_drills(specs, athlete, k)
    return k.memo[key]


def _build_drills(specs, athlete: Athlete, k: Knowledge) -> list[Drill]:
    out = []
    for spec in specs:
        ex = k.exercises[spec.id]
        if not athlete.has_equipment(ex.equipment) and spec.instead:
            ex = k.exercises[spec.instead]
        out.append(Drill(exercise=ex, dose=spec.dose or ex.dose or "", seconds=spec.seconds))
    return out


def _slots(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge, testing: bool,
           jumps: int) -> list[Slot]:
    phase = k.prescription.phases[week.phase]
    dose = dose_of(week, k)
    shift = max(0, (week.lift_block or week.block) - 1)
    load_gear = k.prescription.progression.load_equipment
    volume = session_volume(kind, week, athlete, k, retest=testing)
    if not jumps:
        volume.pop(Category.PLYOMETRIC, None)
    # A deload or re-test week keeps the block's exercises and cuts their sets.
    plain = session_volume(kind, week.model_copy(update={"deload": False, "volume_share": 1.0}),
                           athlete, k)
    counts: dict[Category, int] = {}
    rankings = {}
    allowed = phase.equipment
    if kind.equipment is not None:
        allowed = [e for e in kind.equipment if allowed is None or e in allowed]
    for cat, total in volume.items():
        rule = leg_rule(kind, week.phase, cat, k)
        banned = [*(load_gear if rule is not None and rule.unloaded else ()),
                  *week.banned_equipment]
        pool = pool_with_origins(cat, athlete, k, allowed, excluded=phase.exclude,
                                 banned=banned)
        if not pool:
            continue
        per = k.prescription.sets_per_exercise_by_category.get(cat, dose.sets_per_exercise)
        counts[cat] = min(len(pool), math.ceil(plain.get(cat, total) / per), total)
        rankings[cat] = ranking(pool, shift, cat, k)
    slots: list[Slot] = []
    chosen = choose(kind, counts, rankings)
    for cat in counts:
        here = [pair for c, pair in chosen if c is cat]
        total = volume[cat]
        for i, (ex, origin) in enumerate(here):
            sets = total // len(here) + (1 if i < total % len(here) else 0)
            slots.append(Slot(cat, ex, origin, max(1, sets)))
    has_jump = any(s.exercise.category is Category.PLYOMETRIC for s in slots)
    if jumps and not has_jump and jump_capable(kind, week, athlete, k):
        if dose.emphasis is not None and dose.emphasis.fast_variants:
            slots = swap_in_jumps(slots, kind, athlete, phase.equipment, k)
        if not any(s.exercise.category is Category.PLYOMETRIC for s in slots):
            slots = _add_jump(slots, week, athlete, phase.equipment, k)
    return jumps_first(slots)


def _add_jump(slots: list[Slot], week: Week, athlete: Athlete, allowed, k: Knowledge
              ) -> list[Slot]:
    """One low jump line in front of the leg work: the phase's ``plyometric.add`` list rotated
    one place a block (else the catalogue's first plyometric the athlete can do)."""
    taken = {s.exercise.id for s in slots}
    plyo = k.prescription.plyometric
    names = plyo.add_by_level.get(athlete.level) or plyo.add.get(week.phase, [])
    shift = max(0, week.block - 1)
    order = [k.exercises[n] for n in names[shift % len(names):] + names[:shift % len(names)]
             if n in k.exercises] if names else [
        ex for ex in k.exercises.values() if ex.category is Category.PLYOMETRIC]
    jump = next((ex for ex in order if ex.id not in taken and usable(ex, athlete, allowed)),
                None)
    if jump is None or not any(s.exercise.category in (Category.POSTERIOR, Category.UNILATERAL,
                                                        Category.CALF) for s in slots):
        return slots
    return [Slot(Category.PLYOMETRIC, jump, None, 1), *slots]


def _jump_doses(slots: list[Slot], contacts: int, k: Knowledge) -> dict[int, tuple[int, int]]:
    """Slot index -> (sets, reps per set; per side for one-sided jumps) within ``contacts``.

    The budget is split over the jump lines (fewer lines when it is small); each line takes
    about ``plyometric.contact_reps`` contacts a set, and never more than its share.
    """
    jumps = [i for i, s in enumerate(slots) if s.exercise.category is Category.PLYOMETRIC]
    per_set = max(2, top_number(k.prescription.plyometric.reps))
    lines = jumps[:max(1, min(len(jumps), contacts // per_set))]
    out: dict[int, tuple[int, int]] = {i: (0, 0) for i in jumps}
    left = contacts
    for n, i in enumerate(lines):
        share = left // (len(lines) - n)
        sets = max(1, int(share / per_set + 0.5))
        reps = share // sets
        if slots[i].exercise.per_side:
            reps //= 2
        reps = max(1, reps)
        out[i] = (sets, reps)
        left -= sets * reps * (2 if slots[i].exercise.per_side else 1)
    return out


def _main(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge, testing: bool,
          jumps: int) -> list[Prescribed]:
    dose = dose_of(week, k)
    slots = _slots(kind, week, athlete, k, testing, jumps)
    jump_dose = _jump_doses(slots, jumps, k) if jumps else {}
    out: list[Prescribed] = []
    if testing:
        # "record and compare" is said once, on the first test
        record = k.prescription.retest.record
        out += [
            Prescribed(exercise=item.exercise(), sets=item.sets, reps=item.reps,
                       load=f"{item.load}; {record}" if not i else item.load,
                       effort=f"{item.load}; {record}" if not i else item.load,
                       seconds=item.minutes * 60, test=True)
            for i, item in enumerate(retest_items(kind, athlete, k))
        ]
    for i, slot in enumerate(slots):
        ex = slot.exercise
        how = progress_kind(ex, k)
        reps, effort, progress = effort_of(ex, how, kind, week, dose, k)
        sets, contacts = slot.sets, 0
        if i in jump_dose:
            sets, n = jump_dose[i]
            if not sets:
                continue
            reps = str(n)
            contacts = sets * n * (2 if ex.per_side else 1)
        effort, progression = load_parts(ex, how, effort, progress, dose, week, athlete, k,
                                         History())
        rest, rest_s = rest_of(ex, kind, k)
        reps = ex.dose if ex.dose and not contacts else reps
        out.append(Prescribed(
            exercise=ex, sets=sets, reps=reps, load=join_load(effort, progression),
            effort=effort, progression=progression, rest=rest, contacts=contacts,
            seconds=line_seconds(ex, sets, reps, rest_s, k),
            substitutes=slot.origin.name if slot.origin is not None else None,
        ))
    return out


def _minutes(seconds: float, k: Knowledge) -> int:
    step = k.prescription.timing.round_to_minutes if k.prescription.timing else 1
    return max(step, math.ceil(seconds / 60 / step) * step)


def _trim_order(kind: SessionKind) -> list[Category]:
    """Categories in the order their sets come off when a session runs long: stabilisers and
    upper body first, the kind's own emphasis last; jumps and re-tests keep their dose."""
    order = [Category.HIP, Category.UPPER_PULL, Category.UPPER_PUSH, Category.MOBILITY,
             Category.CORE, Category.CALF, Category.UNILATERAL, Category.POSTERIOR]
    if kind.emphasis in order:
        order.remove(kind.emphasis)
        order.append(kind.emphasis)
    return order


def _fit(main: list[Prescribed], kind: SessionKind, budget_s: float, frame_s: float,
         k: Knowledge, tests: set[str]) -> list[Prescribed]:
    """``main`` cut until warm-up + main + cool-down fit in ``budget_s`` seconds."""
    order = _trim_order(kind)
    rests = {p.exercise.id: rest_of(p.exercise, kind, k)[1] for p in main}

    def total(lines: list[Prescribed]) -> float:
        return frame_s + sum(p.seconds for p in lines)

    def trimmable(p: Prescribed) -> bool:
        return (p.exercise.category in order and not p.contacts
                and p.exercise.id not in tests)

    def rank(p: Prescribed) -> int:
        return order.index(p.exercise.category)

    def with_sets(p: Prescribed, sets: int) -> Prescribed:
        return p.model_copy(update={"sets": sets, "seconds": line_seconds(
            p.exercise, sets, p.reps, rests[p.exercise.id], k)})

    def cut_sets(lines: list[Prescribed], floor: int) -> None:
        while total(lines) > budget_s:
            cut = [i for i, p in enumerate(lines) if trimmable(p) and p.sets > floor]
            if not cut:
                return
            i = max(cut, key=lambda i: (-rank(lines[i]), lines[i].sets, i))
            lines[i] = with_sets(lines[i], lines[i].sets - 1)

    def drop_lines(lines: list[Prescribed]) -> None:
        # whole lines the kind's required patterns do not need, accessories first
        while total(lines) > budget_s and len(lines) > 1:
            exercises = [p.exercise for p in lines]
            needed = [r for r in kind.requires if meets(exercises, r)]
            drop = [i for i, p in enumerate(lines) if trimmable(p)
                    and all(meets([e for j, e in enumerate(exercises) if j != i], r)
                            for r in needed)]
            if not drop:
                return
            del lines[min(drop, key=lambda i: (rank(lines[i]), -i))]

    # Seed 004 base: 3-4 sets an exercise; so accessories go before the lifts drop below 3.
    lines = list(main)
    cut_sets(lines, 3)
    drop_lines(lines)
    cut_sets(lines, 2)
    cut_sets(lines, 1)
    return lines


def session_content(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge, *,
                    retest: bool = False, jumps: int = 0, limit: int | None = None,
                    cues: bool = True) -> Content:
    """The session of ``kind`` in ``week``: warm-up, main block, cool-down, minutes, volume.

    ``jumps``: ground contacts of the session's jumps (0: none); ``limit``: minutes the
    session must fit in besides its own budget (the slot it was placed in). Weeks of the same
    shape (phase, emphasis, lifts, volume) share what they hold; only the week's cues differ.
    ``cues`` False: any week's cues will do (the caller reads only minutes, fit and volume).
    """
    testing = retest and retest_applies(kind, week, k)
    if limit is not None:
        # A slot at least as long as the session needs changes nothing: trimming to a budget
        # is one greedy sequence of cuts, so the tighter budget stops at the same state when
        # that state already fits it. The unlimited content is then the answer (and shared).
        free = session_content(kind, week, athlete, k, retest=retest, jumps=jumps, cues=False)
        if limit >= free.minutes:
            limit = None
    shape = ("content", kind.id, week.phase, week.emphasis, week.deload, week.volume_share,
             week.lift_block or week.block, tuple(week.banned_equipment), testing,
             week.block <= 1, jumps, tuple(sorted(athlete.equipment)), athlete.level,
             athlete.session_minutes, limit)
    memo = k.memo
    if shape not in memo:
        if len(memo) > 20000:  # many athletes in one process: start afresh
            memo.clear()
        memo[shape] = (week, _content(kind, week, athlete, k, testing, jumps, limit))
    built_for, content = memo[shape]
    if not cues or (built_for.block, built_for.block_week) == (week.block, week.block_week):
        return content
    return _recued(content, kind, week, athlete, k)


def _recued(content: Content, kind: SessionKind, week: Week, athlete: Athlete,
            k: Knowledge) -> Content:
    """``content`` (built for another week of the same shape) with ``week``'s cues."""
    dose = dose_of(week, k)
    tests = {item.id for item in k.prescription.retest.items}
    main = []
    for p in content.main:
        if p.exercise.id in tests:
            main.append(p)
            continue
        how = progress_kind(p.exercise, k)
        _, effort, progress = effort_of(p.exercise, how, kind, week, dose, k)
        effort, progression = load_parts(p.exercise, how, effort, progress, dose, week,
                                         athlete, k, History())
        main.append(p.model_copy(update={"load": join_load(effort, progression),
                                         "effort": effort, "progression": progression}))
    return replace(content, main=main, week_load=week_load(main, k))


def _content(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge, testing: bool,
             jumps: int, limit: int | None) -> Content:
    longest = min(budget_minutes(kind, athlete), limit or 24 * 60)
    budget_s = longest * 60
    tests = {item.id for item in k.prescription.retest.items}
    main = _main(kind, week, athlete, k, testing, jumps)
    if week.deload:
        # the deload keeps the block's lifts: the lines a loading week of it holds, fewer sets
        loading = session_content(kind, week.model_copy(update={"deload": False}), athlete, k,
                                  retest=testing, jumps=jumps)
        kept = {p.exercise.id for p in loading.main}
        main = [p for p in main if p.exercise.id in kept or p.exercise.id in tests]
    name, seen = kind.structure, set()
    while True:
        seen.add(name)
        template = k.prescription.structure.get(name)
        warmup = _drills(template.warmup, athlete, k) if template else []
        cooldown = _drills(template.cooldown, athlete, k) if template else []
        frame_s = sum(d.seconds for d in warmup) + sum(d.seconds for d in cooldown)
        fitted = _fit(main, kind, budget_s, frame_s, k, tests)
        seconds = frame_s + sum(p.seconds for p in fitted)
        if (seconds <= budget_s or template is None or not template.fallback
                or template.fallback in seen):
            break
        name = template.fallback  # too short a session for this frame: take the lighter one
    minutes = min(_minutes(seconds, k), longest)
    return Content(warmup=warmup, main=fitted, cooldown=cooldown, minutes=minutes,
                   week_load=week_load(fitted, k), volume=volume_of(fitted, k),
                   structure=name if template else "", fits=seconds <= budget_s)


def volume_of(main: list[Prescribed], k: Knowledge) -> dict[Category, int]:
    """Working sets per category of a main block (re-test items left out)."""
    tests = {item.id for item in k.prescription.retest.items}
    out: dict[Category, int] = {}
    for p in main:
        if p.exercise.id not in tests and p.exercise.category is not Category.PREP:
            out[p.exercise.category] = out.get(p.exercise.category, 0) + p.sets
    return out


#: How the week's progression cue is introduced, by how the lifts progress.
_PROGRESS_LABELS = {"load": "loaded lifts", "band": "band work", "hold": "holds",
                    "reps": "bodyweight moves", "jump": "jumps"}


def week_load(main: list[Prescribed], k: Knowledge) -> str:
    """The week's progression cues, each once ("loaded lifts: week 2 of block 1: add ...")."""
    seen: dict[str, str] = {}
    for p in main:
        if p.progression and p.progression not in seen.values():
            seen.setdefault(progress_kind(p.exercise, k), p.progression)
    if len(seen) == 1:
        return next(iter(seen.values()))
    return "; ".join(f"{_PROGRESS_LABELS[how]}: {text}" for how, text in seen.items())


def prescribe(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge, *,
              retest: bool = False, jumps: int | None = None) -> list[Prescribed]:
    """The main block of one session of ``kind`` in ``week`` (see ``session_content``).

    ``jumps`` None: the jumps the session holds on its own, the phase's first-week contacts
    when it could be the week's jump session.
    """
    if jumps is None:
        jumps = default_jumps(kind, week, athlete, k)
    return session_content(kind, week, athlete, k, retest=retest, jumps=jumps).main


def default_jumps(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge) -> int:
    c = k.prescription.contacts
    if c is None or not jump_capable(kind, week, athlete, k):
        return 0
    emphasis = k.prescription.emphasis.get(week.emphasis)
    own = Category.PLYOMETRIC in kind.sets.get(week.phase, {})
    if own or (emphasis is not None and emphasis.fast_variants):
        return int(c.start.get(week.phase, 0) * c.level_share.get(athlete.level, 1.0))
    return 0


def max_jumps(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge) -> int:
    """The most contacts a session of ``kind`` may carry in ``week`` (0 when it never jumps)."""
    c = k.prescription.contacts
    if c is None or not jump_capable(kind, week, athlete, k):
        return 0
    return int(c.cap.get(week.phase, 0) * c.level_share.get(athlete.level, 1.0))


def apply_content(session: PlannedSession, content: Content) -> PlannedSession:
    """``session`` holding ``content``: exercises, drills, volume, and the event's length."""
    from datetime import timedelta

    from runstrength.domain import after

    return session.model_copy(update={
        "exercises": content.main, "warmup": content.warmup, "cooldown": content.cooldown,
        "volume": content.volume, "week_load": content.week_load,
        "structure": content.structure,
        "end": after(session.start, timedelta(minutes=content.minutes))})


__all__ = ["Content", "apply_content", "budget_minutes", "max_jumps", "prescribe",
           "retest_applies", "retest_items", "session_content", "session_volume"]
