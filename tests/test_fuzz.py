"""Fuzzing the command line: mangled calendars and mangled profiles.

Whatever bytes the schedule holds and whatever the profile says, `runstrength plan` ends in
one of two ways: exit 0 with a calendar written, or exit 1 with exactly one line on stderr
naming the file at fault and nothing written. Never a traceback, never the CLI's "internal
error" fallback (that line means a bug).

The two property tests are derandomized so CI sees the same examples on every run (set
RUNSTRENGTH_FUZZ_EXAMPLES=5000 for a long random session); the regression tests at the end
pin each bug they found.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import tempfile
from pathlib import Path

import icalendar
from click.testing import CliRunner
from conftest import DATA, SCENARIOS
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_real_calendars import first_monday

from runstrength.cli import main
from runstrength.importers import decode

_LONG = int(os.environ.get("RUNSTRENGTH_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=_LONG or 60, deadline=None, derandomize=not _LONG, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
WEEKS = 2  # a short season per example: the point is the input handling, not the solve

# ---------------------------------------------------------------------------------------------
# helpers


def run_cli(args: list[str], stdin: bytes | None = None):
    return CliRunner().invoke(main, args, input=stdin, catch_exceptions=False,
                              env={"SOURCE_DATE_EPOCH": "1800000000"})


def assert_clean_outcome(result, culprit: str, out: Path) -> None:
    """Exit 0 with a calendar, or exit 1 with one line naming ``culprit``; nothing else."""
    err = result.stderr
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in err, err
    lines = err.splitlines()
    report = out.with_name("season.html")  # written when the call asked for --report
    if result.exit_code == 1:
        assert len(lines) == 1, err
        assert lines[0].startswith(f"runstrength: error: {culprit}: "), err
        assert not out.exists() and not report.exists()
        return
    if report.exists():  # user text stays text: one inline script (ours), no other markup
        page = report.read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and page.count("<script") == 1
    assert result.exit_code == 0, result.output
    assert all(line.startswith(("runstrength: warning: ", "runstrength: shortfall: "))
               for line in lines), err
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert all(not c.errors for c in cal.walk())
    for vevent in cal.walk("VEVENT"):
        assert vevent.DTEND > vevent.DTSTART


# ---------------------------------------------------------------------------------------------
# (a) mangled .ics


ICS_SEEDS = sorted(SCENARIOS.glob("*/runs.ics")) + sorted(DATA.glob("import_*.ics"))

#: Lines a calendar should not hold, or holds in the wrong place.
GARBAGE = [
    b"RRULE:FREQ=DAILY;COUNT=100000",
    b"RRULE:FREQ=SECONDLY",
    b"RRULE:FREQ=MINUTELY;INTERVAL=1",
    b"RRULE:FREQ=HOURLY;COUNT=5000",
    b"RRULE:FREQ=YEARLY;UNTIL=99991231",
    b"RRULE:FREQ=WEEKLY;INTERVAL=0",
    b"RRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYDAY=MO",
    b"RRULE:FREQ=DAILY;UNTIL=20270301T070000",
    b"RRULE:FREQ=DAILY;COUNT=-3",
    b"RRULE:garbage",
    b"RRULE:FREQ=WEEKLY;BYDAY=XX",
    b"EXDATE:nope",
    b"EXDATE;VALUE=DATE:20270302",
    b"RDATE;VALUE=TIME:083000",
    b"RDATE;VALUE=PERIOD:20270302T070000Z/PT1H",
    b"RDATE:20270303T070000,garbage",
    b"RECURRENCE-ID:20270302T070000",
    b"RECURRENCE-ID;RANGE=THISANDFUTURE:20270302T070000",
    b"DTSTART:99991231T235959Z",
    b"DTSTART;VALUE=DATE:00010101",
    b"DTSTART;VALUE=DATE:99991231",
    b"DTSTART:20270302",
    b"DTSTART:",
    b"DTEND:20270301T060000",
    b"DTEND;VALUE=DATE:99991231",
    b"DURATION:-P1D",
    b"DURATION:P99999999W",
    b"DURATION:PT0S",
    b"DURATION:garbage",
    b"DTSTART;TZID=Nowhere/Land:20270302T070000",
    b"DTSTART;TZID=W. Europe Standard Time:20270302T070000",
    b"DTSTART;TZID=\"\":20270302T070000",
    b"X-WR-TIMEZONE:Mars/Olympus",
    b"X-WR-TIMEZONE:",
    b"X-WR-TIMEZONE:Europe/London",
    b"STATUS:CANCELLED",
    b"TRANSP:OPAQUE",
    b"TRANSP:TRANSPARENT",
    b"X-MICROSOFT-CDO-BUSYSTATUS:OOF",
    b"X-MICROSOFT-CDO-BUSYSTATUS:FREE",
    b"SUMMARY:Intervals 6x800m",
    b"SUMMARY:Long run",
    b"SUMMARY:RACE: City Marathon",
    b"SUMMARY:Bike: easy spin",
    b"SUMMARY;ENCODING=QUOTED-PRINTABLE:=E9=",
    b"SUMMARY:\\",
    b"DESCRIPTION:Planned Time: 99:99:99",
    b"DESCRIPTION:Workout type: Run\\nPlanned Time: 0:00",
    b"DESCRIPTION:Duration: 1e400 h",
    b"BEGIN:VEVENT",
    b"END:VEVENT",
    b"BEGIN:VCALENDAR",
    b"END:VCALENDAR",
    b"BEGIN:VTIMEZONE",
    b"END:VTIMEZONE",
    b"BEGIN:VALARM",
    b"BEGIN:STANDARD",
    b"TZOFFSETFROM:+9999",
    b"TZOFFSETTO:garbage",
    b"CALSCALE:HEBREW",
    b" folded continuation",
    b":",
    b";;;:::",
    b"\x00",
    b"\xff\xfe\x00",
    b"X" * 5000,
    b"DTSTAMP:20270101",
    b"DTSTAMP:garbage",
    b"LAST-MODIFIED:99991231T235959Z",
    b"UID;X=\"unterminated:1",
    b"UID:",
    b"UID:two\\nlines",
    b"SUMMARY:Long run\\nwith the club",
    b"ATTENDEE;CN=\"a\\\"b\":mailto:x",
    b"CATEGORIES:a,,b",
]
#: What a date may turn into.
BAD_DATES = [b"20270230", b"00000000", b"99991231", b"2027031", b"20271301", b"2027-03-01",
             b"19000101", b"20270301T250000", b"", b"2027030X", b"10000101", b"00010101",
             b"20270229", b"20270301T070000Z", b"20270301T070000"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252",
             "latin-1", "mac_roman", "ascii"]
_DATE = re.compile(rb"\d{8}(?:T\d{6}Z?)?")


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _at(items: list, where: float) -> int:
    return min(int(where * len(items)), len(items) - 1)


def _delete(data: bytes, where: float) -> bytes:
    lines = _lines(data)
    del lines[_at(lines, where)]
    return b"".join(lines)


def _duplicate(data: bytes, where: float) -> bytes:
    lines = _lines(data)
    i = _at(lines, where)
    lines.insert(i, lines[i])
    return b"".join(lines)


def _truncate(data: bytes, where: float) -> bytes:
    return data[: int(where * len(data))]


def _flip(data: bytes, where: float, byte: int) -> bytes:
    if not data:
        return bytes([byte])
    i = _at(list(data), where)
    return data[:i] + bytes([data[i] ^ byte or 0xFF]) + data[i + 1:]


def _insert(data: bytes, where: float, line: bytes) -> bytes:
    lines = _lines(data)
    lines.insert(_at(lines, where) + 1, line.rstrip(b"\r\n") + b"\r\n")
    return b"".join(lines)


def _break_date(data: bytes, where: float, value: bytes) -> bytes:
    found = list(_DATE.finditer(data))
    if not found:
        return data
    m = found[_at(found, where)]
    return data[: m.start()] + value + data[m.end():]


def _drop_end(data: bytes, where: float) -> bytes:
    lines = _lines(data)
    ends = [i for i, line in enumerate(lines) if line.upper().startswith(b"END:")]
    if ends:
        del lines[ends[_at(ends, where)]]
    return b"".join(lines)


def _encode(data: bytes, codec: str) -> bytes:
    return decode(data).encode(codec, errors="replace")


_where = st.floats(0, 1, exclude_max=True)
MUTATIONS = st.one_of(
    st.tuples(st.just(_delete), _where),
    st.tuples(st.just(_duplicate), _where),
    st.tuples(st.just(_truncate), _where),
    st.tuples(st.just(_flip), _where, st.integers(1, 255)),
    st.tuples(st.just(_insert), _where, st.sampled_from(GARBAGE) | st.binary(max_size=60)),
    st.tuples(st.just(_break_date), _where, st.sampled_from(BAD_DATES)),
    st.tuples(st.just(_drop_end), _where),
    st.tuples(st.just(_encode), st.sampled_from(ENCODINGS)),
)


def _season(seed: Path) -> tuple[dt.date, dt.date]:
    monday = first_monday(decode(seed.read_bytes())) or dt.date(2027, 3, 1)
    return monday, monday + dt.timedelta(weeks=WEEKS, days=-1)


SEASONS = {seed: _season(seed) for seed in ICS_SEEDS}


def test_ics_seeds_are_there():
    """The mutated calendars start from the scenarios' and fixtures' .ics files."""
    assert len(ICS_SEEDS) >= 10
    assert all(SEASONS[s][0].weekday() == 0 for s in ICS_SEEDS)


@FUZZ
@given(seed=st.sampled_from(ICS_SEEDS),
       mutations=st.lists(MUTATIONS, min_size=1, max_size=4),
       role=st.sampled_from(["runs", "runs", "busy", "stdin"]))
def test_mangled_calendar_plans_or_fails_in_one_line(seed, mutations, role):
    """Deleted, doubled, truncated, flipped, re-encoded lines; garbage and broken dates."""
    data = seed.read_bytes()
    for mutation, *args in mutations:
        data = mutation(data, *args)
    first, last = SEASONS[seed]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        mangled, out = tmp / "mangled.ics", tmp / "out.ics"
        mangled.write_bytes(data)
        athlete = seed.parent / "athlete.toml"
        if not athlete.is_file():
            athlete = tmp / "athlete.toml"
            athlete.write_text(PROFILE_BASE_TEXT, encoding="utf-8")
        args = ["plan", str(mangled), "--athlete", str(athlete), "-o", str(out), "-q",
                "--report", str(tmp / "season.html"), "--from", str(first), "--to", str(last)]
        stdin, culprit = None, str(mangled)
        if role == "busy":
            args[1] = str(seed)
            args += ["--busy", str(mangled)]
        elif role == "stdin":
            args[1:2] = ["-", "--format", "ics"]
            stdin, culprit = data, "<stdin>"
        result = run_cli(args, stdin)
        if role == "busy" and result.exit_code == 1 and str(seed) in result.stderr:
            culprit = str(seed)  # a fixture that is broken on purpose, as RUNS
        event(f"exit {result.exit_code}")
        assert_clean_outcome(result, culprit, out)


# ---------------------------------------------------------------------------------------------
# (b) mangled profiles

#: A short season across both daylight-saving changes of March 2027 (US 14th, EU 28th).
PROFILE_SEASON = (dt.date(2027, 3, 8), dt.date(2027, 3, 28))
PROFILE_RUNS = SCENARIOS / "marathon-trainingpeaks" / "runs.ics"

PROFILE_BASE = {
    "id": "fuzz",
    "name": "Fuzz Runner",
    "level": "recreational",
    "timezone": "Europe/London",
    "session_minutes": 40,
    "equipment": ["bands", "dumbbells"],
    "run_time": "07:00",
    "availability": {"mon": ["06:00-07:30", "18:00-20:30"], "wed": ["18:00-20:30"],
                     "fri": ["06:00-07:30"], "sat": ["08:00-12:00"]},
    "races": [{"date": "2027-04-25", "distance": "marathon", "priority": "A", "name": "City"}],
    "blackouts": [{"start": "2027-03-17", "end": "2027-03-18"}],
    "preferences": {"days": ["mon", "sat"], "time": "18:30"},
}


def toml_value(value: object) -> str:
    """TOML for the value types a profile uses (strings, numbers, dates, arrays, tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(value)


def toml_text(profile: dict) -> str:
    lines = [f"{json.dumps(k)} = {toml_value(v)}" for k, v in profile.items()
             if not isinstance(v, dict) and not (isinstance(v, list) and v
                                                 and all(isinstance(x, dict) for x in v))]
    for key, value in profile.items():
        if isinstance(value, dict):
            lines.append(f"\n[{json.dumps(key)}]")
            lines += [f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
            for table in value:
                lines.append(f"\n[[{json.dumps(key)}]]")
                lines += [f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


PROFILE_BASE_TEXT = toml_text(PROFILE_BASE)

_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
_junk = st.one_of(_text, st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                  st.booleans(), st.lists(st.integers(), max_size=2), st.dates())
_zones = st.sampled_from([
    "UTC", "Europe/London", "America/New_York", "Pacific/Kiritimati", "Etc/GMT+12",
    "Etc/GMT-14", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns",
    "Antarctica/Troll", "Africa/Casablanca", "Pacific/Apia", "Factory", "localtime", "Z",
    "", " ", "Europe/", "/etc/passwd", "../../etc", "Europe/London\x00", "a" * 300,
    "europe/london", "EST5EDT", "W. Europe Standard Time", "+05:00",
])
_clock = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 25), st.integers(0, 61))
_window = st.one_of(
    st.builds(lambda a, b: f"{a}-{b}", _clock, _clock),
    st.sampled_from(["00:00-24:00", "23:59-24:00", "06:00-06:01", "24:00-24:00", "06:00",
                     "6-7", "06:00 - 07:30", "", "18:00-06:00", "00:00-00:10"]),
    _junk,
)
_weekday = st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun", "Monday", "SUN",
                            "mo", "xyz", "", "1"])
