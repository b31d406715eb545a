"""Prescriptions: sets per category, equipment filters, doses, deload, emphasis, progression,
re-test and substitutions."""

from __future__ import annotations

import datetime as dt

from conftest import checked, make_athlete, run

from runstrength.domain import Category, Phase, Week
from runstrength.periodization import periodize


def week(phase: Phase = Phase.BASE, deload: bool = False, index: int = 1, **fields) -> Week:
    return Week(index=index, monday=dt.date(2027, 3, 1), phase=phase, deload=deload, **fields)


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
    lines = [p for p in prescribe(kind, week(), athlete, k) if p.exercise.id == "front_plank"]
    assert lines and lines[0].reps.endswith("hold")


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
        e: {p.reps for p in loaded(prescribe(kind, first[e], athlete, k))}
        for e in ("strength-endurance", "strength", "power")
    }
    assert reps == {"strength-endurance": {"10-12"}, "strength": {"6-8"}, "power": {"4-6"}}
    power = prescribe(kind, first["power"], athlete, k)
    jumps = [p for p in power if p.exercise.category is Category.PLYOMETRIC]
    assert len(jumps) == 1 and jumps[0].reps == k.prescription.plyometric.reps
    # The jump replaces one unilateral lift and opens the unilateral block.
    uni = [p for p in power if p.exercise.category in (Category.UNILATERAL, Category.PLYOMETRIC)]
    assert uni[0] is jumps[0]
    assert "fast" in loaded(power)[0].load


def test_emphasis_sets_still_add_up(k):
    """Whatever the emphasis, a session's exercises carry all its working sets."""
    from runstrength.prescription import prescribe, session_volume

    athlete = make_athlete(races=[MARATHON], session_minutes=60)
    for w in season(k, athlete):
        for kind in k.sessions.values():
            if w.phase not in kind.sets:
                continue
            total = sum(session_volume(kind, w, athlete, k).values())
            assert sum(p.sets for p in prescribe(kind, w, athlete, k)) == total, (kind.id, w)


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
    names = [[p.exercise.id for p in prescribe(kind, w, athlete, k)] for w in block]
    assert all(n == names[0] for n in names)


def test_beginners_step_every_second_week(k):
    """A beginner holds week 1's load in week 2 and adds 2-5 % in week 3 (project default)."""
    from runstrength.prescription import prescribe

    athlete = make_athlete(level="beginner", races=[MARATHON])
    block = [w for w in season(k, athlete) if w.block == 1]
    kind = k.sessions["posterior_chain"]
    cues = [loaded(prescribe(kind, w, athlete, k))[0].load for w in block[:3]]
    assert "same as week 1" in cues[1] and "keep last week's load" in cues[1]
    assert "add 2-5 %" in cues[2] and "about +2-5 % on week 1" in cues[2]
    assert len(set(cues)) == 3


def test_bodyweight_exercises_progress_without_load(k):
    """Bodyweight lifts progress by reps or variation, holds by time; none names a % load."""
    from runstrength.prescription import prescribe

    athlete = make_athlete(equipment=[], races=[MARATHON])
    w2 = next(w for w in season(k, athlete) if w.block == 1 and w.block_week == 2)
    for kind in ("unilateral_strength", "core_stability"):
        for p in prescribe(k.sessions[kind], w2, athlete, k):
            assert "%" not in p.load, p.line()
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
    assert all(k.prescription.retest.record in p.load for p in tested[: len(items)])
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


def test_every_power_session_with_leg_lifts_jumps(k):
    """Regression: a dumbbells+bands athlete's power block showed no jump, only "drive up fast"
    cues: the posterior-chain and full-body sessions had no lift with a jumping variant in a
    category of two lifts. Now each power-week session with leg lifts jumps at least once, with
    a bodyweight jump; taper and race week never add one; a beginner's first block never does."""
    from runstrength.prescription import prescribe

    athlete = make_athlete(races=[MARATHON])  # dumbbells and bands
    start = RACE - dt.timedelta(days=RACE.weekday()) - dt.timedelta(weeks=16)
    end = RACE + dt.timedelta(weeks=2)
    result = checked(_weekly_runs(start, end), athlete, start=start, end=end)
    power = [s for s in result.sessions if s.emphasis == "power" and _has_leg_lifts(s, k)]
    assert {s.kind for s in power} >= {"posterior_chain", "full_body_maintenance"}
    for s in power:
        jumps = _jumps(s)
        assert jumps, (s.week, s.kind, [p.exercise.id for p in s.exercises])
        assert all(athlete.has_equipment(p.exercise.equipment) for p in jumps)
        assert all(p.reps == k.prescription.plyometric.reps for p in jumps)
    for s in result.sessions:
        if s.phase in (Phase.TAPER, Phase.RACE_WEEK):
            assert Category.PLYOMETRIC in k.sessions[s.kind].sets[s.phase] or not _jumps(s)

    # A beginner's 12-week 10K season: the first block (strength-endurance) has no jump swap,
    # the power block later on does.
    ten_k = dt.date(2027, 6, 13)
    beginner = make_athlete(level="beginner",
                            races=[{"date": str(ten_k), "distance": "10k", "priority": "A"}])
    first = ten_k - dt.timedelta(days=ten_k.weekday()) - dt.timedelta(weeks=12)
    result = checked(_weekly_runs(first, ten_k), beginner, start=first, end=ten_k)
    block_one = [s for s in result.sessions if s.block == 1]
    assert block_one and {s.emphasis for s in block_one} == {"strength-endurance"}
    assert not any(_jumps(s) for s in block_one if s.kind != "power_plyometric")
    power = [s for s in result.sessions if s.emphasis == "power" and _has_leg_lifts(s, k)]
    assert power and all(_jumps(s) for s in power)
    # Even a power week in the first block leaves a beginner's lifts alone.
    kind = k.sessions["posterior_chain"]
    w = week(Phase.BUILD, emphasis="power", block=1)
    assert not [p for p in prescribe(kind, w, beginner, k)
                if p.exercise.category is Category.PLYOMETRIC]
    assert [p for p in prescribe(kind, w.model_copy(update={"block": 2}), beginner, k)
            if p.exercise.category is Category.PLYOMETRIC]
