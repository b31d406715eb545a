"""exporters.lines: events written as content lines are the bytes icalendar writes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Alarm, Calendar, Event
from plan_factory import make_athlete, make_plan

from runstrength.exporters.ics import fold, plan_to_ics
from runstrength.exporters.lines import Lines, Written, alarm

LONDON = ZoneInfo("Europe/London")
AWKWARD = "Sam, \"Kel;ler\" \\ 🏃 é\nsecond line"


def folded(lines: list[str]) -> bytes:
    return b"".join(fold(line) + b"\r\n" for line in lines)


def icalendar_event(props: list[tuple[str, object]], alarm_of: tuple[int, str] | None = None):
    event = Event()
    for name, value in props:
        event.add(name, value)
    if alarm_of is not None:
        inner = Alarm()
        inner.add("action", "DISPLAY")
        inner.add("trigger", dt.timedelta(minutes=-alarm_of[0]))
        inner.add("description", alarm_of[1])
        event.add_component(inner)
    return event


@pytest.mark.parametrize("start", [
    dt.datetime(2027, 3, 1, 6, 30, tzinfo=LONDON),
    dt.datetime(2027, 3, 1, 6, 30, tzinfo=dt.UTC),
    dt.datetime(2027, 3, 1, 6, 30, tzinfo=ZoneInfo("UTC")),
    dt.datetime(2027, 3, 1, 6, 30, tzinfo=ZoneInfo("America/New_York")),
    dt.datetime(2027, 3, 1, 6, 30),  # floating
])
def test_an_event_is_written_as_icalendar_writes_it(start):
    """Properties given in another order than icalendar's, values that need escaping, a
    zoned, UTC or floating time, an alarm: the same bytes as ``Event.to_ical``."""
    end = start + dt.timedelta(minutes=45)
    stamp = dt.datetime(2027, 1, 1, 5, 0, tzinfo=dt.UTC)
    lines = Lines()
    lines.raw("X-RUNSTRENGTH-VOLUME", "posterior=4;unilateral=2;core=3")
    lines.text("DESCRIPTION", f"Line one, with; marks\\n{AWKWARD}\n" + "long " * 40)
    lines.moment("DTEND", end)
    lines.text("UID", "abc@runstrength")
    lines.categories("CATEGORIES", ("STRENGTH", "BA,SE"))
    lines.moment("DTSTART", start)
    lines.text("SUMMARY", AWKWARD)
    lines.number("SEQUENCE", 3)
    lines.moment("DTSTAMP", stamp)
    lines.text("LOCATION", "Club gym; room 2")
    ours = folded(lines.written(inside=list(alarm(15, AWKWARD))))
    theirs = icalendar_event([
        ("x-runstrength-volume", "posterior=4;unilateral=2;core=3"),
        ("description", f"Line one, with; marks\\n{AWKWARD}\n" + "long " * 40),
        ("dtend", end), ("uid", "abc@runstrength"), ("categories", ["STRENGTH", "BA,SE"]),
        ("dtstart", start), ("summary", AWKWARD), ("sequence", 3), ("dtstamp", stamp),
        ("location", "Club gym; room 2"),
    ], alarm_of=(15, AWKWARD)).to_ical()
    assert ours == theirs


def test_an_alarm_at_the_start_is_icalendars():
    ours = folded(Lines().written(inside=list(alarm(0, "Strength: Legs"))))
    assert ours == icalendar_event([], alarm_of=(0, "Strength: Legs")).to_ical()


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet=st.sampled_from(list("ab ,;:\\\n\r\"'é😀^\t")), max_size=120))
def test_any_text_is_escaped_as_icalendar_escapes_it(value):
    lines = Lines()
    lines.text("SUMMARY", value)
    assert folded(lines.written()) == icalendar_event([("summary", value)]).to_ical()


def test_a_written_event_reads_back_as_the_same_event():
    start = dt.datetime(2027, 3, 1, 18, 0, tzinfo=LONDON)
    lines = Lines()
    lines.text("UID", "u1@runstrength")
    lines.moment("DTSTART", start)
    lines.moment("DTEND", start + dt.timedelta(hours=1))
    lines.text("SUMMARY", AWKWARD)
    written = Written("u1@runstrength", start, start + dt.timedelta(hours=1), lines.written())
    event = written.event()
    assert event["SUMMARY"] == AWKWARD
    assert event.start == start
    assert event.to_ical() == folded(written.lines)


@pytest.mark.parametrize("options", [
    {}, {"include_runs": True, "remind_minutes": 30}, {"feed": True, "remind_minutes": 0},
])
@pytest.mark.parametrize("zone", ["Europe/London", "UTC", "Australia/Sydney"])
def test_a_whole_calendar_is_what_icalendar_writes_back(options, zone):
    """A calendar icalendar reads and writes again is the same bytes: every line is in
    icalendar's order and spelling, the VTIMEZONE included."""
    athlete = make_athlete(zone).model_copy(update={"name": AWKWARD})
    data = plan_to_ics(make_plan(athlete), **options)
    assert data.count(b"BEGIN:VEVENT") >= 3
    assert (b"BEGIN:VTIMEZONE" in data) == (zone != "UTC")
    assert Calendar.from_ical(data).to_ical() == data
