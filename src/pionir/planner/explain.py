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
from pionir.screening.rules import REASON_TEXT

BLOCKING_TEXT: Final[dict[str, tuple[str, str]]] = {
    "health": ("fasilitas kesehatan belum siap", "no health facility ready yet"),
    "seats": ("kursi kloter penuh", "the wave's seats are full"),
    "housing": ("unit hunian siap sudah terisi", "the ready flats are taken"),
    "schools": ("kursi sekolah penuh", "the school places are full"),
    "quota": ("kuota unit kerja sudah terpenuhi", "the work unit's quota is reached"),
    "office": ("tidak ada meja di gedung kantor unit", "no desk left in the unit's office building"),
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


def explain(
    instance: PlanningInstance, plan: Plan
) -> tuple[list[Explanation], dict[str, dict[str, int]]]:
    """Every employee's explanation, and per wave how many left-behind households each capacity blocks."""
    scenario = instance.scenario
    ledger = load_plan(instance, plan)
    waves = scenario.waves
    binding: dict[str, Counter[str]] = {w.wave_id: Counter() for w in waves}
    blocked_by: dict[str, tuple[int, list[str]]] = {}
    for candidate in instance.candidates:
        if candidate.household_id in plan.placements:
            continue
        attempts = [(k, ledger.blocking(candidate, k)) for k in range(len(waves))]
        for k, codes in attempts:
            binding[waves[k].wave_id].update(codes)
        blocked_by[candidate.household_id] = min(attempts, key=lambda a: (len(a[1]), a[0]))
    screening = instance.screening
    ineligible_housemate: dict[str, str] = {}
    for employee in scenario.employees:
        if not screening[employee.nip].eligible:
            ineligible_housemate.setdefault(employee.household_id, employee.nip)
    explanations = []
    for employee in scenario.employees:
        unit_id = instance.unit_of_employee[employee.nip]
        placement = plan.placements.get(employee.household_id)
        result = screening[employee.nip]
        if placement is not None:
            wave = waves[placement.wave_index]
            flat = placement.housing
            building = plan.building_of_unit.get(unit_id, "-")
            codes: tuple[str, ...] = ()
            outcome = "moves"
            text_id = (
                f"Pindah pada kloter {wave.wave_id} ({wave.month}); hunian {flat.tower_id} "
                f"unit {flat.unit_no}; kantor {building}."
            )
            text_en = (
                f"Moves in wave {wave.wave_id} ({wave.month}); flat {flat.tower_id} "
                f"unit {flat.unit_no}; office {building}."
            )
        elif not result.eligible:
            outcome, codes = "ineligible", result.reasons
            text_id = "Tidak memenuhi syarat: " + "; ".join(REASON_TEXT[c][0] for c in codes) + "."
            text_en = "Not eligible: " + "; ".join(REASON_TEXT[c][1] for c in codes) + "."
        elif not result.movable:
            outcome, codes = "household_ineligible", ("household_ineligible",)
            other = ineligible_housemate.get(employee.household_id, "-")
            text_id = (
                f"Memenuhi syarat, tetapi anggota rumah tangga {employee.household_id} (NIP {other}) "
                "tidak; rumah tangga pindah utuh atau tidak sama sekali."
            )
            text_en = (
                f"Eligible, but household member NIP {other} is not; a household moves whole "
                "or not at all."
            )
        else:
            outcome = "not_selected"
            k, blocking = blocked_by[employee.household_id]
            wave = waves[k]
            codes = tuple(blocking) or ("lower_priority",)
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
                text_en = "Eligible; capacity remains but the search did not place them (plan not proven optimal)."
        explanations.append(
            Explanation(employee.nip, employee.household_id, unit_id, outcome, codes, text_id, text_en)
        )
    binding_summary = {
        wave_id: {code: counts[code] for code in BLOCKING_CODES if counts[code]}
        for wave_id, counts in binding.items()
    }
    return explanations, binding_summary
