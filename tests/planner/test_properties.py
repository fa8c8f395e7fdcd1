"""Property tests: random small scenarios give plans the checker accepts, never worse than greedy."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pionir.planner.budget import Budget
from pionir.planner.check import check_plan, plan_objective
from pionir.planner.explain import explain
from pionir.planner.greedy import greedy_plan
from pionir.planner.instance import prepare
from pionir.planner.options import SolverOptions
from pionir.planner.relaxation import solve_relaxation
from pionir.planner.result import PlanStatus
from pionir.planner.solve import solve
from pionir.scenario.model import Building, Facility, Month, Scenario, Tower, Wave
from tests.builders import ScenarioBuilder

MONTHS = [Month(2024, m) for m in range(7, 13)]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    wave_count = draw(st.integers(1, 3))
    waves = [Wave(f"K{i + 1}", MONTHS[i * 2], draw(st.integers(0, 12))) for i in range(wave_count)]
    towers = [
        Tower(
            f"T{i}", draw(st.sampled_from(MONTHS)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    buildings = [
        Building(f"B{i}", draw(st.sampled_from(MONTHS)), draw(st.integers(0, 6)))
        for i in range(draw(st.integers(0, 3)))
    ]
    facilities = [
        Facility("S1", "school", draw(st.sampled_from(MONTHS)), draw(st.integers(0, 4))),
    ]
    if draw(st.booleans()):
        facilities.append(Facility("H1", "health", draw(st.sampled_from(MONTHS)), 0))
    b = ScenarioBuilder(towers=towers, buildings=buildings, facilities=facilities, waves=waves)
    b.with_planning(
        miniature_min=draw(st.integers(0, 2)),
        singles_share=draw(st.booleans()),
        desk_ratio=draw(st.sampled_from([1.0, 1.5])),
    )
    b.with_allowance(budget=draw(st.sampled_from([0, 100_000_000, 300_000_000, 10**12])))
    for u in range(draw(st.integers(1, 3))):
        b.unit(
            f"U{u}",
            miniature=draw(st.booleans()),
            quota=draw(st.integers(0, 5)),
            function=draw(st.sampled_from(["core", "policy", "service", "support"])),
        )
    for _ in range(draw(st.integers(0, 8))):
        employees = draw(st.integers(1, 2))
        members = employees + draw(st.integers(0, 2))
        unit_ids = [f"U{draw(st.integers(0, len(b.units) - 1))}" for _ in range(employees)]
        b.household(
            members=members,
            employees=employees,
            unit_ids=unit_ids,
            children=draw(st.integers(0, members - employees)),
            needs_health=draw(st.booleans()),
            gender=draw(st.sampled_from(["L", "P"])),
            grade=draw(st.sampled_from(["II/c", "III/a", "IV/b"])),
            berakhlak=draw(st.sampled_from([50.0, 75.0, 90.0])),
            general=draw(st.integers(1, 5)),
            birth_date=date(draw(st.integers(1965, 1998)), 1, 1),
        )
    return b.build()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_plans_pass_the_checker_and_beat_greedy(scenario: Scenario) -> None:
    instance = prepare(scenario)
    result = solve(instance, SolverOptions(time_limit=5, workers=1))
    baseline = greedy_plan(instance)
    event(f"status={result.status.value}, greedy={baseline is not None}")
    if baseline is not None:
        assert check_plan(scenario, baseline) == []
    if result.status == PlanStatus.INFEASIBLE:
        assert baseline is None
        assert result.conflicts, "an infeasible result must say why"
        return
    assert result.plan is not None
    assert check_plan(scenario, result.plan) == []
    assert result.bound >= result.objective - 1e-6
    relaxation = solve_relaxation(instance, Budget.wall(30))
    assert relaxation is not None, "a scenario with a plan has a feasible relaxation"
    assert relaxation.bound >= result.objective - 1e-6
    if baseline is not None and result.status == PlanStatus.OPTIMAL:
        assert result.objective >= plan_objective(scenario, baseline) - 1e-3
    explanations, _ = explain(instance, result.plan)
    assert [e.nip for e in explanations] == [e.nip for e in scenario.employees]
    moving = {e.nip for e in explanations if e.outcome == "moves"}
    assert all(
        (e.household_id in result.plan.placements) == (e.nip in moving) for e in scenario.employees
    )
