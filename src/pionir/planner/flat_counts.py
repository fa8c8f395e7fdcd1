"""Whether counts of moving households fit the flats, assigned the way housing.py assigns them.

Per wave, in order: families take a new flat each, from the ready towers with the fewest
bedrooms; then single men, then single women, fill the free bedrooms of flats already
opened for their gender before opening a new flat in the ready towers with the most
bedrooms. Simulating that policy on counts, class by class, says exactly whether
housing.py will find a flat for everyone: the ledger asks it before adding a household,
so rounded plans never run out of flats (with towers of mixed bedroom counts, a rule of
thumb on total flats was either unsafe or left a quarter of the value on the table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pionir.planner.instance import HousingClass
from pionir.scenario.model import Wave

SINGLE_GENDERS = ("L", "P")


@dataclass(frozen=True, slots=True)
class FlatCounts:
    """The housing classes ready by each wave, in the order each kind takes them."""

    units: tuple[int, ...]
    bedrooms: tuple[int, ...]
    # Per wave: ready class indices, fewest bedrooms first (families) / most first (singles).
    for_families: tuple[tuple[int, ...], ...]
    for_singles: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, classes: Sequence[HousingClass], waves: Sequence[Wave]) -> FlatCounts:
        families = []
        singles = []
        for wave in waves:
            ready = [c for c, h in enumerate(classes) if h.ready_month <= wave.month]
            families.append(
                tuple(sorted(ready, key=lambda c: (classes[c].bedrooms, classes[c].ready_month)))
            )
            singles.append(
                tuple(sorted(ready, key=lambda c: (-classes[c].bedrooms, classes[c].ready_month)))
            )
        return cls(
            units=tuple(h.units for h in classes),
            bedrooms=tuple(h.bedrooms for h in classes),
            for_families=tuple(families),
            for_singles=tuple(singles),
        )

    def fits(self, families_by: Sequence[int], singles_by: dict[str, Sequence[int]]) -> bool:
        """True when the cumulative counts per wave can all be housed."""
        free = list(self.units)
        open_beds = dict.fromkeys(SINGLE_GENDERS, 0)
        before = {"family": 0, **dict.fromkeys(SINGLE_GENDERS, 0)}
        for k in range(len(families_by)):
            arriving = families_by[k] - before["family"]
            before["family"] = families_by[k]
            if not self._take(free, self.for_families[k], arriving):
                return False
            for gender in SINGLE_GENDERS:
                arriving = singles_by[gender][k] - before[gender]
                before[gender] = singles_by[gender][k]
                settled = min(arriving, open_beds[gender])
                open_beds[gender] -= settled
                arriving -= settled
                for c in self.for_singles[k]:
                    if arriving <= 0:
                        break
                    flats = min(free[c], -(-arriving // self.bedrooms[c]))
                    free[c] -= flats
                    beds = flats * self.bedrooms[c]
                    open_beds[gender] += max(0, beds - arriving)
                    arriving -= beds
                if arriving > 0:
                    return False
        return True

    @staticmethod
    def _take(free: list[int], order: Sequence[int], count: int) -> bool:
        for c in order:
            if count <= 0:
                return True
            taken = min(free[c], count)
            free[c] -= taken
            count -= taken
        return count <= 0
