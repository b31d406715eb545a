"""Prescriptions: sets per category, equipment filters, doses, deload, emphasis, progression,
re-test and substitutions."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import MONDAY, checked, make_athlete, run

from runstrength.domain import Category, LegLoad, Phase, Week
from runstrength.periodization import periodize


def week(phase: Phase = Phase.BASE, deload: bool = False, index: int = 1, **fields) -> Week:
    return Week(index=index, monday=dt.date(2027, 3, 1), phase=phase, deload=deload, **fields)


def test_sets_match_the_session_volume(k):
    """The exercises' sets add up to the session's volume in each category, and never exceed
    the kind's working sets (time trims them, never adds)."""
    from runstrength.prescription import session_content, session_volume

    athlete = make_athlete(session_minutes=60)
    for kind in k.sessions.values():
        for phase in kind.sets:
            w = week(phase)
            planned = session_volume(kind, w, athlete, k)
            content = session_content(kind, w, athlete, k)
            got: dict[Category, int] = {}
            for p in content.main:
                got[p.exercise.category] = got.get(p.exercise.category, 0) + p.sets
            assert got == content.volume, (kind.id, phase)
            assert all(n <= planned[c] for c, n in got.items()), (kind.id, phase)


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
    """A deload week prescribes fewer sets (deload_volume) with the deload cues."""
    from runstrength.prescription import prescribe, session_volume

    athlete = make_athlete()
    kind = k.sessions["unilateral_strength"]
    full = prescribe(kind, week(), athlete, k)
    light = prescribe(kind, week(deload=True), athlete, k)
    assert sum(p.sets for p in light) < sum(p.sets for p in full)
    share = k.periodization.deload_volume
    for cat, n in session_volume(kind, week(), athlete, k).items():
        assert session_volume(kind, week(deload=True), athlete, k)[cat] == max(1, round(n * share))
    assert {p.load for p in light} <= {k.prescription.deload_load, k.prescription.deload_bodyweight}
    loaded = [p for p in light if "dumbbells" in p.exercise.equipment]
    assert loaded and all(p.load == k.prescription.deload_load for p in loaded)
    # The set cut carries the deload; the load stays at last week's (not also cut to ~60 %).
    assert "fewer sets" in k.prescription.deload_load
    assert "last week's load" in k.prescription.deload_load
    assert "%" not in k.prescription.deload_load and "lighter" not in k.prescription.deload_load


def test_holds_use_their_dose(k):
    """A plank is prescribed as a hold, not as reps."""
    from runstrength.prescription import prescribe

    kind = k.sessions["core_stability"]
    athlete = make_athlete(equipment=[])
    lines = [p for p in prescribe(kind, week(), athlete, k)
             if p.exercise.dose and "hold" in p.exercise.dose]
    assert lines and all(p.reps.endswith("hold") for p in lines)


# ---------------------------------------------------------------- emphasis and progression

RACE = dt.date(2027, 4, 25)  # a Sunday
MARATHON = {"date": str(RACE), "distance": "marathon", "priority": "A"}


def season(k, athlete=None, weeks_before=16, weeks_after=3):
    athlete = athlete or make_athlete(races=[MARATHON])
    return periodize(
        athlete, RACE - dt.timedelta(weeks=weeks_before), RACE + dt.timedelta(weeks=weeks_after), k
    )


def loaded(prescribed):
    """The lines of exercises that progress by load (dumbbells and the like)."""
    return [
        p
        for p in prescribed
        if "dumbbells" in p.exercise.equipment
        and p.exercise.category in (Category.POSTERIOR, Category.UNILATERAL)
    ]


def test_reps_follow_the_emphasis(k):
    """Strength-endurance 10-12 reps, strength 6-8, power 4-6 plus a jump (seeds 002/004)."""
    from runstrength.prescription import prescribe

    athlete = make_athlete(races=[MARATHON])
    weeks = season(k, athlete)
    kind = k.sessions["unilateral_strength"]
    first = {}
    for w in weeks:
        first.setdefault(w.emphasis, w)
    reps = {
        e: {p.reps for p in loaded(prescribe(kind, first[e], athlete, k)) if p.exercise.compound}
        for e in ("strength-endurance", "strength", "power")
    }
    assert reps == {"strength-endurance": {"8-10"}, "strength": {"6-8"}, "power": {"6-8"}}
    power = prescribe(kind, first["power"], athlete, k)
    jumps = [p for p in power if p.exercise.category is Category.PLYOMETRIC]
    assert len(jumps) == 1 and jumps[0].reps.isdigit() and jumps[0].contacts > 0
    # The jump replaces one leg lift and opens the leg work.
    legs = [p for p in power if p.exercise.category in (Category.UNILATERAL, Category.POSTERIOR,
                                                        Category.CALF, Category.PLYOMETRIC)]
    assert legs[0] is jumps[0]
    assert "fast" in loaded(power)[0].load


