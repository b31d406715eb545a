"""no-stacking: no heavy legs on a key-run day; advanced athletes may lift >= N h after it."""

import datetime as dt

from runstrength.domain import LegLoad, Level
from runstrength.rules.base import Rule


class NoStacking(Rule):
    id = "no-stacking"
    name = "no heavy legs on a key-run day"
    hard = True

    def blocks(self, season, day, kind):
        key = season.key_runs_on(day)
        if kind.leg_load is not LegLoad.HEAVY or not key:
            return None
        if season.athlete.level is Level.ADVANCED:
            return None  # allowed later that day; see not_before
        return f"{key[0].kind.value} day: no heavy legs"

    def not_before(self, season, day, kind):
        key = season.key_runs_on(day)
        if kind.leg_load is not LegLoad.HEAVY or not key:
            return None
        gap = dt.timedelta(hours=season.knowledge.rules.advanced_same_day_gap_hours)
        return max(r.end for r in key) + gap