_availability = st.one_of(
    st.dictionaries(_weekday, st.lists(_window, max_size=3) | _window, max_size=7),
    _junk,
)
_day_in_play = st.builds(lambda n: PROFILE_SEASON[0] + dt.timedelta(days=n),
                         st.integers(-30, 80))
_date_value = st.one_of(
    _day_in_play.map(str), _day_in_play,
    st.sampled_from(["0001-01-01", "9999-12-31", "2027-02-30", "2027-3-1", "tomorrow", "",
                     "2027-03-20T10:00:00", "2027-03-20T10:00:00+05:00"]),
    st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31),
                     dt.datetime(2027, 3, 20, 10, 0)]),
    _junk,
)
_race = st.fixed_dictionaries(
    {"date": _date_value,
     "distance": st.sampled_from(["5k", "10k", "half", "marathon", "ultra", "Marathon", "42k",
                                  ""]) | _junk},
    optional={"priority": st.sampled_from(["A", "B", "C", "a", "D", ""]) | _junk,
              "name": _text},
)
_blackout = st.fixed_dictionaries({"start": _date_value, "end": _date_value},
                                  optional={"reason": _text})
_kinds = st.sampled_from(["easy", "recovery", "long", "intervals", "tempo", "hills", "race",
                          "fartlek", ""])
