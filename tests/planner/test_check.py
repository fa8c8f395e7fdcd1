"""The independent checker finds each broken rule in a hand-made plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from pionir.planner.check import check_plan, plan_objective
from pionir.planner.result import HousingUnit, Placement, Plan
from pionir.scenario.model import Building, Facility, Month, Scenario, Tower, Wave
from tests.builders import ScenarioBuilder


def _scenario() -> Scenario:
    b = ScenarioBuilder(
        towers=[Tower("T1", Month(2024, 7), 3, 2), Tower("T2", Month(2024, 9), 3, 2)],
        buildings=[Building("B1", Month(2024, 7), 3), Building("B2", Month(2024, 8), 10)],
        facilities=[
            Facility("S1", "school", Month(2024, 7), 1),
            Facility("H1", "health", Month(2024, 8), 0),
        ],
        waves=[Wave("K1", Month(2024, 7), 4), Wave("K2", Month(2024, 8), 10)],
    )
    b.unit("U1", miniature=True, quota=4)
    b.household(gender="L")  # H001
    b.household(gender="L")  # H002
    b.household(gender="P")  # H003
    b.household(members=3, children=1, needs_health=True)  # H004
    return b.build()


def _plan(**placements: tuple[int, str, int]) -> Plan:
    return Plan(
        placements={
            h: Placement(h, wave, HousingUnit(tower, unit))
            for h, (wave, tower, unit) in placements.items()
        },
        building_of_unit={"U1": "B2"},
    )


GOOD = {"H001": (1, "T1", 1), "H002": (1, "T1", 1), "H003": (1, "T1", 2), "H004": (1, "T1", 3)}


def _with_miniature_min(scenario: Scenario, minimum: int) -> Scenario:
    planning = replace(scenario.policy.planning, miniature_min=minimum)
    return replace(scenario, policy=replace(scenario.policy, planning=planning))


def test_a_valid_plan_passes() -> None:
    scenario = _with_miniature_min(_scenario(), 0)
    assert check_plan(scenario, _plan(**GOOD)) == []


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"H001": (1, "T1", 1), "H003": (1, "T1", 1)}, "rule 3"),  # man and woman share
        ({"H004": (1, "T1", 1)}, "rule 3"),  # family shares with singles
        ({"H001": (1, "T1", 9)}, "rule 3"),  # flat that does not exist
        ({"H001": (1, "T2", 1)}, "rule 3"),  # tower T2 ready in September
        ({"H004": (0, "T1", 3)}, "rule 6"),  # health needed, none ready in July
    ],
)
def test_each_broken_rule_is_found(change: dict[str, tuple[int, str, int]], rule: str) -> None:
    scenario = _with_miniature_min(_scenario(), 0)
    violations = check_plan(scenario, _plan(**{**GOOD, **change}))
    assert any(v.startswith(rule) for v in violations), violations


def test_seats_are_checked() -> None:
    scenario = _with_miniature_min(_scenario(), 0)
    plan = replace(
        _plan(H001=(0, "T1", 1), H002=(0, "T1", 1), H003=(0, "T1", 2)),
        building_of_unit={"U1": "B1"},
    )
    assert check_plan(scenario, plan) == []
    crowded = replace(scenario, waves=(Wave("K1", Month(2024, 7), 2), scenario.waves[1]))
    assert any(v.startswith("rule 2") for v in check_plan(crowded, plan))


def test_building_readiness_capacity_and_absence_are_checked() -> None:
    scenario = _with_miniature_min(_scenario(), 0)
    early = _plan(H001=(0, "T1", 1))
    assert any(v.startswith("rule 4") for v in check_plan(scenario, early))  # B2 ready in August
    small = replace(_plan(**GOOD), building_of_unit={"U1": "B1"})  # B1 has 3 desks, 4 movers
    assert any("room for 3" in v for v in check_plan(scenario, small))
    none = replace(_plan(**GOOD), building_of_unit={})
    assert any("no office building" in v for v in check_plan(scenario, none))


def test_schools_quota_miniature_and_budget_are_checked() -> None:
    scenario = _with_miniature_min(_scenario(), 0)
    two_pupils = replace(
        scenario,
        households=tuple(
            replace(h, school_age_children=2) if h.household_id == "H004" else h
            for h in scenario.households
        ),
    )
    assert any(v.startswith("rule 5") for v in check_plan(two_pupils, _plan(**GOOD)))
    low_quota = replace(scenario, units=(replace(scenario.units[0], quota=2),))
    assert any(v.startswith("rule 7") for v in check_plan(low_quota, _plan(**GOOD)))
    needs_two = _with_miniature_min(scenario, 2)
    assert any(v.startswith("rule 8") for v in check_plan(needs_two, _plan(**GOOD)))
    poor = replace(
        scenario,
        policy=replace(scenario.policy, allowance=replace(scenario.policy.allowance, budget=1)),
    )
    assert any(v.startswith("rule 9") for v in check_plan(poor, _plan(**GOOD)))


def test_only_movable_employees_move() -> None:
    scenario = _with_miniature_min(_scenario(), 0)
    employees = list(scenario.employees)
    employees[0] = replace(employees[0], education="SMA")
    refused = replace(scenario, employees=tuple(employees))
    assert any(v.startswith("rule 1") for v in check_plan(refused, _plan(**GOOD)))


def test_objective_counts_priority_merit_and_earliness() -> None:
    b = ScenarioBuilder(waves=[Wave("K1", Month(2024, 7), 9), Wave("K2", Month(2024, 8), 9)])
    b.unit("U1", function="core", miniature=True, digital_readiness=5)
    b.agencies = [replace(b.agencies[0], spbe_index=5.0)]
    b.household(
        general=5,
        technical=5,
        digital_literacy=100,
        multitasking=100,
        ikn_principles=100,
        berakhlak=100,
        performance="sangat_baik",
        birth_date=date(1990, 1, 1),
    )
    scenario = b.build()
    first = _plan(H001=(0, "T1", 1))
    second = _plan(H001=(1, "T1", 1))
    assert plan_objective(scenario, first) == pytest.approx(100 * 1.2)
    assert plan_objective(scenario, second) == pytest.approx(100 * 1.0)
