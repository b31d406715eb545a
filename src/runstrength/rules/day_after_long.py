"""day-after-long: avoid heavy legs the day after a long run."""

import datetime as dt

from runstrength.domain import RunKind
from runstrength.rules.base import Rule, Term


class DayAfterLong(Rule):
    id = "day-after-long"
    name = "no heavy legs the day after a long run"
    said = "{n} heavy session(s) the day after a long run ({weeks})"
    hard = False

    def apply(self, m):
        weight = m.season.knowledge.rules.weights.day_after_long
        for c in m.candidates:
            before = m.season.runs_on.get(c.day - dt.timedelta(days=1), [])
            if c.heavy and any(r.kind in (RunKind.LONG, RunKind.RACE) for r in before):
                m.terms.append(Term(self.id, c.week.index, weight, m.x[c.index],
                                    f"{c.day:%a %d %b}: heavy legs the day after a long run"))
