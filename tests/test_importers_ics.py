"""iCalendar import: exports of TrainingPeaks, Google and Outlook, encodings, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from runstrength.domain import Athlete, RunKind
from runstrength.errors import InputError
from runstrength.importers import load_schedule
from runstrength.importers.ics import SPAN_CAP, read_ics

DATA = Path(__file__).resolve().parent / "data"
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
LONDON = ZoneInfo("Europe/London")


def athlete(timezone: str = "Europe/London", **fields) -> Athlete:
    return Athlete(id="t", timezone=timezone, run_time="07:00", run_minutes=60, **fields)


def read(name: str, k, who: Athlete | None = None, start=None, end=None):
    return read_ics((DATA / name).read_bytes(), name, who or athlete(), k, start, end)


def local(day: str, clock: str, zone: ZoneInfo = LONDON) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=zone)


def test_trainingpeaks_feed(k):
    """All-day Run: items become runs at run_time; Bike/Swim/Strength/Day Off are skipped."""
    s = read("import_trainingpeaks.ics", k)
    assert [(r.start.date().isoformat(), r.kind) for r in s.runs] == [
        ("2027-03-02", RunKind.INTERVALS),
        ("2027-03-04", RunKind.TEMPO),
        ("2027-03-05", RunKind.EASY),
        ("2027-03-07", RunKind.LONG),
        ("2027-03-14", RunKind.RACE),
    ]
    assert s.busy == []
    assert all(r.all_day and r.start.timetz() == dt.time(7, tzinfo=LONDON) for r in s.runs)
    minutes = [(r.end - r.start) // dt.timedelta(minutes=1) for r in s.runs]
    assert minutes == [65, 50, 60, 130, 105]  # Planned Time, Duration, default, ...
    assert s.runs[0].source == "import_trainingpeaks.ics: event tp-2@feed.example"
    assert s.stamp == dt.datetime(2027, 2, 25, 18, 15, tzinfo=dt.UTC)  # newest LAST-MODIFIED


def test_google_export(k):
    """X-WR-TIMEZONE, RRULE, EXDATE, a moved RECURRENCE-ID and busy events across a DST change."""
    ny = ZoneInfo("America/New_York")
    s = read("import_google.ics", k, athlete("America/New_York"))
    easy = [r for r in s.runs if r.title == "Easy run"]
    assert len(easy) == 9  # Mon/Wed in March, 15 March excluded
    assert local("2027-03-15", "06:30", ny) not in {r.start for r in easy}
    assert all(r.start.timetz() == dt.time(6, 30, tzinfo=ny) for r in easy)  # EST and EDT
    long_runs = [r.start for r in s.runs if r.kind == RunKind.LONG]
    assert long_runs == [local("2027-03-07", "08:00", ny), local("2027-03-14", "08:00", ny),
                         local("2027-03-20", "07:30", ny)]
    assert [r.title for r in s.runs if r.kind == RunKind.RACE] == ["Race: Spring 10K"]
    busy = {(b.title, b.start) for b in s.busy if b.title != "Work"}
    assert busy == {
        ("Kids swim practice", local("2027-03-03", "17:00", ny)),
        ("Kids swim practice", local("2027-03-17", "17:00", ny)),  # 10 March cancelled
        ("Book club", local("2027-03-04", "19:00", ny)),  # floating: X-WR-TIMEZONE
        ("Dentist", local("2027-03-05", "17:45", ny)),  # UTC
        ("Coffee with Sam", local("2027-03-09", "12:00", ny)),
    }
    coffee = next(b for b in s.busy if b.title == "Coffee with Sam")
    assert coffee.end - coffee.start == dt.timedelta(minutes=30)  # DURATION
    titles = {b.title for b in s.busy} | {r.title for r in s.runs}
    assert not titles & {"Team lunch", "Focus time", "Vacation", "Bike: group ride"}
    # the window follows the runs (1-31 March), not the open-ended work series from 2025
    work = sorted(b.start.date() for b in s.busy if b.title == "Work")
    assert work[0] == dt.date(2027, 3, 1) and work[-1] <= dt.date(2027, 4, 1)
    assert s.stamp == dt.datetime(2027, 3, 2, 8, 9, 10, tzinfo=dt.UTC)
    assert s.warnings == []


def test_explicit_window_filters(k):
    """Given start and end, only events on those local dates are kept."""
    s = read("import_google.ics", k, athlete("America/New_York"),
             dt.date(2027, 3, 8), dt.date(2027, 3, 14))
    days = {r.start.date() for r in s.runs} | {b.start.date() for b in s.busy}
    assert min(days) == dt.date(2027, 3, 8) and max(days) == dt.date(2027, 3, 14)


def test_outlook_windows_zones(k):
    """Windows TZIDs without VTIMEZONE are real zones; all-day out-of-office blocks its days."""
    s = read("import_outlook.ics", k)
    assert [r.start for r in s.runs] == [
        local("2027-03-02", "17:30"), local("2027-03-16", "17:30"), local("2027-03-23", "17:30")
    ]
    assert all(r.kind == RunKind.INTERVALS for r in s.runs)
    assert [(b.title, b.start) for b in s.busy] == [
        ("Team meeting", local("2027-03-03", "11:00")),
        ("Call with London office", local("2027-03-04", "09:00")),
        ("Business trip Munich", local("2027-03-06", "00:00")),
    ]
    assert s.busy[-1].end == local("2027-03-08", "00:00")
    assert s.stamp == dt.datetime(2027, 2, 26, 8, 15, 12, tzinfo=dt.UTC)


def test_floating_and_odd_events(k):
    """Floating times, missing ends, DURATION, a date start with a timed end, unknown TZID."""
    s = read("import_floating.ics", k)
    runs = {r.source.split("event ")[1]: r for r in s.runs}
    assert runs["float-run"].start == local("2027-03-02", "07:00")
    assert runs["no-end-run"].end - runs["no-end-run"].start == dt.timedelta(minutes=35)
    assert runs["no-end-default"].end - runs["no-end-default"].start == dt.timedelta(minutes=60)
    assert runs["date-start-timed-end"].all_day
    assert runs["date-start-timed-end"].start == local("2027-03-05", "07:00")
    assert runs["utc-run"].start == local("2027-03-06", "08:30")
    assert [(b.title, b.start, b.end) for b in s.busy] == [
        ("Planning meeting", local("2027-03-02", "12:00"), local("2027-03-02", "13:30")),
        ("Choir", local("2027-03-05", "18:00"), local("2027-03-05", "19:00")),
    ]  # "Call the plumber" has no length: not busy
    assert any("Mars/Olympus_Mons" in w for w in s.warnings)
    assert any("date-start-timed-end" in w and "all-day" in w for w in s.warnings)


def test_several_vcalendars(k):
    """Each VCALENDAR of a file is read, with its own X-WR-TIMEZONE."""
    s = read("import_multi.ics", k)
    assert [r.start for r in s.runs] == [local("2027-03-02", "06:00")]  # 07:00 Berlin
    assert [b.start for b in s.busy] == [local("2027-03-02", "12:00")]  # floating
    assert s.stamp == dt.datetime(2027, 1, 2, tzinfo=dt.UTC)


@pytest.mark.parametrize("name", ["import_bom.ics", "import_utf16.ics", "import_cp1252.ics"])
def test_encodings(k, name):
    """UTF-8 with BOM, UTF-16 and Windows-1252 files give the same title."""
    s = read(name, k)
    assert [r.title for r in s.runs] == ["Dauerlauf an der Spree \u2013 Köln ünd zurück"]
    assert s.runs[0].kind == RunKind.EASY


def test_broken_events_become_warnings(k):
    """An event with a bad value or rule is skipped with a warning; the rest is imported."""
    s = read("import_bad_event.ics", k)
    assert [r.title for r in s.runs] == ["Easy run"]
    assert any("event broken" in w and "DTSTART" in w for w in s.warnings)
    assert any("event bad-rule" in w and "RRULE" in w for w in s.warnings)


def test_open_ended_rule_window_is_capped(k):
    """Without start/end, an open-ended weekly run reaches SPAN_CAP from its first date."""
    data = (b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:w\n"
            b"DTSTART:20270104T070000Z\nDTEND:20270104T080000Z\nRRULE:FREQ=WEEKLY\n"
            b"SUMMARY:Easy run\nEND:VEVENT\nEND:VCALENDAR\n")
    s = read_ics(data, "w.ics", athlete(), k, None, None)
    assert s.runs[0].start.date() == dt.date(2027, 1, 4)
    assert s.runs[-1].start.date() <= dt.date(2027, 1, 5) + SPAN_CAP
    assert len(s.runs) == 54


def test_rule_repeating_every_minute_is_dropped(k):
    """A rule more frequent than hourly is skipped with a warning instead of expanding forever."""
    data = (b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:m\n"
            b"DTSTART:20270104T070000Z\nDTEND:20270104T070100Z\nRRULE:FREQ=MINUTELY\n"
            b"SUMMARY:Easy run\nEND:VEVENT\nEND:VCALENDAR\n")
    s = read_ics(data, "m.ics", athlete(), k, None, None)
    assert s.runs == []
    assert s.warnings == ["m.ics: event m: skipped: repeats more often than hourly"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "x.ics: the file is empty"),
        (b"date,title\n2027-03-01,Easy\n", "x.ics: not an iCalendar file"),
        (b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1\n", "x.ics: no complete VCALENDAR"),
        (b"BEGIN:VEVENT\nUID:1\nEND:VEVENT\n", "x.ics: not an iCalendar file"),
        (b"BEGIN:VCALENDAR\nCALSCALE:HEBREW\nBEGIN:VEVENT\nUID:1\nDTSTART:20270301T070000\n"
         b"SUMMARY:Run\nEND:VEVENT\nEND:VCALENDAR\n", "x.ics: event 1: Only Gregorian"),
    ],
)
def test_not_a_calendar(k, data, message):
    """Empty, foreign or truncated data is one InputError naming the file."""
    with pytest.raises(InputError) as err:
        read_ics(data, "x.ics", athlete(), k, None, None)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_bad_line_names_the_line(k):
    """A line the parser cannot read is reported with its file and line number."""
    with pytest.raises(InputError, match=r"^import_bad_line\.ics: line 11: "):
        read("import_bad_line.ics", k)


def test_load_schedule_dispatch(k, tmp_path):
    """load_schedule picks the reader by extension or format, and reports unusable paths."""
    who = athlete()
    assert load_schedule(DATA / "import_multi.ics", who, k).runs
    assert load_schedule(DATA / "import_plain.csv", who, k).runs
    stdin = (DATA / "import_multi.ics").read_bytes()
    assert load_schedule("-", who, k, fmt="ics", data=stdin).runs[0].source.startswith("<stdin>")
    cases = {
        "-": "-: reading stdin needs a format",
        str(tmp_path / "runs.txt"): "runs.txt: unknown schedule format",
        str(tmp_path / "missing.ics"): "missing.ics: file not found",
        str(tmp_path): "is a directory",
    }
    (tmp_path / "runs.txt").write_text("x")
    for path, message in cases.items():
        with pytest.raises(InputError, match=message.replace(".", r"\.")):
            load_schedule(path, who, k)


@pytest.mark.parametrize("folder", sorted(p.parent.name for p in SCENARIOS.glob("*/athlete.toml")))
def test_scenarios_import_cleanly(k, folder):
    """Every scenario's running schedule imports with runs and without warnings."""
    from runstrength.profile import load_athlete

    runs = next((SCENARIOS / folder).glob("runs.*"))
    s = load_schedule(runs, load_athlete(SCENARIOS / folder / "athlete.toml"), k)
    assert s.runs and s.warnings == []


