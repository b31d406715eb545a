"""Many athletes sharing one gym: how long the joint plan takes, and how close to proven best.

    python benchmarks/shared_bench.py                          # 100 athletes, room for 10
    python benchmarks/shared_bench.py --athletes 20 --room 3   # a quicker look
    python benchmarks/shared_bench.py --athletes 20 --room 3 --method prices
    python benchmarks/shared_bench.py --doc docs/benchmarks.md # every row of the table

The athletes are the 18-week marathon blocks of ``roster_bench.py`` (ten race dates, four
levels, three availability patterns, two session lengths), all training at one gym open
06:00-21:00 on weekdays and 08:00-13:00 on Saturdays, with room for ``--room`` at a time (small
enough that the athletes' own plans overfill it, so the joint model is solved). One run, in
this process, of ``roster.plan_roster`` (which runs ``joint.run_joint``): wall seconds, the
method (``alone``: the athletes' own plans fit; ``joint``: one model of all; ``prices``: their
own models coordinated by prices, ``runstrength.prices``), the status, the relative gap between
the plan's cost and the bound (CP-SAT's, or the best price bound), the cost itself (to compare
the methods on one roster) and the worst-off athlete's missed sessions. ``--method`` forces a
method through a copy of the models with ``[joint] whole_max_athletes`` changed.

Target (issue 14, 2-core machine): 100 athletes, OPTIMAL or within 1 % of the bound in at most
60 s. Exit 1 when a plan breaks the capacity, the validator finds a fault or no joint plan
was found.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import roster_bench  # noqa: E402
import seasons  # noqa: E402

GYM = """[defaults]
gym = "Club gym"
time_limit = {limit}
{models}

[[gym]]
name = "Club gym"
max_athletes = {room}

[gym.open]
mon = ["06:00-21:00"]
tue = ["06:00-21:00"]
wed = ["06:00-21:00"]
thu = ["06:00-21:00"]
fri = ["06:00-21:00"]
sat = ["08:00-13:00"]

"""


def _models_with(folder: Path, whole: int) -> None:
    """The bundled models in ``folder``, with ``[joint] whole_max_athletes = whole``."""
    import shutil
    import tomllib

    shutil.copytree(HERE.parent / "models", folder)
    rules = folder / "rules.toml"
    text = rules.read_text(encoding="utf-8")
    if re.search(r"^whole_max_athletes\s*=", text, re.M):
        text = re.sub(r"^whole_max_athletes\s*=\s*\d+", f"whole_max_athletes = {whole}", text,
                      flags=re.M)
    else:
        text += f"\n[joint]\nwhole_max_athletes = {whole}\n"
    tomllib.loads(text)
    rules.write_text(text, encoding="utf-8")


#: the rows of docs/benchmarks.md (``--doc``): (athletes, room, method)
CASES = [(20, 3, "joint"), (20, 3, "prices"), (100, 20, "auto"), (100, 10, "auto")]


def run(athletes: int, room: int, method: str, limit: float) -> tuple[str, int]:
    """One roster planned: its table row and the exit code (1: a fault or no plan)."""
    from runstrength import knowledge
    from runstrength.roster import plan_roster
    from runstrength.validate import validate, validate_shared

    with tempfile.TemporaryDirectory(prefix="runstrength-shared-") as tmp:
        path = roster_bench.write_roster(Path(tmp) / "roster", athletes)
        models = ""
        if method != "auto":  # a copy of the models with the method's threshold
            models = 'models = "models"'
            _models_with(path.parent / "models", 1000 if method == "joint" else 2)
        path.write_text(GYM.format(room=room, limit=limit, models=models)
                        + path.read_text(encoding="utf-8"), encoding="utf-8")
        t0 = time.perf_counter()
        result = plan_roster(path, jobs=1)
        wall = time.perf_counter() - t0
    k = knowledge.load(None)
    plans = {r.id: r.plan for r in result if r.plan is not None}
    access = {e.id: result.roster.access(e) for e in result.roster.entries}
    faults = validate_shared(plans, result.roster.shared, access)
    faults += [v for p in plans.values() for v in validate(p, k) if not v.rule.startswith("coach")]
    (joint,) = result.joint
    most = max((s["athletes"] for s in joint.slots), default=0)
    short = sum(r.weeks_short for r in result)
    met = wall <= 60 and (joint.status == "OPTIMAL" or joint.gap <= 0.01)
    how = f"{joint.method} ({joint.note})" if joint.note else joint.method
    flag = "" if method == "auto" else f" --method {method}"
    row = (f"| {athletes} athletes, one gym (room for {room}), {roster_bench.WEEKS} "
           f"weeks | `python benchmarks/shared_bench.py --athletes {athletes} --room "
           f"{room}{flag}` | {wall:.1f} | {how} | {joint.status} | {joint.gap:.2%} | "
           f"{joint.cost:.0f} | {joint.worst_missed} | "
           f"{most} of {room} | {len(joint.moves)} | {short} | "
           f"{'yes' if met else 'no'} |")
    for fault in faults[:10]:
        print(f"shared_bench: {fault}", file=sys.stderr)
    if joint.status == "FAILED":
        print(f"shared_bench: no joint plan: {result.failed[0].error}", file=sys.stderr)
    return row, 1 if faults or most > room or joint.status == "FAILED" else 0


HEAD = ("| case | command | wall (s) | method | status | gap | cost | worst missed | "
        "most at once | sessions moved | weeks short | target met? |\n"
        "|---|---|---:|---|---|---:|---:|---:|---|---:|---:|---|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--athletes", type=int, default=100)
    parser.add_argument("--room", type=int, default=10)
    parser.add_argument("--limit", type=float, default=60.0, help="the roster's time_limit")
    parser.add_argument("--method", choices=["auto", "joint", "prices"], default="auto",
                        help="one model of all (joint), the own models coordinated by prices "
                        "(prices), or as models/rules.toml [joint] chooses (auto)")
    parser.add_argument("--doc", type=Path, help="run every case of CASES and write the "
                        "table into this Markdown file")
    args = parser.parse_args(argv)
    cases = CASES if args.doc else [(args.athletes, args.room, args.method)]
    rows, code = [], 0
    for athletes, room, method in cases:
        row, failed = run(athletes, room, method, args.limit)
        print(row, flush=True)
        rows.append(row)
        code |= failed
    table = HEAD + "\n" + "\n".join(rows)
    print(table)
    if args.doc:
        section = ("## Shared gym: one joint plan\n\n"
                   f"On {platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}; one run per row in process, `--jobs 1` (the "
                   "whole roster: reading, each athlete's own solve, the joint plan, "
                   "explanations, calendars); `python benchmarks/shared_bench.py --doc "
                   "docs/benchmarks.md` runs them all. Target (issue 14): OPTIMAL or within "
                   "1 % of the bound in at most 60 s. Cost: the athletes' penalties together "
                   "(the joint objective); gap: against CP-SAT's bound (joint) or the best "
                   "price bound (prices), an upper bound on the true gap.\n\n" + table)
        seasons.write_section(args.doc, "shared", section)
    return code


if __name__ == "__main__":
    sys.exit(main())
