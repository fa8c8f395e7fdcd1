"""Files an operator may really hand over: each is refused with a message, never a traceback."""

from __future__ import annotations

import time
from pathlib import Path

from pionir.scenario.load import load_scenario
from tests.scenario.helpers import only_issue, read_rows, refusal, set_cell


def test_a_missing_file_is_named(scenario_dir: Path) -> None:
    (scenario_dir / "households.csv").unlink()
    # Employees naming households are not also refused: the table could not be read.
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("households.csv", 0, "")
    assert issue.message_en == "The file 'households.csv' is missing."


def test_an_empty_file_is_refused(scenario_dir: Path) -> None:
    (scenario_dir / "towers.csv").write_bytes(b"")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row) == ("towers.csv", 0)
    assert "empty" in issue.message_en


def test_a_file_of_blank_lines_is_empty(scenario_dir: Path) -> None:
    (scenario_dir / "towers.csv").write_text("\n\n  \n")
    assert "empty" in only_issue(refusal(scenario_dir)).message_en


def test_a_file_without_header_is_refused(scenario_dir: Path) -> None:
    (scenario_dir / "buildings.csv").write_text("B1,2024-06,50\n")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("buildings.csv", 0, "")
    assert "first row must be the header with the columns: building_id" in issue.message_en


def test_semicolon_separated_file_gets_a_hint(scenario_dir: Path) -> None:
    (scenario_dir / "buildings.csv").write_text("building_id;ready_month;desks\nB1;2024-06;50\n")
    issue = only_issue(refusal(scenario_dir))
    assert "semicolons" in issue.message_en


def test_latin1_bytes_are_refused_naming_the_row(scenario_dir: Path) -> None:
    path = scenario_dir / "employees.csv"
    text = path.read_text(encoding="utf-8").replace("Agus Wibowo", "José Wibowo")
    path.write_bytes(text.encode("latin-1"))
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row) == ("employees.csv", 3)
    assert "not UTF-8" in issue.message_en
    assert "0xE9" in issue.message_en


def test_a_utf8_bom_is_accepted(scenario_dir: Path) -> None:
    expected = load_scenario(scenario_dir)
    path = scenario_dir / "agencies.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_scenario(scenario_dir) == expected


def test_utf16_is_refused(scenario_dir: Path) -> None:
    path = scenario_dir / "agencies.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert "UTF-16" in only_issue(refusal(scenario_dir)).message_en


def test_crlf_line_ends_are_accepted(scenario_dir: Path) -> None:
    expected = load_scenario(scenario_dir)
    path = scenario_dir / "employees.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert load_scenario(scenario_dir) == expected


def test_a_five_megabyte_cell_is_named_quickly(scenario_dir: Path) -> None:
    set_cell(scenario_dir, "agencies.csv", 2, "name", "x" * 5_000_000)
    started = time.perf_counter()
    issue = only_issue(refusal(scenario_dir))
    assert time.perf_counter() - started < 2
    assert (issue.file, issue.row, issue.column) == ("agencies.csv", 2, "name")
    assert "5,000,000 characters" in issue.message_en


def test_an_unclosed_quote_is_an_oversized_cell_not_a_crash(scenario_dir: Path) -> None:
    path = scenario_dir / "positions.csv"
    text = path.read_text(encoding="utf-8") + 'P5,U1,"Kepala Bagian' + "\nfiller" * 2000
    path.write_text(text, encoding="utf-8")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("positions.csv", 5, "title")
    assert "perhaps a quote is never closed" in issue.message_en


def test_ragged_rows_are_named(scenario_dir: Path) -> None:
    path = scenario_dir / "towers.csv"
    path.write_text("tower_id,ready_month,units,bedrooms\nT1,2024-06,10,3,9\nT2,2025-01,20\n")
    issues = refusal(scenario_dir)
    assert [(i.file, i.row, i.column) for i in issues] == [
        ("towers.csv", 1, ""),
        ("towers.csv", 2, ""),
    ]
    assert "This row has 5 values but the header has 4 columns" in issues[0].message_en
    assert "This row has 3 values" in issues[1].message_en


def test_trailing_empty_cells_are_not_ragged(scenario_dir: Path) -> None:
    expected = load_scenario(scenario_dir)
    path = scenario_dir / "towers.csv"
    path.write_text("tower_id,ready_month,units,bedrooms\nT1,2024-06,10,3,,\nT2,2025-01,20,2\n")
    assert load_scenario(scenario_dir) == expected


def test_blank_lines_are_skipped_but_counted(scenario_dir: Path) -> None:
    path = scenario_dir / "waves.csv"
    path.write_text("wave_id,month,seats\n\nW1,2024-09,30\n,,\n\nW2,2025-01,banyak\n")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("waves.csv", 5, "seats")


def test_a_folder_where_a_file_should_be(scenario_dir: Path) -> None:
    (scenario_dir / "facilities.csv").unlink()
    (scenario_dir / "facilities.csv").mkdir()
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row) == ("facilities.csv", 0)
    assert "is a folder" in issue.message_en


def test_a_toml_syntax_error_names_its_line(scenario_dir: Path) -> None:
    (scenario_dir / "policy.toml").write_text(
        "[screening]\nmin_berakhlak = 70\nmin_education = D3\n"
    )
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row) == ("policy.toml", 3)
    assert "TOML syntax error on line 3" in issue.message_en


def test_a_bad_policy_value_is_refused_with_its_key(scenario_dir: Path) -> None:
    (scenario_dir / "policy.toml").write_text("[screening]\nmin_berakhlak = 170\n")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row, issue.column) == ("policy.toml", 0, "screening.min_berakhlak")
    assert "between 0 and 100" in issue.message_en


def test_policy_and_table_problems_come_together(scenario_dir: Path) -> None:
    (scenario_dir / "policy.toml").write_text("[planning]\ndesk_ratio = 0\n")
    set_cell(scenario_dir, "waves.csv", 1, "seats", "x")
    issues = refusal(scenario_dir)
    assert {(i.file, i.column) for i in issues} == {
        ("policy.toml", "planning.desk_ratio"),
        ("waves.csv", "seats"),
    }


def test_a_policy_that_is_not_utf8_is_refused(scenario_dir: Path) -> None:
    (scenario_dir / "policy.toml").write_bytes(b'[allowance]\nend_month = "2025-12" # \xe9\n')
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row) == ("policy.toml", 2)  # TOML issues name the line
    assert "not UTF-8" in issue.message_en


def test_header_row_numbering_ignores_leading_blank_lines(scenario_dir: Path) -> None:
    rows = read_rows(scenario_dir / "agencies.csv")
    text = "\n\n" + "\n".join(",".join(row) for row in rows) + "\n"
    (scenario_dir / "agencies.csv").write_text(text.replace("3.5", "x"), encoding="utf-8")
    issue = only_issue(refusal(scenario_dir))
    assert (issue.row, issue.column) == (2, "spbe_index")


def test_a_policy_folder_is_refused(scenario_dir: Path) -> None:
    (scenario_dir / "policy.toml").unlink()
    (scenario_dir / "policy.toml").mkdir()
    issue = only_issue(refusal(scenario_dir))
    assert (issue.file, issue.row) == ("policy.toml", 0)
    assert "is a folder" in issue.message_en