def test_emphasis_sets_still_add_up(k):
    """Whatever the emphasis, a session's exercises carry all its working sets."""
    from runstrength.prescription import session_content

    athlete = make_athlete(races=[MARATHON], session_minutes=60)
    for w in season(k, athlete):
        for kind in k.sessions.values():
            if w.phase not in kind.sets:
                continue
            content = session_content(kind, w, athlete, k)
            assert sum(p.sets for p in content.main) == sum(content.volume.values()), (kind.id, w)


def test_load_cue_steps_up_within_a_block(k):
    """Week 1 sets the load; each later week names its +2-5 % step and the total on week 1."""
    from runstrength.prescription import prescribe

    athlete = make_athlete(races=[MARATHON])
    block = [w for w in season(k, athlete) if w.block == 1]
    assert [w.block_week for w in block] == [1, 2, 3, 4] and block[-1].deload
    kind = k.sessions["posterior_chain"]
    cues = [loaded(prescribe(kind, w, athlete, k))[0].load for w in block]
    assert len(set(cues)) == 4
    assert "week 1 of block 1" in cues[0] and "%" not in cues[0]
    assert "week 2 of block 1: add 2-5 %" in cues[1] and "about +2-5 % on week 1" in cues[1]
    assert "week 3 of block 1: add 2-5 %" in cues[2] and "about +4-10 % on week 1" in cues[2]
    assert cues[3] == k.prescription.deload_load
    # The same lifts all block long, the deload week included, so the load can progress.
    # (the deload week's fewer sets leave room for an accessory the loading weeks' time cut)
    names = [[p.exercise.id for p in prescribe(kind, w, athlete, k)] for w in block]
    assert all(n == names[0] for n in names[:3]) and set(names[0]) <= set(names[3])


def test_beginners_step_every_second_week(k):
    """A beginner holds week 1's load in week 2 and adds 2-5 % in week 3 (project default)."""
    from runstrength.prescription import prescribe

    athlete = make_athlete(level="beginner", races=[MARATHON])
    block = [w for w in season(k, athlete) if w.block == 1]
    kind = k.sessions["full_body_maintenance"]  # a beginner's first block holds no heavy kind
    cues = [loaded(prescribe(kind, w, athlete, k))[0].load for w in block[:3]]
    assert "same as week 1" in cues[1] and "keep last week's load" in cues[1]
    assert "add 2-5 %" in cues[2] and "about +2-5 % on week 1" in cues[2]
    assert len(set(cues)) == 3


def test_bodyweight_exercises_progress_without_load(k):
    """Bodyweight lifts progress by reps or variation, holds by time; none names a % load."""
    from runstrength.prescription import leg_rule, prescribe

    athlete = make_athlete(equipment=[], races=[MARATHON])
    w2 = next(w for w in season(k, athlete) if w.block == 1 and w.block_week == 2)
    for kind in ("unilateral_strength", "core_stability"):
        for p in prescribe(k.sessions[kind], w2, athlete, k):
            assert "%" not in p.load, p.line()
            if leg_rule(k.sessions[kind], w2.phase, p.exercise.category, k) is not None:
                continue  # a light session's calf raises: activation, not progressed
            assert "week 2 of block 1" in p.load
            if p.exercise.dose and "hold" in p.exercise.dose:
                assert "longer" in p.load
            else:
                assert "reps" in p.load and "no load" in p.load


def test_non_loading_phases_keep_their_caps_and_do_not_progress(k):
    """Taper and race week: bodyweight or bands, no progression step, no jump swaps."""
    from runstrength.prescription import prescribe

    athlete = make_athlete(equipment=["gym"], races=[MARATHON])
    for w in season(k, athlete):
        if w.phase not in (Phase.TAPER, Phase.RACE_WEEK, Phase.RECOVERY, Phase.PEAK):
            continue
        for kind in k.sessions.values():
            if w.phase not in kind.sets:
                continue
            for p in prescribe(kind, w, athlete, k, retest=True):
                assert "of block" not in p.load and not p.exercise.id.startswith("retest")
                if w.phase in (Phase.TAPER, Phase.RACE_WEEK):
                    assert set(p.exercise.equipment) <= {"bodyweight", "bands", "mini_bands", "mat"}


# ---------------------------------------------------------------- re-test


