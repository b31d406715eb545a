"""Coaching knowledge: load and validate ``models/*.toml``.

The numbers a coach may want to change (sessions per week, taper lengths, sets, rule
parameters, penalty weights) live in TOML files next to the package, each with the seed it
comes from. This module turns them into validated objects and reports a bad value by file
and field.
"""

from __future__ import annotations

import os
import re
import string
import tomllib
from functools import cache
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from runstrength.domain import (
    Category,
    Distance,
    Exercise,
    LegLoad,
    Level,
    Phase,
    Priority,
    RunKind,
)
from runstrength.errors import InputError
from runstrength.text import toml_message

MODEL_FILES = ("exercises", "sessions", "periodization", "rules", "prescription", "classify")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SessionKind(_Strict):
    """A session template (models/sessions.toml)."""

    id: str
    name: str
    leg_load: LegLoad
    minutes: int = Field(ge=5, le=180)
    emphasis: Category | None = Field(
        None, description="Category it is built around; none = balanced."
    )
    core_block: bool = Field(False, description="Contains a full core-stability block.")
    counts_as_strength: bool = Field(
        True, description="A strength session: counts towards the weekly minimum and maximum. "
        "False for the short core and mobility blocks beside them (add-ons).")
    max_per_week: int = Field(7, ge=0)
    requires: list[str] = Field(
        default_factory=list, description="Patterns the main block must hold, one exercise "
        "each: \"a+b\" = one exercise with both, \"a|b\" = either (exercises.toml [patterns]).")
    no_repeat: list[str] = Field(
        default_factory=list, description="Patterns at most one main-block exercise may hold.")
    structure: str = Field("full", description="Warm-up and cool-down template "
                           "(prescription.toml [structure.NAME]).")
    equipment: list[str] | None = Field(None, description="Only this equipment in sessions "
                                        "of this kind (besides the phase's own cap).")
    sets: dict[Phase, dict[Category, int]] = Field(
        description="Working sets per category, by phase; a missing phase = not used then."
    )
    seed: str = ""

    @property
    def phases(self) -> set[Phase]:
        return set(self.sets)


class Limits(_Strict):
    min: int = Field(ge=0, le=7)
    max: int = Field(ge=0, le=7)

    @model_validator(mode="after")
    def _ordered(self) -> Limits:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


# Phases that load and progress (periodization.LOADING); the others are their own blocks.
LOADING_PHASES = (Phase.BASE, Phase.BUILD)

_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


