"""phase-min: at least the phase's minimum sessions a week; each one missed is a shortfall."""

from runstrength.rules.base import Rule, Term


class PhaseMin(Rule):
    id = "phase-min"
    name = "weekly minimum for the phase and level"
    said = "{n} session(s) below the weekly minimum ({weeks})"
    hard = False

    def apply(self, m):
        weight = m.season.knowledge.rules.weights.phase_min
        for week in m.season.weeks:
            if week.min_sessions == 0:
                continue
            counted = [c for c in m.in_week(week) if c.kind.counts_as_strength]
            short = m.cp.new_int_var(0, week.min_sessions, f"short_w{week.index}")
            m.cp.add(short >= week.min_sessions - m.count(counted))
            m.terms.append(Term(self.id, week.index, weight, short, "session below the minimum"))
