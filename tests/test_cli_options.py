"""CLI options end to end: --busy, --remind, --include-runs, stdin, --from/--to and --csv.

Everything goes through ``runstrength.cli.main`` with click's CliRunner, on the bundled
scenarios and on small calendars written into ``tmp_path``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from click.testing import CliRunner
from conftest import ROOT, SCENARIOS

from runstrength.cli import main

PLAIN = SCENARIOS / "plain-csv"  # Australia/Sydney, timed runs, fast to plan
GOOGLE = SCENARIOS / "half-google"  # America/New_York .ics with recurrences and busy events
MARATHON = SCENARIOS / "marathon-trainingpeaks"  # Europe/London TrainingPeaks feed
EPOCH = {"SOURCE_DATE_EPOCH": "1800000000"}
CSV_COLUMNS = ["athlete", "date", "start", "end", "session", "leg_load", "phase", "week",
               "posterior_sets", "unilateral_sets", "core_sets", "minutes", "uid"]
# Two weeks of the plain-csv scenario: enough sessions to move around, quick to solve.
WEEKS = ("--from", "2027-02-15", "--to", "2027-02-28")
ROOT_MODELS = ROOT / "models"


def invoke(*args, input: bytes | None = None):
    return CliRunner().invoke(main, ["plan", *map(str, args)], input=input, env=EPOCH,
                              catch_exceptions=False)


def plan_ok(*args, input: bytes | None = None):
    result = invoke(*args, "-q", input=input)
    assert result.exit_code == 0, result.output
    return result


def one_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    return lines[0]


def events(path: Path) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def is_strength(event: icalendar.Event) -> bool:
    categories = event.get("CATEGORIES")
    return "STRENGTH" in [str(c) for c in categories.cats] if categories else False


def strength(path: Path) -> list[icalendar.Event]:
    return [e for e in events(path) if is_strength(e)]


def spans(path: Path) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(e.start, e.end) for e in strength(path)]


def overlaps(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def assert_four_parsers_accept(path: Path) -> None:
    """icalendar (no errors), ical (strict), vobject (validate=True) and ics.py."""
    import ics
    import vobject
    from ical.calendar_stream import IcsCalendarStream

    text = path.read_text(encoding="utf-8")
    cal = icalendar.Calendar.from_ical(text)
    assert all(not c.errors for c in cal.walk())
    count = len(list(cal.walk("VEVENT")))
    assert len(IcsCalendarStream.calendar_from_ics(text).events) == count
    vobject.readOne(io.StringIO(text), validate=True)
    assert len(ics.Calendar(text).events) == count


# --- --busy -----------------------------------------------------------------------------


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def test_busy_calendars_keep_sessions_clear(tmp_path):
    """Events of --busy calendars (an .ics and a .csv, repeatable) take the slots sessions had."""
    free = tmp_path / "free.ics"
    plan_ok(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", free, *WEEKS)
    before = spans(free)
    assert len(before) >= 3
    first, second = before[0], before[1]
    # work calendar: a meeting across the first session, repeated a week later (RRULE)
    work = tmp_path / "work.ics"
    work.write_bytes(
        ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//work//EN\r\nBEGIN:VEVENT\r\n"
         "UID:standup@work\r\nDTSTAMP:20270101T000000Z\r\n"
         f"DTSTART:{_utc(first[0] - dt.timedelta(minutes=15))}\r\n"
         f"DTEND:{_utc(first[1] + dt.timedelta(minutes=15))}\r\n"
         "RRULE:FREQ=WEEKLY;COUNT=2\r\nSUMMARY:Budget review\r\nEND:VEVENT\r\n"
         "END:VCALENDAR\r\n").encode())
    # family calendar as a plain CSV: the slot of the second session (local clock)
    family = tmp_path / "family.csv"
    local = second[0]
    family.write_text("date,start,duration_min,title,type\n"
                      f"{local:%Y-%m-%d},{local:%H:%M},"
                      f"{(second[1] - second[0]) // dt.timedelta(minutes=1)},"
                      "Parents' evening,busy\n")
    blocked = [
        (first[0] - dt.timedelta(minutes=15), first[1] + dt.timedelta(minutes=15)),
        (first[0] + dt.timedelta(days=7) - dt.timedelta(minutes=15),
         first[1] + dt.timedelta(days=7) + dt.timedelta(minutes=15)),
        second,
    ]
    busy = tmp_path / "busy.ics"
    plan_ok(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", busy, *WEEKS,
            "--busy", work, "--busy", family)
    after = spans(busy)
    assert after, "the plan still places sessions"
    assert first not in after and second not in after
    assert not [(s, b) for s in after for b in blocked if overlaps(s, b)]


def test_busy_calendar_runs_count_as_busy(tmp_path):
    """A run in a --busy calendar (a partner's club run) is busy time, not one of our runs.

    The partner's calendar gives an IANA TZID without a VTIMEZONE block.
    """
    free = tmp_path / "free.ics"
    plan_ok(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", free, *WEEKS)
    first = spans(free)[0]
    london = ZoneInfo("Europe/London")  # not the athlete's zone: the TZID must be read
    begin, finish = (f"{t.astimezone(london):%Y%m%dT%H%M%S}" for t in first)
    other = tmp_path / "partner.ics"
    other.write_bytes(
        ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
         "UID:club@x\r\nDTSTAMP:20270101T000000Z\r\n"
         f"DTSTART;TZID=Europe/London:{begin}\r\nDTEND;TZID=Europe/London:{finish}\r\n"
         "SUMMARY:Easy run with the club\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode())
    out = tmp_path / "out.ics"
    plan_ok(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", out, *WEEKS,
            "--busy", other, "--include-runs")
    assert not [s for s in spans(out) if overlaps(s, first)]
    titles = [str(e["SUMMARY"]) for e in events(out)]
    assert "Easy run with the club" not in titles  # busy time is not written as a run


def test_bad_busy_calendar_is_named(tmp_path):
    """A broken --busy file fails like a broken schedule: exit 1, one line naming it."""
    bad = tmp_path / "work.ics"
    bad.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n")
    out = tmp_path / "out.ics"
    result = invoke(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", out,
                    "--busy", bad)
    assert result.exit_code == 1
    assert str(bad) in one_line(result)
    assert not out.exists()


# --- --remind ---------------------------------------------------------------------------


@pytest.mark.parametrize("folder", [PLAIN, GOOGLE], ids=lambda p: p.name)
def test_remind_adds_a_display_alarm_to_every_session(tmp_path, folder):
    """Each strength VEVENT gets one VALARM: ACTION:DISPLAY, TRIGGER:-PT15M, a DESCRIPTION."""
    out = tmp_path / "r.ics"
    plan_ok(next(folder.glob("runs.*")), "--athlete", folder / "athlete.toml", "-o", out,
            "--remind", "15")
    sessions = strength(out)
    assert sessions
    for event in sessions:
        alarms = event.walk("VALARM")
        assert len(alarms) == 1
        alarm = alarms[0]
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm["TRIGGER"].dt == dt.timedelta(minutes=-15)
        assert str(alarm["DESCRIPTION"]).startswith("Strength")
    text = out.read_bytes().decode("utf-8")  # read_text would turn CRLF into LF
    assert text.count("BEGIN:VALARM") == len(sessions)
    assert text.count("TRIGGER:-PT15M\r\n") == len(sessions)
    assert_four_parsers_accept(out)


def test_remind_longer_than_an_hour_and_zero(tmp_path):
    """--remind 90 is 90 minutes before; --remind 0 is at the start; both still parse."""
    for minutes in (90, 0):
        out = tmp_path / f"r{minutes}.ics"
        plan_ok(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", out, *WEEKS,
                "--remind", minutes)
        for event in strength(out):
            assert event.walk("VALARM")[0]["TRIGGER"].dt == -dt.timedelta(minutes=minutes)
        assert_four_parsers_accept(out)


def test_without_remind_no_alarm(tmp_path):
    """No --remind, no VALARM."""
    out = tmp_path / "r.ics"
    plan_ok(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", out, *WEEKS)
    assert b"VALARM" not in out.read_bytes()


@pytest.mark.parametrize("value", ["-5", "soon", "10081"])
def test_bad_remind_is_a_usage_error(tmp_path, value):
    """A negative, non-numeric or over-a-week --remind is refused by click (exit 2)."""
    out = tmp_path / "r.ics"
    result = invoke(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", out,
                    "--remind", value)
    assert result.exit_code == 2 and not out.exists()


# --- --include-runs ---------------------------------------------------------------------


@pytest.mark.parametrize("folder", [MARATHON, PLAIN], ids=lambda p: p.name)
def test_include_runs_adds_run_events_and_keeps_sessions(tmp_path, folder):
    """Runs become extra VEVENTs without STRENGTH; the strength events are byte-identical."""
    from runstrength.api import plan

    runs_file = next(folder.glob("runs.*"))
    plain, with_runs = tmp_path / "plain.ics", tmp_path / "runs.ics"
    plan_ok(runs_file, "--athlete", folder / "athlete.toml", "-o", plain)
    plan_ok(runs_file, "--athlete", folder / "athlete.toml", "-o", with_runs, "--include-runs")
    extra = [e for e in events(with_runs) if not is_strength(e)]
    assert len(extra) == len(plan(runs_file, folder / "athlete.toml").runs) > 0
    for event in extra:
        assert not str(event["SUMMARY"]).startswith("Strength")
        assert "RUN" in [str(c) for c in event["CATEGORIES"].cats]
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert "X-RUNSTRENGTH-SESSION" not in event
    assert [e.to_ical() for e in strength(with_runs)] == [e.to_ical() for e in strength(plain)]
    assert_four_parsers_accept(with_runs)


def test_include_runs_with_remind_alarms_only_sessions(tmp_path):
    """With both options, sessions carry the alarm and runs do not; the file still parses."""
    out = tmp_path / "both.ics"
    plan_ok(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", out, *WEEKS,
            "--include-runs", "--remind", "30")
    assert all(e.walk("VALARM") for e in strength(out))
    assert not any(e.walk("VALARM") for e in events(out) if not is_strength(e))
    assert_four_parsers_accept(out)


# --- standard input ---------------------------------------------------------------------


@pytest.mark.parametrize(("folder", "fmt"), [(GOOGLE, "ics"), (PLAIN, "csv")],
                         ids=["ics", "csv"])
def test_stdin_with_format_gives_the_same_plan(tmp_path, folder, fmt):
    """`-` with --format reads standard input; the calendar equals the one planned from the file."""
    runs_file = next(folder.glob("runs.*"))
    from_file, from_stdin = tmp_path / "file.ics", tmp_path / "stdin.ics"
    plan_ok(runs_file, "--athlete", folder / "athlete.toml", "-o", from_file)
    plan_ok("-", "--format", fmt, "--athlete", folder / "athlete.toml", "-o", from_stdin,
            input=runs_file.read_bytes())
    assert strength(from_stdin)
    assert from_stdin.read_bytes() == from_file.read_bytes()


def test_stdin_without_format_is_one_line(tmp_path):
    """`-` without --format: exit 1, one line, nothing written."""
    out = tmp_path / "x.ics"
    result = invoke("-", "--athlete", PLAIN / "athlete.toml", "-o", out,
                    input=(PLAIN / "runs.csv").read_bytes())
    assert result.exit_code == 1
    assert "--format" in one_line(result)
    assert not out.exists()


def test_stdin_with_the_wrong_format_names_stdin(tmp_path):
    """CSV text read as --format ics is bad input naming <stdin>."""
    out = tmp_path / "x.ics"
    result = invoke("-", "--format", "ics", "--athlete", PLAIN / "athlete.toml", "-o", out,
                    input=(PLAIN / "runs.csv").read_bytes())
    assert result.exit_code == 1
    assert one_line(result).startswith("runstrength: error: <stdin>: not an iCalendar file")
    assert not out.exists()


# --- --from / --to ----------------------------------------------------------------------


@pytest.mark.parametrize(("folder", "first", "last"),
                         [(PLAIN, "2027-03-03", "2027-03-19"),
                          (MARATHON, "2027-01-06", "2027-02-02")],
                         ids=lambda v: getattr(v, "name", v))
def test_from_and_to_limit_the_sessions(tmp_path, folder, first, last):
    """Sessions (in the .ics and the CSV) all fall between --from and --to, inclusive."""
    out, table = tmp_path / "w.ics", tmp_path / "w.csv"
    plan_ok(next(folder.glob("runs.*")), "--athlete", folder / "athlete.toml", "-o", out,
            "--csv", table, "--from", first, "--to", last)
    days = [start.date() for start, _ in spans(out)]
    assert days
    assert min(days) >= dt.date.fromisoformat(first)
    assert max(days) <= dt.date.fromisoformat(last)
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert sorted(r["date"] for r in rows) == sorted(d.isoformat() for d in days)


def test_from_alone_and_to_alone(tmp_path):
    """--from alone starts the season there; --to alone ends it there."""
    late, early = tmp_path / "late.ics", tmp_path / "early.ics"
    plan_ok(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", late,
            "--from", "2027-04-01")
    plan_ok(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", early,
            "--to", "2027-02-21")
    assert min(s.date() for s, _ in spans(late)) >= dt.date(2027, 4, 1)
    assert max(s.date() for s, _ in spans(early)) <= dt.date(2027, 2, 21)


def test_to_before_from_is_one_line(tmp_path):
    """--to before --from: exit 1, one line naming both dates, nothing written."""
    out = tmp_path / "x.ics"
    result = invoke(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", out,
                    "--from", "2027-03-10", "--to", "2027-03-01")
    assert result.exit_code == 1
    line = one_line(result)
    assert "--to 2027-03-01" in line and "--from 2027-03-10" in line
    assert not out.exists()


def test_to_before_from_is_checked_before_stdin_is_read(tmp_path):
    """Regression: the dates are checked first, so a bad pair never waits on standard input."""
    out = tmp_path / "x.ics"
    result = invoke("-", "--format", "csv", "--athlete", PLAIN / "athlete.toml", "-o", out,
                    "--from", "2027-03-10", "--to", "2027-03-01", input=b"")
    assert result.exit_code == 1 and "--to" in one_line(result)


def test_bad_date_option_is_a_usage_error(tmp_path):
    """--from 2027-02-30 is not a date: click usage error (exit 2)."""
    result = invoke(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml",
                    "-o", tmp_path / "x.ics", "--from", "2027-02-30")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


# --- --csv ------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", [PLAIN, MARATHON], ids=lambda p: p.name)
def test_csv_columns_are_exactly_the_contract(tmp_path, folder):
    """The header is exactly the contract's columns; one row per VEVENT, UIDs matching."""
    out, table = tmp_path / "p.ics", tmp_path / "p.csv"
    plan_ok(next(folder.glob("runs.*")), "--athlete", folder / "athlete.toml", "-o", out,
            "--csv", table)
    text = table.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == CSV_COLUMNS
    assert sorted(r["uid"] for r in rows) == sorted(str(e["UID"]) for e in strength(out))
    for row in rows:
        assert int(row["minutes"]) > 0 and row["athlete"]
        dt.date.fromisoformat(row["date"])


def test_csv_same_path_as_ics_is_refused(tmp_path):
    """--csv naming the .ics output: exit 1, one line, nothing written."""
    out = tmp_path / "p.ics"
    result = invoke(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", out,
                    "--csv", out)
    assert result.exit_code == 1 and "different files" in one_line(result)
    assert not out.exists()


def test_blank_profile_id_defaults_to_the_file_stem(tmp_path):
    """Regression: `id = ""` gave an empty athlete column and UIDs shared by every such profile."""
    profile = tmp_path / "priya.toml"
    text = (PLAIN / "athlete.toml").read_text(encoding="utf-8")
    profile.write_text(text.replace('id = "priya"', 'id = ""'), encoding="utf-8")
    out, table = tmp_path / "p.ics", tmp_path / "p.csv"
    plan_ok(PLAIN / "runs.csv", "--athlete", profile, "-o", out, "--csv", table, *WEEKS)
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert rows and {r["athlete"] for r in rows} == {"priya"}


# --- other exports through the whole command --------------------------------------------

APPLE = """BEGIN:VCALENDAR
METHOD:PUBLISH
VERSION:2.0
X-WR-CALNAME:Training
PRODID:-//Apple Inc.//macOS 14.4//EN
X-APPLE-CALENDAR-COLOR:#34AADC
X-WR-TIMEZONE:Europe/London
CALSCALE:GREGORIAN
BEGIN:VTIMEZONE
TZID:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
DTSTART:19810329T010000
TZNAME:BST
TZOFFSETTO:+0100
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
DTSTART:19961027T020000
TZNAME:GMT
TZOFFSETTO:+0000
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
CREATED:20270220T101500Z
UID:5D1C2A1E-7B0C-4C4E-9C7A-1F6E3C2B9A01
DTEND;TZID=Europe/London:20270302T073000
TRANSP:OPAQUE
X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC
SUMMARY:Intervals 6x800m
LAST-MODIFIED:20270220T101600Z
DTSTAMP:20270220T101600Z
DTSTART;TZID=Europe/London:20270302T063000
SEQUENCE:0
RDATE;TZID=Europe/London:20270309T063000,20270316T063000
BEGIN:VALARM
X-WR-ALARMUID:0A1B2C3D-0000-4000-8000-000000000001
UID:0A1B2C3D-0000-4000-8000-000000000001
TRIGGER:-PT15M
ACTION:DISPLAY
DESCRIPTION:Reminder
END:VALARM
END:VEVENT
BEGIN:VEVENT
CREATED:20270220T101500Z
UID:5D1C2A1E-7B0C-4C4E-9C7A-1F6E3C2B9A02
DTEND;VALUE=DATE:20270308
TRANSP:TRANSPARENT
SUMMARY:Long run 20 km
DTSTART;VALUE=DATE:20270307
DTSTAMP:20270220T101600Z
SEQUENCE:0
END:VEVENT
END:VCALENDAR
"""


def test_apple_calendar_export_with_rdate(tmp_path):
    """An Apple Calendar export (LF line ends, X-APPLE-*, VALARM, RDATE, all-day long run)."""
    runs = tmp_path / "Training.ics"
    runs.write_text(APPLE, encoding="utf-8")
    out = tmp_path / "plan.ics"
    plan_ok(runs, "--athlete", MARATHON / "athlete.toml", "-o", out, "--include-runs",
            "--from", "2027-03-01", "--to", "2027-03-21")
    run_days = {(str(e["SUMMARY"]), e.start.date().isoformat())
                for e in events(out) if not is_strength(e)}
    # (the profile's races are written too, as runs at run_time: see plan.runs)
    assert run_days >= {("Intervals 6x800m", "2027-03-02"), ("Intervals 6x800m", "2027-03-09"),
                        ("Intervals 6x800m", "2027-03-16"), ("Long run 20 km", "2027-03-07")}
    sessions = strength(out)
    assert sessions
    # no session on a run day's slot; none with heavy legs the day before the RDATE intervals
    eves = {dt.date(2027, 3, d) for d in (1, 6, 8, 15)}
    assert not [e for e in sessions if e.start.date() in eves
                and str(e["X-RUNSTRENGTH-LEG-LOAD"]) == "heavy"]


# --- docs/inputs.md ---------------------------------------------------------------------


def test_inputs_doc_names_only_tests_that_exist():
    """Every `file::test` and `[case]` that docs/inputs.md cites is a real test or case."""
    import re

    from conftest import ROOT
    from test_cli_errors import CASES

    doc = (ROOT / "docs" / "inputs.md").read_text(encoding="utf-8")
    cited = re.findall(r"(test_\w+\.py)::(test_\w+)", doc)
    assert len(cited) > 50
    for file, name in cited:
        source = (ROOT / "tests" / file).read_text(encoding="utf-8")
        assert re.search(rf"^def {name}\(", source, re.M), f"{file}::{name}"
    ids = {c.id for c in CASES}
    for case in re.findall(r"…\[([\w-]+)\]", doc):
        assert case in ids, case


def test_two_profiles_or_two_schedules_are_a_usage_error(tmp_path):
    """Regression (issue 9): with two --athlete options the second silently won. Two profiles
    or two schedules are a usage error (exit 2) that says to plan one athlete at a time, and
    nothing is written."""
    out = tmp_path / "out.ics"
    profile, runs = PLAIN / "athlete.toml", PLAIN / "runs.csv"
    twice = invoke(runs, "--athlete", profile, "-a", profile, "-o", out)
    assert twice.exit_code == 2 and "--athlete given 2 times" in twice.output
    assert "one athlete at a time" in twice.output
    both = invoke(runs, runs, "--athlete", profile, "-o", out)
    assert both.exit_code == 2 and "2 running schedules given" in both.output
    forgot = invoke(runs, profile, "-o", out)  # the profile without --athlete
    assert forgot.exit_code == 2
    assert f"{profile} looks like an athlete profile: give it with --athlete" in forgot.output
    assert not out.exists()


def test_a_profile_and_a_calendar_swapped_say_which_is_which(tmp_path):
    """Regression (issue 9): a profile given as RUNS, or a calendar as --athlete, is told apart
    by its content: exit 1, one line naming the file and what goes where."""
    out = tmp_path / "out.ics"
    profile, runs = MARATHON / "athlete.toml", MARATHON / "runs.ics"
    swapped = invoke(profile, "--athlete", runs, "-o", out)
    assert swapped.exit_code == 1
    line = one_line(swapped)
    assert str(profile) in line and "looks like an athlete profile, given as RUNS" in line
    calendar = invoke(runs, "--athlete", runs, "-o", out)
    assert calendar.exit_code == 1
    assert "looks like a running schedule, given as --athlete" in one_line(calendar)
    assert not out.exists()


def _without_timezone(folder: Path, tmp_path: Path) -> Path:
    text = (folder / "athlete.toml").read_text(encoding="utf-8")
    profile = tmp_path / "athlete.toml"
    profile.write_text("\n".join(line for line in text.splitlines()
                                 if not line.startswith("timezone")), encoding="utf-8")
    return profile


def test_a_profile_without_timezone_takes_the_calendars_and_says_so(tmp_path):
    """Regression (issue 9): a profile without timezone was planned in UTC, silently (a New
    York 19:00 session came out at 02:00). With a calendar that names its zone, that zone is
    used, one warning says so, and the calendar is the one the full profile gives."""
    profile = _without_timezone(GOOGLE, tmp_path)
    out, want = tmp_path / "out.ics", tmp_path / "want.ics"
    result = invoke(GOOGLE / "runs.ics", "--athlete", profile, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert "no timezone in the profile: using America/New_York" in result.output
    plan_ok(GOOGLE / "runs.ics", "--athlete", GOOGLE / "athlete.toml", "-o", want)
    assert out.read_bytes() == want.read_bytes()


def test_a_profile_without_timezone_and_a_calendar_without_one_is_refused(tmp_path):
    """Regression (issue 9): no zone in the profile nor in the calendar (a CSV, an all-day
    TrainingPeaks feed): exit 1, one line naming the profile's timezone field; nothing written."""
    out = tmp_path / "out.ics"
    for folder, runs in ((PLAIN, "runs.csv"), (MARATHON, "runs.ics")):
        profile = _without_timezone(folder, tmp_path)
        result = invoke(folder / runs, "--athlete", profile, "-o", out)
        assert result.exit_code == 1
        line = one_line(result)
        assert f"{profile}: field timezone: required" in line
        assert not out.exists()


# --- hostile text (issue 10) -----------------------------------------------------------------

_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]"
                      rb"|\xe2\x81[\xa6-\xa9]")


