"""A what-if sweep against one plan, end to end.

    python benchmarks/whatif_bench.py [--repeat 3] [--doc docs/benchmarks.md]

On the 18-week season of ``seasons.py`` (a TrainingPeaks-style feed): ``runstrength plan``
once, and ``runstrength compare --sweep`` of the A marathon over 9 Sundays (base + 9
scenarios, the runs following the race, 2 jobs), each as a subprocess, interleaved, median
wall seconds of ``--repeat`` runs. Target (issue 13, 2-core machine): the sweep within 3x the
one plan. Exit 1 when a run fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import seasons  # noqa: E402

WEEKS, DATES = 18, 9


def _run(args: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([*seasons.cli_command(), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--doc", type=Path)
    args = parser.parse_args(argv)
    seasons.byte_compile()
    with tempfile.TemporaryDirectory(prefix="runstrength-whatif-") as tmp:
        tmp = Path(tmp)
        runs, athlete = seasons.write(seasons.season(WEEKS), tmp / "season")
        first = seasons.A_RACE_DAY - dt.timedelta(weeks=4)
        last = first + dt.timedelta(weeks=DATES - 1)
        one = ["plan", str(runs), "-a", str(athlete), "-o", str(tmp / "one.ics"), "--force",
               "-q"]
        sweep = ["compare", str(runs), "-a", str(athlete), "-o", str(tmp / "sweep"), "--force",
                 "-q", "--jobs", "2", "--sweep", "Riverside City Marathon", f"{first}..{last}",
                 "--follow"]
        times: dict[str, list[float]] = {"one": [], "sweep": []}
        _run(one)
        for _ in range(args.repeat):
            times["one"].append(_run(one))
            times["sweep"].append(_run(sweep))
        scenarios = len(list((tmp / "sweep").glob("*.ics")))
    plan_s, sweep_s = (statistics.median(times[k]) for k in ("one", "sweep"))
    ratio = sweep_s / plan_s
    table = "\n".join([
        "| case | command | median wall (s) | ratio to one plan | target | met? |",
        "|---|---|---:|---:|---|---|",
        f"| one plan, {WEEKS} weeks | `runstrength plan runs.ics -a athlete.toml -o one.ics` | "
        f"{plan_s:.2f} | 1.00 | — | — |",
        f"| sweep of {DATES} race dates ({scenarios} plans with base) | `runstrength compare "
        f"runs.ics -a athlete.toml -o sweep --jobs 2 --sweep \"Riverside City Marathon\" "
        f"{first}..{last} --follow` | {sweep_s:.2f} | {ratio:.2f} | ≤ 3x one plan | "
        f"{'yes' if ratio <= 3 else 'no'} |"])
    print(table)
    if args.doc:
        section = (f"## What if: a sweep of race dates\n\n`python benchmarks/"
                   f"whatif_bench.py --repeat {args.repeat} --doc docs/benchmarks.md` on "
                   f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}: subprocesses, interleaved, median of "
                   f"{args.repeat}.\n\n{table}")
        seasons.write_section(args.doc, "whatif", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