def _shipped_calendars() -> list[Path]:
    icalendar_dir = Path(icalendar.__file__).parent / "tests" / "calendars"
    rie_dir = Path(recurring_ical_events.__file__).parent / "test" / "calendars"
    return sorted(icalendar_dir.glob("*.ics")) + sorted(rie_dir.glob("*.ics"))


def test_shipped_calendars_are_present():
    """The real-world calendars of both wheels are installed, so the test below is not empty."""
    assert len(_shipped_calendars()) > 150


@pytest.mark.parametrize("path", _shipped_calendars(),
                         ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_shipped_calendar_gives_schedule_or_input_error(k, path):
    """Each real-world calendar imports, or fails with a one-line InputError: no traceback."""
    try:
        schedule = read_ics(path.read_bytes(), path.name, athlete(), k, None, None)
    except InputError as exc:
        assert str(exc).startswith(f"{path.name}: ") and "\n" not in str(exc)
    else:
        assert all(r.start.tzinfo and r.end > r.start for r in schedule.runs)
        assert all(b.start.tzinfo and b.end > b.start for b in schedule.busy)


def _event(uid: str, lines: str) -> str:
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270101T000000Z\r\n{lines}END:VEVENT\r\n"


def test_busy_status_and_transparency_decide_busy_time(k):
    """Outlook FREE is free; all-day items block only when marked busy (OPAQUE, OOF)."""
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + _event("run", "SUMMARY:Easy run\r\nDTSTART:20270301T070000\r\n"
                        "DTEND:20270301T080000\r\n")
        + _event("free", "SUMMARY:Lunch & learn\r\nDTSTART:20270302T120000\r\n"
                         "DTEND:20270302T130000\r\nX-MICROSOFT-CDO-BUSYSTATUS:FREE\r\n")
        + _event("meeting", "SUMMARY:Meeting\r\nDTSTART:20270302T140000\r\n"
                            "DTEND:20270302T150000\r\n")
        + _event("trip", "SUMMARY:Hamburg weekend\r\nDTSTART;VALUE=DATE:20270306\r\n"
                         "DTEND;VALUE=DATE:20270308\r\nTRANSP:OPAQUE\r\n")
        + _event("holiday", "SUMMARY:Holiday\r\nDTSTART;VALUE=DATE:20270303\r\n"
                            "DTEND;VALUE=DATE:20270304\r\nTRANSP:TRANSPARENT\r\n")
        + _event("note", "SUMMARY:Mum's birthday\r\nDTSTART;VALUE=DATE:20270304\r\n")
        + "END:VCALENDAR\r\n"
    )
    s = read_ics(text.encode(), "t.ics", athlete(), k, dt.date(2027, 3, 1), dt.date(2027, 3, 7))
    assert [(b.title, b.start, b.end) for b in s.busy] == [
        ("Meeting", local("2027-03-02", "14:00"), local("2027-03-02", "15:00")),
        ("Hamburg weekend", local("2027-03-06", "00:00"), local("2027-03-08", "00:00")),
    ]


