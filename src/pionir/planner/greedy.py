"""The greedy baseline: what a careful spreadsheet would do.

Miniature units first fill their first-wave minimum; then households in priority
order (unit rank, then merit) take the first wave that still fits. Its plans are
valid (checked like any other) and serve as the CP-SAT search's starting point and
as the benchmark's baseline.
"""

from __future__ import annotations

from collections import defaultdict

from pionir.planner.assemble import plan_from_choices
from pionir.planner.instance import Candidate, PlanningInstance
from pionir.planner.ledger import CapacityLedger
from pionir.planner.result import Plan


def _priority_order(instance: PlanningInstance) -> list[Candidate]:
    rank = {p.unit_id: p.rank for p in instance.priorities}

    def key(candidate: Candidate) -> tuple[int, float, str]:
        best_rank = min(rank[instance.unit_of_employee[e.nip]] for e in candidate.employees)
        merit = max(instance.screening[e.nip].merit for e in candidate.employees)
        return best_rank, -merit, candidate.household_id

    return sorted(instance.candidates, key=key)


def greedy_plan(instance: PlanningInstance) -> Plan | None:
    """A valid plan by the greedy rule, or None when it cannot seat the miniature government."""
    ledger = CapacityLedger(instance)
    waves_of: dict[str, int] = {}
    ordered = _priority_order(instance)
    in_unit: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in ordered:
        for unit_id in {instance.unit_of_employee[e.nip] for e in candidate.employees}:
            in_unit[unit_id].append(candidate)
    minimum = instance.scenario.policy.planning.miniature_min
    for unit in sorted(
        (u for u in instance.scenario.units if u.miniature),
        key=lambda u: instance.priority_of[u.unit_id],
        reverse=True,
    ):
        required = min(minimum, unit.quota, instance.movable_count.get(unit.unit_id, 0))
        for candidate in in_unit[unit.unit_id]:
            if ledger.first_wave_moved[unit.unit_id] >= required:
                break
            if candidate.household_id not in waves_of and not ledger.blocking(candidate, 0):
                ledger.place(candidate, 0)
                waves_of[candidate.household_id] = 0
        if ledger.first_wave_moved[unit.unit_id] < required:
            return None
    for candidate in ordered:
        if candidate.household_id in waves_of:
            continue
        for k in range(len(instance.waves)):
            if not ledger.blocking(candidate, k):
                ledger.place(candidate, k)
                waves_of[candidate.household_id] = k
                break
    return plan_from_choices(instance, waves_of, ledger.building_of_unit)