_keyword = st.one_of(_text, st.sampled_from([
    "re:(?i)long", "re:(?P<x>long)", "re:(a)\\1", "re:(", "re:", "", " ", "re:^", "re:$",
    "re:x{2,1}", "re:[", "re:\\", "re:.", "re:(?x) long # comment", "long", "Sunday club",
]))
FIELDS = {
    "id": st.one_of(_text, _junk),
    "name": st.one_of(_text, st.sampled_from(["[bold]", "[/]", "[red]Sam[/blue]", "a\nb",
                                              "\x1b[31m", "%s {0}"])),
    "level": st.sampled_from(["beginner", "recreational", "marathon", "advanced", "Elite",
                              "ADVANCED", ""]) | _junk,
    "timezone": _zones | _junk,
    "session_minutes": st.integers(-5, 400) | _junk,
    "equipment": st.lists(st.sampled_from(["bands", "dumbbells", "gym", "GYM", "kettlebell",
                                           "barbell", "bodyweight", "", " "]) | _text,
                          max_size=4) | _junk,
    "run_time": st.one_of(_clock, st.sampled_from([dt.time(2, 30), dt.time(23, 59),
                                                   dt.time(0, 0), "02:30", "24:00"]), _junk),
    "run_minutes": st.integers(-5, 2000) | _junk,
    "availability": _availability,
    "races": st.lists(_race, max_size=3) | _junk,
    "blackouts": st.lists(_blackout, max_size=2) | _junk,
    "preferences": st.fixed_dictionaries(
        {}, optional={"days": st.lists(_weekday, max_size=3) | _junk,
                      "time": st.one_of(_clock, _junk)}) | _junk,
    "keywords": st.dictionaries(_kinds, st.lists(_keyword, max_size=3) | _junk,
                                max_size=3) | _junk,
    "key_runs": st.lists(_kinds, max_size=3) | _junk,
    "colour": _junk,  # not a profile field at all
}


