"""A scenario as a folder: nine CSV files plus an optional `policy.toml`.

Reading never ends in a traceback: a missing, empty, undecodable or malformed
file becomes a ScenarioIssue naming the file (and row and column where there
is one), and the rest of the folder is still checked so the operator sees
every problem at once. Writing is deterministic: same scenario, same bytes.
"""

from __future__ import annotations

import codecs
import csv
import re
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final, TextIO

from pionir.scenario.bounds import CHUNK, MAX_ROW_CELLS, MAX_TABLE_CELLS, MAX_TABLE_ROWS
from pionir.scenario.errors import IssueList, ScenarioIssue, ScenarioRefused
from pionir.scenario.model import Policy, Scenario
from pionir.scenario.policy_io import parse_policy, policy_to_toml
from pionir.scenario.tables import (
    MAX_CELL_CHARS,
    TABLES,
    TableSpec,
    format_column,
    normalise_header,
)
from pionir.scenario.validate import (
    PROGRESS_EVERY,
    Progress,
    RawTable,
    oversized_cell,
    paused_gc,
    validate_tables,
)

POLICY_FILE: Final = "policy.toml"
ISSUE_COLUMNS: Final = ("file", "row", "column", "message", "message_en")
# One record (a row, with the line breaks inside its quoted cells) may hold at
# most this many characters: a row of the widest table with every cell at
# MAX_CELL_CHARS is 220,000, and a pasted blob of a few megabytes is still named
# by its row and column. Reading stops there, so a file of one endless line
# costs some tens of megabytes, not its size.
MAX_RECORD_CHARS: Final = 16 * 1024 * 1024
# Python's csv module refuses fields over 128 KiB with a bare csv.Error; reading
# with the record's limit lets an oversized cell be named by row and column instead.
_READ_FIELD_LIMIT: Final = MAX_RECORD_CHARS
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_RESAVE_ID: Final = "Simpan ulang sebagai UTF-8 (di Excel: 'CSV UTF-8 (Comma delimited)')."
_RESAVE_EN: Final = "Save it again as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)')."


class _Unreadable(Exception):
    """The file cannot be read as a table at all; carries the one issue that says why."""

    def __init__(self, issue: ScenarioIssue) -> None:
        super().__init__(issue.message_en)
        self.issue = issue


def _unreadable(file: str, row: int, message: str, message_en: str) -> _Unreadable:
    return _Unreadable(ScenarioIssue(file, row, "", message, message_en))


def read_scenario_folder(folder: Path, *, progress: Progress | None = None) -> Scenario:
    """The scenario in `folder`; raises ScenarioRefused listing every problem."""
    with paused_gc():
        issues = IssueList()
        tables: dict[str, RawTable] = {}
        for spec in TABLES:
            table, table_issues = read_csv_table(folder / spec.file_name, spec, progress)
            issues += table_issues
            if table is not None:
                tables[spec.name] = table
        policy, policy_issues = read_policy_file(folder / POLICY_FILE)
        issues += policy_issues
        validation = validate_tables(tables, policy, progress=progress)
    issues += validation.issue_list
    if issues or validation.scenario is None:
        raise ScenarioRefused(issues)
    return validation.scenario


def read_csv_table(
    path: Path, spec: TableSpec, progress: Progress | None = None
) -> tuple[RawTable | None, IssueList]:
    """The cells of one CSV file by column, or None and the reason it cannot be read.

    Row 1 is the first row after the header; blank rows are skipped but
    counted, so row numbers match the spreadsheet the operator edits.
    """
    file = spec.file_name
    try:
        records = _records(path, file, progress)
        header_index, header = _header(records, file)
    except _Unreadable as unreadable:
        return None, IssueList([unreadable.issue])
    issues = IssueList()
    rows = _data_rows(file, header, records[header_index + 1 :], issues)
    return _columns(file, header, rows, spec.id_column, issues), issues


