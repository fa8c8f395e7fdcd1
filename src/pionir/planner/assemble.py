"""Assembling a plan from chosen waves and buildings, with flats assigned deterministically."""

from __future__ import annotations

from collections.abc import Mapping

from pionir.planner.housing import assign_flats
from pionir.planner.instance import PlanningInstance
from pionir.planner.result import Placement, Plan


def plan_from_choices(
    instance: PlanningInstance,
    waves_of: Mapping[str, int],
    building_of_unit: Mapping[str, str],
) -> Plan:
    """A plan from household -> wave index and unit -> building (only units with movers kept)."""
    flats = assign_flats(instance, dict(waves_of))
    placements = {
        household_id: Placement(household_id, wave_index, flats[household_id])
        for household_id, wave_index in sorted(waves_of.items())
    }
    units_moving = {
        instance.unit_of_employee[e.nip]
        for c in instance.candidates
        if c.household_id in waves_of
        for e in c.employees
    }
    return Plan(
        placements=placements,
        building_of_unit={u: b for u, b in sorted(building_of_unit.items()) if u in units_moving},
    )


def plan_value(instance: PlanningInstance, plan: Plan) -> float:
    """The objective from the instance's per-wave values, for choosing between candidate plans.

    The objective reported with a plan is the checker's, recomputed from the scenario alone.
    """
    return sum(
        c.value[plan.placements[c.household_id].wave_index]
        for c in instance.candidates
        if c.household_id in plan.placements
    )
