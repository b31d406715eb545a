"""posterior-every-7-10: in base and build, a posterior-chain session at least every 10 days;
the athlete's own heavy-leg session ("Gym - legs") counts as one."""

import datetime as dt
import itertools

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
        # per day, once: whether a window may hold it (a posterior phase, no own heavy-leg
        # session) and its posterior-chain candidates; a window is then a slice
        spoils = [season.week_of[d].phase not in rules.posterior_phases or any(
            o.leg_load is LegLoad.HEAVY and o.counts for o in season.own_on.get(d, []))
            for d in days]
        spoiled = [0, *itertools.accumulate(spoils)]  # spoiled days before each index
        posterior_on = [[c for c in m.on_day(d) if c.kind.emphasis is Category.POSTERIOR]
                        for d in days]
        weight = rules.weights.posterior_every
        for i in range(len(days) - span + 1):
            if spoiled[i + span] != spoiled[i]:
                continue
            first = days[i]
            posterior = [c for on in posterior_on[i:i + span] for c in on]
            missed = m.cp.new_bool_var(f"no_posterior_{first}")
            if posterior:
                m.cp.add(m.count(posterior) + missed >= 1)
            else:
                m.cp.add(missed == 1)
            end = first + dt.timedelta(days=span - 1)
            m.terms.append(Term(self.id, season.week_of[first].index, weight, missed,
                                lambda first=first, end=end: "no posterior-chain session "
                                f"{first:%d %b}-{end:%d %b}"))
