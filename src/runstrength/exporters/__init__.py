"""Writers of a Plan: .ics, CSV/JSON/DataFrame tables, the HTML season report.

Each registers in ``writers.WRITERS`` so that ``Plan.to_ics()`` and friends work while the
domain layer imports nothing from here. The writers' modules load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runstrength.writers import WRITERS

if TYPE_CHECKING:  # loading the package must not load pydantic (Ctrl-C at start-up, speed)
    from runstrength.domain import Plan


def _ics(plan: Plan, **options: Any) -> bytes:
    from runstrength.exporters.ics import plan_to_ics

    return plan_to_ics(plan, **options)


def _table(name: str):
    def write(plan: Plan) -> Any:
        from runstrength.exporters import table

        return getattr(table, name)(plan)
    return write


def _penalties(plan: Plan):
    import pandas as pd

    from runstrength.exporters.table import PENALTY_COLUMNS

    return pd.DataFrame(plan.penalty_breakdown(), columns=list(PENALTY_COLUMNS))


def _html(plan: Plan) -> bytes:
    from runstrength.exporters.report import plan_to_html

    return plan_to_html(plan)


WRITERS.update({
    "ics": _ics,
    "json": _table("plan_to_json"),
    "csv": _table("plan_to_csv"),
    "frame:sessions": _table("plan_to_frame"),
    "frame:weeks": _table("plan_to_week_frame"),
    "frame:penalties": _penalties,
    "html": _html,
})