def test_retest_session_opens_with_the_tests_and_fits(k):
    """In a re-test week a heavy session opens with the re-test items (seed 002) and its
    working sets shrink so the whole still fits the session."""
    from runstrength.prescription import prescribe, retest_items, session_volume

    athlete = make_athlete()
    kind = k.sessions["unilateral_strength"]
    # A block cut by the phase change: a full-volume week that re-tests.
    w = week(Phase.BUILD, block=3, block_week=3, block_end=True, emphasis="power")
    plain = prescribe(kind, w, athlete, k)
    tested = prescribe(kind, w, athlete, k, retest=True)
    items = retest_items(kind, athlete, k)
    ids = [item.id for item in k.prescription.retest.items]
    assert [p.exercise.id for p in tested[: len(items)]] == ids
    # "record and compare" once, on the first test
    assert [k.prescription.retest.record in p.load for p in tested[: len(items)]] == [
        True] + [False] * (len(items) - 1)
    assert "compare" in k.prescription.retest.record
    assert sum(p.sets for p in tested[len(items) :]) < sum(p.sets for p in plain)
    minutes = min(kind.minutes, athlete.session_minutes)
    per_set = kind.minutes / sum(kind.sets[Phase.BUILD].values())
    used = sum(item.minutes for item in items)
    work = sum(session_volume(kind, w, athlete, k, retest=True).values()) * per_set
    assert used <= minutes * k.prescription.retest.max_share
    assert used + work <= minutes + per_set  # rounding may add at most one set
    names = {"jump", "balance", "acceleration"}
    assert all(any(n in p.exercise.name for p in tested) for n in names)
    single_leg = next(p for p in tested if "balance" in p.exercise.name)
    assert single_leg.line(with_load=False) == "Re-test: single-leg balance hold: 1 x max per side"


def test_no_retest_outside_retest_weeks_or_in_light_sessions(k):
    """retest=True does nothing in a week that is not a re-test week, in taper or race week,
    or in a session too light for all-out jumps and sprints."""
    from runstrength.prescription import prescribe, retest_applies

    athlete = make_athlete()
    heavy, light = k.sessions["unilateral_strength"], k.sessions["core_stability"]
    for w in (week(), week(Phase.TAPER, block_end=True), week(Phase.RACE_WEEK, block_end=True)):
        assert not retest_applies(heavy, w, k)
        assert prescribe(heavy, w, athlete, k, retest=True) == prescribe(heavy, w, athlete, k)
    w = week(block_end=True, block_week=4, deload=True)
    assert retest_applies(heavy, w, k) and not retest_applies(light, w, k)
    assert not any(
        p.exercise.id.startswith("retest") for p in prescribe(light, w, athlete, k, retest=True)
    )


def test_short_sessions_drop_tests_that_do_not_fit(k):
    """A 20-minute session keeps only the tests that fit in half of it."""
    from runstrength.prescription import retest_items

    athlete = make_athlete(session_minutes=20)
    items = retest_items(k.sessions["unilateral_strength"], athlete, k)
    assert sum(i.minutes for i in items) <= 10
    assert 0 < len(items) < len(k.prescription.retest.items)


# ---------------------------------------------------------------- substitutions


def test_substitution_is_recorded(k):
    """Without dumbbells the Romanian deadlift becomes the hip hinge, and says so."""
    from runstrength.prescription import pool_with_origins, prescribe

    bodyweight = make_athlete(equipment=[])
    pairs = dict(
        (ex.id, origin) for ex, origin in pool_with_origins(Category.POSTERIOR, bodyweight, k, None)
    )
    assert pairs["hip_hinge"] is not None and pairs["hip_hinge"].id == "romanian_deadlift"
    assert pairs["glute_bridge"] is None  # a bodyweight exercise in its own right
    kind = k.sessions["posterior_chain"]
    lines = {p.exercise.id: p for p in prescribe(kind, week(), bodyweight, k)}
    assert lines["hip_hinge"].substitutes == k.exercises["romanian_deadlift"].name
    # With the dumbbells nothing is substituted; a taper's equipment cap is not a substitution.
    owner = make_athlete(equipment=["dumbbells"])
    assert all(
        p.substitutes is None
        for p in prescribe(kind, week(), owner, k)
        if p.exercise.equipment == ["dumbbells"]
    )
    gym = make_athlete(equipment=["gym"])
    taper = k.sessions["full_body_maintenance"]
    assert all(p.substitutes is None for p in prescribe(taper, week(Phase.TAPER), gym, k))


# ---------------------------------------------------------------- through the solver


def _weekly_runs(first: dt.date, last: dt.date):
    out, monday = [], first
    while monday <= last:
        out += [
            run(monday + dt.timedelta(days=1), "intervals"),
            run(monday + dt.timedelta(days=3), "easy"),
            run(monday + dt.timedelta(days=6), "long", "09:00", 120),
        ]
        monday += dt.timedelta(days=7)
    return out


