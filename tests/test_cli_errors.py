"""Broken inputs through the command line: one line, exit 1, nothing written, nothing touched.

Each case writes a good plain-CSV schedule and profile (copied from scenarios/plain-csv) into
``tmp_path``, breaks one thing, and runs ``runstrength plan`` twice: into an empty output
folder (nothing may appear there) and with ``--force`` over earlier outputs (they must keep
their bytes). Either way the run exits 1 with exactly one line that names the culprit file
(and its line or field), and no input file changes.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SCENARIOS

from runstrength.cli import main

PLAIN = SCENARIOS / "plain-csv"
MARATHON = SCENARIOS / "marathon-trainingpeaks"
OLD_ICS = b"BEGIN:VCALENDAR\r\nX-MINE:my earlier plan\r\nEND:VCALENDAR\r\n"
OLD_CSV = b"athlete,date\r\nme,2027-01-01\r\n"


def invoke(*args, input: bytes | None = None):
    return CliRunner().invoke(main, ["plan", *map(str, args)], input=input,
                              env={"SOURCE_DATE_EPOCH": "1800000000"}, catch_exceptions=False)


def the_line(result) -> str:
    """The only line the run printed (stdout and stderr together)."""
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("runstrength: error: "), lines[0]
    return lines[0]


def digests(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (recursively) with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def profile_text(**changes: str) -> str:
    """The plain-csv profile with some ``key = value`` lines replaced (or added on top)."""
    lines = (PLAIN / "athlete.toml").read_text(encoding="utf-8").splitlines()
    for key, value in changes.items():
        hits = [i for i, line in enumerate(lines) if line.startswith(f"{key} = ")]
        if hits:
            lines[hits[0]] = f"{key} = {value}"
        else:
            lines.insert(0, f"{key} = {value}")
    return "\n".join(lines) + "\n"


def ics(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nUID:{i}@test\r\nDTSTAMP:20270101T000000Z\r\n{e}"
                   "END:VEVENT\r\n" for i, e in enumerate(events))
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body
            + "END:VCALENDAR\r\n").encode()


@dataclass
class Case:
    """One broken input: which file is written with what, and what the message must say."""

    id: str
    culprit: str  # the file name (inside tmp_path/in) the message must name
    content: bytes | None  # None: the culprit is not created (missing file); b"/": a folder
    role: str = "runs"  # runs | athlete | busy
    says: tuple[str, ...] = ()  # further fragments: the line or field, the problem
    extra: tuple[str, ...] = ()  # more options


def _binary() -> bytes:
    return bytes(range(256)) * 8 + b"\x00\xff\xfe" * 100


def _truncated() -> bytes:
    data = (MARATHON / "runs.ics").read_bytes()
    return data[: len(data) // 2]


def _not_utf8() -> bytes:
    text = profile_text().encode()
    return text.replace(b'name = "Priya Natarajan"', b'name = "Priya \xe9\xe9"')


CASES = [
    # running schedule
    Case("truncated-ics", "runs.ics", _truncated(), says=("VCALENDAR",)),
    Case("binary-as-ics", "runs.ics", _binary(), says=("not an iCalendar file",)),
    Case("binary-as-csv", "runs.csv", _binary(), says=("not a CSV text file",)),
    Case("empty-ics", "runs.ics", b"", says=("empty",)),
    Case("empty-csv", "runs.csv", b"", says=("empty",)),
    Case("blank-csv", "runs.csv", b"\r\n  \r\n", says=("empty",)),
    Case("wrong-columns-plain", "runs.csv", b"when,what\n2027-03-01,Easy run\n",
         says=("missing column 'date'",)),
    Case("wrong-columns-trainingpeaks", "runs.csv",
         b'"Title","WorkoutType","WorkoutDescription","PlannedDuration"\n'
         b'"Easy run","Run","","0.75"\n',
         says=("missing column 'WorkoutDay'",)),
    Case("impossible-date-csv", "runs.csv",
         b"date,start,duration_min,title\n2027-02-26,06:00,40,Easy\n2027-02-30,06:00,40,Easy\n",
         says=("line 3", "column date", "2027-02-30")),
    Case("impossible-date-trainingpeaks-csv", "runs.csv",
         b'"Title","WorkoutType","WorkoutDay"\n"Long run","Run","2027-02-30"\n',
         says=("line 2", "WorkoutDay", "2027-02-30")),
    Case("impossible-date-ics-dtstart", "runs.ics",
         ics("SUMMARY:Long run\r\nDTSTART:20270230T070000\r\nDTEND:20270230T090000\r\n"),
         says=("DTSTART", "20270230")),
    Case("impossible-date-ics-all-day", "runs.ics",
         ics("SUMMARY:Run: Long Run\r\nDTSTART;VALUE=DATE:20270230\r\n"),
         says=("DTSTART", "20270230")),
    Case("missing-schedule", "runs.csv", None, says=("file not found",)),
    Case("schedule-is-a-directory", "runs.csv", b"/", says=("is a directory",)),
    Case("unknown-schedule-format", "runs.txt", b"date,title\n2027-03-01,Easy\n",
         says=("unknown schedule format",)),
    # athlete profile
    Case("unknown-time-zone", "athlete.toml",
         profile_text(timezone='"Mars/Olympus_Mons"').encode(), "athlete",
         says=("field timezone", "Mars/Olympus_Mons")),
    Case("window-25h", "athlete.toml",
         profile_text(tue='["25:00-26:30"]').encode(), "athlete",
         says=("availability", "25:00-26:30")),
    Case("key-given-twice", "athlete.toml",
         ('level = "beginner"\n' + profile_text()).encode(), "athlete",
         says=("a key given twice",)),
    Case("unknown-level", "athlete.toml",
         profile_text(level='"elite"').encode(), "athlete", says=("field level", "elite")),
    Case("race-distance-42k", "athlete.toml",
         (profile_text() + '[[races]]\ndate = "2027-05-02"\ndistance = "42k"\n').encode(),
         "athlete", says=("races.0.distance", "42k")),
    Case("race-priority-D", "athlete.toml",
         (profile_text() + '[[races]]\ndate = "2027-05-02"\ndistance = "marathon"\n'
          'priority = "D"\n').encode(), "athlete", says=("races.0.priority", "'D'")),
    Case("race-before-the-season", "athlete.toml",
         (profile_text() + '[[races]]\ndate = "2026-11-01"\ndistance = "10k"\n').encode(),
         "athlete", says=("races.0.date", "2026-11-01")),
    Case("session-minutes-0", "athlete.toml",
         profile_text(session_minutes="0").encode(), "athlete", says=("field session_minutes",)),
    Case("blackout-ends-before-start", "athlete.toml",
         (profile_text() + '[[blackouts]]\nstart = "2027-03-10"\nend = "2027-03-05"\n').encode(),
         "athlete", says=("blackouts.0", "before it starts")),
    Case("unknown-top-level-key", "athlete.toml",
         profile_text(colour='"red"').encode(), "athlete", says=("field colour", "unknown field")),
    Case("toml-syntax-error", "athlete.toml",
         profile_text().replace('level = "marathon"', 'level = "marathon').encode(), "athlete",
         says=("line 3",)),
    Case("toml-not-utf8", "athlete.toml", _not_utf8(), "athlete",
         says=("line 2", "not UTF-8")),
    Case("toml-utf16", "athlete.toml", profile_text().encode("utf-16"), "athlete",
         says=("line 1", "not UTF-8")),
    Case("missing-profile", "athlete.toml", None, "athlete", says=("file not found",)),
    Case("profile-is-a-directory", "athlete.toml", b"/", "athlete", says=("is a directory",)),
    # found while writing these tests (each was a traceback, an exit 2 or silently accepted)
    Case("availability-not-a-list", "athlete.toml",
         profile_text().replace("[availability]\n", "[availability]\nsun = 5\n").encode(),
         "athlete", says=("availability", "sun")),
    Case("run-time-a-number", "athlete.toml",
         profile_text(run_time="7").encode(), "athlete", says=("field run_time", "HH:MM")),
    Case("preferred-time-a-number", "athlete.toml",
         profile_text().replace('time = "06:30"', "time = 1830").encode(), "athlete",
         says=("preferences.time", "HH:MM")),
    Case("misspelt-race-key", "athlete.toml",
         (profile_text() + '[[races]]\ndate = "2027-05-02"\ndistance = "half"\n'
          'priorty = "B"\n').encode(), "athlete", says=("races.0.priorty", "unknown field")),
    Case("misspelt-blackout-key", "athlete.toml",
         (profile_text() + '[[blackouts]]\nstart = "2027-03-10"\nend = "2027-03-12"\n'
          'reasn = "flu"\n').encode(), "athlete", says=("blackouts.0.reasn",)),
    Case("localtime-is-not-a-zone", "athlete.toml",
         profile_text(timezone='"localtime"').encode(), "athlete", says=("field timezone",)),
    Case("zone-in-the-wrong-case", "athlete.toml",
         profile_text(timezone='"australia/sydney"').encode(), "athlete",
         says=("field timezone", "did you mean 'Australia/Sydney'")),
    Case("misspelt-equipment", "athlete.toml",
         profile_text(equipment='["dumbells", "bands"]').encode(), "athlete",
         says=("field equipment.0", "'dumbells'", "did you mean 'dumbbells'?", "known items")),
    Case("schedule-without-runs", "runs.ics",
         ics("SUMMARY:Dentist\r\nDTSTART:20270301T090000Z\r\nDTEND:20270301T100000Z\r\n"),
         says=("no runs", "--from")),
    Case("busy-calendar-broken", "work.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "busy",
         says=("VCALENDAR",)),
    Case("busy-calendar-is-a-directory", "work.ics", b"/", "busy", says=("is a directory",)),
]


def _setup(tmp_path: Path, case: Case) -> tuple[list[str], Path, Path]:
    """Inputs in tmp_path/in (the broken one included); returns (args, culprit, inputs dir)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    files = {"runs": inputs / "runs.csv", "athlete": inputs / "athlete.toml"}
    files["runs"].write_bytes((PLAIN / "runs.csv").read_bytes())
    files["athlete"].write_bytes((PLAIN / "athlete.toml").read_bytes())
    culprit = inputs / case.culprit
    if case.role in files:
        files[case.role].unlink()
    files[case.role] = culprit
    if case.content == b"/":
        culprit.mkdir()
    elif case.content is not None:
        culprit.write_bytes(case.content)
    args = [files["runs"], "--athlete", files["athlete"]]
    if case.role == "busy":
        args += ["--busy", culprit]
    return [*map(str, args), *case.extra], culprit, inputs


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_broken_input_writes_nothing(tmp_path, case):
    """Exit 1, one line naming the file (and line/field), no output files, inputs unchanged."""
    args, culprit, inputs = _setup(tmp_path, case)
    out = tmp_path / "out"
    out.mkdir()
    before = digests(inputs)
    result = invoke(*args, "-o", out / "plan.ics", "--csv", out / "plan.csv")
    assert result.exit_code == 1, result.output
    line = the_line(result)
    assert str(culprit) in line, line
    for fragment in case.says:
        assert fragment in line, line
    assert list(out.iterdir()) == []  # no output, no temp file
    assert digests(inputs) == before


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_broken_input_leaves_earlier_outputs_alone(tmp_path, case):
    """With --force over earlier outputs, a broken input leaves them byte for byte."""
    args, culprit, _ = _setup(tmp_path, case)
    out = tmp_path / "out"
    out.mkdir()
    (out / "plan.ics").write_bytes(OLD_ICS)
    (out / "plan.csv").write_bytes(OLD_CSV)
    before = digests(tmp_path)
    result = invoke(*args, "-o", out / "plan.ics", "--csv", out / "plan.csv", "--force")
    assert result.exit_code == 1, result.output
    assert str(culprit) in the_line(result)
    assert digests(tmp_path) == before  # outputs and inputs; nothing added either


