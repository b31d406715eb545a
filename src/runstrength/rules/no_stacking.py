"""no-stacking: no heavy legs on a key-run day (advanced athletes may lift >= N h after it); below
advanced level no moderate legs on a long-run day either."""

import datetime as dt

from runstrength.domain import LegLoad, Level, RunKind
from runstrength.rules.base import Rule


class NoStacking(Rule):
    id = "no-stacking"
    name = "no heavy legs on a key-run day, no leg work on a long-run day"
    hard = True

    def blocks(self, season, day, kind):
        key = season.key_runs_on(day)
        advanced = season.athlete.level is Level.ADVANCED
        if not advanced and kind.leg_load in season.knowledge.rules.long_run_day_loads:
            long = [r for r in season.runs_on.get(day, []) if r.kind is RunKind.LONG]
            if long:
                return f"long run that day ({long[0].title or 'long run'}): no leg work"
        if kind.leg_load is not LegLoad.HEAVY or not key:
            return None
        if advanced:
            return None  # allowed later that day; see not_before
        return f"{key[0].kind.value} day: no heavy legs"

    def not_before(self, season, day, kind):
        key = season.key_runs_on(day)
        if kind.leg_load is not LegLoad.HEAVY or not key:
            return None
        gap = dt.timedelta(hours=season.knowledge.rules.advanced_same_day_gap_hours)
        return max(r.end for r in key) + gap
