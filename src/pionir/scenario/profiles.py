"""Families of generated scenarios: the demo's people under capacities nobody tuned for.

The demo scenario (`generate_demo`) has one set of capacities, the 2024 plan's. A planner
tuned on it may do well there and badly elsewhere. A `Profile` keeps the demo's agencies,
units, positions, employees and households, and replaces the towers, office buildings,
schools, health facilities, waves and the policy by ones set from a few knobs: how tight
each capacity is, how many waves there are, when capacities come ready, the mix of flats,
the priority weights, which units belong to the miniature government.

Tightness is a fraction of need, measured on the movable population (the households
`prepare` hands to the planner): 1.0 is what moving every movable household in the first
wave would take, 0.15 is 15 % of it. Capacities arrive over several months rather than
all at the first wave, since staged readiness is what makes the problem hard.

Every generated scenario is feasible. Rule 8 obliges each miniature unit to move a
handful of employees in the first wave, so a small reserve is set aside first: for each
miniature unit, its easiest households (no care needed, no children, small). The first
wave's seats, the first tower, the first office building, the schools ready at the
first wave and the budget are then made large enough to take the whole reserve at once.
Where the fraction alone would not cover it, that capacity ends up slightly above its
fraction of need.

`generate_profile(profile, employees, seed)` is deterministic: the same profile, size and
seed give an identical scenario.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import Final

from pionir.planner.instance import Candidate, prepare
from pionir.priority.ahp import MAX_CONSISTENCY_RATIO, ahp_weights
from pionir.scenario.demo import generate_demo
from pionir.scenario.model import (
    PRIORITY_CRITERIA,
    Building,
    Facility,
    Household,
    Month,
    PlanningPolicy,
    Policy,
    Scenario,
    Tower,
    Unit,
    Wave,
)

# generate_demo(scale=1, seed=2024) has this many employees; scales are set from it.
DEMO_EMPLOYEES: Final = 16_574
MAX_WAVES: Final = 12
# The first wave's month, as in the demo (July 2024).
FIRST_WAVE: Final = Month(2024, 7)
# Sizes that make a staged roll-out: towers of about 60 flats (the demo's), schools of
# about 120 pupils; smaller ones when the total is small, so that it still spreads out.
FLATS_PER_TOWER: Final = 60
MIN_FLATS_PER_TOWER: Final = 20
PUPILS_PER_SCHOOL: Final = 120
MIN_PUPILS_PER_SCHOOL: Final = 30
# Health capacity is not used by the model; a plausible number of beds for the reader.
HEALTH_BEDS: Final = 20
# A second health facility opens this many months after the first.
SECOND_HEALTH_AFTER: Final = 3
# Sizes vary by up to this share around the mean, so that towers and buildings differ.
SIZE_JITTER: Final = 0.25


@dataclass(frozen=True, slots=True)
class Profile:
    """The knobs of one family of scenarios.

    Capacity fractions (`housing`, `seats`, `desks`, `schools`, `budget`) are shares of
    what moving every movable household would need. Readiness knobs count months after
    the first wave's month: a capacity comes ready from `*_from` months after it, spread
    evenly over `*_over` months (None: over all the waves' months); nothing is ready after
    the last wave, so every capacity can be used by some wave.
    """

    name: str
    description: str
    description_id: str
    housing: float = 0.6
    seats: float = 0.6
    desks: float = 0.6
    schools: float = 0.6
    budget: float = 0.6
    # Number of office buildings = ceil(units / units_per_building).
    units_per_building: int = 4
    # (bedrooms, weight): towers are shared out between the kinds in proportion.
    bedrooms: tuple[tuple[int, float], ...] = ((3, 1.0),)
    desk_ratio: float = 1.0
    earliness: float = 0.2
    # Share of households with needs_health, re-drawn; None keeps the demo's (about 6 %).
    health_share: float | None = None
    waves: int = 6
    # Months between waves.
    wave_gap: int = 1
    # Share of all seats in the first wave; None: about an even share.
    first_wave_seats: float | None = None
    singles_share: bool = True
    # An AHP matrix (order function, miniature, digital, spbe) replacing the weights.
    pairwise: tuple[tuple[float, ...], ...] | None = None
    # Priority weights by criterion; None keeps the policy's defaults.
    priority_weights: tuple[tuple[str, float], ...] | None = None
    # Share of units marked miniature, re-drawn (at least one unit when above 0).
    miniature_share: float = 0.2
    miniature_min: int = 5
    towers_from: int = 0
    towers_over: int | None = None
    buildings_from: int = 0
    buildings_over: int | None = None
    schools_from: int = 0
    schools_over: int | None = None
    health_from: int = 1
    # The allowance is paid until this many months after the last wave's month.
    allowance_after: int = 6

    def __post_init__(self) -> None:
        problems = []
        for knob in ("housing", "seats", "desks", "schools", "budget"):
            if not getattr(self, knob) > 0:
                problems.append(f"{knob} must be above 0")
        if not 1 <= self.waves <= MAX_WAVES:
            problems.append(f"waves must be 1 to {MAX_WAVES}")
        if self.wave_gap < 1 or self.units_per_building < 1 or self.miniature_min < 0:
            problems.append("wave_gap and units_per_building must be >= 1, miniature_min >= 0")
        if not self.bedrooms or any(b < 1 or w <= 0 for b, w in self.bedrooms):
            problems.append("bedrooms must list (bedrooms >= 1, weight > 0) pairs")
        if not self.desk_ratio > 0 or self.earliness < 0:
            problems.append("desk_ratio must be above 0 and earliness at least 0")
        readiness = ("towers", "buildings", "schools")
        for knob in (*(f"{k}_from" for k in readiness), "health_from", "allowance_after"):
            if getattr(self, knob) < 0:
                problems.append(f"{knob} must be at least 0")
        for knob in (f"{k}_over" for k in readiness):
            if getattr(self, knob) is not None and getattr(self, knob) < 1:
                problems.append(f"{knob} must be at least 1 month")
        for knob in ("health_share", "first_wave_seats", "miniature_share"):
            value = getattr(self, knob)
            if value is not None and not 0 <= value <= 1:
                problems.append(f"{knob} must be between 0 and 1")
        if self.pairwise is not None:
            size = len(PRIORITY_CRITERIA)
            if len(self.pairwise) != size or any(len(row) != size for row in self.pairwise):
                problems.append(f"pairwise must be a {size}x{size} matrix")
            elif (ratio := ahp_weights(self.pairwise).consistency_ratio) >= MAX_CONSISTENCY_RATIO:
                problems.append(f"pairwise must be consistent (CR {ratio:.3f} is not below 0.10)")
        if self.priority_weights is not None and {c for c, _ in self.priority_weights} != set(
            PRIORITY_CRITERIA
        ):
            problems.append(f"priority_weights must name {', '.join(PRIORITY_CRITERIA)}")
        if problems:
            raise ValueError(f"profile {self.name!r}: " + "; ".join(problems))

    @property
    def first_wave_housing(self) -> bool:
        """Whether towers come ready at the first wave (beyond the miniature reserve)."""
        return self.towers_from == 0

    def knobs(self) -> dict[str, object]:
        """The knobs by name, for listings (name and descriptions left out)."""
        skip = {"name", "description", "description_id"}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}


@dataclass(frozen=True, slots=True)
class Need:
    """What moving every movable household in the first wave would take."""

    persons: int  # seats
    flats: int  # housing units, singles sharing as the policy and bedroom mix allow
    desks: int  # desks for movable employees capped by unit quotas, at the desk ratio
    pupils: int  # school places
    allowance: int  # rupiah, everyone moving in the first wave


# A consistent judgement (CR about 0.02): the miniature government first, then function.
_MINIATURE_FIRST: Final = (
    (1.0, 1 / 3, 2.0, 4.0),
    (3.0, 1.0, 5.0, 7.0),
    (1 / 2, 1 / 5, 1.0, 3.0),
    (1 / 4, 1 / 7, 1 / 3, 1.0),
)

PROFILES: Final[Mapping[str, Profile]] = {
    profile.name: profile
    for profile in (
        Profile(
            "tight15",
            "Every capacity at 15 % of need.",
            "Semua kapasitas 15 % dari kebutuhan.",
            housing=0.15,
            seats=0.15,
            desks=0.15,
            schools=0.15,
            budget=0.15,
        ),
        Profile(
            "tight30",
            "Every capacity at 30 % of need.",
            "Semua kapasitas 30 % dari kebutuhan.",
            housing=0.3,
            seats=0.3,
            desks=0.3,
            schools=0.3,
            budget=0.3,
        ),
        Profile(
            "few_buildings",
            "One office building per 25 units, every capacity at 30 % of need.",
            "Satu gedung kantor per 25 unit kerja, semua kapasitas 30 % dari kebutuhan.",
            housing=0.3,
            seats=0.3,
            desks=0.3,
            schools=0.3,
            budget=0.3,
            units_per_building=25,
        ),
        Profile(
            "scarce_desks",
            "Desks bind: 20 % of need at 0.8 desks per person, the rest at 70 %.",
            "Meja kerja mengikat: 20 % dari kebutuhan, 0,8 meja per orang; lainnya 70 %.",
            housing=0.7,
            seats=0.7,
            desks=0.2,
            schools=0.7,
            budget=0.7,
            desk_ratio=0.8,
        ),
        Profile(
            "mixed_bedrooms",
            "Towers of 2, 3 and 4 bedrooms, housing at 25 % of need.",
            "Menara hunian 2, 3 dan 4 kamar, hunian 25 % dari kebutuhan.",
            housing=0.25,
            seats=0.7,
            desks=0.7,
            schools=0.7,
            budget=0.7,
            bedrooms=((2, 1.0), (3, 1.0), (4, 1.0)),
        ),
        Profile(
            "tight_budget",
            "Allowance budget at 15 % of need, everything else roomy (120 %).",
            "Anggaran tunjangan 15 % dari kebutuhan, lainnya longgar (120 %).",
            housing=1.2,
            seats=1.2,
            desks=1.2,
            schools=1.2,
            budget=0.15,
        ),
        Profile(
            "many_waves",
            "Twelve monthly waves, capacities at 40 % arriving over the year.",
            "Dua belas kloter bulanan, kapasitas 40 % tersedia bertahap sepanjang tahun.",
            housing=0.4,
            seats=0.4,
            desks=0.4,
            schools=0.4,
            budget=0.4,
            waves=12,
        ),
        Profile(
            "one_wave",
            "A single wave with every capacity at 40 % of need.",
            "Satu kloter saja, semua kapasitas 40 % dari kebutuhan.",
            housing=0.4,
            seats=0.4,
            desks=0.4,
            schools=0.4,
            budget=0.4,
            waves=1,
        ),
        Profile(
            "singles_alone",
            "Singles do not share flats; housing at 30 % of need.",
            "ASN lajang tidak berbagi unit; hunian 30 % dari kebutuhan.",
            housing=0.3,
            seats=0.7,
            desks=0.7,
            schools=0.7,
            budget=0.7,
            singles_share=False,
        ),
        Profile(
            "health_heavy",
            "40 % of households need health care; the first facility opens at the fourth wave.",
            "40 % rumah tangga butuh layanan kesehatan; fasilitas pertama buka pada kloter keempat.",
            health_share=0.4,
            health_from=3,
        ),
        Profile(
            "early",
            "Earliness 0.25 with towers late: none before the third wave's month.",
            "Bobot keawalan 0,25 dan menara terlambat: baru siap mulai bulan kloter ketiga.",
            earliness=0.25,
            towers_from=2,
        ),
        Profile(
            "ahp_pairwise",
            "Unit priority from a consistent AHP matrix that puts the miniature government first.",
            "Prioritas unit dari matriks AHP yang konsisten, miniatur pemerintahan diutamakan.",
            pairwise=_MINIATURE_FIRST,
        ),
        Profile(
            "miniature_heavy",
            "30 % of units in the miniature government, a small first wave (3 % of seats).",
            "30 % unit kerja termasuk miniatur pemerintahan, kloter pertama kecil (3 % kursi).",
            miniature_share=0.3,
            first_wave_seats=0.03,
        ),
        Profile(
            "roomy",
            "Everything at 150 % of need: the quotas and screening decide.",
            "Semua kapasitas 150 % dari kebutuhan: kuota dan penapisan yang menentukan.",
            housing=1.5,
            seats=1.5,
            desks=1.5,
            schools=1.5,
            budget=1.5,
        ),
        Profile(
            "late_offices",
            "Office buildings only from the third wave's month, desks at 50 %.",
            "Gedung kantor baru siap mulai bulan kloter ketiga, meja kerja 50 %.",
            desks=0.5,
            buildings_from=2,
        ),
        Profile(
            "school_crunch",
            "School places at 10 % of need, arriving late; the rest at 70 %.",
            "Kapasitas sekolah 10 % dari kebutuhan dan terlambat; lainnya 70 %.",
            housing=0.7,
            seats=0.7,
            desks=0.7,
            schools=0.1,
            budget=0.7,
            schools_from=2,
        ),
        Profile(
            "digital_first",
            "Priority weighs digital readiness most (0.5); capacities at 40 %.",
            "Prioritas paling menimbang kesiapan digital (0,5); kapasitas 40 %.",
            housing=0.4,
            seats=0.4,
            desks=0.4,
            schools=0.4,
            budget=0.4,
            priority_weights=(
                ("function", 0.2),
                ("miniature", 0.2),
                ("digital", 0.5),
                ("spbe", 0.1),
            ),
        ),
    )
}


def generate_profile(profile: Profile | str, employees: int = 12_000, seed: int = 0) -> Scenario:
    """A scenario of about `employees` candidates with the capacities of `profile`.

    The people come from `generate_demo(seed=seed)` at the matching scale; every draw of
    this module comes from `random.Random(seed)` in a fixed order. Raises KeyError naming
    the known profiles for an unknown name.
    """
    chosen = _profile(profile)
    if employees < 1:
        raise ValueError(f"employees must be at least 1, got {employees}")
    rng = random.Random(seed)
    base = _demo_of_size(employees, seed)
    waves = _wave_months(chosen)
    units = _mark_miniature(base, chosen.miniature_share, rng)
    households = _redraw_health(base.households, chosen.health_share, rng)
    policy = _policy(base.policy, chosen, waves[-1])
    # Who is movable does not depend on the capacities: screening reads the policy and
    # the last wave's month, both final here. So the need is measured once, on the
    # scenario without capacities (its waves have no seats yet).
    staged = replace(
        base,
        units=units,
        households=households,
        towers=(),
        buildings=(),
        facilities=(),
        waves=tuple(Wave(f"K{k + 1}", month, 0) for k, month in enumerate(waves)),
        policy=policy,
    )
    instance = prepare(staged)
    need = _need(instance.candidates, staged, mean_bedrooms(chosen))
    reserve = _miniature_reserve(staged, instance.candidates, instance.movable_count)
    builder = _Builder(chosen, rng, waves, staged, reserve)
    health_at_first = builder.health_month() == waves[0]
    return replace(
        staged,
        households=_cleared_for_first_wave(households, reserve, health_at_first),
        towers=builder.towers(need.flats),
        buildings=builder.buildings(need.desks),
        facilities=builder.facilities(need.pupils),
        waves=builder.waves(need.persons),
        policy=replace(
            policy,
            allowance=replace(policy.allowance, budget=builder.budget(need.allowance)),
        ),
    )


def _profile(profile: Profile | str) -> Profile:
    if isinstance(profile, Profile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        raise KeyError(unknown_profile_message(profile)) from None


def unknown_profile_message(name: str) -> str:
    """The sentence refusing an unknown profile name, listing the known ones."""
    return f"unknown profile {name!r}; the known profiles are {', '.join(PROFILES)}"


def measure_need(
    scenario: Scenario,
    bedrooms: float | None = None,
    candidates: Sequence[Candidate] | None = None,
) -> Need:
    """Capacities that would move every movable household of `scenario` in the first wave.

    Flats pack singles by gender into flats of `bedrooms` (default: the mean of the
    scenario's towers, 3 without towers) when the policy lets singles share. Desks count
    movable employees up to each unit's quota, times the desk ratio.
    """
    if candidates is None:
        candidates = prepare(scenario).candidates
    if bedrooms is None:
        units = sum(t.units for t in scenario.towers)
        bedrooms = sum(t.bedrooms * t.units for t in scenario.towers) / units if units else 3.0
    return _need(candidates, scenario, bedrooms)


def _need(candidates: Sequence[Candidate], scenario: Scenario, bedrooms: float) -> Need:
    share = scenario.policy.planning.singles_share
    singles = Counter(c.employees[0].gender for c in candidates if share and c.members == 1)
    families = len(candidates) - sum(singles.values())
    movable: Counter[str] = Counter()
    for candidate in candidates:
        movable.update(candidate.unit_counts)
    capped = sum(min(movable[u.unit_id], u.quota) for u in scenario.units)
    return Need(
        persons=sum(c.members for c in candidates),
        flats=families + sum(math.ceil(n / bedrooms) for n in singles.values()),
        desks=math.ceil(capped * scenario.policy.planning.desk_ratio),
        pupils=sum(c.children for c in candidates),
        allowance=sum(c.allowance[0] for c in candidates),
    )


def mean_bedrooms(profile: Profile) -> float:
    """The bedrooms of the profile's mix, weighted."""
    return sum(b * w for b, w in profile.bedrooms) / sum(w for _, w in profile.bedrooms)


# --- the base and the policy ----------------------------------------------------------------


def _demo_of_size(employees: int, seed: int) -> Scenario:
    """The demo's people at about `employees` candidates (within 1 % where the scale allows).

    Candidate pools are drawn at 1.2 to 1.6 times the quota, so the first try can be a few
    per cent off; one rescaled try corrects it.
    """
    scale = employees / DEMO_EMPLOYEES
    base = generate_demo(scale=scale, seed=seed)
    if abs(len(base.employees) - employees) > 0.01 * employees:
        base = generate_demo(scale=scale * employees / len(base.employees), seed=seed)
    return base


def _wave_months(profile: Profile) -> list[Month]:
    return [FIRST_WAVE.plus(k * profile.wave_gap) for k in range(profile.waves)]


def _mark_miniature(base: Scenario, share: float, rng: random.Random) -> tuple[Unit, ...]:
    """Re-draw which units are miniature: the demo marks all of them at small scales."""
    count = len(base.units)
    wanted = min(count, max(1, round(share * count))) if share > 0 else 0
    marked = set(rng.sample(range(count), wanted))
    return tuple(replace(unit, miniature=i in marked) for i, unit in enumerate(base.units))


def _redraw_health(
    households: tuple[Household, ...], share: float | None, rng: random.Random
) -> tuple[Household, ...]:
    if share is None:
        return households
    return tuple(replace(h, needs_health=rng.random() < share) for h in households)


def _policy(base: Policy, profile: Profile, last_wave: Month) -> Policy:
    """The demo's policy with the profile's planning, priority and allowance settings.

    The budget is left at 0 here: it is set from the need, once the need is measured.
    """
    priority = base.priority
    if profile.priority_weights is not None:
        priority = replace(priority, weights=MappingProxyType(dict(profile.priority_weights)))
    if profile.pairwise is not None:
        priority = replace(priority, pairwise=profile.pairwise)
    return replace(
        base,
        priority=priority,
        planning=PlanningPolicy(
            desk_ratio=profile.desk_ratio,
            miniature_min=profile.miniature_min,
            earliness=profile.earliness,
            singles_share=profile.singles_share,
        ),
        # Paid past the last wave, so that every wave costs something and a later wave
        # costs less: the budget then trades movers against earliness.
        allowance=replace(
            base.allowance, end_month=last_wave.plus(profile.allowance_after), budget=0
        ),
    )


# --- the miniature reserve ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reserve:
    """Households that, moved together in the first wave, meet rule 8 for every unit."""

    households: tuple[Candidate, ...]
    singles_share: bool

    @property
    def persons(self) -> int:
        return sum(c.members for c in self.households)

    @property
    def employees(self) -> int:
        return sum(len(c.employees) for c in self.households)

    @property
    def pupils(self) -> int:
        return sum(c.children for c in self.households)

    @property
    def allowance(self) -> int:
        return sum(c.allowance[0] for c in self.households)

    def flats(self, bedrooms: int) -> int:
        """Flats for the reserve in towers of `bedrooms`: singles share by gender."""
        singles = Counter(
            c.employees[0].gender for c in self.households if self.singles_share and c.members == 1
        )
        families = len(self.households) - sum(singles.values())
        return families + sum(math.ceil(n / bedrooms) for n in singles.values())


def _miniature_reserve(
    scenario: Scenario, candidates: Sequence[Candidate], movable: Mapping[str, int]
) -> _Reserve:
    """For each miniature unit, its easiest households up to its rule-8 minimum.

    Easiest: needing no health care, all employees in this unit, no children, fewest
    members; so the reserve asks little of the first wave. Quotas are respected.
    """
    minimum = scenario.policy.planning.miniature_min
    quota = {u.unit_id: u.quota for u in scenario.units}
    by_unit: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        for unit_id in candidate.unit_counts:
            by_unit[unit_id].append(candidate)
    taken: Counter[str] = Counter()
    chosen: dict[str, Candidate] = {}
    for unit in scenario.units:
        if not unit.miniature:
            continue
        required = min(minimum, unit.quota, movable.get(unit.unit_id, 0))
        pool = sorted(
            by_unit[unit.unit_id],
            key=lambda c: (
                c.needs_health,
                len(c.unit_counts) > 1,
                c.children,
                c.members,
                c.household_id,
            ),
        )
        for candidate in pool:
            if taken[unit.unit_id] >= required:
                break
            if candidate.household_id in chosen or any(
                taken[u] + n > quota[u] for u, n in candidate.unit_counts.items()
            ):
                continue
            chosen[candidate.household_id] = candidate
            taken.update(candidate.unit_counts)
        if taken[unit.unit_id] < required:
            raise RuntimeError(
                f"cannot reserve {required} first-wave movers for miniature unit "
                f"{unit.unit_id} within the quotas"
            )
    return _Reserve(tuple(chosen.values()), scenario.policy.planning.singles_share)


def _cleared_for_first_wave(
    households: tuple[Household, ...], reserve: _Reserve, health_ready_at_first: bool
) -> tuple[Household, ...]:
    """Reserved households needing care while none is ready go without: rule 6 allows it.

    Only when a miniature unit has too few households that need no care (rare: 40 % of
    households needing care still leaves most units enough).
    """
    if health_ready_at_first:
        return households
    clear = {c.household_id for c in reserve.households if c.needs_health}
    return tuple(
        replace(h, needs_health=False) if h.household_id in clear else h for h in households
    )


# --- capacities -----------------------------------------------------------------------------


def _split(total: int, count: int, rng: random.Random) -> list[int]:
    """`count` integers adding up to `total`, each about total / count (within the jitter).

    At least 1 each when total >= count. Largest remainder; ties to the earlier part.
    """
    floor = 1 if total >= count else 0
    weights = [rng.uniform(1 - SIZE_JITTER, 1 + SIZE_JITTER) for _ in range(count)]
    rest, whole = total - floor * count, sum(weights)
    exact = [rest * w / whole for w in weights]
    shares = [floor + math.floor(x) for x in exact]
    leftover = total - sum(shares)
    by_remainder = sorted(range(count), key=lambda i: (-(exact[i] - math.floor(exact[i])), i))
    for i in by_remainder[:leftover]:
        shares[i] += 1
    return shares


def _apportion_kinds(
    count: int, mix: tuple[tuple[int, float], ...], rng: random.Random
) -> list[int]:
    """`count` bedroom kinds in proportion to the mix's weights, in a shuffled order."""
    whole = sum(w for _, w in mix)
    exact = [count * w / whole for _, w in mix]
    numbers = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(mix)), key=lambda i: (-(exact[i] - numbers[i]), i))
    for i in by_remainder[: count - sum(numbers)]:
        numbers[i] += 1
    kinds = [bedrooms for (bedrooms, _), n in zip(mix, numbers, strict=True) for _ in range(n)]
    rng.shuffle(kinds)
    return kinds


