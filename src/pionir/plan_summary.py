"""A planning run's summary as one typed shape: what summary.json holds, what the command
line prints, and what the web stores on the run and shows on its pages and exports.

`summary.json` is `PlanSummary.to_json()` written out; a run's stored summary is the same
JSON. `from_json` reads either back, and `to_json(from_json(x)) == x` for every summary
this code writes, keys and key order included, so files and stored rows keep their bytes.

Two parts are not in every summary, and the type says so rather than a reader's
`.get(key, [])`:

- `premises` (the towers' and office buildings' use) is computed for the pages when the
  worker stores a run; the command line does not compute it, and its summary.json has
  no `towers` or `buildings` keys.
- `timing` says which limit applied and the seconds spent: a command-line run's reading,
  planning and writing (`CommandTiming`), a web job's solve (`JobTiming`). The printed
  summary, built before anything is written, has none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pionir.planner.result import PlanStatus
from pionir.planner.usage import WaveUsage


class SummaryUnreadable(ValueError):
    """A stored summary that is not a summary this code wrote: a key is missing or of the
    wrong type. Raised, not shown: such a row is a bug or a hand edit, not a user's input."""


@dataclass(frozen=True, slots=True)
class ScreeningTotals:
    """Of all candidates: how many passed screening, and how many can move with their household."""

    employees: int
    eligible: int
    movable: int


@dataclass(frozen=True, slots=True)
class BottleneckEntry:
    """One of the top bottlenecks: bottlenecks.csv's columns, gains rounded as in the csv."""

    file: str
    id: str
    column: str
    delta: str
    objective_gain: float
    movers_gain: float
    text_id: str
    text_en: str


@dataclass(frozen=True, slots=True)
class TowerUse:
    """A housing tower and what the plan uses of it."""

    tower_id: str
    ready_month: str
    units: int
    bedrooms: int
    units_used: int
    persons: int


@dataclass(frozen=True, slots=True)
class BuildingUse:
    """An office building and the desks the plan uses in it."""

    building_id: str
    ready_month: str
    desks: int
    desks_used: int


@dataclass(frozen=True, slots=True)
class PremisesUse:
    """Every tower and office building of the scenario, with what the plan uses of each."""

    towers: tuple[TowerUse, ...]
    buildings: tuple[BuildingUse, ...]


@dataclass(frozen=True, slots=True)
class CommandTiming:
    """A command-line run: the limit that applied and the seconds of each step."""

    limit: str  # "wall" (--time-limit) or "work" (--work-limit)
    time_limit: float
    work_limit: float | None
    read_seconds: float
    plan_seconds: float
    write_seconds: float


@dataclass(frozen=True, slots=True)
class JobTiming:
    """A web job: it always plans against the clock."""

    limit: str
    solve_seconds: float


