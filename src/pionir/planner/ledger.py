"""A running account of what a set of placements uses: seats, flats, school places, desks, budget.

The greedy baseline fills it household by household; explanations load a finished
plan into it and ask, for each household left behind, which capacities keep it out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from pionir.planner.flat_counts import FlatCounts
from pionir.planner.instance import Candidate, PlanningInstance

# Capacity codes used in explanations and in the binding summary.
BLOCKING_CODES: Final = ("health", "seats", "housing", "schools", "quota", "office", "budget")


@dataclass(slots=True)
class CapacityLedger:
    """Usage so far, with checks for adding one more household in a given wave."""

    instance: PlanningInstance
    seats_used: list[int] = field(init=False)
    # Cumulative counts: households (or pupils) moved in this wave or earlier.
    families_by: list[int] = field(init=False)
    singles_by: dict[str, list[int]] = field(init=False)
    pupils_by: list[int] = field(init=False)
    moved: Counter[str] = field(default_factory=Counter)
    first_wave_moved: Counter[str] = field(default_factory=Counter)
    building_of_unit: dict[str, str] = field(default_factory=dict)
    desks_used: Counter[str] = field(default_factory=Counter)
    budget_used: int = 0
    ready_flats: list[int] = field(init=False)
    school_places: list[int] = field(init=False)
    flat_counts: FlatCounts = field(init=False)
    quota: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        scenario = self.instance.scenario
        waves = scenario.waves
        count = len(waves)
        self.seats_used = [0] * count
        self.families_by = [0] * count
        self.singles_by = {"L": [0] * count, "P": [0] * count}
        self.pupils_by = [0] * count
        self.ready_flats = [
            sum(t.units for t in scenario.towers if t.ready_month <= w.month) for w in waves
        ]
        self.school_places = [
            sum(
                f.capacity
                for f in scenario.facilities
                if f.kind == "school" and f.ready_month <= w.month
            )
            for w in waves
        ]
        # With mixed towers the smallest flat is assumed for singles: safe, if cautious.
        self.flat_counts = FlatCounts.of(self.instance.housing_classes, waves)
        self.quota = {u.unit_id: u.quota for u in scenario.units}

    def housing_fits(self, candidate: Candidate, wave_index: int) -> bool:
        """Whether everyone placed so far and this household, from that wave on, have flats."""
        plus = [0] * wave_index + [1] * (len(self.families_by) - wave_index)
        families = self.families_by
        singles: dict[str, Sequence[int]] = dict(self.singles_by)
        if candidate.single_gender is None:
            families = [a + b for a, b in zip(families, plus, strict=True)]
        else:
            gender = candidate.single_gender
            singles[gender] = [a + b for a, b in zip(singles[gender], plus, strict=True)]
        return self.flat_counts.fits(families, singles)

    def _offices_for(self, counts: Mapping[str, int], wave_index: int) -> dict[str, str] | None:
        """Buildings for each unit of a household (units in turn share the desks left)."""
        chosen: dict[str, str] = {}
        extra: Counter[str] = Counter()
        for unit_id, count in sorted(counts.items()):
            building = self._office_for(unit_id, count, wave_index, extra)
            if building is None:
                return None
            chosen[unit_id] = building
            extra[building] += count
        return chosen

    def _office_for(
        self, unit_id: str, count: int, wave_index: int, extra: Counter[str]
    ) -> str | None:
        """The building the unit's movers would use, or None when none can take them."""
        scenario = self.instance.scenario
        month = scenario.waves[wave_index].month
        ratio = scenario.policy.planning.desk_ratio
        chosen = self.building_of_unit.get(unit_id)
        options = [b for b in scenario.buildings if chosen is None or b.building_id == chosen]
        fitting = [
            b
            for b in options
            if b.ready_month <= month
            and self.desks_used[b.building_id] + extra[b.building_id] + count
            <= int(b.desks // ratio)
        ]
        if not fitting:
            return None
        if chosen is not None:
            return chosen
        # Best fit: the fullest building that still takes the unit's likely movers.
        expected = min(self.quota[unit_id], self.instance.movable_count.get(unit_id, 0))
        roomy = [
            b
            for b in fitting
            if self.desks_used[b.building_id] + extra[b.building_id] + expected
            <= int(b.desks // ratio)
        ]
        pool = roomy or fitting
        best = min(
            pool,
            key=lambda b: (int(b.desks // ratio) - self.desks_used[b.building_id], b.ready_month),
        )
        return best.building_id

    def blocking(self, candidate: Candidate, wave_index: int) -> list[str]:
        """Capacity codes that would be broken by adding the household in that wave."""
        scenario = self.instance.scenario
        waves = scenario.waves
        reasons: list[str] = []
        if wave_index in candidate.health_barred:
            reasons.append("health")
        if self.seats_used[wave_index] + candidate.members > waves[wave_index].seats:
            reasons.append("seats")
        later = range(wave_index, len(waves))
        if not self.housing_fits(candidate, wave_index):
            reasons.append("housing")
        if candidate.children and any(
            self.pupils_by[w] + candidate.children > self.school_places[w] for w in later
        ):
            reasons.append("schools")
        counts = candidate.unit_counts
        if any(self.moved[u] + n > self.quota[u] for u, n in counts.items()):
            reasons.append("quota")
        if self._offices_for(counts, wave_index) is None:
            reasons.append("office")
        if self.budget_used + candidate.allowance[wave_index] > scenario.policy.allowance.budget:
            reasons.append("budget")
        return reasons

    def place(self, candidate: Candidate, wave_index: int) -> None:
        """Record the household as moving in the wave (the caller has checked it fits)."""
        self.seats_used[wave_index] += candidate.members
        cumulative = (
            self.families_by
            if candidate.single_gender is None
            else self.singles_by[candidate.single_gender]
        )
        for w in range(wave_index, len(self.seats_used)):
            cumulative[w] += 1
            self.pupils_by[w] += candidate.children
        self.budget_used += candidate.allowance[wave_index]
        counts = candidate.unit_counts
        # A plan loaded for explanations may fill a building exactly; keep its buildings then.
        offices = self._offices_for(counts, wave_index) or {
            unit_id: self.building_of_unit[unit_id] for unit_id in counts
        }
        for unit_id, count in counts.items():
            building = offices[unit_id]
            self.building_of_unit[unit_id] = building
            self.desks_used[building] += count
            self.moved[unit_id] += count
            if wave_index == 0:
                self.first_wave_moved[unit_id] += count