def test_control_characters_never_reach_an_output(tmp_path):
    """Regression (issue 10, item 5): NUL, BEL, ESC, DEL in a run title, a race name or a
    blackout reason reached DESCRIPTION raw and made the .ics invalid for ical (strict) and
    ics.py. No output (ics, csv, html, the terminal) holds a control character now, and the
    four parsers accept the calendar."""
    profile = tmp_path / "athlete.toml"
    text = (PLAIN / "athlete.toml").read_text(encoding="utf-8")
    text = text.replace('name = "Priya Natarajan"', 'name = "Priya\\u0007 \\u001b[31mN"')
    text = text.replace('id = "priya"', 'id = "pri\\u001bya\\u202e"')
    text += ('\n[[races]]\ndate = "2027-02-27"\ndistance = "10k"\npriority = "C"\n'
             'name = "Bay\\u0007 10K\\u007f"\n'
             '[[blackouts]]\nstart = "2027-02-18"\nend = "2027-02-18"\n'
             'reason = "flu\\u001b[2J\\u2028again"\n')
    profile.write_text(text, encoding="utf-8")
    runs = tmp_path / "runs.csv"
    runs.write_bytes(b"date,start,duration_min,title\n"
                     b"2027-02-15,05:30,55,Easy\x01 10 km\x1b[0m\n"
                     b"2027-02-16,05:30,60,Hills\x07 8x30s\x7f\xe2\x80\xae\n"
                     b"2027-02-20,05:30,120,Long run\xc2\x85 24 km\n")
    out, table, page = tmp_path / "p.ics", tmp_path / "p.csv", tmp_path / "p.html"
    result = invoke(runs, "-a", profile, "-o", out, "--csv", table, "--report", page,
                    "--include-runs", "--from", "2027-02-15", "--to", "2027-02-28")
    assert result.exit_code == 0, result.output
    for path in (out, table, page):
        assert not _CONTROL.search(path.read_bytes()), path.name
    assert not _CONTROL.search(result.output.encode())
    assert_four_parsers_accept(out)
    assert "Bay 10K" in page.read_text(encoding="utf-8")


