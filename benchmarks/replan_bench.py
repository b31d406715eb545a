"""What a re-plan costs against a fresh plan of the same 18-week season.

    python benchmarks/replan_bench.py                  # 15 runs of each in turn, medians
    python benchmarks/replan_bench.py --doc docs/benchmarks.md

The season is the bundled ``scenarios/replan`` (Tom, 18 weeks to a half marathon). A fresh
plan: ``api.plan`` on ``runs.csv`` and its calendar. A re-plan: ``api.plan`` on
``runs-moved.csv`` with the fresh plan's calendar read back (``--previous``), the done-log and
``--today 2027-02-22``, its calendar carried from the previous one, and the change list. Both in
this process, after one warm-up run each; wall seconds, median of ``--runs``.

Target (issue 15): a re-plan costs at most 1.5 times a fresh plan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import seasons  # noqa: E402

SCENARIO = HERE.parent / "scenarios" / "replan"
TODAY = dt.date(2027, 2, 22)


def fresh(out: Path) -> float:
    from runstrength.api import plan
    from runstrength.exporters.ics import plan_to_ics

    t0 = time.perf_counter()
    result = plan(SCENARIO / "runs.csv", SCENARIO / "athlete.toml")
    out.write_bytes(plan_to_ics(result))
    return time.perf_counter() - t0


def replan(previous: Path) -> float:
    from runstrength.api import plan
    from runstrength.donelog import read_log
    from runstrength.exporters.ics import plan_to_ics
    from runstrength.profile import load_athlete
    from runstrength.replan import read_previous

    t0 = time.perf_counter()
    athlete = load_athlete(SCENARIO / "athlete.toml")
    old = read_previous(previous, athlete.id, athlete.zone)
    log = read_log(SCENARIO / "done.csv")
    result = plan(SCENARIO / "runs-moved.csv", athlete, previous=old, done=log, today=TODAY)
    plan_to_ics(result, previous=old, today=TODAY)
    result.changes_from(old, skipped=log.skipped_days(), today=TODAY)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--doc", type=Path, help="write the table into this Markdown file")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1800000000")
    with tempfile.TemporaryDirectory(prefix="runstrength-replan-") as tmp:
        old = Path(tmp) / "plan.ics"
        fresh(old)  # warm-up (imports, caches) and the previous calendar
        replan(old)
        times: tuple[list[float], list[float]] = ([], [])
        for _ in range(args.runs):  # in turn, so both see the same machine
            times[0].append(fresh(Path(tmp) / "again.ics"))
            times[1].append(replan(old))
        plain, again = statistics.median(times[0]), statistics.median(times[1])
    ratio = again / plain
    met = "yes" if ratio <= 1.5 else "no"
    table = ("| case | command | fresh plan (s) | re-plan (s) | ratio | target met? (<= 1.5x) |\n"
             "|---|---|---:|---:|---:|---|\n"
             f"| scenarios/replan, 18 weeks, two runs moved, a week skipped | `python "
             f"benchmarks/replan_bench.py` | {plain:.3f} | {again:.3f} | {ratio:.2f}x | {met} |")
    print(table)
    if args.doc:
        section = ("## Re-plan against a fresh plan\n\n"
                   f"On {platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}; in process, median of {args.runs} runs of "
                   "each, taken in turn after a warm-up. The re-plan reads the previous "
                   "calendar and the done-log, plans with the past kept and the previous "
                   "sessions as hints, carries SEQUENCE and DTSTAMP into the new calendar and "
                   "lists the changes. Target (issue 15): at most 1.5x a fresh plan.\n\n"
                   + table)
        seasons.write_section(args.doc, "replan", section)
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