def test_the_cases_start_from_a_good_run(tmp_path):
    """The unbroken inputs plan fine, so each case above fails for its own reason."""
    args, _, _ = _setup(tmp_path, Case("good", "runs.csv", (PLAIN / "runs.csv").read_bytes()))
    result = invoke(*args, "-o", tmp_path / "plan.ics", "-q")
    assert result.exit_code == 0, result.output
    for text in (profile_text(), profile_text(run_time='"06:00"')):
        (tmp_path / "in" / "athlete.toml").write_text(text)
        assert invoke(*args, "-o", tmp_path / "p.ics", "-q", "--force").exit_code == 0


# --- outputs ----------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["ics", "csv"])
def test_existing_output_without_force(tmp_path, which):
    """An existing .ics or CSV without --force: exit 1, one line naming it, both untouched."""
    ics_out, csv_out = tmp_path / "plan.ics", tmp_path / "plan.csv"
    existing = ics_out if which == "ics" else csv_out
    existing.write_bytes(OLD_ICS)
    before = digests(tmp_path)
    result = invoke(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", ics_out,
                    "--csv", csv_out)
    assert result.exit_code == 1
    line = the_line(result)
    assert str(existing) in line and "--force" in line
    assert digests(tmp_path) == before


def test_output_is_a_directory(tmp_path):
    """-o naming a folder is bad input (exit 1, one line), not a click usage error."""
    (tmp_path / "plan.ics").mkdir()
    result = invoke(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml",
                    "-o", tmp_path / "plan.ics", "--force")
    assert result.exit_code == 1
    assert "is a directory" in the_line(result)


