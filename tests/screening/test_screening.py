"""Screening (penapisan): each reason code, retirement on 29 February, merit, household movability."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from pionir.scenario.model import Month, ScreeningPolicy, Wave
from pionir.screening.rules import retirement_cutoff, retirement_day
from pionir.screening.screen import merit, screen
from tests.builders import ScenarioBuilder


def _screen_one(position_type: str = "fungsional", **changes: Any) -> tuple[bool, tuple[str, ...]]:
    b = ScenarioBuilder()
    b.unit("U1", position_type=position_type)
    b.household(**changes)
    result = next(iter(screen(b.build()).values()))
    return result.eligible, result.reasons


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"status": "exempt"}, "exempt"),
        ({"status": "declined"}, "declined"),
        ({"birth_date": date(1962, 1, 1)}, "retiring"),
        ({"education": "SMA"}, "education_below_min"),
        ({"education": "D2"}, "education_below_min"),
        ({"general": 1}, "general_below_required"),
        ({"technical": 1}, "technical_below_required"),
        ({"digital_literacy": 59.9}, "digital_literacy_low"),
        ({"multitasking": 10}, "multitasking_low"),
        ({"ikn_principles": 0}, "ikn_principles_low"),
        ({"berakhlak": 69}, "berakhlak_low"),
        ({"performance": "butuh_perbaikan"}, "performance_low"),
    ],
)
def test_each_rule_gives_its_reason(changes: dict[str, Any], reason: str) -> None:
    eligible, reasons = _screen_one(**changes)
    assert not eligible
    assert reasons == (reason,)


def test_thresholds_are_inclusive_and_d3_is_enough() -> None:
    eligible, reasons = _screen_one(
        education="D3", digital_literacy=60, multitasking=60, ikn_principles=60, berakhlak=70
    )
    assert eligible and reasons == ()


def test_d4_counts_as_s1() -> None:
    b = ScenarioBuilder()
    b.household(education="D4")
    b.policy = replace(b.policy, screening=replace(b.policy.screening, min_education="S1"))
    assert next(iter(screen(b.build()).values())).eligible


def test_several_reasons_in_table_order() -> None:
    eligible, reasons = _screen_one(status="exempt", berakhlak=10, education="SMP")
    assert not eligible
    assert reasons == ("exempt", "education_below_min", "berakhlak_low")


def test_retirement_on_29_february_is_28_february() -> None:
    assert retirement_day(date(1968, 2, 29), 58) == date(2026, 2, 28)
    assert retirement_day(date(1968, 3, 1), 58) == date(2026, 3, 1)


def test_retirement_cutoff_is_first_day_after_buffer() -> None:
    assert retirement_cutoff(Month(2024, 12), ScreeningPolicy()) == date(2025, 12, 1)


@pytest.mark.parametrize(
    ("birth", "retiring"),
    [
        # Last wave 2024-09 (the builder's), buffer 12 months: cut-off 2025-09-01.
        (date(1967, 8, 31), True),  # 58 on 2025-08-31, before the cut-off
        (date(1967, 9, 1), False),  # 58 exactly on the cut-off day: not before it
        (date(1968, 2, 29), False),  # 58 on 2026-02-28
    ],
)
def test_retirement_boundary(birth: date, retiring: bool) -> None:
    _, reasons = _screen_one("pelaksana", birth_date=birth)
    assert ("retiring" in reasons) == retiring


def test_29_february_birthday_retires_on_28_february_before_a_1_march_cutoff() -> None:
    b = ScenarioBuilder(waves=[Wave("K1", Month(2025, 3), 10)])
    b.unit("U1", position_type="pelaksana")
    b.household(birth_date=date(1968, 2, 29))
    # Cut-off 2026-03-01; the 58th birthday counts as 2026-02-28, one day before it.
    assert next(iter(screen(b.build()).values())).reasons == ("retiring",)


@pytest.mark.parametrize(
    ("position_type", "retiring"),
    [("fungsional", False), ("jpt", False), ("pelaksana", True), ("pengawas", True)],
)
def test_retirement_age_by_position_type(position_type: str, retiring: bool) -> None:
    # 58 in 2024, 60 in 2026: only the 58-year positions retire before 2025-09-01.
    _, reasons = _screen_one(position_type, birth_date=date(1966, 1, 1))
    assert ("retiring" in reasons) == retiring


def test_merit_formula() -> None:
    b = ScenarioBuilder()
    b.household(
        general=5,
        technical=5,
        digital_literacy=100,
        multitasking=100,
        ikn_principles=100,
        berakhlak=100,
        performance="sangat_baik",
    )
    b.household(
        general=3,
        technical=4,
        digital_literacy=70,
        multitasking=60,
        ikn_principles=80,
        berakhlak=90,
        performance="baik",
    )
    scenario = b.build()
    best, other = (merit(e, scenario.policy.merit) for e in scenario.employees)
    assert best == pytest.approx(100.0)
    expected = 100 * (
        0.2 * 0.6 + 0.25 * 0.8 + 0.15 * 0.7 + 0.1 * 0.6 + 0.1 * 0.8 + 0.1 * 0.9 + 0.1 * 0.8
    )
    assert other == pytest.approx(expected)


def test_household_is_movable_only_when_every_employee_is_eligible() -> None:
    b = ScenarioBuilder()
    b.household(members=2, employees=2)
    scenario = b.build()
    first, second = scenario.employees
    scenario = replace(scenario, employees=(first, replace(second, berakhlak=0)))
    results = screen(scenario)
    assert results[first.nip].eligible and not results[first.nip].movable
    assert not results[second.nip].movable