def test_a_marathon_season_progresses_and_retests(k):
    """A planned 16-week marathon season passes the validator; consecutive loading weeks of a
    block carry different cues; re-test sessions open with the tests; none in taper or race
    week; the calendar text shows the emphasis and the re-test."""
    from runstrength.exporters.ics import session_description
    from runstrength.prescription import retest_applies

    athlete = make_athlete(races=[MARATHON])
    start = RACE - dt.timedelta(days=RACE.weekday()) - dt.timedelta(weeks=16)
    end = RACE + dt.timedelta(weeks=2)
    result = checked(_weekly_runs(start, end), athlete, start=start, end=end)
    by_week = {w.index: w for w in result.weeks}
    for s in result.sessions:
        assert s.emphasis == by_week[s.week].emphasis
    # Two consecutive loading weeks of one block: the same lift, a different cue.
    cues: dict[int, dict[str, str]] = {}
    for s in result.sessions:
        for p in s.exercises:
            if "dumbbells" in p.exercise.equipment and not s.deload:
                cues.setdefault(s.week, {})[p.exercise.id] = p.load
    pairs = [
        (a, b)
        for a in by_week.values()
        for b in by_week.values()
        if b.index == a.index + 1
        and a.block == b.block
        and not b.deload
        and b.phase in (Phase.BASE, Phase.BUILD)
        and a.index in cues
        and b.index in cues
    ]
    assert pairs
    for a, b in pairs:
        shared = set(cues[a.index]) & set(cues[b.index])
        assert shared, (a.index, b.index)
        assert all(cues[a.index][x] != cues[b.index][x] for x in shared)
    # Re-tests: every flagged session is of a kind that re-tests and opens with the tests;
    # a block-end week with such a session gets exactly one.
    tested = [s for s in result.sessions if s.retest]
    assert tested
    assert all(retest_applies(k.sessions[s.kind], by_week[s.week], k) for s in tested)
    for w in by_week.values():
        able = [s for s in result.sessions
                if s.week == w.index and retest_applies(k.sessions[s.kind], w, k)]
        assert sum(s.retest for s in able) == (1 if able else 0)
    for s in tested:
        assert s.exercises[0].exercise.id.startswith("retest")
        text = session_description(s)
        assert "Re-test" in text and f"Emphasis: {s.emphasis}" in text
    for s in result.sessions:
        has_tests = any(p.exercise.id.startswith("retest") for p in s.exercises)
        if s.phase in (Phase.TAPER, Phase.RACE_WEEK, Phase.PEAK, Phase.RECOVERY):
            assert not has_tests and not s.retest
        if has_tests:
            assert s.retest and by_week[s.week].block_end
    emphases = [s.emphasis for s in result.sessions if s.phase in (Phase.BASE, Phase.BUILD)]
    assert list(dict.fromkeys(emphases)) == ["strength-endurance", "strength", "power"]


def _jumps(session):
    """The session's jumping exercises, re-test items aside."""
    return [p for p in session.exercises if p.exercise.category is Category.PLYOMETRIC
            and not p.exercise.id.startswith("retest")]


def _has_leg_lifts(session, k):
    sets = k.sessions[session.kind].sets.get(session.phase, {})
    return any(sets.get(c, 0) for c in (Category.POSTERIOR, Category.UNILATERAL))


def test_jumps_once_a_week_in_heavy_sessions_only(k):
    """Seed 004: explosive work once a week. Every base, build and peak week with a heavy-leg
    session has exactly one session with jumps (a heavy one, its contacts stated); moderate
    and lighter sessions never jump (they may sit before key runs); taper and race week never
    jump; a beginner's first block never does."""
    from runstrength.prescription import prescribe

    athlete = make_athlete(races=[MARATHON])  # dumbbells and bands
    start = RACE - dt.timedelta(days=RACE.weekday()) - dt.timedelta(weeks=16)
    end = RACE + dt.timedelta(weeks=2)
    result = checked(_weekly_runs(start, end), athlete, start=start, end=end)
    for w in result.weeks:
        here = [s for s in result.sessions if s.week == w.index]
        jumping = [s for s in here if _jumps(s) and not s.retest]
        assert len(jumping) <= 1, w.index
        assert all(s.leg_load is LegLoad.HEAVY for s in jumping)
        assert all(p.contacts > 0 for s in jumping for p in _jumps(s))
        heavy = [s for s in here if s.leg_load is LegLoad.HEAVY and not s.retest]
        if w.phase in (Phase.BASE, Phase.BUILD, Phase.PEAK) and heavy and not any(
                s.retest for s in here):
            assert jumping, w.index
        if w.phase in (Phase.TAPER, Phase.RACE_WEEK):
            assert not jumping
    # A beginner's 12-week 10K season: no jumps in the first block, jumps later.
    ten_k = dt.date(2027, 6, 13)
    beginner = make_athlete(level="beginner",
                            races=[{"date": str(ten_k), "distance": "10k", "priority": "A"}])
    first = ten_k - dt.timedelta(days=ten_k.weekday()) - dt.timedelta(weeks=12)
    result = checked(_weekly_runs(first, ten_k), beginner, start=first, end=ten_k)
    block_one = [s for s in result.sessions if s.block == 1]
    assert block_one and not any(_jumps(s) for s in block_one if not s.retest)
    assert any(_jumps(s) for s in result.sessions if s.block > 1)
    kind = k.sessions["posterior_chain"]
    w = week(Phase.BUILD, emphasis="power", block=1)
    assert not [p for p in prescribe(kind, w, beginner, k, jumps=30)
                if p.exercise.category is Category.PLYOMETRIC]
    assert [p for p in prescribe(kind, w.model_copy(update={"block": 2}), beginner, k, jumps=30)
            if p.exercise.category is Category.PLYOMETRIC]


