"""The relaxed plan model as sparse arrays, ready for HiGHS.

Columns: x[h, k] (household h in wave k), cumulative flats per (kind, housing class,
wave), arrivals per kind and wave, pupils per wave, y[u, b] (unit u in building b) and
m[u, b, k] (unit u's wave-k movers seated in building b). m exists only for buildings
ready by wave k, so readiness holds exactly; what the relaxation gives up is that a unit
may split between buildings, and that y may be fractional.

Rows carry keys for the capacities a planner can change, so that their duals price
one more seat, flat, desk, school place, quota place or rupiah:

    seats:K             wave K's seats (index into the waves)
    housing:KIND:K      flats (families) or beds (single men L / women P) by wave K
    flats:C             housing class C's flats
    desks:B             building B's desks (in persons: desks / desk_ratio)
    school:K            school places ready by wave K
    quota:U             unit U's quota
    miniature:U         unit U's first-wave minimum (a negative price: it costs)
    budget              the allowance budget

A capacity that also sits in column bounds or in the unit-building rows is priced by
all of them, since the LP may put its dual on any: `flats:C` adds the bound duals of the
class's flat columns (each at most the class's flats), `desks:B` and `quota:U` add, for
each unit whose seats in a building they size, its capacity row's dual (counted when y
is not at 0) and the bound duals of its movers' columns.

`tower_ready:C:K` prices a flat of housing class C made ready by wave K;
`building_ready:B:K` prices a desk of office building B made ready by wave K: the best
reduced cost, over the units that may sit in B, of the movers' column m[u, B, K] that
B's readiness leaves out of the model (priced from the row duals, as column generation
would).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from pionir.planner.instance import PlanningInstance

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int32]

KINDS = ("family", "L", "P")
INF = float("inf")
# A reduced cost below -this: the column sits at its lower bound.
DUAL_TOLERANCE = 1e-9


@dataclass(slots=True)
class _Triplets:
    """Coefficients gathered as (row, column, value) arrays, then sorted into rows."""

    rows: list[NDArray[np.int64]] = field(default_factory=list)
    cols: list[NDArray[np.int64]] = field(default_factory=list)
    vals: list[FloatArray] = field(default_factory=list)

    def add(self, row: object, col: object, val: object) -> None:
        r, c, v = np.broadcast_arrays(
            np.asarray(row, dtype=np.int64),
            np.asarray(col, dtype=np.int64),
            np.asarray(val, dtype=np.float64),
        )
        self.rows.append(r.ravel())
        self.cols.append(c.ravel())
        self.vals.append(v.ravel())


@dataclass(slots=True)
class LpArrays:
    """The model's arrays in row-wise (CSR) form, with the maps back to domain ids."""

    household_ids: list[str]
    wave_count: int
    cost: FloatArray
    upper: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    start: IntArray
    index: IntArray
    value: FloatArray
    y_index: dict[tuple[str, str], int]
    m_index: dict[tuple[str, str, int], int]
    row_keys: dict[str, int]
    ready_columns: dict[str, int]
    # Cumulative flat counts: integer in the exact model.
    flat_columns: list[int]
    # Price key -> columns whose upper bound is that capacity (their bound duals add).
    bound_columns: dict[str, NDArray[np.int64]]
    # Price key -> the unit-building capacity rows it sizes and their y columns.
    sized_rows: dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]]
    # building_ready:B:K -> the rows a column m[u, B, K] would enter, one entry per unit u
    # that may sit in B: its wave-K link row and its (u, B) capacity row; and B's desks row.
    building_ready: dict[str, tuple[NDArray[np.int64], NDArray[np.int64], int]]

    @property
    def columns(self) -> int:
        return len(self.cost)

    @property
    def rows(self) -> int:
        return len(self.row_lower)

    def y_columns(self) -> list[int]:
        return list(self.y_index.values())

    def x_columns(self) -> list[int]:
        return list(range(len(self.household_ids) * self.wave_count))

    def moves(self, values: FloatArray) -> dict[str, list[float]]:
        w = self.wave_count
        block = values[: len(self.household_ids) * w].reshape(len(self.household_ids), w)
        return {h: [float(v) for v in block[i]] for i, h in enumerate(self.household_ids)}

    def building_shares(self, values: FloatArray) -> dict[str, dict[str, float]]:
        shares: dict[str, dict[str, float]] = {}
        for (unit_id, building_id, _), column in self.m_index.items():
            by_building = shares.setdefault(unit_id, {})
            by_building[building_id] = by_building.get(building_id, 0.0) + float(values[column])
        return shares

    def chosen_buildings(self, values: FloatArray) -> dict[str, str]:
        return {u: b for (u, b), column in self.y_index.items() if values[column] > 0.5}

    def prices(self, row_dual: FloatArray, col_dual: FloatArray) -> dict[str, float]:
        """Objective per unit of capacity, for every keyed row and readiness bound.

        HiGHS reports duals of a maximisation with the sign of the minimisation it
        solves; a capacity that binds is worth a positive amount here.
        """
        prices = {key: abs(float(row_dual[row])) for key, row in self.row_keys.items()}
        for key, columns in self.bound_columns.items():
            prices[key] += float(np.maximum(col_dual[columns], 0.0).sum())
        for key, (rows, ys) in self.sized_rows.items():
            # The row is sum m <= capacity * y: one more capacity frees y of it.
            held = col_dual[ys] >= -DUAL_TOLERANCE
            prices[key] += float((np.maximum(row_dual[rows], 0.0) * held).sum())
        for key, column in self.ready_columns.items():
            prices[key] = max(0.0, float(col_dual[column]))
        for key, (links, caps, desks) in self.building_ready.items():
            # A missing column of cost 0 with +1 in each of its rows: reduced cost -(a . y).
            reduced = -(row_dual[links] + row_dual[caps] + row_dual[desks])
            prices[key] = max(0.0, float(reduced.max())) if len(reduced) else 0.0
        return prices


