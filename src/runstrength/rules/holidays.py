"""holidays: no session on a public holiday or a day the profile names, unless the week has no
other room (a heavy session at 06:45 on Christmas Day is legal but not what anyone wants)."""

from runstrength.rules.base import Rule, Term


class Holidays(Rule):
    id = "holidays"
    name = "no session on holidays"
    said = "{n} session(s) on a holiday ({weeks})"
    hard = False

    def apply(self, m):
        weight = m.season.knowledge.rules.weights.holidays
        if not weight or not m.season.holidays:
            return
        for c in m.candidates:
            name = m.season.holidays.get(c.day)
            if name:
                m.terms.append(Term(self.id, c.week.index, weight, m.x[c.index],
                                    f"{c.day:%a %d %b}: {name}"))
