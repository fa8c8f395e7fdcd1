"""Unit priority: the weighted formula, ranks with ties, and AHP weights with consistency."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pionir.priority.ahp import ahp_weights
from pionir.priority.score import rank_units
from pionir.scenario.model import Agency
from tests.builders import ScenarioBuilder


def test_priority_formula_and_rank() -> None:
    b = ScenarioBuilder(agencies=[Agency("A1", "A", 5.0)])
    b.unit("U2", function="support", miniature=False, digital_readiness=0)
    b.unit("U1", function="core", miniature=True, digital_readiness=5)
    ranked = rank_units(b.build())
    assert [(p.unit_id, p.rank) for p in ranked] == [("U1", 1), ("U2", 2)]
    assert ranked[0].priority == pytest.approx(1.0)
    assert ranked[1].priority == pytest.approx((0.4 * 0.25 + 0.1 * 1.0) / 1.0)


def test_ties_rank_by_unit_id() -> None:
    b = ScenarioBuilder()
    b.unit("U9")
    b.unit("U3")
    ranked = rank_units(b.build())
    assert [p.unit_id for p in ranked] == ["U3", "U9"]
    assert [p.rank for p in ranked] == [1, 2]


def test_weights_are_normalised_by_their_sum() -> None:
    b = ScenarioBuilder()
    b.unit("U1", function="policy", miniature=False, digital_readiness=0)
    b.agencies = [Agency("A1", "A", 0.0)]
    b.policy = replace(
        b.policy,
        priority=replace(
            b.policy.priority, weights={"function": 2, "miniature": 0, "digital": 0, "spbe": 0}
        ),
    )
    assert rank_units(b.build())[0].priority == pytest.approx(0.75)


def test_ahp_consistent_matrix_gives_its_weights() -> None:
    # A perfectly consistent matrix built from weights 4:2:1:1.
    weights = [4, 2, 1, 1]
    matrix = [[a / b for b in weights] for a in weights]
    result = ahp_weights(matrix)
    assert result.weights == pytest.approx([0.5, 0.25, 0.125, 0.125])
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert result.consistent


def test_ahp_saaty_example_is_acceptable() -> None:
    result = ahp_weights(
        [[1, 3, 5, 7], [1 / 3, 1, 3, 5], [1 / 5, 1 / 3, 1, 3], [1 / 7, 1 / 5, 1 / 3, 1]]
    )
    assert result.consistency_ratio < 0.10
    assert result.weights[0] > result.weights[1] > result.weights[2] > result.weights[3]


def test_ahp_inconsistent_matrix_fails_the_ratio() -> None:
    # A prefers B, B prefers C, C prefers A, strongly: a cycle.
    matrix = [[1, 9, 1 / 9, 1], [1 / 9, 1, 9, 1], [9, 1 / 9, 1, 1], [1, 1, 1, 1]]
    result = ahp_weights(matrix)
    assert result.consistency_ratio > 0.10
    assert not result.consistent


def test_pairwise_replaces_weights_in_priority() -> None:
    b = ScenarioBuilder(agencies=[Agency("A1", "A", 0.0)])
    b.unit("U1", function="core", miniature=False, digital_readiness=0)
    weights = [4, 2, 1, 1]
    matrix = tuple(tuple(a / c for c in weights) for a in weights)
    b.policy = replace(b.policy, priority=replace(b.policy.priority, pairwise=matrix))
    assert rank_units(b.build())[0].priority == pytest.approx(0.5)
