"""The dose of one main-block exercise: reps, effort, the week's progression cue, rest, time.

- the phase sets the defaults and the block's emphasis overrides them (models/prescription.toml
  ``[phases]``, ``[emphasis.NAME]``); loaded compound lifts take ``compound_reps``;
- core and hip work keeps slow braced reps and a brace cue in base, build and peak whatever the
  emphasis (``[stability]``): a plank is never "crisp and fast";
- a moderate, light or no-leg session caps its leg work at its own effort (``[leg_loads]``);
- the week's place in its block sets the progression cue (``[progression]``): week 1 sets the
  working load, later weeks step up every week or two by level (seed 002);
- the rest between sets follows the exercise's role (``[rest]``; seed 001: 60-90 s for most
  lifts, longer between heavy compounds, shorter for core).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from runstrength.domain import Athlete, Category, Exercise, LegLoad, Phase, Week
from runstrength.knowledge import (
    LOADING_PHASES,
    EmphasisPrescription,
    Knowledge,
    LegLoadPrescription,
    PhasePrescription,
    SessionKind,
)

#: Phases whose core and hip work keeps the stability dose and cue (the others have calm
#: cues of their own: taper, race week, recovery).
STABILITY_PHASES = (*LOADING_PHASES, Phase.PEAK)


def progress_kind(ex: Exercise, k: Knowledge) -> str:
    """How ``ex`` progresses: load, band, hold, reps (bodyweight) or jump."""
    prog = k.prescription.progression
    if ex.category is Category.PLYOMETRIC:
        return "jump"
    if any(e in prog.load_equipment for e in ex.equipment):
        return "load"
    if any(e in prog.band_equipment for e in ex.equipment):
        return "band"
    if is_hold(ex):
        return "hold"
    return "reps"


def is_hold(ex: Exercise) -> bool:
    """A held position or a carry: its dose is a time or a distance."""
    return bool(ex.dose) and ("hold" in ex.dose or ex.dose.rstrip().endswith((" s", " m walk")))


def is_static(ex: Exercise) -> bool:
    """An exercise whose cue must be about holding or bracing, never about speed: holds,
    carries and the anti-movement core and hip stability work."""
    return is_hold(ex) or ex.category in (Category.CORE, Category.HIP) or any(
        p.startswith("anti-") for p in ex.patterns)


def _pct(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class History:
    """What the athlete did before a lift's session, as far as its cue needs to know.

    The defaults (what ``prescribe`` assumes on its own) are an unbroken block: the lift was
    done every earlier week of its block, and last block too; no jumps before.
    """

    since: int = 1            # block week the lift's unbroken run of weeks began (its tier)
    last_week: bool = True    # done the week before, in the same block (any session)
    last_block: bool = True   # done in the previous block
    jumped: bool = False      # any jump in an earlier week since the season start or recovery
    earlier: int | None = None  # block week of an earlier session of this block with the lift
    back: bool = False        # done in an earlier week of this block, but not the week before


def progression_cue(how: str, week: Week, athlete: Athlete, k: Knowledge, *, since: int = 1,
                    jumped: bool = False, back: bool = False) -> str:
    """The week's step within its block, e.g. "week 3 of block 2: add 2-5 % ... (+4-10 %)".

    The lift's first week (``since``: week 1 of the block unless it was missing in between)
    sets the working level; after it the cue steps up every ``progression.every_weeks[level]``
    weeks and holds in between (seed 002: every week or two). A jump's first week says "learn
    the landing" only when the athlete has not ``jumped`` before (``cues.again`` otherwise).
    """
    prog = k.prescription.progression
    cues = prog.cues[how]
    n = max(1, week.block_week)
    since = min(max(1, since), n)
    rel = n - since + 1
    every = prog.every_weeks[athlete.level]
    steps = (rel - 1) // every
    low, high = prog.step_percent
    if rel == 1 and back and cues.back:
        template = cues.back  # a week without it in the block: pick up where it was
    elif rel == 1:
        template = cues.again if jumped and cues.again else cues.first
    elif (rel - 1) % every == 0:
        template = cues.step
    else:
        template = cues.hold
    total = (f"about +{_pct(low * steps)}-{_pct(high * steps)} % on week {since}" if steps
             else f"same as week {since}")
    return template.format(block=week.block, week=n, step=f"{_pct(low)}-{_pct(high)} %",
                           total=total)


@dataclass(frozen=True)
class Dose:
    """The week's dose: the phase's table overlaid with the emphasis's."""

    phase: PhasePrescription
    emphasis: EmphasisPrescription | None
    stability: bool  # core and hip keep the stability dose this week

    @property
    def sets_per_exercise(self) -> int:
        e = self.emphasis
        return e.sets_per_exercise if e and e.sets_per_exercise else self.phase.sets_per_exercise

    def reps_and_effort(self, ex: Exercise, how: str, k: Knowledge) -> tuple[str, str]:
        e, p, pr = self.emphasis, self.phase, k.prescription
        if how == "jump":
            return pr.plyometric.reps, pr.plyometric.load
        if self.stability and (how == "hold" or ex.category in pr.stability.categories):
            return pr.stability.reps, pr.stability.load
        reps = (e.reps if e else None) or p.reps
        if how == "load" and ex.compound:
            reps = (e.compound_reps if e else None) or p.compound_reps or reps
        effort = (e.load if e else None) or p.load
        if how in ("load", "band") and ex.effort and self.stability:
            return reps, ex.effort  # a ballistic lift's own cue (swing)
        if how == "load" or e is None:
            return reps, effort
        if how == "band":  # a band has no weight to be heavy for: the bodyweight effort cue
            return reps, e.bodyweight_load or effort
        return e.bodyweight_reps or reps, e.bodyweight_load or effort


