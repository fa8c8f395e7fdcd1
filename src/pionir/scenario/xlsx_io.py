"""A scenario as one `.xlsx` workbook: a sheet per table and an optional `policy` sheet.

Typed cells are turned into the text the CSV form would hold (ints, integral
floats as `3`, dates ISO, months `YYYY-MM`, booleans `true`/`false`) and then
checked by the same validator. Issues name the sheet as
`<workbook> [<sheet>]`, e.g. `scenario.xlsx [employees]`. A NIP stored as a
number is refused: Excel keeps only 15 significant digits, so the last digits
of an 18-digit NIP are already lost.
"""

from __future__ import annotations

import io
import tomllib
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.escape import unescape
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.writer.excel import ExcelWriter

from pionir.scenario.bounds import (
    MAX_TABLE_CELLS,
    MAX_TABLE_ROWS,
    check_workbook_package,
    open_archive,
)
from pionir.scenario.errors import IssueList, ScenarioIssue, ScenarioRefused
from pionir.scenario.model import Policy, Scenario
from pionir.scenario.policy_io import parse_policy, policy_items, toml_value
from pionir.scenario.tables import (
    MAX_CELL_CHARS,
    TABLES,
    Kind,
    TableSpec,
    format_cell,
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

POLICY_SHEET: Final = "policy"
_ZIP_SIGNATURE: Final = b"PK\x03\x04"
# Encrypted .xlsx files and old .xls files are both OLE compound documents.
_OLE_SIGNATURE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What openpyxl may raise on a damaged package: it parses zip members and XML
# lazily, so a broken part surfaces as any of these, on opening or while reading.
_DAMAGED_WORKBOOK: Final = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    EOFError,
    OSError,
    SyntaxError,
)
# Written into the package so that the same scenario gives the same bytes.
_FIXED_TIME: Final = datetime(2000, 1, 1)
_ZIP_TIME: Final = (1980, 1, 1, 0, 0, 0)
_TEXT_FORMAT: Final = "@"
_MAX_WIDTH: Final = 50


def sheet_label(workbook: str, sheet: str) -> str:
    """How issues name a sheet: `scenario.xlsx [employees]`."""
    return f"{workbook} [{sheet}]"


def _refused(file: str, message: str, message_en: str) -> ScenarioRefused:
    return ScenarioRefused([ScenarioIssue(file, 0, "", message, message_en)])


def read_scenario_workbook(path: Path, *, progress: Progress | None = None) -> Scenario:
    """The scenario in the workbook at `path`; raises ScenarioRefused listing every problem."""
    book = path.name
    with paused_gc():
        workbook = _open_workbook(path)
        try:
            tables, raw_policy, issues = _read_sheets(workbook, book, progress)
        except _DAMAGED_WORKBOOK as error:
            raise _damaged(book, error) from None
        finally:
            workbook.close()
        policy, policy_issues = _policy_from_rows(raw_policy, sheet_label(book, POLICY_SHEET))
        validation = validate_tables(tables, policy, progress=progress)
    issues += policy_issues
    issues += validation.issue_list
    if issues or validation.scenario is None:
        raise ScenarioRefused(issues)
    return validation.scenario


def _read_sheets(
    workbook: Any, book: str, progress: Progress | None
) -> tuple[dict[str, RawTable], list[tuple[Any, ...]], IssueList]:
    """The nine table sheets, the rows of the policy sheet, and the problems found."""
    issues = IssueList()
    tables: dict[str, RawTable] = {}
    sheets = {normalise_header(name): name for name in workbook.sheetnames}
    for spec in TABLES:
        label = sheet_label(book, spec.name)
        if spec.name not in sheets:
            issues.append(_missing_sheet(label, spec.name))
            continue
        sheet = workbook[sheets[spec.name]]
        table, table_issues = _read_table_sheet(sheet, spec, label, progress)
        issues += table_issues
        if table is not None:
            tables[spec.name] = table
    policy_sheet = sheets.get(POLICY_SHEET)
    raw_policy = (
        []
        if policy_sheet is None
        else list(_sheet_rows(workbook[policy_sheet], sheet_label(book, POLICY_SHEET)))
    )
    return tables, raw_policy, issues


