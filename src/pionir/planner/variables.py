"""The decision variables of the CP-SAT model, in one container.

x[h][k]: household h moves in wave k. building[u][b]: unit u sits in building b,
with desks[u][b] its movers there. Housing is counted per class of interchangeable
flats: cumulative flats taken by families and by single men and women by each wave.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from pionir.planner.instance import PlanningInstance

# Who takes a flat: a family, or single men (L) or women (P) who share.
FLAT_KINDS = ("family", "L", "P")


@dataclass(slots=True)
class Guards:
    """Enforcement literals by rule element, used to find which rules conflict.

    Off (the normal solve), every rule is plain; on, each rule element gets its own
    literal that the diagnosis assumes true and lets the solver drop to find a core.
    """

    model: cp_model.CpModel
    enabled: bool = False
    literals: dict[str, cp_model.IntVar] = field(default_factory=dict)

    def __call__(self, key: str) -> list[cp_model.IntVar]:
        if not self.enabled:
            return []
        if key not in self.literals:
            self.literals[key] = self.model.new_bool_var(key)
        return [self.literals[key]]


@dataclass(slots=True)
class PlanVariables:
    """Every variable of the model, keyed by domain ids."""

    moves: dict[str, dict[int, cp_model.IntVar]]
    building: dict[str, dict[str, cp_model.IntVar]]
    desks: dict[str, dict[str, cp_model.IntVar]]
    # (kind, housing class index, wave index) -> cumulative flats taken by that kind:
    # "family", or "L" / "P" for single men / women sharing.
    flats: dict[tuple[str, int, int], cp_model.IntVar]


def unit_ids_with_candidates(instance: PlanningInstance) -> list[str]:
    """Units that have at least one movable employee, in file order."""
    return [u.unit_id for u in instance.scenario.units if instance.movable_count.get(u.unit_id)]


def create_variables(model: cp_model.CpModel, instance: PlanningInstance) -> PlanVariables:
    """All variables; names are kept short because large models carry hundreds of thousands."""
    waves = instance.waves
    moves = {
        c.household_id: {k: model.new_bool_var(f"x{i}_{k}") for k in range(len(waves))}
        for i, c in enumerate(instance.candidates)
    }
    building: dict[str, dict[str, cp_model.IntVar]] = {}
    desks: dict[str, dict[str, cp_model.IntVar]] = {}
    last_month = waves[-1].month
    usable = [b for b in instance.scenario.buildings if b.ready_month <= last_month]
    for unit_id in unit_ids_with_candidates(instance):
        cap = instance.movable_count[unit_id]
        building[unit_id] = {
            b.building_id: model.new_bool_var(f"y{unit_id}_{b.building_id}") for b in usable
        }
        desks[unit_id] = {
            b.building_id: model.new_int_var(0, cap, f"d{unit_id}_{b.building_id}") for b in usable
        }
    flats = {
        (kind, c_index, k): model.new_int_var(0, housing_class.units, f"h{kind}{c_index}_{k}")
        for c_index, housing_class in enumerate(instance.housing_classes)
        for k in range(len(waves))
        for kind in FLAT_KINDS
    }
    return PlanVariables(moves, building, desks, flats)