def test_output_folder_missing(tmp_path):
    """An output in a folder that does not exist: exit 1 naming the folder; nothing written."""
    result = invoke(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml",
                    "-o", tmp_path / "plan.ics", "--csv", tmp_path / "nope" / "plan.csv")
    assert result.exit_code == 1
    assert "nope" in the_line(result) and "directory not found" in the_line(result)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("role", ["runs", "athlete", "busy"])
def test_output_over_an_input_is_refused_even_with_force(tmp_path, role):
    """Regression: -o/--csv naming an input (with --force) used to overwrite that input."""
    inputs = {"runs": tmp_path / "runs.csv", "athlete": tmp_path / "athlete.toml",
              "busy": tmp_path / "busy.csv"}
    inputs["runs"].write_bytes((PLAIN / "runs.csv").read_bytes())
    inputs["athlete"].write_bytes((PLAIN / "athlete.toml").read_bytes())
    inputs["busy"].write_text("date,start,duration_min,title,type\n"
                              "2027-03-01,12:00,60,Work,busy\n")
    before = digests(tmp_path)
    victim = inputs[role]
    for option in ("-o", "--csv"):
        outputs = {"-o": tmp_path / "plan.ics", "--csv": tmp_path / "plan.csv"}
        outputs[option] = victim
        result = invoke(inputs["runs"], "--athlete", inputs["athlete"], "--busy", inputs["busy"],
                        "-o", outputs["-o"], "--csv", outputs["--csv"], "--force")
        assert result.exit_code == 1, result.output
        line = the_line(result)
        assert str(victim) in line and "input" in line
        assert digests(tmp_path) == before