def _open_workbook(path: Path) -> Any:
    """The workbook opened read-only (fast, streaming), or refused saying why not."""
    book = path.name
    if path.is_dir():
        raise _refused(book, f"'{book}' adalah folder.", f"'{book}' is a folder.")
    try:
        with path.open("rb") as handle:
            signature = handle.read(8)
    except FileNotFoundError:
        raise _refused(
            book, f"File '{book}' tidak ditemukan.", f"The file '{book}' is missing."
        ) from None
    except OSError as error:
        raise _refused(
            book,
            f"File '{book}' tidak dapat dibaca ({error.strerror}).",
            f"The file '{book}' cannot be read ({error.strerror}).",
        ) from None
    if signature == _OLE_SIGNATURE:
        raise _refused(
            book,
            "Workbook dilindungi kata sandi (terenkripsi) atau berformat .xls lama. "
            "Buka di Excel, hapus kata sandinya dan simpan sebagai .xlsx.",
            "The workbook is password-protected (encrypted) or an old .xls file. "
            "Open it in Excel, remove the password and save it as .xlsx.",
        )
    if not signature.startswith(_ZIP_SIGNATURE):
        raise _refused(
            book,
            f"'{book}' bukan workbook Excel .xlsx.",
            f"'{book}' is not an Excel .xlsx workbook.",
        )
    # The package is unpacked once, counting, before openpyxl sees it: openpyxl
    # trusts the sizes, loads the shared strings whole and builds a row in full.
    damaged = partial(_damaged, book)
    with path.open("rb") as handle, open_archive(handle, book, damaged) as archive:
        check_workbook_package(archive, book)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except _DAMAGED_WORKBOOK as error:
        raise _damaged(book, error) from None


def _damaged(book: str, error: Exception) -> ScenarioRefused:
    return _refused(
        book,
        f"Workbook '{book}' rusak dan tidak dapat dibuka ({type(error).__name__}). "
        "Buka di Excel dan simpan ulang sebagai .xlsx.",
        f"The workbook '{book}' is damaged and cannot be opened ({type(error).__name__}). "
        "Open it in Excel and save it again as .xlsx.",
    )


def _missing_sheet(label: str, name: str) -> ScenarioIssue:
    return ScenarioIssue(
        label,
        0,
        "",
        f"Lembar (sheet) '{name}' tidak ada di workbook.",
        f"The workbook has no sheet named '{name}'.",
    )


def _sheet_rows(sheet: Any, label: str) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows, each as long as its last cell; refused past the row or cell limit.

    The dimension the sheet declares is dropped first: a sheet claiming
    A1:XFD1048576 would otherwise pad each row to 16,384 cells (and one that
    understates it would silently lose rows).
    """
    sheet.reset_dimensions()
    cells = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        cells += len(values)
        if number > MAX_TABLE_ROWS or cells > MAX_TABLE_CELLS:
            raise _too_big_sheet(label, number, number > MAX_TABLE_ROWS)
        yield values


def _too_big_sheet(label: str, row: int, rows: bool) -> ScenarioRefused:
    if rows:
        limit_id = limit_en = f"{MAX_TABLE_ROWS:,}"
        message = f"Lembar ini mencapai baris {row:,}; paling banyak {limit_id} baris didukung."
        message_en = f"The sheet reaches row {row:,}; at most {limit_en} rows are supported."
    else:
        message = (
            f"Sampai baris {row:,}, lembar ini sudah berisi lebih dari {MAX_TABLE_CELLS:,} sel, "
            "batas yang didukung."
        )
        message_en = (
            f"By row {row:,} the sheet holds more than {MAX_TABLE_CELLS:,} cells, the supported "
            "limit."
        )
    return ScenarioRefused(
        [
            ScenarioIssue(
                label,
                row,
                "",
                f"{message} Hapus baris dan kolom kosong di bawah dan di kanan data "
                "(pilih, klik kanan, Delete), atau bagi skenarionya.",
                f"{message_en} Delete the empty rows and columns below and right of the data "
                "(select, right-click, Delete), or split the scenario.",
            )
        ]
    )


def _is_blank(values: Sequence[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _read_table_sheet(
    sheet: Any, spec: TableSpec, label: str, progress: Progress | None
) -> tuple[RawTable | None, IssueList]:
    """The sheet's cells as text by column; row 1 is the row under the header row."""
    issues = IssueList()
    total = sheet.max_row or 0  # as declared, only to tell progress
    rows = _sheet_rows(sheet, label)
    header_index, header = _header(rows)
    if not header:
        issues.append(
            ScenarioIssue(
                label,
                0,
                "",
                "Lembar kosong; baris pertama harus berisi judul kolom.",
                "The sheet is empty; its first row must be the header.",
            )
        )
        return None, issues
    tell = _progress_teller(progress, f"read {label}", total)
    numbers, records, damaged = _data_rows(label, rows, header_index, len(header), issues, tell)
    by_column = list(zip(*records, strict=True)) or [()] * len(header)
    kinds = {column.name: column.kind for column in spec.columns}
    columns: dict[str, list[str]] = {}
    for name, cells in zip(header, by_column, strict=True):
        if name:
            kind = kinds.get(name, Kind.TEXT)
            columns[name] = _column_text(label, name, kind, cells, numbers, damaged, issues)
        else:
            _check_unnamed(label, cells, numbers, damaged, issues)
    issues.sort(key=lambda issue: issue.row)
    return _without_damaged(label, header, numbers, columns, damaged, spec.id_column), issues


