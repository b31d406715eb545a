"""return-after-race: after any race nothing loaded for a few days, no jumps for a while
(longer after longer races), and the weeks back hold only a share of the pre-taper leg sets."""

from runstrength.domain import Category, LegLoad, Priority
from runstrength.periodization import LEG_CAP_CATEGORIES
from runstrength.prescription import no_jump_days
from runstrength.rules.base import Rule

_LOADED = {LegLoad.HEAVY, LegLoad.MODERATE}



def _quiet(season) -> set:
    """The season's days without jumps after a race (once per season)."""
    if "no jumps" not in season.cache:
        season.cache["no jumps"] = no_jump_days(season.races, season.knowledge)
    return season.cache["no jumps"]

class ReturnAfterRace(Rule):
    id = "return-after-race"
    name = "after a race: unloaded days, no jumps, then reduced weeks"
    hard = True

    def blocks(self, season, day, kind):
        rules = season.knowledge.rules
        back = season.knowledge.periodization.return_after_race
        for race in season.races:
            after = (day - race.date).days  # 0: race day, after the race
            if after < 0:
                continue
            unloaded = max(rules.race_recovery_unloaded_days,
                           back.unloaded_days.get(race.distance, 0) if back else 0,
                           rules.a_race_recovery_unloaded_days
                           if race.priority is Priority.A else 0)
            if after <= unloaded and kind.leg_load in _LOADED:
                return (f"race day of {race.label}: no loaded legs" if after == 0 else
                        f"{after} days after {race.label}: no loaded legs yet")
            if back and after <= max(1, back.no_heavy_days.get(race.distance, 0)) and \
                    kind.leg_load is LegLoad.HEAVY:
                return f"{after} days after {race.label}: no heavy legs yet"
        week = season.week_of[day]
        if (Category.PLYOMETRIC in kind.sets.get(week.phase, {})
                and day in _quiet(season)):
            race = max((r for r in season.races if r.date < day), key=lambda r: r.date)
            return f"{(day - race.date).days} days after {race.label}: no jumps yet"
        return None

    def apply(self, m):
        for week in m.season.weeks:
            if week.leg_cap is None:
                continue
            legs = [(c, sum(m.season.volume(c.kind, week).get(cat, 0)
                            for cat in LEG_CAP_CATEGORIES)) for c in m.in_week(week)]
            legs = [(c, n) for c, n in legs if n]
            if sum(n for _, n in legs) > week.leg_cap:
                m.cp.add(sum(m.x[c.index] * n for c, n in legs) <= week.leg_cap)

