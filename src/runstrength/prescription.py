"""Exercises, sets x reps and a load cue for each session, filtered by the athlete's equipment."""

from __future__ import annotations

import math

from runstrength.domain import Athlete, Category, Exercise, Prescribed, Week
from runstrength.knowledge import Knowledge, SessionKind


def session_minutes(kind: SessionKind, athlete: Athlete) -> int:
    return min(kind.minutes, athlete.session_minutes)


def session_volume(kind: SessionKind, week: Week, athlete: Athlete,
                   k: Knowledge) -> dict[Category, int]:
    """Working sets per category of ``kind`` in ``week``, scaled to the time and deload."""
    scale = session_minutes(kind, athlete) / kind.minutes
    if week.deload:
        scale *= k.periodization.deload_volume
    return {
        cat: max(1, round(n * scale))
        for cat, n in kind.sets.get(week.phase, {}).items()
        if n > 0
    }


def _usable(ex: Exercise, athlete: Athlete, allowed: list[str] | None) -> bool:
    if allowed is not None and not all(e in allowed for e in ex.equipment):
        return False
    return athlete.has_equipment(ex.equipment)


def exercise_pool(category: Category, athlete: Athlete, k: Knowledge,
                  allowed: list[str] | None) -> list[Exercise]:
    """Exercises of ``category`` the athlete can do, substituting regressions where needed.

    Exercises that use the athlete's own equipment come first (file order otherwise): someone
    who owns a kettlebell should swing it, not only do bridges.
    """
    pool: dict[str, Exercise] = {}
    for ex in k.exercises.values():
        if ex.category is not category:
            continue
        while ex is not None and not _usable(ex, athlete, allowed):
            ex = k.exercises.get(ex.regression) if ex.regression else None
        if ex is not None:
            pool.setdefault(ex.id, ex)
    return sorted(pool.values(), key=lambda ex: ex.equipment == ["bodyweight"])


def prescribe(kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge, *,
              retest: bool = False) -> list[Prescribed]:
    """The exercise list of one session of ``kind`` in ``week``.

    Each category's working sets are split into exercises of the phase's sets per exercise;
    the exercises rotate once per block (deload cycle) so a block repeats the same lifts and
    the load can progress.
    """
    phase = k.prescription.phases[week.phase]
    load = k.prescription.deload_load if week.deload else phase.load
    block = (week.index - 1) // k.periodization.deload_every
    out: list[Prescribed] = []
    for cat, total in session_volume(kind, week, athlete, k).items():
        pool = exercise_pool(cat, athlete, k, phase.equipment)
        if not pool:
            continue
        count = min(len(pool), math.ceil(total / phase.sets_per_exercise))
        for i in range(count):
            sets = total // count + (1 if i < total % count else 0)
            ex = pool[(block + i) % len(pool)]
            out.append(Prescribed(exercise=ex, sets=sets, reps=ex.dose or phase.reps, load=load))
    return out
