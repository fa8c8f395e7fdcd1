"""Each plan rule on a tiny scenario: once where it binds, once where it does not."""

from __future__ import annotations

from datetime import date

from pionir.planner.result import PlanStatus
from pionir.scenario.model import Building, Facility, Month, Tower, Wave
from tests.builders import ScenarioBuilder, movers, solve_scenario


def test_rule1_household_moves_whole_in_one_wave_and_one_flat() -> None:
    b = ScenarioBuilder()
    couple = b.household(members=3, employees=2, children=1)
    scenario = b.build()
    result = solve_scenario(scenario)
    assert result.status == PlanStatus.OPTIMAL
    placement = result.plan.placements[couple]
    assert len(movers(result, scenario)) == 2
    assert placement.wave_index == 0


def test_rule1_household_with_an_ineligible_member_stays() -> None:
    b = ScenarioBuilder()
    b.household(members=2, employees=2, education="S1")
    scenario = b.build()
    # Make the second member ineligible by performance.
    from dataclasses import replace

    employees = list(scenario.employees)
    employees[1] = replace(employees[1], performance="kurang")
    scenario = replace(scenario, employees=tuple(employees))
    result = solve_scenario(scenario)
    assert result.plan.placements == {}


def test_rule2_seats_bind() -> None:
    b = ScenarioBuilder(waves=[Wave("K1", Month(2024, 7), 2)])
    for _ in range(3):
        b.household()
    result = solve_scenario(b.build())
    assert len(result.plan.placements) == 2


def test_rule2_seats_roomy() -> None:
    b = ScenarioBuilder(waves=[Wave("K1", Month(2024, 7), 3)])
    for _ in range(3):
        b.household()
    assert len(solve_scenario(b.build()).plan.placements) == 3


def test_rule3_singles_share_by_gender_up_to_bedrooms() -> None:
    b = ScenarioBuilder(towers=[Tower("T1", Month(2024, 7), 1, 3)])
    for _ in range(4):
        b.household(gender="L")
    result = solve_scenario(b.build())
    assert len(result.plan.placements) == 3
    assert len({p.housing for p in result.plan.placements.values()}) == 1


def test_rule3_men_and_women_do_not_share() -> None:
    b = ScenarioBuilder(towers=[Tower("T1", Month(2024, 7), 1, 3)])
    b.household(gender="L")
    b.household(gender="P")
    assert len(solve_scenario(b.build()).plan.placements) == 1


def test_rule3_no_sharing_when_policy_says_so() -> None:
    b = ScenarioBuilder(towers=[Tower("T1", Month(2024, 7), 2, 3)]).with_planning(
        singles_share=False
    )
    for _ in range(3):
        b.household(gender="L")
    assert len(solve_scenario(b.build()).plan.placements) == 2


def test_rule3_family_has_a_flat_to_itself() -> None:
    b = ScenarioBuilder(towers=[Tower("T1", Month(2024, 7), 1, 3)])
    b.household(members=2, employees=1)
    b.household(gender="L")
    assert len(solve_scenario(b.build()).plan.placements) == 1


def test_rule3_tower_not_ready_delays_the_move() -> None:
    b = ScenarioBuilder(towers=[Tower("T1", Month(2024, 9), 5, 3)])
    b.household()
    scenario = b.build()
    result = solve_scenario(scenario)
    assert set(movers(result, scenario).values()) == {2}


def test_rule4_unit_sits_in_one_building() -> None:
    b = ScenarioBuilder(
        buildings=[Building("B1", Month(2024, 7), 2), Building("B2", Month(2024, 7), 2)]
    )
    for _ in range(3):
        b.household()
    result = solve_scenario(b.build())
    assert len(result.plan.placements) == 2


def test_rule4_desk_ratio_reduces_room() -> None:
    b = ScenarioBuilder(buildings=[Building("B1", Month(2024, 7), 3)]).with_planning(desk_ratio=1.5)
    for _ in range(3):
        b.household()
    assert len(solve_scenario(b.build()).plan.placements) == 2


def test_rule4_building_not_ready_delays_the_unit() -> None:
    b = ScenarioBuilder(buildings=[Building("B1", Month(2024, 8), 10)])
    b.household()
    scenario = b.build()
    assert set(movers(solve_scenario(scenario), scenario).values()) == {1}


def test_rule5_school_places_bind() -> None:
    b = ScenarioBuilder(facilities=[Facility("S1", "school", Month(2024, 7), 2)])
    b.household(members=4, children=3)
    assert solve_scenario(b.build()).plan.placements == {}


