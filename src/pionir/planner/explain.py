"""Explanations: for every employee, whether they move and, if not, why.

Screening reasons explain the ineligible; for movable households left behind, the
finished plan is loaded into a capacity ledger and each wave is tried: the
capacities that would be broken (housing, seats, schools, health, quota, office,
budget) are the reason. The same counts, per wave, say which capacities bind.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Final

from pionir.planner.instance import PlanningInstance
from pionir.planner.ledger import BLOCKING_CODES, CapacityLedger
from pionir.planner.result import Plan
from pionir.scenario.model import Employee
from pionir.screening.rules import REASON_TEXT

BLOCKING_TEXT: Final[dict[str, tuple[str, str]]] = {
    "health": ("fasilitas kesehatan belum siap", "no health facility ready yet"),
    "seats": ("kursi kloter penuh", "the wave's seats are full"),
    "housing": ("unit hunian siap sudah terisi", "the ready flats are taken"),
    "schools": ("kursi sekolah penuh", "the school places are full"),
    "quota": ("kuota unit kerja sudah terpenuhi", "the work unit's quota is reached"),
    "office": (
        "tidak ada meja di gedung kantor unit",
        "no desk left in the unit's office building",
    ),
    "budget": ("anggaran tunjangan pionir habis", "the pioneer allowance budget is spent"),
}


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an employee moves or not, in codes and in both languages."""

    nip: str
    household_id: str
    unit_id: str
    outcome: str  # moves, ineligible, household_ineligible, not_selected
    codes: tuple[str, ...]
    text_id: str
    text_en: str


def load_plan(instance: PlanningInstance, plan: Plan) -> CapacityLedger:
    """A ledger holding everything the plan uses."""
    ledger = CapacityLedger(instance)
    ledger.building_of_unit.update(plan.building_of_unit)
    for candidate in instance.candidates:
        placement = plan.placements.get(candidate.household_id)
        if placement is not None:
            ledger.place(candidate, placement.wave_index)
    return ledger


def _blocked(
    instance: PlanningInstance, plan: Plan
) -> tuple[dict[str, tuple[int, tuple[str, ...]]], dict[str, dict[str, int]]]:
    """For each movable household left behind, its least-blocked wave and what blocks it there;
    and per wave, how many such households each capacity blocks."""
    ledger = load_plan(instance, plan)
    waves = instance.waves
    binding: dict[str, Counter[str]] = {w.wave_id: Counter() for w in waves}
    blocked_by: dict[str, tuple[int, tuple[str, ...]]] = {}
    for candidate in instance.candidates:
        if candidate.household_id in plan.placements:
            continue
        attempts = [(k, tuple(ledger.blocking(candidate, k))) for k in range(len(waves))]
        for k, found in attempts:
            binding[waves[k].wave_id].update(found)
        blocked_by[candidate.household_id] = min(attempts, key=lambda a: (len(a[1]), a[0]))
    summary = {
        wave_id: {code: counts[code] for code in BLOCKING_CODES if counts[code]}
        for wave_id, counts in binding.items()
    }
    return blocked_by, summary


def _moving(instance: PlanningInstance, plan: Plan, employee: Employee) -> Explanation:
    placement = plan.placements[employee.household_id]
    unit_id = instance.unit_of_employee[employee.nip]
    wave = instance.waves[placement.wave_index]
    flat = placement.housing
    building = plan.building_of_unit.get(unit_id, "-")
    return Explanation(
        employee.nip,
        employee.household_id,
        unit_id,
        "moves",
        (),
        f"Pindah pada kloter {wave.wave_id} ({wave.month}); hunian {flat.tower_id} "
        f"unit {flat.unit_no}; kantor {building}.",
        f"Moves in wave {wave.wave_id} ({wave.month}); flat {flat.tower_id} "
        f"unit {flat.unit_no}; office {building}.",
    )


def _ineligible(instance: PlanningInstance, employee: Employee) -> Explanation:
    codes = instance.screening[employee.nip].reasons
    return Explanation(
        employee.nip,
        employee.household_id,
        instance.unit_of_employee[employee.nip],
        "ineligible",
        codes,
        "Tidak memenuhi syarat: " + "; ".join(REASON_TEXT[c][0] for c in codes) + ".",
        "Not eligible: " + "; ".join(REASON_TEXT[c][1] for c in codes) + ".",
    )


def _housemate_ineligible(
    instance: PlanningInstance, employee: Employee, housemate: str
) -> Explanation:
    return Explanation(
        employee.nip,
        employee.household_id,
        instance.unit_of_employee[employee.nip],
        "household_ineligible",
        ("household_ineligible",),
        f"Memenuhi syarat, tetapi anggota rumah tangga {employee.household_id} (NIP {housemate}) "
        "tidak; rumah tangga pindah utuh atau tidak sama sekali.",
        f"Eligible, but household member NIP {housemate} is not; a household moves whole "
        "or not at all.",
    )


def _not_selected(
    instance: PlanningInstance, employee: Employee, wave_index: int, blocking: tuple[str, ...]
) -> Explanation:
    wave = instance.waves[wave_index]
    if blocking:
        text_id = (
            f"Memenuhi syarat, tidak terangkut: bahkan pada kloter terbaiknya ({wave.wave_id}) "
            + "; ".join(BLOCKING_TEXT[c][0] for c in blocking)
            + "."
        )
        text_en = (
            f"Eligible, not placed: even in the best wave for them ({wave.wave_id}) "
            + "; ".join(BLOCKING_TEXT[c][1] for c in blocking)
            + "."
        )
    else:
        text_id = (
            "Memenuhi syarat; kapasitas masih ada tetapi pencarian belum menempatkan "
            "(rencana belum terbukti optimal)."
        )
        text_en = (
            "Eligible; capacity remains but the search did not place them "
            "(plan not proven optimal)."
        )
    return Explanation(
        employee.nip,
        employee.household_id,
        instance.unit_of_employee[employee.nip],
        "not_selected",
        blocking or ("lower_priority",),
        text_id,
        text_en,
    )


def explain(
    instance: PlanningInstance, plan: Plan
) -> tuple[list[Explanation], dict[str, dict[str, int]]]:
    """Every employee's explanation, and per wave how many left-behind households each
    capacity blocks (the capacities that bind)."""
    blocked_by, binding = _blocked(instance, plan)
    screening = instance.screening
    housemate: dict[str, str] = {}
    for employee in instance.scenario.employees:
        if not screening[employee.nip].eligible:
            housemate.setdefault(employee.household_id, employee.nip)
    explanations = []
    for employee in instance.scenario.employees:
        if employee.household_id in plan.placements:
            explanations.append(_moving(instance, plan, employee))
        elif not screening[employee.nip].eligible:
            explanations.append(_ineligible(instance, employee))
        elif not screening[employee.nip].movable:
            explanations.append(
                _housemate_ineligible(instance, employee, housemate[employee.household_id])
            )
        else:
            wave_index, blocking = blocked_by[employee.household_id]
            explanations.append(_not_selected(instance, employee, wave_index, blocking))
    return explanations, binding
