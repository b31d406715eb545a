"""heavy-spacing: heavy-leg sessions at least 48 h apart (so never on consecutive days), the
athlete's own heavy-leg sessions included."""

import datetime as dt

from runstrength.domain import LegLoad
from runstrength.rules.base import Rule


def _own_heavy(season):
    """The athlete's own heavy-leg sessions in order (once per season: asked per day and kind)."""
    if "own_heavy" not in season.cache:
        season.cache["own_heavy"] = [o for day in sorted(season.own_on)
                                     for o in season.own_on[day] if o.leg_load is LegLoad.HEAVY]
    return season.cache["own_heavy"]


class HeavySpacing(Rule):
    id = "heavy-spacing"
    name = "heavy-leg sessions at least 48 h apart"
    hard = True

    def blocks(self, season, day, kind):
        if kind.leg_load is not LegLoad.HEAVY:
            return None
        gap = dt.timedelta(hours=season.knowledge.rules.heavy_spacing_hours)
        midnight = season.at(day, dt.time())
        for own in _own_heavy(season):
            # every start that day is too close: the whole day is out
            if own.day != day and (midnight + dt.timedelta(days=1) - own.start <= gap
                                   if own.day < day else own.start - midnight < gap):
                return (f"under {gap.total_seconds() / 3600:.0f} h from your own heavy session "
                        f"{own.title or 'strength'} ({own.start:%a %H:%M})")
        return None

    def not_before(self, season, day, kind):
        if kind.leg_load is not LegLoad.HEAVY:
            return None
        gap = dt.timedelta(hours=season.knowledge.rules.heavy_spacing_hours)
        earlier = [o.start + gap for o in _own_heavy(season) if o.day < day]
        return max(earlier) if earlier else None

    def apply(self, m):
        gap = dt.timedelta(hours=m.season.knowledge.rules.heavy_spacing_hours)
        reach = gap.days + 1
        own = _own_heavy(m.season)
        heavy_on: dict[dt.date, list] = {}
        for c in m.candidates:
            if c.heavy:
                heavy_on.setdefault(c.day, []).append(c)
        later = [dt.timedelta(days=d) for d in range(1, reach + 1)]
        for a in m.candidates:
            if not a.heavy:
                continue
            if any(o.start > a.start and o.start - a.start < gap for o in own):
                m.cp.add(m.x[a.index] == 0)  # too close before the athlete's own heavy day
                continue
            # Later heavy candidates that start too soon after a; with one session a day,
            # a plus all of them may hold at most one.
            close = [b for d in later for b in heavy_on.get(a.day + d, ())
                     if b.start - a.start < gap]
            if close:
                m.cp.add(m.x[a.index] + m.count(close) <= 1)
