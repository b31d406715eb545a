"""gym-capacity: at no moment more sessions in a shared gym than it has room for."""

from __future__ import annotations

from runstrength.rules.shared.base import Joint, SharedRule


def overlapping(spans: list[tuple[float, float, object]]) -> list[tuple[float, list]]:
    """For each distinct start of ``spans`` (start, end, item): the items under way then."""
    out = []
    for t in sorted({s for s, _, _ in spans}):
        out.append((t, [item for s, e, item in spans if s <= t < e]))
    return out


class GymCapacity(SharedRule):
    id = "gym-capacity"
    name = "no more athletes in the gym at once than it has room for"

    def apply_joint(self, j: Joint) -> None:
        for gym in j.shared.gyms:
            spans = [(c.start.timestamp(), c.end.timestamp(), m.x[c.index])
                     for m in j.models for c in m.candidates if c.place == gym.name]
            by_day: dict = {}
            for span in spans:  # sessions of different days never overlap: look day by day
                by_day.setdefault(int(span[0] // 86400), []).append(span)
            for day in sorted(by_day):
                near = by_day[day] + by_day.get(day - 1, [])  # one that runs over midnight
                for _, xs in overlapping(near):
                    if len(xs) > gym.max_athletes:
                        j.cp.add(sum(xs) <= gym.max_athletes)