Timing = CommandTiming | JobTiming


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """A run's outcome in figures: status and objective, movers per wave, capacity use,
    screening totals, binding capacities, the top bottlenecks, and where applicable the
    premises' use and the timing.

    `waves` is summary.json's `by_wave` and `capacity_by_wave` together: both come from
    the same per-wave usage, in the waves' order; a run without a plan has none.
    `binding` counts, per wave id, the eligible households each capacity kept out.
    """

    status: PlanStatus
    objective: float
    bound: float
    gap: float
    movers: int
    households_moved: int
    persons_moved: int
    housing_units_used: int
    allowance_total: int
    budget: int
    solve_seconds: float
    conflicts: tuple[str, ...]
    conflicts_en: tuple[str, ...]
    screening: ScreeningTotals
    waves: tuple[WaveUsage, ...]
    binding: Mapping[str, Mapping[str, int]]
    bottlenecks: tuple[BottleneckEntry, ...]
    premises: PremisesUse | None = None
    timing: Timing | None = None

    @property
    def proven_optimal(self) -> bool:
        return self.status is PlanStatus.OPTIMAL

    @property
    def has_plan(self) -> bool:
        return self.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)

    def movers_in(self, wave_id: str) -> int:
        """Employees moving in the wave; 0 for a wave the plan does not have."""
        return next((w.employees for w in self.waves if w.wave_id == wave_id), 0)

    def binding_in(self, wave_id: str) -> Mapping[str, int]:
        """The capacities that bind in the wave, with the households each kept out."""
        return self.binding.get(wave_id, {})

    def to_json(self) -> dict[str, Any]:
        """summary.json's content: the planning model's keys first, then the extras."""
        data: dict[str, Any] = {
            "status": self.status.value,
            "objective": self.objective,
            "bound": self.bound,
            "movers": self.movers,
            "households_moved": self.households_moved,
            "persons_moved": self.persons_moved,
            "by_wave": {
                w.wave_id: {"employees": w.employees, "persons": w.persons} for w in self.waves
            },
            "housing_units_used": self.housing_units_used,
            "allowance_total": self.allowance_total,
            "solve_seconds": self.solve_seconds,
            "conflicts": list(self.conflicts),
            "conflicts_en": list(self.conflicts_en),
            "gap": self.gap,
            "proven_optimal": self.proven_optimal,
            "screening": {
                "employees": self.screening.employees,
                "eligible": self.screening.eligible,
                "movable": self.screening.movable,
            },
            "binding": {wave: dict(counts) for wave, counts in self.binding.items()},
            "capacity_by_wave": [_wave_capacity_json(w) for w in self.waves],
            "budget": self.budget,
            "bottlenecks": [_bottleneck_json(b) for b in self.bottlenecks],
        }
        if self.premises is not None:
            data["towers"] = [_tower_json(t) for t in self.premises.towers]
            data["buildings"] = [_building_json(b) for b in self.premises.buildings]
        if self.timing is not None:
            data["timing"] = _timing_json(self.timing)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanSummary:
        """Read a summary written by `to_json` (a summary.json, a run's stored summary)."""
        reader = _Reader(data, "summary")
        by_wave = reader.mapping("by_wave")
        waves = tuple(
            _wave_from_json(_Reader(w, f"capacity_by_wave[{k}]"), by_wave)
            for k, w in enumerate(reader.items("capacity_by_wave"))
        )
        if list(by_wave) != [w.wave_id for w in waves]:
            raise SummaryUnreadable("summary: by_wave and capacity_by_wave name other waves")
        status = reader.text("status")
        if status not in set(PlanStatus):
            raise SummaryUnreadable(f"summary: unknown status {status!r}")
        screening = reader.sub("screening")
        return cls(
            status=PlanStatus(status),
            objective=reader.decimal("objective"),
            bound=reader.decimal("bound"),
            gap=reader.decimal("gap"),
            movers=reader.integer("movers"),
            households_moved=reader.integer("households_moved"),
            persons_moved=reader.integer("persons_moved"),
            housing_units_used=reader.integer("housing_units_used"),
            allowance_total=reader.integer("allowance_total"),
            budget=reader.integer("budget"),
            solve_seconds=reader.decimal("solve_seconds"),
            conflicts=reader.texts("conflicts"),
            conflicts_en=reader.texts("conflicts_en"),
            screening=ScreeningTotals(
                screening.integer("employees"),
                screening.integer("eligible"),
                screening.integer("movable"),
            ),
            waves=waves,
            binding=_binding_from_json(reader.sub("binding")),
            bottlenecks=tuple(
                _bottleneck_from_json(_Reader(b, f"bottlenecks[{k}]"))
                for k, b in enumerate(reader.items("bottlenecks"))
            ),
            premises=_premises_from_json(reader) if "towers" in data else None,
            timing=_timing_from_json(reader.sub("timing")) if "timing" in data else None,
        )


# --- writing ---------------------------------------------------------------------------


def _wave_capacity_json(wave: WaveUsage) -> dict[str, Any]:
    return {
        "wave_id": wave.wave_id,
        "month": wave.month,
        "persons": wave.persons,
        "seats": wave.seats,
        "flats_used": wave.flats_used,
        "flats_ready": wave.flats_ready,
        "pupils": wave.pupils,
        "school_places": wave.school_places,
        "allowance": wave.allowance,
    }


def _bottleneck_json(entry: BottleneckEntry) -> dict[str, Any]:
    return {
        "file": entry.file,
        "id": entry.id,
        "column": entry.column,
        "delta": entry.delta,
        "objective_gain": entry.objective_gain,
        "movers_gain": entry.movers_gain,
        "text_id": entry.text_id,
        "text_en": entry.text_en,
    }


def _tower_json(tower: TowerUse) -> dict[str, Any]:
    return {
        "tower_id": tower.tower_id,
        "ready_month": tower.ready_month,
        "units": tower.units,
        "bedrooms": tower.bedrooms,
        "units_used": tower.units_used,
        "persons": tower.persons,
    }


def _building_json(building: BuildingUse) -> dict[str, Any]:
    return {
        "building_id": building.building_id,
        "ready_month": building.ready_month,
        "desks": building.desks,
        "desks_used": building.desks_used,
    }


