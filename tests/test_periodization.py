"""Races become phases: taper by distance and priority, race week, recovery, deloads."""

from __future__ import annotations

import datetime as dt

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
    """A B race turns only its own week into race week; a C race changes nothing."""
    b = phases(k, [{"date": str(RACE), "distance": "half", "priority": "B"}])
    c = phases(k, [{"date": str(RACE), "distance": "half", "priority": "C"}])
    assert [w.phase for w in b].count(Phase.RACE_WEEK) == 1
    assert Phase.TAPER not in {w.phase for w in b} and Phase.RECOVERY not in {w.phase for w in b}
    assert {w.phase for w in c} == {Phase.BASE}


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
