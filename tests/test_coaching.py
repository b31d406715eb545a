"""The coaching criteria (runstrength.coaching): each flags a plan that misses it, and the
planner's own plans meet them all (``checked`` runs them on every plan the tests make)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import MONDAY, checked, day, make_athlete, run

from runstrength.domain import Category, LegLoad, Phase
from runstrength.validate import validate


@pytest.fixture(scope="module")
def base_plan():
    """Four base weeks with intervals, tempo and a long run, free every evening."""
    runs = [r for w in range(4) for r in (run(day(1 + 7 * w), "intervals"),
                                          run(day(3 + 7 * w), "tempo"),
                                          run(day(6 + 7 * w), "long", minutes=120))]
    return checked(runs, make_athlete(), end=MONDAY + dt.timedelta(weeks=4, days=-1))


def flagged(plan, k, sessions) -> set[str]:
    return {v.rule for v in validate(plan.model_copy(update={"sessions": sessions}), k)}


def first(plan, kind: str):
    return next(i for i, s in enumerate(plan.sessions) if s.kind == kind)


def edit(plan, i: int, **update):
    out = list(plan.sessions)
    out[i] = out[i].model_copy(update=update)
    return out


def test_the_planners_plan_meets_every_criterion(base_plan, k):
    """The base season itself: no coaching criterion missed (and it has each kind to edit)."""
    assert not [v for v in validate(base_plan, k) if v.rule.startswith("coach:")]
    assert {s.kind for s in base_plan.sessions} >= {"core_mobility"}


def test_structure_wants_warm_up_cool_down_rest_and_true_length(base_plan, k):
    """coach:structure: no warm-up, a line without its rest, or an event longer than its
    content is flagged."""
    i = next(i for i, s in enumerate(base_plan.sessions) if not s.add_on)
    s = base_plan.sessions[i]
    assert "coach:structure" in flagged(base_plan, k, edit(base_plan, i, warmup=[]))
    lines = [s.exercises[0].model_copy(update={"rest": ""}), *s.exercises[1:]]
    if s.exercises[0].sets > 1:
        assert "coach:structure" in flagged(base_plan, k, edit(base_plan, i, exercises=lines))
    longer = s.end + dt.timedelta(minutes=15)
    assert "coach:structure" in flagged(base_plan, k, edit(base_plan, i, end=longer))


def test_patterns_want_what_the_kind_requires(base_plan, k):
    """coach:patterns: a posterior-chain session without its hinge is flagged."""
    strength = [i for i, s in enumerate(base_plan.sessions) if not s.add_on]
    i = strength[0]
    s = base_plan.sessions[i]
    kind = k.sessions[s.kind]
    gone = [p for p in s.exercises if not any(p.exercise.has(r) for r in kind.requires[:1])]
    assert "coach:patterns" in flagged(base_plan, k, edit(base_plan, i, exercises=gone))


def test_calf_wants_calf_work_twice_a_base_week(base_plan, k):
    """coach:calf: a base week whose sessions lose their calf/ankle lines is flagged."""
    week = base_plan.sessions[0].week
    sessions = [s.model_copy(update={"exercises": [p for p in s.exercises
                                                   if "calf-ankle" not in p.exercise.patterns]})
                if s.week == week else s for s in base_plan.sessions]
    assert "coach:calf" in flagged(base_plan, k, sessions)


def test_core_days_want_three_where_a_window_was_free(base_plan, k):
    """coach:core-days: dropping a week's core and mobility blocks, with free evenings left,
    is flagged."""
    week = next(s.week for s in base_plan.sessions if s.add_on)
    sessions = [s for s in base_plan.sessions if not (s.add_on and s.week == week)]
    assert "coach:core-days" in flagged(base_plan, k, sessions)


def test_dose_wants_base_reps_in_range(base_plan, k):
    """coach:dose: a base compound at 3-5 reps is flagged."""
    i, j = next((i, j) for i, s in enumerate(base_plan.sessions)
                for j, p in enumerate(s.exercises) if p.exercise.compound)
    s = base_plan.sessions[i]
    lines = list(s.exercises)
    lines[j] = lines[j].model_copy(update={"reps": "3-5"})
    assert "coach:dose" in flagged(base_plan, k, edit(base_plan, i, exercises=lines))


def test_jumps_want_one_session_a_week_and_slow_growth(base_plan, k):
    """coach:jumps: jumps in a second session of the week, or a week's contacts up by more than
    a fifth, are flagged."""
    jumping = [i for i, s in enumerate(base_plan.sessions)
               if any(p.exercise.category is Category.PLYOMETRIC for p in s.exercises)]
    assert jumping
    i = jumping[0]
    s = base_plan.sessions[i]
    jump = next(p for p in s.exercises if p.exercise.category is Category.PLYOMETRIC)
    other = next(j for j, o in enumerate(base_plan.sessions)
                 if o.week == s.week and j != i and not o.add_on)
    twice = edit(base_plan, other, exercises=[jump, *base_plan.sessions[other].exercises])
    assert "coach:jumps" in flagged(base_plan, k, twice)
    later = [j for j in jumping if base_plan.sessions[j].week == s.week + 1]
    if later:
        j = later[0]
        lines = [p.model_copy(update={"contacts": p.contacts * 3})
                 if p.exercise.category is Category.PLYOMETRIC else p
                 for p in base_plan.sessions[j].exercises]
        assert "coach:jumps" in flagged(base_plan, k, edit(base_plan, j, exercises=lines))
    unstated = [p.model_copy(update={"contacts": 0}) if p is jump else p for p in s.exercises]
    assert "coach:jumps" in flagged(base_plan, k, edit(base_plan, i, exercises=unstated))


def test_no_new_barbell_lift_close_to_an_a_race(k):
    """coach:no-new-lift: a barbell owner's last six weeks before an A marathon hold no barbell
    lift the five weeks before them did not; the planner keeps them out altogether."""
    race = MONDAY + dt.timedelta(weeks=8, days=6)
    athlete = make_athlete(equipment=["gym"], races=[{"date": str(race), "distance": "marathon",
                                                     "priority": "A"}])
    result = checked([], athlete, end=race)
    window = [s for s in result.sessions if race - dt.timedelta(weeks=6) <= s.day <= race]
    assert window and not [p for s in window for p in s.exercises
                           if "barbell" in p.exercise.equipment]
    deadlift = k.exercises["deadlift"]
    i = next(i for i, s in enumerate(result.sessions) if s in window and not s.add_on)
    s = result.sessions[i]
    lines = [s.exercises[0].model_copy(update={"exercise": deadlift}), *s.exercises[1:]]
    assert "coach:no-new-lift" in flagged(result, k, edit(result, i, exercises=lines))


def test_a_session_that_says_mobility_holds_mobility(base_plan, k):
    """coach:return: a session whose cue speaks of mobility must hold mobility work."""
    i = next(i for i, s in enumerate(base_plan.sessions) if not s.add_on)
    s = base_plan.sessions[i]
    lines = [p.model_copy(update={"effort": "light; mobility", "load": "light; mobility"})
             for p in s.exercises if p.exercise.category is not Category.MOBILITY]
    assert "coach:return" in flagged(base_plan, k, edit(base_plan, i, exercises=lines))


def test_cues_fit_the_exercise(base_plan, k):
    """coach:cues: a speed cue on a plank or Pallof press, or "new to this block" on a lift
    done earlier in the block, is flagged."""
    i, j = next((i, j) for i, s in enumerate(base_plan.sessions)
                for j, p in enumerate(s.exercises) if p.exercise.category is Category.CORE)
    s = base_plan.sessions[i]
    lines = list(s.exercises)
    lines[j] = lines[j].model_copy(update={"load": "crisp and fast"})
    assert "coach:cues" in flagged(base_plan, k, edit(base_plan, i, exercises=lines))
    by_week = {}
    for n, o in enumerate(base_plan.sessions):
        for p in o.exercises:
            by_week.setdefault(p.exercise.id, []).append((o.week, n))
    lift, seen = next((e, w) for e, w in by_week.items() if len({x for x, _ in w}) > 1)
    n = max(seen)[1]
    o = base_plan.sessions[n]
    lines = [p.model_copy(update={"load": "week 2 of block 1: a lift new to this block"})
             if p.exercise.id == lift else p for p in o.exercises]
    assert "coach:cues" in flagged(base_plan, k, edit(base_plan, n, exercises=lines))


def test_return_weeks_hold_no_jumps_and_light_first_days(k):
    """After an A half the planner's sessions: nothing loaded for three days, no jumps for
    seven; the validator agrees (a hard rule, return-after-race)."""
    race = day(6) + dt.timedelta(weeks=6)
    athlete = make_athlete(races=[{"date": str(race), "distance": "half", "priority": "A"}])
    result = checked([], athlete, end=race + dt.timedelta(weeks=3))
    after = [s for s in result.sessions if 1 <= (s.day - race).days <= 7]
    assert not [p for s in after for p in s.exercises if p.exercise.category is
                Category.PLYOMETRIC]
    assert all(s.leg_load in (LegLoad.LIGHT, LegLoad.NONE) for s in after
               if (s.day - race).days <= 3)
    assert any(w.phase is Phase.RECOVERY for w in result.weeks)
