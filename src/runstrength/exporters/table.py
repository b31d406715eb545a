"""A plan as a table: one row per strength session (DESIGN.md, "CSV/JSON table").

Also one row per week (`plan_week_rows`, `plan_to_week_frame`: phase, sessions, working sets
against targets, penalty) and the paid penalties summed by rule and week
(`plan_penalty_rows`); the HTML report is drawn from these same rows.

Rows hold plain values (ISO date, ``HH:MM`` local times, ints) so CSV, JSON and the
DataFrame agree cell for cell. CSV and JSON use the standard library only: pandas takes
about a second to import and the CLI should not pay that to write a CSV.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from runstrength.domain import BALANCED, Category, Plan
from runstrength.exporters.common import ordered_sessions, to_local

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COLUMNS",
    "PENALTY_COLUMNS",
    "WEEK_COLUMNS",
    "plan_penalty_rows",
    "plan_rows",
    "plan_to_csv",
    "plan_to_frame",
    "plan_to_json",
    "plan_to_week_frame",
    "plan_week_rows",
]

COLUMNS = (
    "athlete",
    "date",
    "start",
    "end",
    "session",
    "leg_load",
    "phase",
    "week",
    "posterior_sets",
    "unilateral_sets",
    "core_sets",
    "minutes",
    "uid",
)
_INT_COLUMNS = ("week", "posterior_sets", "unilateral_sets", "core_sets", "minutes")


def plan_rows(plan: Plan) -> list[dict[str, Any]]:
    """One dict per session, keys in `COLUMNS` order, sorted like the .ics events."""
    zone = plan.athlete.zone
    rows = []
    for uid, s in ordered_sessions(plan):
        start, end = to_local(s.start, zone), to_local(s.end, zone)
        rows.append(
            {
                "athlete": plan.athlete.id,
                "date": start.date().isoformat(),
                "start": f"{start:%H:%M}",
                "end": f"{end:%H:%M}",
                "session": s.kind,
                "leg_load": str(s.leg_load),
                "phase": str(s.phase),
                "week": s.week,
                "posterior_sets": s.volume.get(Category.POSTERIOR, 0),
                "unilateral_sets": s.volume.get(Category.UNILATERAL, 0),
                "core_sets": s.volume.get(Category.CORE, 0),
                "minutes": s.minutes,
                "uid": uid,
            }
        )
    return rows


def plan_to_frame(plan: Plan) -> pd.DataFrame:
    """The rows as a DataFrame with exactly `COLUMNS` (int columns stay int64 when empty)."""
    import pandas as pd  # slow import: only when a frame is asked for

    frame = pd.DataFrame(plan_rows(plan), columns=list(COLUMNS))
    return frame.astype({c: "int64" for c in _INT_COLUMNS})


def plan_to_csv(plan: Plan) -> bytes:
    """UTF-8 CSV with a header row and ``\\n`` line endings; same plan → same bytes."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in plan_rows(plan))
    return buffer.getvalue().encode("utf-8")


