"""The .ics exporter against DESIGN.md's output contract and four independent parsers."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import warnings
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from plan_factory import STAMP, make_athlete, make_plan

from runstrength.exporters.common import plan_uids, slot_uid
from runstrength.exporters.ics import PRODID, plan_to_ics

X_PROPS = (
    "X-RUNSTRENGTH-SESSION",
    "X-RUNSTRENGTH-LEG-LOAD",
    "X-RUNSTRENGTH-PHASE",
    "X-RUNSTRENGTH-VOLUME",
    "X-RUNSTRENGTH-WEEK",
)

def shifted_plan(days: int):
    """The factory plan moved by ``days`` (same wall-clock times)."""
    plan = make_plan()
    shift = dt.timedelta(days=days)
    for item in [*plan.sessions, *plan.runs]:
        item.start, item.end = item.start + shift, item.end + shift
    return plan


# Every shape of output the parsers must accept.
VARIANTS = {
    "default": lambda: plan_to_ics(make_plan()),
    "runs+alarm": lambda: plan_to_ics(make_plan(), include_runs=True, remind_minutes=30),
    "utc-athlete": lambda: plan_to_ics(make_plan(make_athlete("UTC")), include_runs=True),
    "new-york": lambda: plan_to_ics(make_plan(make_athlete("America/New_York"))),
    "sydney": lambda: plan_to_ics(make_plan(make_athlete("Australia/Sydney"))),
    "new-year": lambda: plan_to_ics(shifted_plan(280), include_runs=True),  # Dec 28 - Jan 5
    "empty": lambda: plan_to_ics(make_plan(sessions=[], runs=[])),
}


@pytest.fixture(params=sorted(VARIANTS))
def ics_text(request: pytest.FixtureRequest) -> str:
    return VARIANTS[request.param]().decode("utf-8")


def events(data: bytes) -> list:
    return Calendar.from_ical(data).walk("VEVENT")


def strength(data: bytes) -> list:
    return [e for e in events(data) if "STRENGTH" in e.categories]


# --- parsers -----------------------------------------------------------------------------


def test_icalendar_parses_without_errors(ics_text: str) -> None:
    """icalendar reads every variant with no component errors and no TZID lacking a VTIMEZONE."""
    cal = Calendar.from_ical(ics_text)
    assert [(c.name, c.errors) for c in cal.walk() if c.errors] == []
    assert cal.get_missing_tzids() == set()
    assert len(cal.timezones) == len(cal.get_used_tzids())


def test_ical_strict_parses(ics_text: str) -> None:
    """allenporter's ical parses every variant in its default (strict) mode."""
    # ical is strict unless the caller opts into ical.compat.enable_compat_mode(); we don't.
    from ical.calendar_stream import IcsCalendarStream

    cal = IcsCalendarStream.calendar_from_ics(ics_text)
    assert len(cal.events) == ics_text.count("BEGIN:VEVENT")
    assert cal.prodid == PRODID


def test_vobject_validates(ics_text: str) -> None:
    """vobject reads and validates every variant (readOne and readComponents)."""
    import vobject

    assert vobject.readOne(ics_text, validate=True).validate()
    components = list(vobject.readComponents(ics_text, validate=True))
    assert [c.name for c in components] == ["VCALENDAR"]


def test_ics_py_parses(ics_text: str) -> None:
    """ics.py parses every variant with the right number of events."""
    import ics

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ics 0.7 warns about its own future API
        cal = ics.Calendar(ics_text)
    assert len(cal.events) == ics_text.count("BEGIN:VEVENT")


# --- calendar and events -----------------------------------------------------------------


def test_calendar_properties() -> None:
    """The VCALENDAR carries PRODID, VERSION, CALSCALE, METHOD, names and X-WR-TIMEZONE."""
    cal = Calendar.from_ical(plan_to_ics(make_plan()))
    assert str(cal["PRODID"]) == "-//runstrength//runstrength 0.1//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Strength – Sam Kéré"
    assert str(cal["NAME"]) == "Strength – Sam Kéré"
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/London"
    assert "UID" not in cal  # would need to be random or derived; not part of the contract


def test_calendar_name_falls_back_to_id() -> None:
    """With no display name the calendar is named after the athlete id."""
    cal = Calendar.from_ical(plan_to_ics(make_plan(make_athlete(name=""))))
    assert str(cal["X-WR-CALNAME"]) == "Strength – sam"


