"""Why no plan exists: every conflict, each a small set of rule elements that cannot all hold.

The model is rebuilt with one literal per rule element (a wave's seats, a tower
batch, a building, a miniature unit...). CP-SAT gives a set of those assumed rules
that is infeasible; deletion then drops every element not needed for the conflict,
so each conflict reported is minimal, named in plain language.

Then the conflict is set aside and the search goes on among the rules that remain,
until they admit a plan, MAX_CONFLICTS are found, or the work budget or the caller's
deadline runs out. Setting aside means no longer asking for the conflict's miniature
minimums (rule 8, the only rule that makes anyone move, so every conflict has one),
while the capacities stay: a scenario with six miniature units that cannot be
staffed names all six, each with the capacity that stops it, even when it is the
same one (a conflict without a miniature minimum, which cannot happen today, would
be set aside whole).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

from ortools.sat.python import cp_model

from pionir.planner.instance import PlanningInstance, earliest_health_month
from pionir.planner.model import build_model
from pionir.planner.options import SolverOptions

Message = tuple[str, str]

# Each check gets a short, deterministic budget; the search is small without an objective.
CHECK_LIMIT = 5.0
# Deletion checks per conflict; past them the conflict is kept as it is (true, maybe not minimal).
MAX_CHECKS = 40
# At most this many conflicts are listed, within this much deterministic time in all.
MAX_CONFLICTS = 20
TOTAL_WORK = 60.0

# The order elements are named in a conflict: the miniature unit first, then by rule.
_RANK = {
    "miniature": 0,
    "seats": 2,
    "housing": 3,
    "office": 4,
    "office_ready": 4,
    "school": 5,
    "health": 6,
    "quota": 7,
    "budget": 9,
}
# Rule elements whose conflicts are set aside by dropping them alone (see the module text).
_DEMANDS = frozenset({"miniature"})


class Stop(StrEnum):
    """Why the search ended before the remaining rules were shown to admit a plan."""

    DEADLINE = "deadline"  # the caller's wall-clock deadline passed
    WORK = "work"  # TOTAL_WORK was spent
    UNDECIDED = "undecided"  # a check could not decide within CHECK_LIMIT
    CAP = "cap"  # MAX_CONFLICTS were found and there are more


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The conflicts found, each as rule-element keys in the order they are named.

    `stopped` is None when the rules left after setting every conflict aside admit a
    plan, i.e. the list is complete; `not_minimal` holds the indexes of conflicts whose
    deletion was cut short (still true conflicts, perhaps with elements to spare).
    """

    conflicts: tuple[tuple[str, ...], ...]
    stopped: Stop | None = None
    not_minimal: tuple[int, ...] = ()

    @property
    def complete(self) -> bool:
        return self.stopped is None


def _order(key: str) -> tuple[int, str, str]:
    kind, _, ident = key.partition(":")
    return _RANK.get(kind, 99), kind, ident.zfill(6) if ident.isdigit() else ident


def _is_demand(key: str) -> bool:
    return key.partition(":")[0] in _DEMANDS


class _Search:
    """Feasibility checks under assumptions, within the work budget and the deadline.

    Each check is a fresh CP-SAT solve of the whole guarded model, so checks are few:
    fewer rules admit a plan whenever more do, so a set within one known to admit a
    plan is not solved again, and a trial without a miniature minimum (or without any
    capacity) is first tried as all such rules together, which settles every such
    trial at once (moving nobody obeys every capacity).
    """

    def __init__(self, instance: PlanningInstance, seed: int, deadline: float | None) -> None:
        built = build_model(instance, guarded=True)
        self.model = built.model
        self.literals = built.guards.literals
        self.by_index = {literal.index: key for key, literal in self.literals.items()}
        self.seed = seed
        self.deadline = deadline
        self.work = 0.0
        self.stopped: Stop | None = None
        self.feasible: list[frozenset[str]] = []
        self.demands = frozenset(k for k in self.literals if _is_demand(k))
        self.capacities = frozenset(self.literals) - self.demands

    def check(self, keys: list[str]) -> tuple[bool | None, list[str]]:
        """Infeasible (True, with the keys of a core), feasible (False), or undecided (None).

        Without presolve a check takes a fraction of the time on demo-sized models; one
        that cannot decide that way is tried again with it.
        """
        for presolve in (False, True):
            limit = min(CHECK_LIMIT, TOTAL_WORK - self.work)
            seconds = None if self.deadline is None else self.deadline - time.monotonic()
            if seconds is not None and seconds <= 0:
                self.stopped = Stop.DEADLINE
            elif limit <= 0:
                self.stopped = Stop.WORK
            if self.stopped is not None:
                return None, []
            self.model.clear_assumptions()
            self.model.add_assumptions([self.literals[k] for k in keys])
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            solver.parameters.random_seed = self.seed
            solver.parameters.cp_model_presolve = presolve
            solver.parameters.max_deterministic_time = limit
            if seconds is not None:
                solver.parameters.max_time_in_seconds = seconds
            status = solver.solve(self.model)
            self.work += solver.deterministic_time
            if status == cp_model.INFEASIBLE:
                core = solver.sufficient_assumptions_for_infeasibility()
                return True, [self.by_index[i] for i in core if i in self.by_index]
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                self.feasible.append(frozenset(keys))
                return False, []
            if self.deadline is not None and time.monotonic() >= self.deadline:
                self.stopped = Stop.DEADLINE
            elif limit < CHECK_LIMIT:
                self.stopped = Stop.WORK
        return None, []

    def infeasible(self, keys: list[str]) -> tuple[bool | None, list[str]]:
        """`check`, solving as little as possible (see the class)."""
        chosen = frozenset(keys)
        if any(chosen <= known for known in self.feasible):
            return False, []
        wider = self.capacities if chosen <= self.capacities else None
        if chosen <= self.demands:
            wider = self.demands
        if wider is not None and wider != chosen:
            infeasible, _ = self.check(sorted(wider, key=_order))
            if infeasible is not True:
                return infeasible, []
        return self.check(keys)

    def shrink(self, conflict: list[str]) -> tuple[list[str], bool]:
        """Deletion: drop every element the conflict holds without; True if it ran to the end.

        Elements are tried from the last named to the first, so what stays is what is
        named first (the lowest unit ids); an infeasible trial's core shrinks it further.
        """
        conflict = sorted(conflict, key=_order)
        checks = 0
        for key in reversed(list(conflict)):
            if key not in conflict:
                continue
            if checks == MAX_CHECKS:
                return conflict, False
            checks += 1
            trial = [k for k in conflict if k != key]
            infeasible, core = self.infeasible(trial)
            if self.stopped is not None:
                return conflict, False
            # Undecided (None): keep the element; the set is still a true conflict.
            if infeasible:
                conflict = [k for k in trial if k in set(core)] if core else trial
        return conflict, True


