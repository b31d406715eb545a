"""no-heavy-legs-before-key: no heavy-leg session the calendar day before a key run, and no
moderate leg work the day before a long run either."""

import datetime as dt

from runstrength.domain import LegLoad, RunKind
from runstrength.rules.base import Rule


class NoHeavyLegsBeforeKey(Rule):
    id = "no-heavy-legs-before-key"
    name = "no heavy legs the day before a key run"
    hard = True

    def blocks(self, season, day, kind):
        tomorrow = day + dt.timedelta(days=1)
        if kind.leg_load in season.knowledge.rules.before_long_loads:
            long = [r for r in season.runs_on.get(tomorrow, []) if r.kind is RunKind.LONG]
            if long:
                return (f"day before long run ({long[0].title or 'long run'}): no "
                        f"{kind.leg_load.value} legs")
        if kind.leg_load is not LegLoad.HEAVY:
            return None
        key = season.key_runs_on(tomorrow)
        if key:
            run = key[0]
            return f"day before {run.kind.value} ({run.title or run.kind.value}): no heavy legs"
        return None
