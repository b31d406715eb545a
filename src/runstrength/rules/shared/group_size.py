"""group-size: a group session holds at most its ``max_size`` athletes."""

from __future__ import annotations

from runstrength.rules.shared.base import Joint, SharedRule


class GroupSize(SharedRule):
    id = "group-size"
    name = "a group session holds at most its size"

    def apply_joint(self, j: Joint) -> None:
        for group in j.shared.groups:
            seats: dict = {}
            for m in j.models:
                for c in m.candidates:
                    if c.group == group.name:
                        seats.setdefault(c.day, []).append(m.x[c.index])
            for day in sorted(seats):
                if len(seats[day]) > group.max_size:
                    j.cp.add(sum(seats[day]) <= group.max_size)
