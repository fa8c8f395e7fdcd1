"""Screening of every employee: eligibility with reasons, merit, and movability by household."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pionir.scenario.model import PERFORMANCE_SCORE, Employee, MeritWeights, Scenario
from pionir.screening.rules import FAILING_RULES, ScreeningContext, retirement_cutoff


@dataclass(frozen=True, slots=True)
class Screening:
    """The outcome of penapisan for one employee."""

    nip: str
    eligible: bool
    merit: float
    reasons: tuple[str, ...]
    movable: bool


def merit(employee: Employee, weights: MeritWeights) -> float:
    """merit(e) = 100 * sum_k w_k n_k(e) / sum_k w_k, with each n_k in [0, 1]."""
    parts = (
        (weights.general, employee.general / 5),
        (weights.technical, employee.technical / 5),
        (weights.digital_literacy, employee.digital_literacy / 100),
        (weights.multitasking, employee.multitasking / 100),
        (weights.ikn_principles, employee.ikn_principles / 100),
        (weights.berakhlak, employee.berakhlak / 100),
        (weights.performance, PERFORMANCE_SCORE[employee.performance]),
    )
    total = sum(weight for weight, _ in parts)
    return 100 * sum(weight * value for weight, value in parts) / total


def failing_reasons(employee: Employee, context: ScreeningContext) -> tuple[str, ...]:
    """Reason codes of every rule the employee fails, in the model's order."""
    return tuple(code for code, fails in FAILING_RULES if fails(employee, context))


def screen(scenario: Scenario) -> dict[str, Screening]:
    """Screen every employee; keyed by NIP, in file order."""
    policy = scenario.policy
    positions = {position.position_id: position for position in scenario.positions}
    cutoff = retirement_cutoff(scenario.waves[-1].month, policy.screening)
    reasons_by_nip: dict[str, tuple[str, ...]] = {}
    ineligible_households: set[str] = set()
    for employee in scenario.employees:
        context = ScreeningContext(positions[employee.position_id], policy.screening, cutoff)
        reasons = failing_reasons(employee, context)
        reasons_by_nip[employee.nip] = reasons
        if reasons:
            ineligible_households.add(employee.household_id)
    return {
        employee.nip: Screening(
            nip=employee.nip,
            eligible=not reasons_by_nip[employee.nip],
            merit=merit(employee, policy.merit),
            reasons=reasons_by_nip[employee.nip],
            movable=employee.household_id not in ineligible_households,
        )
        for employee in scenario.employees
    }


def employees_by_household(scenario: Scenario) -> dict[str, list[Employee]]:
    """The employees of each household, in file order."""
    grouped: dict[str, list[Employee]] = defaultdict(list)
    for employee in scenario.employees:
        grouped[employee.household_id].append(employee)
    return grouped
