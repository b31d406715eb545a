"""The measures a what-if comparison shows for each scenario, and the difference to ``base``
in plain words (the terminal, ``compare.csv`` and ``compare.html`` share them)."""

from __future__ import annotations

import csv
import io
from typing import Any

from runstrength.domain import BALANCED, Category, LegLoad, Phase

PHASES = [p.value for p in Phase]
COLUMNS = ("scenario", "changes", "status", *(f"{p.replace('-', '_')}_weeks" for p in PHASES),
           "taper_start", "sessions", "minimum", "weeks_short", "short_weeks",
           "weeks_without_runs", "heavy_sessions",
           "posterior_sets", "unilateral_sets", "core_sets", "paid", "given_up", "error")
ROWS = (  # terminal: measure, column(s)
    ("weeks per phase", None), ("taper starts", "taper_start"),
    ("sessions (minimum)", None), ("weeks short", "weeks_short"),
    ("weeks without runs", "weeks_without_runs"),
    ("heavy-leg sessions", "heavy_sessions"), ("posterior sets", "posterior_sets"),
    ("unilateral sets", "unilateral_sets"), ("core sets", "core_sets"),
    ("soft rules paid", "paid"), ("what the plan gave up", "given_up"), ("solver", "status"))


def _sets(plan, category: Category) -> int:
    return sum(s.volume.get(category, 0) for s in plan.sessions)


def measures(scenario, result) -> dict[str, Any]:
    """One scenario's row (``result``: a task.SeasonResult with its plan kept)."""
    from runstrength.summary import given_up

    row: dict[str, Any] = {c: "" for c in COLUMNS}
    row.update(scenario=scenario.name, changes=scenario.describe(), status=result.status,
               error=result.error)
    plan = result.plan
    if plan is None:
        return row
    for phase in PHASES:
        row[phase_key(phase)] = sum(1 for w in plan.weeks if w.phase == phase)
    taper = [w for w in plan.weeks if w.phase == Phase.TAPER]
    row["taper_start"] = taper[0].monday.isoformat() if taper else ""
    strength = [s for s in plan.sessions if not s.add_on]
    row["sessions"] = len(strength)
    row["minimum"] = sum(w.min_sessions for w in plan.weeks)
    row["weeks_short"] = len(plan.shortfalls)
    row["short_weeks"] = " ".join(s.monday.isoformat() for s in plan.shortfalls)
    # the first reason of each short week, for the difference in words (not a column)
    row["_why"] = {s.monday.isoformat(): s.reasons[0] for s in plan.shortfalls if s.reasons}
    row["weeks_without_runs"] = sum(1 for w in result.strip if not w.get("runs", 1))
    row["heavy_sessions"] = sum(1 for s in strength if s.leg_load is LegLoad.HEAVY)
    for category in BALANCED:
        row[f"{category.value}_sets"] = _sets(plan, category)
    lines = given_up(plan)
    row["given_up"] = "; ".join(lines) or "nothing"
    row["paid"] = len(lines)
    return row


def phase_key(phase: str) -> str:
    return f"{phase.replace('-', '_')}_weeks"


def phases_text(row: dict[str, Any]) -> str:
    parts = [f"{row[phase_key(p)]} {p.replace('-', ' ')}" for p in PHASES if row.get(phase_key(p))]
    return ", ".join(parts) or "—"


def difference(base: dict[str, Any], row: dict[str, Any]) -> str:
    """"+2 build weeks, +4 sessions, 1 more short week: 2027-03-14" against ``base``."""
    if row["error"]:
        return f"no plan: {row['error']}"
    if base["error"]:
        return "base has no plan to compare with"
    parts = []
    for phase in PHASES:
        d = int(row[phase_key(phase)] or 0) - int(base[phase_key(phase)] or 0)
        if d:
            name = "race week" if phase == "race-week" else f"{phase} week"
            parts.append(f"{d:+d} {name}{'s' * (abs(d) != 1)}")
    d = row["sessions"] - base["sessions"]
    if d:
        parts.append(f"{d:+d} session{'s' * (abs(d) != 1)}")
    d = row["weeks_without_runs"] - base["weeks_without_runs"]
    if d > 0:  # sessions there ignore the running: a gain that may not be real
        parts.append(f"{d} more week{'s' * (d != 1)} without runs in the schedule (whose "
                     "sessions ignore the running)")
    d = row["weeks_short"] - base["weeks_short"]
    if d:
        new = sorted(set(row["short_weeks"].split()) - set(base["short_weeks"].split()))
        what = f"{abs(d)} {'more' if d > 0 else 'fewer'} short week{'s' * (abs(d) != 1)}"
        why = row.get("_why", {})
        shown = [f"{m} ({why[m]})" if m in why else m for m in new[:3]]
        parts.append(what + (f": {', '.join(shown)}" if d > 0 and new else ""))
    d = row["heavy_sessions"] - base["heavy_sessions"]
    if d:
        parts.append(f"{d:+d} heavy-leg session{'s' * (abs(d) != 1)}")
    for category in ("posterior", "unilateral", "core"):
        d = row[f"{category}_sets"] - base[f"{category}_sets"]
        if d:
            parts.append(f"{d:+d} {category} sets")
    if row["taper_start"] != base["taper_start"] and row["taper_start"]:
        parts.append(f"taper from {row['taper_start']}")
    return ", ".join(parts) or "the same season"


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    from runstrength.exporters.table import safe_cell

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(row[c]) for c in COLUMNS])
    return out.getvalue().encode("utf-8")


def table_cells(row: dict[str, Any]) -> list[str]:
    """The terminal's column for one scenario, in the order of ``ROWS``."""
    if row["error"]:
        return ["—"] * (len(ROWS) - 1) + [f"FAILED: {row['error']}"]
    cells = []
    for label, key in ROWS:
        if label == "weeks per phase":
            cells.append(phases_text(row))
        elif label == "sessions (minimum)":
            cells.append(f"{row['sessions']} ({row['minimum']})")
        elif key == "paid":
            cells.append("none" if not row["paid"] else
                         f"{row['paid']} (see compare.csv)")
        elif key == "weeks_short":
            cells.append(str(row["weeks_short"]) + (
                f": {row['short_weeks']}" if row["short_weeks"] else ""))
        else:
            cells.append(str(row[key]) if row[key] != "" else "—")
    return cells


def best(rows: list[dict]) -> list[str]:
    """Which scenario leaves the most strength work and the fewest short weeks."""
    ok = [r for r in rows if not r["error"]]
    if len(ok) < 2:
        return []
    most = max(r["sessions"] for r in ok)
    fewest = min(r["weeks_short"] for r in ok)
    tops = [r["scenario"] + (f" ({r['weeks_without_runs']} of its weeks without runs)"
                             if r["weeks_without_runs"] else "")
            for r in ok if r["sessions"] == most]
    calm = [r["scenario"] for r in ok if r["weeks_short"] == fewest]
    return [f"most strength sessions ({most}): {', '.join(tops)}",
            f"fewest short weeks ({fewest}): {', '.join(calm)}"]