def test_csv_cells_a_spreadsheet_would_run_are_escaped(tmp_path):
    """Regression (issue 10, item 8): a cell beginning with =, +, - or @ (an athlete id
    '=HYPERLINK(...)') is written with a leading apostrophe so a spreadsheet shows it as
    text."""
    profile = tmp_path / "athlete.toml"
    text = (PLAIN / "athlete.toml").read_text(encoding="utf-8")
    profile.write_text(text.replace('id = "priya"', 'id = "=HYPERLINK(1)"'), encoding="utf-8")
    table = tmp_path / "p.csv"
    result = invoke(PLAIN / "runs.csv", "-a", profile, "-o", tmp_path / "p.ics", "--csv", table,
                    *WEEKS)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert rows and all(r["athlete"] == "'=HYPERLINK(1)" for r in rows)
    assert all(r["week"].isdigit() for r in rows)


def test_the_report_does_not_depend_on_how_the_files_were_named(tmp_path, monkeypatch):
    """Regression (issue 10, item 11): the HTML embedded the input path as typed. The same
    files by a relative path, an absolute path or stdin give the same bytes."""
    import shutil

    folder = tmp_path / "in"
    shutil.copytree(GOOGLE, folder)
    calendar = folder / "runs.ics"  # an event the import skips: a warning naming the file
    text = calendar.read_text(encoding="utf-8").replace(
        "END:VCALENDAR", "BEGIN:VEVENT\r\nUID:tick\r\nDTSTAMP:20270101T000000Z\r\n"
        "DTSTART:20270301T000000Z\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:Tick\r\n"
        "END:VEVENT\r\nEND:VCALENDAR")
    calendar.write_bytes(text.encode("utf-8"))
    monkeypatch.chdir(folder)
    pages = []
    for n, runs in enumerate(("runs.ics", str(folder / "runs.ics"), "-")):
        page = tmp_path / f"p{n}.html"
        data = (folder / "runs.ics").read_bytes() if runs == "-" else None
        extra = ("--format", "ics") if runs == "-" else ()
        result = invoke(runs, "-a", "athlete.toml" if n != 1 else str(folder / "athlete.toml"),
                        "-o", tmp_path / f"p{n}.ics", "--report", page, *extra, input=data)
        assert result.exit_code == 0, result.output
        pages.append(page.read_bytes())
    assert b"the schedule: event tick: skipped" in pages[0]
    assert pages[0] == pages[1] == pages[2]


