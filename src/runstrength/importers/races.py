"""Races found in the running calendar, for a profile that does not list them.

A run the classifier calls a race (a "RACE:" title, TrainingPeaks' race workout type, "Race:
Spaarnwoude 10k") becomes a ``Race``: its distance from the title (models/classify.toml
``race_distance``) or else from its planned length (``race_minutes``); its priority from the
title when it says "(A)", "(B)" or "(C)", else A for the last and longest race when the
profile names no A race, B for the others. A race on a day the profile already has a race for
is the profile's.
"""

from __future__ import annotations

import re

from runstrength.domain import Distance, Priority, Race, RunKind, RunWorkout
from runstrength.knowledge import Knowledge

_PRIORITY = re.compile(r"\(([ABC])\)|\bpriority\s*:?\s*([ABC])\b|\b([ABC])[ -]race\b", re.I)
_ORDER = list(Distance)
_PREFIX = re.compile(r"^(run\s*:\s*)?race\s*:\s*", re.I)  # "RACE: Spring Half" -> "Spring Half"


def _distance(run: RunWorkout, k: Knowledge) -> Distance:
    for distance, pattern in k.classify.race_distance.items():
        if re.search(pattern, run.title, re.I):
            return distance
    minutes = (run.end - run.start).total_seconds() / 60
    reached = [d for d, m in k.classify.race_minutes.items() if minutes >= m]
    return max(reached, key=_ORDER.index, default=Distance.K10)


def calendar_races(runs: list[RunWorkout], profile: list[Race],
                   k: Knowledge) -> list[Race]:
    """The races of ``runs`` that ``profile`` does not list (by date), in date order."""
    listed = {r.date for r in profile}
    found: dict = {}
    for run in sorted(runs, key=lambda r: r.start):
        if run.kind is RunKind.RACE and run.day not in listed and run.day not in found:
            found[run.day] = run
    if not found:
        return []
    races = []
    for day, run in found.items():
        m = _PRIORITY.search(run.title)
        given = next((g for g in m.groups() if g), None) if m else None
        races.append(Race(date=day, distance=_distance(run, k),
                          priority=Priority(given.upper()) if given else Priority.B,
                          name=_PREFIX.sub("", " ".join(run.title.split())) or run.title))
    has_a = any(r.priority is Priority.A for r in [*profile, *races])
    if not has_a:
        # the last of the longest races is the season's goal
        unstated = [r for r in races if not _PRIORITY.search(r.name)]
        if unstated:
            goal = max(unstated, key=lambda r: (_ORDER.index(r.distance), r.date))
            races = [r.model_copy(update={"priority": Priority.A}) if r is goal else r
                     for r in races]
    return races


def races_note(races: list[Race], source: str) -> str:
    """One warning line listing the races taken from the calendar and how to override them."""
    listed = "; ".join(f"{r.date} {r.distance.value} ({r.priority.value}) {r.name!r}"
                       for r in races)
    return (f"{source}: races taken from the calendar: {listed}; list them under [[races]] in "
            "the profile to set their distance or priority")
