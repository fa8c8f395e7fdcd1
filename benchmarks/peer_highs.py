"""The plan model as a MIP in HiGHS, run beside Pionir on the same scenarios.

Run by hand (the defaults take about three minutes per scenario):

    PYTHONPATH=src .venv/bin/python benchmarks/peer_highs.py \\
        [--families NAME ...] [--employees 12000] [--seeds 0] \\
        [--pionir-limit 30] [--highs-limit 150] [--demo-scales 1] [--markdown]

`--families` with no names runs the demo only, `--demo-scales` with none no demo.

`build_highs_mip` writes the model of src/pionir/planner/constraints.py, rule by rule,
as a mixed-integer program; HiGHS solves it with its own branch and cut, and its plan
goes through Pionir's checker, which proves that the two models agree on what a plan
is. Per scenario the table gives both objectives, the best bound either proved, and
how long each solver took to come within 0.5 % of that bound.

Each (scenario, solver) runs in its own spawned process, so peak memory is that
solver's alone and a crash stays in its row. Scenarios come from benchmarks/families.py
(family profiles at a given size and seed) and from the demo at the given scales.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import queue as queue_module
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import highspy
import numpy as np

from pionir.planner.assemble import plan_from_choices
from pionir.planner.check import check_plan, plan_objective
from pionir.planner.instance import PlanningInstance, prepare
from pionir.planner.options import SolveProgress, SolverOptions
from pionir.planner.result import Plan
from pionir.planner.solve import solve
from pionir.planner.variables import FLAT_KINDS, unit_ids_with_candidates
from pionir.scenario.model import Scenario

INF = highspy.kHighsInf

# "Near optimal": within this share of the best bound either solver proved.
NEAR = 0.005

# HiGHS stops at this relative gap, the same as Pionir's default `relative_gap`.
HIGHS_REL_GAP = 1e-4


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


class _Writer:
    """Columns and rows as numpy blocks, joined into one row-wise matrix at the end."""

    def __init__(self) -> None:
        self.num_col = 0
        self.num_row = 0
        self._lower: list[np.ndarray] = []
        self._upper: list[np.ndarray] = []
        self._cost: list[np.ndarray] = []
        self._integer: list[np.ndarray] = []
        self._row_lower: list[np.ndarray] = []
        self._row_upper: list[np.ndarray] = []
        self._rows: list[np.ndarray] = []
        self._cols: list[np.ndarray] = []
        self._vals: list[np.ndarray] = []

    def columns(self, count: int, upper: Any, *, cost: Any = 0.0) -> np.ndarray:
        """`count` new integer columns with lower bound 0; returns their indices."""
        index = np.arange(self.num_col, self.num_col + count, dtype=np.int64)
        self._lower.append(np.zeros(count))
        self._upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (count,)).copy())
        self._cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (count,)).copy())
        self._integer.append(np.ones(count, dtype=np.int32))
        self.num_col += count
        return index

    def rows(
        self,
        count: int,
        lower: Any,
        upper: Any,
        entries: Sequence[tuple[Any, Any, Any]],
    ) -> None:
        """`count` new rows; entries are (local row ids, columns, values), each an array read
        in C order or a scalar for all."""
        self._row_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (count,)).copy())
        self._row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (count,)).copy())
        for rows, cols, vals in entries:
            c = np.asarray(cols, dtype=np.int64).ravel()
            self._rows.append(_flat(rows, c.size, np.int64) + self.num_row)
            self._cols.append(c)
            self._vals.append(_flat(vals, c.size, float))
        self.num_row += count

    def row(self, cols: Any, vals: Any, lower: float = -INF, upper: float = INF) -> None:
        self.rows(1, lower, upper, [(0, cols, vals)])

    def highs(self) -> highspy.Highs:
        """A Highs holding the model (maximising), with its output switched off."""

        def joined(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        rows = joined(self._rows, np.int64)
        cols = joined(self._cols, np.int32)
        vals = joined(self._vals, float)
        keep = vals != 0
        rows, cols, vals = rows[keep], cols[keep], vals[keep]
        order = np.argsort(rows, kind="stable")
        starts = np.zeros(self.num_row + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=self.num_row), out=starts[1:])
        with _quiet_stdout():
            highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        status = highs.passModel(
            self.num_col,
            self.num_row,
            len(vals),
            int(highspy.MatrixFormat.kRowwise),
            int(highspy.ObjSense.kMaximize),
            0.0,
            joined(self._cost, float),
            joined(self._lower, float),
            joined(self._upper, float),
            joined(self._row_lower, float),
            joined(self._row_upper, float),
            starts,
            cols[order],
            vals[order],
            joined(self._integer, np.int32),
        )
        if status != highspy.HighsStatus.kOk:
            raise RuntimeError(f"HiGHS refused the model: {status}")
        return highs


def _flat(values: Any, size: int, dtype: Any) -> np.ndarray:
    """A scalar repeated, or an array (of any shape) in C order, as `size` entries."""
    array = np.asarray(values, dtype=dtype)
    if array.ndim == 0:
        return np.full(size, array, dtype=dtype)
    if array.size != size:
        raise ValueError(f"{array.size} entries given for {size} columns")
    return array.ravel()


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 (HiGHS prints its banner from C++ when created)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


@dataclass(frozen=True, slots=True)
class MipIndex:
    """Where the model's variables sit among the HiGHS columns."""

    # x[h, k]: candidate h (instance order) moves in wave k.
    x: np.ndarray
    units: tuple[str, ...]
    buildings: tuple[str, ...]
    # y[u, b]: unit u (units order) sits in building b (buildings order).
    y: np.ndarray
    # m[u, b, k]: unit u's wave-k movers seated in building b; -1 where b is not ready by k.
    m: np.ndarray
    # (kind, housing class index, wave index) -> cumulative flats taken by that kind.
    flats: dict[tuple[str, int, int], int]
    columns: int
    rows: int
    nonzeros: int


