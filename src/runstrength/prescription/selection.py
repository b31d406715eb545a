"""Which exercises a session holds: pools by equipment, rotation by block, movement patterns.

Each category's pool is what the athlete can do (an exercise they lack the gear for is replaced
by its regression). The pool rotates one place per block, so a block repeats its lifts and the
load can progress; in ``loaded_first`` categories the athlete's own equipment comes first. A
session kind's ``requires`` (models/sessions.toml) is met first, each requirement by the
block's first exercise that holds it, then each category fills up in rotation order, skipping
a second exercise of a ``no_repeat`` pattern.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from runstrength.domain import Athlete, Category, Exercise
from runstrength.knowledge import Knowledge, SessionKind

# Leg categories whose lifts may turn into their jumping variant in a power week.
LEG = (Category.POSTERIOR, Category.UNILATERAL)
# The leg work a jump goes in front of.
LEG_WORK = (Category.POSTERIOR, Category.UNILATERAL, Category.CALF, Category.PLYOMETRIC)

Pair = tuple[Exercise, Exercise | None]  # an exercise and the catalogue one it replaces


@dataclass(frozen=True)
class Slot:
    """One main-block exercise before its dose: its category, what it replaces, its sets."""

    category: Category
    exercise: Exercise
    origin: Exercise | None
    sets: int


def usable(ex: Exercise, athlete: Athlete, allowed: Collection[str] | None,
           banned: Collection[str] = (), excluded: Collection[str] = ()) -> bool:
    if allowed is not None and not all(e in allowed for e in ex.equipment):
        return False
    if ex.id in excluded or any(e in banned for e in ex.equipment):
        return False
    return athlete.has_equipment(ex.equipment)


def bare(ex: Exercise) -> bool:
    """True for a bodyweight exercise (no equipment)."""
    return ex.equipment == ["bodyweight"]


def pool_with_origins(category: Category, athlete: Athlete, k: Knowledge,
                      allowed: Collection[str] | None, *, banned: Collection[str] = (),
                      excluded: Collection[str] = ()) -> list[Pair]:
    """Exercises of ``category`` the athlete can do, each paired with the one it replaces.

    The second item is the catalogue exercise the athlete lacked the equipment for (the start
    of the regression chain), or None when nothing was replaced or only the phase's caps
    (taper, race week: equipment and ``exclude``) or the session's (``banned`` equipment) made
    the swap. Exercises that use equipment come before bodyweight ones, file order otherwise.
    """
    key = ("pool", category, tuple(sorted(e.lower() for e in athlete.equipment)),
           None if allowed is None else tuple(allowed), tuple(banned), tuple(excluded))
    if key not in k.memo:
        k.memo[key] = _pool(category, athlete, k, allowed, banned, excluded)
    return list(k.memo[key])


def _pool(category: Category, athlete: Athlete, k: Knowledge, allowed: Collection[str] | None,
          banned: Collection[str], excluded: Collection[str]) -> list[Pair]:
    pool: dict[str, Pair] = {}
    for origin in k.exercises.values():
        if origin.category is not category:
            continue
        ex: Exercise | None = origin
        lacked = False
        while ex is not None and not usable(ex, athlete, allowed, banned, excluded):
            lacked = lacked or not athlete.has_equipment(ex.equipment)
            ex = k.exercises.get(ex.regression) if ex.regression else None
        if ex is not None:
            pool.setdefault(ex.id, (ex, origin if lacked and ex is not origin else None))
    return sorted(pool.values(), key=lambda pair: bare(pair[0]))


def exercise_pool(category: Category, athlete: Athlete, k: Knowledge,
                  allowed: Collection[str] | None) -> list[Exercise]:
    """The exercises of ``pool_with_origins`` alone."""
    return [ex for ex, _ in pool_with_origins(category, athlete, k, allowed)]


def _rotate(items: list, shift: int) -> list:
    if not items:
        return []
    shift %= len(items)
    return items[shift:] + items[:shift]


def ranking(pool: list[Pair], shift: int, category: Category, k: Knowledge) -> list[Pair]:
    """The whole pool in the order block ``shift`` prefers it.

    In a ``loaded_first`` category the owned-equipment part of the pool rotates on its own and
    comes first, bodyweight exercises (rotating too) after it: a dumbbell owner's posterior
    chain never turns all-bodyweight in a later block. Otherwise the whole pool rotates.
    """
    loaded = [pair for pair in pool if not bare(pair[0])]
    if category not in k.prescription.loaded_first or not loaded:
        return _rotate(pool, shift)
    return _rotate(loaded, shift) + _rotate([p for p in pool if bare(p[0])], shift)


def block_selection(pool: list[Pair], count: int, shift: int, category: Category,
                    k: Knowledge) -> list[Pair]:
    """The first ``count`` exercises of ``ranking``."""
    return ranking(pool, shift, category, k)[:count]


def meets(exercises: list[Exercise], requirement: str) -> bool:
    return any(ex.has(requirement) for ex in exercises)


def choose(kind: SessionKind, counts: dict[Category, int],
           rankings: dict[Category, list[Pair]]) -> list[tuple[Category, Pair]]:
    """Up to ``counts[category]`` exercises per category, meeting ``kind.requires`` first.

    Each unmet requirement takes the first exercise (in rotation order) that holds it from the
    first category, in the kind's order, with room; then each category fills up in rotation
    order. No two exercises share a ``kind.no_repeat`` pattern; a category that cannot fill up
    without one gets fewer exercises (and more sets each).
    """
    picked: dict[Category, list[Pair]] = {cat: [] for cat in counts}
    taken: set[str] = set()
    held: set[str] = set()  # the no_repeat patterns already in the session

    def fits(ex: Exercise, cat: Category) -> bool:
        if ex.id in taken or len(picked[cat]) >= counts[cat]:
            return False
        return not any(p in held for p in ex.patterns)

    def take(cat: Category, pair: Pair) -> None:
        picked[cat].append(pair)
        taken.add(pair[0].id)
        held.update(p for p in pair[0].patterns if p in kind.no_repeat)

    for req in kind.requires:
        if any(e.has(req) for pairs in picked.values() for e, _ in pairs):
            continue
        for cat in counts:
            pair = next((p for p in rankings.get(cat, []) if p[0].has(req) and fits(p[0], cat)),
                        None)
            if pair is not None:
                take(cat, pair)
                break
    for cat in counts:
        for pair in rankings.get(cat, []):
            if len(picked[cat]) >= counts[cat]:
                break
            if fits(pair[0], cat):
                take(cat, pair)
    out: list[tuple[Category, Pair]] = []
    for cat, pairs in picked.items():
        order = {p[0].id: i for i, p in enumerate(rankings.get(cat, []))}
        out += [(cat, p) for p in sorted(pairs, key=lambda p: order[p[0].id])]
    return out


def chain(ex: Exercise, k: Knowledge) -> list[str]:
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
        if ex.category not in LEG:
            continue
        variant = next((v for v in plyos if v.regression in chain(ex, k)), None)
        if variant is not None:
            out[ex.id] = variant
    return out


def category_jumps(category: Category, k: Knowledge) -> list[Exercise]:
    """Plyometrics that are the jumping form of a ``category`` movement, in file order: those
    whose regression is an exercise of that category (jump squat for posterior, skater and
    jump lunge for unilateral)."""
    return [
        v for v in k.exercises.values()
        if v.category is Category.PLYOMETRIC and v.regression
        and (base := k.exercises.get(v.regression)) is not None and base.category is category
    ]


def swap_in_jumps(slots: list[Slot], kind: SessionKind, athlete: Athlete,
                  allowed: Collection[str] | None, k: Knowledge) -> list[Slot]:
    """Power weeks: one leg lift becomes its jumping variant, moved to the front of its
    category (jumps go first, while fresh).

    First choice is the last lift with a jumping variant in a leg category with 2+ lifts, else
    any leg lift (its own variant, else a jump of its category the athlete can do). A lift is
    never swapped when the session would lose a pattern ``kind.requires`` asks for.
    """
    variants = jump_variants(k)
    taken = {s.exercise.id for s in slots}
    out = list(slots)

    def positions(cat: Category) -> list[int]:
        return [i for i, s in enumerate(out) if s.category is cat]

    def fits(jump: Exercise) -> bool:
        return jump.id not in taken and usable(jump, athlete, allowed)

    def spare(i: int) -> bool:
        rest = [s.exercise for j, s in enumerate(out) if j != i]
        return all(meets(rest, req) for req in kind.requires
                   if meets([s.exercise for s in out], req))

    def swap(i: int, jump: Exercise) -> list[Slot]:
        slot = out[i]
        front = positions(slot.category)[0]
        del out[i]
        out.insert(front, Slot(slot.category, jump, None, slot.sets))
        return out

    for several in (True, False):
        lifts = [i for cat in LEG if (len(positions(cat)) >= 2) == several
                 for i in reversed(positions(cat)) if spare(i)]
        for i in lifts:
            jump = variants.get(out[i].exercise.id)
            if jump is not None and fits(jump):
                return swap(i, jump)
        for i in lifts:
            jump = next((j for j in category_jumps(out[i].category, k) if fits(j)), None)
            if jump is not None:
                return swap(i, jump)
    return out


def jumps_first(slots: list[Slot]) -> list[Slot]:
    """Jumps moved in front of the session's other leg work, in their order (seed 002: power
    drills early in a session, while fresh)."""
    jumps = [s for s in slots if s.exercise.category is Category.PLYOMETRIC]
    if not jumps:
        return slots
    first = next(i for i, s in enumerate(slots) if s.exercise.category in LEG_WORK)
    rest = [s for s in slots if s.exercise.category is not Category.PLYOMETRIC]
    return rest[:first] + jumps + rest[first:]
