"""fresh-before-key: avoid moderate leg work the day before a key run too."""

import datetime as dt

from runstrength.domain import LegLoad
from runstrength.rules.base import Rule, Term


class FreshBeforeKey(Rule):
    id = "fresh-before-key"
    name = "legs fresh for a key run"
    said = "{n} moderate session(s) the day before a key run ({weeks})"
    hard = False

    def apply(self, m):
        weight = m.season.knowledge.rules.weights.fresh_before_key
        for c in m.candidates:
            if c.kind.leg_load is not LegLoad.MODERATE:
                continue
            key = m.season.key_runs_on(c.day + dt.timedelta(days=1))
            if key:
                detail = f"{c.day:%a %d %b}: leg work the day before {key[0].kind.value}"
                m.terms.append(Term(self.id, c.week.index, weight, m.x[c.index], detail))
