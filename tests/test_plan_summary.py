"""`PlanSummary`: summary.json keeps its keys, and summaries written before it still read.

The fixtures were written by the code before `PlanSummary` (see tests/summary_shapes.py).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pionir.cli import app
from pionir.plan_summary import CommandTiming, JobTiming, PlanSummary, SummaryUnreadable
from pionir.planner.result import PlanStatus
from pionir.scenario.csv_io import write_scenario_folder
from pionir.scenario.profiles import generate_profile
from tests.summary_shapes import fixture, fixture_text, json_text, shape
from tests.test_cli import TINY, miniature_scenario

FIXTURES = ("command_tiny.json", "command_tight.json", "command_infeasible.json", "job_tiny.json")


@pytest.mark.parametrize("name", FIXTURES)
def test_a_summary_written_before_reads_and_writes_back_byte_for_byte(name: str) -> None:
    text = fixture_text(name)
    summary = PlanSummary.from_json(json.loads(text))
    assert json_text(summary.to_json()) == text


def test_the_parts_not_every_summary_has_are_typed_as_absent() -> None:
    command = PlanSummary.from_json(fixture("command_tiny.json"))
    job = PlanSummary.from_json(fixture("job_tiny.json"))
    # The command line does not compute the towers' and buildings' use; the worker does.
    assert command.premises is None
    assert job.premises is not None
    assert [t.tower_id for t in job.premises.towers] == ["T1", "T2"]
    assert [b.building_id for b in job.premises.buildings] == ["B1", "B2"]
    assert isinstance(command.timing, CommandTiming) and command.timing.work_limit == 10.0
    assert isinstance(job.timing, JobTiming) and job.timing.limit == "wall"
    assert "towers" not in replace(job, premises=None).to_json()


def test_waves_join_by_wave_and_capacity_by_wave() -> None:
    summary = PlanSummary.from_json(fixture("command_tight.json"))
    stored = fixture("command_tight.json")
    assert [w.wave_id for w in summary.waves] == list(stored["by_wave"])
    assert [w.employees for w in summary.waves] == [
        counts["employees"] for counts in stored["by_wave"].values()
    ]
    assert sum(w.employees for w in summary.waves) == summary.movers
    assert summary.movers_in("K1") == stored["by_wave"]["K1"]["employees"]
    assert summary.movers_in("no such wave") == 0
    assert summary.binding_in("K1") == stored["binding"]["K1"]
    assert summary.bottlenecks[0].file == stored["bottlenecks"][0]["file"]


def test_an_infeasible_summary_has_no_plan_and_keeps_its_conflicts() -> None:
    summary = PlanSummary.from_json(fixture("command_infeasible.json"))
    assert summary.status is PlanStatus.INFEASIBLE
    assert not summary.has_plan and not summary.proven_optimal
    assert summary.waves == () and summary.bottlenecks == ()
    assert "Aturan 8" in " ".join(summary.conflicts)
    assert "Rule 8" in " ".join(summary.conflicts_en)


def _broken(change: str) -> dict[str, Any]:
    data = fixture("job_tiny.json")
    if change == "missing":
        del data["movers"]
    elif change == "type":
        data["screening"]["eligible"] = "5"
    elif change == "waves":
        del data["by_wave"]["W2"]
    elif change == "persons":
        data["by_wave"]["W1"]["persons"] += 1
    elif change == "status":
        data["status"] = "splendid"
    return data


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("missing", "summary.movers: missing"),
        ("type", "summary.screening.eligible: not a whole number"),
        ("waves", "summary.by_wave.W2"),
        ("persons", "summary.by_wave.W1: persons differ"),
        ("status", "unknown status 'splendid'"),
    ],
)
def test_a_summary_that_is_not_one_is_refused_naming_the_key(change: str, named: str) -> None:
    with pytest.raises(SummaryUnreadable, match=named):
        PlanSummary.from_json(_broken(change))


# --- summary.json written now has the shape it had before --------------------------------


def _plan(scenario: Path, out: Path) -> dict[str, Any]:
    CliRunner().invoke(
        app, ["plan", str(scenario), "--out", str(out), "--work-limit", "10", "--seed", "0"]
    )
    written: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return written


def test_the_tiny_scenario_s_summary_json_keeps_its_shape(tmp_path: Path) -> None:
    assert shape(_plan(TINY, tmp_path / "out")) == shape(fixture("command_tiny.json"))


def test_an_infeasible_scenario_s_summary_json_keeps_its_shape(tmp_path: Path) -> None:
    write_scenario_folder(miniature_scenario(first_wave_seats=1), tmp_path / "scenario")
    written = _plan(tmp_path / "scenario", tmp_path / "out")
    assert shape(written) == shape(fixture("command_infeasible.json"))


def test_a_tight_scenario_s_summary_json_keeps_its_bottlenecks_shape(tmp_path: Path) -> None:
    # The fixture's scenario: the tight profile, 150 candidates, seed 3; capacities bind.
    write_scenario_folder(generate_profile("tight15", employees=150, seed=3), tmp_path / "s")
    written = _plan(tmp_path / "s", tmp_path / "out")
    assert written["bottlenecks"] and any(written["binding"].values())
    assert shape(written) == shape(fixture("command_tight.json"))