def _read_text(path: Path, file: str, *, header_lines: int = 1) -> str:
    """The file decoded as UTF-8 (a BOM is fine); anything else is refused."""
    _check_is_file(path, file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _cannot_open(file, error) from None
    if data.startswith(_UTF16_BOMS):
        raise _utf16(file)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(file, data, error, header_lines) from None


def _utf16(file: str) -> _Unreadable:
    return _unreadable(
        file,
        0,
        f"File disimpan sebagai UTF-16 ('Unicode Text'), bukan UTF-8. {_RESAVE_ID}",
        f"The file is saved as UTF-16 ('Unicode Text'), not UTF-8. {_RESAVE_EN}",
    )


def _cannot_open(file: str, error: OSError) -> _Unreadable:
    if isinstance(error, FileNotFoundError):
        return _unreadable(
            file, 0, f"File '{file}' tidak ditemukan.", f"The file '{file}' is missing."
        )
    return _unreadable(
        file,
        0,
        f"File '{file}' tidak dapat dibaca ({error.strerror}).",
        f"The file '{file}' cannot be read ({error.strerror}).",
    )


def _not_utf8(file: str, data: bytes, error: UnicodeDecodeError, header_lines: int) -> _Unreadable:
    """Name the row of the first undecodable byte: after `header_lines`, line n is row n."""
    line = data.count(b"\n", 0, error.start) + 1
    byte = data[error.start : error.start + 1].hex().upper()
    return _unreadable(
        file,
        max(line - header_lines, 0),
        f"File bukan UTF-8: byte 0x{byte} di baris berkas {line} tidak dapat dibaca "
        f"(mungkin Latin-1/Windows-1252). {_RESAVE_ID}",
        f"The file is not UTF-8: byte 0x{byte} on line {line} cannot be read "
        f"(perhaps Latin-1/Windows-1252). {_RESAVE_EN}",
    )


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _check_utf8(path: Path, file: str) -> int:
    """Refuse a file that is not UTF-8, a chunk at a time; the number of its line breaks.

    Only when a byte does not decode is the file read whole, to name its line.
    """
    _check_is_file(path, file)
    decoder = codecs.getincrementaldecoder("utf-8")()
    breaks = 0
    with path.open("rb") as handle:
        chunk = handle.read(CHUNK)
        if chunk.startswith(_UTF16_BOMS):
            raise _utf16(file)
        try:
            while chunk:
                breaks += chunk.count(b"\n")
                decoder.decode(chunk)
                chunk = handle.read(CHUNK)
            decoder.decode(b"", final=True)
            return breaks
        except UnicodeDecodeError:
            pass
    _read_text(path, file)  # raises, naming the line of the first bad byte
    return breaks


def _check_is_file(path: Path, file: str) -> None:
    """A folder or a missing or unreadable file is refused with a sentence."""
    if path.is_dir():
        raise _unreadable(
            file,
            0,
            f"'{file}' adalah folder, bukan file.",
            f"'{file}' is a folder, not a file.",
        )
    try:
        path.stat()
    except OSError as error:
        raise _cannot_open(file, error) from None


class _BoundedLines:
    """The file's lines for csv.reader, refusing a record that passes MAX_RECORD_CHARS.

    csv.reader asks for lines until a record is complete; the reader of the
    records sets `in_record` back to 0 after each one.
    """

    def __init__(self, handle: TextIO, file: str) -> None:
        self.handle = handle
        self.file = file
        self.in_record = 0
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        text = self.handle.readline(MAX_RECORD_CHARS + 1)
        if not text:
            raise StopIteration
        self.line += 1
        self.in_record += len(text)
        if self.in_record > MAX_RECORD_CHARS:
            raise _unreadable(
                self.file,
                max(self.line - 1, 0),
                f"Baris berkas {self.line} membuat satu baris data lebih dari "
                f"{MAX_RECORD_CHARS:,} karakter (mungkin ada tanda kutip yang tidak ditutup, "
                "atau isinya bukan tabel).",
                f"Line {self.line} of the file takes one row past {MAX_RECORD_CHARS:,} "
                "characters (perhaps a quote is never closed, or the content is not a table).",
            )
        return text


def _records(path: Path, file: str, progress: Progress | None) -> list[list[str]]:
    """All records of the file, streamed; refused past the row, cell or record limits."""
    expected = _check_utf8(path, file)
    records: list[list[str]] = []
    cells = 0
    with _field_limit(_READ_FIELD_LIMIT), path.open(encoding="utf-8-sig", newline="") as handle:
        lines = _BoundedLines(handle, file)
        reader = csv.reader(lines)
        try:
            for record in reader:
                lines.in_record = 0
                records.append(record)
                cells += len(record)
                if len(records) > MAX_TABLE_ROWS or cells > MAX_TABLE_CELLS:
                    raise _too_big_file(file, len(records) - 1, len(records) > MAX_TABLE_ROWS)
                if len(record) > MAX_ROW_CELLS:
                    raise _unreadable(
                        file,
                        len(records) - 1,
                        f"Baris ini berisi {len(record):,} nilai; paling banyak "
                        f"{MAX_ROW_CELLS:,} yang didukung.",
                        f"This row holds {len(record):,} values; at most {MAX_ROW_CELLS:,} are "
                        "supported.",
                    )
                told = progress is not None and expected >= PROGRESS_EVERY
                if told and progress is not None and len(records) % PROGRESS_EVERY == 0:
                    progress(f"read {file}", len(records), expected)
        except csv.Error as error:
            # The header is line 1, so line n holds row n - 1 (multi-line cells aside).
            raise _unreadable(
                file,
                max(reader.line_num - 1, 0),
                f"File CSV rusak di baris berkas {reader.line_num} dan tidak dapat dibaca "
                f"({error}).",
                f"The CSV file is malformed on line {reader.line_num} and cannot be read "
                f"({error}).",
            ) from None
    return records


def _too_big_file(file: str, row: int, rows: bool) -> _Unreadable:
    if rows:
        message = f"File ini melewati {MAX_TABLE_ROWS:,} baris, batas yang didukung."
        message_en = f"The file goes past {MAX_TABLE_ROWS:,} rows, the supported limit."
    else:
        message = (
            f"Sampai baris {row:,}, file ini sudah berisi lebih dari {MAX_TABLE_CELLS:,} nilai, "
            "batas yang didukung."
        )
        message_en = (
            f"By row {row:,} the file holds more than {MAX_TABLE_CELLS:,} values, the supported "
            "limit."
        )
    return _unreadable(
        file,
        row,
        f"{message} Hapus baris kosong di bagian bawah, atau bagi skenarionya.",
        f"{message_en} Delete the empty rows at the end, or split the scenario.",
    )


def _header(records: list[list[str]], file: str) -> tuple[int, tuple[str, ...]]:
    """The position of the first non-blank record and its (normalised) column names."""
    for index, record in enumerate(records):
        if _is_blank(record):
            continue
        if len(record) == 1 and ";" in record[0]:
            raise _unreadable(
                file,
                0,
                "Kolom dipisahkan titik koma (;); file CSV harus dipisahkan koma (,). "
                + _RESAVE_ID,
                "The columns are separated by semicolons (;); the CSV must use commas (,). "
                + _RESAVE_EN,
            )
        return index, tuple(normalise_header(name) for name in record)
    raise _unreadable(
        file,
        0,
        "File kosong; baris pertama harus berisi judul kolom.",
        "The file is empty; its first row must be the header.",
    )


def _is_blank(record: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in record)


def _data_rows(
    file: str, header: tuple[str, ...], records: list[list[str]], issues: IssueList
) -> tuple[list[int], list[list[str]], set[int]]:
    """Row numbers, rows without the blank ones, and the positions of damaged (ragged) rows.

    Most rows are fine, so one quick pass finds the few that need a closer look.
    """
    width = len(header)
    odd = {
        index
        for index, record in enumerate(records)
        if len(record) != width or not record[0].strip()
    }
    if not odd:
        return list(range(1, len(records) + 1)), records, set()
    numbers: list[int] = []
    rows: list[list[str]] = []
    damaged: set[int] = set()
    for index, record in enumerate(records):
        if index in odd:
            if _is_blank(record):
                continue
            record, is_damaged = _odd_row(file, index + 1, width, record, issues)
            if is_damaged:
                damaged.add(len(rows))
        numbers.append(index + 1)
        rows.append(record)
    return numbers, rows, damaged


def _odd_row(
    file: str, number: int, width: int, record: list[str], issues: IssueList
) -> tuple[list[str], bool]:
    """The row cut or padded to the header's width, and whether it is damaged."""
    if len(record) > width and _is_blank(record[width:]):
        return record[:width], False  # trailing empty cells, as spreadsheets write
    if len(record) == width:
        return record, False
    if max(map(len, record)) <= MAX_CELL_CHARS:
        # An oversized cell (a quote never closed) is reported instead, as the cause.
        issues.append(_ragged(file, number, len(record), width))
    return (record + [""] * width)[:width], True


def _ragged(file: str, row: int, found: int, expected: int) -> ScenarioIssue:
    return ScenarioIssue(
        file,
        row,
        "",
        f"Baris ini berisi {found} nilai, padahal baris judul memiliki {expected} kolom. "
        "Periksa koma yang hilang atau berlebih (teks berkoma harus diapit tanda kutip).",
        f"This row has {found} values but the header has {expected} columns. "
        "Look for a missing or extra comma (text with commas must be in quotes).",
    )


def _columns(
    file: str,
    header: tuple[str, ...],
    rows: tuple[list[int], list[list[str]], set[int]],
    id_column: str,
    issues: IssueList,
) -> RawTable:
    """The rows turned into columns; a row with an oversized cell is damaged too."""
    numbers, records, damaged = rows
    by_column = list(zip(*records, strict=True)) or [()] * len(header)
    for name, cells in zip(header, by_column, strict=True):
        if max(map(len, cells), default=0) > MAX_CELL_CHARS:
            for position, cell in enumerate(cells):
                if len(cell) > MAX_CELL_CHARS:
                    issues.append(oversized_cell(file, numbers[position], name, cell))
                    damaged.add(position)
    issues.sort(key=lambda issue: issue.row)
    if not damaged:
        return RawTable(file, header, numbers, dict(zip(header, by_column, strict=True)))
    id_cells = by_column[header.index(id_column)] if id_column in header else None
    damaged_ids = [
        (numbers[position], _id_text(id_cells, position)) for position in sorted(damaged)
    ]
    kept = [position for position in range(len(records)) if position not in damaged]
    columns = {
        name: [cells[position] for position in kept]
        for name, cells in zip(header, by_column, strict=True)
    }
    return RawTable(file, header, [numbers[p] for p in kept], columns, damaged_ids)


def _id_text(id_cells: Sequence[str] | None, position: int) -> str:
    """The id of a damaged row, or "" when there is none to trust."""
    if id_cells is None or len(id_cells[position]) > MAX_CELL_CHARS:
        return ""
    return id_cells[position]


_TOML_POSITION: Final = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_policy_file(path: Path) -> tuple[Policy, list[ScenarioIssue]]:
    """The policy in `path`; the defaults when there is no such file."""
    file = path.name
    if not path.exists():
        return Policy(), []
    try:
        text = _read_text(path, file, header_lines=0)
        raw = tomllib.loads(text)
    except _Unreadable as unreadable:
        return Policy(), [unreadable.issue]
    except tomllib.TOMLDecodeError as error:
        return Policy(), [_toml_syntax_issue(file, error)]
    try:
        return parse_policy(raw, file), []
    except ScenarioRefused as refused:
        return Policy(), list(refused.issues)


def _toml_syntax_issue(file: str, error: tomllib.TOMLDecodeError) -> ScenarioIssue:
    """Name the line of a TOML syntax error (tomllib puts it only in the message)."""
    position = _TOML_POSITION.search(str(error))
    line = int(position[1]) if position else 0
    return ScenarioIssue(
        file,
        line,
        "",
        f"Penulisan TOML salah di baris {line}: {error}.",
        f"TOML syntax error on line {line}: {error}.",
    )


def write_scenario_folder(scenario: Scenario, folder: Path) -> None:
    """The nine CSV files and policy.toml, UTF-8 with `\\n` line ends, byte-for-byte stable."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in TABLES:
        names = spec.column_names
        records = getattr(scenario, spec.name)
        columns = [format_column([getattr(r, name) for r in records]) for name in names]
        _write_csv(
            folder / spec.file_name, names, (list(row) for row in zip(*columns, strict=True))
        )
    (folder / POLICY_FILE).write_text(
        policy_to_toml(scenario.policy), encoding="utf-8", newline="\n"
    )


def write_issues_csv(issues: Sequence[ScenarioIssue], path: Path) -> None:
    """errors.csv: one row per issue, columns file,row,column,message,message_en."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = ([i.file, str(i.row), i.column, i.message, i.message_en] for i in issues)
    _write_csv(path, ISSUE_COLUMNS, rows)


def _write_csv(path: Path, header: Sequence[str], rows: Iterator[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
