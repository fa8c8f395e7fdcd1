"""The linear relaxation of the plan model, and its buildings-integer variant, in HiGHS.

Its optimum is an upper bound on every plan's objective, proven by LP duality, and its
solution says which households the best plans move and when. Held to one building per
unit it is nearly integral and rounds into a plan; with the unit-building choices kept
integer (households still fractional) it is a small MIP whose dual bound is far tighter
than the LP's where buildings are scarce, and whose incumbent gives the buildings.

The model is written straight into arrays (`lp_arrays.py`) and handed to HiGHS whole:
building it through a modelling layer row by row took longer than solving it at
national scale.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray

from pionir.planner.budget import Budget
from pionir.planner.instance import PlanningInstance
from pionir.planner.lp_arrays import FloatArray, LpArrays, build_arrays
from pionir.planner.mip_child import MipAnswer, MipJob, run_mip
from pionir.planner.result import Plan

# HiGHS works in floating point; the reported bound is widened by this relative margin.
BOUND_MARGIN = 1e-6
# MIPs over models of at most this many columns run in this process (see mip_child.py).
IN_PROCESS_UP_TO = 20_000
# LPs with more household-wave choices than this are solved by column generation.
GENERATE_COLUMNS_FROM = 60_000


@dataclass(frozen=True, slots=True)
class Relaxation:
    """A solved relaxation: its bound, fractional wave choices, buildings and prices.

    `bound` is an upper bound on every plan only for the unheld model (no buildings
    held); for a MIP it is the dual bound HiGHS proved.
    `prices` holds, per priced rule element (see `lp_arrays.py` for the keys), the
    objective gained per unit of extra capacity: the LP dual, or the reduced cost of a
    readiness bound.
    """

    bound: float
    moves: dict[str, list[float]]
    building: dict[str, dict[str, float]]
    objective: float = 0.0
    prices: Mapping[str, float] = field(default_factory=dict)
    # The y-MIP's best buildings (unit -> building), when buildings were kept integer.
    chosen_buildings: Mapping[str, str] = field(default_factory=dict)
    # True when HiGHS proved the answer optimal (a MIP: within its gap tolerance).
    optimal: bool = False
    seconds: float = 0.0


class Integrality(Enum):
    """Which columns are kept integer: none (the LP), the buildings, or all (the exact MIP)."""

    NONE = "none"
    BUILDINGS = "buildings"
    ALL = "all"


class RelaxationInfeasible(Exception):
    """The relaxation has no solution, so no plan exists either."""


def new_highs() -> highspy.Highs:
    """A HiGHS instance, without the banner its constructor prints to standard output.

    The banner is written before any option can be set; on the command line it would
    land among the plan's summary, so the constructor runs with standard output closed.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            solver = highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    solver.setOptionValue("output_flag", False)
    # HiGHS starts one thread pool per process, sized by the first run; a later run
    # asking for another size fails. In this process it is always one thread (which
    # also keeps runs deterministic); MIPs in a child process may use more.
    solver.setOptionValue("threads", 1)
    return solver


def _stop_at(solver: highspy.Highs, deadline: float) -> None:
    """Interrupt the simplex, the interior point method and the MIP search at the deadline.

    HiGHS's own time_limit is not checked everywhere (completing a start solution,
    some presolve steps), and a wall-clock limit is a promise.
    """

    def check(event: Any) -> None:
        if time.monotonic() >= deadline:
            event.interrupt()

    solver.cbSimplexInterrupt.subscribe(check)
    solver.cbIpmInterrupt.subscribe(check)
    solver.cbMipInterrupt.subscribe(check)


def _highs(budget: Budget) -> highspy.Highs:
    solver = new_highs()
    if budget.work_limit is None:
        solver.setOptionValue("time_limit", max(0.05, budget.remaining()))
        _stop_at(solver, budget.deadline)
    return solver


def load_model(
    arrays: LpArrays, integer_columns: NDArray[np.int64], solver: highspy.Highs | None = None
) -> highspy.Highs:
    """A HiGHS instance holding the model, with the given columns integer."""
    solver = solver or new_highs()
    lp = highspy.HighsLp()
    lp.num_col_ = arrays.columns
    lp.num_row_ = arrays.rows
    lp.col_cost_ = arrays.cost
    lp.col_lower_ = np.zeros(arrays.columns)
    lp.col_upper_ = arrays.upper
    lp.row_lower_ = arrays.row_lower
    lp.row_upper_ = arrays.row_upper
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = arrays.start
    lp.a_matrix_.index_ = arrays.index
    lp.a_matrix_.value_ = arrays.value
    if len(integer_columns):
        kinds = [highspy.HighsVarType.kContinuous] * arrays.columns
        for column in integer_columns:
            kinds[int(column)] = highspy.HighsVarType.kInteger
        lp.integrality_ = kinds
    solver.passModel(lp)
    return solver