def build_highs_mip(instance: PlanningInstance) -> tuple[highspy.Highs, MipIndex]:
    """The plan model of constraints.py as a MIP, maximising sum value[h][k] x[h, k].

    Variables: x[h, k] binary (upper bound 0 for the waves of rule 6), y[u, b] binary
    for the buildings ready by the last wave, m[u, b, k] integer movers of unit u in
    wave k seated in building b (only where b is ready by wave k), flats[kind, class, k]
    integer cumulative flats per kind (family, L, P), and, as in constraints.py, integer
    arrivals per kind and wave and pupils per wave.

    Rules, as constraints.py writes them:
    1. sum_k x[h, k] <= 1.
    2. sum_h members_h x[h, k] <= seats_k.
    3. flats are 0 for classes not ready by wave k, never decrease, and the three kinds
       together use at most the class's units by the last wave; by each wave the family
       flats cover the families arrived so far and bedrooms * singles' flats cover the
       single men (women) arrived so far.
    4. sum_b y[u, b] <= 1; sum_{b ready by k} m[u, b, k] = the unit's wave-k movers;
       sum_k m[u, b, k] <= M y[u, b] with M = min(quota, movable, room of b);
       sum_{u, k} m[u, b, k] <= floor(desks_b / desk_ratio); and readiness per household
       as `_offices_ready_by_wave`: x[h, k] <= sum_{b ready by k} y[u, b] for each unit u
       of h and each wave k before some building is ready.
       Readiness is written both ways on purpose: the disaggregated m[u, b, k] of
       relaxation.py `_offices` keeps early movers out of late buildings' desks, the
       per-household row keeps a fractional y from letting a whole unit move early; each
       cuts LP points the other allows, so together they are the tightest of the forms,
       the fairest to HiGHS. On integer points all forms are the same rule. On the
       scale-0.3 demo with 30 s, HiGHS found no plan with the m form alone, a plan 1.5 %
       below the bound with constraints.py's desks[u, b] form, and 0.8 % (some runs
       0.01 %) with both; the root LP bound was the same in all three.
    5. pupils moved by wave k (cumulative) <= school places ready by wave k.
    6. x[h, k] = 0 for the waves before the first health facility (column bounds).
    7. sum over the unit's households of count * sum_k x <= quota (when it binds at all).
    8. miniature units: first-wave movers >= min(miniature_min, quota, movable).
    9. sum_{h, k} allowance[h][k] x[h, k] <= budget (the row divided by its largest
       coefficient: rupiah run to 1e12, beyond HiGHS's tolerances).
    """
    waves = instance.waves
    wave_count = len(waves)
    candidates = instance.candidates
    count = len(candidates)
    writer = _Writer()

    # x and rules 1, 2, 6.
    x_upper = np.ones((count, wave_count))
    for i, candidate in enumerate(candidates):
        for k in candidate.health_barred:
            x_upper[i, k] = 0.0
    values = np.array([c.value for c in candidates], dtype=float).reshape(count, wave_count)
    x = writer.columns(count * wave_count, x_upper.ravel(), cost=values.ravel())
    x = x.reshape(count, wave_count)
    members = np.array([c.members for c in candidates], dtype=float)
    writer.rows(count, -INF, 1.0, [(np.repeat(np.arange(count), wave_count), x, 1.0)])
    writer.rows(
        wave_count,
        -INF,
        [w.seats for w in waves],
        [(np.tile(np.arange(wave_count), count), x, np.repeat(members, wave_count))],
    )

    flats = _housing(writer, instance, x)
    units, buildings, y, m = _offices(writer, instance, x)
    _schools(writer, instance, x)
    _quota_miniature_budget(writer, instance, x, units)

    highs = writer.highs()
    index = MipIndex(
        x=x,
        units=units,
        buildings=buildings,
        y=y,
        m=m,
        flats=flats,
        columns=writer.num_col,
        rows=writer.num_row,
        nonzeros=int(highs.getNumNz()),
    )
    return highs, index


