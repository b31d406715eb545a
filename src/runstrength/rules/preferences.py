"""preferences: preferred days and start time from the profile."""

from runstrength.domain import WEEKDAYS
from runstrength.rules.base import Rule, Term


class Preferences(Rule):
    id = "preferences"
    name = "preferred days and times"
    said = "{n} session(s) outside your preferred days or time ({weeks})"
    hard = False

    def apply(self, m):
        prefs = m.season.athlete.preferences
        rules = m.season.knowledge.rules
        weight = rules.weights.preferences
        for c in m.candidates:
            cost = 0
            # preferred days are for strength sessions; add-ons fill the other days
            if (prefs.days and c.kind.counts_as_strength
                    and WEEKDAYS[c.day.weekday()] not in prefs.days):
                cost += weight
            if prefs.time is not None:
                wanted = m.season.preferred_start(c.day)
                hours = abs((c.start - wanted).total_seconds()) / 3600
                cost += min(weight, round(weight * hours / rules.preferred_time_hours))
            if cost:
                m.terms.append(Term(self.id, c.week.index, cost, m.x[c.index],
                                    lambda c=c: f"{c.day:%a %d %b} {c.start:%H:%M} is not a "
                                                "preferred slot"))