def _integer_columns(arrays: LpArrays, integer: Integrality) -> NDArray[np.int64]:
    columns = arrays.y_columns()
    if integer is Integrality.ALL:
        columns = columns + arrays.x_columns() + arrays.flat_columns
    return np.array(columns, dtype=np.int64)


def solve_relaxation(
    instance: PlanningInstance,
    budget: Budget,
    buildings: Mapping[str, str] | None = None,
    *,
    integer: Integrality = Integrality.NONE,
    start: Plan | None = None,
    threads: int = 1,
) -> Relaxation | None:
    """Solve the relaxation; None when the budget ran out before an answer.

    Without `buildings` this relaxes the whole model: its optimum bounds every plan, and
    when it is infeasible (RelaxationInfeasible) no plan exists. With `buildings` those
    units are held to one building (the rest to none): a nearly integral solution to
    round, but no bound. `integer` keeps the unit-building choices integer (a tighter
    bound), or every choice (the exact model); `start` then gives HiGHS a first incumbent.
    """
    arrays = build_arrays(instance, buildings)
    if integer is not Integrality.NONE:
        return _solve_mip(arrays, budget, integer, start, threads, buildings is None)
    n = len(arrays.household_ids)
    active = None
    if budget.work_limit is None and n * arrays.wave_count > GENERATE_COLUMNS_FROM:
        active = _first_columns(instance, start)
    try:
        answer = _solve_lp(arrays, budget, active)
    except RelaxationInfeasible:
        if buildings is None:
            raise
        return None
    if answer is None:
        return None
    prices: dict[str, float] = {}
    if answer.row_dual is not None and answer.col_dual is not None:
        prices = arrays.prices(answer.row_dual, answer.col_dual)
    return Relaxation(
        bound=answer.bound * (1 + BOUND_MARGIN) + BOUND_MARGIN,
        moves=arrays.moves(answer.values),
        building=arrays.building_shares(answer.values),
        objective=answer.objective,
        prices=prices,
        seconds=answer.seconds,
    )


def _first_columns(instance: PlanningInstance, start: Plan | None) -> NDArray[np.bool_]:
    """The households the first restricted LP may move: the start plan's and the most valuable.

    Capacities let only a fraction of the movable households move at national scale, so
    the LP is solved over a few of them and grown by pricing (see `_solve_lp`).
    """
    candidates = instance.candidates
    active = np.zeros(len(candidates), dtype=bool)
    moving = set(start.placements) if start is not None else set()
    for i, c in enumerate(candidates):
        active[i] = c.household_id in moving
    best = np.array([max(c.value) for c in candidates])
    extra = min(len(candidates), 2 * int(active.sum()) + 2000)
    active[np.argsort(-best, kind="stable")[:extra]] = True
    return active


@dataclass(frozen=True, slots=True)
class _LpAnswer:
    """An optimal LP solution (of the last completed restricted LP) and its proven bound."""

    values: FloatArray
    row_dual: FloatArray | None
    col_dual: FloatArray | None
    objective: float
    bound: float
    seconds: float


def _answer(solver: highspy.Highs, bound: float) -> _LpAnswer:
    solution = solver.getSolution()
    duals = solution.dual_valid
    return _LpAnswer(
        values=np.asarray(solution.col_value),
        row_dual=np.asarray(solution.row_dual) if duals else None,
        col_dual=np.asarray(solution.col_dual) if duals else None,
        objective=float(solver.getInfo().objective_function_value),
        bound=bound,
        seconds=float(solver.getRunTime()),
    )


