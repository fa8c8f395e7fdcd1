"""A realistic demo scenario: the 2024 priority-1 relocation plan, reproducible from a seed.

`generate_demo()` builds the 38 priority-1 K/L, their 179 eselon-I units with quotas adding
up to 11,916 ASN, a candidate pool of civil servants with households, and the housing,
office, school, health and transport capacities of the second half of 2024.

Sources (/work/shared/domain/ikn-relocation-facts.md):
- from the facts file: the K/L, unit count and quota total (§1); housing batches (§1, §3);
  office seats (§5); schools and RS Hermina (§6); SPBE values where published (§8);
  the cohort profile of age, sex and education (Bappenas 2022, §1); the share of
  fungsional, pelaksana and structural posts (§7); NIP layout (§8); competency levels by
  post, PermenPANRB 38/2017 (§2); SKP ratings (§8); retirement ages (§2).
- assumptions: everything in `demo_catalogue` marked so; candidate pools of 1.2-1.6 times
  the quota; ~15% below the post's competency level; the four assessment scores
  ~N(72, 12), correlated through one latent ability; SKP 25% sangat baik, 63% baik,
  8% butuh perbaikan, 3% kurang, 1% sangat kurang; 3% exempt; household make-up.

The structure (units, quotas, capacities) depends on `scale` only, its small variations
drawn by a `random.Random` of a fixed seed; the people are drawn by `random.Random(seed)`.
Both draw in a fixed order, so the same (scale, seed) gives an identical scenario.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import NormalDist
from typing import Final, Generic, TypeVar

from pionir.scenario.demo_catalogue import (
    ADMINISTRATOR_TITLES,
    AGENCIES,
    BEDROOMS_PER_UNIT,
    CORE,
    ESELON_II,
    FACILITIES,
    FAMILY_NAMES,
    FEMALE_FAMILY_NAMES,
    FEMALE_NAMES,
    FUNGSIONAL_AHLI_BY_AGENCY,
    FUNGSIONAL_AHLI_GENERAL,
    FUNGSIONAL_TERAMPIL,
    HEAD_TITLES,
    JPT_PRATAMA_TITLES,
    MALE_NAMES,
    MIDDLE_NAMES,
    OFFICE_TOWERS,
    PELAKSANA_TITLES,
    PENGAWAS_TITLES,
    POLICY,
    SERVICE,
    SUPPORT,
    TOWER_BATCHES,
    UNITS_PER_TOWER,
    WAVE_FIRST_MONTH,
    WAVE_SEATS,
    WAVE_YEAR,
    AgencyEntry,
    UnitEntry,
)
from pionir.scenario.model import (
    Agency,
    Building,
    Employee,
    Facility,
    Household,
    Month,
    Position,
    Scenario,
    Tower,
    Unit,
    Wave,
)

Progress = Callable[[str, int, int], None]
T = TypeVar("T")

BASE_UNITS: Final = 179  # facts §1: 179 eselon-I units in priority 1
BASE_QUOTA: Final = 11_916  # facts §1: 11,916 ASN in priority 1
MIN_UNITS: Final = 4  # a tiny scale still gives a handful of units
# Ages, service years and grades are counted at the first kloter.
REFERENCE_DATE: Final = date(2024, 7, 1)
# Units, quotas and readiness do not depend on the seed; their small variations come from
# a generator of their own.
_STRUCTURE_SEED: Final = 179_11916

GRADES: Final = tuple(
    f"{group}/{step}"
    for group, steps in (("I", "abcd"), ("II", "abcd"), ("III", "abcd"), ("IV", "abcde"))
    for step in steps
)
_G = {grade: index for index, grade in enumerate(GRADES)}


@dataclass(frozen=True, slots=True)
class _Choice(Generic[T]):
    """A weighted choice drawn with one `rng.random()`."""

    values: tuple[T, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs: Sequence[tuple[T, float]]) -> _Choice[T]:
        total, cumulative = 0.0, []
        for _, weight in pairs:
            total += weight
            cumulative.append(total)
        return cls(tuple(value for value, _ in pairs), tuple(c / total for c in cumulative))

    def draw(self, rng: random.Random) -> T:
        return self.values[min(bisect(self.cumulative, rng.random()), len(self.values) - 1)]


# Facts §7: fungsional ~51%, pelaksana ~39-40%, structural ~9% (split is an assumption).
POSITION_TYPE_SHARES: Final = _Choice.of(
    [
        ("jpt", 0.005),
        ("administrator", 0.03),
        ("pengawas", 0.055),
        ("fungsional", 0.51),
        ("pelaksana", 0.40),
    ]
)
# Education by post, chosen so the whole pool matches the Bappenas profile (facts §1):
# S1 51.3%, S2 26.7%, D3 14.8%, the rest SMA, D4, S3, D1, D2, SMP (some below D3).
EDUCATION_BY_TYPE: Final = {
    "jpt": _Choice.of([("S1", 0.15), ("S2", 0.60), ("S3", 0.25)]),
    "administrator": _Choice.of([("S1", 0.40), ("S2", 0.55), ("S3", 0.05)]),
    "pengawas": _Choice.of([("D3", 0.03), ("D4", 0.05), ("S1", 0.60), ("S2", 0.32)]),
    "fungsional": _Choice.of(
        [("D3", 0.038), ("D4", 0.01), ("S1", 0.58), ("S2", 0.36), ("S3", 0.012)]
    ),
    "pelaksana": _Choice.of(
        [
            ("SMP", 0.0075),
            ("SMA", 0.0875),
            ("D1", 0.0125),
            ("D2", 0.01),
            ("D3", 0.3175),
            ("D4", 0.018),
            ("S1", 0.4315),
            ("S2", 0.1158),
        ]
    ),
}
# Age bands (facts §1: <30 ~17%, 30-39 34.5%, 40-49 28.8%, 50-60 19.8%); structural posts
# are older, fungsional and pelaksana make up the difference.
AGE_BANDS: Final = ((22.0, 30.0), (30.0, 40.0), (40.0, 50.0), (50.0, 60.0))
_OPEN_AGES: Final = (0.187, 0.35, 0.274, 0.189)
AGE_BAND_BY_TYPE: Final = {
    "jpt": _Choice.of(list(zip(range(4), (0.0, 0.0, 0.3, 0.7), strict=True))),
    "administrator": _Choice.of(list(zip(range(4), (0.0, 0.15, 0.5, 0.35), strict=True))),
    "pengawas": _Choice.of(list(zip(range(4), (0.0, 0.4, 0.4, 0.2), strict=True))),
    "fungsional": _Choice.of(list(zip(range(4), _OPEN_AGES, strict=True))),
    "pelaksana": _Choice.of(list(zip(range(4), _OPEN_AGES, strict=True))),
}
# Batas usia pensiun (UU 5/2014): 60 for JPT and (most) fungsional, 58 otherwise.
RETIREMENT_AGE: Final = {"jpt": 60, "fungsional": 60}
DEFAULT_RETIREMENT_AGE: Final = 58
# Youngest plausible age at appointment (TMT CPNS) and entry grade, by education.
APPOINTMENT_AGE: Final = {
    "SD": 19.0, "SMP": 19.0, "SMA": 19.0, "D1": 20.0, "D2": 21.0, "D3": 22.0,
    "D4": 23.0, "S1": 23.0, "S2": 25.0, "S3": 28.0,
}  # fmt: skip
ENTRY_GRADE: Final = {
    "SD": _G["I/a"], "SMP": _G["I/c"], "SMA": _G["II/a"], "D1": _G["II/a"], "D2": _G["II/b"],
    "D3": _G["II/c"], "D4": _G["III/a"], "S1": _G["III/a"], "S2": _G["III/b"], "S3": _G["III/c"],
}  # fmt: skip
# Highest grade of a pelaksana by education.
PELAKSANA_CEILING: Final = {
    "SD": _G["II/d"], "SMP": _G["II/d"], "SMA": _G["III/b"], "D1": _G["III/b"],
    "D2": _G["III/b"], "D3": _G["III/c"], "D4": _G["III/d"], "S1": _G["III/d"],
    "S2": _G["III/d"], "S3": _G["III/d"],
}  # fmt: skip
PROMOTION_YEARS: Final = 4  # kenaikan pangkat reguler
MAX_APPOINTMENT_AGE: Final = 35.0  # CPNS applicants are at most 35

# Required (general, technical) competency level by post, PermenPANRB 38/2017 (facts §2).
REQUIRED_JPT_MADYA: Final = (5, 4)
REQUIRED_JPT_PRATAMA: Final = (4, 4)
REQUIRED_ADMINISTRATOR: Final = (3, 3)
REQUIRED_PENGAWAS: Final = (2, 2)
# Jenjang jabatan fungsional: grade range and required levels.
_JenjangRow = tuple[str, int, int, tuple[int, int]]
FUNGSIONAL_TERAMPIL_JENJANG: Final[tuple[_JenjangRow, ...]] = (
    ("Terampil", _G["II/c"], _G["II/d"], (1, 1)),
    ("Mahir", _G["III/a"], _G["III/b"], (1, 2)),
    ("Penyelia", _G["III/c"], _G["III/d"], (2, 2)),
)
FUNGSIONAL_AHLI_JENJANG: Final[tuple[_JenjangRow, ...]] = (
    ("Ahli Pertama", _G["III/a"], _G["III/b"], (2, 2)),
    ("Ahli Muda", _G["III/c"], _G["III/d"], (2, 3)),
    ("Ahli Madya", _G["IV/a"], _G["IV/c"], (3, 3)),
    ("Ahli Utama", _G["IV/d"], _G["IV/e"], (3, 4)),
)

MALE_SHARE: Final = 0.54  # facts §1
EXEMPT_SHARE: Final = 0.03
# Share one level short among holders of posts asking level 2 or more (level 1 cannot be
# missed): about 15% of everyone.
BELOW_REQUIRED_SHARE: Final = 0.22
SCORE_MEAN: Final = 72.0
SCORE_SD: Final = 12.0
# Loading of each score on a shared latent ability (the BKN assessment clusters correlate).
ABILITY_LOADING: Final = 0.7
_NORMAL = NormalDist()
_BELOW_CUT: Final = _NORMAL.inv_cdf(BELOW_REQUIRED_SHARE)
# SKP predicates, worst first, by cumulative share (facts §8 distribution rules).
PERFORMANCE_CUTS: Final = tuple(
    (_NORMAL.inv_cdf(share), predicate)
    for share, predicate in (
        (0.01, "sangat_kurang"),
        (0.04, "kurang"),
        (0.12, "butuh_perbaikan"),
        (0.75, "baik"),
    )
)

# Households: who relocates alone (singles, and married ASN moving without their family
# first, facts §2), children by the employee's age band, school-age share.
ALONE_BY_BAND: Final = (0.80, 0.45, 0.25, 0.25)
ASN_COUPLE_SHARE: Final = 0.10  # of employees moving with family: spouse is ASN too
CHILDREN_BY_BAND: Final = (
    _Choice.of([(0, 0.5), (1, 0.4), (2, 0.1)]),
    _Choice.of([(0, 0.15), (1, 0.35), (2, 0.35), (3, 0.15)]),
    _Choice.of([(0, 0.1), (1, 0.25), (2, 0.4), (3, 0.25)]),
    _Choice.of([(0, 0.35), (1, 0.35), (2, 0.25), (3, 0.05)]),
)
SCHOOL_AGE_BY_BAND: Final = (0.3, 0.75, 0.85, 0.5)
HOUSEHOLD_ASSISTANT_SHARE: Final = 0.05  # facts §4: moving costs cover 1 assistant
MAX_MEMBERS: Final = 6
NEEDS_HEALTH_ALONE: Final = 0.04
NEEDS_HEALTH_FAMILY: Final = 0.07
NEEDS_HEALTH_OLDER_EXTRA: Final = 0.03


def nip_for(birth_date: date, appointment: tuple[int, int], gender: str, sequence: int) -> str:
    """The 18-digit NIP: birth date YYYYMMDD, TMT CPNS YYYYMM, 1 (L) or 2 (P), sequence 001+."""
    year, month = appointment
    if not 1 <= month <= 12 or not 1 <= sequence <= 999 or gender not in ("L", "P"):
        raise ValueError(f"no NIP for appointment {appointment}, gender {gender!r}, {sequence}")
    digit = "1" if gender == "L" else "2"
    born = f"{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}"
    return f"{born}{year:04d}{month:02d}{digit}{sequence:03d}"


def generate_demo(
    scale: float = 1.0, seed: int = 2024, progress: Progress | None = None
) -> Scenario:
    """The demo scenario: `scale` 1 is the 2024 priority-1 plan, 3 about priorities 1-3.

    Units number round(179 * scale) (at least 4), quotas add up to round(11,916 * scale)
    (at least one per unit), and every capacity is multiplied by `scale`.
    """
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, got {scale}")
    slots = _unit_slots(scale)
    quotas = _apportion(max(round(BASE_QUOTA * scale), len(slots)), [s.weight for s in slots])
    units = tuple(
        Unit(
            unit_id=slot.unit_id,
            agency_id=slot.agency.agency_id,
            name=slot.name,
            function=slot.entry.function,
            miniature=slot.miniature,
            digital_readiness=slot.digital_readiness,
            quota=quota,
        )
        for slot, quota in zip(slots, quotas, strict=True)
    )
    rng = random.Random(seed)
    pools = [max(quota + 2, round(quota * rng.uniform(1.2, 1.6))) for quota in quotas]
    people = _People(rng, sum(pools), progress)
    for slot, unit, pool in zip(slots, units, pools, strict=True):
        people.add_unit(slot, unit, pool)
    households, employees = people.finish()
    return Scenario(
        agencies=tuple(Agency(a.agency_id, a.name, a.spbe_index) for a in AGENCIES),
        units=units,
        positions=tuple(people.positions),
        employees=employees,
        households=households,
        towers=_towers(scale),
        buildings=tuple(
            Building(t.building_id, Month(t.year, t.month), _scaled(t.desks, scale))
            for t in OFFICE_TOWERS
        ),
        facilities=tuple(
            Facility(f.facility_id, f.kind, Month(f.year, f.month), _scaled(f.capacity, scale))
            for f in FACILITIES
        ),
        waves=tuple(
            Wave(f"K{k + 1}", Month(WAVE_YEAR, WAVE_FIRST_MONTH + k), _scaled(seats, scale))
            for k, seats in enumerate(WAVE_SEATS)
        ),
    )


def _scaled(count: int, scale: float) -> int:
    return max(1, round(count * scale))


def _towers(scale: float) -> tuple[Tower, ...]:
    towers: list[Tower] = []
    for batch in TOWER_BATCHES:
        count = _scaled(batch.towers, scale)
        width = max(2, len(str(count)))
        towers.extend(
            Tower(
                f"T-{batch.letter}{k:0{width}d}",
                Month(batch.year, batch.month),
                UNITS_PER_TOWER,
                BEDROOMS_PER_UNIT,
            )
            for k in range(1, count + 1)
        )
    return tuple(towers)


# --- units and quotas -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _UnitSlot:
    """A unit of the scenario before its quota: from the catalogue, or an extra one."""

    agency: AgencyEntry
    entry: UnitEntry
    unit_id: str
    name: str
    weight: int
    digital_readiness: float
    miniature: bool
    order: tuple[int, int, int]  # agency, priority, index: the file order

    @property
    def priority(self) -> int:
        """1 for the 179 units of the plan, 2 and up for the extra units of a larger scale."""
        return self.order[1]


_READINESS_OFFSET: Final = {SUPPORT: 0.1, CORE: 0.0, POLICY: 0.1, SERVICE: -0.2}


def _readiness(spbe: float, function: str, miniature: bool, rng: random.Random) -> float:
    """Digital readiness: the agency's SPBE index, nudged by function and unit (assumption)."""
    value = spbe + _READINESS_OFFSET[function] + (0.2 if miniature else 0.0)
    return round(min(5.0, max(0.5, value + rng.uniform(-0.5, 0.5))), 1)


