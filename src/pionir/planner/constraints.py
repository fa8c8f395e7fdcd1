"""The nine plan rules as CP-SAT constraints: one function per rule, all hard.

Each function takes the model, the instance, the variables and the guards; with
guards enabled every rule element (a wave's seats, a building, a miniature unit...)
carries its own literal so that a conflict can be traced back to named elements.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from pionir.planner.instance import PlanningInstance
from pionir.planner.variables import FLAT_KINDS, Guards, PlanVariables

Terms = tuple[list[cp_model.IntVar], list[int]]


def _sum(terms: Terms) -> cp_model.LinearExpr:
    variables, coefficients = terms
    return cp_model.LinearExpr.weighted_sum(variables, coefficients)


def unit_movers_per_wave(
    instance: PlanningInstance, variables: PlanVariables
) -> dict[str, list[Terms]]:
    """For each unit and wave, the terms counting the unit's employees moving in that wave."""
    wave_count = len(instance.waves)
    per_unit: dict[str, list[Terms]] = defaultdict(lambda: [([], []) for _ in range(wave_count)])
    for candidate in instance.candidates:
        for unit_id, count in candidate.unit_counts.items():
            for k, x in variables.moves[candidate.household_id].items():
                per_unit[unit_id][k][0].append(x)
                per_unit[unit_id][k][1].append(count)
    return per_unit


def one_wave_per_household(model: cp_model.CpModel, variables: PlanVariables) -> None:
    """Rule 1: a household moves whole, in at most one wave (only movable ones have variables)."""
    for by_wave in variables.moves.values():
        model.add_at_most_one(by_wave.values())


def seats_per_wave(
    model: cp_model.CpModel, instance: PlanningInstance, variables: PlanVariables, guard: Guards
) -> None:
    """Rule 2: the persons travelling in a wave fit its seats."""
    for k, wave in enumerate(instance.waves):
        terms: Terms = ([], [])
        for candidate in instance.candidates:
            terms[0].append(variables.moves[candidate.household_id][k])
            terms[1].append(candidate.members)
        model.add(_sum(terms) <= wave.seats).only_enforce_if(guard(f"seats:{k}"))


def housing_ready_and_shared(
    model: cp_model.CpModel, instance: PlanningInstance, variables: PlanVariables, guard: Guards
) -> None:
    """Rule 3: flats come from ready towers; families alone, singles by gender up to bedrooms.

    Flats are counted cumulatively per class of interchangeable flats, because a flat
    once taken stays taken and singles of a later wave may fill a flat's free bedrooms.
    Ready sets grow with time, so these counts can always be turned into flats.
    """
    waves = instance.waves
    classes = instance.housing_classes
    last = len(waves) - 1
    flats = variables.flats
    for c, housing_class in enumerate(classes):
        for kind in FLAT_KINDS:
            for k, wave in enumerate(waves):
                if housing_class.ready_month > wave.month:
                    model.add(flats[(kind, c, k)] == 0)
                if k:
                    model.add(flats[(kind, c, k)] >= flats[(kind, c, k - 1)])
        model.add(sum(flats[(kind, c, last)] for kind in FLAT_KINDS) <= housing_class.units)
    wave_count = len(waves)
    # Households moving in each wave, per kind, as small integer variables: the cumulative
    # rules then read six numbers instead of every household again for every wave.
    arriving = {
        kind: [
            model.new_int_var(0, len(instance.candidates), f"n{kind}{k}") for k in range(wave_count)
        ]
        for kind in FLAT_KINDS
    }
    for k in range(wave_count):
        per_kind: dict[str, Terms] = {kind: ([], []) for kind in arriving}
        for candidate in instance.candidates:
            kind = candidate.single_gender or "family"
            per_kind[kind][0].append(variables.moves[candidate.household_id][k])
            per_kind[kind][1].append(1)
        for kind, terms in per_kind.items():
            model.add(arriving[kind][k] == _sum(terms))
    for k in range(wave_count):
        lits = guard(f"housing:{k}")
        flats_for_families = sum(flats[("family", c, k)] for c in range(len(classes)))
        model.add(flats_for_families >= sum(arriving["family"][: k + 1])).only_enforce_if(lits)
        for gender in ("L", "P"):
            beds = sum(
                housing_class.bedrooms * flats[(gender, c, k)]
                for c, housing_class in enumerate(classes)
            )
            model.add(beds >= sum(arriving[gender][: k + 1])).only_enforce_if(lits)