class _Builder:
    """Appends columns and rows; rows get their bounds and, optionally, a key."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.upper: list[float] = []
        self.lower_rows: list[float] = []
        self.upper_rows: list[float] = []
        self.triplets = _Triplets()
        self.row_keys: dict[str, int] = {}
        self.y_index: dict[tuple[str, str], int] = {}
        self.m_index: dict[tuple[str, str, int], int] = {}
        self.ready_columns: dict[str, int] = {}
        self.flat_columns: list[int] = []
        self.building_ready: dict[str, tuple[NDArray[np.int64], NDArray[np.int64], int]] = {}
        self.bound_columns: dict[str, list[int]] = {}
        self.sized_rows: dict[str, tuple[list[int], list[int]]] = {}

    def sized(self, key: str, row: int, y: int, columns: list[int]) -> None:
        """Record that capacity `key` sizes a unit-building row and these columns' bounds."""
        self.bound_columns.setdefault(key, []).extend(columns)
        rows, ys = self.sized_rows.setdefault(key, ([], []))
        rows.append(row)
        ys.append(y)

    def columns(self, count: int, upper: float, cost: float = 0.0) -> int:
        first = len(self.cost)
        self.cost.extend([cost] * count)
        self.upper.extend([upper] * count)
        return first

    def rows(self, count: int, lower: float = -INF, upper: float = INF) -> int:
        first = len(self.lower_rows)
        self.lower_rows.extend([lower] * count)
        self.upper_rows.extend([upper] * count)
        return first

    def row(self, lower: float = -INF, upper: float = INF, key: str | None = None) -> int:
        index = self.rows(1, lower, upper)
        if key is not None:
            self.row_keys[key] = index
        return index


def build_arrays(instance: PlanningInstance, held: Mapping[str, str] | None = None) -> LpArrays:
    """The relaxation's arrays; with `held`, units sit only in their held building (or none)."""
    scenario = instance.scenario
    waves = scenario.waves
    w = len(waves)
    candidates = instance.candidates
    n = len(candidates)
    b = _Builder()
    t = b.triplets
    # x columns first, household-major, so moves() can reshape them.
    x0 = b.columns(n * w, 1.0)
    value = np.array([c.value for c in candidates], dtype=np.float64).reshape(n, w)
    b.cost[x0 : x0 + n * w] = value.ravel().tolist()
    for i, c in enumerate(candidates):
        for k in c.health_barred:
            b.upper[x0 + i * w + k] = 0.0
    x = np.arange(n * w, dtype=np.int64).reshape(n, w) + x0
    # Rule 1: one wave per household.
    first = b.rows(n, upper=1.0)
    t.add(np.arange(n)[:, None] + first, x, 1.0)
    # Rule 2: seats.
    members = np.array([c.members for c in candidates], dtype=np.float64)
    for k in range(w):
        row = b.row(upper=float(waves[k].seats), key=f"seats:{k}")
        t.add(row, x[:, k], members)
    _housing(b, instance, x)
    _offices(b, instance, x, held)
    _schools(b, instance, x)
    # Rule 9: budget.
    allowance = np.array([c.allowance for c in candidates], dtype=np.float64).reshape(n, w)
    row = b.row(upper=float(scenario.policy.allowance.budget), key="budget")
    t.add(row, x, allowance)
    return _finish(b, [c.household_id for c in candidates], w)


