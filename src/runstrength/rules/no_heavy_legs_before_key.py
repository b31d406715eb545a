"""no-heavy-legs-before-key: no heavy-leg session the calendar day before a key run."""

import datetime as dt

from runstrength.domain import LegLoad
from runstrength.rules.base import Rule


class NoHeavyLegsBeforeKey(Rule):
    id = "no-heavy-legs-before-key"
    name = "no heavy legs the day before a key run"
    hard = True

    def blocks(self, season, day, kind):
        if kind.leg_load is not LegLoad.HEAVY:
            return None
        key = season.key_runs_on(day + dt.timedelta(days=1))
        if key:
            run = key[0]
            return f"day before {run.kind.value} ({run.title or run.kind.value}): no heavy legs"
        return None