def test_work_that_explodes_is_bounded(k):
    """Regression (issue 10, item 4): FREQ=DAILY with every BYHOUR/BYMINUTE hung; hundreds of
    open-ended FREQ=HOURLY series ran out of memory. The first is skipped with a warning naming
    it; past the calendar's bound the import is one error naming the busiest series."""
    every = ",".join(map(str, range(60)))
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
            + _event("run", "SUMMARY:Easy run\r\nDTSTART:20270301T070000\r\n"
                            "DTEND:20270301T080000\r\n")
            + _event("minutes", "SUMMARY:Ping\r\nDTSTART:20270301T000000\r\n"
                                f"RRULE:FREQ=DAILY;BYHOUR=0,1,2,3;BYMINUTE={every}\r\n")
            + "END:VCALENDAR\r\n")
    s = read_ics(text.encode(), "t.ics", athlete(), k, dt.date(2027, 3, 1), dt.date(2027, 3, 7))
    assert any("event minutes: skipped: repeats 240 times a day" in w for w in s.warnings)
    hourly = "".join(_event(f"h{i}", f"SUMMARY:Ping\r\nDTSTART:20270301T{i % 24:02d}0000\r\n"
                                     "DTEND:20270301T003000\r\nRRULE:FREQ=HOURLY\r\n")
                     for i in range(200))
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + hourly
            + "END:VCALENDAR\r\n")
    with pytest.raises(InputError, match=r"^t\.ics: more than 20,000 events in the season "
                                         r"\(the most: event h\d+"):
        read_ics(text.encode(), "t.ics", athlete(), k, dt.date(2027, 3, 1), dt.date(2027, 9, 1))


