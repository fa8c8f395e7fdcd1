"""The workbook form: round trip, typed cells, and workbooks that must be refused."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pionir.scenario.load import load_scenario
from pionir.scenario.model import Scenario
from pionir.scenario.xlsx_io import write_scenario_workbook
from tests.scenario.helpers import TINY, issue_at, only_issue, refusal


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    return load_scenario(TINY)


@pytest.fixture
def book(tmp_path: Path, tiny: Scenario) -> Path:
    path = tmp_path / "scenario.xlsx"
    write_scenario_workbook(tiny, path)
    return path


def test_the_workbook_is_byte_stable(tmp_path: Path, tiny: Scenario, book: Path) -> None:
    again = tmp_path / "again.xlsx"
    write_scenario_workbook(tiny, again)
    assert again.read_bytes() == book.read_bytes()


def test_the_workbook_looks_right_to_an_operator(book: Path) -> None:
    workbook = load_workbook(book)
    assert workbook.sheetnames == [
        "agencies", "units", "positions", "employees", "households",
        "towers", "buildings", "facilities", "waves", "policy",
    ]  # fmt: skip
    employees = workbook["employees"]
    assert employees.freeze_panes == "A2"
    assert employees["A1"].value == "nip"
    assert employees["A1"].font.bold
    assert employees["A2"].value == "198503122010011001"
    assert employees["A2"].data_type == "s"
    assert employees["A2"].number_format == "@"
    assert employees["I2"].value == 4  # general, a number
    assert employees.column_dimensions["A"].width == 20
    policy_rows = {
        row[0]: row[1] for row in workbook["policy"].iter_rows(min_row=2, values_only=True)
    }
    assert policy_rows["screening.min_berakhlak"] == 65
    assert policy_rows["allowance.monthly.III"] == 4_000_000
    assert policy_rows["planning.singles_share"] is True
    assert policy_rows["priority.pairwise"].startswith('[[1, 3, 5, 7], ["1/3", 1, 3, 5]')


def test_each_sheet_declares_its_range_where_the_schema_puts_it(book: Path, tiny: Scenario) -> None:
    """Without `<dimension>`, read-only openpyxl parses a whole sheet once only to size it."""
    with zipfile.ZipFile(book) as package:
        employees_xml = package.read("xl/worksheets/sheet4.xml")
    # Schema order: sheetPr, then dimension, then sheetViews.
    assert b'</sheetPr><dimension ref="A1:P9" /><sheetViews>' in employees_xml
    assert len(tiny.employees) == 8  # so P9: a header row and eight employees, 16 columns
    read_only = load_workbook(book, read_only=True)
    declared = {sheet.title: sheet.calculate_dimension() for sheet in read_only.worksheets}
    read_only.close()
    full = load_workbook(book)
    # The declared range is the range of the cells written, sheet by sheet.
    assert declared == {sheet.title: sheet.calculate_dimension() for sheet in full.worksheets}
    assert declared["agencies"] == f"A1:C{len(tiny.agencies) + 1}"


def test_typed_cells_read_like_text(book: Path, tiny: Scenario) -> None:
    workbook = load_workbook(book)
    employees = workbook["employees"]
    employees["E2"] = datetime(1985, 3, 12)  # birth_date as an Excel date
    workbook["units"]["E2"] = True  # miniature as an Excel boolean
    workbook["units"]["G2"] = 10.0  # quota as a float
    workbook["towers"]["B2"] = datetime(2024, 6, 1)  # ready_month as an Excel date
    workbook["waves"]["A2"] = "W1"
    workbook.save(book)
    assert load_scenario(book) == tiny


def test_a_nip_stored_as_a_number_is_refused(book: Path) -> None:
    workbook = load_workbook(book)
    workbook["employees"]["A3"] = 199001052015032002  # Excel makes this 1.99001052015032E+17
    workbook.save(book)
    issue = only_issue(refusal(book))
    assert (issue.file, issue.row, issue.column) == ("scenario.xlsx [employees]", 2, "nip")
    assert "Format the nip column as Text" in issue.message_en
    assert "Teks" in issue.message


def test_issues_name_workbook_and_sheet(book: Path) -> None:
    workbook = load_workbook(book)
    workbook["households"]["B3"] = 0
    workbook.save(book)
    issue = only_issue(refusal(book))
    assert (issue.file, issue.row, issue.column) == ("scenario.xlsx [households]", 2, "members")


def test_a_missing_sheet_is_named(book: Path) -> None:
    workbook = load_workbook(book)
    del workbook["towers"]
    workbook.save(book)
    issue = only_issue(refusal(book))
    assert (issue.file, issue.row) == ("scenario.xlsx [towers]", 0)
    assert "no sheet named 'towers'" in issue.message_en


def test_values_right_of_the_header_are_refused(book: Path) -> None:
    workbook = load_workbook(book)
    workbook["waves"]["E3"] = "catatan"
    workbook.save(book)
    issue = only_issue(refusal(book))
    assert (issue.file, issue.row, issue.column) == ("scenario.xlsx [waves]", 2, "")


def test_the_policy_sheet_is_read_by_dotted_key(book: Path) -> None:
    workbook = load_workbook(book)
    sheet = workbook["policy"]
    keys = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2)}
    sheet.cell(keys["screening.min_berakhlak"], 2).value = "72"
    sheet.cell(keys["allowance.end_month"], 2).value = datetime(2026, 3, 1)
    sheet.cell(keys["screening.performance_ok"], 2).value = '["sangat_baik"]'
    sheet.cell(keys["planning.earliness"], 2).value = None  # empty: the default
    workbook.save(book)
    policy = load_scenario(book).policy
    assert policy.screening.min_berakhlak == 72
    assert str(policy.allowance.end_month) == "2026-03"
    assert policy.screening.performance_ok == ("sangat_baik",)
    assert policy.planning.earliness == 0.2


def test_a_bad_policy_sheet_value_is_named(book: Path) -> None:
    workbook = load_workbook(book)
    sheet = workbook["policy"]
    sheet.append(["screening.min_berakhlak", 170])  # also given twice
    sheet.append(["planning.desk_ratio", "satu"])
    workbook.save(book)
    issues = refusal(book)
    issue_at(issues, "scenario.xlsx [policy]", sheet.max_row - 1, "screening.min_berakhlak")


def _set_policy(book: Path, key: str, value: object) -> None:
    workbook = load_workbook(book)
    for row in workbook["policy"].iter_rows(min_row=2):
        if row[0].value == key:
            row[1].value = value
    workbook.save(book)


def test_a_pairwise_matrix_with_high_cr_in_the_sheet_names_cr(book: Path) -> None:
    circle = "[[1, 5, 0.2, 3], [0.2, 1, 5, 3], [5, 0.2, 1, 3], [{0}, {0}, {0}, 1]]"
    _set_policy(book, "priority.pairwise", circle.format("1/3"))
    # 1/3 is not TOML, so the text is no list at all: a plain shape problem.
    assert "4x4" in only_issue(refusal(book)).message_en
    _set_policy(book, "priority.pairwise", circle.format('"1/3"'))
    issue = only_issue(refusal(book))
    assert (issue.file, issue.column) == ("scenario.xlsx [policy]", "priority.pairwise")
    assert "CR = " in issue.message_en


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04 not really a zip", "damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "password-protected"),
        (b"nip,name\n", "not an Excel .xlsx workbook"),
        (b"", "not an Excel .xlsx workbook"),
    ],
)
def test_a_file_that_is_no_workbook_is_refused(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "scenario.xlsx"
    path.write_bytes(content)
    issue = only_issue(refusal(path))
    assert (issue.file, issue.row) == ("scenario.xlsx", 0)
    assert words in issue.message_en


def test_a_truncated_workbook_is_refused(book: Path) -> None:
    book.write_bytes(book.read_bytes()[:3000])
    assert "damaged" in only_issue(refusal(book)).message_en


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "scenario.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "halo")
    assert "damaged" in only_issue(refusal(path)).message_en


def test_a_folder_named_xlsx_is_read_as_a_folder(tmp_path: Path) -> None:
    (tmp_path / "odd.xlsx").mkdir()
    issues = refusal(tmp_path / "odd.xlsx")
    assert len(issues) == 9
    assert all("is missing" in issue.message_en for issue in issues)


def test_an_empty_sheet_is_one_issue(book: Path) -> None:
    workbook = load_workbook(book)
    del workbook["buildings"]
    workbook.create_sheet("buildings")
    workbook.save(book)
    issue = only_issue(refusal(book))
    assert (issue.file, issue.row) == ("scenario.xlsx [buildings]", 0)
    assert "The sheet is empty" in issue.message_en


def test_sheet_names_ignore_case_and_header_cells_may_be_typed(book: Path, tiny: Scenario) -> None:
    workbook = load_workbook(book)
    units = workbook["units"]
    units.title = "scratch"  # openpyxl renames "units" to "Units1" when asked directly
    units.title = "Units"
    units["A1"] = " UNIT_ID "
    workbook.save(book)
    assert "Units" in load_workbook(book, read_only=True).sheetnames
    assert load_scenario(book) == tiny
