"""Races -> a phase, deload flag, session limits and set targets for every week of the season."""

from __future__ import annotations

import datetime as dt

from runstrength.domain import BALANCED, Athlete, Phase, Priority, Race, Week
from runstrength.knowledge import Knowledge

LOADING = (Phase.BASE, Phase.BUILD)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _race_phase(weeks_out: int, race: Race, k: Knowledge) -> Phase | None:
    """Phase of a week ``weeks_out`` weeks before ``race``'s week, as that race sees it."""
    p = k.periodization
    if race.priority is Priority.A:
        taper = p.taper_weeks[race.distance]
        if weeks_out == 0:
            return Phase.RACE_WEEK
        if weeks_out < taper:
            return Phase.TAPER
        if weeks_out < taper + p.peak_weeks:
            return Phase.PEAK
        if weeks_out <= p.build_weeks_out:
            return Phase.BUILD
        return None
    if race.priority is Priority.B and weeks_out < p.b_race_taper_weeks:
        return Phase.RACE_WEEK if weeks_out == 0 else Phase.TAPER
    return None


# When two races claim a week, the phase that protects the race more wins.
_PRECEDENCE = {
    Phase.RACE_WEEK: 0,
    Phase.TAPER: 1,
    Phase.RECOVERY: 2,
    Phase.PEAK: 3,
    Phase.BUILD: 4,
    Phase.BASE: 5,
}


def phase_of_week(monday: dt.date, races: list[Race], k: Knowledge) -> Phase:
    """The phase of the week starting ``monday`` given every race of the season."""
    claims = [Phase.BASE]
    for race in races:
        weeks_out = (monday_of(race.date) - monday).days // 7
        if weeks_out >= 0:
            phase = _race_phase(weeks_out, race, k)
        elif race.priority is Priority.A and -weeks_out <= k.periodization.recovery_weeks[
            race.distance
        ]:
            phase = Phase.RECOVERY
        else:
            phase = None
        if phase is not None:
            claims.append(phase)
    return min(claims, key=_PRECEDENCE.__getitem__)


def periodize(athlete: Athlete, start: dt.date, end: dt.date, k: Knowledge) -> list[Week]:
    """The Monday-Sunday weeks that hold ``start``..``end``; edge weeks keep only season days."""
    p = k.periodization
    races = sorted(athlete.races, key=lambda r: r.date)
    weeks: list[Week] = []
    loading_run = 0
    monday = monday_of(start)
    index = 1
    while monday <= end:
        phase = phase_of_week(monday, races, k)
        loading_run = loading_run + 1 if phase in LOADING else 0
        deload = loading_run > 0 and loading_run % p.deload_every == 0
        scale = p.level_volume[athlete.level] * (p.deload_volume if deload else 1.0)
        limits = p.limits[athlete.level][phase]
        sunday = monday + dt.timedelta(days=6)
        first, last = max(monday, start), min(sunday, end)
        # A week cut by the season's ends asks for its share of the minimum, rounded down.
        share = ((last - first).days + 1) / 7
        race = next((r for r in races if monday <= r.date <= sunday), None)
        weeks.append(
            Week(
                index=index,
                monday=monday,
                phase=phase,
                deload=deload,
                race=race,
                first=first,
                last=last,
                min_sessions=int(limits.min * share),
                max_sessions=limits.max,
                targets={c: round(p.targets[phase].get(c, 0) * scale) for c in BALANCED},
            )
        )
        monday += dt.timedelta(days=7)
        index += 1
    return weeks
