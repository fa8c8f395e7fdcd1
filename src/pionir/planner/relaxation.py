"""The linear relaxation of the plan model, solved with GLOP.

Its optimum is an upper bound on every plan's objective, proven by LP duality, and
its solution says which households the best plans move and when. CP-SAT's own
relaxation converges slowly on tens of thousands of booleans; GLOP solves this LP
in seconds. The bound is combined with CP-SAT's, and the solution seeds the CP-SAT
search through a rounded plan.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ortools.linear_solver import linear_solver_pb2, pywraplp

from pionir.planner.instance import PlanningInstance

# GLOP works in floating point; the reported bound is widened by this relative margin.
BOUND_MARGIN = 1e-6

# Share of the LP budget that the dual simplex may use before the primal's answer is taken.
DUAL_SHARE = 0.4

Terms = Iterable[tuple[Any, float]]


@dataclass(frozen=True, slots=True)
class Relaxation:
    """LP optimum (an upper bound), fractional wave choices and building choices."""

    bound: float
    moves: dict[str, list[float]]
    building: dict[str, dict[str, float]]


class _Lp:
    """A thin writer of rows over pywraplp's coefficient API (fast for large rows)."""

    def __init__(self) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
            raise RuntimeError("GLOP is not available")
        self.solver = solver
        self.infinity = solver.infinity()

    def var(self, upper: float, name: str) -> Any:
        return self.solver.NumVar(0.0, upper, name)

    def row(self, terms: Terms, lower: float | None = None, upper: float | None = None) -> None:
        constraint = self.solver.Constraint(
            -self.infinity if lower is None else lower, self.infinity if upper is None else upper
        )
        # Callers never repeat a variable within a row, so coefficients are set, not summed.
        for variable, coefficient in terms:
            if coefficient:
                constraint.SetCoefficient(variable, coefficient)


class RelaxationInfeasible(Exception):
    """The relaxation has no solution, so no plan exists either."""


def solve_relaxation(
    instance: PlanningInstance,
    buildings: Mapping[str, str] | None = None,
    time_limit: float | None = None,
) -> Relaxation | None:
    """Solve the LP; None when it was not solved within `time_limit` (deterministic seconds).

    Without `buildings` this is the relaxation of the whole model: its optimum bounds
    every plan, and when it is infeasible (RelaxationInfeasible) no plan exists. With
    `buildings` (unit -> building) those units are held to one building, which gives a
    nearly integral solution to round but no longer a bound.
    """
    lp = _Lp()
    scenario = instance.scenario
    waves = scenario.waves
    wave_count = len(waves)
    candidates = instance.candidates
    x = {
        c.household_id: [
            lp.var(0.0 if k in c.health_barred else 1.0, f"x{i}_{k}") for k in range(wave_count)
        ]
        for i, c in enumerate(candidates)
    }
    for c in candidates:
        lp.row(((v, 1.0) for v in x[c.household_id]), upper=1.0)
    movers: dict[str, list[list[tuple[Any, float]]]] = defaultdict(
        lambda: [[] for _ in range(wave_count)]
    )
    for c in candidates:
        for unit_id, count in c.unit_counts.items():
            for k in range(wave_count):
                movers[unit_id][k].append((x[c.household_id][k], float(count)))
    for k, wave in enumerate(waves):
        lp.row(((x[c.household_id][k], c.members) for c in candidates), upper=wave.seats)
    _housing(lp, instance, x)
    placed = _offices(lp, instance, movers, buildings or {})
    _schools(lp, instance, x)
    _quota_and_miniature(lp, instance, movers)
    lp.row(
        ((x[c.household_id][k], c.allowance[k]) for c in candidates for k in range(wave_count)),
        upper=scenario.policy.allowance.budget,
    )
    objective = lp.solver.Objective()
    for c in candidates:
        for k in range(wave_count):
            objective.SetCoefficient(x[c.household_id][k], c.value[k])
    objective.SetMaximization()
    status, values, bound = _race(lp.solver, time_limit)
    if status == pywraplp.Solver.INFEASIBLE and not buildings:
        raise RelaxationInfeasible
    if status != pywraplp.Solver.OPTIMAL:
        return None
    return Relaxation(
        bound=bound * (1 + BOUND_MARGIN) + BOUND_MARGIN,
        moves={h: [values[v.index()] for v in xs] for h, xs in x.items()},
        building={
            u: {b: sum(values[v.index()] for v in parts) for b, parts in by_building.items()}
            for u, by_building in placed.items()
        },
    )


