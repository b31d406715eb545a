"""Real-world calendars in, safe calendars out: `runstrength plan` on every shipped .ics.

The icalendar and recurring-ical-events wheels ship some 200 real-world and deliberately broken
calendars. Each goes through the command line with a fixed profile and a window of four weeks
from the Monday of its first event. The outcome is either a plan (exit 0, a calendar that
parses, every session inside the window) or bad input (exit 1, one line on stderr naming the
file, nothing written); never a traceback and never the CLI's "internal error" line.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from click.testing import CliRunner

from runstrength import knowledge
from runstrength.cli import main
from runstrength.importers import decode, load_schedule
from runstrength.profile import load_athlete

ICALENDAR_DIR = Path(icalendar.__file__).parent / "tests" / "calendars"
RIE_DIR = Path(recurring_ical_events.__file__).parent / "test" / "calendars"
#: Season for a calendar without a readable VEVENT start (two weeks).
FALLBACK = (dt.date(2027, 3, 1), dt.date(2027, 3, 14))
WEEKS = 4

PROFILE = """\
id = "real"
name = "Real Calendar Runner"
level = "recreational"
timezone = "Europe/Berlin"
session_minutes = 40
equipment = ["bands", "dumbbells"]
run_time = "07:00"

[availability]
mon = ["06:00-08:00", "17:00-21:00"]
tue = ["17:00-21:00"]
wed = ["06:00-08:00", "17:00-21:00"]
thu = ["17:00-21:00"]
fri = ["17:00-21:00"]
sat = ["08:00-12:00"]
sun = ["09:00-12:00"]
"""

_FIRST_DATE = re.compile(r":[^\r\n]*?(\d{4})(\d{2})(\d{2})")


def shipped_calendars() -> list[Path]:
    return sorted(ICALENDAR_DIR.glob("*.ics")) + sorted(RIE_DIR.glob("*.ics"))


def first_monday(text: str) -> dt.date | None:
    """Monday of the first VEVENT's DTSTART (a light line scan, no parser), if readable."""
    inside = False
    for line in text.splitlines():
        upper = line.upper()
        if upper.startswith("BEGIN:VEVENT"):
            inside = True
        elif upper.startswith("END:VEVENT"):
            inside = False
        elif inside and upper.startswith(("DTSTART;", "DTSTART:")):
            m = _FIRST_DATE.search(line)
            if not m:
                continue
            try:
                first = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            if 1 < first.year < 9990:
                return first - dt.timedelta(days=first.weekday())
    return None


def season_of(path: Path, weeks: int = WEEKS) -> tuple[dt.date, dt.date]:
    """``weeks`` weeks from the Monday of the file's first event, else :data:`FALLBACK`."""
    monday = first_monday(decode(path.read_bytes()))
    if monday is None:
        return FALLBACK
    return monday, monday + dt.timedelta(weeks=weeks, days=-1)


def _id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.name}"


@pytest.fixture(scope="module")
def profile(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("profile") / "real.toml"
    path.write_text(PROFILE, encoding="utf-8")
    return path


def test_shipped_calendars_are_installed():
    """Both wheels ship their calendars, so the parametrized test below is not empty."""
    assert len(list(ICALENDAR_DIR.glob("*.ics"))) > 100
    assert len(list(RIE_DIR.glob("*.ics"))) > 80


@pytest.mark.parametrize("path", shipped_calendars(), ids=_id)
def test_real_calendar_plans_or_fails_in_one_line(path, profile, tmp_path):
    """Exit 0 with a calendar inside the window, or exit 1 with one line naming the file."""
    first, last = season_of(path)
    out, report = tmp_path / "strength.ics", tmp_path / "season.html"
    result = CliRunner().invoke(
        main,
        ["plan", str(path), "--athlete", str(profile), "-o", str(out), "-q",
         "--report", str(report), "--from", str(first), "--to", str(last)],
        env={"SOURCE_DATE_EPOCH": "1800000000"},
        catch_exceptions=False,
    )
    err = result.stderr
    assert "Traceback" not in result.output and "internal error" not in err, err
    lines = err.splitlines()
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert len(lines) == 1, err
        assert lines[0].startswith(f"runstrength: error: {path}: "), err
        assert not out.exists() and not report.exists()
        return
    page = report.read_text(encoding="utf-8")  # the season report, with the calendar's text
    assert page.startswith("<!DOCTYPE html>") and '<tr class="week' in page
    # exit 0: only one-line warnings and shortfalls, and a calendar that parses cleanly
    assert all(line.startswith(("runstrength: warning: ", "runstrength: shortfall: "))
               for line in lines), err
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert all(not c.errors for c in cal.walk())
    schedule = load_schedule(path, load_athlete(profile), knowledge.load(), start=first, end=last)
    if not schedule.runs:  # planned around the busy time alone, and said so
        assert "the schedule holds no runs" in err, err
    events = list(cal.walk("VEVENT"))
    assert events, "a four-week window with every day available gets sessions"
    assert all(f'data-uid="{event["UID"]}"' in page for event in events)
    for event in events:
        assert str(event["SUMMARY"]).startswith("Strength")
        assert first <= event.DTSTART.date() <= last
