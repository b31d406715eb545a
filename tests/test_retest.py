"""Where the end-of-block re-test lands when the block's last week cannot hold it."""

from __future__ import annotations

import datetime as dt

from conftest import MONDAY, checked, make_athlete


def test_retest_moves_earlier_in_the_block_when_its_last_week_is_blacked_out():
    """Weeks 1-4 form a base block closed by the week-4 deload; its re-test week is week 3, the
    last loading week. With week 3 blacked out, the block's last heavy session before it takes
    the re-test (never the deload week after it); the next block re-tests in week 7."""
    athlete = make_athlete(blackouts=[{"start": "2027-03-15", "end": "2027-03-21"}])
    result = checked([], athlete, end=MONDAY + dt.timedelta(weeks=8, days=-1))
    weeks = {w.index: w for w in result.weeks}
    assert weeks[3].block_end and weeks[7].block_end
    assert not [s for s in result.sessions if s.week == 3]
    tested = [s for s in result.sessions if s.retest]
    assert [weeks[s.week].block for s in tested] == [1, 2]
    first = tested[0]
    assert first.week == 2
    assert first == max((s for s in result.sessions if s.week <= 2 and s.leg_load.value == "heavy"),
                        key=lambda s: s.start)
    assert first.exercises[0].exercise.id.startswith("retest")
    assert tested[1].week == 7
