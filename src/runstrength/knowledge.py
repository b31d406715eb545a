"""Coaching knowledge: load and validate ``models/*.toml``.

The numbers a coach may want to change (sessions per week, taper lengths, sets, rule
parameters, penalty weights) live in TOML files next to the package, each with the seed it
comes from. This module turns them into validated objects and reports a bad value by file
and field.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from runstrength.domain import (
    Category,
    Distance,
    Exercise,
    LegLoad,
    Level,
    Phase,
    RunKind,
)
from runstrength.errors import InputError

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
    counts_as_strength: bool = Field(True, description="Counts towards the weekly minimum.")
    max_per_week: int = Field(7, ge=0)
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


class Periodization(_Strict):
    """How races turn into phases (models/periodization.toml)."""

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


class Rules(_Strict):
    """Rule parameters (models/rules.toml)."""

    key_runs: list[RunKind]
    quality_runs: list[RunKind]
    advanced_same_day_gap_hours: float = Field(ge=0, le=24)
    heavy_spacing_hours: float = Field(ge=0, le=96)
    race_week_quiet_days: int = Field(ge=0, le=7)
    a_race_unloaded_days: int = Field(ge=0, le=14)
    posterior_max_gap_days: int = Field(ge=2, le=28)
    posterior_phases: list[Phase]
    run_buffer_minutes: int = Field(ge=0, le=240, description="Gap kept before/after runs.")
    grid_minutes: int = Field(ge=5, le=60)
    preferred_time_hours: float = Field(gt=0, le=24)
    weights: Weights
    solver: dict[str, float | int | bool] = Field(description="CP-SAT SatParameters by name.")

    @model_validator(mode="after")
    def _solver_names(self) -> Rules:
        from ortools.sat import sat_parameters_pb2

        known = sat_parameters_pb2.SatParameters.DESCRIPTOR.fields_by_name
        unknown = [name for name in self.solver if name not in known]
        if unknown:
            raise ValueError(f"solver: unknown CP-SAT parameter {unknown[0]!r}")
        return self


class PhasePrescription(_Strict):
    sets_per_exercise: int = Field(ge=1, le=6)
    reps: str
    load: str
    equipment: list[str] | None = Field(None, description="Only this equipment in this phase.")
    seed: str = ""


class Prescription(_Strict):
    """Sets, reps and load cues by phase (models/prescription.toml)."""

    phases: dict[Phase, PhasePrescription]
    deload_load: str

    @model_validator(mode="after")
    def _complete(self) -> Prescription:
        missing = [p.value for p in Phase if p not in self.phases]
        if missing:
            raise ValueError(f"phases lacks {', '.join(missing)}")
        return self


class Classify(_Strict):
    """Words that mark a calendar event as a run, another sport, or a run kind."""

    run_words: list[str]
    other_sport_words: list[str]
    kinds: dict[RunKind, list[str]]
    order: list[RunKind] = Field(description="First match wins, in this order.")

    @model_validator(mode="after")
    def _every_kind(self) -> Classify:
        missing = [k.value for k in RunKind if k not in self.order]
        if missing:
            raise ValueError(f"order lacks {', '.join(missing)}")
        return self


class Knowledge(_Strict):
    """All coaching knowledge, validated."""

    exercises: dict[str, Exercise]
    sessions: dict[str, SessionKind]
    periodization: Periodization
    rules: Rules
    prescription: Prescription
    classify: Classify
    root: Path

    @model_validator(mode="after")
    def _cross(self) -> Knowledge:
        for ex in self.exercises.values():
            if ex.regression and ex.regression not in self.exercises:
                raise ValueError(f"exercise {ex.id}: regression {ex.regression!r} is not defined")
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
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: {exc}") from None


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


@cache
def load(models_dir: Path | None = None) -> Knowledge:
    """Load and validate every file of ``models_dir`` (default: the bundled models)."""
    root = Path(models_dir) if models_dir else default_models_dir()
    raw = {name: _read(root / f"{name}.toml") for name in MODEL_FILES}
    exercises = _keyed(root / "exercises.toml", raw["exercises"].get("exercise", []),
                       Exercise, "exercise")
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
        return Knowledge(exercises=exercises, sessions=sessions, root=root, **parts)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(f"{root}: {err['msg']}") from None