def _progress_teller(
    progress: Progress | None, step: str, total: int
) -> Callable[[int], None] | None:
    """Tells `progress` how far a large sheet is read; openpyxl takes most of the time."""
    if progress is None or total < PROGRESS_EVERY:
        return None

    def tell(done: int) -> None:
        progress(step, done, total)

    return tell


def _header(rows: Iterator[tuple[Any, ...]]) -> tuple[int, tuple[str, ...]]:
    """The first non-blank row: its index and names, without the empty names at its end.

    Read-only sheets pad every row to the sheet's width, hence the trimming.
    """
    for index, values in enumerate(rows, 1):
        if _is_blank(values):
            continue
        names = [normalise_header(_cell_text(value, Kind.TEXT)) for value in values]
        while names and not names[-1]:
            names.pop()
        return index, tuple(names)
    return 0, ()


def _data_rows(
    label: str,
    rows: Iterator[tuple[Any, ...]],
    header_index: int,
    width: int,
    issues: IssueList,
    tell: Callable[[int], None] | None,
) -> tuple[list[int], list[tuple[Any, ...]], set[int]]:
    """Non-blank rows cut to the header's width, their numbers, and the damaged positions."""
    numbers: list[int] = []
    records: list[tuple[Any, ...]] = []
    damaged: set[int] = set()
    padding = (None,) * width
    for index, values in enumerate(rows, header_index + 1):
        if tell is not None and index % PROGRESS_EVERY == 0:
            tell(index)
        first = values[0] if values else None
        if (first is None or first == "") and _is_blank(values):
            continue
        if len(values) > width and not _is_blank(values[width:]):
            issues.append(_beyond_header(label, index - header_index))
            damaged.add(len(records))
        numbers.append(index - header_index)
        records.append((values + padding)[:width] if len(values) < width else values[:width])
    return numbers, records, damaged


def _column_text(
    label: str,
    name: str,
    kind: Kind,
    cells: Sequence[Any],
    numbers: list[int],
    damaged: set[int],
    issues: IssueList,
) -> list[str]:
    """The column's cells as text; a NIP stored as a number or an oversized cell damages its row."""
    if kind is Kind.NIP:
        for position, value in enumerate(cells):
            if _is_number(value):
                issues.append(_numeric_nip(label, numbers[position], name, value))
                damaged.add(position)
    texts = [value if type(value) is str else _cell_text(value, kind) for value in cells]
    if "_x" in "".join(texts):
        # Excel writes a character XML cannot hold (NUL, other controls) as _xHHHH_;
        # openpyxl leaves it so. Unescaped, the validator refuses it by row and column.
        texts = [unescape(text) if "_x" in text else text for text in texts]
    if max(map(len, texts), default=0) > MAX_CELL_CHARS:
        for position, text in enumerate(texts):
            if len(text) > MAX_CELL_CHARS:
                issues.append(oversized_cell(label, numbers[position], name, text))
                damaged.add(position)
    return texts


def _check_unnamed(
    label: str,
    cells: Sequence[Any],
    numbers: list[int],
    damaged: set[int],
    issues: IssueList,
) -> None:
    """Values in a column without a header are refused: their meaning is unknown."""
    for position, value in enumerate(cells):
        if value is not None and str(value).strip() and position not in damaged:
            issues.append(_beyond_header(label, numbers[position]))
            damaged.add(position)


