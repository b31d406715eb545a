"""Exercises, sets x reps and a load cue for each session, filtered by the athlete's equipment.

What a session prescribes follows the week (``periodization.periodize``):

- the phase caps the equipment (taper and race week: bodyweight and bands only) and sets the
  working sets per category (``session_volume``, cut in a deload week);
- the block's training emphasis (strength-endurance, strength, power, ...) sets reps, sets per
  exercise and the effort cue (models/prescription.toml ``[emphasis.NAME]``);
- the week's place in its block sets the progression cue: week 1 sets the working load, later
  weeks add 2-5 % every week or two by level (seed 002); bodyweight, band, hold and jump
  exercises progress by reps, band, time or height instead;
- the block's last week may open one session with the re-test (seed 002).

The exercises rotate once per block, so a block repeats the same lifts and the load can progress.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from runstrength.domain import Athlete, Category, Exercise, Level, Prescribed, Week
from runstrength.knowledge import (
    LOADING_PHASES,
    EmphasisPrescription,
    Knowledge,
    PhasePrescription,
    RetestItem,
    SessionKind,
)

# Leg categories whose lifts may turn into their jumping variant in a power week.
_LEG = (Category.POSTERIOR, Category.UNILATERAL)


def session_minutes(kind: SessionKind, athlete: Athlete) -> int:
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
    """The re-test items that fit in ``retest.max_share`` of the session, in file order."""
    budget = session_minutes(kind, athlete) * k.prescription.retest.max_share
    out: list[RetestItem] = []
    used = 0
    for item in k.prescription.retest.items:
        if used + item.minutes <= budget:
            out.append(item)
            used += item.minutes
    return out


def session_volume(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge, *,
                   retest: bool = False) -> dict[Category, int]:
    """Working sets per category of ``kind`` in ``week``, scaled to the time and deload.

    With ``retest`` (and a week and kind that re-test) the sets shrink to leave the re-test
    items their minutes, so the session still fits its length.
    """
    minutes = session_minutes(kind, athlete)
    scale = minutes / kind.minutes
    if week.deload:
        scale *= k.periodization.deload_volume
    if retest and retest_applies(kind, week, k):
        spare = minutes - sum(item.minutes for item in retest_items(kind, athlete, k))
        scale = min(scale, max(0.0, spare / kind.minutes))
    return {
        cat: max(1, round(n * scale))
        for cat, n in kind.sets.get(week.phase, {}).items()
        if n > 0
    }


def _usable(ex: Exercise, athlete: Athlete, allowed: list[str] | None) -> bool:
    if allowed is not None and not all(e in allowed for e in ex.equipment):
        return False
    return athlete.has_equipment(ex.equipment)


def pool_with_origins(category: Category, athlete: Athlete, k: Knowledge,
                      allowed: list[str] | None) -> list[tuple[Exercise, Exercise | None]]:
    """Like ``exercise_pool``, each exercise paired with the one it replaces.

    The second item is the catalogue exercise the athlete lacked the equipment for (the start
    of the regression chain), or None when nothing was replaced or only the phase's equipment
    cap (taper, race week) made the swap.
    """
    pool: dict[str, tuple[Exercise, Exercise | None]] = {}
    for origin in k.exercises.values():
        if origin.category is not category:
            continue
        ex: Exercise | None = origin
        lacked = False
        while ex is not None and not _usable(ex, athlete, allowed):
            lacked = lacked or not athlete.has_equipment(ex.equipment)
            ex = k.exercises.get(ex.regression) if ex.regression else None
        if ex is not None:
            pool.setdefault(ex.id, (ex, origin if lacked and ex is not origin else None))
    return sorted(pool.values(), key=lambda pair: pair[0].equipment == ["bodyweight"])


def exercise_pool(category: Category, athlete: Athlete, k: Knowledge,
                  allowed: list[str] | None) -> list[Exercise]:
    """Exercises of ``category`` the athlete can do, substituting regressions where needed.

    Exercises that use the athlete's own equipment come first (file order otherwise): someone
    who owns a kettlebell should swing it, not only do bridges.
    """
    return [ex for ex, _ in pool_with_origins(category, athlete, k, allowed)]


def _chain(ex: Exercise, k: Knowledge) -> list[str]:
    """``ex`` and its regressions, easiest last."""
    out: list[str] = []
    current: Exercise | None = ex
    while current is not None and current.id not in out:
        out.append(current.id)
        current = k.exercises.get(current.regression) if current.regression else None
    return out


def jump_variants(k: Knowledge) -> dict[str, Exercise]:
    """Leg exercise id -> its jumping version: a plyometric whose regression is that movement.

    A goblet squat regresses to the bodyweight squat, which is the jump squat's regression, so
    the jump squat is the goblet squat's fast variant; a reverse lunge's is the jump lunge.
    """
    plyos = [v for v in k.exercises.values()
             if v.category is Category.PLYOMETRIC and v.regression]
    out: dict[str, Exercise] = {}
    for ex in k.exercises.values():
        if ex.category not in _LEG:
            continue
        chain = _chain(ex, k)
        variant = next((v for v in plyos if v.regression in chain), None)
        if variant is not None:
            out[ex.id] = variant
    return out


def progress_kind(ex: Exercise, k: Knowledge) -> str:
    """How ``ex`` progresses: load, band, hold, reps (bodyweight) or jump."""
    prog = k.prescription.progression
    if ex.category is Category.PLYOMETRIC:
        return "jump"
    if any(e in prog.load_equipment for e in ex.equipment):
        return "load"
    if any(e in prog.band_equipment for e in ex.equipment):
        return "band"
    if ex.dose and ("hold" in ex.dose or ex.dose.rstrip().endswith(" s")):
        return "hold"
    return "reps"


def _pct(x: float) -> str:
    return f"{x:g}"


def progression_cue(how: str, week: Week, athlete: Athlete, k: Knowledge) -> str:
    """The week's step within its block, e.g. "week 3 of block 2: add 2-5 % ... (+4-10 %)".

    Week 1 of a block sets the working level; after it the cue steps up every
    ``progression.every_weeks[level]`` weeks and holds in between (seed 002: every week or two).
    """
    prog = k.prescription.progression
    cues = prog.cues[how]
    n = max(1, week.block_week)
    every = prog.every_weeks[athlete.level]
    steps = (n - 1) // every
    low, high = prog.step_percent
    if n == 1:
        template = cues.first
    elif (n - 1) % every == 0:
        template = cues.step
    else:
        template = cues.hold
    total = (f"about +{_pct(low * steps)}-{_pct(high * steps)} % on week 1" if steps
             else "same as week 1")
    return template.format(block=week.block, week=n, step=f"{_pct(low)}-{_pct(high)} %",
                           total=total)


@dataclass(frozen=True)
class _Dose:
    """The week's dose: the phase's table overlaid with the emphasis's."""

    phase: PhasePrescription
    emphasis: EmphasisPrescription | None
    loading: bool

    @property
    def sets_per_exercise(self) -> int:
        e = self.emphasis
        return e.sets_per_exercise if e and e.sets_per_exercise else self.phase.sets_per_exercise

    def reps_and_effort(self, ex: Exercise, how: str, k: Knowledge) -> tuple[str, str]:
        e, p, pr = self.emphasis, self.phase, k.prescription
        if how == "jump":
            return pr.plyometric.reps, pr.plyometric.load
        if self.loading and (how == "hold" or ex.category in pr.stability.categories):
            return pr.stability.reps, pr.stability.load
        reps = (e.reps if e else None) or p.reps
        effort = (e.load if e else None) or p.load
        if how in ("load", "band") or e is None:
            return reps, effort
        return e.bodyweight_reps or reps, e.bodyweight_load or effort


