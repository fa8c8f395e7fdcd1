"""The plan checker: every rule of the planning model, checked on a finished plan.

It works from the scenario and the plan alone, not from the CP-SAT model, so that a
modelling mistake cannot hide itself. It runs on every plan before it is written and
in the tests.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping

from pionir.planner.result import HousingUnit, Plan
from pionir.priority.score import rank_units
from pionir.scenario.model import Month, Scenario, grade_group
from pionir.screening.screen import Screening, screen


class PlanRejected(Exception):
    """The checker found a broken rule in a plan the planner produced."""

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        super().__init__("; ".join(violations[:5]))


def _movers_by_household(scenario: Scenario, plan: Plan) -> dict[str, list[str]]:
    """NIPs of the employees of each moving household."""
    movers: dict[str, list[str]] = defaultdict(list)
    for employee in scenario.employees:
        if employee.household_id in plan.placements:
            movers[employee.household_id].append(employee.nip)
    return movers


def check_plan(scenario: Scenario, plan: Plan) -> list[str]:
    """Every broken rule, one sentence each; empty when the plan obeys them all."""
    screening = screen(scenario)
    return [
        *check_only_movable(scenario, plan, screening),
        *check_seats(scenario, plan),
        *check_housing(scenario, plan),
        *check_offices(scenario, plan),
        *check_schools(scenario, plan),
        *check_health(scenario, plan),
        *check_quota(scenario, plan),
        *check_miniature(scenario, plan, screening),
        *check_budget(scenario, plan),
    ]


def check_only_movable(
    scenario: Scenario, plan: Plan, screening: Mapping[str, Screening]
) -> Iterator[str]:
    """Rule 1: only movable employees, whole households, valid waves."""
    households = {h.household_id for h in scenario.households}
    movers = _movers_by_household(scenario, plan)
    for household_id, placement in plan.placements.items():
        if household_id not in households:
            yield f"rule 1: unknown household {household_id} is placed"
        if not movers.get(household_id):
            yield f"rule 1: household {household_id} has no employee but is placed"
        if not 0 <= placement.wave_index < len(scenario.waves):
            yield f"rule 1: household {household_id} has no valid wave"
        for nip in movers.get(household_id, []):
            if not screening[nip].movable:
                yield f"rule 1: employee {nip} is not movable but moves"


def check_seats(scenario: Scenario, plan: Plan) -> Iterator[str]:
    """Rule 2: persons per wave within its seats."""
    members = {h.household_id: h.members for h in scenario.households}
    travelling: Counter[int] = Counter()
    for household_id, placement in plan.placements.items():
        travelling[placement.wave_index] += members.get(household_id, 0)
    for k, wave in enumerate(scenario.waves):
        if travelling[k] > wave.seats:
            yield f"rule 2: wave {wave.wave_id} carries {travelling[k]} persons, seats {wave.seats}"


def check_housing(scenario: Scenario, plan: Plan) -> Iterator[str]:
    """Rule 3: ready towers, valid flats, families alone, singles same gender up to bedrooms."""
    towers = {t.tower_id: t for t in scenario.towers}
    households = {h.household_id: h for h in scenario.households}
    gender = {e.household_id: e.gender for e in scenario.employees}
    share = scenario.policy.planning.singles_share
    occupants: dict[HousingUnit, list[str]] = defaultdict(list)
    for household_id, placement in plan.placements.items():
        flat = placement.housing
        tower = towers.get(flat.tower_id)
        if tower is None or not 1 <= flat.unit_no <= tower.units:
            yield f"rule 3: household {household_id} is given a flat that does not exist"
            continue
        if 0 <= placement.wave_index < len(scenario.waves):
            month = scenario.waves[placement.wave_index].month
            if tower.ready_month > month:
                yield f"rule 3: tower {tower.tower_id} is not ready for household {household_id}"
        occupants[flat].append(household_id)
    for flat, residents in occupants.items():
        if len(residents) == 1:
            continue
        shared_ok = share and all(households[h].members == 1 for h in residents)
        if not shared_ok:
            yield f"rule 3: flat {flat.tower_id}/{flat.unit_no} is shared by a family"
        elif len({gender[h] for h in residents}) > 1:
            yield f"rule 3: flat {flat.tower_id}/{flat.unit_no} is shared by men and women"
        elif len(residents) > towers[flat.tower_id].bedrooms:
            yield f"rule 3: flat {flat.tower_id}/{flat.unit_no} holds more singles than bedrooms"


def check_offices(scenario: Scenario, plan: Plan) -> Iterator[str]:
    """Rule 4: one building per unit, ready by each mover's wave, within desks."""
    buildings = {b.building_id: b for b in scenario.buildings}
    unit_of_position = {p.position_id: p.unit_id for p in scenario.positions}
    ratio = scenario.policy.planning.desk_ratio
    seated: Counter[str] = Counter()
    for employee in scenario.employees:
        placement = plan.placements.get(employee.household_id)
        if placement is None:
            continue
        unit_id = unit_of_position[employee.position_id]
        building_id = plan.building_of_unit.get(unit_id)
        building = buildings.get(building_id or "")
        if building is None:
            yield f"rule 4: unit {unit_id} has movers but no office building"
            continue
        seated[building.building_id] += 1
        in_range = 0 <= placement.wave_index < len(scenario.waves)
        if in_range and building.ready_month > scenario.waves[placement.wave_index].month:
            yield f"rule 4: building {building.building_id} is not ready for {employee.nip}"
    for building_id, count in seated.items():
        capacity = int(buildings[building_id].desks // ratio)
        if count > capacity:
            yield f"rule 4: building {building_id} seats {count} movers, room for {capacity}"


def check_schools(scenario: Scenario, plan: Plan) -> Iterator[str]:
    """Rule 5: pupils moved by each wave within the schools ready by then."""
    children = {h.household_id: h.school_age_children for h in scenario.households}
    arriving: Counter[int] = Counter()
    for household_id, placement in plan.placements.items():
        arriving[placement.wave_index] += children.get(household_id, 0)
    pupils = 0
    for k, wave in enumerate(scenario.waves):
        pupils += arriving[k]
        capacity = sum(
            f.capacity
            for f in scenario.facilities
            if f.kind == "school" and f.ready_month <= wave.month
        )
        if pupils > capacity:
            yield f"rule 5: {pupils} pupils by wave {wave.wave_id}, school places {capacity}"


def check_health(scenario: Scenario, plan: Plan) -> Iterator[str]:
    """Rule 6: households needing health care move once a health facility is ready."""
    ready = [f.ready_month for f in scenario.facilities if f.kind == "health"]
    first: Month | None = min(ready) if ready else None
    needs = {h.household_id for h in scenario.households if h.needs_health}
    for household_id, placement in plan.placements.items():
        if household_id not in needs or not 0 <= placement.wave_index < len(scenario.waves):
            continue
        if first is None or scenario.waves[placement.wave_index].month < first:
            yield f"rule 6: household {household_id} needs health care but none is ready"


def _moving_per_unit(scenario: Scenario, plan: Plan, first_wave_only: bool) -> Counter[str]:
    unit_of_position = {p.position_id: p.unit_id for p in scenario.positions}
    moving: Counter[str] = Counter()
    for employee in scenario.employees:
        placement = plan.placements.get(employee.household_id)
        if placement is not None and (not first_wave_only or placement.wave_index == 0):
            moving[unit_of_position[employee.position_id]] += 1
    return moving


def check_quota(scenario: Scenario, plan: Plan) -> Iterator[str]:
    """Rule 7: movers of a unit within its quota."""
    moving = _moving_per_unit(scenario, plan, first_wave_only=False)
    for unit in scenario.units:
        if moving[unit.unit_id] > unit.quota:
            yield f"rule 7: unit {unit.unit_id} moves {moving[unit.unit_id]}, quota {unit.quota}"


def check_miniature(
    scenario: Scenario, plan: Plan, screening: Mapping[str, Screening]
) -> Iterator[str]:
    """Rule 8: each miniature unit has its minimum in the first wave."""
    unit_of_position = {p.position_id: p.unit_id for p in scenario.positions}
    movable: Counter[str] = Counter(
        unit_of_position[e.position_id] for e in scenario.employees if screening[e.nip].movable
    )
    first = _moving_per_unit(scenario, plan, first_wave_only=True)
    minimum = scenario.policy.planning.miniature_min
    for unit in scenario.units:
        if unit.miniature:
            required = min(minimum, unit.quota, movable[unit.unit_id])
            if first[unit.unit_id] < required:
                yield (
                    f"rule 8: miniature unit {unit.unit_id} moves {first[unit.unit_id]} "
                    f"in the first wave, needs {required}"
                )


def employee_allowance(scenario: Scenario, grade: str, wave_index: int) -> int:
    """Allowance for one employee moving in the given wave."""
    allowance = scenario.policy.allowance
    start: Month = scenario.waves[wave_index].month
    months = max(0, allowance.end_month.index - start.index + 1)
    return allowance.monthly.get(grade_group(grade), 0) * months


def check_budget(scenario: Scenario, plan: Plan) -> Iterator[str]:
    """Rule 9: total allowance within the budget."""
    total = 0
    for employee in scenario.employees:
        placement = plan.placements.get(employee.household_id)
        if placement is not None and 0 <= placement.wave_index < len(scenario.waves):
            total += employee_allowance(scenario, employee.grade, placement.wave_index)
    if total > scenario.policy.allowance.budget:
        yield f"rule 9: allowance {total} exceeds budget {scenario.policy.allowance.budget}"


def plan_objective(scenario: Scenario, plan: Plan) -> float:
    """The objective of section 5, summed employee by employee."""
    screening = screen(scenario)
    priority = {p.unit_id: p.priority for p in rank_units(scenario)}
    unit_of_position = {p.position_id: p.unit_id for p in scenario.positions}
    earliness = scenario.policy.planning.earliness
    wave_count = len(scenario.waves)
    total = 0.0
    for employee in scenario.employees:
        placement = plan.placements.get(employee.household_id)
        if placement is None:
            continue
        k = placement.wave_index + 1
        factor = (
            1 + earliness
            if wave_count == 1
            else 1 + earliness * (wave_count - k) / (wave_count - 1)
        )
        total += (
            priority[unit_of_position[employee.position_id]]
            * screening[employee.nip].merit
            * factor
        )
    return total
