"""What one more of each capacity is worth: a plan's bottlenecks as changes to the scenario.

The root LP's prices (`PlanResult.prices`, keys in `lp_arrays.py`) say what one more
seat, flat, desk, school place, quota place or rupiah is worth to the objective. This
module turns every positive price into a concrete change a planner can make, in the
scenario's own terms: a file, a row id, a column and a `delta` (a signed number is
added to the cell, anything else replaces it):

    waves.csv       K2      seats        +100      (price seats:K)
    towers.csv      T01     units        +2        (flats:C; any tower of class C)
    towers.csv      T07     ready_month  2024-07   (tower_ready:C:K, housing:L|P:K)
    buildings.csv   B3      desks        +50       (desks:B)
    buildings.csv   B3      ready_month  2024-08   (building_ready:B:K)
    facilities.csv  SD-1    capacity     +60       (school:K of the waves it is ready by)
    facilities.csv  SD-2    ready_month  2024-08   (school:K of the waves it would join)
    units.csv       U1      quota        +10       (quota:U)
    policy          planning miniature_min -1      (miniature:U of the units at the minimum)
    policy          allowance budget     +1e10     (budget)

`housing:KIND:K` (flats or beds by wave K) is not a cell of its own: more flats by a
wave come from more flats in a ready tower (`flats:C`) or a later tower made ready by
it, so those prices reach the table through the tower rows.

A change's size is about a tenth of the cell's value, rounded up to two significant
digits, and at least one household's worth (its members for seats, its employees for
desks and quota, its children for school places, its allowance for the budget).

Gains. `objective_gain` is first the dual estimate: price x delta, or for a readiness
change the prices of the waves it opens, times the flats, desks or places opened. By
LP duality (the LP's optimum is concave in its right-hand sides) this bounds what a
change of right-hand sides alone gains the LP; readiness changes are far from marginal
and desks enter the matrix too, so it can be far off. The rows at the top are therefore
re-solved: the change is applied to the scenario (`apply_bottleneck`), prepared, and
its LP solved; the gain is the new LP bound minus the old. This goes lazily, best row
first, until the top few rows are all re-solved, or a few re-solves are done, or the
budget passed in is spent: the rest keep their dual estimates.

The LP lets a work unit split between buildings, so where desks or buildings bind, its
gains can be far from a plan's (a building ready earlier: the LP +42, plans +571). For
models small enough, the top rows are then re-solved once more with the buildings MIP
(unit-building choices integer), whose bound follows the plans closely; only MIPs
proven optimal count, so that the difference of two bounds is steady.

Every gain is capped by what moving every movable household in its best wave would add
to the LP bound: no change here moves anyone the screening holds back. A re-solved
change that gains nothing is dropped. `movers_gain` divides the gain by the plan's
objective per moving employee, at most the movable employees who stay.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Final, Protocol

from pionir.planner.budget import Budget
from pionir.planner.instance import PlanningInstance, prepare
from pionir.planner.relaxation import (
    Integrality,
    Relaxation,
    RelaxationInfeasible,
    solve_relaxation,
)
from pionir.planner.result import PlanResult
from pionir.scenario.model import Month, Policy, Scenario

# bottlenecks.csv's columns, in order; the fields of `Bottleneck` that are written.
HEADER: Final = (
    "file",
    "id",
    "column",
    "delta",
    "objective_gain",
    "movers_gain",
    "text_id",
    "text_en",
)
# Re-solve until this many rows at the top are re-solved ...
RESOLVE_TOP: Final = 5
# ... or this many re-solves are done (also what bounds a deterministic run).
MAX_RESOLVES: Final = 10
# A change's size: this share of the current value, at least one household's worth.
STEP_SHARE: Final = 0.1
# Models of at most this many household-wave choices also re-solve the buildings MIP,
# whose bound follows the plans where desks bind (the LP splits units between buildings).
MIP_UP_TO: Final = 6_000
# Gains at or below this are no gain (LP round-off).
NO_GAIN: Final = 1e-6

MONTHS_ID: Final = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Scenario file -> (Scenario field, id field of its rows).
_TABLES: Final = {
    "waves.csv": ("waves", "wave_id"),
    "towers.csv": ("towers", "tower_id"),
    "buildings.csv": ("buildings", "building_id"),
    "facilities.csv": ("facilities", "facility_id"),
    "units.csv": ("units", "unit_id"),
}


class CellChange(Protocol):
    """A change to one cell of the scenario: a Bottleneck, or a candidate for one."""

    @property
    def file(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def column(self) -> str: ...
    @property
    def delta(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Bottleneck:
    """One binding capacity element, as a change to the scenario and what it gains.

    The first eight fields are bottlenecks.csv's columns. `key` names the price it
    comes from; `estimate` says how `objective_gain` was found: `dual` (price x delta),
    `lp` (the re-solved LP's bound gain) or `buildings_mip` (the re-solved buildings
    MIP's bound gain).
    """

    file: str
    id: str
    column: str
    delta: str
    objective_gain: float
    movers_gain: float
    text_id: str
    text_en: str
    key: str = ""
    estimate: str = "dual"

    def row(self) -> tuple[str, ...]:
        """The csv row: gains with fixed decimals."""
        return (
            self.file,
            self.id,
            self.column,
            self.delta,
            f"{self.objective_gain:.2f}",
            f"{self.movers_gain:.1f}",
            self.text_id,
            self.text_en,
        )


@dataclass(frozen=True, slots=True)
class _Change:
    """A candidate change before the texts are written: where, what, and its gain so far."""

    file: str
    id: str
    column: str
    delta: str
    gain: float
    key: str
    # What the change is in words, without its gain ("kloter K2 tambah 100 kursi").
    what_id: str
    what_en: str
    estimate: str = "dual"

    @property
    def cell(self) -> tuple[str, str, str, str]:
        return (self.file, self.id, self.column, self.delta)


@dataclass(frozen=True, slots=True)
class _Context:
    """What every kind of element needs: the instance, its prices and the household steps."""

    instance: PlanningInstance
    prices: Mapping[str, float]
    # One household's worth, on average over the movable households.
    persons: int
    employees: int
    children: int
    allowance: int

    @property
    def scenario(self) -> Scenario:
        return self.instance.scenario

    def price(self, key: str) -> float:
        return max(0.0, self.prices.get(key, 0.0))

    def ready_wave(self, month: Month) -> int:
        """Index of the first wave by whose month `month` has come (len(waves): none)."""
        waves = self.scenario.waves
        return next((k for k, wave in enumerate(waves) if month <= wave.month), len(waves))


def find_bottlenecks(
    instance: PlanningInstance,
    result: PlanResult,
    budget: Budget,
    *,
    top: int = RESOLVE_TOP,
    max_resolves: int = MAX_RESOLVES,
    mip_up_to: int = MIP_UP_TO,
    threads: int = 1,
) -> tuple[Bottleneck, ...]:
    """The plan's bottlenecks, best first: every capacity element with a positive price.

    Gains are the root LP's dual estimates, re-solved for the rows at the top within
    `budget`: LPs first (at most `max_resolves`), then, for models of at most
    `mip_up_to` household-wave choices, the buildings MIP for the `top` rows.
    `threads` is for MIPs run in a child process; in this process HiGHS always runs on
    one thread (see relaxation.new_highs).
    """
    if result.plan is None:
        return ()
    prices: Mapping[str, float] = result.prices
    base = result.stats.get("lp_bound")
    if not prices or base is None:
        # The search kept no root LP: solve it here, if the budget allows.
        root = None if budget.expired() else _relaxation(instance, budget, threads=threads)
        if root is None:
            return ()
        prices, base = (prices or root.prices), root.bound
    context = _context(instance, prices)
    # No change moves anyone the screening holds back: every household in its best wave
    # is as far as any gain can go.
    headroom = sum(max(c.value) for c in instance.candidates) - base
    capped = (replace(c, gain=min(c.gain, headroom)) for c in _candidates(context))
    changes = _best_first(_unique(c for c in capped if c.gain > NO_GAIN))
    scenario = instance.scenario
    lp = _Resolver(scenario, base, budget, Integrality.NONE, threads)
    # A re-solve builds and solves the LP again: about twice the root LP's solve.
    first = 2 * result.stats.get("lp_seconds", 0.0)
    changes = _refine(changes, lp, top, max_resolves, first)
    choices = len(instance.candidates) * len(instance.waves)
    if changes and choices <= mip_up_to and not budget.expired():
        root = _relaxation(instance, budget, Integrality.BUILDINGS, threads)
        if root is not None:
            mip = _Resolver(scenario, root.bound, budget, Integrality.BUILDINGS, threads)
            changes = _refine(changes, mip, top, top)
    per_mover, staying = _movers(instance, result)
    ratio = instance.scenario.policy.planning.desk_ratio
    return tuple(_bottleneck(change, per_mover, staying, ratio) for change in changes)


def _candidates(context: _Context) -> Iterable[_Change]:
    kinds: tuple[Callable[[_Context], Iterable[_Change]], ...] = (
        _seats,
        _tower_units,
        _tower_ready,
        _desks,
        _building_ready,
        _school_places,
        _school_ready,
        _quota,
        _miniature,
        _budget,
    )
    for kind in kinds:
        yield from kind(context)


def _seats(context: _Context) -> Iterable[_Change]:
    """seats:K -> more seats in wave K."""
    for k, wave in enumerate(context.scenario.waves):
        key = f"seats:{k}"
        step = _step(wave.seats, context.persons)
        yield _Change(
            "waves.csv",
            wave.wave_id,
            "seats",
            f"+{step}",
            context.price(key) * step,
            key,
            f"kloter {wave.wave_id} tambah {_number_id(step)} kursi",
            f"wave {wave.wave_id} with {step:,} more seats",
        )


def _tower_units(context: _Context) -> Iterable[_Change]:
    """flats:C -> more flats in a tower of class C (its largest; they are interchangeable)."""
    for c, housing_class in enumerate(context.instance.housing_classes):
        key = f"flats:{c}"
        tower = max(housing_class.towers, key=lambda t: t.units)
        step = _step(tower.units, 1)
        yield _Change(
            "towers.csv",
            tower.tower_id,
            "units",
            f"+{step}",
            context.price(key) * step,
            key,
            f"menara {tower.tower_id} tambah {_number_id(step)} unit hunian",
            f"tower {tower.tower_id} with {step:,} more flats",
        )


def _tower_ready(context: _Context) -> Iterable[_Change]:
    """tower_ready:C:K and housing:L|P:K -> a tower of class C ready by wave K's month.

    Ready from wave K instead of wave r, the tower's flats count in the waves K..r-1: the
    estimate is its flats times the family-flat prices of those waves (tower_ready), or
    its beds times the singles' bed prices (housing:L, housing:P), whichever is more.
    """
    waves = context.scenario.waves
    for c, housing_class in enumerate(context.instance.housing_classes):
        tower = max(housing_class.towers, key=lambda t: t.units)
        ready = context.ready_wave(housing_class.ready_month)
        for k in range(min(ready, len(waves))):
            keys = (f"tower_ready:{c}:{k}", f"housing:L:{k}", f"housing:P:{k}")
            if not any(context.price(key) > 0 for key in keys):
                continue
            opened = range(k, ready)
            family = sum(context.price(f"tower_ready:{c}:{j}") for j in opened)
            singles = max(
                sum(context.price(f"housing:{gender}:{j}") for j in opened) for gender in "LP"
            )
            per_flat = max(family, housing_class.bedrooms * singles)
            yield _Change(
                "towers.csv",
                tower.tower_id,
                "ready_month",
                str(waves[k].month),
                per_flat * tower.units,
                keys[0],
                f"menara {tower.tower_id} siap {_month_id(waves[k].month)}, "
                f"bukan {_month_id(tower.ready_month)}",
                f"tower {tower.tower_id} ready {_month_en(waves[k].month)} "
                f"instead of {_month_en(tower.ready_month)}",
            )


def _desks(context: _Context) -> Iterable[_Change]:
    """desks:B (in persons) -> more desks in building B."""
    ratio = context.scenario.policy.planning.desk_ratio
    for building in context.scenario.buildings:
        key = f"desks:{building.building_id}"
        step = _step(building.desks, math.ceil(context.employees * ratio))
        persons = int((building.desks + step) // ratio) - int(building.desks // ratio)
        yield _Change(
            "buildings.csv",
            building.building_id,
            "desks",
            f"+{step}",
            context.price(key) * persons,
            key,
            f"gedung kantor {building.building_id} tambah {_number_id(step)} meja kerja",
            f"office building {building.building_id} with {step:,} more desks",
        )


def _building_ready(context: _Context) -> Iterable[_Change]:
    """building_ready:B:K -> building B ready by wave K's month.

    Each mover arrives once, so the estimate is the building's room (persons) times the
    best price of a desk there among the waves it opens.
    """
    waves = context.scenario.waves
    ratio = context.scenario.policy.planning.desk_ratio
    for building in context.scenario.buildings:
        bid = building.building_id
        ready = context.ready_wave(building.ready_month)
        room = int(building.desks // ratio)
        for k in range(min(ready, len(waves))):
            key = f"building_ready:{bid}:{k}"
            if context.price(key) <= 0:
                continue
            best = max(context.price(f"building_ready:{bid}:{j}") for j in range(k, ready))
            yield _Change(
                "buildings.csv",
                bid,
                "ready_month",
                str(waves[k].month),
                best * room,
                key,
                f"gedung kantor {bid} siap {_month_id(waves[k].month)}, "
                f"bukan {_month_id(building.ready_month)}",
                f"office building {bid} ready {_month_en(waves[k].month)} "
                f"instead of {_month_en(building.ready_month)}",
            )


def _school_places(context: _Context) -> Iterable[_Change]:
    """school:K -> more places in a school ready by wave K: it counts in every later wave too."""
    waves = context.scenario.waves
    for school in context.scenario.facilities:
        if school.kind != "school":
            continue
        ready = context.ready_wave(school.ready_month)
        step = _step(school.capacity, context.children)
        per_place = sum(context.price(f"school:{k}") for k in range(ready, len(waves)))
        yield _Change(
            "facilities.csv",
            school.facility_id,
            "capacity",
            f"+{step}",
            per_place * step,
            f"school:{ready}",
            f"sekolah {school.facility_id} tambah {_number_id(step)} tempat murid",
            f"school {school.facility_id} with {step:,} more pupil places",
        )


def _school_ready(context: _Context) -> Iterable[_Change]:
    """school:K -> a school ready by wave K's month: its places count in waves K..r-1."""
    waves = context.scenario.waves
    for school in context.scenario.facilities:
        if school.kind != "school":
            continue
        ready = context.ready_wave(school.ready_month)
        for k in range(min(ready, len(waves))):
            key = f"school:{k}"
            if context.price(key) <= 0:
                continue
            per_place = sum(context.price(f"school:{j}") for j in range(k, ready))
            yield _Change(
                "facilities.csv",
                school.facility_id,
                "ready_month",
                str(waves[k].month),
                per_place * school.capacity,
                key,
                f"sekolah {school.facility_id} siap {_month_id(waves[k].month)}, "
                f"bukan {_month_id(school.ready_month)}",
                f"school {school.facility_id} ready {_month_en(waves[k].month)} "
                f"instead of {_month_en(school.ready_month)}",
            )


def _quota(context: _Context) -> Iterable[_Change]:
    """quota:U -> a higher quota for unit U, up to its movable employees."""
    for unit in context.scenario.units:
        key = f"quota:{unit.unit_id}"
        room = context.instance.movable_count.get(unit.unit_id, 0) - unit.quota
        if room <= 0:
            continue
        step = min(room, _step(unit.quota, context.employees))
        yield _Change(
            "units.csv",
            unit.unit_id,
            "quota",
            f"+{step}",
            context.price(key) * step,
            key,
            f"kuota unit kerja {unit.unit_id} tambah {_number_id(step)} ASN",
            f"work unit {unit.unit_id}'s quota {step:,} higher",
        )


def _miniature(context: _Context) -> Iterable[_Change]:
    """miniature:U -> a first-wave minimum one lower, for every unit held at the minimum."""
    scenario = context.scenario
    minimum = scenario.policy.planning.miniature_min
    if minimum <= 0:
        return
    gain = 0.0
    for unit in scenario.units:
        movable = context.instance.movable_count.get(unit.unit_id, 0)
        if unit.miniature and minimum <= min(unit.quota, movable):
            gain += context.price(f"miniature:{unit.unit_id}")
    yield _Change(
        "policy",
        "planning",
        "miniature_min",
        "-1",
        gain,
        "miniature",
        f"miniatur pemerintahan minimal {minimum - 1} ASN per unit kerja, bukan {minimum}",
        f"miniature government minimum of {minimum - 1} employees per unit instead of {minimum}",
    )


def _budget(context: _Context) -> Iterable[_Change]:
    """budget -> a larger allowance budget."""
    budget = context.scenario.policy.allowance.budget
    step = _step(budget, context.allowance)
    yield _Change(
        "policy",
        "allowance",
        "budget",
        f"+{step}",
        context.price("budget") * step,
        "budget",
        f"anggaran tunjangan pionir tambah Rp{_number_id(step)}",
        f"allowance budget Rp{step:,} higher",
    )


def _context(instance: PlanningInstance, prices: Mapping[str, float]) -> _Context:
    candidates = instance.candidates

    def mean(values: Sequence[float]) -> int:
        return max(1, math.ceil(sum(values) / len(values))) if values else 1

    return _Context(
        instance=instance,
        prices=prices,
        persons=mean([c.members for c in candidates]),
        employees=mean([len(c.employees) for c in candidates]),
        children=mean([c.children for c in candidates if c.children]),
        allowance=mean([max(c.allowance) for c in candidates]),
    )


def _unique(changes: Iterable[_Change]) -> list[_Change]:
    """One candidate per cell change, the best estimate where two elements name the same."""
    best: dict[tuple[str, str, str, str], _Change] = {}
    for change in changes:
        known = best.get(change.cell)
        if known is None or change.gain > known.gain:
            best[change.cell] = change
    return list(best.values())


def _best_first(changes: Iterable[_Change]) -> list[_Change]:
    return sorted(changes, key=lambda change: (-change.gain, change.cell))


@dataclass(frozen=True, slots=True)
class _Resolver:
    """Re-solves the scenario with one change: the LP, or the buildings MIP."""

    scenario: Scenario
    base: float
    budget: Budget
    integer: Integrality
    threads: int

    @property
    def estimate(self) -> str:
        return "buildings_mip" if self.integer is Integrality.BUILDINGS else "lp"

    def gain(self, change: CellChange) -> float | None:
        """The bound gained by the change; None when the budget ran out first."""
        changed = prepare(apply_bottleneck(self.scenario, change))
        solved = _relaxation(changed, self.budget, self.integer, self.threads)
        if solved is None:
            return None
        return max(0.0, solved.bound - self.base)


def _relaxation(
    instance: PlanningInstance,
    budget: Budget,
    integer: Integrality = Integrality.NONE,
    threads: int = 1,
) -> Relaxation | None:
    """The unheld relaxation's answer; for a MIP, only one proven optimal (a steady bound)."""
    try:
        solved = solve_relaxation(instance, budget, integer=integer, threads=threads)
    except RelaxationInfeasible:
        return None
    if solved is None or (integer is not Integrality.NONE and not solved.optimal):
        return None
    return solved


def _refine(
    changes: list[_Change], resolver: _Resolver, top: int, count: int, first: float = 0.0
) -> list[_Change]:
    """Re-solve the best change among the top rows not yet re-solved so, until none is left.

    A wall-clock budget stops it when spent, or when the time left is less than the last
    re-solve took (`first`, the root solve's time, before any); a work budget only by the
    count, so that reruns give the same rows. A change that gains nothing is dropped.
    """
    budget = resolver.budget
    last = first
    for _ in range(count):
        if budget.expired() or (not budget.deterministic and budget.remaining() < last):
            break
        pending = next((c for c in changes[:top] if c.estimate != resolver.estimate), None)
        if pending is None:
            break
        started = time.monotonic()
        gain = resolver.gain(pending)
        last = time.monotonic() - started
        if gain is None:
            break
        rest = [c for c in changes if c is not pending]
        if gain > NO_GAIN:
            rest.append(replace(pending, gain=gain, estimate=resolver.estimate))
        changes = _best_first(rest)
    return changes


def _movers(instance: PlanningInstance, result: PlanResult) -> tuple[float, int]:
    """The plan's objective per moving employee, and the movable employees who stay."""
    plan = result.plan
    moving = [c for c in instance.candidates if plan and c.household_id in plan.placements]
    movers = sum(len(c.employees) for c in moving)
    staying = sum(len(c.employees) for c in instance.candidates) - movers
    if movers and result.objective > 0:
        return result.objective / movers, staying
    # Nobody moves: the mean value of a movable employee in the best wave instead.
    values = [max(c.value) / len(c.employees) for c in instance.candidates]
    return (sum(values) / len(values) if values else 1.0), staying


def _most_movers(change: _Change, desk_ratio: float) -> float:
    """The extra employees a change can seat at most: N more seats, quota places or persons'
    desks seat no more than N; other changes only the movable employees who stay."""
    if not change.delta.startswith("+") or change.column not in ("seats", "quota", "desks"):
        return float("inf")
    added = float(change.delta[1:])
    return added / desk_ratio if change.column == "desks" else added


def _bottleneck(change: _Change, per_mover: float, staying: int, desk_ratio: float) -> Bottleneck:
    """The row of a change; its extra movers at the plan's value per mover, at most those
    staying and at most what the change itself seats (the units it frees may be worth more
    per employee than the plan's average)."""
    movers = min(float(staying), change.gain / per_mover) if per_mover > 0 else 0.0
    movers = min(movers, _most_movers(change, desk_ratio))
    return Bottleneck(
        file=change.file,
        id=change.id,
        column=change.column,
        delta=change.delta,
        objective_gain=change.gain,
        movers_gain=movers,
        text_id=f"{change.what_id}: {_gain_id(change.gain, movers)}",
        text_en=f"{change.what_en}: {_gain_en(change.gain, movers)}",
        key=change.key,
        estimate=change.estimate,
    )


def apply_bottleneck(scenario: Scenario, row: CellChange) -> Scenario:
    """The scenario with the row's change made: a signed delta is added, anything else replaces.

    `file` is a scenario table (`waves.csv`, `towers.csv`, ...) with `id` a row's id, or
    `policy` with `id` a section of policy.toml (`allowance`, `planning`, ...) and
    `column` its key. Raises ValueError for a file, id or column the scenario lacks.
    """
    if row.file == "policy":
        return replace(scenario, policy=_changed_policy(scenario.policy, row))
    if row.file not in _TABLES:
        raise ValueError(f"{row.file} is not a table a bottleneck can change")
    table, id_field = _TABLES[row.file]
    records: tuple[Any, ...] = getattr(scenario, table)
    found = False
    changed: list[Any] = []
    for record in records:
        if getattr(record, id_field) == row.id:
            found = True
            record = _changed(record, row.column, row.delta, f"{row.file} {row.id}")
        changed.append(record)
    if not found:
        raise ValueError(f"{row.file} has no row {row.id}")
    changes: dict[str, Any] = {table: tuple(changed)}
    return replace(scenario, **changes)


def _changed_policy(policy: Policy, row: CellChange) -> Policy:
    names = {f.name for f in fields(policy)}
    if row.id not in names:
        raise ValueError(f"policy has no section {row.id}")
    section = getattr(policy, row.id)
    return replace(policy, **{row.id: _changed(section, row.column, row.delta, f"policy {row.id}")})


def _changed(record: Any, column: str, delta: str, where: str) -> Any:
    """A frozen record with one field changed by a delta."""
    if column not in {f.name for f in fields(record)}:
        raise ValueError(f"{where} has no column {column}")
    current = getattr(record, column)
    signed = delta[:1] in ("+", "-")
    value: object
    if isinstance(current, bool):
        if delta not in ("true", "false"):
            raise ValueError(f"{where} {column}: '{delta}' is not true or false")
        value = delta == "true"
    elif isinstance(current, Month):
        value = Month.parse(delta)
    elif isinstance(current, int):
        value = current + int(delta) if signed else int(delta)
        if value < 0:
            raise ValueError(f"{where} {column}: {delta} would make it negative")
    elif isinstance(current, float):
        value = current + float(delta) if signed else float(delta)
    else:
        raise ValueError(f"{where} {column} is not a number, month or flag")
    return replace(record, **{column: value})


def _step(current: float, least: int) -> int:
    """About a tenth of `current`, rounded up to two significant digits; at least `least`."""
    tenth = STEP_SHARE * current
    if tenth <= 1:
        return max(1, least)
    unit: int = 10 ** max(0, len(str(math.ceil(tenth))) - 2)
    return max(least, math.ceil(tenth / unit) * unit)


def _month_id(month: Month) -> str:
    return f"{MONTHS_ID[month.month - 1]} {month.year}"


def _month_en(month: Month) -> str:
    return f"{MONTHS_EN[month.month - 1]} {month.year}"


def _number_id(value: int) -> str:
    """An integer the Indonesian way: 10.000.000."""
    return f"{value:,}".replace(",", ".")


def _gain_en(gain: float, movers: float) -> str:
    """`+95 ASN`, `+2.3 ASN`; under a twentieth of one, the objective gained instead."""
    if movers >= 9.5:
        return f"+{movers:,.0f} ASN"
    if movers >= 0.05:
        return f"+{movers:.1f} ASN"
    return f"objective +{gain:,.2f}"


def _gain_id(gain: float, movers: float) -> str:
    if movers >= 9.5:
        return f"+{_number_id(round(movers))} ASN"
    if movers >= 0.05:
        return f"+{movers:.1f} ASN".replace(".", ",")
    return "objektif +" + f"{gain:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