def _without_damaged(
    label: str,
    header: tuple[str, ...],
    numbers: list[int],
    columns: dict[str, list[str]],
    damaged: set[int],
    id_column: str,
) -> RawTable:
    if not damaged:
        return RawTable(label, header, numbers, columns)
    ids = columns.get(id_column)
    damaged_ids = [
        (numbers[position], "" if ids is None else ids[position]) for position in sorted(damaged)
    ]
    kept = [position for position in range(len(numbers)) if position not in damaged]
    return RawTable(
        label,
        header,
        [numbers[position] for position in kept],
        {name: [cells[position] for position in kept] for name, cells in columns.items()},
        damaged_ids,
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell_text(value: object, kind: Kind) -> str:
    """The cell as the text a CSV would hold for a column of this kind."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%Y-%m}" if kind is Kind.MONTH else value.isoformat()
    return format_cell(value)


def _numeric_nip(label: str, row: int, column: str, value: object) -> ScenarioIssue:
    return ScenarioIssue(
        label,
        row,
        column,
        f"NIP tersimpan sebagai angka ({value!r}); Excel hanya menyimpan 15 digit sehingga "
        "digit terakhir NIP hilang. Format kolom nip sebagai Teks, lalu ketik ulang NIP-nya.",
        f"The NIP is stored as a number ({value!r}); Excel keeps only 15 digits, so the last "
        "digits of the NIP are lost. Format the nip column as Text and type the NIPs again.",
    )


def _beyond_header(label: str, row: int) -> ScenarioIssue:
    return ScenarioIssue(
        label,
        row,
        "",
        "Baris ini berisi nilai di kolom tanpa judul; beri judul kolom itu atau hapus nilainya.",
        "This row has values in a column without a header; give that column a header or "
        "delete the values.",
    )


def _policy_from_rows(
    rows: Iterable[Sequence[Any]], label: str
) -> tuple[Policy, list[ScenarioIssue]]:
    """The policy from (dotted key, value) rows; no rows means every default."""
    nested: dict[str, Any] = {}
    issues: list[ScenarioIssue] = []
    for number, values in enumerate(rows):
        if _is_blank(values[:2]):
            continue
        key = _cell_text(values[0], Kind.TEXT).strip()
        value = values[1] if len(values) > 1 else None
        if key.lower() == "key":
            continue  # the header row
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # an empty value keeps the default, like a missing key in policy.toml
        issue = _place(nested, key, _policy_value(key, value), label, number + 1)
        if issue is not None:
            issues.append(issue)
    try:
        policy = parse_policy(nested, label)
    except ScenarioRefused as refused:
        return Policy(), issues + list(refused.issues)
    return (Policy(), issues) if issues else (policy, [])


def _policy_value(key: str, value: object) -> object:
    """A typed cell as is; text read as a TOML literal when it is one (`[1, 2]`, `70`)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%Y-%m}" if key.endswith("month") else value.isoformat()
    if isinstance(value, str):
        try:
            return tomllib.loads(f"value = {value}")["value"]
        except tomllib.TOMLDecodeError:
            return value.strip()
    return value


def _place(
    nested: dict[str, Any], key: str, value: object, label: str, row: int
) -> ScenarioIssue | None:
    """Put `value` at the dotted `key`; a key given twice or inside a value is refused."""
    parts = [part.strip() for part in key.split(".")]
    table = nested
    for part in parts[:-1]:
        table = table.setdefault(part, {})
        if not isinstance(table, dict):
            break
    else:
        if parts[-1] not in table and all(parts):
            table[parts[-1]] = value
            return None
    return ScenarioIssue(
        label,
        row,
        key,
        f"Kunci '{key}' ditulis dua kali atau tidak sah.",
        f"The key '{key}' is given twice or is not valid.",
    )


# --- writing -----------------------------------------------------------------


def write_scenario_workbook(scenario: Scenario, path: Path) -> None:
    """The scenario as a workbook Excel and LibreOffice open as is; same scenario, same bytes.

    Each table's header is bold and frozen; ids, NIPs, dates and words are
    text cells (formatted as Text, so Excel keeps them so when edited);
    numbers are numbers.
    """
    workbook = Workbook(write_only=True)
    dimensions = [
        _write_table_sheet(workbook, spec, getattr(scenario, spec.name)) for spec in TABLES
    ]
    dimensions.append(_write_policy_sheet(workbook, scenario.policy))
    workbook.properties.creator = "pionir"
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    # openpyxl names the sheets' parts by their order: sheet1.xml is the first created.
    parts = {f"xl/worksheets/sheet{number}.xml": ref for number, ref in enumerate(dimensions, 1)}
    path.write_bytes(_rewritten(buffer.getvalue(), parts))


