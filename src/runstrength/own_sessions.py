"""The athlete's own strength sessions found in the running schedule ("Gym - legs", a
TrainingPeaks ``Strength:`` workout).

They are kept as the athlete planned them: each counts towards its week's minimum and maximum
(``count_own``), the model places nothing on its day and keeps its heavy-leg spacing (rules
``one-per-day`` and ``heavy-spacing``), and a session that already breaks a hard rule about the
running is said in a warning (``own_warnings``), because only the athlete can move it.
"""

from __future__ import annotations

import datetime as dt
import itertools

from runstrength.domain import LegLoad, OwnSession, Week
from runstrength.knowledge import Knowledge, SessionKind
from runstrength.rules import Season
from runstrength.rules.no_heavy_legs_before_key import NoHeavyLegsBeforeKey
from runstrength.rules.no_stacking import NoStacking
from runstrength.rules.race_week import RaceWeek
from runstrength.rules.return_after_race import ReturnAfterRace

#: The hard rules about a session and the running around it; the others are about our own
#: placements (availability, one a day, the weekly maximum) or met by the model (spacing).
_CHECKED = (NoHeavyLegsBeforeKey(), NoStacking(), RaceWeek(), ReturnAfterRace())


def counted(own: list[OwnSession], k: Knowledge) -> list[OwnSession]:
    """The own sessions, each marked whether it is long enough to count as a strength session
    (rules.toml ``own_session_min_minutes``); a short core block only holds its day."""
    return [o.model_copy(update={"counts": o.minutes >= k.rules.own_session_min_minutes})
            for o in own]


def count_own(weeks: list[Week], own: list[OwnSession]) -> list[Week]:
    """The weeks with the athlete's counted own sessions taken off what is left to place."""
    out = []
    own = [o for o in own if o.counts]
    for week in weeks:
        days = set(week.days())
        n = sum(1 for o in own if o.day in days)
        if n:
            week = week.model_copy(update={
                "own_sessions": n,
                "phase_sessions": (week.min_sessions, week.max_sessions),
                "min_sessions": max(0, week.min_sessions - n),
                "max_sessions": max(0, week.max_sessions - n),
            })
        out.append(week)
    return out


def _as_kind(session: OwnSession) -> SessionKind:
    return SessionKind(id="own", name=session.title or "strength", leg_load=session.leg_load,
                       minutes=min(180, max(5, session.minutes)), sets={})


def label(session: OwnSession) -> str:
    return f"{session.start:%a %d %b %H:%M} {session.title or 'strength'}"


def own_warnings(season: Season) -> list[str]:
    """One line for each own session that breaks a hard rule about the running around it (the
    same session on the same weekday and time each week is one line with its dates), and for
    two own heavy-leg sessions closer than the heavy spacing."""
    out = []
    broken: dict[tuple[str, str, str, str, str], list[OwnSession]] = {}
    own = [o for day in sorted(season.own_on) if day in season.week_of
           for o in season.own_on[day]]
    for session in own:
        kind = _as_kind(session)
        for rule in _CHECKED:
            why = rule.blocks(season, session.day, kind)
            floor = rule.not_before(season, session.day, kind)
            if why is None and floor is not None and session.start < floor:
                why = f"under {season.knowledge.rules.advanced_same_day_gap_hours} h after " \
                      "the key run that day"
            if why:
                key = (_file(session), session.title, f"{session.start:%a %H:%M}", why, rule.id)
                broken.setdefault(key, []).append(session)
                break
    for (source, title, when, why, rule_id), sessions in broken.items():
        first = sessions[0]
        what = (label(first) if len(sessions) == 1 else
                f"{when} {title or 'strength'} ({len(sessions)} times: "
                f"{', '.join(f'{o.start:%d %b}' for o in sessions)})")
        out.append(f"{source}: {what} ({first.leg_load.value} legs, your own session): {why}; "
                   f"it is kept as you planned it [{rule_id}]")
    gap = dt.timedelta(hours=season.knowledge.rules.heavy_spacing_hours)
    heavy = [o for o in own if o.leg_load is LegLoad.HEAVY]
    for a, b in itertools.pairwise(heavy):
        if b.start - a.start < gap:
            out.append(f"{_file(b)}: {label(b)} (heavy legs, your own session) is under "
                       f"{gap.total_seconds() / 3600:g} h after {label(a)}; it is kept as you "
                       "planned it [heavy-spacing]")
    return out


def _file(session: OwnSession) -> str:
    """The file a session came from, without the event's id or the CSV line."""
    return session.source.split(": ", 1)[0] or "schedule"