# ---------------------------------------------------------------- QA round 2: a whole season

SPRING, B10K, AUTUMN = dt.date(2027, 4, 18), dt.date(2027, 6, 27), dt.date(2027, 10, 10)
HOLIDAY = (dt.date(2027, 8, 9), dt.date(2027, 8, 15))  # a blacked-out week inside a power block


def _two_race_athlete(**fields):
    """A dumbbell, kettlebell and band owner with two A races, a B race and a holiday."""
    base = {
        "equipment": ["dumbbells", "kettlebell", "bands"],
        "races": [
            {"date": str(SPRING), "distance": "marathon", "priority": "A"},
            {"date": str(B10K), "distance": "10k", "priority": "B"},
            {"date": str(AUTUMN), "distance": "half", "priority": "A"},
        ],
        "blackouts": [{"start": str(HOLIDAY[0]), "end": str(HOLIDAY[1]), "reason": "holiday"}],
    }
    base.update(fields)
    return make_athlete(**base)


@pytest.fixture(scope="module")
def two_races(k):
    """The planned two-A-race season, its cues run through ``progress_season``."""
    from runstrength.prescription import progress_season

    athlete = _two_race_athlete()
    start = dt.date(2027, 1, 4)
    result = checked(_weekly_runs(start, AUTUMN), athlete, start=start, end=AUTUMN)
    return athlete, result, progress_season(result.sessions, result.weeks, athlete, k)


def _is_test(p):
    return p.exercise.id.startswith("retest")


def _done(sessions, week=None, block=None):
    """Exercise ids of the sessions of ``week`` (index) or ``block``."""
    return {p.exercise.id for s in sessions for p in s.exercises
            if (week is None or s.week == week) and (block is None or s.block == block)
            and not _is_test(p)}


def test_progression_cues_follow_what_was_done(k, two_races):
    """Regression (QA): a lift's first week in a block got "add 2-5 % to last week's load", a
    deload after a blacked-out week "at last week's load", and peak "keep last block's loads" on a
    lift the block before never had. Over a planned season, a cue that names last week's load
    (or reps, band, hold, jumps) now only goes to a lift done the week before in the same block,
    and "last block's loads" only to a lift the previous block had; the others get the "first"
    cue of their own week, which counts its steps from there."""
    from runstrength.prescription import progress_season

    athlete, result, sessions = two_races
    by_week = {w.index: w for w in result.weeks}
    firsts = 0
    for s in sessions:
        w = by_week[s.week]
        prev = by_week.get(w.index - 1)
        last_week = _done(sessions, week=prev.index) if prev and prev.block == w.block else set()
        for p in s.exercises:
            if _is_test(p):
                continue
            if "last week" in p.load:
                assert p.exercise.id in last_week, (s.week, s.kind, p.line())
            if "last block" in p.load:
                assert p.exercise.id in _done(sessions, block=w.block - 1), (s.week, p.line())
            if f"week {w.block_week} of block {w.block}: set this block's working load" in p.load:
                firsts += w.block_week > 1
    assert firsts, "no lift starts mid-block in this season; the test lost its point"
    # The blacked-out week sits before a deload week: that week's loaded lifts cannot keep
    # "last week's load"; they get the deload cue for a lift not done last week.
    after = next(w for w in result.weeks if w.monday > HOLIDAY[1])
    assert after.deload
    deload = [p for s in sessions if s.week == after.index for p in s.exercises
              if "dumbbells" in p.exercise.equipment or "kettlebell" in p.exercise.equipment]
    assert deload
    first = k.prescription.deload_first.format(block=after.block, week=after.block_week)
    assert all(p.load == first for p in deload)
    assert "last week" not in first and "fewer sets" in first and "week before" in first
    # Peak: a lift new since the build gets the new-lift cue, not "keep last block's loads".
    peak = [(s, p) for s in sessions if s.phase is Phase.PEAK for p in s.exercises]
    new = [p for s, p in peak if p.exercise.id not in _done(sessions, block=s.block - 1)
           and "band" in p.load + str(p.exercise.equipment)]
    assert all("last block" not in p.load for p in new)
    # The pass is idempotent and does not depend on the order of the sessions.
    again = progress_season(sessions, result.weeks, athlete, k)
    assert [s.exercises for s in again] == [s.exercises for s in sessions]
    backwards = progress_season(list(reversed(result.sessions)), result.weeks, athlete, k)
    assert [s.exercises for s in reversed(backwards)] == [s.exercises for s in sessions]


