"""Why no plan exists: a small set of rule elements that cannot all hold together.

The model is rebuilt with one literal per rule element (a wave's seats, a tower
batch, a building, a miniature unit...). CP-SAT gives a set of those assumed rules
that is infeasible; deletion then drops every element not needed for the conflict,
so what is reported is a minimal conflict, named in plain language.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from pionir.planner.instance import PlanningInstance, earliest_health_month
from pionir.planner.model import build_model
from pionir.planner.options import SolverOptions

Message = tuple[str, str]

# Each deletion check gets a short, deterministic budget; the search is small without an objective.
CHECK_LIMIT = 5.0
MAX_CHECKS = 40


def _infeasible(
    model: cp_model.CpModel, assumptions: list[cp_model.IntVar], seed: int
) -> tuple[bool, list[int]]:
    model.clear_assumptions()
    model.add_assumptions(assumptions)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = CHECK_LIMIT
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return True, list(solver.sufficient_assumptions_for_infeasibility())
    return False, []


def minimal_conflict(instance: PlanningInstance, options: SolverOptions) -> list[str] | None:
    """Keys of rule elements that together admit no plan; None if none could be isolated."""
    built = build_model(instance, with_objective=False, guarded=True)
    literals = built.guards.literals
    keys = sorted(literals)
    by_index = {literals[key].index: key for key in keys}
    infeasible, core = _infeasible(built.model, [literals[k] for k in keys], options.seed)
    if not infeasible:
        return None
    conflict = sorted(by_index[i] for i in core if i in by_index) or keys
    for key in list(conflict)[:MAX_CHECKS]:
        trial = [k for k in conflict if k != key]
        still, _ = _infeasible(built.model, [literals[k] for k in trial], options.seed)
        if still:
            conflict = trial
    return conflict


def describe(key: str, instance: PlanningInstance) -> Message:
    """One rule element in words, Bahasa Indonesia and English."""
    scenario = instance.scenario
    kind, _, ident = key.partition(":")
    waves = scenario.waves
    wave = waves[int(ident)] if kind in {"seats", "housing", "school", "health"} else waves[0]
    label = f"kloter {wave.wave_id} ({wave.month})"
    label_en = f"wave {wave.wave_id} ({wave.month})"
    if kind == "seats":
        return (
            f"Aturan 2 (kursi angkutan): {label} hanya memiliki {wave.seats} kursi.",
            f"Rule 2 (seats): {label_en} has only {wave.seats} seats.",
        )
    if kind == "housing":
        ready = [t.tower_id for t in scenario.towers if t.ready_month <= wave.month]
        flats = sum(t.units for t in scenario.towers if t.ready_month <= wave.month)
        towers = ", ".join(ready[:8]) + (" ..." if len(ready) > 8 else "") if ready else "-"
        return (
            f"Aturan 3 (hunian): pada {label} baru {flats} unit hunian siap (menara: {towers}).",
            f"Rule 3 (housing): by {label_en} only {flats} flats are ready (towers: {towers}).",
        )
    if kind == "school":
        places = sum(
            f.capacity
            for f in scenario.facilities
            if f.kind == "school" and f.ready_month <= wave.month
        )
        return (
            f"Aturan 5 (sekolah): pada {label} hanya tersedia {places} kursi sekolah.",
            f"Rule 5 (schools): by {label_en} only {places} school places are ready.",
        )
    if kind == "health":
        health_from = earliest_health_month(scenario)
        when = str(health_from) if health_from else "tidak ada"
        when_en = str(health_from) if health_from else "none"
        return (
            f"Aturan 6 (kesehatan): rumah tangga yang membutuhkan layanan kesehatan tidak dapat "
            f"berangkat pada {label}; fasilitas kesehatan pertama siap: {when}.",
            f"Rule 6 (health): households needing health care cannot travel in {label_en}; "
            f"the first health facility is ready: {when_en}.",
        )
    if kind in {"office", "office_ready"}:
        building = next(b for b in scenario.buildings if b.building_id == ident)
        if kind == "office_ready":
            return (
                f"Aturan 4 (kantor): gedung {ident} baru siap pada {building.ready_month}.",
                f"Rule 4 (offices): building {ident} is ready only in {building.ready_month}.",
            )
        capacity = int(building.desks // scenario.policy.planning.desk_ratio)
        return (
            f"Aturan 4 (kantor): gedung {ident} hanya menampung {capacity} pegawai, dan satu unit "
            f"kerja harus berada dalam satu gedung.",
            f"Rule 4 (offices): building {ident} holds only {capacity} employees, and a work unit "
            f"must sit in one building.",
        )
    unit = next((u for u in scenario.units if u.unit_id == ident), None)
    if kind == "quota" and unit is not None:
        return (
            f"Aturan 7 (kuota): unit kerja {unit.name} ({ident}) berkuota {unit.quota} pegawai.",
            f"Rule 7 (quota): work unit {unit.name} ({ident}) has a quota of {unit.quota}.",
        )
    if kind == "miniature" and unit is not None:
        required = min(
            scenario.policy.planning.miniature_min, unit.quota, instance.movable_count.get(ident, 0)
        )
        opening = waves[0]
        return (
            f"Aturan 8 (miniatur pemerintahan): unit kerja {unit.name} ({ident}) harus memindahkan "
            f"sedikitnya {required} pegawai pada kloter pertama {opening.wave_id} ({opening.month}).",
            f"Rule 8 (miniature government): work unit {unit.name} ({ident}) must move at least "
            f"{required} employees in the first wave {opening.wave_id} ({opening.month}).",
        )
    budget = scenario.policy.allowance.budget
    return (
        f"Aturan 9 (anggaran): anggaran tunjangan pionir Rp{budget:,} tidak mencukupi.".replace(
            ",", "."
        ),
        f"Rule 9 (budget): the pioneer allowance budget of Rp{budget:,} is not enough.",
    )


def diagnose(instance: PlanningInstance, options: SolverOptions) -> list[Message]:
    """Plain-language conflicts: a lead sentence, then each rule element involved."""
    conflict = minimal_conflict(instance, options)
    if conflict is None:
        return [
            (
                "Tidak ada rencana yang memenuhi semua aturan, tetapi aturan yang bertentangan "
                "tidak dapat dipisahkan dalam batas waktu.",
                "No plan obeys every rule, and the conflicting rules could not be isolated "
                "within the time limit.",
            )
        ]
    lead = (
        "Tidak ada rencana yang memenuhi semua aturan: ketentuan berikut tidak dapat dipenuhi "
        "bersamaan. Longgarkan salah satunya (mis. kapasitas, kuota, atau jadwal) lalu coba lagi.",
        "No plan obeys every rule: the following cannot all hold together. Relax one of them "
        "(e.g. a capacity, a quota or a date) and try again.",
    )
    return [lead, *(describe(key, instance) for key in conflict)]
