"""Solving: set up CP-SAT, search, turn the answer into a checked plan.

Infeasible and timed-out searches are results. Every plan returned has passed the
independent checker.
"""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from pionir.planner.assemble import plan_from_choices, plan_value
from pionir.planner.check import PlanRejected, check_plan, plan_objective
from pionir.planner.conflicts import diagnose
from pionir.planner.greedy import buildings_from, greedy_plan, rounded_plan
from pionir.planner.instance import PlanningInstance
from pionir.planner.model import (
    RelocationModel,
    build_model,
    objective_expression,
    rounding_slack,
)
from pionir.planner.options import OBJECTIVE_SCALE, SolveProgress, SolverOptions
from pionir.planner.relaxation import Relaxation, RelaxationInfeasible, solve_relaxation
from pionir.planner.result import Plan, PlanResult, PlanStatus

# Deterministic budgets of the two LPs, as shares of the time limit; the LP phase is what
# makes large plans good, so it gets most of the limit.
LP_SHARE = 0.6
HELD_LP_SHARE = 0.4


class _ProgressReporter(cp_model.CpSolverSolutionCallback):
    """Reports each improving plan's objective and the current bound."""

    def __init__(self, options: SolverOptions, started: float, known_bound: float) -> None:
        super().__init__()
        self._options = options
        self._start = started
        # The LP bound, often far tighter than CP-SAT's own early bound.
        self._known_bound = known_bound

    def on_solution_callback(self) -> None:
        if self._options.progress is None:
            return
        self._options.progress(
            SolveProgress(
                seconds=time.perf_counter() - self._start,
                objective=self.objective_value / OBJECTIVE_SCALE,
                bound=min(self.best_objective_bound / OBJECTIVE_SCALE, self._known_bound),
            )
        )


def solver_for(options: SolverOptions) -> cp_model.CpSolver:
    """CP-SAT parameters, deterministic for the same options."""
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.max_deterministic_time = options.time_limit * options.search_share
    parameters.max_time_in_seconds = options.time_limit * options.wall_limit_factor
    parameters.relative_gap_limit = options.relative_gap
    parameters.random_seed = options.seed
    parameters.num_workers = max(1, options.workers)
    # Interleaved search runs the portfolio in fixed batches: parallel, yet reproducible.
    parameters.interleave_search = options.workers > 1
    return solver


def extract_plan(
    instance: PlanningInstance, built: RelocationModel, solver: cp_model.CpSolver
) -> Plan:
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


def add_hint(built: RelocationModel, plan: Plan) -> bool:
    """Start the search from a known feasible plan; True when the hint is complete and valid.

    The plan fixes the waves and buildings; a quick solve of the model with those fixed
    fills in every other variable (counts, desks, flats), because CP-SAT only takes a
    hint as its first solution when the hint is complete.
    """
    fixed = built.model.clone()
    decided: list[tuple[cp_model.IntVar, int]] = []
    for household_id, by_wave in built.variables.moves.items():
        placement = plan.placements.get(household_id)
        for k, x in by_wave.items():
            decided.append((x, int(placement is not None and placement.wave_index == k)))
    for unit_id, choice in built.variables.building.items():
        for building_id, y in choice.items():
            decided.append((y, int(plan.building_of_unit.get(unit_id) == building_id)))
    for variable, value in decided:
        fixed.add(fixed.get_int_var_from_proto_index(variable.index) == value)
    fixed.clear_objective()  # type: ignore[no-untyped-call]
    completion = cp_model.CpSolver()
    completion.parameters.num_workers = 1
    completion.parameters.max_deterministic_time = 10.0
    if completion.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    model = built.model
    for index in range(len(model.proto.variables)):
        variable = model.get_int_var_from_proto_index(index)
        model.add_hint(variable, completion.value(variable))
    return True


def starting_plan(
    instance: PlanningInstance, relaxation: Relaxation | None, held_limit: float | None = None
) -> Plan | None:
    """The better of the LP rounding and the greedy baseline, or None if neither seats the miniature."""
    options = [greedy_plan(instance)]
    if relaxation is not None:
        # Hold each unit to one building, solve the LP again, and round that.
        buildings = buildings_from(instance, relaxation)
        held = solve_relaxation(instance, buildings, held_limit)
        options.append(rounded_plan(instance, relaxation, buildings))
        if held is not None:
            options.append(rounded_plan(instance, held, buildings))
    plans = [plan for plan in options if plan is not None]
    if not plans:
        return None
    return max(plans, key=lambda plan: plan_value(instance, plan))


def _worth_searching(instance: PlanningInstance, options: SolverOptions) -> bool:
    """Whether CP-SAT gets enough time for a model of this size.

    On the scale-1 demo (about 34,000 wave choices) loading the model and a short search
    took CP-SAT several times its deterministic budget in wall time, without improving the
    LP-rounded plan. With less than `search_seconds_per_choice` seconds of limit per wave
    choice it is not started; the rule reads only sizes and options, so runs stay repeatable.
    """
    choices = len(instance.candidates) * len(instance.waves)
    return choices <= options.presolve_up_to or (
        options.time_limit >= choices * options.search_seconds_per_choice
    )