def test_a_lift_back_after_a_blackout_starts_again(k):
    """A blacked-out week in the middle of a block: the week after it picks a lift up where it
    was ("week 3 of block 1: back after a week without it ..."), and the next week steps from
    there ("on week 3")."""
    from runstrength.prescription import progress_season

    start = MONDAY
    athlete = make_athlete(blackouts=[{"start": str(start + dt.timedelta(weeks=1)),
                                       "end": str(start + dt.timedelta(weeks=1, days=6))}])
    end = start + dt.timedelta(weeks=8, days=-1)
    result = checked(_weekly_runs(start, end), athlete, start=start, end=end)
    sessions = progress_season(result.sessions, result.weeks, athlete, k)
    assert not [s for s in sessions if s.week == 2]
    week1 = {p.exercise.id for s in sessions if s.week == 1 for p in s.exercises}
    week3 = [p for s in sessions if s.week == 3 for p in loaded(s.exercises)]
    assert week3 and all(
        ("week 3 of block 1: back after a week without it" in p.load) == (p.exercise.id in week1)
        for p in week3)
    assert all("back after" in p.load or "set this block's working load" in p.load
               for p in week3)
    # Week 4 closes block 1 (deload) and was preceded by week 3: the plain deload cue.
    week4 = [p for s in sessions if s.week == 4 for p in loaded(s.exercises)]
    assert week4 and all(p.load == k.prescription.deload_load for p in week4)
    # Without the blackout a week-3 lift steps up from its first week of the block: week 1, or
    # week 2 for a lift first met in week 2 (a session kind week 1 did not have), which got
    # "week 2 of block 1: set this block's working load", not "add 2-5 % to last week's load".
    plain = checked(_weekly_runs(start, end), make_athlete(), start=start, end=end)
    sessions = progress_season(plain.sessions, plain.weeks, make_athlete(), k)
    seen = {n: _done(sessions, week=n) for n in (1, 2)}
    started = set()
    for s in sessions:
        for p in loaded(s.exercises):
            if s.week == 2 and p.exercise.id not in seen[1]:
                assert "week 2 of block 1: set this block's working load" in p.load, p.line()
            if s.week == 3:
                if p.exercise.id not in seen[2]:  # not done the week before: starts afresh
                    assert ("week 3 of block 1: back after a week without it" in p.load
                            if p.exercise.id in seen[1]
                            else "week 3 of block 1: set this block's working load" in p.load)
                    continue
                since = 1 if p.exercise.id in seen[1] else 2
                assert p.exercise.id in seen[2] and f"on week {since})" in p.load, p.line()
                started.add(since)
    assert 1 in started and started <= {1, 2}


def test_progression_counts_from_the_lifts_first_week(k):
    """progression_cue with ``since``: steps and totals count from the lift's first week."""
    from runstrength.prescription import progression_cue

    athlete = make_athlete()
    w = week(block=2, block_week=4, emphasis="strength")
    assert "add 2-5 %" in progression_cue("load", w, athlete, k, since=3)
    assert "about +2-5 % on week 3" in progression_cue("load", w, athlete, k, since=3)
    assert "about +6-15 % on week 1" in progression_cue("load", w, athlete, k)
    fresh = progression_cue("load", w, athlete, k, since=4)
    assert fresh.startswith("week 4 of block 2: set this block's working load")


def test_jump_cue_learns_the_landing_once(k, two_races):
    """Regression (QA): the jump cue restarted at "learn the landing; low jumps" in a power block
    right after a block that already jumped. It now says so only in the season's first jumping
    week or the first after a recovery block; later first weeks pick up at the last height."""
    _, result, sessions = two_races
    learn = k.prescription.progression.cues["jump"].first.split(": ", 1)[1]
    again = k.prescription.progression.cues["jump"].again.split(": ", 1)[1]
    jump_weeks = {s.week for s in sessions if _jumps(s)}
    resets = [w.index for w in result.weeks if w.phase is Phase.RECOVERY]
    learned = seen_again = 0
    for s in sessions:
        reset = max((i for i in resets if i < s.week), default=0)
        jumped = any(reset < i < s.week for i in jump_weeks)
        for p in _jumps(s) if not s.deload else ():
            assert (learn in p.load) == (not jumped and again not in p.load), (s.week, p.line())
            learned += learn in p.load
            seen_again += again in p.load
    assert learned and seen_again
    # Some jumping block follows a block that jumped, and its first jumps skip the lesson.
    blocks = {s.block for s in sessions if _jumps(s)}
    assert any(b - 1 in blocks for b in blocks)


