"""blackouts: no session on blackout dates (travel, illness)."""

from runstrength.rules.base import Rule


class Blackouts(Rule):
    id = "blackouts"
    name = "no session in blackout dates"
    hard = True

    def blocks(self, season, day, kind):
        for b in season.athlete.blackouts:
            if b.covers(day):
                return f"blackout{': ' + b.reason if b.reason else ''}"
        return None
