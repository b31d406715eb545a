"""spread: prefer strength sessions spread across the week over back-to-back days (the short
core and mobility add-ons may sit between them); the athlete's own strength sessions count as
sessions."""

import datetime as dt

from runstrength.rules.base import Rule, Term


class Spread(Rule):
    id = "spread"
    name = "sessions spread across the week"
    said = "{n} pair(s) of sessions on consecutive days ({weeks})"
    hard = False

    def apply(self, m):
        weight = m.season.knowledge.rules.weights.spread
        for day in m.season.days:
            today = [c for c in m.on_day(day) if c.kind.counts_as_strength]
            tomorrow = [c for c in m.on_day(day + dt.timedelta(days=1))
                        if c.kind.counts_as_strength]
            own = [o for d in (day - dt.timedelta(days=1), day + dt.timedelta(days=1))
                   for o in m.season.own_on.get(d, [])]
            if today and own:  # next to the athlete's own session: as good as back to back
                beside = m.cp.new_bool_var(f"beside_own_{day}")
                m.cp.add(m.count(today) <= beside)
                m.terms.append(Term(self.id, m.season.week_of[day].index, weight * len(own),
                                    beside, lambda day=day, o=own[0]:
                                    f"a session on {day:%a %d %b}, next to your own "
                                    f"{o.title or 'strength session'}"))
            if not today or not tomorrow:
                continue
            both = m.cp.new_bool_var(f"back_to_back_{day}")
            m.cp.add(m.count(today) + m.count(tomorrow) - 1 <= both)
            m.terms.append(Term(self.id, m.season.week_of[day].index, weight, both,
                                lambda day=day: f"sessions on {day:%a %d %b} and the day after"))
