"""Scenario families: every profile gives a valid, reproducible, plannable scenario with its knobs.

The scenarios have about 1,000 candidates: big enough for several towers, buildings and
miniature units, small enough to plan every family in well under a minute.
"""

from __future__ import annotations

import importlib.util
import math
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from pionir.planner.instance import prepare
from pionir.planner.options import SolverOptions
from pionir.planner.result import PlanStatus
from pionir.planner.solve import solve
from pionir.priority.ahp import MAX_CONSISTENCY_RATIO, ahp_weights
from pionir.scenario.csv_io import write_scenario_folder
from pionir.scenario.load import load_scenario
from pionir.scenario.model import Scenario
from pionir.scenario.profiles import (
    PROFILES,
    Profile,
    generate_profile,
    mean_bedrooms,
    measure_need,
)

EMPLOYEES = 1_000
NAMED = {
    "tight15",
    "tight30",
    "few_buildings",
    "scarce_desks",
    "mixed_bedrooms",
    "tight_budget",
    "many_waves",
    "one_wave",
    "singles_alone",
    "health_heavy",
    "early",
    "ahp_pairwise",
    "miniature_heavy",
    "roomy",
}
ALL = sorted(PROFILES)
BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "families.py"


@cache
def generated(name: str, seed: int = 0) -> Scenario:
    """Each scenario is generated once for the whole file (they are frozen)."""
    return generate_profile(name, employees=EMPLOYEES, seed=seed)


def capacities(scenario: Scenario) -> dict[str, int]:
    """Capacity totals, by the profile knob that sets them."""
    return {
        "housing": sum(t.units for t in scenario.towers),
        "seats": sum(w.seats for w in scenario.waves),
        "desks": sum(b.desks for b in scenario.buildings),
        "schools": sum(f.capacity for f in scenario.facilities if f.kind == "school"),
        "budget": scenario.policy.allowance.budget,
    }


# --- the families ---------------------------------------------------------------------------


def test_there_are_at_least_ten_families_including_the_named_ones() -> None:
    assert len(PROFILES) >= 10
    assert set(PROFILES) >= NAMED
    for name, profile in PROFILES.items():
        assert profile.name == name
        for text in (profile.description, profile.description_id):
            assert text and "\n" not in text, name


def test_pairwise_matrices_are_consistent() -> None:
    matrices = [p.pairwise for p in PROFILES.values() if p.pairwise is not None]
    assert matrices, "ahp_pairwise has a matrix"
    for matrix in matrices:
        assert ahp_weights(matrix).consistency_ratio < MAX_CONSISTENCY_RATIO


def test_a_profile_with_an_inconsistent_matrix_or_bad_knob_is_refused() -> None:
    inconsistent = ((1, 9, 1 / 9, 1), (1 / 9, 1, 9, 1), (9, 1 / 9, 1, 9), (1, 1, 1 / 9, 1))
    with pytest.raises(ValueError, match="consistent"):
        Profile("bad", "Bad.", "Buruk.", pairwise=inconsistent)
    with pytest.raises(ValueError, match="waves"):
        Profile("bad", "Bad.", "Buruk.", waves=13)
    with pytest.raises(ValueError, match="housing"):
        Profile("bad", "Bad.", "Buruk.", housing=0)
    with pytest.raises(ValueError, match="towers_from"):
        Profile("bad", "Bad.", "Buruk.", towers_from=-1)


def test_an_unknown_name_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(KeyError, match="tight15") as caught:
        generate_profile("no_such_family", employees=100)
    assert "no_such_family" in str(caught.value)


# --- every family: valid, reproducible, with its knobs ---------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_the_scenario_passes_validation_through_its_files(name: str, tmp_path: Path) -> None:
    scenario = generated(name)
    write_scenario_folder(scenario, tmp_path)
    assert load_scenario(tmp_path) == scenario


@pytest.mark.parametrize("name", ALL)
def test_the_same_seed_gives_the_same_scenario_and_another_seed_another(name: str) -> None:
    assert generate_profile(name, employees=EMPLOYEES, seed=0) == generated(name)
    other = generated(name, 1)
    assert other != generated(name)
    assert other.employees != generated(name).employees


@pytest.mark.parametrize("name", ALL)
def test_the_size_is_about_the_number_of_employees_asked(name: str) -> None:
    assert abs(len(generated(name).employees) - EMPLOYEES) <= 0.03 * EMPLOYEES


@pytest.mark.parametrize("name", ALL)
def test_the_policy_and_waves_follow_the_knobs(name: str) -> None:
    profile, scenario = PROFILES[name], generated(name)
    months = [w.month for w in scenario.waves]
    assert len(months) == profile.waves
    assert months == sorted(set(months)), "wave months strictly increase"
    assert [w.wave_id for w in scenario.waves] == [f"K{k}" for k in range(1, profile.waves + 1)]
    policy = scenario.policy
    assert policy.allowance.end_month > months[-1], "the allowance runs past the last wave"
    assert policy.planning.desk_ratio == profile.desk_ratio
    assert policy.planning.earliness == profile.earliness
    assert policy.planning.singles_share == profile.singles_share
    assert policy.priority.pairwise == profile.pairwise
    if profile.priority_weights is not None:
        assert dict(policy.priority.weights) == dict(profile.priority_weights)
    miniature = sum(u.miniature for u in scenario.units)
    assert miniature == max(1, round(profile.miniature_share * len(scenario.units)))
    buildings = math.ceil(len(scenario.units) / profile.units_per_building)
    # One more when the first office building is the miniature government's own.
    assert len(scenario.buildings) in (buildings, buildings + 1)


