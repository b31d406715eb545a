"""The athlete's own strength sessions in the running calendar: read, counted, respected."""

from __future__ import annotations

import datetime as dt

from conftest import MONDAY, ZONE, day, make_athlete, run, strength

from runstrength import knowledge
from runstrength.api import plan
from runstrength.domain import LegLoad, OwnSession, RunKind, Schedule
from runstrength.importers.csv import read_csv
from runstrength.importers.ics import read_ics
from runstrength.validate import validate


def own(on: dt.date, title: str = "Gym - legs", load: LegLoad = LegLoad.HEAVY,
        at: str = "18:00", minutes: int = 60, core: bool = False) -> OwnSession:
    start = dt.datetime.combine(on, dt.time.fromisoformat(at), make_athlete().zone)
    return OwnSession(start=start, end=start + dt.timedelta(minutes=minutes), title=title,
                      leg_load=load, core=core, source="runs.ics: event g")


def planned(runs, sessions, athlete=None, end=None):
    """Plan with own sessions and check the plan with the validator."""
    result = plan(Schedule(runs=list(runs), own=list(sessions)), athlete or make_athlete(),
                  start=MONDAY, end=end or day(6))
    violations = validate(result, knowledge.load())
    assert violations == [], "\n".join(map(str, violations))
    return result


def _calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270101T000000Z\r\n{lines}"
                   "END:VEVENT\r\n" for uid, lines in events)
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nX-WR-TIMEZONE:{ZONE}\r\n"
            f"{body}END:VCALENDAR\r\n").encode()


def test_ics_gym_and_trainingpeaks_strength_are_own_sessions(k):
    """'Gym - legs' and a TrainingPeaks 'Strength:' workout are the athlete's own sessions,
    with the leg load their titles say; runs stay runs."""
    data = _calendar(
        ("g", "SUMMARY:Gym - legs\r\nDTSTART:20270302T173000\r\nDTEND:20270302T183000\r\n"),
        ("tp", "SUMMARY:Strength: Core\r\nDTSTART;VALUE=DATE:20270304\r\n"
               "DESCRIPTION:Workout type: Strength\\nPlanned Time: 0:30:00\r\n"),
        ("r", "SUMMARY:Easy run\r\nDTSTART:20270303T070000\r\nDTEND:20270303T074500\r\n"),
    )
    s = read_ics(data, "runs.ics", make_athlete(), k, day(0), day(6))
    assert [(o.title, o.leg_load, o.core, o.minutes) for o in s.own] == [
        ("Gym - legs", LegLoad.HEAVY, False, 60),
        ("Strength: Core", LegLoad.NONE, True, 30),
    ]
    assert [r.kind for r in s.runs] == [RunKind.EASY] and s.busy == []


def test_csv_strength_rows_are_own_sessions(k):
    """A TrainingPeaks Strength row and a plain row typed strength are own sessions."""
    tp = ('"Title","WorkoutType","PlannedDuration","WorkoutDay"\n'
          '"Leg day","Strength","0.75","2027-03-02"\n"Easy","Run","0.5","2027-03-03"\n')
    s = read_csv(tp.encode(), "tp.csv", make_athlete(), k, None, None)
    assert [(o.title, o.leg_load, o.minutes) for o in s.own] == [("Leg day", LegLoad.HEAVY, 45)]
    assert len(s.runs) == 1
    plain = "date,start,duration_min,title,type\n2027-03-02,18:00,40,Upper body,strength\n"
    s = read_csv(plain.encode(), "p.csv", make_athlete(), k, None, None)
    assert [(o.title, o.leg_load, o.minutes) for o in s.own] == [("Upper body", LegLoad.NONE, 40)]
    assert s.runs == []


def test_no_session_on_the_day_of_an_own_session():
    """The days holding the athlete's own sessions get nothing of ours."""
    result = planned([], [own(day(1)), own(day(3), "Strength", LegLoad.MODERATE)])
    assert {s.day for s in result.sessions}.isdisjoint({day(1), day(3)})


def test_own_sessions_count_towards_the_weekly_minimum_and_maximum():
    """Two own sessions in a recreational base week (2-3) leave at most one to place and no
    shortfall, even with nothing else placed."""
    athlete = make_athlete(availability={"tue": ["18:00-20:00"], "thu": ["18:00-20:00"]})
    result = planned([], [own(day(1)), own(day(3), "Strength", LegLoad.MODERATE)], athlete)
    week = result.weeks[0]
    assert (week.own_sessions, week.min_sessions + 2, week.max_sessions + 2) == (2, 2, 3)
    assert result.shortfalls == [] and strength(result) == []
    busy = planned([], [own(day(1)), own(day(2), "Strength", LegLoad.MODERATE),
                        own(day(4), "Gym", LegLoad.MODERATE)])
    assert busy.weeks[0].max_sessions == 0 and strength(busy) == []