def test_inputs_are_never_outputs_models_included(tmp_path):
    """Regression (issue 10, item 9): --report or --csv into the --models folder overwrote a
    model file. An output inside the models folder is refused, nothing is written."""
    import shutil

    models = tmp_path / "models"
    shutil.copytree(ROOT_MODELS, models)
    before = (models / "rules.toml").read_bytes()
    result = invoke(PLAIN / "runs.csv", "-a", PLAIN / "athlete.toml", "-o", tmp_path / "p.ics",
                    "--csv", models / "rules.toml", "--models", models, "--force", *WEEKS)
    assert result.exit_code == 1
    assert "inside the models folder" in one_line(result)
    assert (models / "rules.toml").read_bytes() == before and not (tmp_path / "p.ics").exists()


@pytest.mark.parametrize(("args", "says"), [
    (("--race", "2026-01-01:10k:B"), "--race 2026-01-01:10k:B: race 10k (B) on 2026-01-01 is "
                                     "before the season starts"),
    (("--to", "2027-01-01"), "--to 2027-01-01: the schedule has no run up to that day"),
    (("--models", "/nonexistent/models"), "/nonexistent/models: models folder not found"),
])
def test_each_mistake_has_its_own_message(tmp_path, args, says):
    """Regression (issue 10, item 10): a --race before the season was blamed on the profile's
    races.0, --to before the first run gave another message, a missing --models folder was a
    usage error. Each is one line naming the option, exit 1."""
    result = invoke(PLAIN / "runs.csv", "-a", PLAIN / "athlete.toml", "-o", tmp_path / "p.ics",
                    *args)
    assert result.exit_code == 1, result.output
    assert one_line(result).startswith(f"runstrength: error: {says}")