@pytest.mark.parametrize("name", ALL)
def test_capacities_are_their_fraction_of_need(name: str) -> None:
    """Each total is round(fraction x need), plus what the first wave's reserve may add."""
    profile, scenario = PROFILES[name], generated(name)
    need = measure_need(scenario, mean_bedrooms(profile))
    needed = {
        "housing": need.flats,
        "seats": need.persons,
        "desks": need.desks,
        "schools": need.pupils,
        "budget": need.allowance,
    }
    for knob, total in capacities(scenario).items():
        target = round(getattr(profile, knob) * needed[knob])
        assert 0 <= total - target <= 0.06 * needed[knob] + 1, (knob, total, target)


@pytest.mark.parametrize("name", ALL)
def test_capacities_come_ready_over_time_and_by_the_last_wave(name: str) -> None:
    profile, scenario = PROFILES[name], generated(name)
    first, last = scenario.waves[0].month, scenario.waves[-1].month
    staged = [scenario.towers, scenario.buildings, scenario.facilities]
    for table in staged:
        assert all(first <= item.ready_month <= last for item in table)
    assert scenario.towers[0].ready_month == first, "the first tower takes the first wave"
    assert scenario.buildings[0].ready_month == first, "so does the first office building"
    if profile.waves > 1:
        for table in staged:
            if len(table) > 1:
                assert len({item.ready_month for item in table}) > 1, "not all at month one"


def test_the_bedroom_mix_and_singles_setting_are_applied() -> None:
    mixed = generated("mixed_bedrooms")
    kinds = Counter(t.bedrooms for t in mixed.towers)
    assert set(kinds) == {2, 3, 4}
    assert max(kinds.values()) - min(kinds.values()) <= 2, "about equal numbers of each"
    assert {t.bedrooms for t in generated("tight30").towers} == {3}
    assert generated("singles_alone").policy.planning.singles_share is False


def test_desks_bind_in_scarce_desks() -> None:
    scenario = generated("scarce_desks")
    assert scenario.policy.planning.desk_ratio == 0.8
    need = measure_need(scenario)
    total = capacities(scenario)
    desks = total["desks"] / need.desks
    assert desks < 0.25
    assert all(
        total[knob] / needed > desks + 0.3
        for knob, needed in (("housing", need.flats), ("seats", need.persons))
    )


def test_health_heavy_draws_forty_percent_and_opens_care_late() -> None:
    scenario = generated("health_heavy")
    share = sum(h.needs_health for h in scenario.households) / len(scenario.households)
    assert 0.35 <= share <= 0.45
    first_care = min(f.ready_month for f in scenario.facilities if f.kind == "health")
    assert first_care == scenario.waves[3].month


def test_early_has_only_the_reserve_housed_at_the_first_wave() -> None:
    scenario = generated("early")
    assert scenario.policy.planning.earliness == 0.25
    first = scenario.waves[0].month
    ready_first = sum(t.units for t in scenario.towers if t.ready_month == first)
    assert 0 < ready_first <= 0.1 * sum(t.units for t in scenario.towers)
    assert min(t.ready_month for t in scenario.towers[1:]) == scenario.waves[2].month


def test_miniature_heavy_has_a_small_first_wave() -> None:
    scenario = generated("miniature_heavy")
    seats = [w.seats for w in scenario.waves]
    assert seats[0] < 0.1 * sum(seats)
    assert sum(u.miniature for u in scenario.units) == round(0.3 * len(scenario.units))


def test_one_and_many_waves() -> None:
    assert len(generated("one_wave").waves) == 1
    many = generated("many_waves")
    assert len(many.waves) == 12
    assert len({t.ready_month for t in many.towers}) > 2


# --- every family can be planned -------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_the_scenario_can_be_planned(name: str) -> None:
    """Feasible, rule 8 included: solve only returns plans that pass the checker."""
    instance = prepare(generated(name))
    result = solve(instance, SolverOptions(time_limit=2, workers=2))
    assert result.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE), result.conflicts
    assert result.plan is not None and result.plan.placements


# --- the benchmark helper ---------------------------------------------------------------------


def _benchmark_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("families", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_family_instances_yields_each_family_and_seed() -> None:
    family_instances = _benchmark_module().family_instances
    got = [(name, seed) for name, seed, _ in family_instances(200, [0, 1], ["one_wave", "roomy"])]
    assert got == [("one_wave", 0), ("one_wave", 1), ("roomy", 0), ("roomy", 1)]
    with pytest.raises(KeyError, match="tight15"):
        next(family_instances(200, [0], ["no_such_family"]))
