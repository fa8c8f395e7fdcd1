"""The scenario: frozen tables of agencies, units, people and capacities, plus the policy.

These types are the core's vocabulary. Readers build them from CSV folders or
workbooks after validation; the demo generator builds them directly; the
planner only reads them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Final

FUNCTIONS: Final = ("core", "policy", "service", "support")
POSITION_TYPES: Final = ("jpt", "administrator", "pengawas", "fungsional", "pelaksana")
EDUCATION_ORDER: Final = ("SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3")
# D4 and S1 are the same level (sarjana terapan = sarjana), hence the shared rank.
EDUCATION_RANK: Final[Mapping[str, int]] = MappingProxyType(
    {"SD": 0, "SMP": 1, "SMA": 2, "D1": 3, "D2": 4, "D3": 5, "D4": 6, "S1": 6, "S2": 7, "S3": 8}
)
PERFORMANCE_SCORE: Final[Mapping[str, float]] = MappingProxyType(
    {"sangat_baik": 1.0, "baik": 0.8, "butuh_perbaikan": 0.5, "kurang": 0.25, "sangat_kurang": 0.0}
)
GENDERS: Final = ("L", "P")
# `declined`: the employee declined or withdrew from the move.
STATUSES: Final = ("available", "exempt", "declined")
FACILITY_KINDS: Final = ("school", "health")
GRADE_PATTERN: Final = re.compile(r"^(I|II|III|IV)/([a-e])$")


def grade_group(grade: str) -> str:
    """The roman numeral before the slash: `III/b` -> `III`."""
    return grade.split("/", 1)[0]


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month; ordered, and countable by `index` (months since year 0)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse `YYYY-MM`; raises ValueError with a readable reason."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not match:
            raise ValueError(f"'{text}' is not a month in the form YYYY-MM")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"'{text}' has month {month}, which is not between 01 and 12")
        return cls(year, month)

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    def months_until(self, later: Month) -> int:
        """Number of months from self to `later`, both inclusive (0 when later is before)."""
        return max(0, later.index - self.index + 1)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def plus(self, months: int) -> Month:
        total = self.index + months
        return Month(total // 12, total % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class Agency:
    """A K/L (kementerian/lembaga)."""

    agency_id: str
    name: str
    spbe_index: float


@dataclass(frozen=True, slots=True)
class Unit:
    """A work unit (unit kerja, eselon I) of an agency."""

    unit_id: str
    agency_id: str
    name: str
    function: str
    miniature: bool
    digital_readiness: float
    quota: int


@dataclass(frozen=True, slots=True)
class Position:
    """A position in a work unit, with the competency levels it requires."""

    position_id: str
    unit_id: str
    title: str
    position_type: str
    required_general: int
    required_technical: int


@dataclass(frozen=True, slots=True)
class Employee:
    """A civil servant (ASN) identified by an 18-digit NIP."""

    nip: str
    name: str
    position_id: str
    grade: str
    birth_date: date
    gender: str
    education: str
    household_id: str
    general: int
    technical: int
    digital_literacy: float
    multitasking: float
    ikn_principles: float
    berakhlak: float
    performance: str
    status: str


@dataclass(frozen=True, slots=True)
class Household:
    """The people who relocate and live together; moves whole or not at all."""

    household_id: str
    members: int
    school_age_children: int
    needs_health: bool


@dataclass(frozen=True, slots=True)
class Tower:
    """A housing tower; its units are numbered 1..units."""

    tower_id: str
    ready_month: Month
    units: int
    bedrooms: int


@dataclass(frozen=True, slots=True)
class Building:
    """An office building with shared desks."""

    building_id: str
    ready_month: Month
    desks: int


@dataclass(frozen=True, slots=True)
class Facility:
    """A school (capacity in pupils) or a health facility (capacity unused)."""

    facility_id: str
    kind: str
    ready_month: Month
    capacity: int


@dataclass(frozen=True, slots=True)
class Wave:
    """A kloter: a month and the seats of transport available in it."""

    wave_id: str
    month: Month
    seats: int


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class ScreeningPolicy:
    """Thresholds of penapisan (section 4 of the planning model)."""

    min_digital_literacy: float = 60
    min_multitasking: float = 60
    min_ikn_principles: float = 60
    min_berakhlak: float = 70
    min_education: str = "D3"
    performance_ok: tuple[str, ...] = ("sangat_baik", "baik")
    retirement_age: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({"jpt": 60, "fungsional": 60, "default": 58})
    )
    retire_buffer_months: int = 12

    def retirement_age_for(self, position_type: str) -> int:
        return self.retirement_age.get(position_type, self.retirement_age["default"])


@dataclass(frozen=True, slots=True)
class MeritWeights:
    """Weights of the merit score; normalised by their sum when used."""

    general: float = 0.20
    technical: float = 0.25
    digital_literacy: float = 0.15
    multitasking: float = 0.10
    ikn_principles: float = 0.10
    berakhlak: float = 0.10
    performance: float = 0.10


PRIORITY_CRITERIA: Final = ("function", "miniature", "digital", "spbe")


@dataclass(frozen=True, slots=True)
class PriorityPolicy:
    """Unit priority weights, or an AHP pairwise matrix that replaces them."""

    weights: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {"function": 0.4, "miniature": 0.3, "digital": 0.2, "spbe": 0.1}
        )
    )
    function_score: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {"core": 1.0, "policy": 0.75, "service": 0.5, "support": 0.25}
        )
    )
    pairwise: tuple[tuple[float, ...], ...] | None = None


@dataclass(frozen=True, slots=True)
class PlanningPolicy:
    """Plan-wide settings of section 5."""

    desk_ratio: float = 1.0
    miniature_min: int = 5
    earliness: float = 0.2
    singles_share: bool = True


@dataclass(frozen=True, slots=True)
class AllowancePolicy:
    """Tunjangan pionir: a monthly amount per grade group, paid to end_month."""

    monthly: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType(
            {"I": 2_000_000, "II": 3_000_000, "III": 4_000_000, "IV": 5_000_000}
        )
    )
    end_month: Month = Month(2025, 12)
    budget: int = 1_000_000_000_000


@dataclass(frozen=True, slots=True)
class Policy:
    """The whole `policy.toml`; every default is the planning model's."""

    screening: ScreeningPolicy = field(default_factory=ScreeningPolicy)
    merit: MeritWeights = field(default_factory=MeritWeights)
    priority: PriorityPolicy = field(default_factory=PriorityPolicy)
    planning: PlanningPolicy = field(default_factory=PlanningPolicy)
    allowance: AllowancePolicy = field(default_factory=AllowancePolicy)


@dataclass(frozen=True, slots=True)
class Scenario:
    """A complete, validated scenario. Tables keep file order."""

    agencies: tuple[Agency, ...]
    units: tuple[Unit, ...]
    positions: tuple[Position, ...]
    employees: tuple[Employee, ...]
    households: tuple[Household, ...]
    towers: tuple[Tower, ...]
    buildings: tuple[Building, ...]
    facilities: tuple[Facility, ...]
    waves: tuple[Wave, ...]
    policy: Policy = field(default_factory=Policy)
