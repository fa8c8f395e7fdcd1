"""Bottlenecks: each binding capacity as a change to the scenario, and what it gains.

Small scenarios where one known capacity binds show each kind of change where it is
expected; generated profiles check the order, that every row names a real cell, and,
for the top rows, that applying the change and planning again gains about what the
row says. That last check compares plans, as a planner would see them, with a
tolerance of half the estimate plus the two plans' own proven gaps: plans are the
noisier measure (a plan stopped by its time limit is off by its gap), but an estimate
that only matched the LP would be of little use where the LP splits units between
buildings, so the plans are what is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

import pytest

from pionir.planner.bottlenecks import (
    HEADER,
    Bottleneck,
    apply_bottleneck,
    find_bottlenecks,
)
from pionir.planner.budget import Budget
from pionir.planner.instance import prepare
from pionir.planner.options import SolverOptions
from pionir.planner.relaxation import Integrality, solve_relaxation
from pionir.planner.result import PlanResult, PlanStatus
from pionir.planner.solve import solve
from pionir.scenario.model import Building, Facility, Month, Scenario, Tower, Wave
from pionir.scenario.profiles import generate_profile
from tests.builders import ScenarioBuilder

TABLE_IDS = {
    "waves.csv": ("waves", "wave_id"),
    "towers.csv": ("towers", "tower_id"),
    "buildings.csv": ("buildings", "building_id"),
    "facilities.csv": ("facilities", "facility_id"),
    "units.csv": ("units", "unit_id"),
}


def plan(scenario: Scenario, time_limit: float = 5.0) -> PlanResult:
    return solve(prepare(scenario), SolverOptions(time_limit=time_limit, workers=1))


def bottlenecks(
    scenario: Scenario, seconds: float = 10.0
) -> tuple[PlanResult, tuple[Bottleneck, ...]]:
    instance = prepare(scenario)
    result = solve(instance, SolverOptions(time_limit=5, workers=1))
    assert result.plan is not None
    return result, find_bottlenecks(instance, result, Budget.wall(seconds))


def lp_bound(scenario: Scenario, integer: Integrality = Integrality.NONE) -> float:
    relaxation = solve_relaxation(prepare(scenario), Budget.wall(10), integer=integer)
    assert relaxation is not None
    return relaxation.bound


def cells(rows: tuple[Bottleneck, ...]) -> list[tuple[str, str, str]]:
    return [(row.file, row.id, row.column) for row in rows]


# --- small scenarios, one capacity binding -----------------------------------------------


def households(b: ScenarioBuilder, count: int, **changes: object) -> ScenarioBuilder:
    for _ in range(count):
        b.household(**changes)  # type: ignore[arg-type]
    return b


def seats_bind() -> Scenario:
    """Ten two-person households; K1 seats four of them, K2 and K3 have room for all."""
    b = ScenarioBuilder()
    b.waves[0] = Wave("K1", Month(2024, 7), 8)
    return households(b, 10, members=2).build()


def flats_bind() -> Scenario:
    b = ScenarioBuilder(towers=[Tower("T1", Month(2024, 7), 4, 3)])
    return households(b, 10, members=3).build()


def tower_late() -> Scenario:
    """Four flats from July; twenty more in T2 only from September (K3)."""
    b = ScenarioBuilder(
        towers=[Tower("T1", Month(2024, 7), 4, 3), Tower("T2", Month(2024, 9), 20, 3)]
    )
    return households(b, 10, members=3).build()


def desks_bind() -> Scenario:
    b = ScenarioBuilder(buildings=[Building("B1", Month(2024, 7), 5)])
    return households(b, 10).build()


def building_late() -> Scenario:
    """U1 fits only in B2, ready from September (K3); U2 sits in B1 from July."""
    b = ScenarioBuilder(
        buildings=[Building("B1", Month(2024, 7), 6), Building("B2", Month(2024, 9), 50)]
    )
    b.unit("U1")
    b.unit("U2")
    households(b, 10, unit_id="U1")
    return households(b, 3, unit_id="U2").build()


def schools_bind() -> Scenario:
    b = ScenarioBuilder(
        facilities=[
            Facility("S1", "school", Month(2024, 7), 2),
            Facility("H1", "health", Month(2024, 7), 0),
        ]
    )
    return households(b, 10, members=3, children=1).build()


def school_late() -> Scenario:
    b = ScenarioBuilder(
        facilities=[
            Facility("S1", "school", Month(2024, 7), 2),
            Facility("S2", "school", Month(2024, 9), 50),
            Facility("H1", "health", Month(2024, 7), 0),
        ]
    )
    return households(b, 10, members=3, children=1).build()


def quota_binds() -> Scenario:
    b = ScenarioBuilder()
    b.unit("U1", quota=3)
    return households(b, 10).build()


def budget_binds() -> Scenario:
    """An allowance of 72 million rupiah per employee from July 2024; room for two."""
    b = ScenarioBuilder().with_allowance(budget=150_000_000)
    return households(b, 10).build()


def miniature_binds() -> Scenario:
    """K1 seats five; rule 8 gives them to the miniature support unit U2, not core U1."""
    b = ScenarioBuilder()
    b.waves[0] = Wave("K1", Month(2024, 7), 5)
    b.unit("U1")
    b.unit("U2", function="support", miniature=True, digital_readiness=0.0)
    households(b, 10, unit_id="U1")
    return households(b, 5, unit_id="U2").build()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (seats_bind, ("waves.csv", "K1", "seats")),
        (flats_bind, ("towers.csv", "T1", "units")),
        (tower_late, ("towers.csv", "T2", "ready_month")),
        (desks_bind, ("buildings.csv", "B1", "desks")),
        (building_late, ("buildings.csv", "B2", "ready_month")),
        (schools_bind, ("facilities.csv", "S1", "capacity")),
        (school_late, ("facilities.csv", "S2", "ready_month")),
        (quota_binds, ("units.csv", "U1", "quota")),
        (budget_binds, ("policy", "allowance", "budget")),
        (miniature_binds, ("policy", "planning", "miniature_min")),
    ],
    ids=lambda value: value.__name__ if callable(value) else "-".join(value),
)
def test_each_binding_kind_is_named_and_gains(
    make: Callable[[], Scenario], expected: tuple[str, str, str]
) -> None:
    scenario = make()
    result, rows = bottlenecks(scenario)
    assert expected in cells(rows), cells(rows)
    row = rows[cells(rows).index(expected)]
    assert row.objective_gain > 0
    # The capacity really binds: the change raises the bound and plans better.
    assert lp_bound(apply_bottleneck(scenario, row)) > lp_bound(scenario) + 1e-6
    assert plan(apply_bottleneck(scenario, row)).objective > result.objective + 1e-6


def test_only_binding_seats_put_their_wave_first_and_alone() -> None:
    scenario = seats_bind()
    _, rows = bottlenecks(scenario)
    assert rows[0].file == "waves.csv" and rows[0].id == "K1" and rows[0].column == "seats"
    # A household's worth of seats (two persons): one household moves in K1, not K2.
    assert rows[0].delta == "+2"
    assert not [row for row in rows[1:] if row.file == "waves.csv"]
    candidate = prepare(scenario).candidates[0]
    assert rows[0].objective_gain == pytest.approx(candidate.value[0] - candidate.value[1])
    assert rows[0].text_en.startswith("wave K1 with 2 more seats: ")
    assert rows[0].text_id.startswith("kloter K1 tambah 2 kursi: ")


def test_nothing_binds_in_a_roomy_scenario() -> None:
    _, rows = bottlenecks(households(ScenarioBuilder(), 10, members=2).build())
    assert rows == ()


# --- generated profiles ------------------------------------------------------------------


@pytest.fixture(scope="module")
def tight() -> tuple[Scenario, PlanResult, tuple[Bottleneck, ...]]:
    """tight15 at 600 employees: desks, a late building and seats bind."""
    scenario = generate_profile("tight15", employees=600, seed=0)
    result, rows = bottlenecks(scenario)
    return scenario, result, rows


def test_rows_are_best_first_and_name_real_cells(
    tight: tuple[Scenario, PlanResult, tuple[Bottleneck, ...]],
) -> None:
    scenario, _, rows = tight
    assert len(rows) >= 5
    gains = [row.objective_gain for row in rows]
    assert gains == sorted(gains, reverse=True)
    assert all(gain > 0 for gain in gains)
    assert {"desks", "ready_month", "seats"} <= {row.column for row in rows}
    for row in rows:
        assert len(row.row()) == len(HEADER)
        assert row.text_id.endswith(" ASN") or row.text_id.split(": ")[-1].startswith("objektif +")
        assert row.text_en.endswith(" ASN") or row.text_en.split(": ")[-1].startswith("objective +")
        assert row.movers_gain >= 0
        changed = apply_bottleneck(scenario, row)
        if row.file == "policy":
            before, after = getattr(scenario.policy, row.id), getattr(changed.policy, row.id)
        else:
            table, id_field = TABLE_IDS[row.file]
            (before,) = [r for r in getattr(scenario, table) if getattr(r, id_field) == row.id]
            (after,) = [r for r in getattr(changed, table) if getattr(r, id_field) == row.id]
        assert row.column in {f.name for f in fields(before)}
        assert getattr(after, row.column) != getattr(before, row.column), row


def test_resolved_gains_are_the_bounds_gained(
    tight: tuple[Scenario, PlanResult, tuple[Bottleneck, ...]],
) -> None:
    scenario, result, rows = tight
    methods = {"lp": Integrality.NONE, "buildings_mip": Integrality.BUILDINGS}
    resolved = [row for row in rows if row.estimate in methods]
    assert resolved and rows[0].estimate in methods
    bases = {method: lp_bound(scenario, integer) for method, integer in methods.items()}
    for row in resolved[:3]:
        changed = lp_bound(apply_bottleneck(scenario, row), methods[row.estimate])
        # The MIP is solved to a relative gap of 1e-4 each time.
        tolerance = 1e-6 if row.estimate == "lp" else 2e-4 * result.bound
        assert changed - bases[row.estimate] == pytest.approx(row.objective_gain, abs=tolerance)


def test_top_rows_gain_about_their_estimate_when_planned_again(
    tight: tuple[Scenario, PlanResult, tuple[Bottleneck, ...]],
) -> None:
    scenario, before, rows = tight
    assert before.status is PlanStatus.OPTIMAL
    for row in rows[:3]:
        after = plan(apply_bottleneck(scenario, row))
        gained = after.objective - before.objective
        noise = (before.bound - before.objective) + (after.bound - after.objective)
        assert gained > 0, row
        assert abs(gained - row.objective_gain) <= 0.5 * row.objective_gain + noise, (
            row,
            gained,
        )


def test_dual_estimates_bound_what_more_capacity_gains_the_lp() -> None:
    """With no time to re-solve, gains stay dual estimates; for a change of right-hand
    sides only (seats, school places, budget) the LP's concavity makes them upper bounds."""
    scenario = generate_profile("tight_budget", employees=600, seed=0)
    _, rows = bottlenecks(scenario, seconds=0.0)
    assert rows and all(row.estimate == "dual" for row in rows)
    gains = [row.objective_gain for row in rows]
    assert gains == sorted(gains, reverse=True)
    base = lp_bound(scenario)
    checked = 0
    for row in rows:
        if row.column in ("seats", "capacity", "budget"):
            gained = lp_bound(apply_bottleneck(scenario, row)) - base
            assert gained <= row.objective_gain * (1 + 1e-6) + 1e-6, row
            checked += 1
    assert checked >= 2
    assert rows[0].column == "budget"