def test_owned_equipment_is_used_in_every_block(k):
    """Regression (QA): a dumbbell+kettlebell athlete got all-bodyweight posterior sessions in
    later blocks: the per-block rotation walked into the bodyweight part of the pool. The block's
    exercises now come from the owned-equipment part first (rotating within it); bodyweight ones
    only fill up. A bodyweight-only athlete's rotation is unchanged."""
    from runstrength.prescription import pool_with_origins, prescribe

    owner = make_athlete(equipment=["dumbbells", "kettlebell"])
    kind = k.sessions["posterior_chain"]
    picked = []
    for block in range(1, 13):
        w = week(block=block, emphasis="strength")
        # (a hamstring curl stays bodyweight: the catalogue has no dumbbell curl)
        lifts = [p.exercise for p in prescribe(kind, w, owner, k)
                 if p.exercise.category is Category.POSTERIOR
                 and "knee-flexion" not in p.exercise.patterns]
        assert lifts and all(e.equipment != ["bodyweight"] for e in lifts), (block, lifts)
        picked.append(tuple(e.id for e in lifts))
    assert len(set(picked)) > 1  # still rotating within the loaded part
    # Too few loaded exercises (a kettlebell: swing and deadlift) for the session's three
    # posterior lifts: both stay every block and one bodyweight lift fills up, rotating.
    bell = make_athlete(equipment=["kettlebell"])
    fillers = set()
    for block in range(1, 13):
        lifts = [p.exercise for p in prescribe(kind, week(block=block), bell, k)
                 if p.exercise.category is Category.POSTERIOR]
        assert len(lifts) == 3
        # one hinge a posterior-chain session (sessions.toml no_repeat): one of the two bells
        bells = {e.id for e in lifts if e.equipment == ["kettlebell"]}
        assert len(bells) == 1 and bells <= {"kettlebell_swing", "kettlebell_deadlift"}
        fillers |= {e.id for e in lifts if e.equipment == ["bodyweight"]}
    assert len(fillers) > 1
    # A bodyweight-only athlete: the whole pool rotates one place per block, as before.
    # A bodyweight-only athlete: the whole pool rotates, and every block keeps a hinge with
    # hamstring work and a curl (sessions.toml requires).
    bare = make_athlete(equipment=[])
    pool = {ex.id for ex, _ in pool_with_origins(Category.POSTERIOR, bare, k, None)}
    picked = []
    for block in range(1, 13):
        w = week(block=block, emphasis="strength")
        got = [p.exercise for p in prescribe(kind, w, bare, k)
               if p.exercise.category is Category.POSTERIOR]
        assert {e.id for e in got} <= pool
        assert any(e.has("hinge+hamstring") for e in got)
        assert any(e.has("knee-flexion") for e in got)
        picked.append(tuple(e.id for e in got))
    assert len(set(picked)) > 1


def test_owned_equipment_through_a_season(k, two_races):
    """Through the planned season: every base, build and peak session's posterior and
    unilateral lifts use the athlete's own equipment (the catalogue has enough of them)."""
    _, _, sessions = two_races
    for s in sessions:
        if s.phase not in (Phase.BASE, Phase.BUILD, Phase.PEAK):
            continue
        for p in s.exercises:
            if (p.exercise.category in (Category.POSTERIOR, Category.UNILATERAL)
                    and "knee-flexion" not in p.exercise.patterns):
                assert p.exercise.equipment != ["bodyweight"], (s.week, s.kind, p.line())


def test_moderate_sessions_keep_their_leg_load(k, two_races):
    """Regression (QA): "moderate" full-body sessions, which the hard rules let sit before key
    runs, carried "heavy for the reps" leg work and jump swaps (jump squats the evening before
    intervals). Now their leg exercises get the moderate cue whatever the emphasis, and only
    heavy sessions swap lifts for jumps."""
    _, _, sessions = two_races
    rule = k.prescription.leg_loads[LegLoad.MODERATE]
    moderate = [s for s in sessions if s.leg_load is LegLoad.MODERATE and s.phase in rule.phases]
    assert len({s.emphasis for s in moderate}) >= 2
    for s in moderate:
        assert not _jumps(s), (s.week, s.kind)
        for p in s.exercises:
            if p.exercise.category in rule.categories and not s.deload:
                assert p.load.startswith((rule.load, rule.bodyweight_load)), p.line()
                assert "heavy" not in p.load and "as fast as you can" not in p.load
    assert any(_jumps(s) for s in sessions if s.leg_load is LegLoad.HEAVY)