def test_vtimezone_covers_the_clock_change() -> None:
    """The London VTIMEZONE knows GMT and BST, and the post-change session is at +01:00."""
    data = plan_to_ics(make_plan())
    (tz,) = Calendar.from_ical(data).timezones
    assert tz.tz_name == "Europe/London"
    assert {c.name for c in tz.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert len(data) < 10_000  # a year of rules, not 1970-2038
    starts = [e.start for e in strength(data)]
    assert [s.utcoffset() for s in starts] == [dt.timedelta(0)] * 2 + [dt.timedelta(hours=1)]


def test_only_strength_sessions_by_default() -> None:
    """One VEVENT per session, each Strength/STRENGTH, and no runs unless asked."""
    plan = make_plan()
    evs = events(plan_to_ics(plan))
    assert len(evs) == len(plan.sessions) == 3
    for e in evs:
        assert str(e["SUMMARY"]).startswith("Strength: ")
        assert "STRENGTH" in e.categories
        assert "X-RUNSTRENGTH-RUN" not in e


def test_event_fields() -> None:
    """Each VEVENT has the contract's fixed fields, timed in the athlete's zone."""
    for e in events(plan_to_ics(make_plan())):
        assert e.DTSTAMP == STAMP
        assert e.start.tzinfo is not None and e["DTSTART"].params["TZID"] == "Europe/London"
        assert e["DTEND"].params["TZID"] == "Europe/London"
        assert e.end > e.start
        assert str(e["TRANSP"]) == "OPAQUE"
        assert str(e["STATUS"]) == "CONFIRMED"
        assert int(e["SEQUENCE"]) == 0


def test_x_runstrength_properties_on_every_vevent() -> None:
    """Every strength VEVENT carries all X-RUNSTRENGTH-* properties with the session's values."""
    evs = strength(plan_to_ics(make_plan()))
    for e in evs:
        assert all(p in e for p in X_PROPS), e["SUMMARY"]
    posterior, core, unilateral = evs
    assert str(posterior["X-RUNSTRENGTH-SESSION"]) == "posterior-chain"
    assert str(posterior["X-RUNSTRENGTH-LEG-LOAD"]) == "heavy"
    assert str(posterior["X-RUNSTRENGTH-PHASE"]) == "base"
    assert str(posterior["X-RUNSTRENGTH-VOLUME"]) == "posterior=6;unilateral=3;core=3"
    assert str(posterior["X-RUNSTRENGTH-WEEK"]) == "1"
    assert str(core["X-RUNSTRENGTH-VOLUME"]) == "posterior=0;unilateral=0;core=6"
    assert str(unilateral["X-RUNSTRENGTH-PHASE"]) == "build"
    assert unilateral.categories == ["STRENGTH", "BUILD"]


def test_volume_is_written_verbatim() -> None:
    """The volume line is literally posterior=N;unilateral=N;core=N (no TEXT escaping)."""
    assert b"\r\nX-RUNSTRENGTH-VOLUME:posterior=6;unilateral=3;core=3\r\n" in plan_to_ics(
        make_plan()
    )


def test_uids_deterministic_and_unique() -> None:
    """A session's UID is its slot: uuid5(athlete|week's Monday|kind|nth)@runstrength; unique,
    stable, and pinned."""
    plan = make_plan()
    uids = [str(e["UID"]) for e in events(plan_to_ics(plan, include_runs=True))]
    assert len(set(uids)) == len(uids) == 6
    assert all(u.endswith("@runstrength") for u in uids)
    expected = set(plan_uids(plan))
    assert len(expected) == len(plan.sessions) and expected <= set(uids)
    # Pinned: changing the namespace or key would duplicate every event users imported.
    assert slot_uid("sam", dt.date(2027, 3, 23), "posterior-chain", 1) == (
        "54c0f521-7874-55dd-b59d-8998a2a41f70@runstrength"
    )
    assert slot_uid("sam", dt.date(2027, 3, 25), "posterior-chain", 1) == slot_uid(
        "sam", dt.date(2027, 3, 22), "posterior-chain", 1)


def test_uid_survives_moving_to_another_day_of_the_week() -> None:
    """Moving a session to another day of its week keeps its UID (the calendar moves it);
    a move into the next week is a new slot."""
    plan = make_plan()
    assert plan.sessions[1].start.strftime("%a") == "Tue"  # posterior-chain, Tue 23 Mar
    moved = plan.model_copy(deep=True)
    moved.sessions[1].start += dt.timedelta(days=3)  # Friday of the same week
    moved.sessions[1].end += dt.timedelta(days=3)
    assert plan_uids(moved) == plan_uids(plan)
    later = plan.model_copy(deep=True)
    later.sessions[1].start += dt.timedelta(days=7)
    later.sessions[1].end += dt.timedelta(days=7)
    assert plan_uids(later)[1] != plan_uids(plan)[1]
    assert plan_uids(later)[0] == plan_uids(plan)[0]


def test_two_all_day_runs_of_one_kind_on_one_day_get_two_uids() -> None:
    """Regression (issue 10, item 7): with --include-runs, two all-day runs of one kind on one
    day (both start at run_time) shared a UID; imported, one overwrote the other."""
    plan = make_plan()
    run = plan.runs[0]
    twin = run.model_copy(update={"title": "Second easy run", "all_day": True})
    plan = plan.model_copy(update={"runs": [run.model_copy(update={"all_day": True}), twin,
                                            *plan.runs[1:]]})
    uids = [str(e["UID"]) for e in events(plan_to_ics(plan, include_runs=True))]
    assert len(set(uids)) == len(uids)
    again = [str(e["UID"]) for e in events(plan_to_ics(plan, include_runs=True))]
    assert again == uids


def test_uid_survives_moving_within_the_day() -> None:
    """Moving a session to another time on the same day keeps its UID (update in place)."""
    plan = make_plan()
    moved = plan.model_copy(deep=True)
    moved.sessions[0].start += dt.timedelta(hours=-3)
    moved.sessions[0].end += dt.timedelta(hours=-3)
    assert {str(e["UID"]) for e in events(plan_to_ics(plan))} == {
        str(e["UID"]) for e in events(plan_to_ics(moved))
    }


def test_two_exports_byte_identical() -> None:
    """Same plan → same bytes, also when built again and with sessions in another order."""
    first = plan_to_ics(make_plan(), include_runs=True, remind_minutes=15)
    again = plan_to_ics(make_plan(), include_runs=True, remind_minutes=15)
    plan = make_plan()
    shuffled = plan.model_copy(update={"sessions": plan.sessions[::-1], "runs": plan.runs[::-1]})
    assert first == again == plan_to_ics(shuffled, include_runs=True, remind_minutes=15)
    assert make_plan().to_ics() == plan_to_ics(make_plan())


def test_identical_across_processes() -> None:
    """Bytes do not depend on hash seeds or anything else that varies between processes."""
    code = (
        "import sys; from plan_factory import make_plan;"
        "from runstrength.exporters.ics import plan_to_ics;"
        "sys.stdout.buffer.write(plan_to_ics(make_plan(), include_runs=True, remind_minutes=5))"
    )
    tests = str(Path(__file__).parent)
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": tests}
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1] == plan_to_ics(make_plan(), include_runs=True, remind_minutes=5)