def _housing(
    writer: _Writer, instance: PlanningInstance, x: np.ndarray
) -> dict[tuple[str, int, int], int]:
    """Rule 3, as `housing_ready_and_shared`."""
    waves = instance.waves
    wave_count = len(waves)
    classes = instance.housing_classes
    last = wave_count - 1
    flats: dict[tuple[str, int, int], int] = {}
    for c, housing_class in enumerate(classes):
        for k, wave in enumerate(waves):
            for kind in FLAT_KINDS:
                ready = housing_class.ready_month <= wave.month
                flats[(kind, c, k)] = int(
                    writer.columns(1, housing_class.units if ready else 0.0)[0]
                )
    for c, housing_class in enumerate(classes):
        for kind in FLAT_KINDS:
            for k in range(1, wave_count):
                writer.row([flats[(kind, c, k)], flats[(kind, c, k - 1)]], [1.0, -1.0], lower=0.0)
        writer.row(
            [flats[(kind, c, last)] for kind in FLAT_KINDS],
            1.0,
            upper=float(housing_class.units),
        )
    kind_of = np.array([FLAT_KINDS.index(c.single_gender or "family") for c in instance.candidates])
    arriving = {}
    for kind_index, kind in enumerate(FLAT_KINDS):
        arriving[kind] = writer.columns(wave_count, len(instance.candidates))
        of_kind = x[kind_of == kind_index]
        for k in range(wave_count):
            writer.row(
                np.concatenate(([arriving[kind][k]], of_kind[:, k])),
                np.concatenate(([1.0], np.full(len(of_kind), -1.0))),
                lower=0.0,
                upper=0.0,
            )
    for k in range(wave_count):
        for kind in FLAT_KINDS:
            size = [1.0 if kind == "family" else float(h.bedrooms) for h in classes]
            cols = [flats[(kind, c, k)] for c in range(len(classes))]
            writer.row(
                np.concatenate((cols, arriving[kind][: k + 1])),
                np.concatenate((size, np.full(k + 1, -1.0))),
                lower=0.0,
            )
    return flats