def _infeasible_result(
    instance: PlanningInstance, options: SolverOptions, started: float
) -> PlanResult:
    messages = diagnose(instance, options)
    return PlanResult(
        status=PlanStatus.INFEASIBLE,
        plan=None,
        objective=0.0,
        bound=0.0,
        solve_seconds=time.perf_counter() - started,
        conflicts=tuple(m for m, _ in messages),
        conflicts_en=tuple(e for _, e in messages),
    )


def solve(instance: PlanningInstance, options: SolverOptions) -> PlanResult:
    """Find the best plan within the time limit, or show why none exists.

    The LP relaxation gives a proven bound and, rounded, a first plan; CP-SAT then
    searches from the better of that plan and the greedy one, and proves what it can.
    """
    started = time.perf_counter()
    relaxation = None
    lp_seconds = 0.0
    if options.use_hint:
        try:
            relaxation = solve_relaxation(instance, time_limit=options.time_limit * LP_SHARE)
            lp_seconds = time.perf_counter() - started
        except RelaxationInfeasible:
            return _infeasible_result(instance, options, started)
    start_plan = None
    if options.use_hint:
        start_plan = starting_plan(instance, relaxation, options.time_limit * HELD_LP_SHARE)
    if start_plan is not None and relaxation is not None:
        start_objective = plan_objective(instance.scenario, start_plan)
        if options.progress is not None:
            options.progress(
                SolveProgress(time.perf_counter() - started, start_objective, relaxation.bound)
            )
        within_gap = relaxation.bound - start_objective <= options.relative_gap * relaxation.bound
        if within_gap or not _worth_searching(instance, options):
            # Proven within the requested gap, or too little time for CP-SAT to load and
            # improve a model this size: it could only add time and memory.
            return _checked_result(
                instance, start_plan, [relaxation.bound], started, {"lp_seconds": lp_seconds}
            )
    built = build_model(instance)
    if start_plan is not None:
        add_hint(built, start_plan)
    if relaxation is not None:
        # The LP bound, handed to CP-SAT as a valid cut, so its gap is honest from the start.
        cap = math.floor(
            relaxation.bound * OBJECTIVE_SCALE + rounding_slack(instance) * OBJECTIVE_SCALE
        )
        built.model.add(objective_expression(instance, built.variables) <= cap)
    solver = solver_for(options)
    if len(built.model.proto.variables) > options.presolve_up_to:
        # On large models CP-SAT's presolve spends the whole budget before the search
        # starts; from a good starting plan, searching at once improves it sooner.
        solver.parameters.cp_model_presolve = False
    known_bound = relaxation.bound if relaxation is not None else objective_upper_bound(instance)
    status = solver.solve(built.model, _ProgressReporter(options, started, known_bound))
    stats = {
        "lp_seconds": lp_seconds,
        "variables": float(len(built.model.proto.variables)),
        "constraints": float(len(built.model.proto.constraints)),
        "deterministic_time": solver.deterministic_time,
        "lp_bound": relaxation.bound if relaxation else float("nan"),
    }
    if status == cp_model.INFEASIBLE:
        return _infeasible_result(instance, options, started)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = extract_plan(instance, built, solver)
    elif start_plan is not None:
        plan = start_plan
    else:
        return PlanResult(
            PlanStatus.UNKNOWN, None, 0.0, 0.0, time.perf_counter() - started, stats=stats
        )
    bounds = []
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bounds.append(solver.best_objective_bound / OBJECTIVE_SCALE + rounding_slack(instance))
    if relaxation is not None:
        bounds.append(relaxation.bound)
    return _checked_result(
        instance, plan, bounds, started, stats, proven=status == cp_model.OPTIMAL
    )


def _checked_result(
    instance: PlanningInstance,
    plan: Plan,
    bounds: list[float],
    started: float,
    stats: dict[str, float],
    proven: bool = False,
) -> PlanResult:
    """The result for a plan that passes the checker, with the best proven bound."""
    violations = check_plan(instance.scenario, plan)
    if violations:
        raise PlanRejected(violations)
    objective = plan_objective(instance.scenario, plan)
    bound = max(objective, min([objective_upper_bound(instance), *bounds]))
    proven = proven or bound - objective <= 1e-9 * max(1.0, bound)
    return PlanResult(
        status=PlanStatus.OPTIMAL if proven else PlanStatus.FEASIBLE,
        plan=plan,
        objective=objective,
        bound=bound,
        solve_seconds=time.perf_counter() - started,
        stats=stats,
    )


def objective_upper_bound(instance: PlanningInstance) -> float:
    """A bound needing no solver: every movable household in its best wave."""
    return sum(max(c.value) for c in instance.candidates)
