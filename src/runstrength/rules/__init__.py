"""The coaching rules, one module each; ``ALL`` is the order the model applies them in."""

from runstrength.rules.availability import Availability
from runstrength.rules.base import Candidate, Model, Rule, Season, Term
from runstrength.rules.blackouts import Blackouts
from runstrength.rules.core_days import CoreDays
from runstrength.rules.core_weekly import CoreWeekly
from runstrength.rules.day_after_long import DayAfterLong
from runstrength.rules.easy_days import EasyDays
from runstrength.rules.fresh_before_key import FreshBeforeKey
from runstrength.rules.heavy_near_tempo import HeavyNearTempo
from runstrength.rules.heavy_spacing import HeavySpacing
from runstrength.rules.holidays import Holidays
from runstrength.rules.no_heavy_legs_before_key import NoHeavyLegsBeforeKey
from runstrength.rules.no_stacking import NoStacking
from runstrength.rules.one_per_day import OnePerDay
from runstrength.rules.past_kept import PastKept
from runstrength.rules.phase_max import PhaseMax
from runstrength.rules.phase_min import PhaseMin
from runstrength.rules.posterior_every import PosteriorEvery
from runstrength.rules.preferences import Preferences
from runstrength.rules.race_week import RaceWeek
from runstrength.rules.return_after_race import ReturnAfterRace
from runstrength.rules.shared.group_attendance import GroupAttendance
from runstrength.rules.spread import Spread
from runstrength.rules.stability import Stability
from runstrength.rules.volume_balance import VolumeBalance

AVAILABILITY = Availability()
HARD: tuple[Rule, ...] = (
    AVAILABILITY,
    Blackouts(),
    NoHeavyLegsBeforeKey(),
    NoStacking(),
    OnePerDay(),
    HeavySpacing(),
    PhaseMax(),
    RaceWeek(),
    ReturnAfterRace(),
    PastKept(),
)
SOFT: tuple[Rule, ...] = (
    PhaseMin(),
    Holidays(),
    VolumeBalance(),
    PosteriorEvery(),
    CoreWeekly(),
    CoreDays(),
    EasyDays(),
    HeavyNearTempo(),
    DayAfterLong(),
    FreshBeforeKey(),
    Spread(),
    Preferences(),
    Stability(),
    GroupAttendance(),
)
ALL = HARD + SOFT
#: The hard rules that close whole days (``blocks``) or set an earliest start (``not_before``):
#: the candidate search asks only these, in HARD's order.
BLOCKING: tuple[Rule, ...] = tuple(r for r in HARD if type(r).blocks is not Rule.blocks)
FLOORS: tuple[Rule, ...] = tuple(r for r in HARD if type(r).not_before is not Rule.not_before)
BY_ID = {r.id: r for r in ALL}

__all__ = ["ALL", "AVAILABILITY", "BLOCKING", "BY_ID", "FLOORS", "HARD", "SOFT", "Candidate",
           "Model", "Rule", "Season", "Term"]