def dose_of(week: Week, k: Knowledge) -> Dose:
    return Dose(k.prescription.phases[week.phase], k.prescription.emphasis.get(week.emphasis),
                stability=week.phase in STABILITY_PHASES)


def leg_rule(kind: SessionKind, phase: Phase, category: Category,
             k: Knowledge) -> LegLoadPrescription | None:
    """The ``[leg_loads]`` table capping ``category`` in a session of ``kind`` in ``phase``."""
    rule = k.prescription.leg_loads.get(kind.leg_load)
    if rule is None or phase not in rule.phases or category not in rule.categories:
        return None
    return rule


def effort_of(ex: Exercise, how: str, kind: SessionKind, week: Week, dose: Dose,
              k: Knowledge) -> tuple[str, str, bool]:
    """Reps, effort cue and whether the week-by-week progression cue follows."""
    reps, effort = dose.reps_and_effort(ex, how, k)
    rule = leg_rule(kind, week.phase, ex.category, k)
    if rule is None or how == "jump":
        return reps, effort, True
    reps = rule.reps if rule.reps and not ex.dose else reps
    return reps, rule.load if how in ("load", "band") else rule.bodyweight_load, rule.progress


def load_parts(ex: Exercise, how: str, effort: str, progress: bool, dose: Dose, week: Week,
               athlete: Athlete, k: Knowledge, history: History) -> tuple[str, str]:
    """The effort cue and the week's progression cue of one line (either may be empty)."""
    pr = k.prescription
    e = dose.emphasis
    if ex.category is Category.MOBILITY:
        return pr.mobility_load, ""
    if week.deload:
        if how != "load":
            return pr.deload_bodyweight, ""
        if history.last_week or not pr.deload_first:
            return pr.deload_load, ""
        return pr.deload_first.format(block=week.block, week=week.block_week), ""
    if e is not None and e.progress and progress:
        return effort, progression_cue(how, week, athlete, k, since=history.since,
                                       jumped=history.jumped, back=history.back)
    if e is not None and e.new_load and effort == e.load and not history.last_block:
        if history.earlier is not None and e.new_load_later:
            return e.new_load_later.format(block=week.block, week=week.block_week,
                                           since=history.earlier), ""
        return e.new_load.format(block=week.block, week=week.block_week), ""
    return effort, ""


def join_load(effort: str, progression: str) -> str:
    return f"{effort}; {progression}" if effort and progression else effort or progression


def item_load(ex: Exercise, kind: SessionKind, week: Week, athlete: Athlete, k: Knowledge,
              history: History = History()) -> str:
    """The load cue of ``ex`` in a session of ``kind`` in ``week``, given the ``history``."""
    return join_load(*item_load_parts(ex, kind, week, athlete, k, history))


def item_load_parts(ex: Exercise, kind: SessionKind, week: Week, athlete: Athlete,
                    k: Knowledge, history: History = History()) -> tuple[str, str]:
    how = progress_kind(ex, k)
    dose = dose_of(week, k)
    _, effort, progress = effort_of(ex, how, kind, week, dose, k)
    return load_parts(ex, how, effort, progress, dose, week, athlete, k, history)


def rest_role(ex: Exercise, kind: SessionKind) -> str:
    """Which ``[rest]`` entry a line takes."""
    if ex.category in (Category.MOBILITY, Category.PREP):
        return "mobility"
    if ex.category is Category.PLYOMETRIC:
        return "plyometric"
    if is_static(ex):
        return "stability"
    if ex.compound and kind.leg_load is LegLoad.HEAVY:
        return "compound"
    return "default"


def rest_of(ex: Exercise, kind: SessionKind, k: Knowledge) -> tuple[str, int]:
    """The rest between sets as text and seconds ("", 0 when the models name none)."""
    spec = k.prescription.rest.get(rest_role(ex, kind)) or k.prescription.rest.get("default")
    return (spec.text, spec.seconds) if spec else ("", 0)


_NUMBER = re.compile(r"(\d+)(?:\s*-\s*(\d+))?")


def top_number(text: str) -> int:
    """The top of the first number or range in ``text`` ("8-10 slow reps" -> 10), else 0."""
    m = _NUMBER.search(text)
    if not m:
        return 0
    return int(m[2] or m[1])


def work_seconds(ex: Exercise, reps: str, k: Knowledge) -> float:
    """Seconds one set of ``ex`` takes at ``reps`` (both sides)."""
    t = k.prescription.timing
    if t is None:
        return 0.0
    text = reps.strip()
    n = top_number(text)
    sides = 2 if ex.per_side else 1
    if re.search(r"\bmin\b", text):
        return n * 60.0
    if re.search(r"\d\s*s\b", text) or text.endswith(" s hold"):
        return float(n * sides)
    if re.search(r"\d\s*m\b", text):  # a carry: about one metre a second
        return float(n)
    per = t.contact_seconds if ex.category is Category.PLYOMETRIC else t.rep_seconds
    return n * per * sides


def line_seconds(ex: Exercise, sets: int, reps: str, rest_seconds: int, k: Knowledge) -> int:
    """Sets of work, the rests between them and the set-up of one line, in whole seconds."""
    t = k.prescription.timing
    if t is None:
        return 0
    return round(sets * work_seconds(ex, reps, k) + max(0, sets - 1) * rest_seconds
                 + t.setup_seconds)