def _housing(b: _Builder, instance: PlanningInstance, x: NDArray[np.int64]) -> None:
    """Rule 3 relaxed: cumulative flats per class, singles counted by bedroom."""
    waves = instance.waves
    w = len(waves)
    classes = instance.housing_classes
    t = b.triplets
    flats: dict[tuple[str, int, int], int] = {}
    for kind in KINDS:
        for c, housing_class in enumerate(classes):
            for k, wave in enumerate(waves):
                column = b.columns(1, float(housing_class.units))
                flats[(kind, c, k)] = column
                if housing_class.ready_month > wave.month:
                    b.upper[column] = 0.0
    ready_columns: dict[str, int] = {}
    for c, housing_class in enumerate(classes):
        b.bound_columns[f"flats:{c}"] = [
            flats[(kind, c, k)]
            for kind in KINDS
            for k, wave in enumerate(waves)
            if housing_class.ready_month <= wave.month
        ]
        row = b.row(upper=float(housing_class.units), key=f"flats:{c}")
        t.add(row, [flats[(kind, c, w - 1)] for kind in KINDS], 1.0)
        for kind in KINDS:
            for k in range(1, w):
                row = b.row(lower=0.0)
                t.add(row, [flats[(kind, c, k)], flats[(kind, c, k - 1)]], [1.0, -1.0])
        for k, wave in enumerate(waves):
            if housing_class.ready_month > wave.month:
                # A family flat made ready by this wave is what readiness is worth.
                ready_columns[f"tower_ready:{c}:{k}"] = flats[("family", c, k)]
    kind_of = np.array([KINDS.index(c.single_gender or "family") for c in instance.candidates])
    for kind_index, kind in enumerate(KINDS):
        mine = np.flatnonzero(kind_of == kind_index)
        arrivals = b.columns(w, INF)
        for k in range(w):
            row = b.row(lower=0.0, upper=0.0)
            t.add(row, [arrivals + k], 1.0)
            t.add(row, x[mine, k], -1.0)
        for k in range(w):
            row = b.row(lower=0.0, key=f"housing:{kind}:{k}")
            sizes = [1.0 if kind == "family" else float(h.bedrooms) for h in classes]
            t.add(row, [flats[(kind, c, k)] for c in range(len(classes))], sizes)
            t.add(row, arrivals + np.arange(k + 1), -1.0)
    b.ready_columns = ready_columns
    b.flat_columns = sorted(flats.values())


