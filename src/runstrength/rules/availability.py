"""availability: sessions lie inside availability windows, clear of runs and busy events."""

from __future__ import annotations

import datetime as dt

from runstrength.rules.base import Rule, Season

Interval = tuple[dt.datetime, dt.datetime]


def subtract(free: list[Interval], taken: list[Interval]) -> list[Interval]:
    """``free`` minus every interval of ``taken`` (all half-open)."""
    for t0, t1 in taken:
        out: list[Interval] = []
        for f0, f1 in free:
            if t1 <= f0 or t0 >= f1:
                out.append((f0, f1))
                continue
            if f0 < t0:
                out.append((f0, t0))
            if t1 < f1:
                out.append((t1, f1))
        free = out
    return free


class Availability(Rule):
    id = "availability"
    name = "inside availability, clear of runs and busy time"
    hard = True

    def windows(self, season: Season, day: dt.date) -> list[Interval]:
        """The athlete's availability on ``day`` as aware datetimes (once per season and day)."""
        cache = season.cache.setdefault("windows", {})
        if day not in cache:
            cache[day] = [(season.at(day, w.start), season.at(day, w.end))
                          for w in season.athlete.windows_on(day)]
        return cache[day]

    def taken(self, season: Season, day: dt.date) -> list[Interval]:
        """Runs (with the buffer) and busy events touching ``day``."""
        pad = dt.timedelta(minutes=season.knowledge.rules.run_buffer_minutes)
        runs = [(r.start - pad, r.end + pad) for r in season.runs_on.get(day, [])]
        # A run late the evening before can spill over midnight, with its buffer.
        runs += [(r.start - pad, r.end + pad) for r in
                 season.runs_on.get(day - dt.timedelta(days=1), [])]
        return runs + [(b.start, b.end) for b in season.busy_on.get(day, [])]

    def free(self, season: Season, day: dt.date) -> list[Interval]:
        """The free time of ``day``, compared by real instants (over a clock change, wall
        times of one zone compare wrong), in the athlete's zone."""
        zone = season.athlete.zone

        def utc(spans: list[Interval]) -> list[Interval]:
            return [(a.astimezone(dt.UTC), b.astimezone(dt.UTC)) for a, b in spans]

        free = subtract(utc(self.windows(season, day)), utc(self.taken(season, day)))
        return [(a.astimezone(zone), b.astimezone(zone)) for a, b in free]

    def blocks(self, season, day, kind):
        if not season.athlete.windows_on(day):
            return "no availability that day"
        return None
