"""core-weekly: at least one core-stability block every week (race week excepted); the
athlete's own core session is one."""

from runstrength.domain import Phase
from runstrength.rules.base import Rule, Term


class CoreWeekly(Rule):
    id = "core-weekly"
    name = "a core-stability block every week"
    said = "{n} week(s) without a core block ({weeks})"
    hard = False

    def apply(self, m):
        weight = m.season.knowledge.rules.weights.core_weekly
        for week in m.season.weeks:
            if week.phase is Phase.RACE_WEEK or any(
                    o.core for d in week.days() for o in m.season.own_on.get(d, [])):
                continue
            core = [c for c in m.in_week(week) if c.kind.core_block]
            missed = m.cp.new_bool_var(f"no_core_w{week.index}")
            if core:
                m.cp.add(m.count(core) + missed >= 1)
            else:
                m.cp.add(missed == 1)
            m.terms.append(Term(self.id, week.index, weight, missed, "no core-stability block"))