def find_conflicts(
    instance: PlanningInstance, options: SolverOptions, deadline: float | None = None
) -> Diagnosis:
    """Every conflict, one after another (see the module text); none for a scenario with a plan.

    `deadline` is a `time.monotonic()` value after which the search stops and returns what
    it has found.
    """
    search = _Search(instance, options.seed, deadline)
    active = sorted(search.literals, key=_order)
    found: list[tuple[str, ...]] = []
    cut_short: list[tuple[str, ...]] = []

    def result(stopped: Stop | None) -> Diagnosis:
        # Named in a fixed order (by their elements), not in the order they were found.
        ordered = sorted(found, key=lambda conflict: [_order(k) for k in conflict])
        indexes = tuple(i for i, conflict in enumerate(ordered) if conflict in cut_short)
        return Diagnosis(tuple(ordered), stopped, indexes)

    while True:
        infeasible, core = search.infeasible(active)
        if infeasible is None:
            return result(search.stopped or Stop.UNDECIDED)
        if not infeasible:
            return result(None)
        if len(found) == MAX_CONFLICTS:
            return result(Stop.CAP)
        conflict, minimal = search.shrink(core or active)
        if not conflict:
            # Infeasible with no rule element assumed: nothing left to name.
            return result(Stop.UNDECIDED)
        found.append(tuple(conflict))
        if not minimal:
            cut_short.append(found[-1])
        if search.stopped is not None:
            return result(search.stopped)
        demands = {k for k in conflict if _is_demand(k)}
        set_aside = demands or set(conflict)
        active = [k for k in active if k not in set_aside]


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


def _closing(diagnosis: Diagnosis) -> list[Message]:
    """Notes when the list may be incomplete or a conflict may not be minimal."""
    notes = []
    if not diagnosis.complete:
        if diagnosis.stopped == Stop.CAP:
            why = f"Pencarian berhenti setelah {MAX_CONFLICTS} konflik"
            why_en = f"The search stopped after {MAX_CONFLICTS} conflicts"
        else:
            why = "Pencarian konflik berhenti pada batas waktu"
            why_en = "The search for conflicts stopped at its time limit"
        notes.append(
            (
                f"{why}: mungkin masih ada konflik lain, jadi daftar ini mungkin belum lengkap.",
                f"{why_en}: there may be more, so this list may be incomplete.",
            )
        )
    if diagnosis.not_minimal:
        numbers = ", ".join(str(i + 1) for i in diagnosis.not_minimal)
        notes.append(
            (
                f"Konflik {numbers} mungkin memuat ketentuan yang sebenarnya tidak diperlukan.",
                f"Conflicts {numbers} may name rules they do not need."
                if len(diagnosis.not_minimal) > 1
                else f"Conflict {numbers} may name rules it does not need.",
            )
        )
    return notes


def messages(diagnosis: Diagnosis, instance: PlanningInstance) -> list[Message]:
    """A lead sentence, each conflict's rule elements prefixed with its number, a closing note."""
    count = len(diagnosis.conflicts)
    if not count:
        return [
            (
                "Tidak ada rencana yang memenuhi semua aturan, tetapi aturan yang bertentangan "
                "tidak dapat dipisahkan dalam batas waktu.",
                "No plan obeys every rule, and the conflicting rules could not be isolated "
                "within the time limit.",
            )
        ]
    lead = (
        f"Tidak ada rencana yang memenuhi semua aturan: ditemukan {count} konflik. Ketentuan "
        "dalam satu konflik tidak dapat dipenuhi bersamaan; longgarkan salah satunya di setiap "
        "konflik (mis. kapasitas, kuota, atau jadwal) lalu coba lagi.",
        f"No plan obeys every rule: {count} conflict{'s' if count > 1 else ''} found. The rules "
        "within one conflict cannot all hold together; relax one of them in each conflict "
        "(e.g. a capacity, a quota or a date) and try again.",
    )
    lines = [lead]
    for number, conflict in enumerate(diagnosis.conflicts, start=1):
        for key in conflict:
            text, text_en = describe(key, instance)
            lines.append((f"Konflik {number}: {text}", f"Conflict {number}: {text_en}"))
    return lines + _closing(diagnosis)


def diagnose(
    instance: PlanningInstance, options: SolverOptions, deadline: float | None = None
) -> list[Message]:
    """Plain-language conflicts, (Bahasa Indonesia, English) pairs: see `messages`.

    `deadline` (a `time.monotonic()` value) stops the search early; the messages then say
    the list may be incomplete.
    """
    return messages(find_conflicts(instance, options, deadline), instance)