def safe_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, a tab or
    a carriage return first) gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def plan_to_json(plan: Plan) -> bytes:
    """UTF-8 JSON array of row objects, keys in `COLUMNS` order, ending in a newline."""
    text = json.dumps(plan_rows(plan), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# One row per week: the season at a glance (the HTML report draws from these same rows).

WEEK_COLUMNS = (
    "week",
    "monday",
    "first",
    "last",
    "phase",
    "deload",
    "emphasis",
    "block",
    "block_week",
    "race",
    "min_sessions",
    "max_sessions",
    "sessions",
    "own_sessions",
    "add_ons",
    "short",
    "core_days",
    "calf_sessions",
    "contacts",
    "minutes",
    "posterior_sets",
    "unilateral_sets",
    "core_sets",
    "posterior_target",
    "unilateral_target",
    "core_target",
    "penalty",
)
_WEEK_INT_COLUMNS = (
    "week", "block", "block_week", "min_sessions", "max_sessions", "sessions", "own_sessions",
    "add_ons",
    "core_days", "calf_sessions", "contacts", "minutes", "posterior_sets", "unilateral_sets",
    "core_sets",
    "posterior_target", "unilateral_target", "core_target", "penalty",
)  # fmt: skip
_WEEK_BOOL_COLUMNS = ("deload", "short")

PENALTY_COLUMNS = ("rule", "week", "monday", "times", "cost", "detail")


def plan_week_rows(plan: Plan) -> list[dict[str, Any]]:
    """One dict per week of the season, keys in `WEEK_COLUMNS` order, by week number.

    ``sessions`` counts the strength sessions placed in the week (by each session's
    ``week``), ``add_ons`` the short core and mobility blocks; ``core_days`` the days with core
    work, ``calf_sessions`` the sessions with calf/ankle work, ``contacts`` the jumps' ground
    contacts, ``minutes`` the time of all of them; the ``*_sets`` columns count working sets of
    every session; the ``*_target`` columns are the week's working-set targets;
    ``penalty`` is the total cost of the soft rules the plan paid in that week.
    """
    placed: dict[int, int] = {}
    add_ons: dict[int, int] = {}
    core_days: dict[int, set] = {}
    calf: dict[int, int] = {}
    contacts: dict[int, int] = {}
    minutes: dict[int, int] = {}
    sets: dict[tuple[int, Category], int] = {}
    zone = plan.athlete.zone
    for s in plan.sessions:
        count = add_ons if s.add_on else placed
        count[s.week] = count.get(s.week, 0) + 1
        if any(p.exercise.category is Category.CORE for p in s.exercises):
            core_days.setdefault(s.week, set()).add(to_local(s.start, zone).date())
        if any("calf-ankle" in p.exercise.patterns for p in s.exercises):
            calf[s.week] = calf.get(s.week, 0) + 1
        contacts[s.week] = contacts.get(s.week, 0) + s.contacts
        minutes[s.week] = minutes.get(s.week, 0) + s.minutes
        for category in BALANCED:
            key = (s.week, category)
            sets[key] = sets.get(key, 0) + s.volume.get(category, 0)
    cost: dict[int, int] = {}
    for p in plan.penalties:
        cost[p.week] = cost.get(p.week, 0) + p.cost
    short = {sf.week for sf in plan.shortfalls}
    rows = []
    for w in sorted(plan.weeks, key=lambda w: w.index):
        row: dict[str, Any] = {
            "week": w.index,
            "monday": w.monday.isoformat(),
            "first": (w.first or w.monday).isoformat(),
            "last": (w.last or w.sunday).isoformat(),
            "phase": str(w.phase),
            "deload": bool(w.deload),
            "emphasis": w.emphasis,
            "block": w.block,
            "block_week": w.block_week,
            "race": w.race.label if w.race is not None else "",
            # the phase's minimum and maximum; the athlete's own sessions fill part of them
            "min_sessions": w.sessions_range()[0],
            "max_sessions": w.sessions_range()[1],
            "sessions": placed.get(w.index, 0),
            "own_sessions": w.own_sessions,
            "add_ons": add_ons.get(w.index, 0),
            "short": w.index in short,
            "core_days": len(core_days.get(w.index, ())),
            "calf_sessions": calf.get(w.index, 0),
            "contacts": contacts.get(w.index, 0),
            "minutes": minutes.get(w.index, 0),
        }
        for category in BALANCED:
            row[f"{category}_sets"] = sets.get((w.index, category), 0)
        for category in BALANCED:
            row[f"{category}_target"] = w.targets.get(category, 0)
        row["penalty"] = cost.get(w.index, 0)
        rows.append({c: row[c] for c in WEEK_COLUMNS})
    return rows


def plan_to_week_frame(plan: Plan) -> pd.DataFrame:
    """`plan_week_rows` as a DataFrame with exactly `WEEK_COLUMNS` (ints int64, flags bool)."""
    import pandas as pd

    frame = pd.DataFrame(plan_week_rows(plan), columns=list(WEEK_COLUMNS))
    types = {c: "int64" for c in _WEEK_INT_COLUMNS} | {c: "bool" for c in _WEEK_BOOL_COLUMNS}
    return frame.astype(types)


def plan_penalty_rows(plan: Plan) -> list[dict[str, Any]]:
    """Paid soft-rule costs summed by (rule, week), costliest rule first (``PENALTY_COLUMNS``);
    the same rows as ``Plan.penalty_breakdown``."""
    return plan.penalty_breakdown()
