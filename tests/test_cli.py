"""End to end through the command line, on every bundled scenario."""

from __future__ import annotations

import io
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from conftest import SCENARIOS

from runstrength import __version__, knowledge
from runstrength.api import plan
from runstrength.cli import main
from runstrength.validate import validate

SCENARIO_DIRS = sorted(p for p in SCENARIOS.iterdir() if (p / "athlete.toml").is_file())
MARATHON = SCENARIOS / "marathon-trainingpeaks"


def schedule_of(folder: Path) -> Path:
    return next(p for p in sorted(folder.iterdir()) if p.stem == "runs")


def invoke(*args: str, env: dict | None = None):
    runner = CliRunner()
    return runner.invoke(main, [str(a) for a in args], env=env or {}, catch_exceptions=False)


@pytest.fixture(params=SCENARIO_DIRS, ids=lambda p: p.name)
def scenario(request) -> Path:
    return request.param


def test_version_and_help():
    """--version prints the version; plan --help lists the contract's options."""
    assert __version__ in invoke("--version").output
    text = invoke("plan", "--help").output
    for option in ("--athlete", "--output", "--csv", "--race", "--from", "--to", "--force",
                   "--strict"):
        assert option in text


def test_scenario_plans_validate_and_parse(scenario, tmp_path):
    """Each scenario: exit 0, an .ics that icalendar reads, and a plan with no hard-rule break."""
    out, table = tmp_path / "strength.ics", tmp_path / "strength.csv"
    result = invoke("plan", schedule_of(scenario), "--athlete", scenario / "athlete.toml",
                    "-o", out, "--csv", table, env={"SOURCE_DATE_EPOCH": "1800000000"})
    assert result.exit_code == 0, result.output
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    events = [c for c in cal.walk("VEVENT")]
    assert events and all(str(e["SUMMARY"]).startswith("Strength") for e in events)
    the_plan = plan(schedule_of(scenario), scenario / "athlete.toml")
    assert validate(the_plan, knowledge.load()) == []
    assert len(events) == len(the_plan.sessions)
    assert table.read_text().count("\n") == len(events) + 1


def test_scenario_output_is_byte_identical_on_a_second_run(scenario, tmp_path):
    """Same inputs, same bytes: two runs write identical calendars."""
    outs = []
    for name in ("a.ics", "b.ics"):
        result = invoke("plan", schedule_of(scenario), "--athlete", scenario / "athlete.toml",
                        "-o", tmp_path / name, "-q", env={"SOURCE_DATE_EPOCH": "1800000000"})
        assert result.exit_code == 0, result.output
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]


def test_scenario_output_parses_in_four_libraries(scenario, tmp_path):
    """The calendar is accepted by icalendar, ical (strict), vobject (validate) and ics.py."""
    import ics
    import vobject
    from ical.calendar_stream import IcsCalendarStream

    out = tmp_path / "s.ics"
    assert invoke("plan", schedule_of(scenario), "--athlete", scenario / "athlete.toml",
                  "-o", out, "-q").exit_code == 0
    text = out.read_text(encoding="utf-8")
    cal = icalendar.Calendar.from_ical(text)
    assert all(not c.errors for c in cal.walk())
    assert IcsCalendarStream.calendar_from_ics(text).events
    vobject.readOne(io.StringIO(text), validate=True)
    assert ics.Calendar(text).events


def test_existing_output_needs_force(tmp_path):
    """Without --force an existing file is left untouched and the run exits 1."""
    folder = MARATHON
    out = tmp_path / "mine.ics"
    out.write_text("my own calendar")
    result = invoke("plan", schedule_of(folder), "--athlete", folder / "athlete.toml", "-o", out)
    assert result.exit_code == 1
    assert "--force" in result.output and "Traceback" not in result.output
    assert out.read_text() == "my own calendar"
    assert invoke("plan", schedule_of(folder), "--athlete", folder / "athlete.toml", "-o", out,
                  "--force", "-q").exit_code == 0
    assert out.read_text().startswith("BEGIN:VCALENDAR")


