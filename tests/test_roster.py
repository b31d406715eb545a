"""The roster: reading it, keeping its files inside its folder, failures, resume, determinism,
the summary and the page."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SCENARIOS
from icalendar import Calendar

from runstrength import knowledge
from runstrength.cli import main
from runstrength.errors import InputError
from runstrength.roster import (
    SUMMARY_COLUMNS,
    Options,
    contained,
    load_roster,
    plan_roster,
    tasks_for,
)
from runstrength.validate import validate

BUNDLED = SCENARIOS / "roster"


def _roster(tmp: Path, body: str, name: str = "roster.toml") -> Path:
    """A roster in ``tmp`` with two small athletes' files (lena: CSV, priya: CSV)."""
    for who in ("lena", "priya"):
        shutil.copytree(BUNDLED / who, tmp / who, dirs_exist_ok=True)
    path = tmp / name
    path.write_text(body, encoding="utf-8")
    return path


TWO = """
[[athlete]]
id = "lena"
profile = "lena/athlete.toml"
runs = "lena/runs.csv"

[[athlete]]
id = "priya"
profile = "priya/athlete.toml"
runs = "priya/runs.csv"
"""


def _summary(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "out"
    result = CliRunner().invoke(main, ["roster", str(BUNDLED / "roster.toml"), "-o", str(out),
                                       "--report", "--csv", "-j", "1"])
    assert result.exit_code == 1, result.output  # tom is broken on purpose
    return out


# --- reading the roster -----------------------------------------------------------------


def test_toml_roster_reads_entries_defaults_and_overrides(tmp_path: Path) -> None:
    path = _roster(tmp_path, """
[defaults]
start = 2027-02-01
time_limit = 30

[[athlete]]
name = "Lena"
profile = "lena/athlete.toml"
runs = "lena/runs.csv"
level = "recreational"
races = [{ date = 2027-05-01, distance = "5k", priority = "C" }]
""")
    roster = load_roster(path)
    assert roster.start.isoformat() == "2027-02-01" and roster.time_limit == 30
    entry = roster.entries[0]
    assert entry.id == "lena"  # the profile's own id
    assert entry.overrides == {"level": "recreational"}
    tasks, failed = tasks_for(roster, Options())
    assert not failed
    assert dict(tasks[0].overrides)["level"] == "recreational"
    assert tasks[0].races[0].distance.value == "5k"


def test_csv_roster_has_exactly_the_named_columns(tmp_path: Path) -> None:
    path = _roster(tmp_path, "id,name,profile,runs\nlena,Lena,lena/athlete.toml,lena/runs.csv\n",
                   "roster.csv")
    assert [e.id for e in load_roster(path).entries] == ["lena"]
    path.write_text("id,name,profile,runs,colour\nlena,Lena,lena/athlete.toml,lena/runs.csv,red\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"roster.csv: line 1: the columns must be "):
        load_roster(path)


def test_csv_roster_names_the_line_of_a_bad_row(tmp_path: Path) -> None:
    path = _roster(tmp_path, "id,name,profile,runs\nlena,Lena,lena/athlete.toml,lena/runs.csv\n"
                             "\nbob,Bob,,bob/runs.csv\n", "roster.csv")
    with pytest.raises(InputError, match=r"roster.csv: line 4 \(bob\): profile: missing"):
        load_roster(path)


def test_ids_default_to_the_profile_id_else_folder_and_stem(tmp_path: Path) -> None:
    for who in ("a", "b"):
        (tmp_path / who).mkdir()
        (tmp_path / who / "athlete.toml").write_text('timezone = "Europe/London"\n')
        (tmp_path / who / "runs.csv").write_text("date,title\n")
    path = tmp_path / "roster.toml"
    path.write_text("".join(f'[[athlete]]\nprofile = "{w}/athlete.toml"\nruns = "{w}/runs.csv"\n'
                            for w in ("a", "b")))
    assert [e.id for e in load_roster(path).entries] == ["a-athlete", "b-athlete"]


def test_duplicate_ids_name_both_entries(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO.replace('id = "priya"', 'id = "LENA"'))
    with pytest.raises(InputError, match=r"athlete 2 \(LENA\): id 'LENA' is also the id of "
                                         r".*athlete 1 \(lena\)"):
        load_roster(path)


def test_ids_must_make_file_names(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO.replace('id = "priya"', 'id = "../x"'))
    with pytest.raises(InputError, match=r"id '../x': letters, digits"):
        load_roster(path)
    path.write_text(TWO.replace('id = "priya"', 'id = "summary"'))
    with pytest.raises(InputError, match=r"the name of a roster output"):
        load_roster(path)


def test_a_roster_without_athletes_or_with_unknown_keys_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.toml"
    path.write_text("[defaults]\ntime_limit = 5\n")
    with pytest.raises(InputError, match="no athletes"):
        load_roster(path)
    path.write_text("[default]\n")
    with pytest.raises(InputError, match="unknown table or key 'default'"):
        load_roster(path)


# --- paths stay inside the roster's folder -----------------------------------------------


def test_an_absolute_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="an absolute path"):
        contained(tmp_path, "/etc/passwd", "roster.toml: athlete 1: runs")


def test_dot_dot_out_of_the_folder_is_refused_but_inside_is_fine(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "runs.csv").write_text("date\n")
    assert contained(tmp_path, "a/../a/runs.csv", "x") == tmp_path / "a/../a/runs.csv"
    with pytest.raises(InputError, match=r"climbs out of the roster's folder"):
        contained(tmp_path / "a", "../a/runs.csv", "x")


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.csv"
    outside.write_text("date\n")
    root = tmp_path / "roster"
    root.mkdir()
    (root / "runs.csv").symlink_to(outside)
    with pytest.raises(InputError, match=r"a symbolic link that leads out"):
        contained(root, "runs.csv", "x")


def test_a_path_outside_fails_that_athlete_only(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO.replace('runs = "priya/runs.csv"', 'runs = "/etc/hostname"'))
    result = plan_roster(path, jobs=1)
    by_id = {r.id: r for r in result}
    assert by_id["lena"].status == "OPTIMAL"
    assert by_id["priya"].failed
    assert "athlete 2 (priya): runs: /etc/hostname: an absolute path" in by_id["priya"].error


# --- planning ---------------------------------------------------------------------------


def test_the_bundled_roster_plans_all_but_the_broken_athlete(bundled: Path) -> None:
    rows = _summary(bundled / "summary.csv")
    assert list(rows[0]) == list(SUMMARY_COLUMNS)
    by_id = {r["athlete"]: r for r in rows}
    assert len(by_id) == 7
    assert by_id["tom"]["status"] == "FAILED"
    assert by_id["tom"]["error"].startswith("scenarios/roster/tom/runs.csv: line 6: column date")\
        or "tom/runs.csv: line 6: column date" in by_id["tom"]["error"]
    for who, row in by_id.items():
        if who != "tom":
            assert row["status"] == "OPTIMAL" and int(row["sessions"]) > 0 and not row["error"]
            for ext in ("ics", "csv", "html"):
                assert (bundled / f"{who}.{ext}").stat().st_size > 0
    assert not (bundled / "tom.ics").exists()


def test_every_athletes_plan_passes_the_validator(tmp_path: Path) -> None:
    result = plan_roster(BUNDLED / "roster.toml", jobs=1)
    k = knowledge.load()
    plans = [r.plan for r in result if not r.failed]
    assert len(plans) == 6
    for plan in plans:
        assert validate(plan, k) == [], plan.athlete.id


def test_uids_differ_between_athletes_of_the_same_plan(bundled: Path) -> None:
    def uids(who: str) -> set[str]:
        cal = Calendar.from_ical((bundled / f"{who}.ics").read_bytes())
        return {str(e["UID"]) for e in cal.walk("VEVENT")}

    alex, sam = uids("alex"), uids("sam")  # the same running plan, two athletes
    assert alex and sam and not alex & sam


def test_a_roster_override_is_applied_and_blamed_on_the_roster(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO.replace('runs = "priya/runs.csv"',
                                         'runs = "priya/runs.csv"\nlevel = "elite"'))
    result = {r.id: r for r in plan_roster(path, jobs=1)}
    assert result["priya"].failed
    assert "roster.toml: athlete 2 (priya): field level" in result["priya"].error
    assert not result["lena"].failed


def test_jobs_do_not_change_the_outputs(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO)
    outs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        plan_roster(path, jobs=jobs, outdir=out, options=Options(csv=True, report=True))
        outs[jobs] = out
    names = sorted(p.name for p in outs[1].iterdir() if p.is_file())
    assert names == ["lena.csv", "lena.html", "lena.ics", "priya.csv", "priya.html",
                     "priya.ics", "roster.html", "summary.csv"]
    for name in names:
        if name == "summary.csv":  # only the measured seconds may differ
            one, two = ([{k: v for k, v in row.items() if k != "seconds"} for row in
                         _summary(outs[j] / name)] for j in (1, 2))
            assert one == two
        else:
            assert (outs[1] / name).read_bytes() == (outs[2] / name).read_bytes(), name


def test_an_interrupted_run_resumes_with_only_what_is_missing(tmp_path: Path,
                                                              monkeypatch) -> None:
    import runstrength.roster as roster_mod

    path = _roster(tmp_path, TWO)
    out = tmp_path / "out"

    def stop(result, done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        plan_roster(path, jobs=1, outdir=out, on_result=stop)
    assert (out / "lena.ics").exists() and not (out / "priya.ics").exists()
    assert not (out / "summary.csv").exists()  # the summary is written last
    assert not [p for p in out.rglob("*") if p.name.startswith(".runstrength-")]  # no temps
    planned = []
    real = roster_mod.run_season
    monkeypatch.setattr(roster_mod, "run_season", lambda t: planned.append(t.id) or real(t))
    result = plan_roster(path, jobs=1, outdir=out, resume=True)
    assert planned == ["priya"]
    assert [r.id for r in result] == ["lena", "priya"]
    assert [r["athlete"] for r in _summary(out / "summary.csv")] == ["lena", "priya"]
    # a changed input is planned again
    planned.clear()
    (tmp_path / "lena" / "runs.csv").write_text(
        (tmp_path / "lena" / "runs.csv").read_text() + "\n")
    plan_roster(path, jobs=1, outdir=out, resume=True)
    assert planned == ["lena"]


def test_fail_fast_stops_at_the_first_failure(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO.replace('runs = "lena/runs.csv"', 'runs = "lena/missing.csv"'))
    result = plan_roster(path, jobs=1, fail_fast=True)
    assert [r.id for r in result] == ["lena"] and result.stopped


def test_to_frame_is_the_summary(tmp_path: Path) -> None:
    frame = plan_roster(_roster(tmp_path, TWO), jobs=1).to_frame()
    assert list(frame.columns) == list(SUMMARY_COLUMNS)
    assert list(frame["status"]) == ["OPTIMAL", "OPTIMAL"]


def test_write_puts_the_kept_files_in_a_folder(tmp_path: Path) -> None:
    result = plan_roster(_roster(tmp_path, TWO), jobs=1)
    result.write(tmp_path / "out")
    assert (tmp_path / "out" / "lena.ics").exists() and (tmp_path / "out" / "summary.csv").exists()
    with pytest.raises(InputError, match="not empty"):
        result.write(tmp_path / "out")


# --- the command ------------------------------------------------------------------------


def test_cli_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["roster", str(path), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert "not empty; give --force" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    result = CliRunner().invoke(main, ["roster", str(path), "-o", str(out), "-j", "1", "--force"])
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text() == "mine"


def test_cli_names_the_failed_athletes_and_exits_1(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO.replace('runs = "priya/runs.csv"', 'runs = "priya/nope.csv"'))
    result = CliRunner().invoke(main, ["roster", str(path), "-o", str(tmp_path / "o"), "-j", "1"])
    assert result.exit_code == 1
    assert "priya: FAILED: " in result.output and "nope.csv: file not found" in result.output
    assert "1 athlete planned, 1 failed (priya)" in result.output
    assert "Traceback" not in result.output


def test_cli_plain_progress_lines_when_not_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["roster", str(_roster(tmp_path, TWO)), "-o",
                                       str(tmp_path / "o"), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "[1/2] roster: lena: 16 sessions over 10 weeks" in result.output
    assert "[2/2] roster: priya:" in result.output


def test_cli_dask_missing_says_how_to_install(tmp_path: Path, monkeypatch) -> None:
    import builtins

    real = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith("distributed"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    result = CliRunner().invoke(main, ["roster", str(_roster(tmp_path, TWO)), "-o",
                                       str(tmp_path / "o"), "--executor", "dask"])
    assert result.exit_code == 1
    assert 'pip install "runstrength[dask]"' in result.output


def test_roster_page_shows_every_athlete(bundled: Path, tmp_path: Path) -> None:
    from test_report import _browse

    page = (bundled / "roster.html").read_text(encoding="utf-8")
    assert page.count('<tr data-athlete="') == 6 and 'class="failed" data-athlete="tom"' in page
    assert 'href="alex.html"' in page
    dom = _browse(bundled / "roster.html", tmp_path, "--dump-dom")
    assert "Roster: 7 athletes" in dom
    assert dom.count('class="wk') >= 6 * 10
    shot = tmp_path / "roster.png"
    _browse(bundled / "roster.html", tmp_path, f"--screenshot={shot}", size="1400,900")
    assert shot.stat().st_size > 10_000


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_cli_refuses_to_write_into_the_rosters_folder(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO)
    result = CliRunner().invoke(main, ["roster", str(path), "-o", str(tmp_path), "--force"])
    assert result.exit_code == 1 and "the roster's own folder" in result.output


def test_resume_needs_an_earlier_run_in_the_folder(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "lena.ics").write_text("my own calendar")
    with pytest.raises(InputError, match="holds no earlier roster run to resume"):
        plan_roster(path, jobs=1, outdir=out, resume=True)
    assert (out / "lena.ics").read_text() == "my own calendar"


def test_outputs_no_longer_asked_for_are_removed(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO)
    out = tmp_path / "out"
    plan_roster(path, jobs=1, outdir=out, options=Options(csv=True, report=True))
    assert (out / "lena.csv").exists() and (out / "lena.html").exists()
    (out / "notes.csv").write_text("mine")
    plan_roster(path, jobs=1, outdir=out, force=True)
    assert not (out / "lena.csv").exists() and not (out / "lena.html").exists()
    assert (out / "lena.ics").exists() and (out / "notes.csv").read_text() == "mine"
    # an athlete that now fails leaves no calendar of an earlier plan behind
    (tmp_path / "lena" / "runs.csv").write_text("date,title\n2027-02-30,Easy\n")
    plan_roster(path, jobs=1, outdir=out, force=True)
    assert not (out / "lena.ics").exists() and (out / "priya.ics").exists()


def test_mistakes_in_roster_overrides_name_the_roster(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO.replace('runs = "priya/runs.csv"',
                                         'runs = "priya/runs.csv"\n'
                                         'equipment = ["bands", "dumbels"]\n'
                                         'races = [{ date = 2031-04-13, distance = "10k" }]'))
    priya = {r.id: r for r in plan_roster(path, jobs=1)}["priya"]
    assert priya.error.startswith(f"{path}: athlete 2 (priya): field equipment.1: unknown "
                                  "equipment 'dumbels'; did you mean 'dumbbells'?")
    path.write_text(TWO.replace('runs = "priya/runs.csv"', 'runs = "priya/runs.csv"\n'
                                'races = [{ date = 2031-04-13, distance = "10k" }]'))
    priya = {r.id: r for r in plan_roster(path, jobs=1)}["priya"]
    assert priya.error.startswith(f"{path}: athlete 2 (priya): races: 2031-04-13: race ")
    assert "--race" not in priya.error


def test_an_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO.replace('id = "priya"', 'id = "runs"'))
    before = (tmp_path / "priya" / "runs.csv").read_bytes()
    with pytest.raises(InputError, match=r"runs.csv: is also an input"):
        plan_roster(path, jobs=1, outdir=tmp_path / "priya", force=True,
                    options=Options(csv=True))
    assert (tmp_path / "priya" / "runs.csv").read_bytes() == before


def test_a_dash_is_not_standard_input_in_a_roster(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="a roster reads no standard input"):
        contained(tmp_path, "-", "roster.toml: athlete 1: profile")


def test_a_models_folder_linking_out_is_refused_before_it_is_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "rules.toml").write_text("not toml at all [")
    root = tmp_path / "r"
    root.mkdir()
    (root / "models").mkdir()
    (root / "models" / "rules.toml").symlink_to(outside / "rules.toml")
    path = _roster(root, "[defaults]\nmodels = \"models\"\n" + TWO)
    with pytest.raises(InputError, match="a symbolic link that leads out"):
        tasks_for(load_roster(path), Options())


def test_a_summary_always_means_the_run_finished(tmp_path: Path) -> None:
    path = _roster(tmp_path, TWO)
    out = tmp_path / "out"
    plan_roster(path, jobs=1, outdir=out)
    assert (out / "summary.csv").exists()

    def stop(result, done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        plan_roster(path, jobs=1, outdir=out, force=True, on_result=stop)
    assert not (out / "summary.csv").exists()