@st.composite
def profiles(draw) -> dict:
    profile = dict(PROFILE_BASE)
    for name in draw(st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, max_size=5,
                              unique=True)):
        if draw(st.integers(0, 5)) == 0:
            profile.pop(name, None)
        else:
            profile[name] = draw(FIELDS[name])
    return profile


_TOML_BREAKS = st.one_of(
    st.tuples(st.just(_delete), _where),
    st.tuples(st.just(_duplicate), _where),
    st.tuples(st.just(_truncate), _where),
    st.tuples(st.just(_flip), _where, st.integers(1, 255)),
    st.tuples(st.just(_insert), _where, st.sampled_from(
        [b"[availability]", b"[[races]]", b"=", b"date = 2027-13-01", b"level = ",
         b"timezone = 'x", b"\xff", b"[preferences", b"races = 3", b"id = \"a\" b"])),
    st.tuples(st.just(_encode), st.sampled_from(["utf-16", "cp1252", "utf-8-sig"])),
)


@FUZZ
@given(profile=profiles(), breaks=st.lists(_TOML_BREAKS, max_size=2) | st.just([]),
       to_last_race=st.booleans())
def test_mangled_profile_plans_or_fails_in_one_line(profile, breaks, to_last_race):
    """Random values for every profile field, and TOML that is not TOML at all; half the
    time without --to, so the season runs to the profile's last race."""
    try:
        data = toml_text(profile).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates in generated text: not a file anyone has
        return
    for mutation, *args in breaks:
        data = mutation(data, *args)
    first, last = PROFILE_SEASON
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        athlete, out = tmp / "athlete.toml", tmp / "out.ics"
        athlete.write_bytes(data)
        season = ["--from", str(first)] + ([] if to_last_race else ["--to", str(last)])
        result = run_cli(["plan", str(PROFILE_RUNS), "--athlete", str(athlete), "-o", str(out),
                          "--report", str(tmp / "season.html"), *season])
        event(f"exit {result.exit_code}")
        assert_clean_outcome(result, str(athlete), out)