def test_no_row_promises_more_than_moving_everyone() -> None:
    """In the tiny fixture everyone movable moves: a late building's price is positive,
    but nothing can gain, so there is no row even without re-solving."""
    from pathlib import Path

    from pionir.scenario.load import load_scenario

    scenario = load_scenario(Path(__file__).parents[1] / "fixtures" / "scenario_tiny")
    instance = prepare(scenario)
    result = solve(instance, SolverOptions(time_limit=5, workers=1))
    assert any(key.startswith("building_ready:") and p > 0 for key, p in result.prices.items())
    assert find_bottlenecks(instance, result, Budget.wall(0.0)) == ()


def test_a_work_budget_gives_the_same_rows() -> None:
    scenario = building_late()
    instance = prepare(scenario)
    options = SolverOptions(work_limit=1.0, workers=1)
    result = solve(instance, options)
    first = find_bottlenecks(instance, result, Budget(float("inf"), 1.0))
    second = find_bottlenecks(prepare(scenario), result, Budget(float("inf"), 1.0))
    assert first and first == second
    assert first[0].estimate != "dual"


# --- apply_bottleneck --------------------------------------------------------------------


def change(file: str, id: str, column: str, delta: str) -> Bottleneck:
    return Bottleneck(file, id, column, delta, 0.0, 0.0, "", "")


