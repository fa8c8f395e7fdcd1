"""One building per work unit, chosen as a small assignment problem over the LP's answer.

The LP lets a unit split its movers between buildings (early movers in a building ready
early, later ones elsewhere). Holding each unit to the building that the LP uses first
threw away most of the value where buildings come ready over time: the early building
fills up, and units held to it lose their later movers. Here every unit-building pair
is priced from the LP: the unit's LP movers and their value, those before the building
is ready delayed to its first usable wave (worth the earliness they lose), and a
small HiGHS MIP picks one building per unit and how many of its movers each building
seats, within the desks. The miniature units get a building ready by the first wave.
"""

from __future__ import annotations

from collections import defaultdict

import highspy
import numpy as np

from pionir.planner.budget import Budget
from pionir.planner.instance import PlanningInstance, earliness_factor
from pionir.planner.relaxation import Relaxation, new_highs

INF = float("inf")


def _first_ready(instance: PlanningInstance) -> dict[str, int]:
    """Each usable building's first wave (index) by which it is ready."""
    waves = instance.waves
    first: dict[str, int] = {}
    for building in instance.scenario.buildings:
        ready = [k for k, wave in enumerate(waves) if building.ready_month <= wave.month]
        if ready:
            first[building.building_id] = ready[0]
    return first


