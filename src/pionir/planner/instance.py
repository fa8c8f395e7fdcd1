"""The planning instance: what the model and the checker need, derived once from a scenario.

Screening and priority are applied here, so that the model sees only movable
households, each with the waves it may use and its value and allowance per wave.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from pionir.priority.score import UnitPriority, rank_units
from pionir.scenario.model import Employee, Month, Scenario, Tower, Wave, grade_group
from pionir.screening.screen import Screening, screen


@dataclass(frozen=True, slots=True)
class Candidate:
    """A movable household as the planner sees it."""

    household_id: str
    members: int
    children: int
    needs_health: bool
    # Gender of a one-member household when singles share units; None for a household
    # that needs a unit to itself.
    single_gender: str | None
    employees: tuple[Employee, ...]
    # Work unit -> how many of the household's employees belong to it.
    unit_counts: Mapping[str, int]
    # Per wave index: value of moving in that wave (objective terms summed over employees).
    value: tuple[float, ...]
    # Per wave index: allowance paid to the household's employees when moving in that wave.
    allowance: tuple[int, ...]
    # Wave indices barred by rule 6 (no health facility ready yet).
    health_barred: frozenset[int]


@dataclass(frozen=True, slots=True)
class HousingClass:
    """Housing units that are interchangeable: same ready month and bedrooms."""

    ready_month: Month
    bedrooms: int
    towers: tuple[Tower, ...]

    @property
    def units(self) -> int:
        return sum(tower.units for tower in self.towers)


@dataclass(frozen=True, slots=True)
class PlanningInstance:
    """A scenario prepared for planning."""

    scenario: Scenario
    screening: Mapping[str, Screening]
    priorities: tuple[UnitPriority, ...]
    priority_of: Mapping[str, float]
    unit_of_employee: Mapping[str, str]
    candidates: tuple[Candidate, ...]
    movable_count: Mapping[str, int]
    housing_classes: tuple[HousingClass, ...]

    @property
    def waves(self) -> tuple[Wave, ...]:
        return self.scenario.waves


def earliness_factor(wave_index: int, wave_count: int, earliness: float) -> float:
    """1 + earliness * (W - k) / (W - 1) for the 1-based wave k; 1 + earliness when W = 1."""
    if wave_count == 1:
        return 1 + earliness
    return 1 + earliness * (wave_count - (wave_index + 1)) / (wave_count - 1)


def allowance_for(employee: Employee, wave: Wave, scenario: Scenario) -> int:
    """Tunjangan pionir from the wave's month to end_month inclusive (0 after end_month)."""
    allowance = scenario.policy.allowance
    months = wave.month.months_until(allowance.end_month)
    return allowance.monthly.get(grade_group(employee.grade), 0) * months


def earliest_health_month(scenario: Scenario) -> Month | None:
    months = [f.ready_month for f in scenario.facilities if f.kind == "health"]
    return min(months) if months else None


def housing_classes(scenario: Scenario) -> tuple[HousingClass, ...]:
    grouped: dict[tuple[Month, int], list[Tower]] = defaultdict(list)
    for tower in scenario.towers:
        grouped[(tower.ready_month, tower.bedrooms)].append(tower)
    return tuple(
        HousingClass(month, bedrooms, tuple(towers))
        for (month, bedrooms), towers in sorted(grouped.items())
    )


def prepare(scenario: Scenario) -> PlanningInstance:
    """Screen, prioritise and gather the movable households with their per-wave terms."""
    screening = screen(scenario)
    priorities = rank_units(scenario)
    priority_of = {p.unit_id: p.priority for p in priorities}
    unit_of_position = {p.position_id: p.unit_id for p in scenario.positions}
    unit_of_employee = {e.nip: unit_of_position[e.position_id] for e in scenario.employees}
    members: dict[str, list[Employee]] = defaultdict(list)
    for employee in scenario.employees:
        members[employee.household_id].append(employee)
    health_from = earliest_health_month(scenario)
    waves = scenario.waves
    planning = scenario.policy.planning
    candidates: list[Candidate] = []
    movable_count: dict[str, int] = defaultdict(int)
    for household in scenario.households:
        employees = tuple(members.get(household.household_id, ()))
        if not employees or not screening[employees[0].nip].movable:
            continue
        for employee in employees:
            movable_count[unit_of_employee[employee.nip]] += 1
        barred = frozenset(
            index
            for index, wave in enumerate(waves)
            if household.needs_health and (health_from is None or wave.month < health_from)
        )
        base = sum(priority_of[unit_of_employee[e.nip]] * screening[e.nip].merit for e in employees)
        value = tuple(
            base * earliness_factor(k, len(waves), planning.earliness) for k in range(len(waves))
        )
        allowance = tuple(
            sum(allowance_for(e, wave, scenario) for e in employees) for wave in waves
        )
        shares = planning.singles_share and household.members == 1
        candidates.append(
            Candidate(
                household_id=household.household_id,
                members=household.members,
                children=household.school_age_children,
                needs_health=household.needs_health,
                single_gender=employees[0].gender if shares else None,
                employees=employees,
                unit_counts=dict(Counter(unit_of_employee[e.nip] for e in employees)),
                value=value,
                allowance=allowance,
                health_barred=barred,
            )
        )
    return PlanningInstance(
        scenario=scenario,
        screening=screening,
        priorities=priorities,
        priority_of=priority_of,
        unit_of_employee=unit_of_employee,
        candidates=tuple(candidates),
        movable_count=dict(movable_count),
        housing_classes=housing_classes(scenario),
    )