def test_heavy_spacing_keeps_our_heavy_sessions_48_h_from_an_own_heavy_one():
    """An own heavy-leg session on Wednesday 18:00: no heavy session of ours from Monday
    18:01 to Friday 17:59."""
    result = planned([], [own(day(2), at="18:00")])
    when = dt.datetime.combine(day(2), dt.time(18), make_athlete().zone)
    for s in result.sessions:
        if s.leg_load is LegLoad.HEAVY:
            assert abs(s.start - when) >= dt.timedelta(hours=48), s.start


def test_a_short_own_block_holds_only_the_add_ons_off_its_day():
    """A 15-minute own core block does not count as a session and does not keep a strength
    session off its day; no core add-on of ours joins it."""
    athlete = make_athlete(availability={"wed": ["18:00-20:00"]})
    block = own(day(2), "Core & mobility", LegLoad.LIGHT, at="07:00", minutes=15, core=True)
    result = planned([], [block], athlete)
    assert result.weeks[0].own_sessions == 0 and not result.own[0].counts
    assert [s.day for s in result.sessions] == [day(2)] and not result.sessions[0].add_on


def test_an_own_core_session_is_a_core_week():
    """The athlete's own core session is the week's core block (core-weekly is not paid)."""
    result = planned([], [own(day(d), "Strength: Core", LegLoad.NONE, core=True)
                          for d in range(7)])
    assert result.sessions == []
    assert not [p for p in result.penalties if p.rule in ("core-weekly", "core-days")]


def test_an_own_session_that_breaks_a_hard_rule_is_a_warning():
    """'Gym - legs' the evening before the long run stays, with one warning line naming it,
    the rule, and every week it happens (same weekday and time: one line)."""
    runs = [run(day(6), "long", "08:00", 120), run(day(13), "long", "08:00", 120)]
    gym = [own(day(5), at="17:30"),  # two separate events, not one series
           own(day(12), at="17:30").model_copy(update={"source": "runs.ics: event h"})]
    result = planned(runs, gym, end=day(13))
    lines = [w for w in result.warnings if "your own session" in w]
    assert len(lines) == 1, result.warnings
    assert lines[0].startswith("runs.ics: Sat 17:30 Gym - legs (2 times: 06 Mar, 13 Mar)")
    assert "day before long run" in lines[0] and "[no-heavy-legs-before-key]" in lines[0]


def test_validator_sees_own_sessions(k):
    """A session of ours on an own session's day, or heavy within 48 h of an own heavy one,
    is a violation."""
    result = planned([], [own(day(2))])
    other = strength(result)[0]
    same_day = other.model_copy(update={"start": other.start.replace(day=day(2).day),
                                        "end": other.end.replace(day=day(2).day)})
    rules = {v.rule for v in validate(result.model_copy(update={"sessions": [same_day]}), k)}
    assert "one-per-day" in rules
    heavy = same_day.model_copy(update={"leg_load": LegLoad.HEAVY,
                                        "start": same_day.start + dt.timedelta(days=1),
                                        "end": same_day.end + dt.timedelta(days=1)})
    rules = {v.rule for v in validate(result.model_copy(update={"sessions": [heavy]}), k)}
    assert "heavy-spacing" in rules


def test_the_week_shows_the_phase_range_with_own_sessions_beyond_it():
    """Two own sessions in a week whose phase allows 2-3: nothing of ours is needed, and the
    week still reads 2-3 (not 0-1 or 4-5)."""
    result = planned([], [own(day(1)), own(day(4), "Strength", LegLoad.MODERATE)])
    week = result.weeks[0]
    assert (week.min_sessions, week.max_sessions, week.sessions_range()) == (0, 1, (2, 3))


def test_an_own_heavy_leg_session_counts_for_the_posterior_chain_day():
    """'Gym - legs' every week keeps posterior-every-7-10 from being paid, where no session of
    ours fits."""
    athlete = make_athlete(availability={"wed": ["18:00-18:10"]})
    sessions = [own(day(d)) for d in (1, 8, 15)]
    result = planned([], sessions, athlete, end=day(20))
    assert not [p for p in result.penalties if p.rule == "posterior-every-7-10"]
    alone = planned([], [], athlete, end=day(20))
    assert [p for p in alone.penalties if p.rule == "posterior-every-7-10"]