def test_output_over_an_input_by_another_name_is_refused(tmp_path):
    """A symlink to the schedule is the schedule: refused too."""
    runs = tmp_path / "runs.csv"
    runs.write_bytes((PLAIN / "runs.csv").read_bytes())
    (tmp_path / "link.csv").symlink_to(runs)
    result = invoke(runs, "--athlete", PLAIN / "athlete.toml", "-o", tmp_path / "link.csv",
                    "--force")
    assert result.exit_code == 1 and "is also an input" in the_line(result)
    assert runs.read_bytes() == (PLAIN / "runs.csv").read_bytes()


# --- failures after the checks ----------------------------------------------------------


def _earlier_outputs(tmp_path: Path) -> tuple[Path, Path]:
    ics_out = tmp_path / "plan.ics"
    sub = tmp_path / "tables"
    sub.mkdir()
    csv_out = sub / "plan.csv"
    ics_out.write_bytes(OLD_ICS)
    csv_out.write_bytes(OLD_CSV)
    return ics_out, csv_out


def test_csv_folder_vanishing_during_the_solve_keeps_the_earlier_ics(tmp_path, monkeypatch):
    """The CSV's folder disappears after the first checks: exit 1; the old .ics stays."""
    import runstrength.api

    ics_out, csv_out = _earlier_outputs(tmp_path)
    real_plan = runstrength.api.plan

    def plan_then_remove_folder(*args, **kwargs):
        result = real_plan(*args, **kwargs)
        csv_out.unlink()
        csv_out.parent.rmdir()
        return result

    monkeypatch.setattr(runstrength.api, "plan", plan_then_remove_folder)
    result = invoke(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", ics_out,
                    "--csv", csv_out, "--force")
    assert result.exit_code == 1
    assert "tables" in the_line(result)
    assert ics_out.read_bytes() == OLD_ICS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.ics"]


