"""Loading the tiny scenario, and writing it back as a folder or a workbook."""

from __future__ import annotations

import csv
import shutil
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from pionir.scenario.csv_io import write_issues_csv, write_scenario_folder
from pionir.scenario.errors import ScenarioIssue
from pionir.scenario.load import load_scenario
from pionir.scenario.model import Month
from pionir.scenario.tables import TABLES
from pionir.scenario.xlsx_io import write_scenario_workbook
from tests.scenario.helpers import TINY, only_issue, refusal


def test_tiny_scenario_loads_with_its_values() -> None:
    scenario = load_scenario(TINY)
    assert [len(getattr(scenario, spec.name)) for spec in TABLES] == [2, 3, 4, 8, 7, 2, 2, 2, 3]
    budi = scenario.employees[0]
    assert budi.nip == "198503122010011001"
    assert budi.birth_date == date(1985, 3, 12)
    assert budi.digital_literacy == 75.0
    assert scenario.units[1].digital_readiness == 2.5
    assert scenario.units[0].miniature is True
    assert scenario.positions[3].title == "Perencana, Ahli Pertama"
    assert [wave.month for wave in scenario.waves] == [
        Month(2024, 9),
        Month(2025, 1),
        Month(2025, 6),
    ]
    assert scenario.households[2].needs_health is True
    policy = scenario.policy
    assert policy.screening.min_berakhlak == 65
    assert policy.screening.retirement_age["fungsional"] == 65
    assert policy.priority.pairwise is not None
    assert policy.priority.pairwise[1][0] == pytest.approx(1 / 3)
    assert policy.allowance.end_month == Month(2026, 6)
    assert policy.planning.miniature_min == 5  # not in the file: the default


def test_folder_round_trip_is_equal_and_byte_stable(tmp_path: Path) -> None:
    scenario = load_scenario(TINY)
    write_scenario_folder(scenario, tmp_path / "first")
    assert load_scenario(tmp_path / "first") == scenario
    write_scenario_folder(load_scenario(tmp_path / "first"), tmp_path / "second")
    for spec in TABLES:
        first = (tmp_path / "first" / spec.file_name).read_bytes()
        assert first == (tmp_path / "second" / spec.file_name).read_bytes()
    policy = (tmp_path / "first" / "policy.toml").read_bytes()
    assert policy == (tmp_path / "second" / "policy.toml").read_bytes()


def test_written_csv_formats_cells_canonically(tmp_path: Path) -> None:
    write_scenario_folder(load_scenario(TINY), tmp_path)
    units = (tmp_path / "units.csv").read_bytes()
    assert b"\r" not in units
    assert units.splitlines()[1:3] == [
        b"U1,A1,Deputi Kelembagaan dan Tata Laksana,core,true,4,10",
        b"U2,A1,Sekretariat Kementerian,support,false,2.5,5",
    ]
    employees = (tmp_path / "employees.csv").read_text(encoding="utf-8").splitlines()
    assert employees[2].endswith(",1990-01-05,P,S1,H01,3,3,82.5,65,70,78,baik,available")
    assert '"Perencana, Ahli Pertama"' in (tmp_path / "positions.csv").read_text()
    policy = (tmp_path / "policy.toml").read_text(encoding="utf-8")
    assert 'pairwise = [[1, 3, 5, 7], ["1/3", 1, 3, 5]' in policy
    assert "budget = 5_000_000_000" in policy


def test_workbook_round_trip_is_equal(tmp_path: Path) -> None:
    scenario = load_scenario(TINY)
    book = tmp_path / "scenario.xlsx"
    write_scenario_workbook(scenario, book)
    assert load_scenario(book) == scenario


def test_a_small_scenario_loads_without_progress_noise() -> None:
    steps: list[tuple[str, int, int]] = []
    load_scenario(TINY, progress=lambda step, done, total: steps.append((step, done, total)))
    assert steps == []


def test_a_path_that_is_neither_folder_nor_workbook_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "scenario.csv"
    text.write_text("agency_id\n")
    issue = only_issue(refusal(text))
    assert (issue.file, issue.row) == ("scenario.csv", 0)
    assert "neither a scenario folder nor an .xlsx" in issue.message_en


def test_a_missing_path_is_refused(tmp_path: Path) -> None:
    issue = only_issue(refusal(tmp_path / "nowhere"))
    assert "does not exist" in issue.message_en
    assert "tidak ditemukan" in issue.message


def test_issues_csv_has_the_agreed_columns(tmp_path: Path) -> None:
    issues = [
        ScenarioIssue("employees.csv", 3, "nip", 'NIP salah, "x"', "bad NIP"),
        ScenarioIssue("waves.csv", 0, "", "Tidak ada kloter", "No waves"),
    ]
    path = tmp_path / "out" / "errors.csv"
    write_issues_csv(issues, path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["file", "row", "column", "message", "message_en"],
        ["employees.csv", "3", "nip", 'NIP salah, "x"', "bad NIP"],
        ["waves.csv", "0", "", "Tidak ada kloter", "No waves"],
    ]


def test_a_folder_without_policy_takes_the_default_policy(tmp_path: Path) -> None:
    folder = tmp_path / "scenario"
    shutil.copytree(TINY, folder)
    (folder / "policy.toml").unlink()
    scenario = load_scenario(folder)
    assert scenario.policy.screening.min_berakhlak == 70
    assert scenario.policy.priority.pairwise is None


def test_columns_are_in_the_order_of_the_model_fields() -> None:
    # The validator builds model objects positionally from the columns.
    for spec in TABLES:
        assert spec.column_names == tuple(field.name for field in fields(spec.model))
