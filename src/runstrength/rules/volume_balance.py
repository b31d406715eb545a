"""volume-balance: weekly posterior-chain, unilateral and core sets close to their targets."""

from runstrength.domain import BALANCED
from runstrength.rules.base import Rule, Term


class VolumeBalance(Rule):
    id = "volume-balance"
    name = "weekly sets close to the targets"
    hard = False

    def apply(self, m):
        from ortools.sat.python import cp_model

        weight = m.season.knowledge.rules.weights.volume_balance
        for week in m.season.weeks:
            here = m.in_week(week)
            volumes = {}  # kind -> its sets this week, once per kind
            for c in here:
                if c.kind.id not in volumes:
                    volumes[c.kind.id] = m.season.volume(c.kind, week)
            for cat in BALANCED:
                target = week.targets.get(cat, 0)
                sets = [(m.x[c.index], s) for c in here
                        if (s := volumes[c.kind.id].get(cat, 0))]
                top = sum(s for _, s in sets) + target
                over = m.cp.new_int_var(0, top, f"over_{cat}_w{week.index}")
                under = m.cp.new_int_var(0, target, f"under_{cat}_w{week.index}")
                # placed sets - target == over - under, as one weighted sum
                m.cp.add(cp_model.LinearExpr.weighted_sum(
                    [*(x for x, _ in sets), over, under],
                    [*(s for _, s in sets), -1, 1]) == target)
                m.terms.append(Term(self.id, week.index, weight, over, f"{cat} sets above target"))
                m.terms.append(Term(self.id, week.index, weight, under, f"{cat} sets below target"))