def _solve_lp(
    arrays: LpArrays, budget: Budget, active: NDArray[np.bool_] | None
) -> _LpAnswer | None:
    """The LP, whole, or by column generation over households when `active` is given.

    Column generation: households outside `active` may not move (their x columns are
    held at 0); after each solve, every held household whose reduced cost says it would
    add value is let in, until none would. The optimum is then the whole LP's. Should
    the budget run out first, the last completed round still gives a valid bound: its
    optimum plus the reduced costs of what is held out (LP duality). None when not even
    one round finished; RelaxationInfeasible when the LP has no solution.
    """
    solver = load_model(arrays, np.zeros(0, dtype=np.int64), _highs(budget))
    if budget.work_limit is not None:
        iterations = max(1000, int(budget.work_limit * arrays.columns))
        solver.setOptionValue("simplex_iteration_limit", iterations)
    if active is None:
        solver.run()
        if solver.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            raise RelaxationInfeasible
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return _answer(solver, float(solver.getInfo().objective_function_value))
    w = arrays.wave_count
    n = len(arrays.household_ids)
    columns = np.arange(n * w, dtype=np.int32)
    original = arrays.upper[: n * w].copy()
    last: _LpAnswer | None = None
    while True:
        upper = np.where(np.repeat(active, w), original, 0.0)
        solver.changeColsBounds(len(columns), columns, np.zeros(n * w), upper)
        solver.run()
        status = solver.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible and last is None:
            # Too few households to seat the miniature government: let them all in.
            if active.all():
                raise RelaxationInfeasible
            active[:] = True
            continue
        if status != highspy.HighsModelStatus.kOptimal:
            return last
        objective = float(solver.getInfo().objective_function_value)
        reduced = np.asarray(solver.getSolution().col_dual)[: n * w].reshape(n, w)
        gain = np.where(original.reshape(n, w) > 0, np.maximum(reduced, 0.0), 0.0).max(axis=1)
        gain[active] = 0.0
        tolerance = 1e-9 * max(1.0, abs(objective))
        entering = np.flatnonzero(gain > tolerance)
        last = _answer(solver, objective + float(gain.sum()))
        if not len(entering) or budget.expired():
            return last
        # The most promising first, at most doubling the LP each round.
        take = entering[np.argsort(-gain[entering], kind="stable")][: max(2000, int(active.sum()))]
        active[take] = True


def _solve_mip(
    arrays: LpArrays,
    budget: Budget,
    integer: Integrality,
    start: Plan | None,
    threads: int,
    unheld: bool,
) -> Relaxation | None:
    """A MIP over the arrays; in a child process unless the model is small."""
    started = time.monotonic()
    options: dict[str, float | int | bool] = {
        "threads": max(1, threads),
        "mip_rel_gap": budget.relative_gap,
    }
    if budget.work_limit is None:
        options["time_limit"] = max(0.05, budget.remaining())
    else:
        options["mip_max_nodes"] = max(1, int(budget.work_limit * 20))
        options["simplex_iteration_limit"] = max(1000, int(budget.work_limit * arrays.columns))
    columns, values = _start(arrays, start, integer is Integrality.ALL)
    job = MipJob(arrays, _integer_columns(arrays, integer), columns, values, options)
    small = arrays.columns <= IN_PROCESS_UP_TO or budget.work_limit is not None
    try:
        if small:
            job.options["threads"] = 1
            answer = run_here(job, budget)
        else:
            answer = run_mip(job, budget.deadline)
    except RelaxationInfeasible:
        if unheld:
            raise
        return None
    if answer is None:
        return None
    return Relaxation(
        bound=answer.bound * (1 + BOUND_MARGIN) + BOUND_MARGIN,
        moves=arrays.moves(answer.values),
        building=arrays.building_shares(answer.values),
        objective=answer.objective,
        chosen_buildings=arrays.chosen_buildings(answer.values),
        optimal=answer.optimal,
        seconds=time.monotonic() - started,
    )


def prepared(job: MipJob) -> highspy.Highs:
    """HiGHS holding the job's model, with its options and start: the same here and in
    the child process."""
    solver = load_model(job.model, job.integer_columns)
    for name, value in job.options.items():
        solver.setOptionValue(name, value)
    if len(job.start_columns):
        solver.setSolution(len(job.start_columns), job.start_columns, job.start_values)
    return solver


def run_here(job: MipJob, budget: Budget) -> MipAnswer | None:
    """The MIP in this process: for small models, where a child would cost more than it saves."""
    solver = prepared(job)
    if budget.work_limit is None:
        _stop_at(solver, budget.deadline)
    solver.run()
    status = solver.getModelStatus()
    info = solver.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        raise RelaxationInfeasible
    if info.primal_solution_status != 2:
        return None
    objective = float(info.objective_function_value)
    return MipAnswer(
        np.array(solver.getSolution().col_value),
        objective,
        max(objective, float(info.mip_dual_bound)),
        status == highspy.HighsModelStatus.kOptimal,
    )


def _start(
    arrays: LpArrays, start: Plan | None, with_households: bool
) -> tuple[NDArray[np.int32], NDArray[np.float64]]:
    """A known plan's choices as a partial start for HiGHS, which completes the rest."""
    columns: list[int] = []
    values: list[float] = []
    if start is None:
        return np.zeros(0, dtype=np.int32), np.zeros(0)
    for (unit_id, building_id), column in arrays.y_index.items():
        columns.append(column)
        values.append(1.0 if start.building_of_unit.get(unit_id) == building_id else 0.0)
    if with_households:
        w = arrays.wave_count
        for i, household_id in enumerate(arrays.household_ids):
            placement = start.placements.get(household_id)
            for k in range(w):
                columns.append(i * w + k)
                values.append(1.0 if placement is not None and placement.wave_index == k else 0.0)
    return np.array(columns, dtype=np.int32), np.array(values)
