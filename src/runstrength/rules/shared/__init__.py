"""Rules over several athletes' models at once (``joint``): room in a shared gym, seats in a
group session; and the one per-athlete rule about groups (attending the ones they may join)."""

from runstrength.rules.shared.base import Joint, SharedRule
from runstrength.rules.shared.group_attendance import GroupAttendance
from runstrength.rules.shared.group_size import GroupSize
from runstrength.rules.shared.gym_capacity import GymCapacity

JOINT: tuple[SharedRule, ...] = (GymCapacity(), GroupSize())

__all__ = ["JOINT", "GroupAttendance", "GroupSize", "GymCapacity", "Joint", "SharedRule"]
