"""The HiGHS peer of benchmarks/peer_highs.py builds the same model as the planner.

Where both prove optimality their optima agree, and HiGHS's plan passes the planner's
checker; where the planner proves a scenario infeasible, so does HiGHS.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, event, given, settings

from pionir.planner.check import check_plan
from pionir.planner.instance import prepare
from pionir.planner.options import SolverOptions
from pionir.planner.result import PlanStatus
from pionir.planner.solve import solve
from pionir.scenario.model import Building, Facility, Month, Scenario, Tower, Wave
from tests.builders import ScenarioBuilder
from tests.planner.test_properties import scenarios

pytest.importorskip("highspy")

PEER_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "peer_highs.py"


def _load_peer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("peer_highs", PEER_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


peer = _load_peer()


def _busy_scenario() -> Scenario:
    """Every rule binds somewhere: seats, shared flats, late offices, schools, health, quota,
    the miniature unit and the budget."""
    b = ScenarioBuilder(
        waves=[
            Wave("K1", Month(2024, 7), 4),
            Wave("K2", Month(2024, 8), 5),
            Wave("K3", Month(2024, 9), 9),
        ],
        towers=[Tower("T1", Month(2024, 7), 2, 2), Tower("T2", Month(2024, 8), 3, 3)],
        buildings=[
            Building("B1", Month(2024, 7), 3),
            Building("B2", Month(2024, 8), 5),
            Building("B3", Month(2024, 9), 8),
            Building("B4", Month(2024, 11), 20),
        ],
        facilities=[
            Facility("S1", "school", Month(2024, 7), 1),
            Facility("S2", "school", Month(2024, 9), 2),
            Facility("H1", "health", Month(2024, 8), 0),
        ],
    ).with_planning(miniature_min=2)
    b.with_allowance(budget=900_000_000)
    b.unit("U1", miniature=True, function="support", quota=3)
    b.unit("U2", function="core", quota=4)
    b.unit("U3", function="service", quota=3)
    people = [
        ("U1", 1, 1, 0, False, "L", "III/a", 3),
        ("U1", 1, 1, 0, False, "P", "II/c", 4),
        ("U1", 3, 1, 1, True, "L", "IV/b", 5),
        ("U1", 1, 1, 0, False, "L", "III/a", 2),
        ("U2", 1, 1, 0, False, "L", "IV/b", 5),
        ("U2", 2, 2, 0, False, "P", "III/a", 4),
        ("U2", 4, 1, 2, False, "L", "III/a", 3),
        ("U2", 1, 1, 0, True, "P", "II/c", 5),
        ("U3", 1, 1, 0, False, "P", "III/a", 1),
        ("U3", 1, 1, 0, False, "P", "IV/b", 4),
        ("U3", 2, 1, 1, False, "L", "II/c", 2),
        ("U3", 1, 1, 0, False, "L", "III/a", 5),
    ]
    for index, (unit, members, employees, children, health, gender, grade, general) in enumerate(
        people
    ):
        b.household(
            unit,
            members=members,
            employees=employees,
            children=children,
            needs_health=health,
            gender=gender,
            grade=grade,
            general=general,
            birth_date=date(1980 + index, 1, 1),
        )
    # A household whose two employees work in different units.
    b.household(members=2, employees=2, unit_ids=["U2", "U3"], gender="L", general=4)
    return b.build()


def _compare(scenario: Scenario) -> None:
    instance = prepare(scenario)
    ours = solve(instance, SolverOptions(time_limit=10, workers=1, relative_gap=0.0))
    theirs = peer.run_highs(instance, time_limit=30, rel_gap=0.0)
    event(f"pionir {ours.status.value}, highs {theirs.status}")
    if ours.status == PlanStatus.INFEASIBLE:
        assert theirs.objective is None
        assert theirs.status == "Infeasible"
        return
    assert theirs.objective is not None, theirs.status
    assert theirs.violations == [], theirs.violations
    if ours.status == PlanStatus.OPTIMAL and theirs.status == "Optimal":
        assert theirs.objective == pytest.approx(ours.objective, rel=1e-6, abs=1e-9)


def test_highs_and_pionir_agree_on_a_scenario_where_every_rule_binds() -> None:
    scenario = _busy_scenario()
    instance = prepare(scenario)
    ours = solve(instance, SolverOptions(time_limit=10, workers=1, relative_gap=0.0))
    theirs = peer.run_highs(instance, time_limit=30, rel_gap=0.0)
    assert ours.status == PlanStatus.OPTIMAL
    assert theirs.status == "Optimal"
    assert theirs.violations == []
    assert theirs.objective == pytest.approx(ours.objective, rel=1e-6)
    # Not everyone fits: the rules really bind.
    assert 0 < len(ours.plan.placements) < len(instance.candidates)


def test_highs_plan_goes_through_plan_from_choices_and_the_checker() -> None:
    scenario = _busy_scenario()
    instance = prepare(scenario)
    highs, index = peer.build_highs_mip(instance)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.run()
    plan = peer.plan_from_highs(instance, index, highs.getSolution().col_value)
    assert check_plan(scenario, plan) == []
    assert set(plan.building_of_unit) <= {"U1", "U2", "U3"}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_highs_and_pionir_agree_on_random_small_scenarios(scenario: Scenario) -> None:
    _compare(scenario)


@pytest.mark.slow
def test_highs_and_pionir_agree_on_the_smallest_demo() -> None:
    from pionir.scenario.demo import generate_demo

    scenario = generate_demo(scale=0.02, seed=2024)
    instance = prepare(scenario)
    ours = solve(instance, SolverOptions(time_limit=30, relative_gap=0.0))
    theirs = peer.run_highs(instance, time_limit=60, rel_gap=0.0)
    assert theirs.status == "Optimal"
    assert theirs.violations == []
    assert theirs.objective >= ours.objective - 1e-6 * ours.objective
    if ours.status == PlanStatus.OPTIMAL:
        assert theirs.objective == pytest.approx(ours.objective, rel=1e-6)
