"""stability: when re-planning, keep the sessions of the previous plan where the rules allow."""

from runstrength.rules.base import Rule, Term


class Stability(Rule):
    id = "stability"
    name = "change as few sessions as possible when re-planning"
    said = "{n} session(s) moved from the previous plan ({weeks})"
    hard = False

    def apply(self, m):
        weight = m.season.knowledge.rules.weights.stability
        for day, kind in sorted(m.season.previous):
            same = [c for c in m.on_day(day) if c.kind.id == kind]
            moved = m.cp.new_bool_var(f"moved_{day}_{kind}")
            if same:
                m.cp.add(m.count(same) + moved >= 1)
                for c in same:
                    m.cp.add_hint(m.x[c.index], 1)
            else:
                m.cp.add(moved == 1)
            week = m.season.week_of.get(day)
            if week is not None:
                m.terms.append(Term(self.id, week.index, weight, moved,
                                    f"{day:%a %d %b} {kind} from the previous plan moved"))