def _glop_parameters(dual: bool, budget: float | None) -> str:
    text = f"use_dual_simplex: {'true' if dual else 'false'}"
    return text if budget is None else f"{text} max_deterministic_time: {budget:.3f}"


def _race(solver: Any, budget: float | None) -> tuple[int, list[float], float]:
    """Dual and primal simplex side by side, with an outcome that does not depend on timing.

    Neither wins everywhere on these LPs (at scale 3 the primal is about four times
    faster, at scale 10 the dual about twice), and the machine has two cores. Both run
    on deterministic-time budgets; the dual's answer is taken whenever it finishes within
    its (smaller) budget, else the primal's. The rule never looks at the clock, so the
    same scenario gives the same LP solution, hence the same plan.
    """
    proto = linear_solver_pb2.MPModelProto()
    solver.ExportModelToProto(proto)
    twin = pywraplp.Solver.CreateSolver("GLOP")
    twin.LoadModelFromProto(proto)
    solver.SetSolverSpecificParametersAsString(
        _glop_parameters(True, None if budget is None else budget * DUAL_SHARE)
    )
    twin.SetSolverSpecificParametersAsString(_glop_parameters(False, budget))
    outcome: dict[str, int] = {}

    def run_primal() -> None:
        outcome["primal"] = twin.Solve()

    primal = threading.Thread(target=run_primal, name="glop-primal", daemon=True)
    primal.start()
    outcome["dual"] = solver.Solve()
    finished = (pywraplp.Solver.OPTIMAL, pywraplp.Solver.INFEASIBLE)
    if outcome["dual"] in finished:
        twin.InterruptSolve()
        primal.join()
        winner, status = solver, outcome["dual"]
    else:
        primal.join()
        winner, status = twin, outcome["primal"]
    if status != pywraplp.Solver.OPTIMAL:
        return status, [], 0.0
    values = [variable.solution_value() for variable in winner.variables()]
    return status, values, float(winner.Objective().Value())


def _housing(lp: _Lp, instance: PlanningInstance, x: dict[str, list[Any]]) -> None:
    """Rule 3 relaxed: cumulative flats per class, singles counted by bedroom."""
    waves = instance.waves
    classes = instance.housing_classes
    kinds = ("family", "L", "P")
    flats = {
        (kind, c, k): lp.var(
            0.0 if housing_class.ready_month > wave.month else housing_class.units,
            f"f{kind}{c}_{k}",
        )
        for kind in kinds
        for c, housing_class in enumerate(classes)
        for k, wave in enumerate(waves)
    }
    last = len(waves) - 1
    for c, housing_class in enumerate(classes):
        lp.row(((flats[(kind, c, last)], 1.0) for kind in kinds), upper=housing_class.units)
        for kind in kinds:
            for k in range(1, len(waves)):
                lp.row(((flats[(kind, c, k)], 1.0), (flats[(kind, c, k - 1)], -1.0)), lower=0.0)
    for kind in kinds:
        size = {c: (1 if kind == "family" else h.bedrooms) for c, h in enumerate(classes)}
        of_kind = [c for c in instance.candidates if (c.single_gender or "family") == kind]
        arrivals = _arrivals(
            lp, [[(x[c.household_id][k], 1.0) for c in of_kind] for k in range(len(waves))]
        )
        for k in range(len(waves)):
            capacity = [(flats[(kind, c, k)], float(size[c])) for c in range(len(classes))]
            lp.row([*capacity, *((a, -1.0) for a in arrivals[: k + 1])], lower=0.0)