def offices_one_building_per_unit(
    model: cp_model.CpModel,
    instance: PlanningInstance,
    variables: PlanVariables,
    guard: Guards,
    movers: dict[str, list[Terms]],
) -> None:
    """Rule 4: a unit's movers share one building, ready by their wave, within its desks."""
    desk_ratio = instance.scenario.policy.planning.desk_ratio
    buildings = {b.building_id: b for b in instance.scenario.buildings}
    seated: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for unit_id, choice in variables.building.items():
        per_wave = movers[unit_id]
        total = sum(_sum(terms) for terms in per_wave)
        model.add_at_most_one(choice.values())
        model.add(sum(variables.desks[unit_id].values()) == total)
        for building_id, chosen in choice.items():
            desk_var = variables.desks[unit_id][building_id]
            model.add(desk_var == 0).only_enforce_if(~chosen)
            seated[building_id].append(desk_var)
    _offices_ready_by_wave(model, instance, variables, guard)
    for building_id, desk_vars in seated.items():
        capacity = int(buildings[building_id].desks // desk_ratio)
        model.add(sum(desk_vars) <= capacity).only_enforce_if(guard(f"office:{building_id}"))


def _offices_ready_by_wave(
    model: cp_model.CpModel, instance: PlanningInstance, variables: PlanVariables, guard: Guards
) -> None:
    """Rule 4, readiness: a household moves in a wave only if its units' buildings are ready.

    Written per household (x <= sum of the chosen-building literals of buildings ready by
    then) rather than per unit with a big-M, because it keeps the LP relaxation tight.
    """
    buildings = {b.building_id: b for b in instance.scenario.buildings}
    for candidate in instance.candidates:
        unit_ids = sorted({instance.unit_of_employee[e.nip] for e in candidate.employees})
        for k, wave in enumerate(instance.waves):
            x = variables.moves[candidate.household_id][k]
            for unit_id in unit_ids:
                choice = variables.building[unit_id]
                late = [b for b in choice if buildings[b].ready_month > wave.month]
                if not late:
                    continue
                ready = [choice[b] for b in choice if b not in late]
                lits = [lit for b in late for lit in guard(f"office_ready:{b}")]
                if not lits:
                    model.add(x <= sum(ready))
                else:
                    # Each late building gets its own guarded rule, so a conflict names it.
                    for b in late:
                        model.add(x + choice[b] <= 1).only_enforce_if(guard(f"office_ready:{b}"))


def schools_per_wave(
    model: cp_model.CpModel, instance: PlanningInstance, variables: PlanVariables, guard: Guards
) -> None:
    """Rule 5: school-age children moved so far fit the schools ready by each wave."""
    schools = [f for f in instance.scenario.facilities if f.kind == "school"]
    with_children = [c for c in instance.candidates if c.children]
    if not with_children:
        return
    total_children = sum(c.children for c in with_children)
    pupils = []
    for k in range(len(instance.waves)):
        arriving = model.new_int_var(0, total_children, f"pupils{k}")
        terms: Terms = ([], [])
        for candidate in with_children:
            terms[0].append(variables.moves[candidate.household_id][k])
            terms[1].append(candidate.children)
        model.add(arriving == _sum(terms))
        pupils.append(arriving)
    for k, wave in enumerate(instance.waves):
        capacity = sum(f.capacity for f in schools if f.ready_month <= wave.month)
        model.add(sum(pupils[: k + 1]) <= capacity).only_enforce_if(guard(f"school:{k}"))


def health_before_moving(
    model: cp_model.CpModel, instance: PlanningInstance, variables: PlanVariables, guard: Guards
) -> None:
    """Rule 6: a household that needs health care waits for the first health facility."""
    for candidate in instance.candidates:
        for k in candidate.health_barred:
            model.add(variables.moves[candidate.household_id][k] == 0).only_enforce_if(
                guard(f"health:{k}")
            )


def quota_per_unit(
    model: cp_model.CpModel,
    instance: PlanningInstance,
    guard: Guards,
    movers: dict[str, list[Terms]],
) -> None:
    """Rule 7: at most `quota` employees of a unit move."""
    quota = {u.unit_id: u.quota for u in instance.scenario.units}
    for unit_id, per_wave in movers.items():
        if instance.movable_count[unit_id] > quota[unit_id]:
            total = sum(_sum(terms) for terms in per_wave)
            model.add(total <= quota[unit_id]).only_enforce_if(guard(f"quota:{unit_id}"))


def miniature_government_first(
    model: cp_model.CpModel,
    instance: PlanningInstance,
    guard: Guards,
    movers: dict[str, list[Terms]],
) -> None:
    """Rule 8: every miniature unit moves min(miniature_min, quota, movable) in the first wave."""
    minimum = instance.scenario.policy.planning.miniature_min
    for unit in instance.scenario.units:
        if not unit.miniature:
            continue
        required = min(minimum, unit.quota, instance.movable_count.get(unit.unit_id, 0))
        if required > 0:
            first_wave = movers[unit.unit_id][0]
            model.add(_sum(first_wave) >= required).only_enforce_if(
                guard(f"miniature:{unit.unit_id}")
            )


def allowance_budget(
    model: cp_model.CpModel, instance: PlanningInstance, variables: PlanVariables, guard: Guards
) -> None:
    """Rule 9: the tunjangan pionir of all movers fits the budget."""
    terms: Terms = ([], [])
    for candidate in instance.candidates:
        for k, x in variables.moves[candidate.household_id].items():
            if candidate.allowance[k]:
                terms[0].append(x)
                terms[1].append(candidate.allowance[k])
    budget = instance.scenario.policy.allowance.budget
    if terms[0]:
        model.add(_sum(terms) <= budget).only_enforce_if(guard("budget"))
