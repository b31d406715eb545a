"""solver: the objective written into the proto is the one ``CpModel.minimize`` writes."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS

from runstrength import api
from runstrength.rules.base import Term
from runstrength.solver import build, candidates, minimize, objective

PLAIN = sorted(p.parent for p in SCENARIOS.glob("*/athlete.toml"))


def season_of(folder):
    runs = next(p for p in sorted(folder.iterdir()) if p.name.startswith("runs"))
    return api.prepare(runs, folder / "athlete.toml").season


@pytest.mark.parametrize("folder", PLAIN, ids=lambda p: p.name)
def test_the_written_objective_is_cp_models_own(folder):
    season = season_of(folder)
    found = candidates(season)
    ours, theirs = build(season, found), build(season, found)
    theirs.cp.minimize(objective(theirs))
    assert len(ours.cp.proto.objective.vars) > 100
    assert str(ours.cp.proto) == str(theirs.cp.proto)


def test_a_term_that_is_no_plain_variable_takes_cp_models_way():
    season = season_of(PLAIN[0])
    found = candidates(season)
    ours, theirs = build(season, found), build(season, found)
    for m in (ours, theirs):
        first = m.x[found.items[0].index]
        m.terms.append(Term("test", 1, 5, ~first))  # a negated literal: 5 * (1 - x)
    minimize(ours)
    theirs.cp.minimize(objective(theirs))
    assert ours.cp.proto.objective.offset == 5 * ours.scale
    assert str(ours.cp.proto) == str(theirs.cp.proto)