def _load_cue(ex: Exercise, how: str, effort: str, dose: _Dose, week: Week, athlete: Athlete,
              k: Knowledge) -> str:
    pr = k.prescription
    if ex.category is Category.MOBILITY:
        return pr.mobility_load
    if week.deload:
        return pr.deload_load if how == "load" else pr.deload_bodyweight
    if dose.emphasis is not None and dose.emphasis.progress:
        return f"{effort}; {progression_cue(how, week, athlete, k)}"
    return effort


def category_jumps(category: Category, k: Knowledge) -> list[Exercise]:
    """Plyometrics that are the jumping form of a ``category`` movement, in file order: those
    whose regression is an exercise of that category (jump squat for posterior, skater and
    jump lunge for unilateral)."""
    return [
        v for v in k.exercises.values()
        if v.category is Category.PLYOMETRIC and v.regression
        and (base := k.exercises.get(v.regression)) is not None and base.category is category
    ]


def _swap_in_jumps(slots: list[tuple[Category, Exercise, Exercise | None, int]],
                   athlete: Athlete, allowed: list[str] | None,
                   k: Knowledge) -> list[tuple[Category, Exercise, Exercise | None, int]]:
    """Power weeks: in each leg category with 2+ lifts, the last lift that has a jumping variant
    becomes that jump, moved to the front of its category (jumps go first, while fresh).

    A session with leg lifts but no jump after that still gets one: a lift of a category with
    2+ lifts (so a strength lift of it stays) else of a single-lift category turns into its own
    jumping variant if it has one, else into a jump of its category the athlete can do.
    """
    variants = jump_variants(k)
    taken = {ex.id for _, ex, _, _ in slots}
    out = list(slots)

    def positions(cat: Category) -> list[int]:
        return [i for i, slot in enumerate(out) if slot[0] is cat]

    def fits(jump: Exercise) -> bool:
        return jump.id not in taken and _usable(jump, athlete, allowed)

    def swap(i: int, jump: Exercise) -> None:
        cat, _, _, sets = out[i]
        front = positions(cat)[0]
        taken.add(jump.id)
        del out[i]
        out.insert(front, (cat, jump, None, sets))

    for cat in _LEG:
        where = positions(cat)
        if len(where) < 2:
            continue
        for i in reversed(where):
            jump = variants.get(out[i][1].id)
            if jump is not None and fits(jump):
                swap(i, jump)
                break
    if any(slot[1].category is Category.PLYOMETRIC for slot in out):
        return out
    for several in (True, False):
        lifts = [i for cat in _LEG if (len(positions(cat)) >= 2) == several
                 for i in reversed(positions(cat))]
        for i in lifts:
            jump = variants.get(out[i][1].id)
            if jump is not None and fits(jump):
                swap(i, jump)
                return out
        for i in lifts:
            jump = next((j for j in category_jumps(out[i][0], k) if fits(j)), None)
            if jump is not None:
                swap(i, jump)
                return out
    return out