def test_events_sorted_by_start() -> None:
    """Events come out in start order whatever the order of the plan's lists."""
    starts = [e.start for e in events(plan_to_ics(make_plan(), include_runs=True))]
    assert starts == sorted(starts)


def test_session_times_converted_to_athlete_zone() -> None:
    """A session stored in UTC is written in the athlete's zone, same instant."""
    plan = make_plan()
    utc_plan = plan.model_copy(deep=True)
    for s in utc_plan.sessions:
        s.start, s.end = s.start.astimezone(dt.UTC), s.end.astimezone(dt.UTC)
    assert plan_to_ics(utc_plan) == plan_to_ics(plan)


def test_dtstamp_converted_to_utc() -> None:
    """A stamp in another zone is written as the same instant in UTC, without microseconds."""
    stamp = dt.datetime(2027, 3, 1, 13, 0, 0, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    data = plan_to_ics(make_plan(stamp=stamp))
    assert b"DTSTAMP:20270301T120000Z\r\n" in data


def test_text_round_trip() -> None:
    """Commas, semicolons, newlines, quotes and non-ASCII come back unchanged in every parser."""
    import vobject
    from ical.calendar_stream import IcsCalendarStream

    plan = make_plan()
    data = plan_to_ics(plan)
    text = data.decode("utf-8")
    session = min(plan.sessions, key=lambda s: s.start)
    summary = "Strength: Posterior chain; hips, hamstrings"

    ical_event = strength(data)[0]
    assert str(ical_event["SUMMARY"]) == summary
    description = str(ical_event["DESCRIPTION"])
    assert "- Bulgarian split squat, rear foot elevated: 3 x 8 per side" in description
    assert "Effort for Bulgarian split squat, rear foot elevated: moderate, RPE 7" in description
    assert description.endswith("Why here: " + session.reason)

    v_event = vobject.readOne(text).vevent_list[0]
    assert v_event.summary.value == summary
    assert v_event.description.value == description

    a_event = IcsCalendarStream.calendar_from_ics(text).events[0]
    assert a_event.summary == summary
    assert a_event.description == description

    core = str(strength(data)[1]["DESCRIPTION"])
    assert "- Étape plank; côté: 3 x 30-45 s per side" in core and "Effort: bodyweight" in core
    assert 'slow, "quality" reps' in core


def test_description_a_person_can_train_from() -> None:
    """DESCRIPTION: title and length, phase and week (deload flagged), the week's load cue and
    effort once, headed Warm-up / Main block / Cool-down sections with one item a line
    (sets x reps, rest), then why."""
    plan = make_plan()
    deload = next(s for s in plan.sessions if s.deload)
    description = str(strength(plan_to_ics(plan))[2]["DESCRIPTION"])
    lines = description.split("\n")
    assert lines[0] == (f"{deload.title} - 40 min (warm-up 4, main block 34, cool-down 2)")
    assert lines[1] == "Phase: build, week 2 (deload week)"
    assert "Load this week: deload week: same exercises, fewer sets" in lines
    assert sum(line.startswith("Effort: ") for line in lines) == 1
    warm, main, cool = (lines.index(h) for h in ("Warm-up (4 min)", "Main block (34 min)",
                                                  "Cool-down (2 min)"))
    assert warm < main < cool
    assert lines[warm + 1] == "- Leg swings: 10 swings per side"
    assert lines[main + 1].startswith("- Bulgarian split squat, rear foot elevated: 2 x 8 per "
                                      "side, rest 60-90 s")
    assert lines[main + 2].startswith("- Étape plank; côté: 2 x 30 s per side, rest 30-45 s")
    assert lines[cool + 1] == "- Breathing, lying down: 6 breaths"
    assert lines[-1] == "Why here: " + deload.reason
    not_deload = str(strength(plan_to_ics(plan))[0]["DESCRIPTION"])
    assert "deload" not in not_deload


def test_valarm_shape() -> None:
    """remind_minutes adds one DISPLAY VALARM per strength event, N minutes before."""
    data = plan_to_ics(make_plan(), include_runs=True, remind_minutes=45)
    for e in events(data):
        alarms = e.walk("VALARM")
        if "STRENGTH" not in e.categories:
            assert alarms == []  # runs are in the runner's own calendar with its own alarms
            continue
        (alarm,) = alarms
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm["TRIGGER"].dt == dt.timedelta(minutes=-45)
        assert str(alarm["DESCRIPTION"]) == str(e["SUMMARY"])
    assert b"TRIGGER:-PT45M\r\n" in data
    assert b"VALARM" not in plan_to_ics(make_plan())


def test_negative_reminder_rejected() -> None:
    """A reminder after the start is a caller error."""
    with pytest.raises(ValueError, match="remind_minutes"):
        plan_to_ics(make_plan(), remind_minutes=-5)


def test_runs_included_on_request() -> None:
    """include_runs adds each run as a RUN VEVENT with X-RUNSTRENGTH-RUN and its own UID."""
    plan = make_plan()
    runs = [e for e in events(plan_to_ics(plan, include_runs=True)) if "RUN" in e.categories]
    assert len(runs) == len(plan.runs)
    kinds = {str(e["X-RUNSTRENGTH-RUN"]) for e in runs}
    assert kinds == {"easy", "long", "intervals"}
    for e in runs:
        assert "X-RUNSTRENGTH-SESSION" not in e
        assert str(e["TRANSP"]) == "TRANSPARENT"
        assert not str(e["SUMMARY"]).startswith("Strength")
    long_run = next(e for e in runs if str(e["X-RUNSTRENGTH-RUN"]) == "long")
    assert str(long_run["SUMMARY"]) == "Run (long)"
    assert "start assumed at 09:00" in str(long_run["DESCRIPTION"])


def test_kind_with_line_break_rejected() -> None:
    """X- values are written raw, so a kind id with a line break is refused, not written."""
    plan = make_plan()
    plan.sessions[0].kind = "core\nX-EVIL:1"
    with pytest.raises(ValueError, match="line break"):
        plan_to_ics(plan)


def test_utc_athlete_needs_no_vtimezone() -> None:
    """A UTC athlete gets Z times and no VTIMEZONE."""
    data = plan_to_ics(make_plan(make_athlete("UTC")))
    assert b"BEGIN:VTIMEZONE" not in data
    assert b"DTSTART:20270323T183000Z\r\n" in data


def test_lines_are_crlf_and_folded() -> None:
    """Content lines end in CRLF and are folded at 75 octets (RFC 5545 3.1)."""
    data = plan_to_ics(make_plan(), include_runs=True)
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75


def test_fast_folding_is_icalendars_byte_for_byte() -> None:
    """The export folds lines itself (issue 11: icalendar's folding was most of the export's
    time); the bytes are exactly icalendar's, for ASCII, accents, emoji, escapes at the cut."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from icalendar.parser.content_line import _foldline

    from runstrength.exporters.ics import fold

    text = st.text(alphabet=st.sampled_from(list("ab \\^,;:é€×—😀")), max_size=400)

    @settings(max_examples=500, deadline=None, derandomize=True, database=None)
    @given(text)
    def same(line: str) -> None:
        assert fold(line) == _foldline(line).encode("utf-8")

    same()
    plan = make_plan()
    assert plan_to_ics(plan) == Calendar.from_ical(plan_to_ics(plan)).to_ical()