def test_a_deeply_nested_profile_is_one_line(tmp_path):
    """Regression (issue 10, item 10): [[[[...]]]] thousands deep was an internal
    RecursionError."""
    profile = tmp_path / "deep.toml"
    profile.write_text('id = "x"\ntimezone = "UTC"\nlevel = ' + "[" * 5000 + "]" * 5000 + "\n")
    result = invoke(PLAIN / "runs.csv", "-a", profile, "-o", tmp_path / "p.ics")
    assert result.exit_code == 1
    assert one_line(result) == f"runstrength: error: {profile}: values nested too deeply"


@pytest.mark.parametrize(("make", "says"), [
    (lambda d: ("athlete", 'id = "x"\ntimezone = "UTC"\nsession_minutes = 1' + "9" * 5000 + "\n"),
     "Exceeds the limit"),
    (lambda d: ("runs", "date,title\n9999-12-31,Easy run\n"),
     "line 2: column date: 9999-12-31 is not a date a season can hold"),
])
def test_odd_values_are_one_line_naming_the_file(tmp_path, make, says):
    """Regression (issue 10, adversarial pass): a 5,000-digit number in a profile and a CSV
    date in year 9999 were internal errors. Each is one line naming the file."""
    role, text = make(tmp_path)
    path = tmp_path / ("athlete.toml" if role == "athlete" else "runs.csv")
    path.write_text(text, encoding="utf-8")
    runs = path if role == "runs" else PLAIN / "runs.csv"
    profile = path if role == "athlete" else PLAIN / "athlete.toml"
    result = invoke(runs, "-a", profile, "-o", tmp_path / "p.ics")
    assert result.exit_code == 1
    line = one_line(result)
    assert line.startswith(f"runstrength: error: {path}: ") and says in line


