"""past-kept: a re-plan keeps the sessions before its first day where they were."""

from runstrength.rules.base import Rule


class PastKept(Rule):
    id = "past-kept"
    name = "sessions before the re-plan's first day stay as they were"
    hard = True

    def apply(self, m):
        for c in m.candidates:
            if c.kept:
                m.cp.add(m.x[c.index] == 1)