def test_light_sessions_never_load_the_legs(k):
    """A light or no-leg session with leg work (here a core session given leg sets) gets
    bodyweight or band leg exercises with the light cue, never a loaded one, and no jumps."""
    from runstrength.prescription import prescribe

    gym = make_athlete(equipment=["gym"])
    gear = k.prescription.progression.load_equipment
    for leg_load in (LegLoad.LIGHT, LegLoad.NONE):
        kind = k.sessions["core_stability"].model_copy(update={
            "leg_load": leg_load,
            "sets": {Phase.BUILD: {Category.CORE: 4, Category.POSTERIOR: 4,
                                   Category.UNILATERAL: 4}},
        })
        rule = k.prescription.leg_loads[leg_load]
        for emphasis in ("strength", "power"):
            legs = [p for p in prescribe(kind, week(Phase.BUILD, emphasis=emphasis, block=3),
                                         gym, k)
                    if p.exercise.category in (*rule.categories, Category.PLYOMETRIC)]
            assert legs
            for p in legs:
                assert p.exercise.category is not Category.PLYOMETRIC
                assert not any(e in gear for e in p.exercise.equipment), p.line()
                assert p.load in (rule.load, rule.bodyweight_load), p.line()


def test_jumps_open_the_leg_work(k, two_races):
    """Regression (QA): a jump lunge came after a hip thrust. A session's jumps now come before
    its other leg lifts (README: a jumping variant of a leg lift first)."""
    from runstrength.prescription import prescribe

    _, _, sessions = two_races
    legs = (Category.POSTERIOR, Category.UNILATERAL, Category.CALF)
    checked_any = False
    for s in sessions:
        order = [p.exercise.category for p in s.exercises if not _is_test(p)]
        if Category.PLYOMETRIC not in order:
            continue
        last_jump = max(i for i, c in enumerate(order) if c is Category.PLYOMETRIC)
        first_leg = min((i for i, c in enumerate(order) if c in legs), default=len(order))
        assert last_jump < first_leg, (s.week, s.kind, order)
        checked_any = True
    assert checked_any
    # The posterior-chain session lists posterior lifts first; a unilateral jump still leads.
    athlete = make_athlete(equipment=[])
    out = prescribe(k.sessions["posterior_chain"], week(Phase.BUILD, emphasis="power", block=3),
                    athlete, k)
    assert out[0].exercise.category is Category.PLYOMETRIC


def test_race_week_and_taper_cues_fit_their_exercises(k):
    """Regression (QA): the race-week cue "mobility and band activation only" went to a
    Copenhagen plank and a dead bug, the taper's "no soreness" to eccentric step-downs. The
    soreness-prone moves (phases.*.exclude) are left out of taper and race week, their
    regressions stand in, and the race-week cue speaks of easy activation."""
    from runstrength.prescription import prescribe

    race_week = k.prescription.phases[Phase.RACE_WEEK]
    assert "band activation only" not in race_week.load and "activation" in race_week.load
    for phase in (Phase.TAPER, Phase.RACE_WEEK):
        excluded = set(k.prescription.phases[phase].exclude)
        assert {"step_down", "copenhagen_plank"} <= excluded
        for equipment in ([], ["bands", "mini_bands"], ["gym"]):
            athlete = make_athlete(equipment=equipment)
            for kind in k.sessions.values():
                if phase not in kind.sets:
                    continue
                for block in range(1, 15):
                    for p in prescribe(kind, week(phase, block=block), athlete, k):
                        assert p.exercise.id not in excluded, (phase, kind.id, block, p.line())


def test_a_jump_after_a_jumping_block_skips_the_landing_lesson(k):
    """progression_cue: the jump's first week says "learn the landing" unless the athlete
    ``jumped`` before; loads are not affected."""
    from runstrength.prescription import progression_cue

    athlete = make_athlete()
    w = week(Phase.BUILD, block=4, emphasis="power")
    cues = k.prescription.progression.cues
    assert progression_cue("jump", w, athlete, k) == cues["jump"].first.format(block=4, week=1)
    assert progression_cue("jump", w, athlete, k, jumped=True) == cues["jump"].again.format(
        block=4, week=1)
    assert progression_cue("load", w, athlete, k, jumped=True) == progression_cue(
        "load", w, athlete, k)


def test_phase_exclude_names_known_exercises(tmp_path):
    """A misspelt id in a phase's exclude list is refused when the models load."""
    import shutil

    from runstrength import knowledge
    from runstrength.errors import InputError

    root = tmp_path / "models"
    shutil.copytree(knowledge.default_models_dir(), root)
    path = root / "prescription.toml"
    text = path.read_text()
    assert '"copenhagen_plank"' in text
    path.write_text(text.replace('"copenhagen_plank"', '"copenhagen_plnk"', 1))
    with pytest.raises(InputError, match="copenhagen_plnk"):
        knowledge.load(root)
