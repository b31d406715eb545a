"""One season's cost stage by stage, and a regression check against the saved figures.

    python benchmarks/stages.py              # measure, compare with benchmarks/stages.json
    python benchmarks/stages.py --save       # measure and save as the new reference
    python benchmarks/stages.py --doc docs/benchmarks.md   # also write the table there

The season is the 52-week one of ``benchmarks/seasons.py`` (TrainingPeaks-style ``runs.ics``).
Each in-process stage is timed in CPU seconds (``time.process_time``: steadier than wall time
on a shared machine), the minimum of ``--repeat`` runs after one warm-up. The CLI and the bare
import of its dependencies run as subprocesses, interleaved, in wall seconds (median).

The in-process stages are warm: the models' memo of session contents is filled by the
warm-up, as it is for every season after the first in a roster or a what-if sweep; the CLI is
cold (one fresh process, nothing memoised). The table also checks issue 11's targets.

Exit status: 1 when a stage takes more than 25 % longer than in ``stages.json`` (by hand and
in the benchmark; never in pytest), else 0. A missed target is reported, not an exit status.
"""

from __future__ import annotations

import argparse
import json
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

REFERENCE = HERE / "stages.json"
TOLERANCE = 1.25
BARE = "import ortools.sat.python.cp_model, icalendar, recurring_ical_events, pydantic, click, rich"
SHORT_WEEKS = 18
#: stage -> (most seconds, or most times the bare import floor for the CLI), from issue 11
TARGETS = {"solve": 0.15, "plan() from the schedule": 0.3,
           f"{SHORT_WEEKS} weeks: plan() from the schedule": 0.1, "CLI end to end": 2.0}


def _cpu(work, repeat: int) -> float:
    work()
    times = []
    for _ in range(repeat):
        t = time.process_time()
        work()
        times.append(time.process_time() - t)
    return min(times)


def _loop() -> int:
    table: dict[int, int] = {}
    for i in range(400_000):
        table[i % 997] = table.get(i % 997, 0) + (i * i) % 7
    return sum(table.values())


def measure(folder: Path, short: Path, repeat: int) -> dict[str, float]:
    from runstrength import knowledge
    from runstrength.api import plan
    from runstrength.exporters.ics import plan_to_ics
    from runstrength.importers import load_schedule
    from runstrength.importers.ics import _calendars
    from runstrength.profile import load_athlete
    from runstrength.solver import build, candidates, solve

    runs, profile = folder / "runs.ics", folder / "athlete.toml"
    k = knowledge.load()
    athlete = load_athlete(profile)
    schedule = load_schedule(runs, athlete, k)
    import runstrength.planner as planner

    seen = {}
    inner = planner._plan_season

    def grab(*args, **kw):
        seen["season"] = args[2]
        return inner(*args, **kw)

    planner._plan_season = grab
    result = plan(schedule, athlete)
    planner._plan_season = inner
    season = seen["season"]
    found = candidates(season)
    out = {
        # a first read: the parsed calendars of the same bytes are kept for the next file
        "calendar import": _cpu(lambda: (_calendars.cache_clear(),
                                         load_schedule(runs, athlete, k)), repeat),
        "candidates": _cpu(lambda: candidates(season), repeat),
        "model build": _cpu(lambda: build(season, found), repeat),
        "solve": _cpu(lambda: solve(build(season, found)), repeat),
        "plan() from the schedule": _cpu(lambda: plan(schedule, athlete), repeat),
    }
    short_athlete = load_athlete(short / "athlete.toml")
    short_schedule = load_schedule(short / "runs.ics", short_athlete, k)
    out[f"{SHORT_WEEKS} weeks: plan() from the schedule"] = _cpu(
        lambda: plan(short_schedule, short_athlete), repeat)
    out |= {
        ".ics export": _cpu(lambda: plan_to_ics(result), repeat),
    }
    out["solve"] -= out["model build"]  # the lambda builds too
    # The same pure-Python work every time: how fast the machine itself was during this run
    # (a shared machine's speed moves by 10-20 % from hour to hour; compare stages with it).
    out["machine: a fixed pure-Python loop"] = _cpu(_loop, repeat)
    cli = [sys.executable, "-m", "runstrength", "plan", str(runs), "-a", str(profile), "-o",
           str(folder / "out.ics"), "--force", "-q"]
    bare = [sys.executable, "-c", BARE]
    seasons.byte_compile()
    walls: dict[str, list[float]] = {"CLI end to end": [], "bare import floor": []}
    for _ in range(max(3, repeat)):
        for name, command in (("CLI end to end", cli), ("bare import floor", bare)):
            t = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            walls[name].append(time.perf_counter() - t)
    out.update({name: statistics.median(ts) for name, ts in walls.items()})
    return out


def table(now: dict[str, float], saved: dict[str, float] | None) -> str:
    lines = ["| stage | seconds | reference | change | target | met? |",
             "|---|---:|---:|---:|---|---|"]
    floor = now["bare import floor"]
    for name, value in now.items():
        ref = (saved or {}).get(name)
        change = f"{value / ref - 1:+.0%}" if ref else "—"
        goal, met = TARGETS.get(name), ""
        if name == "CLI end to end":
            target, met = f"≤ {goal:g}x the floor", value / floor <= goal
        elif goal is not None:
            target, met = f"≤ {goal:g} s", value <= goal
        else:
            target = "—"
        lines.append(f"| {name} | {value:.3f} | {f'{ref:.3f}' if ref else '—'} | {change} | "
                     f"{target} | {({True: 'yes', False: 'no'}.get(met, '—'))} |")
    lines.append(f"| CLI / bare import floor | {now['CLI end to end'] / floor:.2f}x | | | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--save", action="store_true", help="save as the new reference")
    parser.add_argument("--doc", type=Path, help="write the table into this Markdown file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        seasons.write(seasons.season(52), tmp)
        short = Path(tmp) / "short"
        seasons.write(seasons.season(SHORT_WEEKS), short)
        now = measure(Path(tmp), short, args.repeat)
    saved = json.loads(REFERENCE.read_text())["stages"] if REFERENCE.exists() else None
    text = table(now, saved)
    print(text)
    if args.save:
        REFERENCE.write_text(json.dumps({
            "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
                       f"Python {platform.python_version()}",
            "stages": {k: round(v, 4) for k, v in now.items()}}, indent=2) + "\n")
    if args.doc:
        section = (f"## Stage by stage (52 weeks)\n\n`python benchmarks/stages.py "
                   f"--doc docs/benchmarks.md`: CPU seconds in process (minimum of "
                   f"{args.repeat}, warm), wall seconds for the two subprocesses (median, cold); "
                   f"the reference is `benchmarks/stages.json`; targets from issue 11."
                   f"\n\n{text}")
        seasons.write_section(args.doc, "stages", section)
    grown = [name for name, value in now.items()
             if saved and saved.get(name) and value > TOLERANCE * saved[name]]
    for name in grown:
        print(f"stages: {name} grew more than {TOLERANCE - 1:.0%}: {now[name]:.3f} s against "
              f"{saved[name]:.3f} s", file=sys.stderr)
    return 1 if grown else 0


if __name__ == "__main__":
    sys.exit(main())
