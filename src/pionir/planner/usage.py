"""Capacity use of a plan, per wave: seats, flats, school places, allowance, against what exists."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pionir.planner.explain import load_plan
from pionir.planner.instance import PlanningInstance
from pionir.planner.result import Plan


@dataclass(frozen=True, slots=True)
class WaveUsage:
    """What one wave uses (cumulative where capacity is cumulative)."""

    wave_id: str
    month: str
    employees: int
    persons: int
    seats: int
    flats_used: int
    flats_ready: int
    pupils: int
    school_places: int
    allowance: int


def wave_usage(instance: PlanningInstance, plan: Plan) -> list[WaveUsage]:
    """Per wave: movers, seats, flats taken so far against ready, pupils against school places."""
    ledger = load_plan(instance, plan)
    employees: Counter[int] = Counter()
    allowance: Counter[int] = Counter()
    for candidate in instance.candidates:
        placement = plan.placements.get(candidate.household_id)
        if placement is not None:
            employees[placement.wave_index] += len(candidate.employees)
            allowance[placement.wave_index] += candidate.allowance[placement.wave_index]
    opened: dict[tuple[str, int], int] = {}
    for placement in plan.placements.values():
        flat = (placement.housing.tower_id, placement.housing.unit_no)
        opened[flat] = min(opened.get(flat, placement.wave_index), placement.wave_index)
    opened_in = Counter(opened.values())
    usage = []
    flats_so_far = 0
    for k, wave in enumerate(instance.waves):
        flats_so_far += opened_in[k]
        usage.append(
            WaveUsage(
                wave_id=wave.wave_id,
                month=str(wave.month),
                employees=employees[k],
                persons=ledger.seats_used[k],
                seats=wave.seats,
                flats_used=flats_so_far,
                flats_ready=ledger.ready_flats[k],
                pupils=ledger.pupils_by[k],
                school_places=ledger.school_places[k],
                allowance=allowance[k],
            )
        )
    return usage
