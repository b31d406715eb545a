"""The CLI reads its inputs in a second process while it loads the solver (runstrength.prefetch):
the same files and messages as reading them itself, and any failure of the child leaves the
reading to the parent."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import SCENARIOS

from runstrength import prefetch

MARATHON = SCENARIOS / "marathon-trainingpeaks"
PLAIN = SCENARIOS / "plain-csv"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the read-ahead forks, on Linux only")


@pytest.fixture
def allowed(monkeypatch):
    """This process may fork, as the CLI's own does, even on a one-core machine."""
    monkeypatch.setattr(prefetch, "_allowed", True)
    monkeypatch.setattr("runstrength.executor.default_jobs", lambda: 2)
    monkeypatch.delenv("RUNSTRENGTH_PREFETCH", raising=False)


def _cli(tmp_path, name: str, *args: str, prefetch_on: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000",
           "RUNSTRENGTH_PREFETCH": "1" if prefetch_on else "0"}
    return subprocess.run([sys.executable, "-m", "runstrength", "plan", *args, "-o",
                           str(tmp_path / name), "--force"], env=env, capture_output=True,
                          timeout=300)


def test_only_the_cli_process_forks_and_never_when_turned_off(allowed, monkeypatch):
    assert prefetch.wanted()
    monkeypatch.setenv("RUNSTRENGTH_PREFETCH", "0")
    assert not prefetch.wanted()
    monkeypatch.delenv("RUNSTRENGTH_PREFETCH")
    monkeypatch.setattr(prefetch, "_allowed", False)  # a notebook, a test runner
    assert not prefetch.wanted()
    assert prefetch.start(len, "abc") is None
    monkeypatch.setattr(prefetch, "_allowed", True)
    monkeypatch.setattr("runstrength.executor.default_jobs", lambda: 1)  # no second core
    assert not prefetch.wanted()


def test_the_child_answers_with_what_the_job_returns(allowed):
    pending = prefetch.start(sorted, [3, 1, 2], reverse=True)
    assert pending is not None
    assert pending.receive() == [3, 2, 1]
    assert pending.receive() is None  # one answer only
    pending.cancel()  # the child is gone already: nothing left to do


def _steps(n):
    for i in range(n):
        yield {"step": i}


def _then_fails():
    yield "first"
    raise ValueError("a bug after the first answer")


def test_a_generator_job_answers_once_a_value_and_then_has_no_more(allowed):
    pending = prefetch.start(_steps, 3)
    assert [pending.receive() for _ in range(4)] == [{"step": 0}, {"step": 1}, {"step": 2},
                                                     None]
    pending = prefetch.start(_then_fails)
    assert pending.receive() == "first"
    assert pending.receive() is None


def _raises():
    raise ValueError("a bug in the reading")


def _dies():
    os._exit(3)


def _unpicklable():
    return lambda: None


@pytest.mark.parametrize("job", [_raises, _dies, _unpicklable])
def test_a_child_that_fails_leaves_the_work_to_the_parent(allowed, job):
    pending = prefetch.start(job)
    assert pending is not None
    assert pending.receive() is None


def test_a_child_that_takes_too_long_is_stopped(allowed):
    import time

    pending = prefetch.start(time.sleep, 60)
    started = time.monotonic()
    assert pending.receive(timeout=0.5) is None
    assert time.monotonic() - started < 30
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(pending.pid, os.WNOHANG)


