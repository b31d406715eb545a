"""What each session prescribes: exercises by movement pattern, their dose, the session's
structure and length, and how the loads progress over the season.

- ``selection``: pools by equipment, rotation by block, the patterns a kind requires;
- ``dose``: reps, effort, the week's progression cue, rest and time of one line;
- ``structure``: warm-up, main block and cool-down, fitted to the session's time;
- ``season``: the week's one jump session and its contacts, cues that follow what was done.
"""

from runstrength.prescription.dose import (
    History,
    item_load,
    leg_rule,
    progress_kind,
    progression_cue,
)
from runstrength.prescription.season import jump_budgets, no_jump_days, progress_season
from runstrength.prescription.selection import (
    block_selection,
    category_jumps,
    exercise_pool,
    jump_variants,
    pool_with_origins,
)
from runstrength.prescription.structure import (
    Content,
    apply_content,
    budget_minutes,
    jump_capable,
    max_jumps,
    prescribe,
    retest_applies,
    retest_items,
    session_content,
    session_volume,
)

__all__ = [
    "Content", "History", "apply_content", "block_selection", "budget_minutes",
    "category_jumps", "exercise_pool", "item_load", "jump_budgets", "jump_capable",
    "jump_variants", "leg_rule", "max_jumps", "no_jump_days", "pool_with_origins",
    "prescribe", "progress_kind", "progress_season", "progression_cue", "retest_applies",
    "retest_items", "session_content", "session_volume",
]
