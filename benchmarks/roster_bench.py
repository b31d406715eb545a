"""A coach's roster of many athlete-seasons, end to end, and how it scales.

    python benchmarks/roster_bench.py                       # 1,000 athletes; print the table
    python benchmarks/roster_bench.py --doc docs/benchmarks.md
    python benchmarks/roster_bench.py --athletes 200 --compare 60   # a quicker look

The roster (written by :func:`write_roster`, same bytes every time) holds 18-week marathon
blocks from ``seasons.py``, varied per athlete: the A race on one of ten Sundays, four levels,
three availability patterns and two session lengths; every fifth athlete's running plan is a
CSV instead of the TrainingPeaks-style feed.

Rows (wall seconds; the machine's other load moves a run by 10-20 %, or more):

1. the whole roster with ``runstrength roster ROSTER -o OUT --jobs 2 -q`` (a subprocess) and
   with ``--executor dask --jobs 2`` (a LocalCluster of two worker processes, started inside
   the command: its start-up counts), in the order local, Dask, Dask, local (medians);
2. the first ``--compare`` athletes, in ``--rounds`` rounds (each in another order, so the
   machine's drift falls on all alike; medians): ``--jobs 1``, ``--jobs 2`` (the speed-up),
   and the machine's own ceiling for it (two ``--jobs 1`` runs started together, with no
   pool between them: two cores that slow each other down cap any pool below 2x);
3. the largest peak resident memory any worker reported (``SeasonResult.memory_mb``).

Targets (issue 12, 2-core machine): 1,000 seasons in at most 60 s with 2 jobs, 2 jobs at least
1.8x one job, peak memory per worker under 200 MB, Dask within 15 % of the local pool. Exit 1
when an athlete fails or an output differs between the runs; a missed target is reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

WEEKS = 18
LEVELS = ("recreational", "beginner", "advanced", "marathon")
WINDOWS = (
    None,  # the seasons.py pattern: mornings, three evenings, Saturday
    {"mon": ["18:00-20:30"], "tue": ["12:00-13:30"], "wed": ["18:00-20:30"],
     "thu": ["12:00-13:30"], "fri": ["18:00-20:00"], "sat": ["08:00-12:00"],
     "sun": ["15:00-18:00"]},
    {"mon": ["06:00-07:30"], "tue": ["06:00-07:30"], "wed": ["06:00-07:30"],
     "thu": ["06:00-07:30"], "fri": ["06:00-07:30"], "sat": ["07:00-10:00"]},
)


def _athlete_toml(base: str, i: int) -> str:
    text = base.replace('id = "sam"', f'id = "a{i:04d}"').replace(
        'name = "Sam Keller"', f'name = "Athlete {i:04d}"')
    text = text.replace('level = "recreational"', f'level = "{LEVELS[i % len(LEVELS)]}"')
    if i % 3 == 2:
        text = text.replace("session_minutes = 40", "session_minutes = 50")
    windows = WINDOWS[i % len(WINDOWS)]
    if windows is not None:
        head, rest = text.split("[availability]\n", 1)
        rest = rest.split("\n\n", 1)[1]
        lines = "".join(f'{d} = {json.dumps(v)}\n' for d, v in windows.items())
        text = f"{head}[availability]\n{lines}\n{rest}"
    return text


def _csv(data: seasons.SeasonData) -> str:
    rows = ["date,start,duration_min,title"]
    for w in data.workouts:
        if w.kind is not None:
            start = (w.at or seasons.RUN_TIME).strftime("%H:%M")
            rows.append(f"{w.day},{start},{w.minutes},{w.title.removeprefix('Run: ')}")
    return "\n".join(rows) + "\n"


def write_roster(folder: Path, athletes: int) -> Path:
    """``athletes`` athlete folders and ``roster.toml`` in ``folder``."""
    entries = []
    cache: dict[dt.date, seasons.SeasonData] = {}
    for i in range(athletes):
        race = seasons.A_RACE_DAY + dt.timedelta(weeks=i % 10)
        data = cache.setdefault(race, seasons.season(WEEKS, race))
        who = folder / f"a{i:04d}"
        who.mkdir(parents=True, exist_ok=True)
        (who / "athlete.toml").write_text(_athlete_toml(data.athlete_toml, i), encoding="utf-8")
        if i % 5 == 4:
            runs = "runs.csv"
            (who / runs).write_text(_csv(data), encoding="utf-8")
        else:
            runs = "runs.ics"
            (who / runs).write_bytes(seasons.to_ics(data))
        entries.append(f'[[athlete]]\nid = "a{i:04d}"\nprofile = "a{i:04d}/athlete.toml"\n'
                       f'runs = "a{i:04d}/{runs}"\n')
    path = folder / "roster.toml"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


def subset(path: Path, n: int) -> Path:
    """A roster of the first ``n`` athletes of ``path``, beside it."""
    blocks = path.read_text(encoding="utf-8").split("\n[[athlete]]")
    out = path.with_name(f"roster-{n}.toml")
    out.write_text("\n[[athlete]]".join(blocks[:n]) + "\n", encoding="utf-8")
    return out


def run(roster: Path, out: Path, *extra: str) -> float:
    """Wall seconds of ``runstrength roster ROSTER -o OUT -q EXTRA``."""
    return side_by_side(roster, [out], *extra)


def side_by_side(roster: Path, outs: list[Path], *extra: str) -> float:
    """Wall seconds of ``len(outs)`` runs of the same command started together, each on its
    own (no pool between them): what the machine gives independent processes at once."""
    t0 = time.perf_counter()
    procs = [subprocess.Popen([*seasons.cli_command(), "roster", str(roster), "-o", str(out),
                               "-q", *extra], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for out in outs]
    errors = [proc.communicate()[1] for proc in procs]
    seconds = time.perf_counter() - t0
    for proc, err in zip(procs, errors, strict=True):
        if proc.returncode != 0:
            raise SystemExit(f"roster {roster.name} {' '.join(extra)} exited "
                             f"{proc.returncode}:\n{err[-3000:]}")
    return seconds


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir()
            if p.is_file() and p.name != "summary.csv"}


def _peak_mb(out: Path) -> float:
    return max(json.loads(p.read_text())["memory_mb"] for p in (out / ".runstrength").iterdir())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--athletes", type=int, default=1000)
    parser.add_argument("--compare", type=int, default=200,
                        help="athletes for the 1-job / 2-job / side-by-side comparison")
    parser.add_argument("--doc", type=Path, help="write the table into this Markdown file")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask row")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of the 1-job / 2-job / side-by-side comparison")
    args = parser.parse_args(argv)
    seasons.byte_compile()
    rows = []
    problems = []
    with tempfile.TemporaryDirectory(prefix="runstrength-roster-") as tmp:
        tmp = Path(tmp)
        roster = write_roster(tmp / "roster", args.athletes)
        small = subset(roster, min(args.compare, args.athletes))
        n_small = min(args.compare, args.athletes)
        # The whole roster with the local pool and (when asked) on Dask, in the order
        # local, Dask, Dask, local: the machine's drift falls on both alike.
        order = ["all", "dask", "dask", "all"] if not args.no_dask else ["all"]
        runs: dict[str, list[float]] = {"all": [], "dask": []}
        for n, kind in enumerate(order):
            extra = ("--executor", "dask") if kind == "dask" else ()
            runs[kind].append(run(roster, tmp / f"{kind}-{n}", *extra, "--jobs", "2"))
        whole = statistics.median(runs["all"])
        rows.append((f"{args.athletes} athletes, 2 jobs",
                     "`runstrength roster roster.toml -o out --jobs 2 -q`", whole,
                     f"{args.athletes / whole:.1f} seasons/s", "≤ 60 s", whole <= 60))
        if not args.no_dask:
            dask = statistics.median(runs["dask"])
            rows.append((f"{args.athletes} athletes, Dask LocalCluster, 2 workers",
                         "`... --executor dask --jobs 2`", dask,
                         f"{dask / whole - 1:+.0%} against the local pool (its start-up "
                         "included)", "within 15 % of the local pool", dask <= 1.15 * whole))
            if _files(tmp / "dask-1") != _files(tmp / "all-0"):
                problems.append("the Dask run wrote different files")
        # The comparisons in rounds, each in another order, so that the machine's drift from
        # minute to minute falls on every command alike; the medians are reported.
        commands = {
            "one": lambda r: run(small, tmp / f"one-{r}", "--jobs", "1"),
            "two": lambda r: run(small, tmp / f"two-{r}", "--jobs", "2"),
            "pair": lambda r: side_by_side(small, [tmp / f"pair-a-{r}", tmp / f"pair-b-{r}"],
                                           "--jobs", "1"),
        }
        walls: dict[str, list[float]] = {name: [] for name in commands}
        names = list(commands)
        for r in range(args.rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:
                walls[name].append(commands[name](r))
        med = {name: statistics.median(times) for name, times in walls.items()}
        speedups = [o / t for o, t in zip(walls["one"], walls["two"], strict=True)]
        speedup = statistics.median(speedups)
        ceiling = statistics.median(2 * o / p for o, p in zip(walls["one"], walls["pair"],
                                                               strict=True))
        spread = ", ".join(f"{x:.2f}" for x in speedups)
        rows.append((f"{n_small} athletes, 1 job", "`... --jobs 1`", med["one"],
                     f"{n_small / med['one']:.1f} seasons/s", "—", None))
        rows.append((f"{n_small} athletes, 2 jobs", "`... --jobs 2`", med["two"],
                     f"{speedup:.2f}x one job (rounds: {spread}; {speedup / ceiling:.0%} of "
                     "the ceiling below)", "≥ 1.8x one job", speedup >= 1.8))
        rows.append((f"the machine's ceiling: two {n_small}-athlete `--jobs 1` runs side by "
                     "side", "two `... --jobs 1` at once, no pool", med["pair"],
                     f"{ceiling:.2f}x one job", "—", None))
        for r in range(args.rounds):
            if _files(tmp / f"one-{r}") != _files(tmp / f"two-{r}"):
                problems.append("--jobs 1 and --jobs 2 wrote different files")
        peak = max(_peak_mb(tmp / d) for d in ("all-0", *(f"two-{r}" for r in range(args.rounds))))
        rows.append(("peak memory per worker", "largest `memory_mb` of any athlete", None,
                     f"{peak:.0f} MB", "< 200 MB", peak < 200))
    lines = ["| case | command | wall (s) | result | target | met? |",
             "|---|---|---:|---|---|---|"]
    for case, command, seconds, result, target, met in rows:
        lines.append(f"| {case} | {command} | {'—' if seconds is None else f'{seconds:.1f}'} | "
                     f"{result} | {target} | {({True: 'yes', False: 'no'}.get(met, '—'))} |")
    table = "\n".join(lines)
    print(table)
    if args.doc:
        section = (f"## A roster ({args.athletes} athlete-seasons of {WEEKS} weeks)\n\n"
                   f"`python benchmarks/roster_bench.py --athletes {args.athletes} --compare "
                   f"{args.compare} --doc docs/benchmarks.md` on {platform.machine()}, "
                   f"{os.cpu_count()} cores, Python {platform.python_version()}: each command "
                   "a subprocess, wall seconds, every output written; the whole roster twice "
                   "with each executor (local, Dask, Dask, local), "
                   f"the {n_small}-athlete comparisons in {args.rounds} rounds (each in "
                   "another order; medians, and the speed-up of each round). The athletes "
                   "vary race date, level, availability and session length.\n\n"
                   f"{table}")
        seasons.write_section(args.doc, "roster", section)
    for problem in problems:
        print(f"roster_bench: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
