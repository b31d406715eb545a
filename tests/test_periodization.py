"""Races become phases: taper by distance and priority, race week, recovery, deloads."""

from __future__ import annotations

import datetime as dt
import itertools

from conftest import make_athlete

from runstrength.domain import Phase
from runstrength.periodization import periodize

RACE = dt.date(2027, 4, 25)  # a Sunday


def phases(k, races, weeks_before=16, weeks_after=4, level="recreational"):
    athlete = make_athlete(level=level, races=races)
    start = RACE - dt.timedelta(weeks=weeks_before)
    return periodize(athlete, start, RACE + dt.timedelta(weeks=weeks_after), k)


def test_no_race_is_base_throughout(k):
    """With no race every week is base."""
    weeks = periodize(make_athlete(), dt.date(2027, 1, 4), dt.date(2027, 3, 28), k)
    assert {w.phase for w in weeks} == {Phase.BASE}


def test_marathon_a_race_tapers_three_weeks(k):
    """An A marathon: race week, two taper weeks, two peak weeks, then build, base before."""
    weeks = phases(k, [{"date": str(RACE), "distance": "marathon", "priority": "A"}])
    race_week = next(i for i, w in enumerate(weeks) if w.monday <= RACE <= w.sunday)
    seq = [weeks[race_week - i].phase for i in range(6)]
    assert seq == [Phase.RACE_WEEK, Phase.TAPER, Phase.TAPER, Phase.PEAK, Phase.PEAK, Phase.BUILD]
    assert weeks[race_week - 12].phase is Phase.BUILD
    assert weeks[race_week - 13].phase is Phase.BASE
    assert weeks[race_week].race is not None


def test_recovery_follows_an_a_race(k):
    """Two recovery weeks follow an A marathon, then base again."""
    weeks = phases(k, [{"date": str(RACE), "distance": "marathon", "priority": "A"}])
    after = [w.phase for w in weeks if w.monday > RACE]
    assert after[:3] == [Phase.RECOVERY, Phase.RECOVERY, Phase.BASE]


def test_ten_k_a_race_tapers_race_week_only(k):
    """An A 10K gets one taper week: its race week."""
    weeks = phases(k, [{"date": str(RACE), "distance": "10k", "priority": "A"}])
    race_week = next(i for i, w in enumerate(weeks) if w.monday <= RACE <= w.sunday)
    assert weeks[race_week].phase is Phase.RACE_WEEK
    assert weeks[race_week - 1].phase is Phase.PEAK


def test_b_race_gets_a_mini_taper_and_c_race_none(k):
    """Beside an A race, a B race turns only its own week into race week and a C race changes
    nothing; alone, the B (or C) race is the season's goal: build before it, its race week."""
    a_race = {"date": str(RACE + dt.timedelta(weeks=20)), "distance": "marathon",
              "priority": "A"}
    b = phases(k, [{"date": str(RACE), "distance": "half", "priority": "B"}, a_race])
    c = phases(k, [{"date": str(RACE), "distance": "half", "priority": "C"}, a_race])
    assert [w.phase for w in b].count(Phase.RACE_WEEK) == 1
    assert Phase.TAPER not in {w.phase for w in b} and Phase.RECOVERY not in {w.phase for w in b}
    assert {w.phase for w in c} == {Phase.BASE}
    alone = phases(k, [{"date": str(RACE), "distance": "half", "priority": "B"}])
    race_week = next(i for i, w in enumerate(alone) if w.monday <= RACE <= w.sunday)
    assert alone[race_week].phase is Phase.RACE_WEEK
    assert alone[race_week - 1].phase is Phase.BUILD and Phase.PEAK not in {
        w.phase for w in alone}
    assert Phase.RECOVERY not in {w.phase for w in alone}


def test_deload_every_fourth_loading_week(k):
    """Every 4th base/build week is a deload with targets cut to about 60 %."""
    weeks = periodize(make_athlete(), dt.date(2027, 1, 4), dt.date(2027, 3, 28), k)
    assert [w.index for w in weeks if w.deload] == [4, 8, 12]
    full, light = weeks[0].targets, weeks[3].targets
    assert all(light[c] == round(full[c] * 0.6) for c in full)


def test_level_sets_the_weekly_limits(k):
    """Beginners 2/week in base; marathon-level runners 1-2; recreational 2-3 (seed 004)."""
    start, end = dt.date(2027, 1, 4), dt.date(2027, 1, 10)
    for level, lim in (("beginner", (2, 2)), ("marathon", (1, 2)), ("recreational", (2, 3))):
        w = periodize(make_athlete(level=level), start, end, k)[0]
        assert (w.min_sessions, w.max_sessions) == lim


# ---------------------------------------------------------------- blocks and emphasis


