"""phase-max: no more sessions in a week than its phase and the athlete's level allow."""

from runstrength.rules.base import Rule


class PhaseMax(Rule):
    id = "phase-max"
    name = "weekly maximum for the phase and level"
    hard = True

    def apply(self, m):
        for week in m.season.weeks:
            here = m.in_week(week)
            # the short core and mobility add-ons do not count (sessions.toml)
            strength = [c for c in here if c.kind.counts_as_strength]
            if len(strength) > week.max_sessions:
                m.cp.add(m.count(strength) <= week.max_sessions)
            for kind in m.season.knowledge.sessions.values():
                same = [c for c in here if c.kind.id == kind.id]
                if len(same) > kind.max_per_week:
                    m.cp.add(m.count(same) <= kind.max_per_week)
