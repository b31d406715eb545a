"""What the shared rules look at: every athlete's model in one CP-SAT model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from runstrength.resources import Shared
from runstrength.rules.base import Model, Rule

if TYPE_CHECKING:
    from ortools.sat.python import cp_model


@dataclass
class Joint:
    """The athletes' own models (each built by every rule of ``rules.ALL``) in one CpModel."""

    cp: cp_model.CpModel
    models: list[Model]
    ids: list[str]
    shared: Shared


class SharedRule(Rule):
    """A hard rule across athletes: ``apply_joint`` adds its constraints to the joint model."""

    hard = True

    def apply_joint(self, j: Joint) -> None:
        raise NotImplementedError
