"""easy-days: prefer rest or easy-run days over quality-run days, even for light sessions."""

from runstrength.domain import LegLoad
from runstrength.rules.base import Rule, Term


class EasyDays(Rule):
    id = "easy-days"
    name = "strength on easy or rest days"
    said = "{n} session(s) on a hard-run day ({weeks})"
    hard = False

    def apply(self, m):
        weights = m.season.knowledge.rules.weights
        for c in m.candidates:
            quality = m.season.quality_runs_on(c.day)
            if quality and c.kind.leg_load is not LegLoad.NONE:
                cost = weights.easy_days_heavy if c.heavy else weights.easy_days
                m.terms.append(Term(self.id, c.week.index, cost, m.x[c.index],
                                    lambda c=c, run=quality[0]:
                                    f"{c.day:%a %d %b}: {c.kind.name} on a {run.kind.value} day"))