def _unit_slots(scale: float) -> list[_UnitSlot]:
    """The units for `scale`: a subset of the 179 below 1, the 179 plus extras above."""
    rng = random.Random(_STRUCTURE_SEED)
    base: list[_UnitSlot] = []
    for a, agency in enumerate(AGENCIES):
        for k, entry in enumerate(agency.units):
            base.append(
                _UnitSlot(
                    agency=agency,
                    entry=entry,
                    unit_id=f"{agency.agency_id}-{k + 1:02d}",
                    name=entry.name,
                    weight=entry.size * rng.randint(80, 120),
                    digital_readiness=_readiness(
                        agency.spbe_index, entry.function, entry.miniature, rng
                    ),
                    miniature=entry.miniature,
                    order=(a, 1, k),
                )
            )
    wanted = max(MIN_UNITS, round(BASE_UNITS * scale))
    if wanted <= len(base):
        # Miniature units first, then every agency's first unit, second unit, and so on.
        chosen = sorted(
            range(len(base)),
            key=lambda i: (not base[i].miniature, base[i].order[2], base[i].order),
        )[:wanted]
        return sorted((base[i] for i in chosen), key=lambda s: s.order)
    extras = []
    for j in range(wanted - len(base)):
        origin = base[j % len(base)]
        priority = 2 + j // len(base)
        a, _, k = origin.order
        pool = ESELON_II[origin.entry.function]
        sub = pool[(k + priority) % len(pool)]
        extras.append(
            _UnitSlot(
                agency=origin.agency,
                entry=origin.entry,
                unit_id=f"{origin.agency.agency_id}-P{priority}-{k + 1:02d}",
                name=f"{sub} pada {origin.name} (Prioritas {priority})",
                weight=origin.weight,
                digital_readiness=_readiness(
                    origin.agency.spbe_index, origin.entry.function, False, rng
                ),
                miniature=False,
                order=(a, priority, k),
            )
        )
    return sorted(base + extras, key=lambda s: s.order)


