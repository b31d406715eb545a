"""A plan as a table: one row per strength session (DESIGN.md, "CSV/JSON table").

Rows hold plain values (ISO date, ``HH:MM`` local times, ints) so CSV, JSON and the
DataFrame agree cell for cell. CSV and JSON use the standard library only: pandas takes
about a second to import and the CLI should not pay that to write a CSV.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from runstrength.domain import Category, Plan
from runstrength.exporters.common import ordered_sessions, to_local

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "plan_rows", "plan_to_csv", "plan_to_frame", "plan_to_json"]

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
    writer.writerows(plan_rows(plan))
    return buffer.getvalue().encode("utf-8")


def plan_to_json(plan: Plan) -> bytes:
    """UTF-8 JSON array of row objects, keys in `COLUMNS` order, ending in a newline."""
    text = json.dumps(plan_rows(plan), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")
