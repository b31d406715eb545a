"""Measure the coaching review's figures on four realistic seasons and print a Markdown table.

    python benchmarks/coaching_review.py [--output FILE]

Seasons: the bundled TrainingPeaks marathon feed (with a tune-up half), the Google
half-marathon export, the TrainingPeaks CSV 10K, and the generated 52-week year
(benchmarks/seasons.py). For each: heavy-leg sessions on the day or the eve of a tempo run
(and how many of those weeks had another day that could take the heavy session), leg work on
long-run days, jumps in the days after a race, sessions with warm-up and cool-down, weeks with
core on 3+ days and calf work twice (base/build), jump sessions per week, and the base/build
weeks that met their minimum. Only the plan, its runs and the models are read, so the script
also runs against an older checkout (missing fields count as absent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import seasons  # noqa: E402

SCENARIOS = ROOT / "scenarios"
QUIET_AFTER = {"5k": 4, "10k": 5, "half": 7, "marathon": 14, "ultra": 14}


def _seasons(tmp: Path) -> list[tuple[str, Path, Path]]:
    year = tmp / "year"
    seasons.write(seasons.season(52), year)
    return [
        ("TrainingPeaks marathon + half", SCENARIOS / "marathon-trainingpeaks" / "runs.ics",
         SCENARIOS / "marathon-trainingpeaks" / "athlete.toml"),
        ("Google half marathon", SCENARIOS / "half-google" / "runs.ics",
         SCENARIOS / "half-google" / "athlete.toml"),
        ("TrainingPeaks CSV 10K", SCENARIOS / "10k-beginner-csv" / "runs.csv",
         SCENARIOS / "10k-beginner-csv" / "athlete.toml"),
        ("52-week year", year / "runs.ics", year / "athlete.toml"),
    ]


def measure(runs: Path, profile: Path) -> dict[str, str]:
    from runstrength.api import plan

    p = plan(runs, profile)
    zone = p.athlete.zone
    runs_on: dict[dt.date, list] = defaultdict(list)
    for r in p.runs:
        runs_on[r.day].append(r)
    strength = [s for s in p.sessions if not getattr(s, "add_on", False)]
    heavy = [s for s in strength if s.leg_load == "heavy"]

    def day(s):
        return s.start.astimezone(zone).date()

    def tempo_near(d: dt.date) -> bool:
        return any(r.kind == "tempo" for e in (d, d + dt.timedelta(days=1)) for r in runs_on[e])

    near = [s for s in heavy if tempo_near(day(s))]
    others = _other_heavy_days(p, runs, profile, tempo_near)
    avoidable = [s for s in near if others.get(s.week)]
    long_day = [s for s in strength if s.leg_load in ("heavy", "moderate")
                and any(r.kind == "long" for r in runs_on[day(s)])]
    races = p.athlete.races
    jumps_after = [s for s in p.sessions for race in races
                   if 1 <= (day(s) - race.date).days <= QUIET_AFTER[race.distance]
                   and any(e.exercise.category == "plyometric" for e in s.exercises)]
    framed = [s for s in strength if getattr(s, "warmup", None) and getattr(s, "cooldown", None)]
    weeks = {w.index: w for w in p.weeks}
    loading = [w for w in p.weeks if w.phase in ("base", "build")]
    core3 = calf2 = 0
    jump_weeks: dict[int, int] = defaultdict(int)
    for s in p.sessions:
        if any(e.exercise.category == "plyometric" for e in s.exercises) and not s.retest:
            jump_weeks[s.week] += 1
    for w in loading:
        here = [s for s in p.sessions if s.week == w.index]
        core_days = {day(s) for s in here if any(e.exercise.category == "core"
                                                 for e in s.exercises)}
        calf = [s for s in here if any(e.exercise.category == "calf"
                                       or "calf-ankle" in getattr(e.exercise, "patterns", [])
                                       for e in s.exercises)]
        core3 += len(core_days) >= 3
        calf2 += len(calf) >= 2
    short = {sf.week for sf in p.shortfalls}
    met = sum(1 for w in loading if w.index not in short)
    return {
        "heavy on/eve of tempo": f"{len(near)} of {len(heavy)}"
                                 f" ({100 * len(near) / max(1, len(heavy)):.0f} %)",
        "... of them with another legal day that week": (
            "n/a" if others is None else f"{len(avoidable)} "
            f"({100 * len(avoidable) / max(1, len(heavy)):.0f} % of heavy)"),
        "leg work on long-run day": str(len(long_day)),
        "jumps after a race": str(len(jumps_after)),
        "warm-up + cool-down": f"{len(framed)} of {len(strength)}",
        "core 3+ days (base/build weeks)": f"{core3} of {len(loading)}",
        "calf 2+ sessions (base/build weeks)": f"{calf2} of {len(loading)}",
        "weeks with jumps in 2+ sessions": str(sum(1 for n in jump_weeks.values() if n > 1)),
        "base/build minimum met": f"{met} of {len(loading)}",
        "strength sessions": str(len(strength)),
        "_weeks": str(len(weeks)),
    }


def _other_heavy_days(p, runs: Path, profile: Path, tempo_near) -> dict[int, bool] | None:
    """Week index -> True when a day of it away from tempo runs could take a heavy-leg session
    under the hard rules (the planner's own candidates); None for a checkout without them."""
    try:
        from runstrength import knowledge
        from runstrength.importers import load_schedule
        from runstrength.rules import Season
        from runstrength.solver import candidates
    except ImportError:
        return None
    k = knowledge.load()
    schedule = load_schedule(runs, p.athlete, k)
    season = Season(athlete=p.athlete, knowledge=k, weeks=p.weeks, runs=schedule.runs,
                    busy=schedule.busy, races=[r for r in p.athlete.races
                                               if r.date >= p.weeks[0].monday])
    out: dict[int, bool] = {}
    for c in candidates(season).items:
        if c.kind.leg_load == "heavy" and not tempo_near(c.day):
            out[c.week.index] = True
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        found = [(name, measure(runs, profile)) for name, runs, profile in _seasons(Path(tmp))]
    keys = [k for k in found[0][1] if not k.startswith("_")]
    lines = ["| figure | " + " | ".join(name for name, _ in found) + " |",
             "|---|" + "---:|" * len(found)]
    lines += [f"| {k} | " + " | ".join(r[k] for _, r in found) + " |" for k in keys]
    text = "\n".join(lines) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