def _offices(
    b: _Builder,
    instance: PlanningInstance,
    x: NDArray[np.int64],
    held: Mapping[str, str] | None,
) -> None:
    """Rule 4 relaxed, disaggregated by building and wave; rules 7 and 8 on the same counts."""
    scenario = instance.scenario
    waves = scenario.waves
    w = len(waves)
    t = b.triplets
    ratio = scenario.policy.planning.desk_ratio
    usable = [bld for bld in scenario.buildings if bld.ready_month <= waves[-1].month]
    room = {bld.building_id: float(int(bld.desks // ratio)) for bld in usable}
    members_of: dict[str, list[tuple[int, int]]] = {}
    for i, c in enumerate(instance.candidates):
        for unit_id, count in c.unit_counts.items():
            members_of.setdefault(unit_id, []).append((i, count))
    seated: dict[str, list[int]] = {bld.building_id: [] for bld in usable}
    # Per (building, wave it is not ready by): the link and capacity rows of its units.
    late: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    y_index: dict[tuple[str, str], int] = {}
    m_index: dict[tuple[str, str, int], int] = {}
    minimum = scenario.policy.planning.miniature_min
    for unit in scenario.units:
        unit_id = unit.unit_id
        if unit_id not in members_of:
            continue
        rows_of = np.array([i for i, _ in members_of[unit_id]])
        counts = np.array([count for _, count in members_of[unit_id]], dtype=np.float64)
        cap = float(min(unit.quota, instance.movable_count[unit_id]))
        if held is None:
            allowed = usable
        else:
            allowed = [bld for bld in usable if held.get(unit_id) == bld.building_id]
        choose = b.row(upper=1.0)
        link = b.rows(w, lower=0.0, upper=0.0)
        for k in range(w):
            t.add(link + k, x[rows_of, k], -counts)
        for bld in allowed:
            bid = bld.building_id
            # The tighter of the unit's and the building's size, so a fractional y buys
            # no more desks than the building has.
            capacity = min(cap, room[bid])
            y = b.columns(1, 1.0)
            y_index[(unit_id, bid)] = y
            t.add(choose, y, 1.0)
            big_m = b.row(upper=0.0)
            t.add(big_m, y, -capacity)
            movers: list[int] = []
            for k, wave in enumerate(waves):
                if bld.ready_month > wave.month:
                    links, caps = late.setdefault((bid, k), ([], []))
                    links.append(link + k)
                    caps.append(big_m)
                    continue
                m = b.columns(1, capacity)
                m_index[(unit_id, bid, k)] = m
                t.add(link + k, m, 1.0)
                t.add(big_m, m, 1.0)
                seated[bid].append(m)
                movers.append(m)
            if capacity == room[bid]:
                b.sized(f"desks:{bid}", big_m, y, movers)
            if capacity == cap and instance.movable_count[unit_id] > unit.quota:
                b.sized(f"quota:{unit_id}", big_m, y, movers)
        if instance.movable_count[unit_id] > unit.quota:
            row = b.row(upper=float(unit.quota), key=f"quota:{unit_id}")
            t.add(row, x[rows_of, :], counts[:, None])
        required = min(minimum, unit.quota, instance.movable_count[unit_id])
        if unit.miniature and required:
            row = b.row(lower=float(required), key=f"miniature:{unit_id}")
            t.add(row, x[rows_of, 0], counts)
    for bid, columns in seated.items():
        row = b.row(upper=room[bid], key=f"desks:{bid}")
        if columns:
            t.add(row, columns, 1.0)
    for (bid, k), (links, caps) in late.items():
        b.building_ready[f"building_ready:{bid}:{k}"] = (
            np.array(links, dtype=np.int64),
            np.array(caps, dtype=np.int64),
            b.row_keys[f"desks:{bid}"],
        )
    b.y_index = y_index
    b.m_index = m_index


def _schools(b: _Builder, instance: PlanningInstance, x: NDArray[np.int64]) -> None:
    """Rule 5 relaxed: pupils moved by each wave within the school places ready."""
    schools = [f for f in instance.scenario.facilities if f.kind == "school"]
    children = np.array([c.children for c in instance.candidates], dtype=np.float64)
    with_children = np.flatnonzero(children)
    if not len(with_children):
        return
    t = b.triplets
    w = len(instance.waves)
    pupils = b.columns(w, INF)
    for k in range(w):
        row = b.row(lower=0.0, upper=0.0)
        t.add(row, [pupils + k], 1.0)
        t.add(row, x[with_children, k], -children[with_children])
    for k, wave in enumerate(instance.waves):
        capacity = sum(f.capacity for f in schools if f.ready_month <= wave.month)
        row = b.row(upper=float(capacity), key=f"school:{k}")
        t.add(row, pupils + np.arange(k + 1), 1.0)


def _finish(b: _Builder, household_ids: list[str], wave_count: int) -> LpArrays:
    t = b.triplets
    rows = np.concatenate(t.rows) if t.rows else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(t.cols) if t.cols else np.zeros(0, dtype=np.int64)
    vals = np.concatenate(t.vals) if t.vals else np.zeros(0)
    keep = vals != 0.0
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    order = np.lexsort((cols, rows))
    row_count = len(b.lower_rows)
    start = np.zeros(row_count + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=row_count), out=start[1:])
    return LpArrays(
        household_ids=household_ids,
        wave_count=wave_count,
        cost=np.array(b.cost, dtype=np.float64),
        upper=np.array(b.upper, dtype=np.float64),
        row_lower=np.array(b.lower_rows, dtype=np.float64),
        row_upper=np.array(b.upper_rows, dtype=np.float64),
        start=start,
        index=cols[order].astype(np.int32),
        value=vals[order],
        y_index=b.y_index,
        m_index=b.m_index,
        row_keys=b.row_keys,
        ready_columns=b.ready_columns,
        flat_columns=b.flat_columns,
        building_ready=b.building_ready,
        bound_columns={k: np.array(v, dtype=np.int64) for k, v in b.bound_columns.items()},
        sized_rows={
            key: (np.array(rows, dtype=np.int64), np.array(ys, dtype=np.int64))
            for key, (rows, ys) in b.sized_rows.items()
        },
    )