def test_a_calendars_own_vtimezone_is_used_beside_x_wr_timezone(k):
    """Regression (issue 10, item 6): a calendar's VTIMEZONE was ignored when it also named
    an X-WR-TIMEZONE. A 07:00 run at +05:30 is 20:30 the evening before in New York."""
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
            "X-WR-TIMEZONE:America/New_York\r\n"
            "BEGIN:VTIMEZONE\r\nTZID:India Time\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
            "TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
            + _event("a", "SUMMARY:Easy run\r\nDTSTART;TZID=India Time:20270302T070000\r\n"
                          "DTEND;TZID=India Time:20270302T080000\r\n")
            + "END:VCALENDAR\r\n")
    ny = ZoneInfo("America/New_York")
    s = read_ics(text.encode(), "t.ics", athlete("America/New_York"), k, dt.date(2027, 3, 1),
                 dt.date(2027, 3, 7))
    assert [(r.start, r.end) for r in s.runs] == [
        (local("2027-03-01", "20:30", ny), local("2027-03-01", "21:30", ny))]


def test_floating_times_the_clocks_skip_exist_after_import(k):
    """Regression (issue 10, item 6): a floating 01:30 on the London spring-forward night is
    not a time; it is read as 02:30 BST, and its hour lasts an hour of real time."""
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
            + _event("a", "SUMMARY:Night shift\r\nDTSTART:20270328T013000\r\n"
                          "DTEND:20270328T033000\r\n")
            + "END:VCALENDAR\r\n")
    s = read_ics(text.encode(), "t.ics", athlete(), k, dt.date(2027, 3, 22), dt.date(2027, 3, 28))
    [block] = s.busy
    assert block.start.astimezone(dt.UTC) == dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.UTC)
    assert block.start.strftime("%H:%M %Z") == "02:30 BST"


def _outcome(data: bytes, name: str, who: Athlete, k) -> object:
    try:
        return read_ics(data, name, who, k, None, None).model_dump()
    except InputError as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("path", [*sorted(DATA.glob("*.ics")), *_shipped_calendars()],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_calendar_read_again_is_read_as_the_first_time(k, path):
    """The parsed calendars of the same bytes are kept for the next file (a roster's
    athletes share their club's plan): read again, after an athlete in another zone read
    them, a file reads as it did the first time, and each file's messages name that file."""
    from runstrength.importers.ics import _calendars

    data = path.read_bytes()
    first, second = athlete("America/New_York"), athlete()
    _calendars.cache_clear()
    alone = _outcome(data, "two.ics", second, k)
    between = _outcome(data, "one.ics", first, k)
    again = _outcome(data, "two.ics", second, k)
    assert again == alone
    assert "one.ics" not in repr(again)
    assert repr(between).count("two.ics") == 0
    assert repr(between).count("one.ics") == repr(alone).count("two.ics")
    if isinstance(alone, dict):
        assert _calendars.cache_info().hits == 2
