"""Tiny scenarios built in code, for the planner's rule tests.

`ScenarioBuilder` starts from a valid, roomy scenario (one agency, one unit, plenty of
capacity) and lets a test add exactly the people and capacities its rule needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pionir.scenario.model import (
    Agency,
    Building,
    Employee,
    Facility,
    Household,
    Month,
    Policy,
    Position,
    Scenario,
    Tower,
    Unit,
    Wave,
)


def make_nip(
    birth: date, gender: str, sequence: int, appointed: tuple[int, int] = (2015, 3)
) -> str:
    """A valid NIP for the given birth date and gender."""
    digit = "1" if gender == "L" else "2"
    return f"{birth:%Y%m%d}{appointed[0]:04d}{appointed[1]:02d}{digit}{sequence:03d}"


@dataclass
class ScenarioBuilder:
    """Accumulates tables; `build()` returns a frozen Scenario."""

    agencies: list[Agency] = field(default_factory=lambda: [Agency("A1", "Agency One", 4.0)])
    units: list[Unit] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    employees: list[Employee] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    towers: list[Tower] = field(default_factory=lambda: [Tower("T1", Month(2024, 7), 50, 3)])
    buildings: list[Building] = field(default_factory=lambda: [Building("B1", Month(2024, 7), 500)])
    facilities: list[Facility] = field(
        default_factory=lambda: [
            Facility("S1", "school", Month(2024, 7), 200),
            Facility("H1", "health", Month(2024, 7), 0),
        ]
    )
    waves: list[Wave] = field(
        default_factory=lambda: [
            Wave("K1", Month(2024, 7), 500),
            Wave("K2", Month(2024, 8), 500),
            Wave("K3", Month(2024, 9), 500),
        ]
    )
    policy: Policy = field(default_factory=Policy)
    _sequence: int = 0

    def unit(self, unit_id: str = "U1", position_type: str = "fungsional", **changes: Any) -> str:
        values: dict[str, Any] = {
            "unit_id": unit_id,
            "agency_id": "A1",
            "name": f"Unit {unit_id}",
            "function": "core",
            "miniature": False,
            "digital_readiness": 3.0,
            "quota": 100,
        }
        values.update(changes)
        self.units.append(Unit(**values))
        self.positions.append(Position(f"P-{unit_id}", unit_id, "Analis", position_type, 2, 2))
        return unit_id

    def household(
        self,
        unit_id: str = "U1",
        *,
        members: int = 1,
        employees: int = 1,
        children: int = 0,
        needs_health: bool = False,
        gender: str = "L",
        unit_ids: list[str] | None = None,
        **employee_changes: Any,
    ) -> str:
        """A household with `employees` ASN (all eligible unless changed)."""
        household_id = f"H{len(self.households) + 1:03d}"
        self.households.append(Household(household_id, members, children, needs_health))
        for index in range(employees):
            self._sequence += 1
            birth = employee_changes.get("birth_date", date(1990, 1, 1 + index))
            values: dict[str, Any] = {
                "nip": make_nip(birth, gender, self._sequence % 1000 or 1),
                "name": f"Pegawai {self._sequence}",
                "position_id": f"P-{(unit_ids or [unit_id] * employees)[index]}",
                "grade": "III/a",
                "birth_date": birth,
                "gender": gender,
                "education": "S1",
                "household_id": household_id,
                "general": 3,
                "technical": 3,
                "digital_literacy": 80.0,
                "multitasking": 80.0,
                "ikn_principles": 80.0,
                "berakhlak": 80.0,
                "performance": "baik",
                "status": "available",
            }
            values.update(employee_changes)
            self.employees.append(Employee(**values))
        return household_id

    def with_planning(self, **changes: Any) -> ScenarioBuilder:
        self.policy = replace(self.policy, planning=replace(self.policy.planning, **changes))
        return self

    def with_allowance(self, **changes: Any) -> ScenarioBuilder:
        self.policy = replace(self.policy, allowance=replace(self.policy.allowance, **changes))
        return self

    def build(self) -> Scenario:
        if not self.units:
            self.unit()
        return Scenario(
            agencies=tuple(self.agencies),
            units=tuple(self.units),
            positions=tuple(self.positions),
            employees=tuple(self.employees),
            households=tuple(self.households),
            towers=tuple(self.towers),
            buildings=tuple(self.buildings),
            facilities=tuple(self.facilities),
            waves=tuple(self.waves),
            policy=self.policy,
        )


def solve_scenario(scenario: Scenario, time_limit: float = 10.0) -> Any:
    """Plan a tiny scenario and check it; returns the PlanResult."""
    from pionir.planner.check import check_plan
    from pionir.planner.instance import prepare
    from pionir.planner.options import SolverOptions
    from pionir.planner.solve import solve

    result = solve(prepare(scenario), SolverOptions(time_limit=time_limit, workers=1))
    if result.plan is not None:
        assert check_plan(scenario, result.plan) == []
    return result


def movers(result: Any, scenario: Scenario) -> dict[str, int]:
    """NIP -> wave index of every employee who moves."""
    placements = result.plan.placements
    return {
        e.nip: placements[e.household_id].wave_index
        for e in scenario.employees
        if e.household_id in placements
    }
