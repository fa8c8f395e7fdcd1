"""Turning the planner's housing counts into flats: which household lives in which unit.

Families get a flat each; singles fill the free bedrooms of flats already opened for
their gender before a new flat is opened. Flats are taken in tower file order and unit
number, so the assignment is the same for the same plan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pionir.planner.flat_counts import SINGLE_GENDERS
from pionir.planner.instance import Candidate, PlanningInstance
from pionir.planner.result import HousingUnit


class HousingShortage(Exception):
    """More households than ready flats: a count model or greedy planner bug, never user input."""


@dataclass(slots=True)
class _OpenFlat:
    flat: HousingUnit
    free_beds: int


@dataclass(slots=True)
class FlatPool:
    """Flats not yet taken, by readiness, with partly filled flats per gender."""

    instance: PlanningInstance
    taken: set[HousingUnit] = field(default_factory=set)
    open_flats: dict[str, list[_OpenFlat]] = field(default_factory=lambda: defaultdict(list))
    _cursor: dict[str, int] = field(default_factory=dict)

    def new_flat(self, wave_index: int, prefer_bedrooms: str) -> tuple[HousingUnit, int]:
        """The next untaken flat of a tower ready by the wave.

        Singles prefer towers with more bedrooms, families those with fewer, so that
        mixed towers are used where they hold most people.
        """
        month = self.instance.waves[wave_index].month
        ready = [c for c in self.instance.housing_classes if c.ready_month <= month]
        ready.sort(
            key=lambda c: (-c.bedrooms if prefer_bedrooms == "most" else c.bedrooms, c.ready_month)
        )
        for housing_class in ready:
            for tower in housing_class.towers:
                start = self._cursor.get(tower.tower_id, 1)
                if start <= tower.units:
                    self._cursor[tower.tower_id] = start + 1
                    flat = HousingUnit(tower.tower_id, start)
                    self.taken.add(flat)
                    return flat, tower.bedrooms
        raise HousingShortage(f"no ready flat left in wave {wave_index}")

    def house_family(self, wave_index: int) -> HousingUnit:
        return self.new_flat(wave_index, prefer_bedrooms="fewest")[0]

    def house_single(self, wave_index: int, gender: str) -> HousingUnit:
        flats = self.open_flats[gender]
        while flats and flats[0].free_beds == 0:
            flats.pop(0)
        if flats:
            flats[0].free_beds -= 1
            return flats[0].flat
        flat, bedrooms = self.new_flat(wave_index, prefer_bedrooms="most")
        flats.append(_OpenFlat(flat, bedrooms - 1))
        return flat


def assign_flats(instance: PlanningInstance, waves_of: dict[str, int]) -> dict[str, HousingUnit]:
    """Flats for the moving households (household_id -> wave index), wave by wave."""
    by_wave: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in instance.candidates:
        if candidate.household_id in waves_of:
            by_wave[waves_of[candidate.household_id]].append(candidate)
    pool = FlatPool(instance)
    flats: dict[str, HousingUnit] = {}
    for wave_index in sorted(by_wave):
        movers = sorted(by_wave[wave_index], key=lambda c: c.household_id)
        for candidate in movers:
            if candidate.single_gender is None:
                flats[candidate.household_id] = pool.house_family(wave_index)
        # Men, then women: the order flat_counts.py simulates to tell the ledger what fits.
        for gender in SINGLE_GENDERS:
            for candidate in movers:
                if candidate.single_gender == gender:
                    flats[candidate.household_id] = pool.house_single(wave_index, gender)
    return flats
