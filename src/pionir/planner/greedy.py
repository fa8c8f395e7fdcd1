"""Greedy planners: the spreadsheet baseline, and the rounding of the LP relaxation.

Both fill a capacity ledger household by household: first the miniature units'
first-wave minimum, then each household in its turn takes the first wave on its
list that still fits. They differ in the order and the wave lists. Their plans are
valid (checked like any other); the better one starts the CP-SAT search.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from pionir.planner.assemble import plan_from_choices
from pionir.planner.instance import Candidate, PlanningInstance
from pionir.planner.ledger import CapacityLedger
from pionir.planner.relaxation import Relaxation
from pionir.planner.result import Plan

# A household and the waves it tries, best first.
Turn = tuple[Candidate, Sequence[int]]


def _lightest(candidate: Candidate) -> tuple[object, ...]:
    """Households that use least of the first wave: singles, small, without pupils."""
    return (candidate.single_gender is None, candidate.members, candidate.children)


def fill(
    instance: PlanningInstance,
    turns: Sequence[Turn],
    buildings: Mapping[str, str] | None = None,
    first_wave_order: Callable[[Candidate], tuple[object, ...]] | None = None,
) -> Plan | None:
    """Place households in turn; None when the miniature government cannot be seated.

    The miniature units' first-wave minimum is seated first, from each unit's households
    in `first_wave_order` (the turn order when not given); if that order cannot seat
    every unit, the whole fill is tried again from the lightest households.
    """
    plan = _fill(instance, turns, buildings, first_wave_order)
    if plan is None:
        plan = _fill(instance, turns, buildings, _lightest)
    return plan


def _fill(
    instance: PlanningInstance,
    turns: Sequence[Turn],
    buildings: Mapping[str, str] | None,
    first_wave_order: Callable[[Candidate], tuple[object, ...]] | None,
) -> Plan | None:
    ledger = CapacityLedger(instance)
    ledger.building_of_unit.update(buildings or {})
    waves_of: dict[str, int] = {}
    in_unit: dict[str, list[Candidate]] = defaultdict(list)
    for candidate, _ in turns:
        for unit_id in candidate.unit_counts:
            in_unit[unit_id].append(candidate)
    minimum = instance.scenario.policy.planning.miniature_min
    miniature = [u for u in instance.scenario.units if u.miniature]
    for unit in sorted(miniature, key=lambda u: (-instance.priority_of[u.unit_id], u.unit_id)):
        required = min(minimum, unit.quota, instance.movable_count.get(unit.unit_id, 0))
        households = in_unit[unit.unit_id]
        if first_wave_order is not None:
            households = sorted(households, key=first_wave_order)
        for candidate in households:
            if ledger.first_wave_moved[unit.unit_id] >= required:
                break
            if candidate.household_id not in waves_of and not ledger.blocking(candidate, 0):
                ledger.place(candidate, 0)
                waves_of[candidate.household_id] = 0
        if ledger.first_wave_moved[unit.unit_id] < required:
            return None
    for candidate, waves in turns:
        if candidate.household_id in waves_of:
            continue
        for k in waves:
            if not ledger.blocking(candidate, k):
                ledger.place(candidate, k)
                waves_of[candidate.household_id] = k
                break
    return plan_from_choices(instance, waves_of, ledger.building_of_unit)


def greedy_plan(instance: PlanningInstance) -> Plan | None:
    """The baseline: unit rank, then merit; each household takes the first wave that fits."""
    rank = {p.unit_id: p.rank for p in instance.priorities}

    def key(candidate: Candidate) -> tuple[int, float, str]:
        best_rank = min(rank[instance.unit_of_employee[e.nip]] for e in candidate.employees)
        merit = max(instance.screening[e.nip].merit for e in candidate.employees)
        return best_rank, -merit, candidate.household_id

    all_waves = range(len(instance.waves))
    return fill(instance, [(c, all_waves) for c in sorted(instance.candidates, key=key)])


def rounded_plan(
    instance: PlanningInstance, relaxation: Relaxation, buildings: Mapping[str, str]
) -> Plan | None:
    """Round the LP: households it moves keep its wave, units the given building; the rest
    fill by value per flat."""
    wave_count = len(instance.waves)

    def lp_turn(candidate: Candidate) -> tuple[int, float, float, str]:
        # Earliest LP wave first, so the miniature units' first-wave places go to the
        # households the LP itself moves first.
        shares = relaxation.moves[candidate.household_id]
        best = max(range(wave_count), key=lambda k: (shares[k], -k))
        return best, -shares[best], -candidate.value[best], candidate.household_id

    def waves_for(candidate: Candidate) -> list[int]:
        shares = relaxation.moves[candidate.household_id]
        return sorted(range(wave_count), key=lambda k: (-shares[k] if shares[k] > 1e-6 else 0.0, k))

    # Value per flat: a family takes a whole flat, a single one bedroom of the smallest.
    bedrooms = min((t.bedrooms for t in instance.scenario.towers), default=1)

    def density(candidate: Candidate) -> tuple[float, str]:
        flats = 1.0 if candidate.single_gender is None else 1.0 / bedrooms
        return -candidate.value[0] / flats, candidate.household_id

    chosen = [c for c in instance.candidates if max(relaxation.moves[c.household_id]) > 1e-6]
    chosen.sort(key=lp_turn)
    chosen_ids = {c.household_id for c in chosen}
    rest = sorted((c for c in instance.candidates if c.household_id not in chosen_ids), key=density)
    turns = [(c, waves_for(c)) for c in chosen] + [(c, range(wave_count)) for c in rest]

    def first_wave_order(candidate: Candidate) -> tuple[object, ...]:
        # The households the LP moves in the first wave seat the miniature minimum.
        return (-relaxation.moves[candidate.household_id][0], *_lightest(candidate))

    return fill(instance, turns, buildings, first_wave_order)


def buildings_from(
    instance: PlanningInstance,
    relaxation: Relaxation,
    preferred: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """One building for every unit with movable employees, from the LP's split.

    Units named in `preferred` keep that building. The others, biggest LP demand first,
    go to the building holding most of their LP movers among those ready when the LP
    first moves them and with room for all of them, else the roomiest. Units the LP does
    not move at all get the building with most room left, so that a rounding which finds
    spare capacity can still use it, and every unit is held to one building.
    """
    scenario = instance.scenario
    last_month = scenario.waves[-1].month
    ratio = scenario.policy.planning.desk_ratio
    usable = [b for b in scenario.buildings if b.ready_month <= last_month]
    room = {b.building_id: int(b.desks // ratio) for b in usable}
    months = {b.building_id: b.ready_month for b in usable}
    if not room:
        return {}
    first_wave: dict[str, int] = {}
    for candidate in instance.candidates:
        shares = relaxation.moves[candidate.household_id]
        used = [k for k, share in enumerate(shares) if share > 1e-6]
        for unit_id in candidate.unit_counts if used else ():
            first_wave[unit_id] = min(first_wave.get(unit_id, used[0]), used[0])
    demand = {
        unit_id: math.ceil(sum(relaxation.building.get(unit_id, {}).values()) - 1e-6)
        for unit_id in instance.movable_count
    }
    chosen: dict[str, str] = {}
    for unit_id, building_id in sorted((preferred or {}).items()):
        if unit_id in instance.movable_count and building_id in room:
            chosen[unit_id] = building_id
            room[building_id] -= demand[unit_id]
    for unit_id in sorted(first_wave, key=lambda u: (-demand[u], u)):
        if unit_id in chosen:
            continue
        month = instance.waves[first_wave[unit_id]].month
        weights = relaxation.building.get(unit_id, {})
        ready = [b for b in sorted(room) if months[b] <= month]
        fitting = [b for b in ready if room[b] >= demand[unit_id]]
        if fitting:
            best = max(fitting, key=lambda b: (round(weights.get(b, 0.0), 6), room[b]))
        else:
            # No ready building takes the whole unit: the roomiest one, ready or not; the
            # LP held to it then decides how many of the unit move, and when.
            best = max(ready or sorted(room), key=lambda b: (room[b], b))
        chosen[unit_id] = best
        room[best] -= demand[unit_id]
    rest = [u for u in instance.movable_count if u not in chosen]
    for unit_id in sorted(rest, key=lambda u: (-instance.priority_of[u], u)):
        best = max(sorted(room), key=lambda b: (room[b], -months[b].index, b))
        chosen[unit_id] = best
        room[best] -= min(instance.movable_count[unit_id], 1)
    return chosen
