"""heavy-near-tempo: avoid heavy legs on the day of a tempo/threshold run or the evening before.

Tempo is quality, not key, by default (a coach makes it key in the profile to forbid this)."""

import datetime as dt

from runstrength.rules.base import Rule, Term


class HeavyNearTempo(Rule):
    id = "heavy-near-tempo"
    name = "no heavy legs on or the day before a tempo run"
    said = ("{n} heavy session(s) on or the day before a tempo run, where no other day was "
            "free ({weeks})")
    hard = False

    def apply(self, m):
        season = m.season
        rules = season.knowledge.rules
        kinds = set(rules.tempo_runs) - season.key_kinds
        weight = rules.weights.heavy_near_tempo
        if not kinds or not weight:
            return
        for c in m.candidates:
            if not c.heavy:
                continue
            for when, day in (("that day", c.day), ("the next day", c.day + dt.timedelta(days=1))):
                runs = [r for r in season.runs_on.get(day, []) if r.kind in kinds]
                if runs:
                    m.terms.append(Term(self.id, c.week.index, weight, m.x[c.index],
                                        lambda c=c, run=runs[0], when=when:
                                        f"{c.day:%a %d %b}: heavy legs with a "
                                        f"{run.kind.value} run {when}"))
                    break
