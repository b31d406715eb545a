"""runstrength: strength sessions for runners, placed around the running they already do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "Athlete",
    "InputError",
    "Plan",
    "PlannedSession",
    "Shortfall",
    "__version__",
    "compare",
    "plan",
    "plan_roster",
]

# The writers register with the domain layer (Plan.to_ics() and friends) as the package loads;
# their heavy modules (icalendar, pandas) load on first use.
import runstrength.exporters  # noqa: F401

if TYPE_CHECKING:
    from runstrength.api import plan
    from runstrength.domain import Athlete, Plan, PlannedSession, Shortfall
    from runstrength.errors import InputError
    from runstrength.roster import plan_roster
    from runstrength.whatif import compare


def __getattr__(name: str) -> Any:
    # Imported on first use so that `runstrength --version` does not load the solver.
    if name == "plan":
        from runstrength.api import plan

        return plan
    if name == "compare":
        from runstrength.whatif import compare

        return compare
    if name == "plan_roster":
        from runstrength.roster import plan_roster

        return plan_roster
    if name == "InputError":
        from runstrength.errors import InputError

        return InputError
    if name in {"Athlete", "Plan", "PlannedSession", "Shortfall"}:
        from runstrength import domain

        return getattr(domain, name)
    raise AttributeError(name)