def test_apply_adds_a_signed_delta_and_puts_anything_else() -> None:
    scenario = seats_bind()
    assert (
        apply_bottleneck(scenario, change("waves.csv", "K1", "seats", "+100")).waves[0].seats == 108
    )
    assert (
        apply_bottleneck(scenario, change("waves.csv", "K2", "seats", "-100")).waves[1].seats == 400
    )
    assert apply_bottleneck(scenario, change("waves.csv", "K1", "seats", "20")).waves[0].seats == 20
    moved = apply_bottleneck(scenario, change("towers.csv", "T1", "ready_month", "2024-05"))
    assert moved.towers[0].ready_month == Month(2024, 5)
    richer = apply_bottleneck(scenario, change("policy", "allowance", "budget", "+10000000000"))
    assert richer.policy.allowance.budget == scenario.policy.allowance.budget + 10**10
    fewer = apply_bottleneck(scenario, change("policy", "planning", "miniature_min", "-1"))
    assert fewer.policy.planning.miniature_min == 4
    # Everything else is the same scenario.
    assert moved.waves == scenario.waves and moved.households == scenario.households


@pytest.mark.parametrize(
    "bad",
    [
        change("waves.csv", "K9", "seats", "+1"),
        change("waves.csv", "K1", "chairs", "+1"),
        change("people.csv", "X", "seats", "+1"),
        change("policy", "nowhere", "budget", "+1"),
        change("towers.csv", "T1", "ready_month", "soon"),
        change("waves.csv", "K1", "seats", "-9"),
    ],
)
def test_apply_refuses_what_the_scenario_lacks(bad: Bottleneck) -> None:
    with pytest.raises(ValueError):
        apply_bottleneck(seats_bind(), bad)


def test_more_seats_desks_or_quota_never_promise_more_movers_than_they_seat(
    tight: tuple[Scenario, PlanResult, tuple[Bottleneck, ...]],
) -> None:
    scenario, _, rows = tight
    ratio = scenario.policy.planning.desk_ratio
    capped = [r for r in rows if r.column in ("seats", "desks", "quota") and r.delta[0] == "+"]
    assert capped, "tight15 has binding desks"
    for row in capped:
        added = float(row.delta[1:]) / (ratio if row.column == "desks" else 1.0)
        assert row.movers_gain <= added + 1e-9, row
