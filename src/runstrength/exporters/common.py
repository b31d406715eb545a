"""Helpers shared by the .ics and table exporters: deterministic UIDs, local time, order.

Kept in its own tiny module so the CSV writer does not import icalendar.
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from runstrength.domain import Plan, PlannedSession

#: Fixed namespace for every runstrength UID. Never change it: calendar apps match events
#: by UID, so a new namespace would duplicate every event a user has already imported.
NAMESPACE = uuid.UUID("9af15476-d289-59b8-bc8d-0bbd99188e98")
DOMAIN = "@runstrength"


def session_uid(athlete_id: str, day: dt.date, kind: str) -> str:
    """UID of a strength session: same athlete, date and kind → same UID across runs.

    One session per day is a hard rule, so (athlete, date, kind) is unique within a plan;
    the time of day is left out so that moving a session within its day updates the
    existing calendar event instead of adding a new one.
    """
    return f"{uuid.uuid5(NAMESPACE, f'{athlete_id}|{day.isoformat()}|{kind}')}{DOMAIN}"


def run_uid(athlete_id: str, start: dt.datetime, kind: str, nth: int = 1) -> str:
    """UID of an exported run. Runners do doubles, so the start time is part of the key; two
    runs of one kind at one start (two all-day runs that day) are told apart by ``nth``."""
    key = f"{athlete_id}|{start.strftime('%Y-%m-%dT%H:%M')}|run:{kind}"
    if nth > 1:
        key += f"|{nth}"
    return f"{uuid.uuid5(NAMESPACE, key)}{DOMAIN}"


def to_local(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """``moment`` in the athlete's zone, whole seconds; a naive time is read as local."""
    moment = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
    return moment.replace(microsecond=0)


def group_uid(group: str, day: dt.date) -> str:
    """UID of a group session on ``day``: the same in every attendee's calendar and the
    coach's, so a calendar holding several of them shows it once."""
    return f"{uuid.uuid5(NAMESPACE, f'group|{group}|{day.isoformat()}')}{DOMAIN}"


def plan_session_uid(plan: Plan, session: PlannedSession) -> str:
    """The UID of ``session`` in ``plan`` (date taken in the athlete's zone)."""
    day = to_local(session.start, plan.athlete.zone).date()
    if session.group:
        return group_uid(session.group, day)
    return session_uid(plan.athlete.id, day, session.kind)


def ordered_sessions(plan: Plan) -> list[tuple[str, PlannedSession]]:
    """(uid, session) pairs sorted by start then UID: the one order every exporter uses."""
    pairs = [(plan_session_uid(plan, s), s) for s in plan.sessions]
    # Sort on UTC: aware datetimes sharing one tzinfo compare by wall clock, which is
    # ambiguous in the hour the clocks go back.
    zone = plan.athlete.zone
    return sorted(pairs, key=lambda p: (to_local(p[1].start, zone).astimezone(dt.UTC), p[0]))