def _timing_json(timing: Timing) -> dict[str, Any]:
    if isinstance(timing, JobTiming):
        return {"limit": timing.limit, "solve_seconds": timing.solve_seconds}
    return {
        "limit": timing.limit,
        "time_limit": timing.time_limit,
        "work_limit": timing.work_limit,
        "read_seconds": timing.read_seconds,
        "plan_seconds": timing.plan_seconds,
        "write_seconds": timing.write_seconds,
    }


# --- reading ---------------------------------------------------------------------------


class _Reader:
    """Typed reads from one JSON object; a wrong or missing key names its path."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise SummaryUnreadable(f"{path}: not an object")
        self.data: Mapping[str, Any] = data
        self.path = path

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise SummaryUnreadable(f"{self.path}.{key}: missing")
        return self.data[key]

    def _refuse(self, key: str, wanted: str) -> SummaryUnreadable:
        return SummaryUnreadable(f"{self.path}.{key}: not {wanted}")

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._refuse(key, "a whole number")
        return value

    def decimal(self, key: str) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._refuse(key, "a number")
        return float(value)

    def optional_decimal(self, key: str) -> float | None:
        return None if self._get(key) is None else self.decimal(key)

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._refuse(key, "a text")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.items(key)
        if not all(isinstance(v, str) for v in values):
            raise self._refuse(key, "a list of texts")
        return tuple(values)

    def items(self, key: str) -> Sequence[Any]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._refuse(key, "a list")
        return value

    def mapping(self, key: str) -> Mapping[str, Any]:
        return self.sub(key).data

    def sub(self, key: str) -> _Reader:
        return _Reader(self._get(key), f"{self.path}.{key}")


def _wave_from_json(wave: _Reader, by_wave: Mapping[str, Any]) -> WaveUsage:
    wave_id = wave.text("wave_id")
    moved = _Reader(by_wave.get(wave_id), f"summary.by_wave.{wave_id}")
    persons = wave.integer("persons")
    if moved.integer("persons") != persons:
        raise SummaryUnreadable(f"summary.by_wave.{wave_id}: persons differ from capacity_by_wave")
    return WaveUsage(
        wave_id=wave_id,
        month=wave.text("month"),
        employees=moved.integer("employees"),
        persons=persons,
        seats=wave.integer("seats"),
        flats_used=wave.integer("flats_used"),
        flats_ready=wave.integer("flats_ready"),
        pupils=wave.integer("pupils"),
        school_places=wave.integer("school_places"),
        allowance=wave.integer("allowance"),
    )


def _binding_from_json(binding: _Reader) -> dict[str, dict[str, int]]:
    counted = {wave: binding.sub(wave) for wave in binding.data}
    return {wave: {code: c.integer(code) for code in c.data} for wave, c in counted.items()}


def _bottleneck_from_json(entry: _Reader) -> BottleneckEntry:
    return BottleneckEntry(
        file=entry.text("file"),
        id=entry.text("id"),
        column=entry.text("column"),
        delta=entry.text("delta"),
        objective_gain=entry.decimal("objective_gain"),
        movers_gain=entry.decimal("movers_gain"),
        text_id=entry.text("text_id"),
        text_en=entry.text("text_en"),
    )


def _premises_from_json(summary: _Reader) -> PremisesUse:
    towers = [_Reader(t, f"summary.towers[{k}]") for k, t in enumerate(summary.items("towers"))]
    buildings = [
        _Reader(b, f"summary.buildings[{k}]") for k, b in enumerate(summary.items("buildings"))
    ]
    return PremisesUse(
        towers=tuple(
            TowerUse(
                tower_id=t.text("tower_id"),
                ready_month=t.text("ready_month"),
                units=t.integer("units"),
                bedrooms=t.integer("bedrooms"),
                units_used=t.integer("units_used"),
                persons=t.integer("persons"),
            )
            for t in towers
        ),
        buildings=tuple(
            BuildingUse(
                building_id=b.text("building_id"),
                ready_month=b.text("ready_month"),
                desks=b.integer("desks"),
                desks_used=b.integer("desks_used"),
            )
            for b in buildings
        ),
    )


def _timing_from_json(timing: _Reader) -> Timing:
    # A web job's timing has the solve's seconds only; a command's has every step's.
    if "solve_seconds" in timing.data:
        return JobTiming(limit=timing.text("limit"), solve_seconds=timing.decimal("solve_seconds"))
    return CommandTiming(
        limit=timing.text("limit"),
        time_limit=timing.decimal("time_limit"),
        work_limit=timing.optional_decimal("work_limit"),
        read_seconds=timing.decimal("read_seconds"),
        plan_seconds=timing.decimal("plan_seconds"),
        write_seconds=timing.decimal("write_seconds"),
    )