def prescribe(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge, *,
              retest: bool = False) -> list[Prescribed]:
    """The exercise list of one session of ``kind`` in ``week``.

    Each category's working sets are split into exercises of the emphasis's (else the
    phase's) sets per exercise; the exercises rotate once per block so a block repeats the
    same lifts and the load can progress. With ``retest`` in a re-test week the session opens
    with the re-test items and its working sets shrink to leave them time.
    """
    phase = k.prescription.phases[week.phase]
    dose = _Dose(phase, k.prescription.emphasis.get(week.emphasis),
                 loading=week.phase in LOADING_PHASES)
    testing = retest and retest_applies(kind, week, k)
    shift = max(0, week.block - 1)
    # A deload or re-test week keeps the block's exercises and cuts their sets.
    plain = session_volume(kind, week.model_copy(update={"deload": False}), athlete, k)
    slots: list[tuple[Category, Exercise, Exercise | None, int]] = []
    for cat, total in session_volume(kind, week, athlete, k, retest=testing).items():
        pool = pool_with_origins(cat, athlete, k, phase.equipment)
        if not pool:
            continue
        count = min(len(pool), math.ceil(plain[cat] / dose.sets_per_exercise), total)
        for i in range(count):
            sets = total // count + (1 if i < total % count else 0)
            ex, origin = pool[(shift + i) % len(pool)]
            slots.append((cat, ex, origin, sets))
    # No jumps for a beginner in the season's first block (seed 004: beginners start form-focused).
    first_steps = athlete.level is Level.BEGINNER and week.block <= 1
    if dose.emphasis is not None and dose.emphasis.fast_variants and not first_steps:
        slots = _swap_in_jumps(slots, athlete, phase.equipment, k)

    out: list[Prescribed] = []
    if testing:
        record = k.prescription.retest.record
        out += [
            Prescribed(exercise=item.exercise(), sets=item.sets, reps=item.reps,
                       load=f"{item.load}; {record}")
            for item in retest_items(kind, athlete, k)
        ]
    for _, ex, origin, sets in slots:
        how = progress_kind(ex, k)
        reps, effort = dose.reps_and_effort(ex, how, k)
        out.append(Prescribed(
            exercise=ex,
            sets=sets,
            reps=ex.dose or reps,
            load=_load_cue(ex, how, effort, dose, week, athlete, k),
            substitutes=origin.name if origin is not None else None,
        ))
    return out
