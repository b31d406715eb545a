"""Regression (issue 10, items 1-2): Ctrl-C and SIGTERM at any moment, time limits, and plans
without a solution. The CLI runs as a subprocess and is interrupted during the solve (a copy of
the models with CP-SAT's presolve off, so the solve takes its whole time limit) and at moments
spread over a normal run, which includes the writes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS

from runstrength import stopping

MARATHON = SCENARIOS / "marathon-trainingpeaks"
OLD = {".ics": b"BEGIN:VCALENDAR\r\nX-MINE:earlier\r\nEND:VCALENDAR\r\n",
       ".csv": b"athlete,date\r\nme,2027-01-01\r\n", ".html": b"<p>earlier</p>\n"}
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture(scope="module")
def slow_models(tmp_path_factory) -> Path:
    """The bundled models with presolve, probing and the LP off: the solve runs to its limit."""
    folder = tmp_path_factory.mktemp("slow") / "models"
    shutil.copytree(ROOT / "models", folder)
    rules = folder / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    text = re.sub(r"^linearization_level = \d+", "linearization_level = 0", text, flags=re.M)
    text = re.sub(r"^(max_presolve_iterations|cp_model_probing_level|symmetry_level|"
                  r"add_lp_constraints_lazily|"
                  r"cp_model_presolve) = .*\n", "", text, flags=re.M)
    text = text.replace("[solver]\n", "[solver]\ncp_model_presolve = false\nsymmetry_level = 0\n"
                                      "cp_model_probing_level = 0\n")
    rules.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def stuck_models(tmp_path_factory) -> Path:
    """The bundled models with a solver that may do no work (no deterministic time): every
    solve ends before its first solution, however fast the machine."""
    folder = tmp_path_factory.mktemp("stuck") / "models"
    shutil.copytree(ROOT / "models", folder)
    rules = folder / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("[solver]\n", "[solver]\nmax_deterministic_time = 0.0\n"),
                     encoding="utf-8")
    return folder


def _outputs(folder: Path) -> dict[str, Path]:
    return {suffix: folder / f"plan{suffix}" for suffix in OLD}


def _start(folder: Path, *extra: str) -> subprocess.Popen:
    out = _outputs(folder)
    args = [sys.executable, "-m", "runstrength", "plan", str(MARATHON / "runs.ics"),
            "-a", str(MARATHON / "athlete.toml"), "-o", str(out[".ics"]),
            "--csv", str(out[".csv"]), "--report", str(out[".html"]), "--force", "-q", *extra]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000"}
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _earlier(folder: Path) -> None:
    for suffix, path in _outputs(folder).items():
        path.write_bytes(OLD[suffix])


def _state(folder: Path, new: dict[str, bytes]) -> str:
    """'old' or 'new' when every output is; fails on a mix or a leftover temp file."""
    left = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    assert left == [], left
    now = {s: p.read_bytes() for s, p in _outputs(folder).items()}
    if now == OLD:
        return "old"
    assert now == new, "a mix of earlier and new outputs"
    return "new"


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_the_solve_exits_at_once_and_writes_nothing(tmp_path, slow_models,
                                                                    signum, code):
    """Ctrl-C / SIGTERM during a 60-second solve: out within a few seconds, 130 / 143, one line,
    and the earlier files as they were."""
    _earlier(tmp_path)
    proc = _start(tmp_path, "--models", str(slow_models), "--time-limit", "60")
    time.sleep(3)  # well inside the solve: the imports and the model take about a second
    sent = time.monotonic()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code, err
    assert time.monotonic() - sent < 10
    lines = err.decode().strip().splitlines()
    assert lines[-1].startswith("runstrength: interrupted (") and "Traceback" not in err.decode()
    assert _state(tmp_path, {}) == "old"


def test_signals_at_any_moment_leave_all_old_or_all_new(tmp_path):
    """SIGINT at moments spread over a whole run (imports, solve, prescription, writes): each
    run exits 0 or 130, and the outputs are all the earlier files or all the new ones, with no
    temp file left."""
    clean = tmp_path / "clean"
    clean.mkdir()
    done = _start(clean)
    assert done.wait(timeout=120) == 0, done.stderr.read()
    new = {s: p.read_bytes() for s, p in _outputs(clean).items()}
    t0 = time.monotonic()
    _start(clean).wait(timeout=120)
    whole = time.monotonic() - t0
    seen = set()
    for n in range(8):
        folder = tmp_path / f"run{n}"
        folder.mkdir()
        _earlier(folder)
        proc = _start(folder)
        time.sleep(whole * (0.35 + 0.09 * n))  # the last third of the run: solve to writes
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode in (0, 130), err
        assert "Traceback" not in err.decode()
        state = _state(folder, new)
        assert state == "new" or proc.returncode == 130
        seen.add(state)
    assert "old" in seen  # some signals did come before the writes


def test_a_solve_without_a_solution_is_never_written(tmp_path, stuck_models):
    """The time limit before any solution: exit 1, what happened and what to try, earlier
    files untouched."""
    _earlier(tmp_path)
    proc = _start(tmp_path, "--models", str(stuck_models), "--time-limit", "0.1")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    line = err.decode().strip().splitlines()[-1]
    assert line.startswith("runstrength: error: the solver found no plan within 0.1 s")
    assert "--time-limit" in line
    assert _state(tmp_path, {}) == "old"


def test_strict_refuses_a_plan_not_proven_best(tmp_path, slow_models):
    """A FEASIBLE plan (time limit, gap stated) is written with a warning; --strict refuses
    it (exit 3, nothing written)."""
    _earlier(tmp_path)
    proc = _start(tmp_path, "--models", str(slow_models), "--time-limit", "2", "--strict")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err
    assert "--strict: the plan is not proven best (solver FEASIBLE, gap" in err.decode()
    assert _state(tmp_path, {}) == "old"
    proc = _start(tmp_path, "--models", str(slow_models), "--time-limit", "2")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "before proving this plan the best (gap" in err.decode()


def test_a_signal_inside_held_waits_for_its_end():
    """held(): a signal that comes during the block is raised when the block ends."""
    stopping.install()
    reached = False
    try:
        with pytest.raises(stopping.Interrupted) as caught, stopping.held():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            os.kill(os.getpid(), signal.SIGINT)  # a second signal: ignored, clean-up goes on
            time.sleep(0.05)
            reached = True
    finally:
        stopping.reset()
    assert reached and caught.value.exit_code == 143


def test_one_deadline_for_every_solve():
    """Inside deadline(s) each solve gets what is left, and nothing once it has passed."""
    with stopping.deadline(0.2):
        assert 0 < stopping.left() <= 0.2 and not stopping.expired()
        time.sleep(0.25)
        assert stopping.left() == 0 and stopping.expired()
    assert stopping.left() is None


@pytest.mark.parametrize("delay", [0.12, 0.25])
def test_ctrl_c_during_the_imports_is_one_line(tmp_path, delay):
    """Regression (issue 10, item 10): Ctrl-C while the program was still importing printed a
    traceback. It is one line and exit 130."""
    proc = _start(tmp_path)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    assert "Traceback" not in text, text
    if proc.returncode == 0:  # a fast machine was done importing: nothing to see
        return
    assert proc.returncode == 130, text
    assert text.strip().splitlines()[-1].startswith("runstrength: interrupted")
