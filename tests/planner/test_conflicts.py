"""When no plan exists: every conflict is named, each on its own, within the time given."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from pionir.planner import conflicts, solve
from pionir.planner.conflicts import Stop, diagnose, find_conflicts
from pionir.planner.instance import prepare
from pionir.planner.options import SolverOptions
from pionir.planner.result import PlanStatus
from pionir.scenario.model import Building, Facility, Month, Scenario, Wave
from tests.builders import ScenarioBuilder, solve_scenario

OPTIONS = SolverOptions(workers=1)
UNITS = [f"U{i}" for i in range(1, 7)]
JULY = Month(2024, 7)


def six_miniature_units(*, seats: int = 500, building_ready: Month = JULY) -> Scenario:
    """Six miniature units of two singles each, every one needing both in wave K1."""
    b = ScenarioBuilder(
        waves=[Wave("K1", JULY, seats), Wave("K2", Month(2024, 8), 500)],
        buildings=[Building("B1", building_ready, 500)],
    ).with_planning(miniature_min=2)
    for unit_id in UNITS:
        b.unit(unit_id, miniature=True)
        for _ in range(2):
            b.household(unit_id)
    return b.build()


def numbered(messages: tuple[str, ...], number: int, word: str) -> str:
    return " ".join(m for m in messages if m.startswith(f"{word} {number}: "))


@pytest.mark.parametrize(
    ("scenario", "capacity"),
    [
        # One seat in K1: no unit's two employees fit, each unit on its own.
        (six_miniature_units(seats=1), "seats:0"),
        # The only building opens after K1: no unit has a desk in the first wave.
        (six_miniature_units(building_ready=Month(2024, 8)), "office_ready:B1"),
    ],
    ids=["seats", "office-ready"],
)
def test_six_units_that_cannot_be_staffed_are_all_named(scenario: Scenario, capacity: str) -> None:
    diagnosis = find_conflicts(prepare(scenario), OPTIONS)
    assert diagnosis.complete
    assert diagnosis.conflicts == tuple((f"miniature:{u}", capacity) for u in UNITS)
    # Same scenario, same answer.
    assert find_conflicts(prepare(scenario), OPTIONS) == diagnosis

    result = solve_scenario(scenario)
    assert result.status == PlanStatus.INFEASIBLE
    assert "6 konflik" in result.conflicts[0] and "6 conflicts" in result.conflicts_en[0]
    for number, unit_id in enumerate(UNITS, start=1):
        text = numbered(result.conflicts, number, "Konflik")
        text_en = numbered(result.conflicts_en, number, "Conflict")
        assert "Aturan 8" in text and "Rule 8" in text_en
        named = [u for u in UNITS if f"({u})" in text]
        assert named == [unit_id], (number, text)
        assert ("Aturan 2" if capacity == "seats:0" else "Aturan 4") in text
    assert numbered(result.conflicts, 7, "Konflik") == ""
    assert not any("belum lengkap" in m for m in result.conflicts)


def test_two_unrelated_conflicts_are_both_reported() -> None:
    # U1's household needs health care and U2's has a pupil; neither a health facility
    # nor a school is ready in K1, where both miniature units must move.
    b = ScenarioBuilder(
        facilities=[
            Facility("S1", "school", Month(2024, 8), 200),
            Facility("H1", "health", Month(2024, 8), 0),
        ]
    ).with_planning(miniature_min=1)
    b.unit("U1", miniature=True)
    b.unit("U2", miniature=True)
    b.household("U1", needs_health=True)
    b.household("U2", members=2, children=1)
    scenario = b.build()

    diagnosis = find_conflicts(prepare(scenario), OPTIONS)
    assert diagnosis.complete
    assert diagnosis.conflicts == (("miniature:U1", "health:0"), ("miniature:U2", "school:0"))
    messages = diagnose(prepare(scenario), OPTIONS)
    first = " ".join(en for en in (e for _, e in messages) if en.startswith("Conflict 1: "))
    second = " ".join(en for en in (e for _, e in messages) if en.startswith("Conflict 2: "))
    assert "(U1)" in first and "Rule 6" in first and "U2" not in first
    assert "(U2)" in second and "Rule 5" in second and "U1" not in second
    assert len(messages) == 1 + 4


def test_a_scenario_with_a_plan_is_never_diagnosed(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = six_miniature_units(seats=12)
    assert find_conflicts(prepare(scenario), OPTIONS) == conflicts.Diagnosis(())

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("diagnose called for a scenario with a plan")

    monkeypatch.setattr(solve, "diagnose", refuse)
    result = solve_scenario(scenario)
    assert result.status == PlanStatus.OPTIMAL
    assert result.conflicts == () and result.conflicts_en == ()


def test_a_past_deadline_finds_nothing_and_says_so() -> None:
    instance = prepare(six_miniature_units(seats=1))
    diagnosis = find_conflicts(instance, OPTIONS, deadline=time.monotonic() - 1)
    assert diagnosis == conflicts.Diagnosis((), Stop.DEADLINE)
    messages = diagnose(instance, OPTIONS, deadline=time.monotonic() - 1)
    assert len(messages) == 1
    assert "could not be isolated within the time limit" in messages[0][1]


def test_the_deadline_stops_the_search_and_the_list_says_it_may_be_incomplete(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A clock that moves one second each time it is read, i.e. once per check: the
    # deadline falls after a few conflicts of the six.
    ticks = iter(range(1_000))
    monkeypatch.setattr(conflicts, "time", SimpleNamespace(monotonic=lambda: float(next(ticks))))
    instance = prepare(six_miniature_units(seats=1))
    diagnosis = find_conflicts(instance, OPTIONS, deadline=4.0)
    assert diagnosis.stopped == Stop.DEADLINE
    assert 1 <= len(diagnosis.conflicts) < 6
    # What was found is true: each a unit with the seats of K1.
    assert all(c in [(f"miniature:{u}", "seats:0") for u in UNITS] for c in diagnosis.conflicts)

    ticks = iter(range(1_000))
    messages = diagnose(instance, OPTIONS, deadline=4.0)
    assert f"{len(diagnosis.conflicts)} konflik" in messages[0][0]
    indonesian, english = messages[-1]
    assert "mungkin belum lengkap" in indonesian and "may be incomplete" in english


def test_the_cap_stops_the_search_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conflicts, "MAX_CONFLICTS", 3)
    instance = prepare(six_miniature_units(seats=1))
    diagnosis = find_conflicts(instance, OPTIONS)
    assert diagnosis.stopped == Stop.CAP
    assert diagnosis.conflicts == tuple((f"miniature:{u}", "seats:0") for u in UNITS[:3])
    indonesian, english = diagnose(instance, OPTIONS)[-1]
    assert "setelah 3 konflik" in indonesian and "may be incomplete" in english