def _unit_pairs(
    instance: PlanningInstance, units: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(candidate index, unit index, employees of that unit in the household) per pair."""
    position = {unit_id: u for u, unit_id in enumerate(units)}
    pairs = [
        (i, position[unit_id], n)
        for i, candidate in enumerate(instance.candidates)
        for unit_id, n in sorted(candidate.unit_counts.items())
    ]
    table = np.array(pairs, dtype=np.int64).reshape(-1, 3)
    return table[:, 0], table[:, 1], table[:, 2]


def _offices(
    writer: _Writer, instance: PlanningInstance, x: np.ndarray
) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray, np.ndarray]:
    """Rule 4: one building per unit, ready by each mover's wave, within its desks."""
    scenario = instance.scenario
    waves = instance.waves
    wave_count = len(waves)
    ratio = scenario.policy.planning.desk_ratio
    quota = {u.unit_id: u.quota for u in scenario.units}
    usable = [b for b in scenario.buildings if b.ready_month <= waves[-1].month]
    units = tuple(unit_ids_with_candidates(instance))
    unit_count, building_count = len(units), len(usable)
    room = np.array([int(b.desks // ratio) for b in usable], dtype=float)
    ready = np.array(
        [[b.ready_month <= wave.month for wave in waves] for b in usable], dtype=bool
    ).reshape(building_count, wave_count)
    y = writer.columns(unit_count * building_count, 1.0).reshape(unit_count, building_count)
    cap = np.array([min(quota[u], instance.movable_count[u]) for u in units], dtype=float).reshape(
        unit_count, 1
    )
    big_m = np.minimum(cap, room.reshape(1, building_count))
    m = np.full((unit_count, building_count, wave_count), -1, dtype=np.int64)
    where = np.broadcast_to(ready, m.shape)
    m_upper = np.broadcast_to(big_m[:, :, None], m.shape)[where]
    m[where] = writer.columns(int(where.sum()), m_upper)
    u_of, b_of, k_of = np.nonzero(m >= 0)
    m_cols = m[u_of, b_of, k_of]

    writer.rows(unit_count, -INF, 1.0, [(np.repeat(np.arange(unit_count), building_count), y, 1.0)])
    pair_h, pair_u, pair_n = _unit_pairs(instance, units)
    # Movers of unit u in wave k, seated in the buildings ready by then (row u * W + k).
    writer.rows(
        unit_count * wave_count,
        0.0,
        0.0,
        [
            (u_of * wave_count + k_of, m_cols, 1.0),
            (
                pair_u[:, None] * wave_count + np.arange(wave_count)[None, :],
                x[pair_h, :],
                -np.repeat(pair_n, wave_count).reshape(-1, wave_count),
            ),
        ],
    )
    # Seated in b only if the unit chose b (row u * B + b).
    writer.rows(
        unit_count * building_count,
        -INF,
        0.0,
        [(u_of * building_count + b_of, m_cols, 1.0), (np.arange(y.size), y, -big_m.ravel())],
    )
    writer.rows(building_count, -INF, room, [(b_of, m_cols, 1.0)])
    # Readiness per household and unit, as `_offices_ready_by_wave`.
    pairs = len(pair_h)
    for k in range(wave_count):
        if ready[:, k].all():
            continue
        ready_now = np.nonzero(ready[:, k])[0]
        writer.rows(
            pairs,
            -INF,
            0.0,
            [
                (np.arange(pairs), x[pair_h, k], 1.0),
                (np.repeat(np.arange(pairs), len(ready_now)), y[pair_u][:, ready_now], -1.0),
            ],
        )
    return units, tuple(b.building_id for b in usable), y, m


def _schools(writer: _Writer, instance: PlanningInstance, x: np.ndarray) -> None:
    """Rule 5, as `schools_per_wave`."""
    waves = instance.waves
    schools = [f for f in instance.scenario.facilities if f.kind == "school"]
    children = np.array([c.children for c in instance.candidates], dtype=float)
    if not children.any():
        return
    with_children = children > 0
    pupils = writer.columns(len(waves), children.sum())
    for k in range(len(waves)):
        writer.row(
            np.concatenate(([pupils[k]], x[with_children, k])),
            np.concatenate(([1.0], -children[with_children])),
            lower=0.0,
            upper=0.0,
        )
    for k, wave in enumerate(waves):
        capacity = sum(f.capacity for f in schools if f.ready_month <= wave.month)
        writer.row(pupils[: k + 1], 1.0, upper=float(capacity))


def _quota_miniature_budget(
    writer: _Writer, instance: PlanningInstance, x: np.ndarray, units: Sequence[str]
) -> None:
    """Rules 7, 8 and 9, as `quota_per_unit`, `miniature_government_first`, `allowance_budget`."""
    scenario = instance.scenario
    pair_h, pair_u, pair_n = _unit_pairs(instance, units)
    wave_count = len(instance.waves)
    minimum = scenario.policy.planning.miniature_min
    position = {unit_id: u for u, unit_id in enumerate(units)}
    for unit in scenario.units:
        movable = instance.movable_count.get(unit.unit_id, 0)
        if unit.unit_id not in position:
            continue
        mine = pair_u == position[unit.unit_id]
        if movable > unit.quota:
            writer.row(
                x[pair_h[mine], :], np.repeat(pair_n[mine], wave_count), upper=float(unit.quota)
            )
        required = min(minimum, unit.quota, movable)
        if unit.miniature and required > 0:
            writer.row(x[pair_h[mine], 0], pair_n[mine], lower=float(required))
    allowance = np.array([c.allowance for c in instance.candidates], dtype=float)
    if allowance.any():
        # Rupiah run to 1e12; the row is divided by its largest coefficient (the same
        # constraint), which HiGHS otherwise warns is badly scaled for its tolerances.
        scale = float(allowance.max())
        budget = scenario.policy.allowance.budget / scale
        writer.row(x.ravel(), allowance.ravel() / scale, upper=budget)


def plan_from_highs(instance: PlanningInstance, index: MipIndex, solution: Sequence[float]) -> Plan:
    """A Pionir plan from a HiGHS solution: waves from x, buildings from y, flats assigned."""
    values = np.asarray(solution, dtype=float)
    chosen = values[index.x] > 0.5
    waves_of = {
        candidate.household_id: int(np.argmax(chosen[i]))
        for i, candidate in enumerate(instance.candidates)
        if chosen[i].any()
    }
    seated = values[index.y] > 0.5 if index.y.size else np.zeros(index.y.shape, dtype=bool)
    building_of_unit = {
        unit_id: index.buildings[int(np.argmax(seated[u]))]
        for u, unit_id in enumerate(index.units)
        if seated[u].any()
    }
    return plan_from_choices(instance, waves_of, building_of_unit)


# ---------------------------------------------------------------------------
# Running the two solvers
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    """One solver on one scenario: final objective (the checker's), bound, trace."""

    solver: str
    objective: float | None
    bound: float
    seconds: float
    # (seconds since the start, incumbent objective) per improving plan.
    trace: list[tuple[float, float]] = field(default_factory=list)
    # (seconds since the start, proven bound) whenever the bound moved.
    bounds: list[tuple[float, float]] = field(default_factory=list)
    status: str = ""
    violations: list[str] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)
    peak_mib: float = 0.0
    error: str = ""

    def time_within(self, bound: float, share: float = NEAR) -> float | None:
        """Seconds until a plan within `share` of `bound` existed, None if never."""
        for seconds, objective in self.trace:
            if bound > 0 and (bound - objective) / bound <= share:
                return seconds
        return None


def run_highs(instance: PlanningInstance, time_limit: float, rel_gap: float = HIGHS_REL_GAP) -> Run:
    """Build and solve the MIP; its plan is checked and scored by Pionir's checker.

    Times count from the start of the build, as Pionir's count from the start of `solve`.
    """
    started = time.perf_counter()
    highs, index = build_highs_mip(instance)
    build_seconds = time.perf_counter() - started
    trace: list[tuple[float, float]] = []
    bounds: list[tuple[float, float]] = []

    def note_bound(bound: float) -> None:
        if np.isfinite(bound) and (not bounds or abs(bounds[-1][1] - bound) > 1e-9 * abs(bound)):
            bounds.append((time.perf_counter() - started, bound))

    def improving(event: Any) -> None:
        trace.append(
            (time.perf_counter() - started, float(event.data_out.objective_function_value))
        )
        note_bound(float(event.data_out.mip_dual_bound))

    def interrupt(event: Any) -> None:
        note_bound(float(event.data_out.mip_dual_bound))

    highs.cbMipImprovingSolution.subscribe(improving)
    highs.cbMipInterrupt.subscribe(interrupt)
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("mip_rel_gap", float(rel_gap))
    highs.run()
    seconds = time.perf_counter() - started
    info = highs.getInfo()
    status = highs.modelStatusToString(highs.getModelStatus())
    stats = {
        "build_seconds": build_seconds,
        "columns": float(index.columns),
        "rows": float(index.rows),
        "nonzeros": float(index.nonzeros),
        "nodes": float(info.mip_node_count),
        "highs_objective": float(info.objective_function_value),
    }
    bound = float(info.mip_dual_bound)
    if info.primal_solution_status != highspy.kSolutionStatusFeasible:
        return Run("highs", None, bound, seconds, trace, bounds, status, stats=stats)
    plan = plan_from_highs(instance, index, highs.getSolution().col_value)
    violations = check_plan(instance.scenario, plan)
    objective = plan_objective(instance.scenario, plan)
    trace.append((seconds, objective))
    return Run("highs", objective, bound, seconds, trace, bounds, status, violations, stats)


def run_pionir(instance: PlanningInstance, time_limit: float) -> Run:
    """Pionir's `solve` with only a time limit and a progress callback set."""
    progress: list[SolveProgress] = []
    started = time.perf_counter()
    result = solve(instance, SolverOptions(time_limit=time_limit, progress=progress.append))
    seconds = time.perf_counter() - started
    trace = [(p.seconds, p.objective) for p in progress]
    bounds = [(p.seconds, p.bound) for p in progress]
    if result.plan is None:
        return Run("pionir", None, result.bound, seconds, trace, bounds, result.status.value)
    trace.append((result.solve_seconds, result.objective))
    violations = check_plan(instance.scenario, result.plan)
    stats = {k: float(v) for k, v in result.stats.items()}
    return Run(
        "pionir",
        result.objective,
        result.bound,
        seconds,
        trace,
        bounds,
        result.status.value,
        violations,
        stats,
    )


# ---------------------------------------------------------------------------
# Scenarios and child processes
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """A scenario named by how to make it again (scenarios do not pickle)."""

    family: str
    seed: int
    employees: int = 0
    scale: float = 0.0

    def scenario(self) -> Scenario:
        if self.family == "demo":
            from pionir.scenario.demo import generate_demo

            return generate_demo(scale=self.scale, seed=self.seed)
        families = _families_module()
        for _, _, scenario in families.family_instances(self.employees, [self.seed], [self.family]):
            return scenario
        raise LookupError(f"family {self.family} gave no scenario")

    @property
    def label(self) -> str:
        return f"demo×{self.scale:g}" if self.family == "demo" else self.family


def _families_module() -> Any:
    """benchmarks/families.py, imported lazily (it is written separately)."""
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    import families  # type: ignore[import-not-found]

    return families


def family_cases(employees: int, seeds: Sequence[int], names: Sequence[str] | None) -> list[Case]:
    """The families' cases, or none with a message when benchmarks/families.py is missing."""
    try:
        families = _families_module()
    except ImportError as error:
        print(
            f"(no scenario families: benchmarks/families.py could not be imported: {error}; "
            "running the demo only)",
            file=sys.stderr,
        )
        return []
    # The scenarios are made here only to learn the names; each child makes its own again.
    return [
        Case(name, seed, employees=employees)
        for name, seed, _ in families.family_instances(employees, list(seeds), names)
    ]


def _child(case: Case, solver: str, limit: float, results: Any) -> None:
    try:
        scenario = case.scenario()
        instance = prepare(scenario)
        run = run_pionir(instance, limit) if solver == "pionir" else run_highs(instance, limit)
        run.stats["employees"] = float(len(scenario.employees))
        run.stats["households"] = float(len(instance.candidates))
    except Exception as error:  # a crash belongs in its row, not in the whole benchmark
        run = Run(solver, None, float("nan"), 0.0, error=f"{type(error).__name__}: {error}")
    run.peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.put(run)


def run_in_child(case: Case, solver: str, limit: float) -> Run:
    """One solver on one case in a fresh spawned process."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_child, args=(case, solver, limit, results))
    child.start()
    while True:
        try:
            run: Run = results.get(timeout=1.0)
            break
        except queue_module.Empty:
            if not child.is_alive():
                run = Run(solver, None, float("nan"), 0.0, error=f"exit code {child.exitcode}")
                break
    child.join()
    return run


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f}"


def _number(value: float | None) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:,.1f}"


def summarise(case: Case, pionir: Run, highs: Run) -> dict[str, str]:
    """One row of the comparison, as strings."""
    bounds = [b for b in (pionir.bound, highs.bound) if np.isfinite(b)]
    best = min(bounds) if bounds else float("nan")
    p_near = pionir.time_within(best)
    h_near = highs.time_within(best)
    if p_near is None or h_near is None:
        ratio = "-" if p_near is None else f">{highs.seconds / max(p_near, 1e-9):.1f}"
    else:
        ratio = f"{h_near / max(p_near, 1e-9):.1f}"
    if pionir.objective is None:
        beats = "no plan"
    elif highs.objective is None:
        beats = "yes"
    elif abs(pionir.objective - highs.objective) <= 1e-6 * max(1.0, abs(highs.objective)):
        beats = "tie"
    else:
        beats = "yes" if pionir.objective > highs.objective else "no"

    def gap(run: Run) -> str:
        if run.objective is None or not best > 0:
            return "-"
        return f"{max(0.0, (best - run.objective) / best):.3%}"

    employees = int(pionir.stats.get("employees") or highs.stats.get("employees") or case.employees)
    notes = []
    for run in (pionir, highs):
        if run.error:
            notes.append(f"{run.solver} crashed: {run.error}")
        if run.violations:
            notes.append(f"{run.solver} plan REJECTED: {'; '.join(run.violations[:3])}")
        if run.objective is not None and run.objective > best * (1 + 1e-6) + 1e-6:
            notes.append(f"{run.solver}'s plan beats the other's bound: the models disagree")
    return {
        "family": case.label,
        "employees": f"{employees:,}",
        "seed": str(case.seed),
        "pionir obj / bound": f"{_number(pionir.objective)} / {_number(pionir.bound)}",
        "pionir s": f"{pionir.seconds:.1f}",
        "pionir ≤0.5%": _seconds(p_near),
        "highs ≤0.5%": _seconds(h_near),
        "highs obj / bound": f"{_number(highs.objective)} / {_number(highs.bound)}",
        "highs s": f"{highs.seconds:.1f}",
        "highs build s": f"{highs.stats.get('build_seconds', float('nan')):.2f}",
        "best bound": _number(best),
        "pionir gap": gap(pionir),
        "highs gap": gap(highs),
        "speed ratio": ratio,
        "pionir better": beats,
        "pionir MiB": f"{pionir.peak_mib:.0f}",
        "highs MiB": f"{highs.peak_mib:.0f}",
        "notes": " | ".join(notes),
    }


COLUMNS = (
    "family",
    "employees",
    "seed",
    "pionir obj / bound",
    "pionir s",
    "pionir ≤0.5%",
    "highs ≤0.5%",
    "highs obj / bound",
    "highs gap",
    "speed ratio",
    "pionir better",
    "pionir MiB",
    "highs MiB",
)


def print_row(row: dict[str, str], header: bool) -> None:
    widths = {c: max(len(c), 10) for c in COLUMNS}
    widths["pionir obj / bound"] = widths["highs obj / bound"] = 23
    if header:
        print("  ".join(f"{c:>{widths[c]}}" for c in COLUMNS), flush=True)
    print("  ".join(f"{row[c]:>{widths[c]}}" for c in COLUMNS), flush=True)
    extra = (
        f"    best bound {row['best bound']}; Pionir gap {row['pionir gap']}; "
        f"HiGHS wall {row['highs s']} s, build {row['highs build s']} s"
    )
    print(extra + (f"; {row['notes']}" if row["notes"] else ""), flush=True)


def markdown(rows: Sequence[dict[str, str]]) -> str:
    head = [
        "family",
        "employees",
        "seed",
        "Pionir objective / bound",
        "Pionir s",
        "Pionir to 0.5 %",
        "HiGHS to 0.5 %",
        "HiGHS objective / bound",
        "HiGHS s",
        "HiGHS gap",
        "speed ratio",
        "Pionir's plan better",
        "peak MiB (Pionir / HiGHS)",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for row in rows:
        cells = [
            row["family"],
            row["employees"],
            row["seed"],
            row["pionir obj / bound"],
            row["pionir s"],
            row["pionir ≤0.5%"],
            row["highs ≤0.5%"],
            row["highs obj / bound"],
            row["highs s"],
            row["highs gap"],
            row["speed ratio"],
            row["pionir better"],
            f"{row['pionir MiB']} / {row['highs MiB']}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--families", nargs="*", default=None, help="family names (default all; none: demo only)"
    )
    parser.add_argument("--employees", type=int, default=12_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--pionir-limit", type=float, default=30.0)
    parser.add_argument("--highs-limit", type=float, default=150.0)
    parser.add_argument(
        "--demo-scales", type=float, nargs="*", default=[1.0], help="also the demo at these scales"
    )
    parser.add_argument("--demo-seed", type=int, default=2024)
    parser.add_argument("--markdown", action="store_true", help="end with a markdown table")
    args = parser.parse_args(argv)
    cases = []
    if args.families is None or args.families:
        cases.extend(family_cases(args.employees, args.seeds, args.families))
    cases.extend(Case("demo", args.demo_seed, scale=scale) for scale in args.demo_scales)
    print(
        f"Pionir limit {args.pionir_limit:g} s; HiGHS {metadata.version('highspy')} "
        f"limit {args.highs_limit:g} s (mip_rel_gap {HIGHS_REL_GAP:g}); "
        f"near optimal = within {NEAR:.1%} of the best bound either proved; "
        "gaps are to that bound; speed ratio = HiGHS's time to near optimal / Pionir's",
        flush=True,
    )
    rows = []
    for case in cases:
        pionir = run_in_child(case, "pionir", args.pionir_limit)
        highs = run_in_child(case, "highs", args.highs_limit)
        rows.append(summarise(case, pionir, highs))
        print_row(rows[-1], header=len(rows) == 1)
    if args.markdown and rows:
        print()
        print(markdown(rows))


if __name__ == "__main__":
    main()
