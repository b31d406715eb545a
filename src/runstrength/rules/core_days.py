"""core-days: core work on at least N days a week in base and build (seed 004: 3-4 times).

A day counts when a session there holds core work, or the athlete's own session says it does;
the short core-and-mobility blocks let the model add such days on easy-run or free days."""

from runstrength.domain import Category
from runstrength.rules.base import Rule, Term


class CoreDays(Rule):
    id = "core-days"
    name = "core work on enough days a week"
    said = "{n} week(s) with core on fewer days than planned ({weeks})"
    hard = False

    def apply(self, m):
        season = m.season
        rules = season.knowledge.rules
        if not rules.core_days or not rules.weights.core_days:
            return
        for week in season.weeks:
            if week.phase not in rules.core_days_phases:
                continue
            days = []
            for day in week.days():
                if any(o.core for o in season.own_on.get(day, [])):
                    days.append(1)
                    continue
                core = [c for c in m.on_day(day)
                        if season.volume(c.kind, week).get(Category.CORE, 0)]
                if core:
                    days.append(m.count(core))  # one session a day: 0 or 1
            need = min(rules.core_days, len(week.days()))
            short = m.cp.new_int_var(0, need, f"core_days_w{week.index}")
            if days:
                m.cp.add(short >= need - sum(days, 0))
            else:
                m.cp.add(short == need)
            m.terms.append(Term(self.id, week.index, rules.weights.core_days, short,
                                "a day short of the weekly core days"))