def _lp_movers(
    instance: PlanningInstance, relaxation: Relaxation
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per unit and wave: the LP's movers, and their value (shared out by employee count)."""
    wave_count = len(instance.waves)
    movers: dict[str, list[float]] = defaultdict(lambda: [0.0] * wave_count)
    value: dict[str, list[float]] = defaultdict(lambda: [0.0] * wave_count)
    for candidate in instance.candidates:
        shares = relaxation.moves[candidate.household_id]
        size = sum(candidate.unit_counts.values())
        for unit_id, count in candidate.unit_counts.items():
            for k, share in enumerate(shares):
                if share > 1e-9:
                    movers[unit_id][k] += share * count
                    value[unit_id][k] += share * candidate.value[k] * count / size
    return movers, value


def _priced(
    instance: PlanningInstance, prices: dict[str, float]
) -> dict[str, list[list[tuple[int, float]]]]:
    """Per unit and first usable wave: its households' worth at the LP's prices, best first.

    A household's worth in a wave is its value less what it uses of every priced capacity
    but desks (seats, flats or beds by each later wave, school places, budget, quota), plus
    the price of the miniature minimum in the first wave: what the unit would add if it
    sat in a building ready by then. Each list holds cumulative (employees, worth) steps,
    capped at the unit's quota.
    """
    waves = instance.waves
    w = len(waves)

    def price(key: str) -> float:
        return prices.get(key, 0.0)

    seats = [price(f"seats:{k}") for k in range(w)]
    schools_from = [sum(price(f"school:{j}") for j in range(k, w)) for k in range(w)]
    housing_from = {
        kind: [sum(price(f"housing:{kind}:{j}") for j in range(k, w)) for k in range(w)]
        for kind in ("family", "L", "P")
    }
    budget = price("budget")
    steps: dict[str, list[list[tuple[float, int]]]] = defaultdict(lambda: [[] for _ in range(w)])
    for candidate in instance.candidates:
        kind = candidate.single_gender or "family"
        worth = [
            candidate.value[k]
            - candidate.members * seats[k]
            - housing_from[kind][k]
            - candidate.children * schools_from[k]
            - candidate.allowance[k] * budget
            - sum(n * price(f"quota:{u}") for u, n in candidate.unit_counts.items())
            + (
                sum(n * price(f"miniature:{u}") for u, n in candidate.unit_counts.items())
                if k == 0
                else 0.0
            )
            if k not in candidate.health_barred
            else float("-inf")
            for k in range(w)
        ]
        size = sum(candidate.unit_counts.values())
        for unit_id, count in candidate.unit_counts.items():
            for ready in range(w):
                best = max(worth[ready:])
                if best > 0:
                    steps[unit_id][ready].append((best * count / size, count))
    quota = {u.unit_id: u.quota for u in instance.scenario.units}
    result: dict[str, list[list[tuple[int, float]]]] = {}
    for unit_id, by_ready in steps.items():
        result[unit_id] = []
        for entries in by_ready:
            entries.sort(key=lambda e: -e[0] / e[1])
            cumulative: list[tuple[int, float]] = []
            employees, total = 0, 0.0
            for worth_of, count in entries:
                if employees + count > quota[unit_id]:
                    break
                employees += count
                total += worth_of
                cumulative.append((employees, total))
            result[unit_id].append(cumulative)
    return result


def _worth_of(steps: list[tuple[int, float]], room: int) -> tuple[float, float]:
    """(employees, worth) of the best households that fit in `room` desks."""
    fitting = [(n, v) for n, v in steps if n <= room]
    return (float(fitting[-1][0]), fitting[-1][1]) if fitting else (0.0, 0.0)


def choose_buildings(
    instance: PlanningInstance, relaxation: Relaxation, budget: Budget, priced: bool = False
) -> dict[str, str] | None:
    """unit -> building for every unit with movable employees; None if HiGHS found none.

    Each unit-building pair is worth the unit's LP movers (delayed where the building is
    late) or, `priced`, its households' worth at the LP's prices (see `_priced`).
    """
    scenario = instance.scenario
    waves = instance.waves
    earliness = scenario.policy.planning.earliness
    ratio = scenario.policy.planning.desk_ratio
    first = _first_ready(instance)
    room = {
        b.building_id: int(b.desks // ratio) for b in scenario.buildings if b.building_id in first
    }
    movers, value = _lp_movers(instance, relaxation)
    priced_steps = _priced(instance, dict(relaxation.prices)) if priced else {}
    minimum = scenario.policy.planning.miniature_min
    # Columns in pairs: y (unit in building, binary) then s (its seated movers).
    pairs: list[tuple[str, str]] = []
    cost: list[float] = []
    upper: list[float] = []
    rows: list[tuple[list[int], list[float], float, float]] = []
    in_building: dict[str, list[int]] = defaultdict(list)
    for unit in scenario.units:
        unit_id = unit.unit_id
        if unit_id not in instance.movable_count:
            continue
        cap = min(unit.quota, instance.movable_count[unit_id])
        required = min(minimum, cap) if unit.miniature else 0
        lp_movers = sum(movers[unit_id])
        options = []
        for building_id, ready in first.items():
            if required and ready > 0:
                continue  # the miniature minimum moves in the first wave
            # Movers before the building is ready wait for its first usable wave.
            worth = sum(
                value[unit_id][k]
                * (
                    1.0
                    if k >= ready
                    else earliness_factor(ready, len(waves), earliness)
                    / earliness_factor(k, len(waves), earliness)
                )
                for k in range(len(waves))
            )
            size = float(max(min(cap, room[building_id], round(lp_movers)), required))
            per_mover = worth / max(1.0, lp_movers)
            if priced:
                steps = priced_steps.get(unit_id)
                employees, worth = _worth_of(steps[ready], room[building_id]) if steps else (0, 0)
                size = float(max(employees, required))
                per_mover = worth / max(1.0, employees)
            y = 2 * len(pairs)
            pairs.append((unit_id, building_id))
            cost += [0.0, per_mover]
            upper += [1.0, size]
            rows.append(([y + 1, y], [1.0, -size], -INF, 0.0))
            if required:
                rows.append(([y + 1, y], [1.0, -float(required)], 0.0, INF))
            in_building[building_id].append(y + 1)
            options.append(y)
        if options:
            rows.append((options, [1.0] * len(options), 1.0 if required else -INF, 1.0))
    for building_id, columns in in_building.items():
        rows.append((columns, [1.0] * len(columns), -INF, float(room[building_id])))
    picked = _solve_assignment(cost, upper, rows, budget)
    if picked is None:
        return None
    chosen = {pairs[i // 2][0]: pairs[i // 2][1] for i in picked}
    seated = {b: 0.0 for b in room}
    for i in picked:
        seated[pairs[i // 2][1]] += upper[i + 1]
    # Units left without a building (no room anywhere) get the roomiest one, so that
    # every unit is held and a rounding that finds spare desks can still use them.
    left = {b: room[b] - seated[b] for b in room}
    for unit_id in sorted(instance.movable_count):
        if unit_id not in chosen and left:
            chosen[unit_id] = max(sorted(left), key=lambda b: (left[b], -first[b]))
    return chosen


def _solve_assignment(
    cost: list[float],
    upper: list[float],
    rows: list[tuple[list[int], list[float], float, float]],
    budget: Budget,
) -> list[int] | None:
    """The y columns at 1 in HiGHS's best answer to the assignment MIP (y binary)."""
    solver = new_highs()
    inf = highspy.kHighsInf
    solver.addVars(len(cost), np.zeros(len(cost)), np.array(upper))
    solver.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), np.array(cost))
    for columns, values, lower, upper_bound in rows:
        solver.addRow(
            -inf if lower == -INF else lower,
            inf if upper_bound == INF else upper_bound,
            len(columns),
            np.array(columns, dtype=np.int32),
            np.array(values),
        )
    binaries = np.arange(0, len(cost), 2, dtype=np.int32)
    solver.changeColsIntegrality(
        len(binaries), binaries, np.array([highspy.HighsVarType.kInteger] * len(binaries))
    )
    solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
    solver.setOptionValue("mip_rel_gap", 1e-3)
    if budget.work_limit is not None:
        solver.setOptionValue("mip_max_nodes", max(1, int(budget.work_limit * 50)))
    else:
        solver.setOptionValue("time_limit", max(0.1, budget.remaining()))
    solver.run()
    if solver.getInfo().primal_solution_status != 2:
        return None
    values = solver.getSolution().col_value
    return [int(i) for i in binaries if values[i] > 0.5]
