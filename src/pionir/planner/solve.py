"""Solving: set up CP-SAT, search, turn the answer into a checked plan.

Infeasible and timed-out searches are results. Every plan returned has passed the
independent checker.
"""

from __future__ import annotations

import time
from ortools.sat.python import cp_model

from pionir.planner.check import PlanRejected, check_plan, plan_objective
from pionir.planner.conflicts import diagnose
from pionir.planner.greedy import greedy_plan
from pionir.planner.assemble import plan_from_choices
from pionir.planner.instance import PlanningInstance
from pionir.planner.model import RelocationModel, build_model, rounding_slack
from pionir.planner.options import OBJECTIVE_SCALE, SolveProgress, SolverOptions
from pionir.planner.result import Plan, PlanResult, PlanStatus


class _ProgressReporter(cp_model.CpSolverSolutionCallback):  # type: ignore[misc]
    """Reports each improving plan's objective and the current bound."""

    def __init__(self, options: SolverOptions) -> None:
        super().__init__()
        self._options = options
        self._start = time.perf_counter()

    def on_solution_callback(self) -> None:
        if self._options.progress is None:
            return
        self._options.progress(
            SolveProgress(
                seconds=time.perf_counter() - self._start,
                objective=self.objective_value / OBJECTIVE_SCALE,
                bound=self.best_objective_bound / OBJECTIVE_SCALE,
            )
        )


def solver_for(options: SolverOptions) -> cp_model.CpSolver:
    """CP-SAT parameters, deterministic for the same options."""
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.max_deterministic_time = options.time_limit
    parameters.max_time_in_seconds = options.time_limit * options.wall_limit_factor
    parameters.random_seed = options.seed
    parameters.num_workers = max(1, options.workers)
    # Interleaved search runs the portfolio in fixed batches: parallel, yet reproducible.
    parameters.interleave_search = options.workers > 1
    return solver


def extract_plan(instance: PlanningInstance, built: RelocationModel, solver: cp_model.CpSolver) -> Plan:
    variables = built.variables
    waves_of = {
        household_id: k
        for household_id, by_wave in variables.moves.items()
        for k, x in by_wave.items()
        if solver.boolean_value(x)
    }
    building_of_unit = {
        unit_id: building_id
        for unit_id, choice in variables.building.items()
        for building_id, y in choice.items()
        if solver.boolean_value(y)
    }
    return plan_from_choices(instance, waves_of, building_of_unit)


def add_hint(built: RelocationModel, plan: Plan) -> None:
    """Start the search from a known feasible plan."""
    for household_id, by_wave in built.variables.moves.items():
        placement = plan.placements.get(household_id)
        for k, x in by_wave.items():
            built.model.add_hint(x, placement is not None and placement.wave_index == k)
    for unit_id, choice in built.variables.building.items():
        for building_id, y in choice.items():
            built.model.add_hint(y, plan.building_of_unit.get(unit_id) == building_id)


def solve(instance: PlanningInstance, options: SolverOptions) -> PlanResult:
    """Find the best plan within the time limit, or show why none exists."""
    started = time.perf_counter()
    built = build_model(instance)
    fallback = greedy_plan(instance) if options.use_hint else None
    if fallback is not None:
        add_hint(built, fallback)
    solver = solver_for(options)
    status = solver.solve(built.model, _ProgressReporter(options))
    seconds = time.perf_counter() - started
    slack = rounding_slack(instance)
    stats = {
        "variables": float(len(built.model.proto.variables)),
        "constraints": float(len(built.model.proto.constraints)),
        "deterministic_time": solver.deterministic_time,
    }
    if status == cp_model.INFEASIBLE:
        messages = diagnose(instance, options)
        return PlanResult(
            PlanStatus.INFEASIBLE,
            None,
            0.0,
            0.0,
            seconds,
            tuple(m for m, _ in messages),
            tuple(e for _, e in messages),
            stats,
        )
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = extract_plan(instance, built, solver)
        bound = solver.best_objective_bound / OBJECTIVE_SCALE + slack
        plan_status = PlanStatus.OPTIMAL if status == cp_model.OPTIMAL else PlanStatus.FEASIBLE
    elif fallback is not None:
        # No plan from the search in time, but the greedy start plan is valid.
        plan = fallback
        bound = solver.best_objective_bound / OBJECTIVE_SCALE + slack
        plan_status = PlanStatus.FEASIBLE
    else:
        return PlanResult(PlanStatus.UNKNOWN, None, 0.0, 0.0, seconds, stats=stats)
    violations = check_plan(instance.scenario, plan)
    if violations:
        raise PlanRejected(violations)
    objective = plan_objective(instance.scenario, plan)
    return PlanResult(plan_status, plan, objective, max(bound, objective), seconds, stats=stats)