def test_failed_rename_of_the_csv_restores_the_earlier_ics(tmp_path, monkeypatch):
    """The disk refuses the second rename: the first output gets its old bytes back."""
    import runstrength.fileio

    ics_out, csv_out = _earlier_outputs(tmp_path)
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst) == csv_out:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(runstrength.fileio.os, "replace", replace)
    result = invoke(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", ics_out,
                    "--csv", csv_out, "--force")
    monkeypatch.undo()
    assert result.exit_code == 1
    line = the_line(result)
    assert str(csv_out) in line and "No space left" in line
    assert ics_out.read_bytes() == OLD_ICS and csv_out.read_bytes() == OLD_CSV
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["plan.csv", "plan.ics", "tables"]


def test_a_crash_while_exporting_leaves_earlier_outputs(tmp_path, monkeypatch):
    """An unexpected error after planning: one 'internal error' line, exit 1, old files kept."""
    import runstrength.exporters.ics

    ics_out, csv_out = _earlier_outputs(tmp_path)

    def boom(*args, **kwargs):
        raise RuntimeError("exporter exploded")

    monkeypatch.setattr(runstrength.exporters.ics, "plan_to_ics", boom)
    before = digests(tmp_path)
    result = invoke(PLAIN / "runs.csv", "--athlete", PLAIN / "athlete.toml", "-o", ics_out,
                    "--csv", csv_out, "--force")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "internal error" in lines[0] and "Traceback" not in lines[0]
    assert digests(tmp_path) == before


def test_a_good_run_never_modifies_its_inputs(tmp_path):
    """Schedule, profile and busy calendar keep their bytes through a successful run."""
    for name in ("runs.csv", "athlete.toml"):
        (tmp_path / name).write_bytes((PLAIN / name).read_bytes())
    busy = tmp_path / "busy.ics"
    busy.write_bytes(ics("SUMMARY:Work\r\nDTSTART:20270301T000000Z\r\n"
                         "DTEND:20270301T060000Z\r\n"))
    before = digests(tmp_path)
    (tmp_path / "out").mkdir()
    result = invoke(tmp_path / "runs.csv", "--athlete", tmp_path / "athlete.toml", "--busy", busy,
                    "-o", tmp_path / "out" / "plan.ics", "--csv", tmp_path / "out" / "plan.csv")
    assert result.exit_code == 0, result.output
    after = digests(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("out")} == before



def test_profile_message_does_not_repeat_the_value(tmp_path):
    """Regression: "unknown time zone 'X'; ... (got 'X')" said the value twice."""
    profile = tmp_path / "athlete.toml"
    profile.write_text(profile_text(timezone='"Mars/Olympus_Mons"'), encoding="utf-8")
    result = invoke(PLAIN / "runs.csv", "--athlete", profile, "-o", tmp_path / "p.ics")
    assert result.exit_code == 1
    assert the_line(result).count("Mars/Olympus_Mons") == 1
