"""group-attendance: an athlete joins the group sessions they may join, where their own rules
allow it (each one missed costs ``weights.group_missed``)."""

from __future__ import annotations

from runstrength.rules.base import Rule, Term


class GroupAttendance(Rule):
    id = "group-attendance"
    name = "join the group sessions you may join"
    said = "{n} group session(s) missed ({weeks})"
    hard = False

    def apply(self, m):
        weight = m.season.knowledge.rules.weights.group_missed
        for c in m.candidates:
            if not c.group:
                continue
            missed = m.cp.new_bool_var("")
            m.cp.add(m.x[c.index] + missed >= 1)
            m.terms.append(Term(self.id, c.week.index, weight, missed,
                                lambda c=c: f"{c.group} on {c.day:%a %d %b} not joined"))
