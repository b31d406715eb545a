"""race-week: light or mobility only, early in race week; nothing loaded just before an A race,
no heavy legs just before any race. After a race: return-after-race."""

from runstrength.domain import LegLoad, Phase, Priority
from runstrength.rules.base import Rule

_LOADED = {LegLoad.HEAVY, LegLoad.MODERATE}
_UNLOADED = {LegLoad.LIGHT, LegLoad.NONE}


class RaceWeek(Rule):
    id = "race-week"
    name = "race week: light and early; no loaded legs just before an A race"
    hard = True

    def blocks(self, season, day, kind):
        rules = season.knowledge.rules
        week = season.week_of[day]
        if week.phase is Phase.RACE_WEEK and kind.leg_load not in _UNLOADED:
            return "race week: light or mobility sessions only"
        for race in season.races:
            days_before = (race.date - day).days
            if 0 <= days_before <= rules.race_week_quiet_days and race.priority is not Priority.C:
                return f"within {rules.race_week_quiet_days} days of {race.label}: rest"
            if (0 <= days_before <= rules.race_week_quiet_days
                    and kind.leg_load is LegLoad.HEAVY):
                return f"within {rules.race_week_quiet_days} days of {race.label}: no heavy legs"
            if (race.priority is Priority.A and 0 <= days_before <= rules.a_race_unloaded_days
                    and kind.leg_load in _LOADED):
                return f"{days_before} days before A race {race.label}: no loaded legs"
        return None