def test_rule5_school_places_suffice() -> None:
    b = ScenarioBuilder(facilities=[Facility("S1", "school", Month(2024, 7), 3)])
    b.household(members=4, children=3)
    assert len(solve_scenario(b.build()).plan.placements) == 1


def test_rule6_health_waits_for_the_first_facility() -> None:
    b = ScenarioBuilder(facilities=[Facility("H1", "health", Month(2024, 9), 0)])
    b.household(needs_health=True)
    b.household()
    scenario = b.build()
    result = solve_scenario(scenario)
    assert sorted(p.wave_index for p in result.plan.placements.values()) == [0, 2]


def test_rule6_no_health_facility_means_no_move() -> None:
    b = ScenarioBuilder(facilities=[])
    b.household(needs_health=True)
    assert solve_scenario(b.build()).plan.placements == {}


def test_rule7_quota_binds() -> None:
    b = ScenarioBuilder()
    b.unit("U1", quota=2)
    for _ in range(4):
        b.household()
    assert len(solve_scenario(b.build()).plan.placements) == 2


def test_rule7_zero_quota_moves_nobody() -> None:
    b = ScenarioBuilder()
    b.unit("U1", quota=0, miniature=True)
    b.household()
    result = solve_scenario(b.build())
    assert result.status == PlanStatus.OPTIMAL
    assert result.plan.placements == {}


def test_rule8_miniature_moves_in_the_first_wave() -> None:
    # Without rule 8 the seats of K1 would go to the higher-merit unit U2.
    b = ScenarioBuilder(
        waves=[Wave("K1", Month(2024, 7), 2), Wave("K2", Month(2024, 8), 10)]
    ).with_planning(miniature_min=2)
    b.unit("U1", miniature=True, function="support", digital_readiness=0)
    b.unit("U2", function="core")
    for _ in range(2):
        b.household("U1")
        b.household("U2")
    scenario = b.build()
    result = solve_scenario(scenario)
    first = [e.nip for e in scenario.employees if movers(result, scenario).get(e.nip) == 0]
    units = {e.position_id for e in scenario.employees if e.nip in first}
    assert units == {"P-U1"}


def test_rule8_miniature_conflict_names_unit_and_wave() -> None:
    b = ScenarioBuilder(waves=[Wave("K1", Month(2024, 7), 1), Wave("K2", Month(2024, 8), 10)])
    b.unit("U1", miniature=True, name="Sekretariat Kemenko")
    for _ in range(3):
        b.household("U1")
    result = solve_scenario(b.build())
    assert result.status == PlanStatus.INFEASIBLE
    text = " ".join(result.conflicts)
    assert "Aturan 8" in text and "U1" in text
    assert "Aturan 2" in text and "K1" in text
    assert "Rule 2" in " ".join(result.conflicts_en)


def test_rule8_conflict_with_housing_names_the_tower_date() -> None:
    b = ScenarioBuilder(towers=[Tower("T1", Month(2024, 9), 10, 3)])
    b.unit("U1", miniature=True)
    b.household("U1")
    result = solve_scenario(b.build())
    assert result.status == PlanStatus.INFEASIBLE
    text = " ".join(result.conflicts)
    assert "Aturan 3" in text and "Aturan 8" in text
    assert "Aturan 2" not in text


def test_rule9_budget_binds() -> None:
    # III group: 4,000,000 a month, July 2024 to December 2025 = 18 months = 72,000,000.
    b = ScenarioBuilder(waves=[Wave("K1", Month(2024, 7), 10)]).with_allowance(budget=100_000_000)
    for _ in range(2):
        b.household()
    assert len(solve_scenario(b.build()).plan.placements) == 1


def test_rule9_after_end_month_costs_nothing() -> None:
    b = ScenarioBuilder(waves=[Wave("K1", Month(2026, 1), 10)]).with_allowance(budget=0)
    b.towers = [Tower("T1", Month(2024, 7), 10, 3)]
    for _ in range(2):
        b.household(birth_date=date(1995, 5, 5))
    assert len(solve_scenario(b.build()).plan.placements) == 2


def test_earliness_prefers_the_first_wave() -> None:
    b = ScenarioBuilder()
    b.household()
    scenario = b.build()
    result = solve_scenario(scenario)
    assert set(movers(result, scenario).values()) == {0}
    assert result.bound >= result.objective