def _rewritten(package: bytes, dimensions: dict[str, str]) -> bytes:
    """The same zip with every member dated _ZIP_TIME instead of the time of writing, and
    each sheet in `dimensions` declaring its range.

    Write-only openpyxl declares no `<dimension>`; a read-only openpyxl (ours among
    them) then parses a whole sheet once only to find its size before reading it.
    """
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            content = source.read(member)
            if member.filename in dimensions:
                content = _with_dimension(content, dimensions[member.filename])
            target.writestr(info, content)
    return output.getvalue()


def _with_dimension(sheet: bytes, ref: str) -> bytes:
    """The sheet's XML with `<dimension ref=...>` where the schema puts it: first in the
    worksheet but for `<sheetPr>`."""
    element = f'<dimension ref="{ref}" />'.encode()
    end_of_properties = sheet.find(b"</sheetPr>")
    if end_of_properties >= 0:
        at = end_of_properties + len(b"</sheetPr>")
    else:
        at = sheet.index(b">", sheet.index(b"<worksheet")) + 1
    return sheet[:at] + element + sheet[at:]


def _dimension(columns: int, rows: int) -> str:
    """The range a sheet of `rows` rows (its header included) and `columns` columns spans."""
    return f"A1:{get_column_letter(max(columns, 1))}{max(rows, 1)}"


def _write_table_sheet(workbook: Any, spec: TableSpec, records: Sequence[object]) -> str:
    """The table as a sheet; returns the range it spans."""
    sheet = workbook.create_sheet(spec.name)
    names = spec.column_names
    kinds = [column.kind for column in spec.columns]
    rows = [[getattr(record, name) for name in names] for record in records]
    _prepare_sheet(sheet, names, rows)
    sheet.append(_header_cells(sheet, names))
    for values in rows:
        sheet.append([_cell(sheet, kind, value) for kind, value in zip(kinds, values, strict=True)])
    return _dimension(len(names), len(rows) + 1)


def _cell(sheet: Any, kind: Kind, value: object) -> Any:
    """Numbers stay numbers; everything else is text, ids and NIPs formatted as Text.

    The Text format matters where Excel would otherwise mangle a retyped
    value (an 18-digit NIP loses its last digits); styling every cell would
    make large workbooks much slower to write.
    """
    if kind in (Kind.INTEGER, Kind.NUMBER):
        return value
    text = format_cell(value)
    if kind in (Kind.ID, Kind.NIP) or text.startswith("="):
        return _text_cell(sheet, text)
    return text


def _write_policy_sheet(workbook: Any, policy: Policy) -> str:
    """Rows (dotted key, value): numbers and booleans typed, lists as TOML literals;
    returns the range they span."""
    sheet = workbook.create_sheet(POLICY_SHEET)
    rows: list[list[Any]] = []
    for key, value in policy_items(policy):
        shown = toml_value(value) if isinstance(value, list) else value
        rows.append([key, shown])
    _prepare_sheet(sheet, ("key", "value"), rows)
    sheet.append(_header_cells(sheet, ("key", "value")))
    for key, value in rows:
        sheet.append(
            [_text_cell(sheet, key), _text_cell(sheet, value) if isinstance(value, str) else value]
        )
    return _dimension(2, len(rows) + 1)


def _prepare_sheet(sheet: Any, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Frozen header and column widths; a write-only sheet takes them before any row."""
    sheet.freeze_panes = "A2"
    for index, name in enumerate(names, 1):
        sample = [format_cell(row[index - 1]) for row in rows[:200]]
        width = max([len(name), *(len(text) for text in sample)]) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(width, _MAX_WIDTH)


def _header_cells(sheet: Any, names: Sequence[str]) -> list[Any]:
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _text_cell(sheet: Any, text: str) -> Any:
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl would turn text starting with "=" into a formula; it is data here.
    cell.data_type = "s"
    cell.number_format = _TEXT_FORMAT
    return cell
