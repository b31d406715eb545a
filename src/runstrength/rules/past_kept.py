"""past-kept: a re-plan keeps the sessions before its first day where they were, and adds
none there."""

from runstrength.rules.base import Rule


class PastKept(Rule):
    id = "past-kept"
    name = "sessions before the re-plan's first day stay as they were"
    hard = True

    def apply(self, m):
        today = m.season.today
        if today is None:
            return
        for c in m.candidates:
            if c.day < today:
                m.cp.add(m.x[c.index] == int(c.kept))
