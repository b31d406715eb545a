"""Exercises, sets x reps and a load cue for each session, filtered by the athlete's equipment.

What a session prescribes follows the week (``periodization.periodize``):

- the phase caps the equipment (taper and race week: bodyweight and bands only) and sets the
  working sets per category (``session_volume``, cut in a deload week);
- the block's training emphasis (strength-endurance, strength, power, ...) sets reps, sets per
  exercise and the effort cue (models/prescription.toml ``[emphasis.NAME]``);
- the week's place in its block sets the progression cue: week 1 sets the working load, later
  weeks add 2-5 % every week or two by level (seed 002); bodyweight, band, hold and jump
  exercises progress by reps, band, time or height instead;
- the block's last week may open one session with the re-test (seed 002);
- the session's leg load caps its leg work: only heavy-leg sessions swap lifts for jumps, and
  moderate, light and no-leg sessions keep their leg exercises at their own effort cue
  (``[leg_loads]``), whatever the emphasis; jumps open the leg work.

The exercises rotate once per block, so a block repeats the same lifts and the load can progress;
in the strength categories an athlete's own equipment is used first (``loaded_first``).

``prescribe`` sees one session; ``progress_season`` then rewrites the cues of a whole season so
they follow what the athlete actually did: a lift not done the week before starts its block
progression afresh, peak's "keep last block's loads" only goes to lifts last block had, and a
jump cue only says "learn the landing" before the athlete's first jumps (of the season or since
the last recovery block).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from runstrength.domain import (
    Athlete,
    Category,
    Exercise,
    Level,
    Phase,
    PlannedSession,
    Prescribed,
    Week,
)
from runstrength.knowledge import (
    LOADING_PHASES,
    EmphasisPrescription,
    Knowledge,
    LegLoadPrescription,
    PhasePrescription,
    RetestItem,
    SessionKind,
)

# Leg categories whose lifts may turn into their jumping variant in a power week.
_LEG = (Category.POSTERIOR, Category.UNILATERAL)
# The leg work a jump goes in front of.
_LEG_WORK = (Category.POSTERIOR, Category.UNILATERAL, Category.CALF, Category.PLYOMETRIC)


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


def _usable(ex: Exercise, athlete: Athlete, allowed: list[str] | None,
            banned: Collection[str] = (), excluded: Collection[str] = ()) -> bool:
    if allowed is not None and not all(e in allowed for e in ex.equipment):
        return False
    if ex.id in excluded or any(e in banned for e in ex.equipment):
        return False
    return athlete.has_equipment(ex.equipment)


def pool_with_origins(category: Category, athlete: Athlete, k: Knowledge,
                      allowed: list[str] | None, *, banned: Collection[str] = (),
                      excluded: Collection[str] = ()) -> list[tuple[Exercise, Exercise | None]]:
    """Like ``exercise_pool``, each exercise paired with the one it replaces.

    The second item is the catalogue exercise the athlete lacked the equipment for (the start
    of the regression chain), or None when nothing was replaced or only the phase's caps
    (taper, race week: equipment and ``exclude``) or the session's (``banned`` equipment) made
    the swap.
    """
    pool: dict[str, tuple[Exercise, Exercise | None]] = {}
    for origin in k.exercises.values():
        if origin.category is not category:
            continue
        ex: Exercise | None = origin
        lacked = False
        while ex is not None and not _usable(ex, athlete, allowed, banned, excluded):
            lacked = lacked or not athlete.has_equipment(ex.equipment)
            ex = k.exercises.get(ex.regression) if ex.regression else None
        if ex is not None:
            pool.setdefault(ex.id, (ex, origin if lacked and ex is not origin else None))
    return sorted(pool.values(), key=lambda pair: _bare(pair[0]))


def _bare(ex: Exercise) -> bool:
    """True for a bodyweight exercise (no equipment)."""
    return ex.equipment == ["bodyweight"]


def exercise_pool(category: Category, athlete: Athlete, k: Knowledge,
                  allowed: list[str] | None) -> list[Exercise]:
    """Exercises of ``category`` the athlete can do, substituting regressions where needed.

    Exercises that use the athlete's own equipment come first (file order otherwise): someone
    who owns a kettlebell should swing it, not only do bridges.
    """
    return [ex for ex, _ in pool_with_origins(category, athlete, k, allowed)]


def block_selection(pool: list[tuple[Exercise, Exercise | None]], count: int, shift: int,
                    category: Category, k: Knowledge) -> list[tuple[Exercise, Exercise | None]]:
    """The ``count`` exercises of ``pool`` for the block ``shift`` places into the season.

    In a ``loaded_first`` category the owned-equipment part of the pool (its head) rotates on
    its own, and bodyweight exercises (rotating too) only fill up when it is too short: a
    dumbbell owner's posterior chain never turns all-bodyweight in a later block. Otherwise,
    and for a bodyweight-only athlete, the whole pool rotates one place per block.
    """
    count = min(count, len(pool))
    loaded = [pair for pair in pool if not _bare(pair[0])]
    if category not in k.prescription.loaded_first or not loaded:
        return [pool[(shift + i) % len(pool)] for i in range(count)]
    bare = [pair for pair in pool if _bare(pair[0])]
    picks = [loaded[(shift + i) % len(loaded)] for i in range(min(count, len(loaded)))]
    return picks + [bare[(shift + i) % len(bare)] for i in range(count - len(picks))]


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


@dataclass(frozen=True)
class History:
    """What the athlete did before a lift's session, as far as its cue needs to know.

    The defaults (what ``prescribe`` assumes on its own) are an unbroken block: the lift was
    done every earlier week of its block, and last block too; no jumps before.
    """

    since: int = 1            # block week the lift's unbroken run of weeks began (its tier)
    last_week: bool = True    # done the week before, in the same block (any session)
    last_block: bool = True   # done in the previous block
    jumped: bool = False      # any jump in an earlier week since the season start or recovery


def progression_cue(how: str, week: Week, athlete: Athlete, k: Knowledge, *, since: int = 1,
                    jumped: bool = False) -> str:
    """The week's step within its block, e.g. "week 3 of block 2: add 2-5 % ... (+4-10 %)".

    The lift's first week (``since``: week 1 of the block unless it was missing in between)
    sets the working level; after it the cue steps up every ``progression.every_weeks[level]``
    weeks and holds in between (seed 002: every week or two). A jump's first week says "learn
    the landing" only when the athlete has not ``jumped`` before (``cues.again`` otherwise).
    """
    prog = k.prescription.progression
    cues = prog.cues[how]
    n = max(1, week.block_week)
    since = min(max(1, since), n)
    rel = n - since + 1
    every = prog.every_weeks[athlete.level]
    steps = (rel - 1) // every
    low, high = prog.step_percent
    if rel == 1:
        template = cues.again if jumped and cues.again else cues.first
    elif (rel - 1) % every == 0:
        template = cues.step
    else:
        template = cues.hold
    total = (f"about +{_pct(low * steps)}-{_pct(high * steps)} % on week {since}" if steps
             else f"same as week {since}")
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


def _dose(week: Week, k: Knowledge) -> _Dose:
    return _Dose(k.prescription.phases[week.phase], k.prescription.emphasis.get(week.emphasis),
                 loading=week.phase in LOADING_PHASES)


def leg_rule(kind: SessionKind, phase: Phase, category: Category,
             k: Knowledge) -> LegLoadPrescription | None:
    """The ``[leg_loads]`` table capping ``category`` in a session of ``kind`` in ``phase``."""
    rule = k.prescription.leg_loads.get(kind.leg_load)
    if rule is None or phase not in rule.phases or category not in rule.categories:
        return None
    return rule


def _effort(ex: Exercise, how: str, kind: SessionKind, week: Week, dose: _Dose,
            k: Knowledge) -> tuple[str, str, bool]:
    """Reps, effort cue and whether the week-by-week progression cue follows."""
    reps, effort = dose.reps_and_effort(ex, how, k)
    rule = leg_rule(kind, week.phase, ex.category, k)
    if rule is None:
        return reps, effort, True
    return reps, rule.load if how in ("load", "band") else rule.bodyweight_load, rule.progress


def _load_cue(ex: Exercise, how: str, effort: str, progress: bool, dose: _Dose, week: Week,
              athlete: Athlete, k: Knowledge, history: History) -> str:
    pr = k.prescription
    e = dose.emphasis
    if ex.category is Category.MOBILITY:
        return pr.mobility_load
    if week.deload:
        if how != "load":
            return pr.deload_bodyweight
        if history.last_week or not pr.deload_first:
            return pr.deload_load
        return pr.deload_first.format(block=week.block, week=week.block_week)
    if e is not None and e.progress and progress:
        cue = progression_cue(how, week, athlete, k, since=history.since,
                              jumped=history.jumped)
        return f"{effort}; {cue}"
    if e is not None and e.new_load and effort == e.load and not history.last_block:
        return e.new_load.format(block=week.block, week=week.block_week)
    return effort


def item_load(ex: Exercise, kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge,
              history: History = History()) -> str:
    """The load cue of ``ex`` in a session of ``kind`` in ``week``, given the ``history``."""
    how = progress_kind(ex, k)
    dose = _dose(week, k)
    _, effort, progress = _effort(ex, how, kind, week, dose, k)
    return _load_cue(ex, how, effort, progress, dose, week, athlete, k, history)


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
    dose = _dose(week, k)
    testing = retest and retest_applies(kind, week, k)
    shift = max(0, week.block - 1)
    load_gear = k.prescription.progression.load_equipment
    # A deload or re-test week keeps the block's exercises and cuts their sets.
    plain = session_volume(kind, week.model_copy(update={"deload": False}), athlete, k)
    slots: list[tuple[Category, Exercise, Exercise | None, int]] = []
    for cat, total in session_volume(kind, week, athlete, k, retest=testing).items():
        rule = leg_rule(kind, week.phase, cat, k)
        pool = pool_with_origins(cat, athlete, k, phase.equipment, excluded=phase.exclude,
                                 banned=load_gear if rule is not None and rule.unloaded else ())
        if not pool:
            continue
        count = min(len(pool), math.ceil(plain[cat] / dose.sets_per_exercise), total)
        for i, (ex, origin) in enumerate(block_selection(pool, count, shift, cat, k)):
            sets = total // count + (1 if i < total % count else 0)
            slots.append((cat, ex, origin, sets))
    # No jumps for a beginner in the season's first block (seed 004: beginners start form-focused),
    # nor in a session whose leg load may sit before a key run (plyometric.swap_leg_loads).
    first_steps = athlete.level is Level.BEGINNER and week.block <= 1
    if (dose.emphasis is not None and dose.emphasis.fast_variants and not first_steps
            and kind.leg_load in k.prescription.plyometric.swap_leg_loads):
        slots = _swap_in_jumps(slots, athlete, phase.equipment, k)
    slots = _jumps_first(slots)

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
        reps, effort, progress = _effort(ex, how, kind, week, dose, k)
        out.append(Prescribed(
            exercise=ex,
            sets=sets,
            reps=ex.dose or reps,
            load=_load_cue(ex, how, effort, progress, dose, week, athlete, k, History()),
            substitutes=origin.name if origin is not None else None,
        ))
    return out


def _jumps_first(slots: list[tuple[Category, Exercise, Exercise | None, int]]
                 ) -> list[tuple[Category, Exercise, Exercise | None, int]]:
    """Jumps moved in front of the session's other leg work, in their order (README: a jumping
    variant of a leg lift first; seed 002: power drills early, while fresh)."""
    jumps = [slot for slot in slots if slot[1].category is Category.PLYOMETRIC]
    if not jumps:
        return slots
    first = next(i for i, slot in enumerate(slots) if slot[1].category in _LEG_WORK)
    rest = [slot for slot in slots if slot[1].category is not Category.PLYOMETRIC]
    return rest[:first] + jumps + rest[first:]


def _tier(ex: Exercise, kind: SessionKind, phase: Phase, k: Knowledge) -> bool:
    """True when ``ex`` runs at a capped leg load in ``kind`` (a moderate session's leg lift):
    its "last week's load" is the capped one, so it progresses apart from the same lift in a
    heavy session."""
    return leg_rule(kind, phase, ex.category, k) is not None


def progress_season(sessions: list[PlannedSession], weeks: list[Week], athlete: Athlete,
                    k: Knowledge) -> list[PlannedSession]:
    """The season's sessions with load cues that follow what the athlete actually did.

    ``prescribe`` sees one session and assumes an unbroken block. Here, over all the athlete's
    sessions (in any order; the result does not depend on it, and a second pass changes
    nothing):

    - a lift not done in the week before in the same block (a blacked-out week, or a session
      kind that week did not have) gets its ``first`` cue ("set this block's working load") in
      the week it is back, and its later steps count from there; a lift in a moderate-leg
      session counts apart from the same lift in a heavy one (its load is a capped one);
    - a deload week's loaded lift not done the week before (in any session) gets
      ``deload_first`` instead of "at last week's load";
    - an emphasis with ``new_load`` (peak: "keep last block's loads") gives it to a lift the
      previous block did not have;
    - a jump's first week says ``again`` instead of "learn the landing" once the athlete has
      jumped in an earlier week since the season start or the last recovery block.

    Re-test items keep their cues. Sessions of a kind or week not in ``k``/``weeks`` are kept.
    """
    by_index = {w.index: w for w in weeks}
    tests = {item.id for item in k.prescription.retest.items}
    done: dict[int, set[tuple[str, bool]]] = {}  # week -> (exercise id, capped leg load)
    by_block: dict[int, set[str]] = {}
    jump_weeks: set[int] = set()
    for s in sessions:
        kind, week = k.sessions.get(s.kind), by_index.get(s.week)
        if kind is None or week is None:
            continue
        for p in s.exercises:
            if p.exercise.id in tests:
                continue
            done.setdefault(week.index, set()).add((p.exercise.id,
                                                    _tier(p.exercise, kind, week.phase, k)))
            by_block.setdefault(week.block, set()).add(p.exercise.id)
            if p.exercise.category is Category.PLYOMETRIC:
                jump_weeks.add(week.index)
    resets = sorted(w.index for w in weeks if w.phase is Phase.RECOVERY)

    def history(ex: Exercise, kind: SessionKind, week: Week) -> History:
        key = (ex.id, _tier(ex, kind, week.phase, k))
        since, index = week.block_week, week.index
        while ((prev := by_index.get(index - 1)) is not None and prev.block == week.block
               and key in done.get(prev.index, ())):
            since, index = prev.block_week, prev.index
        reset = max((i for i in resets if i < week.index), default=0)
        prev = by_index.get(week.index - 1)
        prev_week = prev.index if prev is not None and prev.block == week.block else None
        return History(
            since=since,
            last_week=prev_week is not None and any(
                (ex.id, capped) in done.get(prev_week, ()) for capped in (False, True)),
            last_block=ex.id in by_block.get(week.block - 1, ()),
            jumped=any(reset < i < week.index for i in jump_weeks),
        )

    out: list[PlannedSession] = []
    for s in sessions:
        kind, week = k.sessions.get(s.kind), by_index.get(s.week)
        if kind is None or week is None:
            out.append(s)
            continue
        items = [
            p if p.exercise.id in tests
            else p.model_copy(update={"load": item_load(p.exercise, kind, week, athlete, k,
                                                        history(p.exercise, kind, week))})
            for p in s.exercises
        ]
        changed = any(a.load != b.load for a, b in zip(items, s.exercises, strict=True))
        out.append(s.model_copy(update={"exercises": items}) if changed else s)
    return out
