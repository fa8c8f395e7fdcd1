"""The planner on generated scenario families: checked plans near the bound, and the clock kept.

Each family (pionir.scenario.profiles) stresses another capacity: scarce desks, few
buildings, mixed bedroom counts, a tight budget, many waves, late towers... A small
instance of each must give a plan that the independent checker accepts and that is
proven within GAP of the bound the planner itself proves (its LP or buildings-MIP bound,
never above the LP bound). The 1,000-employee instances here take the exact MIP path;
the 12,000-employee figures are in docs/benchmarks.md.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pionir.cli import app
from pionir.planner.budget import Budget
from pionir.planner.check import check_plan, plan_objective
from pionir.planner.instance import prepare
from pionir.planner.options import SolverOptions
from pionir.planner.relaxation import solve_relaxation
from pionir.planner.result import PlanStatus
from pionir.planner.solve import solve
from pionir.scenario.csv_io import write_scenario_folder
from pionir.scenario.profiles import PROFILES, generate_profile

# Proven gap each family's small instance must reach within LIMIT seconds. By hand on
# this two-core machine the worst family ended at 0.77 % (health_heavy) with 10 s; the
# margin covers a loaded run.
GAP = 0.015
LIMIT = 10.0


@pytest.mark.slow
@pytest.mark.parametrize("family", sorted(PROFILES))
def test_each_family_is_planned_near_its_bound(family: str) -> None:
    scenario = generate_profile(family, employees=1000, seed=1)
    instance = prepare(scenario)
    result = solve(instance, SolverOptions(time_limit=LIMIT))
    assert result.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)
    assert result.plan is not None
    assert check_plan(scenario, result.plan) == []
    assert result.objective == pytest.approx(plan_objective(scenario, result.plan))
    lp = solve_relaxation(instance, Budget.wall(60))
    assert lp is not None
    # The reported bound is proven: never below the plan, never above the LP's.
    assert result.objective <= result.bound + 1e-6
    assert result.bound <= lp.bound + 1e-6
    assert result.gap <= GAP, f"{family}: {result.gap:.3%} from the proven bound"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    family=st.sampled_from(sorted(PROFILES)),
    employees=st.integers(150, 500),
    seed=st.integers(0, 10_000),
)
def test_random_family_instances_give_checked_plans(family: str, employees: int, seed: int) -> None:
    scenario = generate_profile(family, employees=employees, seed=seed)
    instance = prepare(scenario)
    result = solve(instance, SolverOptions(time_limit=4))
    assert result.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE), result.conflicts
    assert result.plan is not None
    assert check_plan(scenario, result.plan) == []
    assert result.objective <= result.bound + 1e-6


def test_more_time_never_gives_a_worse_plan() -> None:
    scenario = generate_profile("tight30", employees=800, seed=3)
    short = solve(prepare(scenario), SolverOptions(work_limit=0.5))
    longer = solve(prepare(scenario), SolverOptions(work_limit=5))
    assert short.plan is not None and longer.plan is not None
    assert longer.objective >= short.objective - 1e-6


@pytest.mark.slow
def test_the_time_limit_is_wall_clock_on_a_mid_size_scenario(tmp_path: Path) -> None:
    """`pionir plan --time-limit 8` on 12,000 employees plans within 8 s plus 5 %."""
    folder = tmp_path / "scenario"
    write_scenario_folder(generate_profile("tight15", employees=12_000, seed=0), folder)
    started = time.perf_counter()
    outcome = CliRunner().invoke(
        app, ["plan", str(folder), "--out", str(tmp_path / "out"), "--time-limit", "8", "-q"]
    )
    wall = time.perf_counter() - started
    assert outcome.exit_code == 0, outcome.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    timing = summary["timing"]
    assert timing["limit"] == "wall"
    # Reading and writing the files are timed apart; planning keeps the promise.
    assert timing["plan_seconds"] <= 8 * 1.05, timing
    assert wall <= timing["read_seconds"] + timing["plan_seconds"] + timing["write_seconds"] + 5
    assert summary["status"] in ("optimal", "feasible")
