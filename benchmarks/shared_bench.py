"""Many athletes sharing one gym: how long the joint plan takes, and how close to proven best.

    python benchmarks/shared_bench.py                          # 100 athletes, room for 10
    python benchmarks/shared_bench.py --athletes 20 --room 3   # a quicker look
    python benchmarks/shared_bench.py --doc docs/benchmarks.md

The athletes are the 18-week marathon blocks of ``roster_bench.py`` (ten race dates, four
levels, three availability patterns, two session lengths), all training at one gym open
06:00-21:00 on weekdays and 08:00-13:00 on Saturdays, with room for ``--room`` at a time (small
enough that the athletes' own plans overfill it, so the joint model is solved). One run, in
this process, of ``roster.plan_roster`` (which runs ``joint.run_joint``): wall seconds, the
method (``alone``: the athletes' own plans fit; ``joint``: one model of all), CP-SAT's status
and the relative gap between the plan's cost and the proven bound.

Target (issue 14, 2-core machine): 100 athletes, OPTIMAL or within 1 % of the bound in at most
60 s. Exit 1 when a plan breaks the capacity, the validator finds a fault or no joint plan
was found.
"""

from __future__ import annotations

import argparse
import os
import platform
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--athletes", type=int, default=100)
    parser.add_argument("--room", type=int, default=10)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds for each solve")
    parser.add_argument("--doc", type=Path, help="write the table into this Markdown file")
    args = parser.parse_args(argv)
    from runstrength import knowledge
    from runstrength.roster import plan_roster
    from runstrength.validate import validate, validate_shared

    with tempfile.TemporaryDirectory(prefix="runstrength-shared-") as tmp:
        path = roster_bench.write_roster(Path(tmp) / "roster", args.athletes)
        path.write_text(GYM.format(room=args.room, limit=args.limit)
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
    row = (f"| {args.athletes} athletes, one gym (room for {args.room}), {roster_bench.WEEKS} "
           f"weeks | `python benchmarks/shared_bench.py --athletes {args.athletes} --room "
           f"{args.room}` | {wall:.1f} | {joint.method} | {joint.status} | {joint.gap:.2%} | "
           f"{most} of {args.room} | {len(joint.moves)} | {short} | "
           f"{'yes' if met else 'no'} |")
    table = ("| case | command | wall (s) | method | status | gap | most at once | sessions "
             "moved | weeks short | target met? |\n|---|---|---:|---|---|---:|---|---:|---:|---|"
             f"\n{row}")
    print(table)
    if args.doc:
        section = ("## Shared gym: one joint plan\n\n"
                   f"On {platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}; one run in process (the whole roster: "
                   "reading, each athlete's own solve, the joint solve in two stages, "
                   "explanations, calendars). Target (issue 14): OPTIMAL or within 1 % of the "
                   "bound in at most 60 s. Method: the athletes' own plans first; when they "
                   "overfill the gym, one CP-SAT model of every athlete (fewest missed "
                   "sessions for the worst-off athlete, then the least total cost), started "
                   "from the own plans.\n\n" + table)
        seasons.write_section(args.doc, "shared", section)
    for fault in faults[:10]:
        print(f"shared_bench: {fault}", file=sys.stderr)
    if joint.status == "FAILED":
        print(f"shared_bench: no joint plan: {result.failed[0].error}", file=sys.stderr)
    return 1 if faults or most > args.room or joint.status == "FAILED" else 0


if __name__ == "__main__":
    sys.exit(main())
