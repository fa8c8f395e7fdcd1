"""One test per validation rule of section 1: break a copy of the tiny scenario, read the issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from pionir.scenario.load import load_scenario
from tests.scenario.helpers import issue_at, only_issue, read_rows, refusal, set_cell, write_rows

# (file, row, column, bad value, words the English message must hold)
BAD_CELLS = [
    ("agencies.csv", 1, "agency_id", "", "empty"),
    ("agencies.csv", 2, "spbe_index", "5.5", "a number from 0 to 5"),
    ("agencies.csv", 2, "spbe_index", "3,5", "Use a point as the decimal mark"),
    ("agencies.csv", 2, "spbe_index", "nan", "a number from 0 to 5"),
    ("units.csv", 1, "function", "inti", "one of 'core', 'policy', 'service', 'support'"),
    ("units.csv", 2, "miniature", "ya", "'true' or 'false'"),
    ("units.csv", 3, "digital_readiness", "-1", "a number from 0 to 5"),
    ("units.csv", 1, "quota", "2.5", "a whole number at least 0"),
    ("units.csv", 1, "quota", "-1", "a whole number at least 0"),
    ("positions.csv", 1, "position_type", "staf", "one of 'jpt', 'administrator'"),
    ("positions.csv", 2, "required_general", "0", "a whole number from 1 to 5"),
    ("positions.csv", 3, "required_technical", "6", "a whole number from 1 to 5"),
    ("employees.csv", 1, "nip", "19850312201001100", "an 18-digit NIP"),
    ("employees.csv", 1, "nip", "19850312201001100X", "an 18-digit NIP"),
    ("employees.csv", 2, "grade", "V/a", "a grade like 'III/b'"),
    ("employees.csv", 2, "grade", "III/f", "a grade like 'III/b'"),
    ("employees.csv", 3, "birth_date", "20/07/1978", "a date written YYYY-MM-DD"),
    ("employees.csv", 4, "gender", "W", "one of 'L', 'P'"),
    ("employees.csv", 5, "education", "S4", "one of 'SD', 'SMP'"),
    ("employees.csv", 6, "general", "0", "a whole number from 1 to 5"),
    ("employees.csv", 7, "technical", "6", "a whole number from 1 to 5"),
    ("employees.csv", 8, "digital_literacy", "100.5", "a number from 0 to 100"),
    ("employees.csv", 1, "multitasking", "tinggi", "a number from 0 to 100"),
    ("employees.csv", 1, "ikn_principles", "-3", "a number from 0 to 100"),
    ("employees.csv", 1, "berakhlak", "", "empty"),
    ("employees.csv", 2, "performance", "luar_biasa", "one of 'sangat_baik', 'baik'"),
    ("employees.csv", 2, "status", "pensiun", "one of 'available', 'exempt'"),
    ("households.csv", 2, "members", "0", "a whole number at least 1"),
    ("households.csv", 2, "school_age_children", "-1", "a whole number at least 0"),
    ("households.csv", 2, "needs_health", "perlu", "'true' or 'false'"),
    ("towers.csv", 1, "ready_month", "2024-13", "a month written YYYY-MM"),
    ("towers.csv", 1, "units", "0", "a whole number at least 1"),
    ("towers.csv", 2, "bedrooms", "0", "a whole number at least 1"),
    ("buildings.csv", 1, "ready_month", "2024/06", "a month written YYYY-MM"),
    ("buildings.csv", 2, "desks", "-5", "a whole number at least 0"),
    ("facilities.csv", 1, "kind", "masjid", "one of 'school', 'health'"),
    ("facilities.csv", 1, "capacity", "banyak", "a whole number at least 0"),
    ("waves.csv", 3, "seats", "-1", "a whole number at least 0"),
]


@pytest.mark.parametrize(("file", "row", "column", "value", "words"), BAD_CELLS)
def test_a_bad_cell_is_named_with_its_value(
    scenario_dir: Path, file: str, row: int, column: str, value: str, words: str
) -> None:
    set_cell(scenario_dir, file, row, column, value)
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == (file, row, column)
    assert words in issue.message_en
    if value:
        assert f"'{value}'" in issue.message
        assert f"'{value}'" in issue.message_en


# (file, row, column, dangling id, words)
DANGLING_REFERENCES = [
    ("units.csv", 2, "agency_id", "A9", "Agency 'A9' does not exist in agencies.csv"),
    ("positions.csv", 4, "unit_id", "U9", "Work unit 'U9' does not exist in units.csv"),
    ("employees.csv", 3, "position_id", "P9", "Position 'P9' does not exist in positions.csv"),
    ("employees.csv", 5, "household_id", "H99", "Household 'H99' does not exist"),
]


@pytest.mark.parametrize(("file", "row", "column", "value", "words"), DANGLING_REFERENCES)
def test_a_reference_to_nothing_is_named(
    scenario_dir: Path, file: str, row: int, column: str, value: str, words: str
) -> None:
    set_cell(scenario_dir, file, row, column, value)
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == (file, row, column)
    assert words in issue.message_en


def test_an_impossible_birth_date_is_not_in_the_calendar(scenario_dir: Path) -> None:
    set_cell(scenario_dir, "employees.csv", 8, "birth_date", "1986-02-30")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.row, issue.column) == (8, "birth_date")
    assert "does not exist in the calendar" in issue.message_en


def test_a_number_in_a_date_column_is_refused_with_a_hint(scenario_dir: Path) -> None:
    set_cell(scenario_dir, "employees.csv", 1, "birth_date", "31118")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.row, issue.column) == (1, "birth_date")
    assert "Excel date number" in issue.message_en


@pytest.mark.parametrize(
    ("nip", "words"),
    [
        ("198513122010011001", "first 8 digits"),  # month 13 in the birth date
        ("198503122010131001", "Digits 9-14"),  # appointment month 13
        ("198503122010013001", "Digit 15"),  # gender digit 3
        ("198503132010011001", "birth date is 1985-03-13, but birth_date holds 1985-03-12"),
        ("198503122010012001", "the gender is P, but gender holds L"),
    ],
)
def test_the_parts_of_a_nip_must_fit_its_row(scenario_dir: Path, nip: str, words: str) -> None:
    set_cell(scenario_dir, "employees.csv", 1, "nip", nip)
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("employees.csv", 1, "nip")
    assert words in issue.message_en
    assert nip in issue.message


def test_ids_are_unique_within_a_file(scenario_dir: Path) -> None:
    set_cell(scenario_dir, "towers.csv", 2, "tower_id", "T1")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("towers.csv", 2, "tower_id")
    assert "'T1' is already used in row 1" in issue.message_en


def test_an_employee_listed_twice_is_one_duplicate_nip(scenario_dir: Path) -> None:
    rows = read_rows(scenario_dir / "employees.csv")
    write_rows(scenario_dir / "employees.csv", [*rows, rows[1]])
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("employees.csv", 9, "nip")


def test_household_members_cover_its_employees(scenario_dir: Path) -> None:
    set_cell(scenario_dir, "households.csv", 1, "members", "1")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("households.csv", 1, "members")
    assert "'H01' has 1 members but 2 employees (employees.csv rows 1, 2)" in issue.message_en


def test_wave_months_strictly_increase(scenario_dir: Path) -> None:
    set_cell(scenario_dir, "waves.csv", 3, "month", "2025-01")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("waves.csv", 3, "month")
    assert "2025-01 is not after the previous wave's month (2025-01)" in issue.message_en


def test_a_scenario_needs_a_wave(scenario_dir: Path) -> None:
    (scenario_dir / "waves.csv").write_text("wave_id,month,seats\n")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("waves.csv", 0, "")


def test_a_header_only_table_is_an_empty_table(scenario_dir: Path) -> None:
    (scenario_dir / "facilities.csv").write_text("facility_id,kind,ready_month,capacity\n")
    assert load_scenario(scenario_dir).facilities == ()


def test_a_broken_id_does_not_cascade(scenario_dir: Path) -> None:
    set_cell(scenario_dir, "employees.csv", 1, "nip", "")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.row, issue.column) == (1, "nip")


def test_a_row_with_a_bad_cell_still_counts_as_existing(scenario_dir: Path) -> None:
    # Employees of H01 must not be told their household is missing.
    set_cell(scenario_dir, "households.csv", 1, "needs_health", "?")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("households.csv", 1, "needs_health")


def test_every_problem_is_reported_at_once(scenario_dir: Path) -> None:
    set_cell(scenario_dir, "agencies.csv", 1, "spbe_index", "9")
    set_cell(scenario_dir, "employees.csv", 2, "gender", "X")
    set_cell(scenario_dir, "employees.csv", 4, "education", "PhD")
    set_cell(scenario_dir, "waves.csv", 2, "seats", "banyak")
    issues = refusal(scenario_dir)
    assert {(i.file, i.row, i.column) for i in issues} == {
        ("agencies.csv", 1, "spbe_index"),
        ("employees.csv", 2, "gender"),
        ("employees.csv", 4, "education"),
        ("waves.csv", 2, "seats"),
    }


def test_a_long_bad_value_is_quoted_shortly(scenario_dir: Path) -> None:
    set_cell(scenario_dir, "employees.csv", 1, "grade", "golongan " * 20)
    issue = only_issue(refusal(scenario_dir))
    assert "'golongan golongan golongan golongan g...'" in issue.message_en
    assert len(issue.message_en) < 120


def test_a_missing_column_is_named(scenario_dir: Path) -> None:
    rows = read_rows(scenario_dir / "units.csv")
    write_rows(scenario_dir / "units.csv", [row[:-1] for row in rows])
    issue = issue_at(refusal(scenario_dir), "units.csv", 0, "quota")
    assert "The column 'quota' is missing from the header" in issue.message_en


def test_a_column_twice_is_named(scenario_dir: Path) -> None:
    rows = read_rows(scenario_dir / "towers.csv")
    write_rows(scenario_dir / "towers.csv", [[*row, row[1]] for row in rows])
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("towers.csv", 0, "ready_month")
    assert "more than once" in issue.message_en


def test_extra_columns_any_order_and_header_case_are_accepted(scenario_dir: Path) -> None:
    expected = load_scenario(scenario_dir)
    rows = read_rows(scenario_dir / "employees.csv")
    rows = [[*reversed(row), "catatan"] for row in rows]
    rows[0] = [name.upper() for name in rows[0]]
    write_rows(scenario_dir / "employees.csv", rows)
    assert load_scenario(scenario_dir) == expected


def test_cells_are_read_without_surrounding_spaces(scenario_dir: Path) -> None:
    expected = load_scenario(scenario_dir)
    set_cell(scenario_dir, "units.csv", 1, "quota", " 10 ")
    set_cell(scenario_dir, "units.csv", 1, "miniature", "TRUE")
    assert load_scenario(scenario_dir) == expected