def _arrivals(lp: _Lp, per_wave: list[list[tuple[Any, float]]]) -> list[Any]:
    """One variable per wave equal to the given sum, so cumulative rows stay short."""
    variables = []
    for k, terms in enumerate(per_wave):
        arrival = lp.var(lp.infinity, f"a{id(per_wave)}_{k}")
        lp.row([(arrival, 1.0), *((v, -c) for v, c in terms)], lower=0.0, upper=0.0)
        variables.append(arrival)
    return variables


def _offices(
    lp: _Lp,
    instance: PlanningInstance,
    movers: dict[str, list[list[tuple[Any, float]]]],
    fixed: Mapping[str, str],
) -> dict[str, dict[str, list[Any]]]:
    """Rule 4 relaxed, disaggregated by building and wave.

    m[u, b, k] is the part of unit u's wave-k movers sitting in building b; it exists
    only when b is ready by wave k, so readiness holds exactly, and each building's
    desks count only the movers placed in it. What the relaxation gives up is only
    that a unit may be split between buildings. Returns each unit's movers per building.
    """
    scenario = instance.scenario
    last_month = scenario.waves[-1].month
    usable = [b for b in scenario.buildings if b.ready_month <= last_month]
    ratio = scenario.policy.planning.desk_ratio
    quota = {u.unit_id: u.quota for u in scenario.units}
    seated: dict[str, list[tuple[Any, float]]] = defaultdict(list)
    placed: dict[str, dict[str, list[Any]]] = {}
    for unit_id, per_wave in movers.items():
        cap = float(min(quota[unit_id], instance.movable_count[unit_id]))
        allowed = [b for b in usable if unit_id not in fixed or b.building_id == fixed[unit_id]]
        choice = {b.building_id: lp.var(1.0, f"y{unit_id}_{b.building_id}") for b in allowed}
        lp.row(((y, 1.0) for y in choice.values()), upper=1.0)
        parts: dict[str, list[Any]] = defaultdict(list)
        for k, wave in enumerate(scenario.waves):
            ready = [b for b in allowed if b.ready_month <= wave.month]
            here = {b.building_id: lp.var(cap, f"m{unit_id}_{b.building_id}_{k}") for b in ready}
            for building_id, part in here.items():
                parts[building_id].append(part)
                seated[building_id].append((part, 1.0))
            lp.row(
                [*((v, 1.0) for v in here.values()), *((v, -c) for v, c in per_wave[k])],
                lower=0.0,
                upper=0.0,
            )
        for building_id, part_list in parts.items():
            lp.row([*((v, 1.0) for v in part_list), (choice[building_id], -cap)], upper=0.0)
        placed[unit_id] = parts
    for b in usable:
        lp.row(seated[b.building_id], upper=float(int(b.desks // ratio)))
    return placed


def _schools(lp: _Lp, instance: PlanningInstance, x: dict[str, list[Any]]) -> None:
    """Rule 5 relaxed: pupils moved by each wave within the school places ready."""
    schools = [f for f in instance.scenario.facilities if f.kind == "school"]
    with_children = [c for c in instance.candidates if c.children]
    if not with_children:
        return
    pupils = _arrivals(
        lp,
        [
            [(x[c.household_id][k], float(c.children)) for c in with_children]
            for k in range(len(instance.waves))
        ],
    )
    for k, wave in enumerate(instance.waves):
        capacity = sum(f.capacity for f in schools if f.ready_month <= wave.month)
        lp.row(((p, 1.0) for p in pupils[: k + 1]), upper=float(capacity))


def _quota_and_miniature(
    lp: _Lp, instance: PlanningInstance, movers: dict[str, list[list[tuple[Any, float]]]]
) -> None:
    """Rules 7 and 8 relaxed."""
    minimum = instance.scenario.policy.planning.miniature_min
    for unit in instance.scenario.units:
        if unit.unit_id not in movers:
            continue
        per_wave = movers[unit.unit_id]
        if instance.movable_count[unit.unit_id] > unit.quota:
            lp.row([t for terms in per_wave for t in terms], upper=float(unit.quota))
        required = min(minimum, unit.quota, instance.movable_count[unit.unit_id])
        if unit.miniature and required:
            lp.row(per_wave[0], lower=float(required))
