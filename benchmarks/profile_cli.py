"""Where the time of one CLI run goes, for when bench_plan.py finds it above 3x the baseline.

    python benchmarks/profile_cli.py [--weeks 52] [--repeat 5] [--cprofile N]

Writes the season (benchmarks/seasons.py) to a temporary directory, then

1. stages: ``--repeat`` fresh subprocesses each time the steps of ``runstrength plan`` in
   order, cold as the CLI runs them (imports, models, profile, import of the .ics, periodize +
   candidates + build, solve, prescribe + explain, export, write); prints the median of each.
   They run one after the other, as the CLI does with ``RUNSTRENGTH_PREFETCH=0``: by default
   it reads the calendar in a second process during the imports (``runstrength.prefetch``);
2. imports: ``python -X importtime`` of the CLI run, summed per top-level package (self time),
   and runstrength's own modules;
3. with ``--cprofile N``: the N functions of the CLI run with the largest cumulative time.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import seasons  # noqa: E402

ARGS = ["plan", "runs.ics", "--athlete", "athlete.toml", "-o", "out.ics", "--force", "-q"]

# Runs in a fresh interpreter in the season's directory; mirrors runstrength.cli._plan
# without the read-ahead in a second process.
STAGES = r"""
import json, sys, time
t = time.perf_counter
out = {}
t0 = t()
import ortools.sat.python.cp_model, icalendar, recurring_ical_events, pydantic, click, rich
out["import dependencies"] = t() - t0; t0 = t()
from runstrength import knowledge
from runstrength.api import season_span, source_stamp
from runstrength.exporters.ics import plan_to_ics
from runstrength.fileio import write_outputs
from runstrength.importers import load_schedule
from runstrength.periodization import periodize
from runstrength.profile import load_athlete
from runstrength.rules import Season
from runstrength import solver
from pathlib import Path
out["import runstrength"] = t() - t0; t0 = t()
k = knowledge.load(None)
out["knowledge.load"] = t() - t0; t0 = t()
athlete = load_athlete("athlete.toml")
out["load_athlete"] = t() - t0; t0 = t()
schedule = load_schedule("runs.ics", athlete, k)
out["load_schedule (.ics import)"] = t() - t0; t0 = t()
start, end = season_span(schedule, athlete, None, None)
weeks = periodize(athlete, start, end, k)
season = Season(athlete=athlete, knowledge=k, weeks=weeks, runs=schedule.runs,
                busy=schedule.busy, races=athlete.races)
found = solver.candidates(season)
model = solver.build(season, found)
out["periodize + candidates + build"] = t() - t0; t0 = t()
solved = solver.solve(model)
out["solve"] = t() - t0; t0 = t()
from runstrength import planner
planner.candidates = lambda s: found
planner.build = lambda s, f: model
planner.solve = lambda m, **kw: solved
plan = planner.plan_season(athlete, weeks, season, k, stamp=source_stamp(schedule, start))
out["plan_season read-back (prescribe, explain)"] = t() - t0; t0 = t()
data = plan_to_ics(plan)
out["plan_to_ics"] = t() - t0; t0 = t()
write_outputs({Path("out.ics"): data}, force=True)
out["write_outputs"] = t() - t0
out["status"] = solved.status.value
print(json.dumps(out))
"""


def stages(directory: Path, repeat: int) -> None:
    runs = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, "-c", STAGES], cwd=directory, capture_output=True,
                              text=True, check=True)
        runs.append(json.loads(proc.stdout))
    names = [n for n in runs[0] if n != "status"]
    total = 0.0
    print(f"stages of one cold CLI run (median of {repeat} fresh processes), "
          f"status {sorted({r['status'] for r in runs})}:")
    for name in names:
        med = statistics.median(r[name] for r in runs)
        total += med
        print(f"  {name:<45} {med:7.3f} s")
    print(f"  {'sum':<45} {total:7.3f} s")


def imports(directory: Path) -> None:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c",
                           "import sys; from runstrength.cli import main; main()", *ARGS],
                          cwd=directory, capture_output=True, text=True)
    by_package: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        # "import time:  self [us] | cumulative | imported package"
        head, _cumulative, name = line.split("|")
        self_us = int(head.split(":")[1])
        name = name.strip()
        by_package[name.split(".")[0]] += self_us
        if name.startswith("runstrength"):
            own[name] += self_us
    print("import self time per top-level package (python -X importtime, one run):")
    for name, us in by_package.most_common(12):
        print(f"  {name:<30} {us / 1e6:7.3f} s")
    print(f"  {'all':<30} {sum(by_package.values()) / 1e6:7.3f} s")
    print("runstrength's own modules (self time):")
    for name, us in own.most_common(6):
        print(f"  {name:<30} {us / 1e6:7.3f} s")


def cprofile(directory: Path, top: int) -> None:
    code = (
        "import cProfile, pstats, sys\n"
        f"sys.argv = ['runstrength', *{ARGS!r}]\n"
        "from runstrength.cli import main\n"
        "p = cProfile.Profile(); p.enable()\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "p.disable()\n"
        f"pstats.Stats(p).sort_stats('cumulative').print_stats({top})\n"
    )
    # the CLI's imports happen inside main(), so they are in the profile too
    proc = subprocess.run([sys.executable, "-c", code], cwd=directory, capture_output=True,
                          text=True)
    print(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="runstrength-profile-") as tmp:
        directory = Path(tmp)
        seasons.write(seasons.season(args.weeks), directory)
        seasons.byte_compile()
        stages(directory, args.repeat)
        imports(directory)
        if args.cprofile:
            cprofile(directory, args.cprofile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
