"""one-per-day: at most one session per day; none on a day that holds the athlete's own
strength session, and no core add-on beside their own short block."""

from runstrength.rules.base import Rule


class OnePerDay(Rule):
    id = "one-per-day"
    name = "at most one session a day"
    hard = True

    def blocks(self, season, day, kind):
        for own in season.own_on.get(day, []):
            if own.counts or not kind.counts_as_strength:
                return f"your own session that day ({own.title or 'strength'} {own.start:%H:%M})"
        return None

    def apply(self, m):
        for day in m.season.days:
            here = m.on_day(day)
            if len(here) > 1:
                m.cp.add_at_most_one(m.x[c.index] for c in here)
