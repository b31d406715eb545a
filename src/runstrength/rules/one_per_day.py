"""one-per-day: at most one strength session per day."""

from runstrength.rules.base import Rule


class OnePerDay(Rule):
    id = "one-per-day"
    name = "at most one session a day"
    hard = True

    def apply(self, m):
        for day in m.season.days:
            here = m.on_day(day)
            if len(here) > 1:
                m.cp.add_at_most_one(m.x[c.index] for c in here)