def test_blocks_on_a_3_1_season(k):
    """No race, 12 weeks: three blocks of four weeks, each closed by its deload week; the
    re-test goes in the last loading week before it."""
    weeks = periodize(make_athlete(), dt.date(2027, 1, 4), dt.date(2027, 3, 28), k)
    assert [w.block for w in weeks] == [1] * 4 + [2] * 4 + [3] * 4
    assert [w.block_week for w in weeks] == [1, 2, 3, 4] * 3
    assert [w.index for w in weeks if w.deload] == [4, 8, 12]
    assert [w.index for w in weeks if w.block_end] == [3, 7, 11]
    assert not any(w.deload for w in weeks if w.block_end)


def test_a_block_cut_by_the_season_end_does_not_retest(k):
    """Six weeks: the second block is still running when the season ends."""
    weeks = periodize(make_athlete(), dt.date(2027, 1, 4), dt.date(2027, 2, 14), k)
    assert [w.block for w in weeks] == [1, 1, 1, 1, 2, 2]
    assert [w.index for w in weeks if w.block_end] == [3]


def test_blocks_across_phase_changes(k):
    """A marathon: base turning into build keeps the block; peak, taper, race week and recovery
    are blocks of their own and never re-test; the build block before peak re-tests."""
    marathon = [{"date": str(RACE), "distance": "marathon", "priority": "A"}]
    weeks = phases(k, marathon, weeks_before=16)
    # Block numbers only ever go up by one; each non-loading phase run starts a block.
    assert all(b.block - a.block in (0, 1) for a, b in itertools.pairwise(weeks))
    for a, b in itertools.pairwise(weeks):
        if b.phase is not a.phase and b.phase not in (Phase.BASE, Phase.BUILD):
            assert b.block == a.block + 1 and b.block_week == 1
            block = [w for w in weeks if w.block == a.block]
            tested = [w for w in block if w.block_end]
            assert bool(tested) == (a.phase in (Phase.BASE, Phase.BUILD)), a
            assert all(not w.deload and w == max((x for x in block if not x.deload),
                                                 key=lambda x: x.index) for w in tested)
    last_build = max((w for w in weeks if w.phase is Phase.BUILD), key=lambda w: w.index)
    assert last_build.deload and any(w.block_end for w in weeks if w.block == last_build.block)
    quiet = (Phase.PEAK, Phase.TAPER, Phase.RACE_WEEK, Phase.RECOVERY)
    assert not any(w.block_end for w in weeks if w.phase in quiet)
    peak = [w for w in weeks if w.phase is Phase.PEAK]
    assert len({w.block for w in peak}) == 1 and [w.block_week for w in peak] == [1, 2]

    # Starting 14 weeks out: the first block runs from base into build with one emphasis, and
    # the two build weeks left before peak are too short a block to re-test.
    weeks = phases(k, marathon, weeks_before=14)
    first = [w for w in weeks if w.block == 1]
    assert [w.phase for w in first] == [Phase.BASE] * 2 + [Phase.BUILD] * 2
    assert {w.emphasis for w in first} == {"strength-endurance"} and first[-2].block_end
    cut = [w for w in weeks if w.phase is Phase.BUILD and w.block == first[-1].block + 2]
    assert [w.block_week for w in cut] == [1, 2] and not any(w.block_end for w in cut)


def test_a_block_cut_short_by_a_b_race(k):
    """Loading blocks around a B race: the one before re-tests if long enough, the two weeks
    after it (then peak) do not; the race week is a block of its own."""
    b_race = RACE - dt.timedelta(weeks=7)
    weeks = phases(
        k,
        [
            {"date": str(RACE), "distance": "marathon", "priority": "A"},
            {"date": str(b_race), "distance": "half", "priority": "B"},
        ],
        weeks_before=14,
    )
    race_week = next(w for w in weeks if w.monday <= b_race <= w.sunday)
    assert race_week.phase is Phase.RACE_WEEK and not race_week.block_end
    before, after = weeks[race_week.index - 2], weeks[race_week.index]
    assert before.block_week == 3 and before.block_end and not before.deload
    assert race_week.block == before.block + 1 and race_week.emphasis == "loosen"
    assert after.block == race_week.block + 1 and after.phase is Phase.BUILD
    assert not any(w.block_end for w in weeks if w.block == after.block)
    # The race week does not restart the climb: the next block takes the next step.
    assert (before.emphasis, after.emphasis) == ("strength", "power")


def test_emphasis_climbs_across_a_marathon_season(k):
    """Strength-endurance before strength before power; fixed emphases after; the climb
    starts again after the recovery block (seeds 000, 003, 004)."""
    weeks = phases(
        k,
        [{"date": str(RACE), "distance": "marathon", "priority": "A"}],
        weeks_before=20,
        weeks_after=10,
    )
    loading = [w for w in weeks if w.phase in (Phase.BASE, Phase.BUILD) and w.monday < RACE]
    order = list(dict.fromkeys(w.emphasis for w in loading))
    assert order == ["strength-endurance", "strength", "power"]
    assert all(w.phase is Phase.BUILD for w in loading if w.emphasis == "power")
    assert loading[0].emphasis == "strength-endurance"
    fixed = {w.phase: w.emphasis for w in weeks if w.phase not in (Phase.BASE, Phase.BUILD)}
    assert fixed == {
        Phase.PEAK: "power-maintenance",
        Phase.TAPER: "sharpen",
        Phase.RACE_WEEK: "loosen",
        Phase.RECOVERY: "reset",
    }
    after = [w for w in weeks if w.monday > RACE and w.phase is Phase.BASE]
    assert after[0].emphasis == "strength-endurance"
    # One emphasis per block, so a block's load can progress.
    for block in {w.block for w in weeks}:
        assert len({w.emphasis for w in weeks if w.block == block}) == 1


