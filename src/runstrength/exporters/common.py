"""Helpers shared by the .ics and table exporters: UIDs (``runstrength.uids``), local time,
order.

Kept in its own tiny module so the CSV writer does not import icalendar.
"""

from __future__ import annotations

import datetime as dt

from runstrength.domain import Plan, PlannedSession
from runstrength.uids import (  # noqa: F401 (the exporters import them from here)
    DOMAIN,
    NAMESPACE,
    group_uid,
    plan_uids,
    run_uid,
    session_uid,
    slot_uid,
    to_local,
)


def ordered_sessions(plan: Plan) -> list[tuple[str, PlannedSession]]:
    """(uid, session) pairs sorted by start then UID: the one order every exporter uses."""
    pairs = list(zip(plan_uids(plan), plan.sessions, strict=True))
    # Sort on UTC: aware datetimes sharing one tzinfo compare by wall clock, which is
    # ambiguous in the hour the clocks go back.
    zone = plan.athlete.zone
    return sorted(pairs, key=lambda p: (to_local(p[1].start, zone).astimezone(dt.UTC), p[0]))