# ---------------------------------------------------------------------------------------------
# regressions: each bug these tests found, pinned by name

REGRESSION_EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\n"
    "BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20270101T000000Z\r\n"
    "DTSTART:20270302T070000\r\nDTEND:20270302T080000\r\nSUMMARY:Easy run\r\n"
    "{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _plan_text(tmp: Path, calendar: str, profile: str = PROFILE_BASE_TEXT, *extra: str):
    runs, athlete, out = tmp / "runs.ics", tmp / "athlete.toml", tmp / "out.ics"
    runs.write_text(calendar, encoding="utf-8")
    athlete.write_text(profile, encoding="utf-8")
    result = run_cli(["plan", str(runs), "--athlete", str(athlete), "-o", str(out),
                      "--from", "2027-03-01", "--to", "2027-03-14", *extra])
    return result, runs, athlete, out


def test_regression_rrule_interval_zero_does_not_hang(tmp_path):
    """Bug: RRULE INTERVAL=0 never moved on; the expansion ran until memory ran out."""
    result, runs, _, out = _plan_text(tmp_path, REGRESSION_EVENT.format(
        extra="RRULE:FREQ=WEEKLY;INTERVAL=0\r\n"), PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert result.exit_code == 0
    assert "event 1: skipped: RRULE INTERVAL=0" in result.stderr


def test_regression_rdate_with_a_bare_time_is_ignored(tmp_path):
    """Bug: RDATE;VALUE=TIME sank the file with "'<' not supported between ... time"."""
    result, runs, _, out = _plan_text(tmp_path, REGRESSION_EVENT.format(
        extra="RDATE;VALUE=TIME:083000\r\n"), PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert result.exit_code == 0
    assert "event 1: RDATE holds a time without a date; ignored" in result.stderr
    assert "holds no runs" not in result.stderr  # the run itself is still there


def test_regression_two_dtends_skip_the_event_with_a_reason(tmp_path):
    """Bug: a second DTEND gave "'list' object has no attribute 'dt'" for the whole file."""
    result, runs, _, out = _plan_text(tmp_path, REGRESSION_EVENT.format(
        extra="DTEND:20270302T090000\r\n"), PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert "event 1: skipped: Multiple DTEND defined" in result.stderr
    assert "'list'" not in result.stderr


def test_regression_two_uids_keep_the_first(tmp_path):
    """Bug: a second UID gave "event [vText(b'1'), vText(b'')]: unhashable type: 'list'"."""
    result, runs, _, out = _plan_text(tmp_path, REGRESSION_EVENT.format(extra="UID:\r\n"),
                                      PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert result.exit_code == 0
    assert "event 1: UID given 2 times; the first is used" in result.stderr
    assert "holds no runs" not in result.stderr


def test_regression_markup_in_the_name_is_printed_as_text(tmp_path):
    """Bug: a name like "[/]" was read as rich markup by the summary: MarkupError after
    the files were written, so exit 1 with the calendar on disk."""
    profile = PROFILE_BASE_TEXT.replace('"Fuzz Runner"', '"[/] [bold]Sam"')
    result, _, athlete, out = _plan_text(tmp_path, REGRESSION_EVENT.format(extra=""), profile)
    assert_clean_outcome(result, str(athlete), out)
    assert result.exit_code == 0
    assert "[/] [bold]Sam" in result.stdout


def test_regression_line_break_in_the_name_stays_out_of_the_calendar(tmp_path):
    """Bug: a line break in the name went raw into X-WR-CALNAME: icalendar's assertion,
    reported as an internal error."""
    profile = PROFILE_BASE_TEXT.replace('"Fuzz Runner"', '"Sam\\nK\\u0007"')
    result, _, athlete, out = _plan_text(tmp_path, REGRESSION_EVENT.format(extra=""), profile,
                                         "-q")
    assert_clean_outcome(result, str(athlete), out)
    assert result.exit_code == 0
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert str(cal["X-WR-CALNAME"]) == "Strength – Sam K"


def test_regression_overlong_time_zone_is_bad_input(tmp_path):
    """Bug: a 300-character timezone made ZoneInfo raise OSError (file name too long)."""
    profile = PROFILE_BASE_TEXT.replace('"Europe/London"', '"' + "a" * 300 + '"')
    result, _, athlete, out = _plan_text(tmp_path, REGRESSION_EVENT.format(extra=""), profile)
    assert_clean_outcome(result, str(athlete), out)
    assert result.exit_code == 1 and "field timezone" in result.stderr


def test_regression_dtend_before_dtstart_is_ignored(tmp_path):
    """Bug: DTEND 0001-01-01 on a weekly series: the expansion swapped the ends, each busy
    block spanned 2,000 years, and planning two weeks took minutes and gigabytes."""
    result, runs, _, out = _plan_text(tmp_path, REGRESSION_EVENT.format(
        extra="RRULE:FREQ=WEEKLY;UNTIL=20270601T000000Z\r\n").replace(
        "DTEND:20270302T080000", "DTEND;VALUE=DATE:00010101").replace("Easy run", "Swim"),
        PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert "event 1: DTEND is before DTSTART; ignored" in result.stderr


def test_regression_negative_duration_is_ignored(tmp_path):
    """Bug: DURATION:-P9999W was swapped into a 190-year busy block covering the season."""
    result, runs, _, out = _plan_text(tmp_path, REGRESSION_EVENT.format(
        extra="DURATION:-P9999W\r\n").replace("DTEND:20270302T080000\r\n", "").replace(
        "Easy run", "Swim"), PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert "event 1: DURATION is negative; ignored" in result.stderr
    assert "shortfall" not in result.stderr


def test_regression_season_indexes_only_its_own_days_of_a_long_busy_block(k):
    """Bug: Season indexed every day of every busy block; a block spanning centuries made
    millions of entries. Only the season's days (and one each side) are indexed now."""
    from conftest import MONDAY, make_athlete

    from runstrength.domain import BusyBlock
    from runstrength.periodization import periodize
    from runstrength.rules import Season

    athlete = make_athlete()
    zone = athlete.zone
    block = BusyBlock(start=dt.datetime(1, 1, 2, tzinfo=zone),
                      end=dt.datetime(9999, 12, 30, tzinfo=zone), title="forever")
    weeks = periodize(athlete, MONDAY, MONDAY + dt.timedelta(days=13), k)
    season = Season(athlete=athlete, knowledge=k, weeks=weeks, runs=[], busy=[block], races=[])
    assert sorted(season.busy_on) == [MONDAY + dt.timedelta(days=n) for n in range(-1, 15)]


def test_regression_date_start_with_an_earlier_timed_end(tmp_path):
    """A date DTSTART with a timed DTEND before it: both fix-ups wanted to delete DTEND
    (KeyError during this work, caught by the fuzzer before it shipped)."""
    calendar = REGRESSION_EVENT.format(extra="").replace(
        "DTSTART:20270302T070000", "DTSTART;VALUE=DATE:20270306").replace(
        "DTEND:20270302T080000", "DTEND:20270301T070000Z").replace("Easy run", "Trip")
    result, runs, _, out = _plan_text(tmp_path, calendar, PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert "event 1: DTEND is before DTSTART; ignored" in result.stderr


def test_regression_two_x_wr_timezones_keep_the_named_one(tmp_path):
    """Bug: a second (empty) X-WR-TIMEZONE failed every event with "no No time zone found
    with key [vUnknown(b''), ...]"."""
    calendar = (DATA / "import_google.ics").read_text(encoding="utf-8").replace(
        "X-WR-TIMEZONE:", "X-WR-TIMEZONE:\r\nX-WR-TIMEZONE:", 1)
    result, runs, _, out = _plan_text(tmp_path, calendar, PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert result.exit_code == 0
    assert "X-WR-TIMEZONE given 2 times; 'America/New_York' is used" in result.stderr


def test_regression_unknown_x_wr_timezone_is_dropped(tmp_path):
    """Bug: X-WR-TIMEZONE:Mars/Olympus failed every event ("no No time zone found with key
    Mars/Olympus"); floating times are now read in the athlete's zone, with a warning."""
    calendar = REGRESSION_EVENT.format(extra="").replace(
        "PRODID:-//fuzz//EN\r\n", "PRODID:-//fuzz//EN\r\nX-WR-TIMEZONE:Mars/Olympus\r\n")
    result, runs, _, out = _plan_text(tmp_path, calendar, PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert result.exit_code == 0
    assert "X-WR-TIMEZONE 'Mars/Olympus' is not a known time zone" in result.stderr
    assert "holds no runs" not in result.stderr


def test_regression_bad_date_in_a_time_zone_names_its_line(tmp_path):
    """Bug: "Wrong date format 20270230" sank the file without saying where; the line of
    the value is named now."""
    text = (SCENARIOS / "outlook-windows" / "runs.ics").read_text(encoding="utf-8")
    bad = text.replace("DTSTART:16011028T030000", "DTSTART:20270230", 1)
    line = bad.splitlines().index("DTSTART:20270230") + 1
    result, runs, _, out = _plan_text(tmp_path, bad, PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert result.exit_code == 1
    assert f"runs.ics: line {line}: Wrong date format 20270230" in result.stderr


def test_regression_race_in_year_9999_blames_the_profile(tmp_path):
    """Bug: a race on 9999-12-31 overflowed the importer's window, and the error named the
    runs file ("a date is out of range") instead of the profile."""
    profile = PROFILE_BASE_TEXT.replace('"2027-04-25"', '"9999-12-31"')
    result, _, athlete, out = _plan_text(tmp_path, REGRESSION_EVENT.format(extra=""), profile,
                                         "-q")
    assert_clean_outcome(result, str(athlete), out)


def test_regression_race_year_typo_is_refused_at_once(tmp_path):
    """Bug: a race typed 2207 for 2027 (and no --to) asked for a 9,000-week season: the CLI
    ran for minutes. A race date must be a year a season can hold, and the error names the
    race."""
    folder = SCENARIOS / "marathon-trainingpeaks"
    typo = tmp_path / "athlete.toml"
    typo.write_text((folder / "athlete.toml").read_text(encoding="utf-8").replace(
        'date = "2027-04-25"', 'date = "2207-04-25"'), encoding="utf-8")
    out = tmp_path / "out.ics"
    result = run_cli(["plan", str(folder / "runs.ics"), "--athlete", str(typo), "-o", str(out)])
    assert_clean_outcome(result, str(typo), out)
    assert result.exit_code == 1
    assert "field races.1.date" in result.stderr and "2207-04-25" in result.stderr
    assert "not a date a season can hold" in result.stderr


def test_regression_far_to_is_refused_without_expanding_centuries(tmp_path, k):
    """Bug: --to 2999-12-31 expanded every recurring event for a thousand years (35 s)
    before anything said the season was too long; the importer's window is capped now."""
    from runstrength.importers import load_schedule
    from runstrength.importers.ics import WINDOW_CAP
    from runstrength.profile import load_athlete

    folder = SCENARIOS / "half-google"
    first, far = dt.date(2027, 3, 1), dt.date(2199, 12, 31)
    athlete = load_athlete(folder / "athlete.toml")
    schedule = load_schedule(folder / "runs.ics", athlete, k, start=first, end=far)
    assert max(item.start.date() for item in [*schedule.runs, *schedule.busy]) <= (
        first + WINDOW_CAP)
    out = tmp_path / "out.ics"
    result = run_cli(["plan", str(folder / "runs.ics"), "--athlete", str(folder / "athlete.toml"),
                      "-o", str(out), "--from", str(first), "--to", str(far)])
    assert result.exit_code == 1 and not out.exists()
    assert result.stderr.startswith("runstrength: error: --to 2199-12-31: ")
    beyond = run_cli(["plan", str(folder / "runs.ics"), "--athlete",
                      str(folder / "athlete.toml"), "-o", str(out), "--to", "2999-12-31"])
    assert beyond.exit_code == 1
    assert beyond.stderr.startswith("runstrength: error: --to 2999-12-31: not a date")


def test_regression_event_lasting_centuries_is_cut_to_no_length(tmp_path):
    """Bug: DTSTART 1000-01-01 with DTEND 2027-03-02 on a weekly series: 53,000
    occurrences each covering the season (20 s to import, a run lasting 1,027 years)."""
    calendar = REGRESSION_EVENT.format(extra="RRULE:FREQ=WEEKLY;UNTIL=20270323T173000Z\r\n")
    calendar = calendar.replace("DTSTART:20270302T070000", "DTSTART:10000101T070000")
    result, runs, _, out = _plan_text(tmp_path, calendar, PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert "event 1: DTEND makes the event 375164 days long; ignored" in result.stderr


def test_regression_line_breaks_in_user_text_stay_out_of_messages(tmp_path):
    """Bug: a blackout reason "\r" split a shortfall over two lines; an escaped line break
    in a UID or a race name did the same to warnings and to the one-line error."""
    profile = PROFILE_BASE_TEXT.replace(
        '"start" = "2027-03-17"\n"end" = "2027-03-18"',
        '"start" = "2027-03-01"\n"end" = "2027-03-12"\n"reason" = "trip\\rhome"')
    assert "trip" in profile
    calendar = REGRESSION_EVENT.format(extra="").replace("UID:1", "UID:two\\nlines")
    for name in "abc":
        (tmp_path / name).mkdir()
    result, runs, _, out = _plan_text(tmp_path / "a", calendar, profile, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert "blackout: trip home" in result.stderr
    broken = calendar.replace("VERSION:2.0", "VERSION:2.0\r\nCALSCALE:HEBREW")
    result, runs, _, out = _plan_text(tmp_path / "b", broken, PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert result.exit_code == 1 and "event two lines: " in result.stderr
    early = PROFILE_BASE_TEXT.replace('"2027-04-25"', '"2027-02-01"').replace(
        '"City"', '"City\\nMarathon"')
    result, _, athlete, out = _plan_text(tmp_path / "c", REGRESSION_EVENT.format(extra=""),
                                         early, "-q")
    assert_clean_outcome(result, str(athlete), out)
    assert result.exit_code == 1 and "race City Marathon on 2027-02-01" in result.stderr


def test_regression_event_without_dtstart_does_not_sink_the_file(tmp_path):
    """Bug: in a file of two VCALENDARs, one whose only event had no DTSTART failed the
    whole file ("event multi-work: no DTSTART") though the other held a good run."""
    calendar = (DATA / "import_multi.ics").read_text(encoding="utf-8").replace(
        "DTSTART:20270302T120000\n", "")
    assert "20270302T120000" not in calendar
    result, runs, _, out = _plan_text(tmp_path, calendar, PROFILE_BASE_TEXT, "-q")
    assert_clean_outcome(result, str(runs), out)
    assert result.exit_code == 0
    assert "event multi-work: skipped: no DTSTART" in result.stderr
    assert "holds no runs" not in result.stderr


# ---------------------------------------------------------------------------------------------
# (c) mangled CSV text, over earlier outputs (issue 10)

CSV_SEEDS = sorted([*DATA.glob("import_*.csv"), *SCENARIOS.glob("*/runs.csv")])
_NASTY = st.sampled_from(['"', ",", ";", "\n", "\r", "\r\n", "\x00", "\x07", "\x1b[2J",
                          "\x7f", "\x85", "\u2028", "\x0c", "\ufeff", "=HYPERLINK(1)", "@",
                          "2027-13-45", "25:99", "-5", "1e309", "nan", "Long run", "RACE: 10K",
                          "Gym - legs", "\t"])
_EARLIER = {".ics": b"BEGIN:VCALENDAR\r\nX-MINE:earlier\r\nEND:VCALENDAR\r\n",
            ".csv": b"athlete,date\r\nme,2027-01-01\r\n", ".html": b"<p>earlier</p>\n"}
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")


def _splice(data: bytes, where: float, text: str, cut: int) -> bytes:
    at = int(where * len(data))
    return data[:at] + text.encode("utf-8") + data[at + cut:]


@FUZZ
@given(seed=st.sampled_from(CSV_SEEDS),
       edits=st.lists(st.tuples(st.floats(0.15, 1), st.lists(_NASTY, min_size=1, max_size=3)
                                .map("".join), st.integers(0, 12)), min_size=1, max_size=4))
def test_mangled_csv_plans_or_fails_and_outputs_are_all_old_or_all_new(seed, edits):
    """Quotes, separators, control characters, line separators, formulas and bad values
    spliced into CSV schedules, planned with --force over earlier outputs: exit 0 with every
    output new and no control character in any, or exit 1 with one line naming the file and
    every earlier output as it was; never a temp file left."""
    data = seed.read_bytes()
    for where, text, cut in edits:
        data = _splice(data, where, text, cut)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        mangled = tmp / "mangled.csv"
        mangled.write_bytes(data)
        athlete = tmp / "athlete.toml"
        athlete.write_text(PROFILE_BASE_TEXT, encoding="utf-8")
        outs = {suffix: tmp / f"out{suffix}" for suffix in _EARLIER}
        for suffix, path in outs.items():
            path.write_bytes(_EARLIER[suffix])
        result = run_cli(["plan", str(mangled), "--athlete", str(athlete), "-o",
                          str(outs[".ics"]), "--csv", str(outs[".csv"]), "--report",
                          str(outs[".html"]), "--force", "-q", "--from", "2027-02-15",
                          "--to", "2027-02-28"])
        event(f"exit {result.exit_code}")
        assert "Traceback" not in result.output and "internal error" not in result.stderr
        assert sorted(p.name for p in tmp.iterdir() if p.name.startswith(".")) == []
        now = {s: p.read_bytes() for s, p in outs.items()}
        if result.exit_code == 1:
            [line] = result.stderr.splitlines()
            assert line.startswith(f"runstrength: error: {mangled}: "), line
            assert now == _EARLIER
            return
        assert result.exit_code == 0, result.output
        assert all(now[s] != _EARLIER[s] for s in now)
        for suffix, body in now.items():
            assert not _CONTROL.search(body), suffix
        assert not _CONTROL.search(result.stderr.encode())
        cal = icalendar.Calendar.from_ical(now[".ics"])
        assert all(not c.errors for c in cal.walk())
