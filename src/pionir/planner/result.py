"""Typed results of the planner: the plan itself, its status, objective, bound and conflicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class PlanStatus(StrEnum):
    """Whether a plan exists and whether it is proven best."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    # The time limit ran out before any plan was found; not proven impossible.
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, order=True)
class HousingUnit:
    """One flat: a tower and its unit number (1-based)."""

    tower_id: str
    unit_no: int


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a moving household goes: its wave (index into the scenario's waves) and flat."""

    household_id: str
    wave_index: int
    housing: HousingUnit


@dataclass(frozen=True, slots=True)
class Plan:
    """Households that move, and the office building of each work unit that has movers."""

    placements: Mapping[str, Placement]
    building_of_unit: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class PlanResult:
    """What the planner returns; infeasible and timed-out are results, not exceptions."""

    status: PlanStatus
    plan: Plan | None
    objective: float
    bound: float
    solve_seconds: float
    conflicts: tuple[str, ...] = ()
    conflicts_en: tuple[str, ...] = ()
    stats: Mapping[str, float] = field(default_factory=dict)
    # The root LP's prices per capacity element (keys in lp_arrays.py), for bottlenecks.
    prices: Mapping[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative distance between the plan and the proven bound (0 when optimal)."""
        if self.plan is None or self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)