def _apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Integers, at least 1 each, adding up to `total`, in proportion to `weights`.

    Largest remainder on exact integer arithmetic; ties go to the earlier unit.
    """
    rest = total - len(weights)
    whole = sum(weights)
    shares = [1 + w * rest // whole for w in weights]
    leftover = total - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(weights[i] * rest % whole), i))
    for i in by_remainder[:leftover]:
        shares[i] += 1
    return shares


def _head_title(unit_name: str) -> str:
    """The head's title: 'Direktorat Jenderal Pajak' -> 'Direktur Jenderal Pajak'.

    Extra units drop their parent: 'Biro Hukum pada ...' -> 'Kepala Biro Hukum'.
    """
    name = unit_name.split(" pada ")[0]
    for prefix, title in HEAD_TITLES:
        if name.startswith(prefix):
            return title + name[len(prefix) :]
    return f"Kepala {name}"


# --- people -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Person:
    """An employee before the household and NIP are known."""

    name: str
    position_id: str
    grade: str
    birth_date: date
    appointment: tuple[int, int]
    gender: str
    education: str
    general: int
    technical: int
    scores: tuple[float, float, float, float]
    performance: str
    status: str
    band: int


@dataclass(slots=True)
class _UnitPositions:
    """Positions of one unit, created as people take them."""

    unit_id: str
    by_key: dict[tuple[str, str], Position]
    holders: dict[str, int]  # structural posts taken so far, by position type
    next_number: int = 1


class _People:
    """Draws employees unit by unit, then households and NIPs, with one generator."""

    def __init__(self, rng: random.Random, total: int, progress: Progress | None) -> None:
        self.rng = rng
        self.total = total
        self.progress = progress
        self.positions: list[Position] = []
        self.persons: list[_Person] = []
        self._reported = 0
        self._report()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress("generate", len(self.persons), self.total)
            self._reported = len(self.persons)

    def add_unit(self, slot: _UnitSlot, unit: Unit, pool: int) -> None:
        rng = self.rng
        ahli_titles = FUNGSIONAL_AHLI_BY_AGENCY.get(slot.agency.agency_id, ()) + tuple(
            rng.sample(FUNGSIONAL_AHLI_GENERAL, 3)
        )
        if unit.name.startswith("Inspektorat"):
            ahli_titles += ("Auditor",)
        terampil_titles = tuple(rng.sample(FUNGSIONAL_TERAMPIL, 2))
        seats = _UnitPositions(unit.unit_id, {}, {})
        jpt_count = 0
        for _ in range(pool):
            kind = POSITION_TYPE_SHARES.draw(rng)
            gender = "L" if rng.random() < MALE_SHARE else "P"
            education = EDUCATION_BY_TYPE[kind].draw(rng)
            band = AGE_BAND_BY_TYPE[kind].draw(rng)
            low, high = AGE_BANDS[band]
            retirement = RETIREMENT_AGE.get(kind, DEFAULT_RETIREMENT_AGE)
            age = rng.uniform(low, min(high, retirement) - 0.01)
            if age < APPOINTMENT_AGE[education] + 0.5:
                age = APPOINTMENT_AGE[education] + 0.5 + rng.uniform(0.0, 4.0)
                band = next(b for b, (lo, hi) in enumerate(AGE_BANDS) if lo <= age < hi)
            birth_date = date.fromordinal(REFERENCE_DATE.toordinal() - round(age * 365.2425))
            top = min(MAX_APPOINTMENT_AGE, age - 0.5)
            bottom = min(APPOINTMENT_AGE[education], top)
            appointed_at = rng.triangular(bottom, top, bottom)
            appointed = date.fromordinal(birth_date.toordinal() + int(appointed_at * 365.2425))
            natural = ENTRY_GRADE[education] + int((age - appointed_at) / PROMOTION_YEARS)
            if kind == "jpt":
                head = jpt_count == 0
                jpt_count += 1
                position, grade = self._jpt(seats, unit, head, slot.priority == 1, natural)
            elif kind == "fungsional":
                position, grade = self._fungsional(
                    seats, education, natural, ahli_titles, terampil_titles
                )
            elif kind == "pelaksana":
                title, technical = PELAKSANA_TITLES[rng.randrange(len(PELAKSANA_TITLES))]
                position = self._position(seats, "pelaksana", title, (1, technical))
                grade = min(natural, PELAKSANA_CEILING[education])
            else:
                position, grade = self._supervisor(seats, kind, natural)
            ability = rng.gauss(0.0, 1.0)
            self.persons.append(
                _Person(
                    name=self._name(gender),
                    position_id=position.position_id,
                    grade=GRADES[grade],
                    birth_date=birth_date,
                    appointment=(appointed.year, appointed.month),
                    gender=gender,
                    education=education,
                    general=self._attained(position.required_general, ability),
                    technical=self._attained(position.required_technical, ability),
                    scores=(
                        self._score(SCORE_MEAN + (40.0 - age) * 0.25, ability),
                        self._score(SCORE_MEAN, ability),
                        self._score(SCORE_MEAN, ability),
                        self._score(SCORE_MEAN, ability),
                    ),
                    performance=self._performance(ability),
                    status="exempt" if rng.random() < EXEMPT_SHARE else "available",
                    band=band,
                )
            )
        # The last report (all done) comes when households and NIPs are done too.
        done = len(self.persons)
        if done < self.total and done - self._reported >= max(1, self.total // 50):
            self._report()

    # Positions ------------------------------------------------------------------------

    def _position(
        self, seats: _UnitPositions, kind: str, title: str, required: tuple[int, int]
    ) -> Position:
        key = (kind, title)
        position = seats.by_key.get(key)
        if position is None:
            position = Position(
                f"{seats.unit_id}-{seats.next_number:03d}", seats.unit_id, title, kind, *required
            )
            seats.next_number += 1
            seats.by_key[key] = position
            self.positions.append(position)
        return position

    def _structural_title(self, seats: _UnitPositions, kind: str, titles: Sequence[str]) -> str:
        """Each structural post has one holder; titles repeat with a number when used up."""
        count = seats.holders.get(kind, 0)
        seats.holders[kind] = count + 1
        title = titles[count % len(titles)]
        return title if count < len(titles) else f"{title} {count // len(titles) + 1}"

    def _jpt(
        self, seats: _UnitPositions, unit: Unit, head: bool, eselon_one: bool, natural: int
    ) -> tuple[Position, int]:
        """The unit's head (JPT Madya of an eselon-I unit) first, JPT Pratama after."""
        if head and eselon_one:
            position = self._position(seats, "jpt", _head_title(unit.name), REQUIRED_JPT_MADYA)
            return position, min(max(natural, _G["IV/d"]), _G["IV/e"])
        if head:
            position = self._position(seats, "jpt", _head_title(unit.name), REQUIRED_JPT_PRATAMA)
            return position, min(max(natural, _G["IV/c"]), _G["IV/d"])
        title = self._structural_title(seats, "jpt", JPT_PRATAMA_TITLES[unit.function])
        position = self._position(seats, "jpt", title, REQUIRED_JPT_PRATAMA)
        return position, min(max(natural, _G["IV/c"]), _G["IV/d"])

    def _supervisor(self, seats: _UnitPositions, kind: str, natural: int) -> tuple[Position, int]:
        if kind == "administrator":
            title = self._structural_title(seats, kind, ADMINISTRATOR_TITLES)
            position = self._position(seats, kind, title, REQUIRED_ADMINISTRATOR)
            return position, min(max(natural, _G["III/d"]), _G["IV/b"])
        title = self._structural_title(seats, kind, PENGAWAS_TITLES)
        position = self._position(seats, kind, title, REQUIRED_PENGAWAS)
        return position, min(max(natural, _G["III/b"]), _G["III/d"])

    def _fungsional(
        self,
        seats: _UnitPositions,
        education: str,
        natural: int,
        ahli_titles: Sequence[str],
        terampil_titles: Sequence[str],
    ) -> tuple[Position, int]:
        """Keterampilan track for diploma holders, keahlian for S1/D4 and up; jenjang by grade."""
        if education in ("D4", "S1", "S2", "S3"):
            jenjang, titles = FUNGSIONAL_AHLI_JENJANG, ahli_titles
            ceiling = _G["IV/e"] if education in ("S2", "S3") else _G["IV/c"]
        else:
            jenjang, titles = FUNGSIONAL_TERAMPIL_JENJANG, terampil_titles
            ceiling = jenjang[-1][2]
        grade = min(max(natural, jenjang[0][1]), ceiling)
        name, _, _, required = next(row for row in jenjang if row[1] <= grade <= row[2])
        title = f"{titles[self.rng.randrange(len(titles))]} {name}"
        return self._position(seats, "fungsional", title, required), grade

    # Attributes -----------------------------------------------------------------------

    def _name(self, gender: str) -> str:
        rng = self.rng
        first = rng.choice(MALE_NAMES if gender == "L" else FEMALE_NAMES)
        parts = [first]
        if rng.random() < 0.25:
            parts.append(rng.choice(MIDDLE_NAMES))
        if rng.random() < 0.8:
            female_family = gender == "P" and rng.random() < 0.4
            parts.append(rng.choice(FEMALE_FAMILY_NAMES if female_family else FAMILY_NAMES))
        return " ".join(parts)

    def _attained(self, required: int, ability: float) -> int:
        """Mostly at or above the post's level; some one level below (when there is one)."""
        rng = self.rng
        own = ABILITY_LOADING * ability + math.sqrt(1 - ABILITY_LOADING**2) * rng.gauss(0, 1)
        if own < _BELOW_CUT:
            return max(1, required - 1)
        roll = rng.random()
        return min(5, required + (0 if roll < 0.6 else 1 if roll < 0.9 else 2))

    def _score(self, mean: float, ability: float) -> float:
        own = ABILITY_LOADING * ability + math.sqrt(1 - ABILITY_LOADING**2) * self.rng.gauss(0, 1)
        return round(min(100.0, max(0.0, mean + SCORE_SD * own)), 1)

    def _performance(self, ability: float) -> str:
        own = 0.5 * ability + math.sqrt(0.75) * self.rng.gauss(0, 1)
        return next((p for cut, p in PERFORMANCE_CUTS if own < cut), "sangat_baik")

    # Households and NIPs ----------------------------------------------------------------

    def _couples(self, family: list[int]) -> dict[int, int]:
        """Pairs of ASN spouses (L with P, close in age), usually in different units."""
        rng, persons = self.rng, self.persons
        candidates = [i for i in family if rng.random() < ASN_COUPLE_SHARE]
        men = sorted((i for i in candidates if persons[i].gender == "L"), key=self._by_birth)
        women = sorted((i for i in candidates if persons[i].gender == "P"), key=self._by_birth)
        short, long = (men, women) if len(men) <= len(women) else (women, men)
        partner: dict[int, int] = {}
        for n, i in enumerate(short):
            j = long[n * len(long) // len(short)]
            partner[i], partner[j] = j, i
        return partner

    def _by_birth(self, i: int) -> tuple[date, int]:
        return self.persons[i].birth_date, i

    def finish(self) -> tuple[tuple[Household, ...], tuple[Employee, ...]]:
        rng, persons = self.rng, self.persons
        alone = [rng.random() < ALONE_BY_BAND[p.band] for p in persons]
        partner = self._couples([i for i, a in enumerate(alone) if not a])
        households: list[Household] = []
        household_of: list[int] = [-1] * len(persons)
        for i in range(len(persons)):
            if household_of[i] >= 0:
                continue
            members = [i] if alone[i] else [i, partner[i]] if i in partner else [i]
            households.append(self._household(len(households) + 1, members, alone[i]))
            for m in members:
                household_of[m] = len(households) - 1
        sequences: dict[str, int] = {}
        employees = []
        for person, household in zip(persons, household_of, strict=True):
            prefix = nip_for(person.birth_date, person.appointment, person.gender, 1)[:15]
            sequence = sequences.get(prefix, 0) + 1
            sequences[prefix] = sequence
            digital, multitasking, principles, berakhlak = person.scores
            employees.append(
                Employee(
                    nip=f"{prefix}{sequence:03d}",
                    name=person.name,
                    position_id=person.position_id,
                    grade=person.grade,
                    birth_date=person.birth_date,
                    gender=person.gender,
                    education=person.education,
                    household_id=households[household].household_id,
                    general=person.general,
                    technical=person.technical,
                    digital_literacy=digital,
                    multitasking=multitasking,
                    ikn_principles=principles,
                    berakhlak=berakhlak,
                    performance=person.performance,
                    status=person.status,
                )
            )
        self._report()
        return tuple(households), tuple(employees)

    def _household(self, number: int, employees: list[int], alone: bool) -> Household:
        rng = self.rng
        household_id = f"H{number:06d}"
        if alone:
            return Household(household_id, 1, 0, rng.random() < NEEDS_HEALTH_ALONE)
        band = max(self.persons[i].band for i in employees)
        adults = 2  # the employee and a spouse (an ASN or not)
        assistant = 1 if rng.random() < HOUSEHOLD_ASSISTANT_SHARE else 0
        children = min(CHILDREN_BY_BAND[band].draw(rng), MAX_MEMBERS - adults - assistant)
        school_age = sum(rng.random() < SCHOOL_AGE_BY_BAND[band] for _ in range(children))
        needs = NEEDS_HEALTH_FAMILY + (NEEDS_HEALTH_OLDER_EXTRA if band == 3 else 0.0)
        return Household(
            household_id, adults + assistant + children, school_age, rng.random() < needs
        )
