"""Deterministic UIDs of what runstrength writes into calendars.

Calendar apps match events by UID, so these keys are part of the output contract: a session's
UID names its slot in the plan (athlete, week, which of the week's sessions of that kind), a
group session's is the group's and its day, a run's its start. Nothing of a higher layer is
imported here: the Plan's change list (``changes``) and the exporters use the same keys.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from runstrength.domain import Plan

#: Fixed namespace for every runstrength UID. Never change it: calendar apps match events
#: by UID, so a new namespace would duplicate every event a user has already imported.
NAMESPACE = uuid.UUID("9af15476-d289-59b8-bc8d-0bbd99188e98")
DOMAIN = "@runstrength"


def session_uid(athlete_id: str, day: dt.date, kind: str) -> str:
    """The UID calendars written before logical UIDs gave a session (athlete, date, kind):
    ``replan`` recognises those calendars by it."""
    return f"{uuid.uuid5(NAMESPACE, f'{athlete_id}|{day.isoformat()}|{kind}')}{DOMAIN}"


def slot_uid(athlete_id: str, day: dt.date, kind: str, nth: int) -> str:
    """UID of a strength session: its slot in the plan, not its date. The slot is the
    athlete, the week (its Monday) and which of that week's sessions of that kind it is
    (``nth``, from 1 in order of start), so a session that moves within its week keeps its
    UID and a calendar moves the event instead of adding one."""
    monday = day - dt.timedelta(days=day.weekday())
    key = f"{athlete_id}|week:{monday.isoformat()}|{kind}|{nth}"
    return f"{uuid.uuid5(NAMESPACE, key)}{DOMAIN}"


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


def plan_uids(plan: Plan) -> list[str]:
    """The UID of each of ``plan.sessions`` (in that order): a group session's is the
    group's, every other one its slot (``slot_uid``; dates in the athlete's zone). A
    re-plan's are the ones it matched to the previous calendar (``Plan.uids``)."""
    if plan.uids and len(plan.uids) == len(plan.sessions):
        return list(plan.uids)
    return _by_slot(plan)


def _by_slot(plan: Plan) -> list[str]:
    """Each session's UID from its own slot, in ``plan.sessions`` order."""
    zone = plan.athlete.zone
    order = sorted(range(len(plan.sessions)), key=lambda i: (
        to_local(plan.sessions[i].start, zone).astimezone(dt.UTC), plan.sessions[i].kind, i))
    seen: dict[tuple, int] = {}
    out = [""] * len(plan.sessions)
    for i in order:
        s = plan.sessions[i]
        day = to_local(s.start, zone).date()
        if s.group:
            out[i] = group_uid(s.group, day)
            continue
        key = (day - dt.timedelta(days=day.weekday()), s.kind)
        seen[key] = seen.get(key, 0) + 1
        out[i] = slot_uid(plan.athlete.id, day, s.kind, seen[key])
    return out


def matched_uids(plan: Plan, old: list[tuple[str, str, dt.datetime, str]]) -> list[str]:
    """The UIDs of ``plan.sessions`` in a re-plan, given the previous plan's live sessions
    ``old`` (uid, kind id, start, group): in each week, a session of a kind takes the UID of
    the previous session of that kind nearest in time, so a session keeps its event however
    the week's others move (and a calendar written with date UIDs keeps them); a session
    more than the previous ones gets the next free slot."""
    zone = plan.athlete.zone
    out = _by_slot(plan)
    taken = {uid for uid, *_ in old}
    before: dict[tuple, list[tuple[str, dt.datetime]]] = {}
    for uid, kind, start, group in old:
        if not group:
            day = start.astimezone(zone).date()
            before.setdefault((day - dt.timedelta(days=day.weekday()), kind), []).append(
                (uid, start))
    now: dict[tuple, list[int]] = {}
    for i, s in enumerate(plan.sessions):
        if not s.group:
            day = to_local(s.start, zone).date()
            now.setdefault((day - dt.timedelta(days=day.weekday()), s.kind), []).append(i)
    used: set[str] = set()
    for key in sorted(now):
        idxs = sorted(now[key], key=lambda i: (plan.sessions[i].start.astimezone(dt.UTC), i))
        pairs = sorted((abs((plan.sessions[i].start - start).total_seconds()), n, uid, i)
                       for n, i in enumerate(idxs) for uid, start in before.get(key, []))
        got: dict[int, str] = {}
        for _, _, uid, i in pairs:
            if i not in got and uid not in used:
                got[i] = uid
                used.add(uid)
        nth = 1
        for i in idxs:
            if i in got:
                continue
            day = to_local(plan.sessions[i].start, zone).date()
            while (uid := slot_uid(plan.athlete.id, day, key[1], nth)) in taken | used:
                nth += 1
            got[i] = uid
            used.add(uid)
        for i, uid in got.items():
            out[i] = uid
    return out