def test_bad_profile_gives_one_line_and_writes_nothing(tmp_path):
    """An unknown time zone: exit 1, one line naming file and field, no output file."""
    folder = MARATHON
    text = (folder / "athlete.toml").read_text()
    bad = tmp_path / "bad.toml"
    import re

    bad.write_text(re.sub(r'timezone = "[^"]+"', 'timezone = "Mars/Olympus"', text))
    out = tmp_path / "x.ics"
    result = invoke("plan", schedule_of(folder), "--athlete", bad, "-o", out)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "bad.toml" in lines[0] and "timezone" in lines[0]
    assert not out.exists()


def test_strict_exits_3_when_a_minimum_is_missed(tmp_path):
    """--strict with availability on one day only: exit 3 and nothing written."""
    folder = MARATHON
    text = (folder / "athlete.toml").read_text()
    head, _, rest = text.partition("[availability]")
    tail = rest[rest.find("\n[", 1):] if "\n[" in rest else ""
    thin = tmp_path / "thin.toml"
    thin.write_text(head + '[availability]\nsat = ["08:00-12:00"]\n' + tail)
    out = tmp_path / "x.ics"
    result = invoke("plan", schedule_of(folder), "--athlete", thin, "-o", out, "--strict")
    assert result.exit_code == 3, result.output
    assert "shortfall" in result.output and not out.exists()


def test_race_option_adds_a_race(tmp_path):
    """--race DATE:DISTANCE:PRIORITY adds a race week to the plan."""
    folder = MARATHON
    the_plan = plan(schedule_of(folder), folder / "athlete.toml")
    mid = the_plan.weeks[len(the_plan.weeks) // 3]
    race_day = mid.sunday
    out = tmp_path / "r.ics"
    result = invoke("plan", schedule_of(folder), "--athlete", folder / "athlete.toml", "-o", out,
                    "--race", f"{race_day}:10k:B")
    assert result.exit_code == 0, result.output
    assert "race-week" in result.output or "race" in result.output


def test_bad_race_option_is_a_usage_error(tmp_path):
    """A malformed --race is a usage error (exit 2)."""
    folder = MARATHON
    result = invoke("plan", schedule_of(folder), "--athlete", folder / "athlete.toml", "-o",
                    tmp_path / "x.ics", "--race", "2027-13-01:marathon")
    assert result.exit_code == 2


def test_own_strength_sessions_in_the_summary_and_busy_calendars(tmp_path):
    """The terminal lists the athlete's own gym sessions in their weeks and counts them; the
    same title in a --busy calendar is only busy time."""
    profile = tmp_path / "a.toml"
    profile.write_text('id = "a"\ntimezone = "Europe/London"\nlevel = "recreational"\n'
                       'equipment = ["dumbbells"]\n[availability]\n'
                       'mon = ["18:00-20:00"]\nwed = ["18:00-20:00"]\nfri = ["18:00-20:00"]\n')
    runs = tmp_path / "runs.csv"
    runs.write_text("date,start,duration_min,title\n2027-03-02,07:00,45,Easy run\n"
                    "2027-03-03,18:00,60,Gym - legs\n")
    result = invoke("plan", runs, "-a", profile, "-o", tmp_path / "p.ics")
    assert result.exit_code == 0, result.output
    assert "Wed own: Gym - legs" in result.output
    assert "1 of your own counted in their weeks" in result.output
    busy = tmp_path / "busy.csv"
    busy.write_text("date,start,duration_min,title\n2027-03-05,18:00,60,Gym - legs\n")
    again = invoke("plan", runs, "-a", profile, "--busy", busy, "-o", tmp_path / "q.ics")
    assert "Fri own:" not in again.output and "1 of your own" in again.output