@dataclass(frozen=True, slots=True)
class _Item:
    """A capacity element before its id: when it is ready and how much it holds."""

    month: Month
    size: int
    bedrooms: int = 0


class _Builder:
    """Builds each capacity table from a total, the readiness knobs and the reserve."""

    def __init__(
        self,
        profile: Profile,
        rng: random.Random,
        waves: Sequence[Month],
        scenario: Scenario,
        reserve: _Reserve,
    ) -> None:
        self.profile = profile
        self.rng = rng
        self.first = waves[0]
        self.last = waves[-1]
        self.scenario = scenario
        self.reserve = reserve

    # Readiness --------------------------------------------------------------------------

    def ready(self, months_after_first: int) -> Month:
        """A month after the first wave's, but never after the last wave's."""
        return min(self.first.plus(months_after_first), self.last)

    def spread_months(self, start: int, over: int | None) -> int:
        """Months a capacity comes ready over: by default the waves' months left from start."""
        span = self.last.index - self.first.index + 1
        return max(1, over if over is not None else span - start)

    def staged(self, sizes: Sequence[int], start: int, over: int | None) -> list[_Item]:
        """Sizes in order, the i-th of n ready at start + floor(i * over / n) months."""
        months = self.spread_months(start, over)
        count = len(sizes)
        return [
            _Item(self.ready(start + i * months // count), size) for i, size in enumerate(sizes)
        ]

    def count(self, total: int, per: int, least: int, start: int, over: int | None) -> int:
        """How many elements: about `per` each, more (down to `least` each) to spread out."""
        spread = min(self.spread_months(start, over), total // least)
        return max(1, round(total / per), spread)

    def with_reserve(self, items: list[_Item], needed: int, reserved: _Item) -> list[_Item]:
        """Make the first element, if ready at the first wave, hold `needed`; else add one.

        The reserve needs a single element: a unit's movers share one building, and a
        single tower keeps the singles' packing of `_Reserve.flats` valid.
        """
        if needed <= 0:
            return items
        if items and items[0].month == self.first:
            if items[0].size < needed:
                items[0] = replace(items[0], size=needed)
            return items
        return [replace(reserved, month=self.first, size=needed), *items]

    # Tables -----------------------------------------------------------------------------

    def towers(self, flats_need: int) -> tuple[Tower, ...]:
        profile = self.profile
        total = max(1, round(profile.housing * flats_need))
        start, over = profile.towers_from, profile.towers_over
        count = self.count(total, FLATS_PER_TOWER, MIN_FLATS_PER_TOWER, start, over)
        sizes = _split(total, count, self.rng)
        kinds = _apportion_kinds(count, profile.bedrooms, self.rng)
        items = [
            replace(item, bedrooms=kind)
            for item, kind in zip(self.staged(sizes, start, over), kinds, strict=True)
        ]
        # The reserve tower, when one is needed, has the mix's first kind of flat.
        bedrooms = items[0].bedrooms if items[0].month == self.first else profile.bedrooms[0][0]
        items = self.with_reserve(
            items, self.reserve.flats(bedrooms), _Item(self.first, 0, bedrooms)
        )
        width = max(2, len(str(len(items))))
        return tuple(
            Tower(f"T{k:0{width}d}", item.month, item.size, item.bedrooms)
            for k, item in enumerate(items, 1)
        )

    def buildings(self, desks_need: int) -> tuple[Building, ...]:
        profile = self.profile
        total = round(profile.desks * desks_need)
        count = math.ceil(len(self.scenario.units) / profile.units_per_building)
        items = self.staged(
            _split(total, count, self.rng), profile.buildings_from, profile.buildings_over
        )
        items = self.with_reserve(
            items, self._desks_for(self.reserve.employees), _Item(self.first, 0)
        )
        width = max(2, len(str(len(items))))
        return tuple(
            Building(f"B{k:0{width}d}", item.month, item.size) for k, item in enumerate(items, 1)
        )

    def _desks_for(self, employees: int) -> int:
        """Fewest desks seating `employees`, by the planner's own floor(desks / ratio)."""
        ratio = self.profile.desk_ratio
        desks = math.ceil(employees * ratio)
        while int(desks // ratio) < employees:
            desks += 1
        return desks

    def facilities(self, pupils_need: int) -> tuple[Facility, ...]:
        profile = self.profile
        total = round(profile.schools * pupils_need)
        start, over = profile.schools_from, profile.schools_over
        count = self.count(total, PUPILS_PER_SCHOOL, MIN_PUPILS_PER_SCHOOL, start, over)
        items = self.staged(_split(total, count, self.rng), start, over)
        items = self.with_reserve(items, self.reserve.pupils, _Item(self.first, 0))
        width = max(2, len(str(len(items))))
        schools = [
            Facility(f"S{k:0{width}d}", "school", item.month, item.size)
            for k, item in enumerate(items, 1)
        ]
        health = [
            Facility("RS1", "health", self.health_month(), HEALTH_BEDS),
            Facility(
                "RS2", "health", self.ready(profile.health_from + SECOND_HEALTH_AFTER), HEALTH_BEDS
            ),
        ]
        return (*schools, *health)

    def health_month(self) -> Month:
        return self.ready(self.profile.health_from)

    def waves(self, persons_need: int) -> tuple[Wave, ...]:
        profile = self.profile
        total = round(profile.seats * persons_need)
        count = profile.waves
        if count == 1:
            seats = [total]
        elif profile.first_wave_seats is not None:
            first = round(profile.first_wave_seats * total)
            seats = [first, *_split(total - first, count - 1, self.rng)]
        else:
            seats = _split(total, count, self.rng)
        seats[0] = max(seats[0], self.reserve.persons)
        return tuple(
            Wave(f"K{k + 1}", self.first.plus(k * profile.wave_gap), n) for k, n in enumerate(seats)
        )

    def budget(self, allowance_need: int) -> int:
        return max(round(self.profile.budget * allowance_need), self.reserve.allowance)
