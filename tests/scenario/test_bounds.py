"""Upload bombs and unreadable archives: refused with a sentence, fast, in bounded memory.

Every bomb is built here, streamed into the archive so that the test itself
stays small. Memory is the peak of Python's allocations (tracemalloc) while the
upload is read; time is wall-clock on a shared machine, hence the margins.
"""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from pionir.scenario.bounds import MAX_TABLE_ROWS
from pionir.scenario.csv_io import write_scenario_folder
from pionir.scenario.demo import generate_demo
from pionir.scenario.errors import KEPT_ISSUES, ScenarioIssue, ScenarioRefused, summarise
from pionir.scenario.xlsx_io import write_scenario_workbook
from pionir.services.archive import scenario_from_upload
from tests.scenario.helpers import read_rows, write_rows

MB = 1024 * 1024
# Well above a chunk or two, far below what the bombs unpack to.
MEMORY_BOUND = 48 * MB


def _scenario_files(tmp_path: Path) -> dict[str, bytes]:
    folder = tmp_path / "csv"
    write_scenario_folder(generate_demo(scale=0.01, seed=3), folder)
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _zip(members: dict[str, bytes], streamed: dict[str, Iterable[bytes]] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if streamed and name in streamed:
                with archive.open(name, "w", force_zip64=False) as out:
                    for chunk in streamed[name]:
                        out.write(chunk)
            else:
                archive.writestr(name, data)
        for name, chunks in (streamed or {}).items():
            if name not in members:
                with archive.open(name, "w") as out:
                    for chunk in chunks:
                        out.write(chunk)
    return buffer.getvalue()


def _workbook(tmp_path: Path) -> bytes:
    path = tmp_path / "scenario.xlsx"
    write_scenario_workbook(generate_demo(scale=0.01, seed=3), path)
    return path.read_bytes()


def _replaced(package: bytes, part: str, chunks: Iterable[bytes]) -> bytes:
    """The zip with one member's content streamed anew (the others copied)."""
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    return _zip(members, {part: chunks})


def _refusal(data: bytes, filename: str) -> tuple[list[ScenarioIssue], float, int]:
    """The issues, the seconds taken and the peak of Python allocations while reading."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ScenarioRefused) as caught:
            scenario_from_upload(data, filename)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return list(caught.value.issues), elapsed, peak


def _patch_headers(data: bytes, name: str, patch: Callable[[bytearray, int, bool], None]) -> bytes:
    """Apply `patch(buffer, offset, is_central)` to the member's local and central headers."""
    buffer = bytearray(data)
    encoded = name.encode()
    for signature, name_at, is_central in ((b"PK\x03\x04", 30, False), (b"PK\x01\x02", 46, True)):
        at = buffer.find(signature)
        while at >= 0:
            if buffer[at + name_at : at + name_at + len(encoded)] == encoded:
                patch(buffer, at, is_central)
            at = buffer.find(signature, at + 4)
    return bytes(buffer)


def _put(buffer: bytearray, at: int, fmt: str, value: int) -> None:
    buffer[at : at + struct.calcsize(fmt)] = struct.pack(fmt, value)


def zeros(total: int) -> Iterable[bytes]:
    chunk = bytes(MB)
    for _ in range(total // MB):
        yield chunk


def test_a_zip_of_zeros_is_refused_at_the_limit_not_after(tmp_path: Path) -> None:
    files = _scenario_files(tmp_path)
    bomb = _zip(files, {"employees.csv": zeros(400 * MB)})
    assert len(bomb) < 2 * MB  # a ratio of more than 200 to 1
    issues, elapsed, peak = _refusal(bomb, "bom.zip")
    issue = issues[0]
    assert (issue.file, issue.row) == ("bom.zip", 0)
    assert "'employees.csv'" in issue.message_en and "96 MB unpacked" in issue.message_en
    assert elapsed < 5
    assert peak < MEMORY_BOUND


def test_a_member_whose_header_understates_its_size_is_refused(tmp_path: Path) -> None:
    data = _zip(_scenario_files(tmp_path))

    def understate(buffer: bytearray, at: int, is_central: bool) -> None:
        _put(buffer, at + (24 if is_central else 22), "<L", 100)

    issue = _refusal(_patch_headers(data, "employees.csv", understate), "s.zip")[0][0]
    assert "'employees.csv' inside the archive is damaged" in issue.message_en
    assert "size is recorded wrongly" in issue.message_en


def test_an_encrypted_member_is_refused(tmp_path: Path) -> None:
    def encrypt(buffer: bytearray, at: int, is_central: bool) -> None:
        flags_at = at + (8 if is_central else 6)
        _put(buffer, flags_at, "<H", struct.unpack_from("<H", buffer, flags_at)[0] | 1)

    data = _patch_headers(_zip(_scenario_files(tmp_path)), "units.csv", encrypt)
    issue = _refusal(data, "s.zip")[0][0]
    assert "'units.csv' inside the archive is password-protected" in issue.message_en
    assert "dilindungi kata sandi" in issue.message


def test_a_deflate64_member_is_refused(tmp_path: Path) -> None:
    def deflate64(buffer: bytearray, at: int, is_central: bool) -> None:
        _put(buffer, at + (10 if is_central else 8), "<H", 9)

    data = _patch_headers(_zip(_scenario_files(tmp_path)), "units.csv", deflate64)
    issue = _refusal(data, "s.zip")[0][0]
    assert "compressed with Deflate64, which is not supported" in issue.message_en


def test_a_bad_crc_is_refused(tmp_path: Path) -> None:
    def bad_crc(buffer: bytearray, at: int, is_central: bool) -> None:
        crc_at = at + (16 if is_central else 14)
        _put(buffer, crc_at, "<L", struct.unpack_from("<L", buffer, crc_at)[0] ^ 0xFFFF)

    data = _patch_headers(_zip(_scenario_files(tmp_path)), "agencies.csv", bad_crc)
    issue = _refusal(data, "s.zip")[0][0]
    assert "'agencies.csv' inside the archive is damaged" in issue.message_en


@pytest.mark.parametrize("suffix", [".zip", ".xlsx"])
def test_a_truncated_archive_is_refused(tmp_path: Path, suffix: str) -> None:
    whole = _zip(_scenario_files(tmp_path)) if suffix == ".zip" else _workbook(tmp_path)
    issue = _refusal(whole[: len(whole) // 2], f"potong{suffix}")[0][0]
    assert issue.file == f"potong{suffix}"
    assert "not a complete .zip archive" in issue.message_en or "damaged" in issue.message_en


def test_a_workbook_of_a_gigabyte_of_whitespace_is_refused_before_openpyxl(
    tmp_path: Path,
) -> None:
    def whitespace() -> Iterable[bytes]:
        yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        yield b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        spaces = b" " * MB
        for _ in range(1024):
            yield spaces
        yield b"</t></is></c></row></sheetData></worksheet>"

    bomb = _replaced(_workbook(tmp_path), "xl/worksheets/sheet2.xml", whitespace())
    assert len(bomb) < 4 * MB
    issues, elapsed, peak = _refusal(bomb, "spasi.xlsx")
    assert "'xl/worksheets/sheet2.xml'" in issues[0].message_en
    assert "1 MB of text without a break" in issues[0].message_en
    assert elapsed < 5
    assert peak < MEMORY_BOUND


def test_a_huge_shared_string_is_refused(tmp_path: Path) -> None:
    def shared() -> Iterable[bytes]:
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
        yield from zeros(8 * MB)
        yield b"</t></si></sst>"

    bomb = _replaced(_workbook(tmp_path), "xl/sharedStrings.xml", shared())
    issue = _refusal(bomb, "teks.xlsx")[0][0]
    assert "'xl/sharedStrings.xml'" in issue.message_en and "without a break" in issue.message_en


def test_a_sheet_of_a_million_empty_rows_is_refused_within_seconds(tmp_path: Path) -> None:
    def empty_rows() -> Iterable[bytes]:
        yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        yield b"<sheetData>"
        for start in range(1, 1_000_000, 10_000):
            yield b"".join(b'<row r="%d"/>' % r for r in range(start, start + 10_000))
        yield b"</sheetData></worksheet>"

    bomb = _replaced(_workbook(tmp_path), "xl/worksheets/sheet2.xml", empty_rows())
    issues, elapsed, peak = _refusal(bomb, "baris.xlsx")
    assert f"more than {MAX_TABLE_ROWS:,} rows" in issues[0].message_en
    assert elapsed < 5
    assert peak < MEMORY_BOUND


def test_a_sheet_whose_last_row_is_far_down_is_refused_naming_sheet_and_row(
    tmp_path: Path,
) -> None:
    """One row at 900,000: the package is small, the sheet's reading stops at the limit."""
    workbook = _workbook(tmp_path)
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        sheet = source.read("xl/worksheets/sheet2.xml")
    far = sheet.replace(
        b"</sheetData>",
        b'<row r="900000"><c r="A900000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    issues, elapsed, _ = _refusal(_replaced(workbook, "xl/worksheets/sheet2.xml", [far]), "j.xlsx")
    issue = issues[0]
    assert issue.file.startswith("j.xlsx [") and issue.row == MAX_TABLE_ROWS + 1
    assert f"at most {MAX_TABLE_ROWS:,} rows" in issue.message_en
    assert elapsed < 10


def test_a_csv_of_one_endless_line_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    files = _scenario_files(tmp_path)
    bomb = _zip(files, {"employees.csv": (b"x" * MB for _ in range(60))})
    issues, elapsed, peak = _refusal(bomb, "baris.zip")
    issue = next(i for i in issues if i.file == "employees.csv")
    assert "characters" in issue.message_en
    assert elapsed < 10
    assert peak < 160 * MB  # one record of at most 16 M characters, decoded


@pytest.mark.parametrize("suffix", [".zip", ".xlsx"])
def test_a_nul_in_a_name_is_refused_with_row_and_column(tmp_path: Path, suffix: str) -> None:
    files = _scenario_files(tmp_path)
    folder = tmp_path / "edit"
    folder.mkdir()
    path = folder / "employees.csv"
    path.write_bytes(files["employees.csv"])
    rows = read_rows(path)
    rows[2][rows[0].index("name")] = "Budi\x00Santoso"
    write_rows(path, rows)
    files["employees.csv"] = path.read_bytes()
    if suffix == ".zip":
        data, label = _zip(files), "employees.csv"
    else:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(_workbook(tmp_path)))
        sheet = book["employees"]
        column = [cell.value for cell in sheet[1]].index("name") + 1
        # As Excel writes a NUL: XML cannot hold the character itself.
        sheet.cell(row=3, column=column, value="Budi_x0000_Santoso")
        out = io.BytesIO()
        book.save(out)
        data, label = out.getvalue(), "nul.xlsx [employees]"
    issues = _refusal(data, f"nul{suffix}")[0]
    found = [i for i in issues if (i.file, i.row, i.column) == (label, 2, "name")]
    assert len(found) == 1, issues
    assert "control character (U+0000, NUL)" in found[0].message_en
    assert "\x00" not in found[0].message + found[0].message_en


def test_many_duplicate_rows_are_counted_by_rule_not_each_kept(tmp_path: Path) -> None:
    files = _scenario_files(tmp_path)
    path = tmp_path / "agencies.csv"
    path.write_bytes(files["agencies.csv"])
    rows = read_rows(path)
    write_rows(path, rows[:2] + [rows[1]] * 30_000)
    files["agencies.csv"] = path.read_bytes()
    with pytest.raises(ScenarioRefused) as caught:
        scenario_from_upload(_zip(files), "dup.zip")
    refused = caught.value
    assert len(refused.issues) == KEPT_ISSUES
    assert refused.total >= 30_000
    summary = summarise(refused.issues, refused.omitted)
    assert len(summary.shown) == 200 and summary.total == refused.total
    top = summary.more[0]
    assert (top.rule.file, top.rule.column) == ("agencies.csv", "agency_id")
    assert "is already used in row …; every id must be unique" in top.rule.message_en
    assert sum(more.count for more in summary.more) == refused.total - 200
