"""Prescriptions: sets per category, equipment filters, doses and deload."""

from __future__ import annotations

import datetime as dt

from conftest import make_athlete

from runstrength.domain import Category, Phase, Week


def week(phase: Phase = Phase.BASE, deload: bool = False, index: int = 1) -> Week:
    return Week(index=index, monday=dt.date(2027, 3, 1), phase=phase, deload=deload)


def test_sets_match_the_session_volume(k):
    """The exercises' sets add up to the session's working sets in each category."""
    from runstrength.prescription import prescribe, session_volume

    athlete = make_athlete(session_minutes=60)
    for kind in k.sessions.values():
        for phase in kind.sets:
            w = week(phase)
            volume = session_volume(kind, w, athlete, k)
            got: dict[Category, int] = {}
            for p in prescribe(kind, w, athlete, k):
                got[p.exercise.category] = got.get(p.exercise.category, 0) + p.sets
            assert got == volume, (kind.id, phase)


def test_equipment_is_respected_and_used(k):
    """Only equipment the athlete has is prescribed, and owned equipment comes first."""
    from runstrength.prescription import exercise_pool

    bodyweight = make_athlete(equipment=[])
    kettlebell = make_athlete(equipment=["kettlebell"])
    for cat in Category:
        assert all(e.equipment == ["bodyweight"] for e in exercise_pool(cat, bodyweight, k, None))
    pool = exercise_pool(Category.POSTERIOR, kettlebell, k, None)
    assert "kettlebell" in pool[0].equipment
    assert all(set(e.equipment) <= {"bodyweight", "kettlebell"} for e in pool)


def test_taper_is_bodyweight_or_bands(k):
    """In the taper only bodyweight and band exercises are prescribed (seed 004)."""
    from runstrength.prescription import prescribe

    athlete = make_athlete(equipment=["gym"])
    kind = k.sessions["full_body_maintenance"]
    for p in prescribe(kind, week(Phase.TAPER), athlete, k):
        assert set(p.exercise.equipment) <= {"bodyweight", "bands", "mini_bands", "mat"}


def test_deload_cuts_sets_and_changes_the_cue(k):
    """A deload week prescribes fewer sets with the deload load cue."""
    from runstrength.prescription import prescribe

    athlete = make_athlete()
    kind = k.sessions["unilateral_strength"]
    full = prescribe(kind, week(), athlete, k)
    light = prescribe(kind, week(deload=True), athlete, k)
    assert sum(p.sets for p in light) < sum(p.sets for p in full)
    assert {p.load for p in light} == {k.prescription.deload_load}


def test_holds_use_their_dose(k):
    """A plank is prescribed as a hold, not as reps."""
    from runstrength.prescription import prescribe

    kind = k.sessions["core_stability"]
    athlete = make_athlete(equipment=[])
    lines = [p for p in prescribe(kind, week(), athlete, k) if p.exercise.id == "front_plank"]
    assert lines and lines[0].reps.endswith("hold")
