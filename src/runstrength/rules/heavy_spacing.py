"""heavy-spacing: heavy-leg sessions at least 48 h apart (so never on consecutive days)."""

import datetime as dt

from runstrength.rules.base import Rule


class HeavySpacing(Rule):
    id = "heavy-spacing"
    name = "heavy-leg sessions at least 48 h apart"
    hard = True

    def apply(self, m):
        gap = dt.timedelta(hours=m.season.knowledge.rules.heavy_spacing_hours)
        reach = gap.days + 1
        for a in m.candidates:
            if not a.heavy:
                continue
            # Later heavy candidates that start too soon after a; with one session a day,
            # a plus all of them may hold at most one.
            close = [
                b for d in range(1, reach + 1)
                for b in m.on_day(a.day + dt.timedelta(days=d))
                if b.heavy and b.start - a.start < gap
            ]
            if close:
                m.cp.add(m.x[a.index] + m.count(close) <= 1)
