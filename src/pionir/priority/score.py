"""Unit priority (stage 1): a weighted score of function, miniature role, digital readiness and SPBE.

The weights come from the policy, or from an AHP pairwise matrix when one is
given; ranks are 1 for the highest priority, ties broken by unit_id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pionir.priority.ahp import ahp_weights
from pionir.scenario.model import PRIORITY_CRITERIA, PriorityPolicy, Scenario, Unit


@dataclass(frozen=True, slots=True)
class UnitPriority:
    """A unit's priority score in [0, 1] and its rank (1 = moves first)."""

    unit_id: str
    priority: float
    rank: int


def criterion_weights(policy: PriorityPolicy) -> Mapping[str, float]:
    """The four weights: the AHP eigenvector when `pairwise` is set, else `weights`."""
    if policy.pairwise is not None:
        result = ahp_weights(policy.pairwise)
        return dict(zip(PRIORITY_CRITERIA, result.weights, strict=True))
    return {criterion: policy.weights.get(criterion, 0.0) for criterion in PRIORITY_CRITERIA}


def unit_priority(unit: Unit, spbe_index: float, policy: PriorityPolicy) -> float:
    """priority(u) of section 3, normalised by the sum of the weights."""
    weights = criterion_weights(policy)
    parts = {
        "function": policy.function_score.get(unit.function, 0.0),
        "miniature": 1.0 if unit.miniature else 0.0,
        "digital": unit.digital_readiness / 5,
        "spbe": spbe_index / 5,
    }
    total_weight = sum(weights.values())
    return sum(weights[c] * parts[c] for c in PRIORITY_CRITERIA) / total_weight


def rank_units(scenario: Scenario) -> tuple[UnitPriority, ...]:
    """Every unit's priority and rank, in rank order."""
    policy = scenario.policy.priority
    spbe = {agency.agency_id: agency.spbe_index for agency in scenario.agencies}
    scores = [
        (unit.unit_id, unit_priority(unit, spbe[unit.agency_id], policy)) for unit in scenario.units
    ]
    # Rounded to the written precision first, so that ties in the file are ties in the rank.
    scores.sort(key=lambda pair: (-round(pair[1], 12), pair[0]))
    return tuple(
        UnitPriority(unit_id, score, rank) for rank, (unit_id, score) in enumerate(scores, start=1)
    )