def test_short_build_still_reaches_power(k):
    """An advanced runner whose season starts in build begins at strength and reaches power
    (emphasis.range; advanced is not in first_block_from_bottom)."""
    weeks = phases(
        k,
        [{"date": str(RACE), "distance": "marathon", "priority": "A"}],
        weeks_before=12,
        weeks_after=0,
        level="advanced",
    )
    build = [w.emphasis for w in weeks if w.phase is Phase.BUILD]
    assert build[0] == "strength" and build[-1] == "power"


def test_a_season_starting_in_build_opens_with_strength_endurance(k):
    """Regression: a 12-week 10K plan for a beginner started build at strength and never had a
    strength-endurance block. The season's first loading block now starts at the bottom of the
    ladder for every level in first_block_from_bottom (seeds 000, 002, 004), then climbs."""
    ten_k = [{"date": str(RACE), "distance": "10k", "priority": "A"}]
    assert k.periodization.emphasis.first_block_from_bottom
    for level in k.periodization.emphasis.first_block_from_bottom:
        weeks = phases(k, ten_k, weeks_before=12, weeks_after=0, level=level.value)
        loading = [w for w in weeks if w.phase in (Phase.BASE, Phase.BUILD)]
        assert {w.phase for w in loading} == {Phase.BUILD}
        order = list(dict.fromkeys(w.emphasis for w in loading))
        assert order == ["strength-endurance", "strength", "power"], level
        assert {w.emphasis for w in loading if w.block == 1} == {"strength-endurance"}
    # Only the first block: after the post-race reset a new build starts at strength again.
    later = RACE + dt.timedelta(weeks=11)
    weeks = phases(k, [*ten_k, {"date": str(later), "distance": "10k", "priority": "A"}],
                   weeks_before=12, weeks_after=11, level="beginner")
    second = [w.emphasis for w in weeks if w.phase is Phase.BUILD and w.monday > RACE]
    assert second and second[0] == "strength"
    # A block too short to count (cut by a B race) leaves the next one at the bottom too.
    b_race = RACE - dt.timedelta(weeks=11)
    weeks = phases(k, [*ten_k, {"date": str(b_race), "distance": "10k", "priority": "B"}],
                   weeks_before=12, weeks_after=0, level="beginner")
    loading = [w for w in weeks if w.phase is Phase.BUILD]
    assert loading[0].block_week == 1 and loading[1].block != loading[0].block
    assert loading[0].emphasis == loading[1].emphasis == "strength-endurance"


def _models_copy(tmp_path, name, old, new):
    import shutil

    from runstrength import knowledge

    root = tmp_path / "models"
    shutil.copytree(knowledge.default_models_dir(), root)
    path = root / f"{name}.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def test_bad_emphasis_table_names_file_and_field(tmp_path):
    """A bad value in an [emphasis.NAME] table is reported with its file and field."""
    import pytest

    from runstrength import knowledge
    from runstrength.errors import InputError

    root = _models_copy(
        tmp_path,
        "prescription",
        "sets_per_exercise = 3                 #",
        "sets_per_exercise = 0                 #",
    )
    with pytest.raises(InputError) as err:
        knowledge.load(root)
    assert "prescription.toml" in str(err.value)
    assert "emphasis.power.sets_per_exercise" in str(err.value)


def test_unknown_emphasis_name_names_both_files(tmp_path):
    """periodization.toml naming an emphasis prescription.toml lacks is caught on load."""
    import pytest

    from runstrength import knowledge
    from runstrength.errors import InputError

    root = _models_copy(tmp_path, "periodization", 'taper = "sharpen"', 'taper = "sharpn"')
    with pytest.raises(InputError) as err:
        knowledge.load(root)
    message = str(err.value)
    assert "periodization.toml" in message and "emphasis" in message
    assert "'sharpn'" in message and "prescription.toml" in message


def test_bad_cue_placeholder_names_the_field(tmp_path):
    """A progression cue with an unknown {placeholder} fails on load, naming the field."""
    import pytest

    from runstrength import knowledge
    from runstrength.errors import InputError

    root = _models_copy(
        tmp_path,
        "prescription",
        "add {step} to last week's load",
        "add {stepp} to last week's load",
    )
    with pytest.raises(InputError) as err:
        knowledge.load(root)
    assert "prescription.toml" in str(err.value)
    assert "progression.cues.load.step" in str(err.value) and "{stepp}" in str(err.value)