def test_the_read_ahead_gives_the_inputs_and_contents_of_reading_here(allowed):
    """The child's inputs equal the parent's own reading; the memo then holds every content
    the season's candidates ask for (both halves: the child's and the parent's)."""
    from runstrength import api, cli, knowledge
    from runstrength.prescription import structure
    from runstrength.solver import candidates
    from runstrength.task import read_inputs

    runs, profile = str(MARATHON / "runs.ics"), str(MARATHON / "athlete.toml")
    k = knowledge.load()
    k.memo.clear()
    inputs = cli._read_ahead(runs, profile, None, races=(), start=None, end=None,
                             busy_paths=(), fmt=None, runs_data=None, replace_races=False)
    assert inputs is not None
    assert inputs == read_inputs(runs, profile, k)
    held = {key for key in k.memo if key[:1] == ("content",)}
    assert held
    built = []
    real = structure._content
    structure._content = lambda *args: built.append(args) or real(*args)
    try:
        athlete, schedule, busy = inputs
        candidates(api.prepare(schedule, athlete, busy=busy).season)
    finally:
        structure._content = real
    assert built == []  # nothing left to build


@pytest.mark.parametrize(("scenario", "runs"), [(MARATHON, "runs.ics"), (PLAIN, "runs.csv")])
def test_the_cli_writes_the_same_bytes_with_and_without_the_read_ahead(tmp_path, scenario, runs):
    args = (str(scenario / runs), "-a", str(scenario / "athlete.toml"))
    on = _cli(tmp_path, "on.ics", *args, "--csv", str(tmp_path / "on.csv"), prefetch_on=True)
    off = _cli(tmp_path, "off.ics", *args, "--csv", str(tmp_path / "off.csv"), prefetch_on=False)
    assert on.returncode == off.returncode == 0, on.stderr + off.stderr
    assert (tmp_path / "on.ics").read_bytes() == (tmp_path / "off.ics").read_bytes()
    assert (tmp_path / "on.csv").read_bytes() == (tmp_path / "off.csv").read_bytes()
    assert on.stderr == off.stderr
    assert on.stdout.replace(b"on.ics", b"off.ics").replace(b"on.csv", b"off.csv") == off.stdout


def test_a_broken_calendar_says_the_same_line_with_the_read_ahead(tmp_path):
    broken = tmp_path / "runs.ics"
    broken.write_bytes((MARATHON / "runs.ics").read_bytes().replace(
        b"DTSTART;", b"DTSTART;TZID=Nowhere/Land;X=", 1).replace(b"END:VCALENDAR", b""))
    args = (str(broken), "-a", str(MARATHON / "athlete.toml"))
    on = _cli(tmp_path, "on.ics", *args, prefetch_on=True)
    off = _cli(tmp_path, "off.ics", *args, prefetch_on=False)
    assert on.returncode == off.returncode == 1
    assert on.stderr == off.stderr
    assert on.stderr.decode().startswith(f"runstrength: error: {broken}")
    assert b"Traceback" not in on.stderr
    assert not (tmp_path / "on.ics").exists()


def test_a_profile_on_stdin_is_left_to_the_parent(tmp_path):
    """Regression (review): with the profile on stdin the child took it, and when the child
    then failed (a broken calendar) the parent found stdin empty and blamed the profile."""
    broken = tmp_path / "runs.ics"
    broken.write_bytes((MARATHON / "runs.ics").read_bytes().replace(b"END:VCALENDAR", b""))
    profile = (MARATHON / "athlete.toml").read_bytes()
    said = []
    for on in ("1", "0"):
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000", "RUNSTRENGTH_PREFETCH": on}
        done = subprocess.run([sys.executable, "-m", "runstrength", "plan", str(broken), "-a",
                               "-", "-o", str(tmp_path / "p.ics")], input=profile, env=env,
                              capture_output=True, timeout=300)
        assert done.returncode == 1
        said.append(done.stderr)
    assert said[0] == said[1]
    assert said[0].decode().startswith(f"runstrength: error: {broken}: ")


def test_only_0_false_no_or_off_turn_it_off(allowed, monkeypatch):
    for value in ("0", "false", "No", " off "):
        monkeypatch.setenv("RUNSTRENGTH_PREFETCH", value)
        assert not prefetch.wanted()
    monkeypatch.setenv("RUNSTRENGTH_PREFETCH", "1")
    assert prefetch.wanted()
