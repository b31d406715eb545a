"""posterior-every-7-10: in base and build, a posterior-chain session at least every 10 days;
the athlete's own heavy-leg session ("Gym - legs") counts as one."""

import datetime as dt

from runstrength.domain import Category, LegLoad
from runstrength.rules.base import Rule, Term


class PosteriorEvery(Rule):
    id = "posterior-every-7-10"
    name = "a posterior-chain day every 7-10 days"
    said = "{n} ten-day stretch(es) without a posterior-chain session ({weeks})"
    hard = False

    def apply(self, m):
        season = m.season
        rules = season.knowledge.rules
        span = rules.posterior_max_gap_days
        days = season.days
        eligible = {d for d in days if season.week_of[d].phase in rules.posterior_phases}
        for i in range(len(days) - span + 1):
            window = days[i:i + span]
            if not all(d in eligible for d in window) or any(
                    o.leg_load is LegLoad.HEAVY and o.counts
                    for d in window for o in season.own_on.get(d, [])):
                continue
            posterior = [c for d in window for c in m.on_day(d)
                         if c.kind.emphasis is Category.POSTERIOR]
            missed = m.cp.new_bool_var(f"no_posterior_{window[0]}")
            if posterior:
                m.cp.add(m.count(posterior) + missed >= 1)
            else:
                m.cp.add(missed == 1)
            end = window[0] + dt.timedelta(days=span - 1)
            m.terms.append(Term(self.id, season.week_of[window[0]].index,
                                rules.weights.posterior_every, missed,
                                f"no posterior-chain session {window[0]:%d %b}-{end:%d %b}"))