def test_a_symlink_loop_and_an_impossible_time_limit(tmp_path):
    """Regression (issue 10, adversarial pass): -o into a symlink loop was an internal error,
    --time-limit nan passed the range check."""
    (tmp_path / "l1").symlink_to(tmp_path / "l2")
    (tmp_path / "l2").symlink_to(tmp_path / "l1")
    looped = invoke(PLAIN / "runs.csv", "-a", PLAIN / "athlete.toml", "-o", tmp_path / "l1",
                    "--force")
    assert looped.exit_code == 1 and "a symlink loop" in one_line(looped)
    nan = invoke(PLAIN / "runs.csv", "-a", PLAIN / "athlete.toml", "-o", tmp_path / "p.ics",
                 "--time-limit", "nan")
    assert nan.exit_code == 2 and "nan is not a number of seconds" in nan.output


def test_models_the_solver_cannot_take_name_the_models_folder(tmp_path):
    """Regression (issue 10, adversarial pass): phase_min = 999999999999999 in rules.toml was
    reported as a time-out. It names the models folder."""
    import shutil

    models = tmp_path / "models"
    shutil.copytree(ROOT_MODELS, models)
    rules = models / "rules.toml"
    rules.write_text(re.sub(r"^phase_min = \d+", "phase_min = 999999999999999",
                            rules.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    result = invoke(PLAIN / "runs.csv", "-a", PLAIN / "athlete.toml", "-o", tmp_path / "p.ics",
                    "--models", models)
    assert result.exit_code == 1
    assert one_line(result).startswith(f"runstrength: error: {models}: the models give the "
                                       "solver numbers it cannot take")


@pytest.mark.parametrize("table", ["solver", "price_solver"])
@pytest.mark.parametrize("line", ["num_wrkers = 1", "subsolvers = 1"])
def test_a_solver_parameter_cp_sat_has_not_is_named(tmp_path, line, table):
    """A misspelt [solver] (or [price_solver]) name, or one that takes a list (not a
    number), is refused by name before any solve, with the models file it is in."""
    import shutil

    models = tmp_path / "models"
    shutil.copytree(ROOT_MODELS, models)
    rules = models / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    assert f"\n[{table}]" in text
    rules.write_text(text.replace(f"\n[{table}]", f"\n[{table}]\n{line}", 1), encoding="utf-8")
    result = invoke(PLAIN / "runs.csv", "-a", PLAIN / "athlete.toml", "-o", tmp_path / "p.ics",
                    "--models", models)
    assert result.exit_code == 1
    name = line.split(" ")[0]
    assert f"{table}: unknown CP-SAT parameter '{name}'" in one_line(result)
    assert not (tmp_path / "p.ics").exists()


def test_a_run_in_the_hour_the_clocks_go_back_ends_after_it_starts(tmp_path):
    """Regression (issue 10, adversarial pass): with --include-runs a 45-minute run from 02:30
    on the Sydney fall-back night was written 02:30-02:15 (ics.py refused it). Such times are
    written in UTC, and the four parsers accept the calendar."""
    runs = tmp_path / "runs.csv"
    runs.write_text("date,start,duration_min,title\n2027-03-29,06:00,45,Easy\n"
                    "2027-04-04,02:30,45,Tempo\n")
    out = tmp_path / "p.ics"
    result = invoke(runs, "-a", PLAIN / "athlete.toml", "-o", out, "--include-runs")
    assert result.exit_code == 0, result.output
    assert_four_parsers_accept(out)
    for event in icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT"):
        assert event.end > event.start
    assert "DTSTART:20270403T153000Z" in out.read_text()


def test_a_closed_pipe_after_the_plan_is_written_is_success(tmp_path):
    """Regression (issue 10, adversarial pass): `plan ... | head -1` wrote the plan and then
    exited 1 (rich's broken-pipe exit). The plan is written: exit 0."""
    import subprocess
    import sys

    out = tmp_path / "p.ics"
    proc = subprocess.Popen([sys.executable, "-m", "runstrength", "plan", str(PLAIN / "runs.csv"),
                             "-a", str(PLAIN / "athlete.toml"), "-o", str(out), "-v"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes, as `head -1` does
    proc.wait(timeout=120)
    assert proc.returncode == 0, proc.stderr.read()
    assert out.exists()


@pytest.mark.parametrize(("option", "name", "says"), [
    ("-o", "newdir/", "-o 'newdir/': not a file name (it names a folder)"),
    ("--csv", "", "--csv '': not a file name"),
])
def test_an_output_that_names_no_file_is_refused(tmp_path, option, name, says):
    """Regression (issue 10, adversarial pass): `-o newdir/` wrote a file called newdir and
    `--csv ''` was skipped without a word."""
    args = ["-o", tmp_path / "p.ics"] if option != "-o" else []
    result = invoke(PLAIN / "runs.csv", "-a", PLAIN / "athlete.toml", *args, option, name)
    assert result.exit_code == 1
    assert one_line(result) == f"runstrength: error: {says}"


def test_a_models_file_with_a_key_twice_is_in_plain_words(tmp_path):
    """A models file breaks like a profile does: the line, and "a key given twice" rather than
    tomllib's "Cannot overwrite a value"."""
    import shutil

    models = tmp_path / "models"
    shutil.copytree(ROOT_MODELS, models)
    rules = models / "rules.toml"
    rules.write_text("grid_minutes = 15\n" + rules.read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke(PLAIN / "runs.csv", "-a", PLAIN / "athlete.toml", "-o", tmp_path / "p.ics",
                    "--models", models)
    assert result.exit_code == 1
    assert re.match(rf"runstrength: error: {re.escape(str(rules))}: line \d+: a key given twice",
                    one_line(result))