class SeasonEmphasis(_Strict):
    """What each block trains (models/periodization.toml [emphasis])."""

    ladder: list[str] = Field(min_length=1, description="Loading emphases in season order.")
    range: dict[Phase, tuple[str, str]] = Field(
        description="Loading phase -> first and last ladder step it may use."
    )
    fixed: dict[Phase, str] = Field(description="Non-loading phase -> its emphasis.")
    restart_after: list[Phase] = Field(
        default_factory=list, description="After these phases the ladder starts again."
    )
    min_block_weeks: int = Field(
        2, ge=1, le=6, description="A shorter loading block repeats its emphasis next block."
    )
    first_block_from_bottom: list[Level] = Field(
        default_factory=list,
        description="Levels whose season's first loading block starts at the ladder's bottom, "
        "whatever its phase's range.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> SeasonEmphasis:
        for name in self.ladder:
            if not _NAME.match(name):
                raise ValueError(f"ladder: {name!r} is not a lower-case-hyphen name")
        if len(set(self.ladder)) != len(self.ladder):
            raise ValueError("ladder names an emphasis twice")
        loading = [p.value for p in LOADING_PHASES]
        if sorted(self.range) != sorted(LOADING_PHASES):
            raise ValueError(f"range must name exactly the loading phases {', '.join(loading)}")
        for phase, (first, last) in self.range.items():
            for name in (first, last):
                if name not in self.ladder:
                    raise ValueError(f"range.{phase.value}: {name!r} is not on the ladder")
            if self.ladder.index(first) > self.ladder.index(last):
                raise ValueError(f"range.{phase.value}: {first!r} comes after {last!r}")
        others = [p for p in Phase if p not in LOADING_PHASES]
        missing = [p.value for p in others if p not in self.fixed]
        if missing:
            raise ValueError(f"fixed lacks {', '.join(missing)}")
        extra = [p.value for p in self.fixed if p in LOADING_PHASES]
        if extra:
            raise ValueError(f"fixed: {', '.join(extra)} is a loading phase (use range)")
        return self

    def names(self) -> set[str]:
        return {*self.ladder, *self.fixed.values()}


class ReturnAfterRace(_Strict):
    """The weeks after a race: reduced leg volume, then building up (periodization.toml)."""

    shares: dict[Priority, dict[Distance, list[float]]] = Field(
        description="Per priority and distance: share of the pre-taper weekly leg sets allowed "
        "in each week after the race week, in order.")
    reference_weeks: int = Field(2, ge=1, le=4, description="Pre-taper weeks the share is of.")
    no_jump_days: dict[Distance, int] = Field(description="Days after a race without jumps.")
    unloaded_days: dict[Distance, int] = Field(
        default_factory=dict, description="Days after a race with no heavy or moderate legs.")
    no_heavy_days: dict[Distance, int] = Field(
        default_factory=dict, description="Days after a race with no heavy-leg session.")
    seed: str = ""

    @field_validator("shares")
    @classmethod
    def _shares(cls, value: dict) -> dict:
        for by_distance in value.values():
            for shares in by_distance.values():
                if any(not 0 < x <= 1 for x in shares):
                    raise ValueError("shares must lie in (0, 1]")
        return value


class LiftFreeze(_Strict):
    """No new heavy lift close to an A race: the block's lifts stay (periodization.toml)."""

    weeks: int = Field(ge=0, le=16, description="Weeks before an A race with no new lifts.")
    equipment: list[str] = Field(description="Equipment a lift new in those weeks may not use "
                                 "when the block before them is not in the season.")
    seed: str = ""


class FirstBlock(_Strict):
    """What the season's first block may hold for some levels (periodization.toml)."""

    levels: list[Level] = Field(default_factory=list)
    leg_loads: list[LegLoad] = Field(description="Leg loads of the kinds used in that block.")


class Periodization(_Strict):
    """How races turn into phases (models/periodization.toml)."""

    first_block: FirstBlock | None = None
    return_after_race: ReturnAfterRace | None = None
    lift_freeze: LiftFreeze | None = None
    taper_weeks: dict[Distance, int] = Field(description="A race: weeks of taper incl. race week.")
    b_race_taper_weeks: int = Field(ge=0, le=4)
    peak_weeks: int = Field(ge=0, le=8)
    build_weeks_out: int = Field(ge=0, le=40, description="Build starts this many weeks out.")
    recovery_weeks: dict[Distance, int]
    deload_every: int = Field(ge=4, le=6, description="Every Nth base/build week is a deload.")
    deload_volume: float = Field(gt=0, le=1, description="Share of volume kept in a deload week.")
    limits: dict[Level, dict[Phase, Limits]]
    targets: dict[Phase, dict[Category, int]] = Field(description="Weekly working sets.")
    level_volume: dict[Level, float] = Field(description="Volume multiplier by level.")
    retest_phases: list[Phase] = Field(description="Blocks of these phases end in a re-test.")
    retest_min_weeks: int = Field(ge=1, le=6, description="Shorter blocks do not re-test.")
    emphasis: SeasonEmphasis

    @model_validator(mode="after")
    def _complete(self) -> Periodization:
        for field, keys in (
            ("taper_weeks", Distance),
            ("recovery_weeks", Distance),
            ("limits", Level),
            ("targets", Phase),
            ("level_volume", Level),
        ):
            missing = [k.value for k in keys if k not in getattr(self, field)]
            if missing:
                raise ValueError(f"{field} lacks {', '.join(missing)}")
        for level, phases in self.limits.items():
            missing = [p.value for p in Phase if p not in phases]
            if missing:
                raise ValueError(f"limits.{level.value} lacks {', '.join(missing)}")
        return self


class Weights(_Strict):
    """Penalty weights of the soft rules (cost per unit)."""

    phase_min: int
    volume_balance: int
    posterior_every: int
    core_weekly: int
    easy_days: int
    easy_days_heavy: int
    day_after_long: int
    fresh_before_key: int
    spread: int
    preferences: int
    stability: int
    heavy_near_tempo: int = Field(0, description="Per heavy-leg session on the day or the eve "
                                  "of a tempo/threshold run.")
    core_days: int = Field(0, description="Per day short of the weekly core days.")
    holidays: int = Field(0, description="Per session on a holiday of the profile.")
    group_missed: int = Field(0, description="Per group session an athlete may join and "
                              "does not (roster [[group]]).")


class JointMethod(_Strict):
    """Up to ``whole_max_athletes`` athletes who share a gym or a group are solved in one model;
    more are coordinated by prices (``runstrength.prices``): at most ``price_rounds`` rounds
    and about ``price_solves`` re-solves of an athlete's model in all (counted, not timed: the
    plans do not depend on the machine), each solve stopped after ``solve_work`` units of
    CP-SAT's deterministic time; the first price step ``price_step`` (penalty units, for a time
    holding twice its room), each next one ``price_decay`` times the last. Then
    ``improve_rounds`` rounds of each athlete re-solving around the others (each such solve,
    and each in the fitting, stopped after ``turn_work``), and ``choose_work``
    units of deterministic time for each stage of choosing one plan per athlete."""

    whole_max_athletes: int = Field(24, ge=2, le=1000)
    price_rounds: int = Field(25, ge=0, le=1000)
    price_solves: int = Field(1200, ge=1, le=1_000_000)
    solve_work: float = Field(2.0, gt=0, le=600)
    price_step: int = Field(1440, ge=1, le=1_000_000)
    price_decay: float = Field(0.85, gt=0, le=1)
    improve_rounds: int = Field(1, ge=0, le=100)
    turn_work: float = Field(0.5, gt=0, le=600)
    choose_work: float = Field(4.0, gt=0, le=600)


class Rules(_Strict):
    """Rule parameters (models/rules.toml)."""

    key_runs: list[RunKind]
    quality_runs: list[RunKind]
    advanced_same_day_gap_hours: float = Field(ge=0, le=24)
    heavy_spacing_hours: float = Field(ge=0, le=96)
    own_session_min_minutes: int = Field(
        20, ge=0, le=180, description="An own strength session this long counts towards the "
        "weekly minimum and maximum; a shorter one only holds its day.")
    race_week_quiet_days: int = Field(ge=0, le=7)
    a_race_unloaded_days: int = Field(ge=0, le=14)
    a_race_recovery_unloaded_days: int = Field(
        0, ge=0, le=14, description="Days after an A race without loaded legs; a models folder "
        "copied before this rule existed leaves it out, which turns the rule off.")
    race_recovery_unloaded_days: int = Field(
        0, ge=0, le=14, description="Days after any race without loaded legs.")
    long_run_day_loads: list[LegLoad] = Field(
        default_factory=lambda: [LegLoad.HEAVY], description="Leg loads kept off a long-run "
        "day below advanced level.")
    before_long_loads: list[LegLoad] = Field(
        default_factory=lambda: [LegLoad.HEAVY], description="Leg loads kept off the day "
        "before a long run.")
    tempo_runs: list[RunKind] = Field(
        default_factory=list, description="Runs whose day and eve heavy legs pay "
        "weights.heavy_near_tempo (unless they are key runs, which makes it hard).")
    core_days: int = Field(0, ge=0, le=7, description="Days a week with core work (base/build).")
    core_days_phases: list[Phase] = Field(default_factory=list)
    calf_per_week: dict[Phase, int] = Field(
        default_factory=dict, description="Sessions a week with calf/ankle work, by phase.")
    posterior_max_gap_days: int = Field(ge=2, le=28)
    posterior_phases: list[Phase]
    run_buffer_minutes: int = Field(ge=0, le=240, description="Gap kept before/after runs.")
    grid_minutes: int = Field(ge=5, le=60)
    preferred_time_hours: float = Field(gt=0, le=24)
    weights: Weights
    solver: dict[str, float | int | bool] = Field(description="CP-SAT SatParameters by name.")
    joint_solver: dict[str, float | int | bool] = Field(
        default_factory=dict, description="SatParameters that differ for a joint model of "
        "several athletes (roster [[gym]] / [[group]]), over ``solver``.")
    price_solver: dict[str, float | int | bool] = Field(
        default_factory=dict, description="SatParameters that differ for an athlete's priced "
        "re-solves in a joint plan by prices (``runstrength.prices``), over ``solver``.")
    joint: JointMethod = Field(default_factory=JointMethod, description="How a "
                               "joint plan too large for one solve is split (``windows``).")

    @model_validator(mode="after")
    def _solver_names(self) -> Rules:
        known = _sat_parameter_names()
        for table, params in (("solver", self.solver), ("joint_solver", self.joint_solver),
                              ("price_solver", self.price_solver)):
            unknown = [name for name in params if name not in known]
            if unknown:
                raise ValueError(f"{table}: unknown CP-SAT parameter {unknown[0]!r}")
        return self


def _sat_parameter_names() -> set[str]:
    """The SatParameters fields a value of ours may set (the solver's own class, which the
    solve loads anyway: not the protobuf module, a second 40 ms import)."""
    from ortools.sat.python import cp_model_helper

    names = set(dir(cp_model_helper.SatParameters))
    return {n for n in names if f"clear_{n}" in names}  # one clear_ method a settable field


class PhasePrescription(_Strict):
    sets_per_exercise: int = Field(ge=1, le=6)
    reps: str
    compound_reps: str | None = Field(None, description="Reps of loaded compound lifts.")
    load: str
    equipment: list[str] | None = Field(None, description="Only this equipment in this phase.")
    exclude: list[str] = Field(
        default_factory=list,
        description="Exercise ids left out in this phase (their regression stands in).")
    seed: str = ""


# Placeholders of the cues that name the week: {block} block number, {week} week of the block.
_WEEK_FIELDS = {"block", "week"}


def _template(text: str | None, allowed: set[str]) -> str | None:
    """``text`` if it is a format template using only ``allowed`` placeholders."""
    if text is None:
        return text
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise ValueError(f"bad template: {exc}") from None
    unknown = sorted(names - allowed)
    if unknown:
        raise ValueError(f"unknown placeholder {{{unknown[0]}}}; use "
                         + ", ".join(f"{{{n}}}" for n in sorted(allowed)))
    return text


class EmphasisPrescription(_Strict):
    """Dose of one training emphasis; an unset field falls back to the phase's."""

    summary: str = Field(min_length=1, description="One line for the calendar event.")
    sets_per_exercise: int | None = Field(None, ge=1, le=6)
    reps: str | None = Field(None, description="Reps of loaded and band exercises.")
    compound_reps: str | None = Field(None, description="Reps of loaded compound lifts "
                                      "(exercises.toml `compound`); unset = `reps`.")
    bodyweight_reps: str | None = Field(None, description="Reps of bodyweight exercises.")
    load: str | None = Field(None, description="Effort cue of loaded and band exercises.")
    bodyweight_load: str | None = Field(None, description="Effort cue of bodyweight exercises.")
    progress: bool = Field(False, description="Weeks of a block step up (progression cues).")
    fast_variants: bool = Field(
        False, description="Swap one leg lift per category for its jumping variant."
    )
    new_load: str | None = Field(
        None, description="Replaces `load` (which refers to last block's loads) for a lift the "
        "previous block did not have, in its first week; {block} and {week} name the week.")
    new_load_later: str | None = Field(
        None, description="`new_load` for the later weeks of the block: {since} is the week the "
        "lift was first done in it.")
    seed: str = ""

    @field_validator("new_load_later")
    @classmethod
    def _later_placeholders(cls, text: str | None) -> str | None:
        return _template(text, {*_WEEK_FIELDS, "since"})

    @field_validator("new_load")
    @classmethod
    def _week_placeholders(cls, text: str | None) -> str | None:
        return _template(text, _WEEK_FIELDS)


# The cue templates and the placeholders each may use.
_CUE_FIELDS = {"block", "week", "step", "total"}


class ProgressionCue(_Strict):
    """Week-by-week cue of one kind of progression (load, band, hold, reps, jump)."""

    first: str = Field(description="A lift's first week in its block (or back after a gap).")
    step: str = Field(description="A week that steps up.")
    hold: str = Field(description="A week between steps (cadence of 2+ weeks).")
    again: str | None = Field(
        None, description="Instead of `first` when the athlete already did moves of this kind "
        "in an earlier week since the season start or the last recovery block.")
    back: str | None = Field(
        None, description="Instead of `first` for a lift done earlier in the block but not the "
        "week before (a week without it): it starts from where it was.")

    @field_validator("first", "step", "hold", "again", "back")
    @classmethod
    def _placeholders(cls, text: str | None) -> str | None:
        return _template(text, _CUE_FIELDS)


PROGRESS_KINDS = ("load", "band", "hold", "reps", "jump")


class LoggedCues(_Strict):
    """The next load cue of a lift the done-log names ([progression.logged])."""

    round_kg: float = Field(1.0, gt=0, le=10, description="Loads are rounded to this (kg; "
                            "twice as many lb).")
    gap_days: int = Field(10, ge=1, le=60, description="A lift last logged longer ago than "
                          "this holds its load (back after a gap) instead of stepping up.")
    hold_phases: list[Phase] = Field(
        default_factory=lambda: [Phase.TAPER, Phase.RACE_WEEK, Phase.RECOVERY],
        description="Phases whose weeks keep the logged load instead of adding to it.")
    step: str = Field("last time {sets} x {reps} at {load}: try {next}",
                      description="A week that steps up.")
    hold: str = Field("last time {sets} x {reps} at {load}: keep {load}",
                      description="A week that holds (deload, taper, race week, recovery).")


class Progression(_Strict):
    """How a block's weeks step up (models/prescription.toml [progression])."""

    step_percent: tuple[float, float] = Field(description="Low and high % added per step.")
    every_weeks: dict[Level, int] = Field(description="Weeks per step, by level.")
    load_equipment: list[str] = Field(description="Equipment that progresses by load.")
    band_equipment: list[str] = Field(description="Equipment that progresses by a firmer band.")
    recent_weeks: int = Field(5, ge=1, le=12, description="A lift done this many weeks before "
                              "a block counts as last block's (its load is known).")
    cues: dict[str, ProgressionCue]
    logged: LoggedCues = Field(default_factory=lambda: LoggedCues(),
                               description="Cues from the loads a done-log names (re-plan).")

    @model_validator(mode="after")
    def _complete(self) -> Progression:
        low, high = self.step_percent
        if not 0 < low <= high <= 20:
            raise ValueError(f"step_percent: want 0 < low <= high <= 20, got {low}, {high}")
        missing = [lv.value for lv in Level if lv not in self.every_weeks]
        if missing:
            raise ValueError(f"every_weeks lacks {', '.join(missing)}")
        bad = [lv.value for lv, n in self.every_weeks.items() if not 1 <= n <= 4]
        if bad:
            raise ValueError(f"every_weeks.{bad[0]}: want 1-4 weeks")
        missing = [c for c in PROGRESS_KINDS if c not in self.cues]
        if missing:
            raise ValueError(f"cues lacks {', '.join(missing)}")
        unknown = [c for c in self.cues if c not in PROGRESS_KINDS]
        if unknown:
            raise ValueError(f"cues.{unknown[0]}: not one of {', '.join(PROGRESS_KINDS)}")
        return self


class RetestItem(_Strict):
    """One field test of the end-of-block re-test."""

    id: str
    name: str
    category: Category
    sets: int = Field(ge=1, le=6)
    reps: str
    per_side: bool = False
    load: str = Field(description="How to run the test and what to record.")
    cue: str = ""
    minutes: int = Field(ge=1, le=30, description="Time it takes, rests included.")
    patterns: list[str] = Field(default_factory=list, description="Movement patterns.")
    seed: str = ""

    def exercise(self) -> Exercise:
        return Exercise(id=self.id, name=self.name, category=self.category,
                        per_side=self.per_side, cue=self.cue, seed=self.seed,
                        patterns=self.patterns)


class Retest(_Strict):
    """The end-of-block re-test (models/prescription.toml [retest])."""

    record: str = Field(description="Appended to every test: record and compare.")
    leg_loads: list[LegLoad] = Field(description="Session kinds that may hold the re-test.")
    max_share: float = Field(gt=0, le=1, description="Share of the session the tests may take.")
    clear_days_before_race: int = Field(
        0, ge=0, le=21, description="No re-test this many days before a race.")
    items: list[RetestItem] = Field(min_length=1)


class PlyometricPrescription(_Strict):
    reps: str
    load: str
    add: dict[Phase, list[str]] = Field(
        default_factory=dict, description="Jumps a heavy session adds when it is the week's "
        "jump session, by phase; they rotate one place a block.")
    add_by_level: dict[Level, list[str]] = Field(
        default_factory=dict, description="Instead of `add` for these levels, in every phase.")
    swap_leg_loads: list[LegLoad] = Field(
        default_factory=lambda: [LegLoad.HEAVY],
        description="Leg loads of the sessions whose leg lifts may turn into jumps.")
    seed: str = ""


class LegLoadPrescription(_Strict):
    """Leg work in sessions of one leg load below heavy: the effort cue stays at that load,
    whatever the emphasis."""

    reps: str | None = Field(None, description="Reps of those lines, whatever the emphasis.")
    phases: list[Phase] = Field(description="Phases where this overrides the emphasis's cue.")
    categories: list[Category] = Field(description="The leg categories it applies to.")
    load: str = Field(description="Effort cue of loaded and band leg exercises.")
    bodyweight_load: str = Field(description="Effort cue of bodyweight leg exercises.")
    progress: bool = Field(True, description="Keep the week-by-week progression cue.")
    unloaded: bool = Field(False, description="No load equipment (progression.load_equipment).")
    seed: str = ""


class StabilityPrescription(_Strict):
    """Core and hip work in loading weeks, whatever the emphasis."""

    categories: list[Category]
    reps: str
    load: str
    seed: str = ""


class DrillSpec(_Strict):
    """One warm-up or cool-down item: an exercise id, its dose and the time it takes."""

    id: str
    dose: str | None = Field(None, description="Replaces the exercise's own dose.")
    seconds: int = Field(ge=5, le=900, description="Time it takes, both sides included.")
    instead: str | None = Field(None, description="Used when the athlete lacks the equipment "
                                "of ``id`` (an exercise id).")


class StructureTemplate(_Strict):
    """The warm-up and cool-down around a session's main block."""

    warmup: list[DrillSpec] = Field(default_factory=list)
    cooldown: list[DrillSpec] = Field(default_factory=list)
    warmup_requires: list[str] = Field(default_factory=list, description="Patterns the "
                                       "warm-up must cover (hips, ankles, thoracic spine, ...).")
    cooldown_requires: list[str] = Field(default_factory=list)
    warmup_minutes: tuple[int, int] = Field((0, 30), description="Allowed warm-up length.")
    fallback: str | None = Field(None, description="Template used instead when a session "
                                 "with this one does not fit its time.")
    seed: str = ""


class RestSpec(_Strict):
    text: str = Field(description="As the athlete reads it, e.g. \"60-90 s\".")
    seconds: int = Field(ge=0, le=600, description="Used to compute the session's length.")
    seed: str = ""


class Timing(_Strict):
    """How long the work of a line takes, to compute a session's length."""

    rep_seconds: float = Field(gt=0, le=15, description="One rep of a lift.")
    contact_seconds: float = Field(gt=0, le=10, description="One jump or hop.")
    setup_seconds: int = Field(ge=0, le=300, description="Per exercise: set up, move on.")
    round_to_minutes: int = Field(1, ge=1, le=15, description="Event length rounded up to this.")
    seed: str = ""


class Contacts(_Strict):
    """Plyometric ground contacts: how a season's jumps start and grow."""

    start: dict[Phase, int] = Field(description="Contacts of the first jump session, by phase.")
    cap: dict[Phase, int] = Field(description="Most contacts in one week, by phase.")
    growth: float = Field(gt=1, le=2, description="Most a week's contacts may grow on the last "
                          "jump week's.")
    gap_weeks: int = Field(2, ge=1, le=8, description="After this many weeks without jumps, "
                           "start again from `start`.")
    phases: list[Phase] = Field(description="Phases with jumps (once a week).")
    level_share: dict[Level, float] = Field(
        default_factory=dict, description="Share of `start` and `cap` for these levels.")
    seed: str = ""


class Prescription(_Strict):
    """Sets, reps and load cues by phase and emphasis (models/prescription.toml)."""

    phases: dict[Phase, PhasePrescription]
    structure: dict[str, StructureTemplate] = Field(
        default_factory=dict, description="Warm-up and cool-down templates by name.")
    rest: dict[str, RestSpec] = Field(
        default_factory=dict, description="Rest between sets by role: default, compound, "
        "stability, plyometric, mobility.")
    timing: Timing | None = None
    contacts: Contacts | None = None
    sets_per_exercise_by_category: dict[Category, int] = Field(
        default_factory=dict, description="Sets per exercise of a category whatever the phase "
        "(mobility drills: 1).")
    speed_words: list[str] = Field(
        default_factory=list, description="Words of a speed cue: never on a hold or an "
        "anti-movement exercise.")
    deload_load: str
    deload_first: str | None = Field(
        None, description="Deload cue of a loaded lift not done the week before "
        "(no last week's load to match); {block} and {week} name the week.")
    deload_bodyweight: str
    mobility_load: str
    loaded_first: list[Category] = Field(
        default_factory=lambda: [Category.POSTERIOR, Category.UNILATERAL, Category.CALF,
                                 Category.UPPER_PUSH, Category.UPPER_PULL],
        description="Categories whose block exercises come from the athlete's own equipment "
        "first, bodyweight ones only to fill up.")
    plyometric: PlyometricPrescription
    stability: StabilityPrescription
    leg_loads: dict[LegLoad, LegLoadPrescription] = Field(
        default_factory=dict, description="Leg work in moderate, light and no-leg sessions.")
    emphasis: dict[str, EmphasisPrescription]
    progression: Progression
    retest: Retest

    @field_validator("deload_first")
    @classmethod
    def _week_placeholders(cls, text: str | None) -> str | None:
        return _template(text, _WEEK_FIELDS)

    @model_validator(mode="after")
    def _complete(self) -> Prescription:
        if LegLoad.HEAVY in self.leg_loads:
            raise ValueError("leg_loads.heavy: heavy sessions follow the emphasis; "
                             "leg_loads is for moderate, light and none")
        missing = [p.value for p in Phase if p not in self.phases]
        if missing:
            raise ValueError(f"phases lacks {', '.join(missing)}")
        bad = [name for name in self.emphasis if not _NAME.match(name)]
        if bad:
            raise ValueError(f"emphasis.{bad[0]}: not a lower-case-hyphen name")
        return self


class Classify(_Strict):
    """Words that mark a calendar event as a run, another sport, or a run kind."""

    run_words: list[str]
    other_sport_words: list[str]
    strength_types: list[str] = Field(
        default_factory=list, description="The athlete's own strength work, whatever else the "
        "title says (a training feed's strength type).")
    strength_words: list[str] = Field(
        default_factory=list, description="The athlete's own strength work when the title is "
        "not a run.")
    own_leg_load: dict[LegLoad, list[str]] = Field(
        default_factory=dict, description="Leg load of an own strength session by its title; "
        "first match in this order, else moderate.")
    own_core: list[str] = Field(
        default_factory=list, description="An own strength session whose title says one of "
        "these holds core work.")
    kinds: dict[RunKind, list[str]]
    order: list[RunKind] = Field(description="First match wins, in this order.")
    race_distance: dict[Distance, str] = Field(
        default_factory=dict, description="Regular expression of a race title's distance.")
    race_minutes: dict[Distance, int] = Field(
        default_factory=dict, description="A race's distance from its planned minutes.")

    @model_validator(mode="after")
    def _every_kind(self) -> Classify:
        missing = [k.value for k in RunKind if k not in self.order]
        if missing:
            raise ValueError(f"order lacks {', '.join(missing)}")
        return self


class Knowledge(_Strict):
    """All coaching knowledge, validated."""

    exercises: dict[str, Exercise]
    patterns: dict[str, str] = Field(
        default_factory=dict, description="Movement patterns (exercises.toml [patterns]).")
    sessions: dict[str, SessionKind]
    periodization: Periodization
    rules: Rules
    prescription: Prescription
    classify: Classify
    root: Path
    # Results computed from these models alone (session contents by shape): built once.
    _memo: dict = PrivateAttr(default_factory=dict)

    @property
    def memo(self) -> dict:
        return self._memo

    @model_validator(mode="after")
    def _cross(self) -> Knowledge:
        for ex in self.exercises.values():
            if ex.regression and ex.regression not in self.exercises:
                raise ValueError(f"exercise {ex.id}: regression {ex.regression!r} is not defined")
            unknown = [p for p in ex.patterns if p not in self.patterns]
            if unknown:
                raise ValueError(f"exercises.toml: exercise {ex.id}: pattern {unknown[0]!r} is "
                                 "not in the [patterns] table")
        for kind in self.sessions.values():
            for req in [*kind.requires, *kind.no_repeat]:
                names = [p.strip() for option in req.split("|") for p in option.split("+")]
                unknown = [p for p in names if p not in self.patterns]
                if unknown:
                    raise ValueError(f"sessions.toml: session {kind.id}: pattern {unknown[0]!r} "
                                     "is not in exercises.toml [patterns]")
            if kind.structure not in self.prescription.structure and self.prescription.structure:
                raise ValueError(f"sessions.toml: session {kind.id}: structure "
                                 f"{kind.structure!r} is not in prescription.toml [structure]")
        for name, template in self.prescription.structure.items():
            for part in (template.warmup, template.cooldown):
                unknown = [d.id for d in part if d.id not in self.exercises]
                if unknown:
                    raise ValueError(f"prescription.toml: structure.{name} names {unknown[0]!r}, "
                                     "which exercises.toml does not define")
        undefined = sorted(self.periodization.emphasis.names() - set(self.prescription.emphasis))
        if undefined:
            raise ValueError(
                f"periodization.toml: field emphasis names {undefined[0]!r}, which "
                "prescription.toml does not define (add an [emphasis.NAME] table)"
            )
        for phase, table in self.prescription.phases.items():
            unknown = [x for x in table.exclude if x not in self.exercises]
            if unknown:
                raise ValueError(f"prescription.toml: phases.{phase}.exclude names "
                                 f"{unknown[0]!r}, which exercises.toml does not define")
        return self


def default_models_dir() -> Path:
    """``$RUNSTRENGTH_MODELS``, else ``models/`` of an installed wheel or the source checkout."""
    if os.environ.get("RUNSTRENGTH_MODELS"):
        return Path(os.environ["RUNSTRENGTH_MODELS"])
    here = Path(__file__).resolve().parent
    for candidate in (here / "models", here.parent.parent / "models"):
        if (candidate / "sessions.toml").is_file():
            return candidate
    raise InputError(f"{here / 'models'}: coaching models not found (reinstall runstrength)")


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: {toml_message(exc)}") from None
    except RecursionError:
        raise InputError(f"{path}: values nested too deeply") from None
    except ValueError as exc:  # a number of thousands of digits, say
        raise InputError(f"{path}: {str(exc).splitlines()[0].split(';')[0]}") from None


def field_path(error: dict) -> str:
    return ".".join(str(p) for p in error["loc"]) or "(top level)"


def _validated(path: Path, model: type[BaseModel], data: object) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(f"{path}: field {field_path(err)}: {err['msg']}") from None


def _keyed(path: Path, items: list[dict], model: type[BaseModel], table: str) -> dict:
    out: dict = {}
    for i, item in enumerate(items):
        obj = _validated(path, model, item) if not isinstance(item, model) else item
        if obj.id in out:  # type: ignore[attr-defined]
            raise InputError(f"{path}: {table}[{i}]: duplicate id {obj.id!r}")  # type: ignore[attr-defined]
        out[obj.id] = obj  # type: ignore[attr-defined]
    return out


def load(models_dir: Path | str | None = None) -> Knowledge:
    """Load and validate every file of ``models_dir`` (default: the bundled models), once
    per folder: ``load()``, ``load(None)`` and the folder's own path share one Knowledge
    (and its memo of session contents)."""
    return _load(Path(models_dir) if models_dir else default_models_dir())


@cache
def _load(root: Path) -> Knowledge:
    try:
        root.resolve()
    except (RuntimeError, OSError):
        raise InputError(f"{root}: a symlink loop, not a models folder") from None
    if not root.is_dir():
        raise InputError(f"{root}: models folder not found" if not root.exists() else
                         f"{root}: not a folder (--models takes the folder of the .toml files)")
    raw = {name: _read(root / f"{name}.toml") for name in MODEL_FILES}
    exercises = _keyed(root / "exercises.toml", raw["exercises"].get("exercise", []),
                       Exercise, "exercise")
    patterns = raw["exercises"].get("patterns", {})
    sessions = _keyed(root / "sessions.toml", raw["sessions"].get("session", []),
                      SessionKind, "session")
    parts = {
        "periodization": _validated(root / "periodization.toml", Periodization,
                                    raw["periodization"]),
        "rules": _validated(root / "rules.toml", Rules, raw["rules"]),
        "prescription": _validated(root / "prescription.toml", Prescription,
                                   raw["prescription"]),
        "classify": _validated(root / "classify.toml", Classify, raw["classify"]),
    }
    try:
        return Knowledge(exercises=exercises, patterns=patterns, sessions=sessions, root=root,
                         **parts)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(f"{root}: {err['msg']}") from None
