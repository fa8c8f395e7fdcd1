"""Validation: raw table cells in, a Scenario or every broken rule out.

Readers hand over each table as columns of text cells with their row
numbers; this module checks every rule of sections 1 and 2 of the planning
model: the header, each cell, unique ids, references between tables, the
NIP's parts, household sizes and the order of the waves. All problems are
collected so the operator can fix a file in one go; a row whose id is broken
does not also produce follow-on complaints (duplicates, missing references,
NIP parts).

The work is done a column at a time, parsing each distinct cell text once:
most columns hold few distinct values (grades, levels, dates), which keeps
170,000 employees to a couple of seconds.
"""

from __future__ import annotations

import gc
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import starmap
from typing import Any, Final

from pionir.scenario.errors import IssueList, Rule, ScenarioIssue
from pionir.scenario.model import Month, Policy, Scenario
from pionir.scenario.tables import (
    MAX_CELL_CHARS,
    TABLES,
    CellError,
    Column,
    Kind,
    TableSpec,
    quoted,
)

Progress = Callable[[str, int, int], None]
"""Told (step, done, total) now and then while large inputs are read and checked."""

# Tables shorter than this are checked too fast to be worth telling about.
PROGRESS_EVERY: Final = 20_000

# How a table's rows are called in messages when another table names them.
_ENTITY_WORDS: Final = {
    "agencies": ("K/L", "Agency"),
    "units": ("Unit kerja", "Work unit"),
    "positions": ("Jabatan", "Position"),
    "households": ("Rumah tangga", "Household"),
}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a scenario is read and built.

    Reading creates millions of small objects and no cycles; each automatic
    collection walks them all again, which costs a third of the time on
    170,000 employees. The previous setting is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Bad:
    """The value of a cell that did not parse (its issue is already recorded)."""

    def __repr__(self) -> str:
        return "BAD"


BAD: Final = _Bad()


@dataclass(frozen=True, slots=True)
class RawTable:
    """A table as read: text cells by column, `row_numbers[i]` the row of position i.

    Row 1 is the first row after the header. `file` names the table in issues
    (`employees.csv`, `scenario.xlsx [employees]`). `damaged` lists rows the
    reader already reported (ragged, oversized cell, NIP stored as a number)
    with their id cell: they are left out of the columns, but their ids still
    count, so rows naming them get no follow-on complaints.
    """

    file: str
    header: tuple[str, ...]
    row_numbers: Sequence[int]
    columns: Mapping[str, Sequence[str]]
    damaged: list[tuple[int, str]] = field(default_factory=list)

    @classmethod
    def from_rows(
        cls, file: str, header: Iterable[str], rows: Iterable[tuple[int, Mapping[str, str]]]
    ) -> RawTable:
        """A table from (row number, cells by column) pairs."""
        names = tuple(header)
        listed = list(rows)
        columns = {name: [cells.get(name, "") for _, cells in listed] for name in names}
        return cls(file, names, [number for number, _ in listed], columns)


@dataclass(frozen=True, slots=True)
class Validation:
    """The outcome: the scenario when nothing is wrong, else only the issues.

    `issues` are those kept in full, `omitted` counts by rule the ones past them.
    """

    issues: tuple[ScenarioIssue, ...]
    scenario: Scenario | None
    omitted: Mapping[Rule, int] = field(default_factory=dict)

    @property
    def issue_list(self) -> IssueList:
        """The issues, kept and counted, to add a reader's own to."""
        found = IssueList(self.issues)
        found.omitted.update(self.omitted)
        return found


@dataclass(slots=True)
class _CheckedTable:
    """A table after its own checks, kept for the checks across tables."""

    spec: TableSpec
    file: str
    row_numbers: Sequence[int]
    values: dict[str, list[Any]]  # parsed cells by column; BAD where a cell did not parse
    ids: dict[str, int]  # id -> first row number, damaged rows included
    ids_broken: bool  # some row's id is unreadable, so `ids` may miss one


class _Issues:
    """Collects issues; each names file, row, column and says what is wrong twice."""

    def __init__(self) -> None:
        # Bounded: a million duplicate rows are counted, not each kept.
        self.found = IssueList()

    def add(self, file: str, row: int, column: str, message: str, message_en: str) -> None:
        self.found.append(ScenarioIssue(file, row, column, message, message_en))

    def sort(self, tables: Mapping[str, RawTable]) -> None:
        """Put the issues in reading order: table by table, then by row, then by column."""
        files = {tables[spec.name].file: spec for spec in TABLES if spec.name in tables}
        position = {spec.name: index for index, spec in enumerate(TABLES)}

        def order(issue: ScenarioIssue) -> tuple[int, int, int]:
            spec = files[issue.file]
            columns = spec.column_names
            column = columns.index(issue.column) if issue.column in columns else -1
            return position[spec.name], issue.row, column

        self.found.sort(key=order)


def validate_tables(
    tables: Mapping[str, RawTable],
    policy: Policy,
    *,
    progress: Progress | None = None,
) -> Validation:
    """Check the nine tables (by table name) and build the scenario when all is well.

    A table missing from `tables` could not be read; the reader reported why.
    The scenario is then not built, and references into that table are not
    checked (they would all look broken).
    """
    issues = _Issues()
    checked: dict[str, _CheckedTable] = {}
    for spec in TABLES:
        raw = tables.get(spec.name)
        if raw is not None and _header_is_complete(spec, raw, issues):
            checked[spec.name] = _check_table(spec, raw, issues, progress)
    _check_references(checked, issues)
    _check_household_members(checked, issues)
    _check_wave_months(checked, issues)
    issues.sort(tables)
    scenario = None
    if not issues.found and all(spec.name in checked for spec in TABLES):
        scenario = _build_scenario(checked, policy)
    return Validation(tuple(issues.found), scenario, dict(issues.found.omitted))


def _header_is_complete(spec: TableSpec, raw: RawTable, issues: _Issues) -> bool:
    """Every required column is in the header once; extra columns are ignored."""
    present = set(raw.header)
    missing = [name for name in spec.column_names if name not in present]
    listed = ", ".join(spec.column_names)
    if len(missing) == len(spec.column_names):
        issues.add(
            raw.file,
            0,
            "",
            f"Baris pertama harus berisi judul kolom: {listed}.",
            f"The first row must be the header with the columns: {listed}.",
        )
        return False
    for name in missing:
        issues.add(
            raw.file,
            0,
            name,
            f"Kolom '{name}' tidak ada di baris judul (kolom yang diperlukan: {listed}).",
            f"The column '{name}' is missing from the header (required: {listed}).",
        )
    for name in spec.column_names:
        if raw.header.count(name) > 1:
            issues.add(
                raw.file,
                0,
                name,
                f"Kolom '{name}' muncul lebih dari sekali di baris judul.",
                f"The column '{name}' appears more than once in the header.",
            )
            missing.append(name)
    return not missing


def _check_table(
    spec: TableSpec, raw: RawTable, issues: _Issues, progress: Progress | None
) -> _CheckedTable:
    """Parse every cell, check ids are unique and apply the table's own row rules."""
    values: dict[str, list[Any]] = {}
    for done, column in enumerate(spec.columns, 1):
        values[column.name] = _parse_column(raw, column, issues)
        if progress is not None and len(raw.row_numbers) >= PROGRESS_EVERY:
            progress(f"validate {spec.name}", done, len(spec.columns))
    table = _CheckedTable(spec, raw.file, raw.row_numbers, values, {}, ids_broken=False)
    _register_ids(table, raw.damaged, issues)
    if spec.name == "employees":
        _check_employee_nips(table, issues)
    return table


def _parse_column(raw: RawTable, column: Column, issues: _Issues) -> list[Any]:
    """The column's cells parsed, BAD where a cell is invalid (and an issue recorded).

    Each distinct text is parsed once; the issues are then named row by row.
    """
    cells = raw.columns[column.name]
    errors: dict[str, CellError] = _control_characters(cells)
    if column.kind is Kind.TEXT and not errors:
        return [text.strip() for text in cells]  # names and titles: any other text is valid
    parse = column.parse if column.kind is not Kind.TEXT else str.strip
    parsed: dict[str, Any] = dict.fromkeys(errors, BAD)
    for text in set(cells) - errors.keys():
        try:
            parsed[text] = parse(text.strip())
        except CellError as error:
            parsed[text] = BAD
            errors[text] = error
    if errors:
        for row, text in zip(raw.row_numbers, cells, strict=True):
            failure = errors.get(text)
            if failure is not None:
                issues.add(raw.file, row, column.name, failure.message, failure.message_en)
    return list(map(parsed.__getitem__, cells))


# C0 controls (NUL, tab, line breaks and the rest), DEL and C1 controls. No
# column holds them legitimately: every text column is a name, title or code on
# one line, and a NUL in a name breaks every export of the plans made from it.
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_NAMES: Final = {
    "\x00": "NUL",
    "\t": "tab",
    "\n": "line feed (LF)",
    "\r": "carriage return (CR)",
}


def _control_characters(cells: Sequence[str]) -> dict[str, CellError]:
    """The distinct cells holding a control character, each with the sentence that says so.

    One search over the column joined finds most columns clean at C speed.
    """
    if not _CONTROL.search("".join(cells)):
        return {}
    errors: dict[str, CellError] = {}
    for text in set(cells):
        found = _CONTROL.search(text)
        if found is None:
            continue
        character = found.group()
        # The message must not carry the character on to the page, the log or an export.
        shown = quoted(_CONTROL.sub("\ufffd", text))
        name = _CONTROL_NAMES.get(character, "")
        code = f"U+{ord(character):04X}" + (f", {name}" if name else "")
        errors[text] = CellError(
            f"Sel berisi karakter kendali ({code}) di posisi {found.start() + 1}, diawali "
            f"{shown}; karakter seperti ini tidak boleh ada di data. Hapus karakter "
            "itu (biasanya tersalin dari sistem lain) lalu unggah kembali.",
            f"The cell holds a control character ({code}) at position {found.start() + 1}, "
            f"starting {shown}; such characters may not be in the data. Delete it "
            "(it usually comes along when copying from another system) and re-upload.",
        )
    return errors


def _register_ids(table: _CheckedTable, damaged: list[tuple[int, str]], issues: _Issues) -> None:
    """Hard rule: ids are unique within their file; the first row keeps the id."""
    id_column = table.spec.id_column
    readable = [
        (row_id, row)
        for row_id, row in zip(table.values[id_column], table.row_numbers, strict=True)
        if row_id is not BAD
    ]
    # Reversed, so that for a repeated id the first row is the one kept.
    table.ids = dict(reversed(readable))
    has_duplicates = len(table.ids) < len(readable)
    for row, cell in damaged:
        if cell.strip():
            table.ids.setdefault(cell.strip(), row)
    table.ids_broken = len(readable) < len(table.row_numbers) or any(
        not cell.strip() for _, cell in damaged
    )
    if not has_duplicates:
        return
    for row_id, row in readable:
        first_row = table.ids[row_id]
        if first_row != row:
            issues.add(
                table.file,
                row,
                id_column,
                f"{quoted(row_id)} sudah dipakai di baris {first_row}; setiap kode harus unik.",
                f"{quoted(row_id)} is already used in row {first_row}; every id must be unique.",
            )


def oversized_cell(file: str, row: int, column: str, cell: str) -> ScenarioIssue:
    """A cell longer than MAX_CELL_CHARS: a pasted blob or a broken quote, never data."""
    return ScenarioIssue(
        file,
        row,
        column,
        f"Sel berisi {len(cell):,} karakter (paling banyak {MAX_CELL_CHARS:,}), "
        f"diawali {quoted(cell)}; mungkin ada tanda kutip yang tidak ditutup.",
        f"The cell holds {len(cell):,} characters (at most {MAX_CELL_CHARS:,}), "
        f"starting {quoted(cell)}; perhaps a quote is never closed.",
    )


_GENDER_DIGIT: Final = {"L": "1", "P": "2"}


def _check_employee_nips(table: _CheckedTable, issues: _Issues) -> None:
    """Hard rule: the NIP holds the birth date, appointment month and gender of its row.

    Layout: birth date YYYYMMDD, appointment month YYYYMM, gender digit
    (1 = L, 2 = P), then a 3-digit sequence. A quick pass finds the rows
    that may break it; only those are looked at closely.
    """
    nips, births, genders = (table.values[name] for name in ("nip", "birth_date", "gender"))
    birth_digits = {born: f"{born:%Y%m%d}" for born in set(births) if born is not BAD}
    suspects = [
        position
        for position, (nip, born, gender) in enumerate(zip(nips, births, genders, strict=True))
        if nip is not BAD
        and (
            nip[:8] != birth_digits.get(born)
            or not "01" <= nip[12:14] <= "12"
            or nip[14] != _GENDER_DIGIT.get(gender)
        )
    ]
    for position in suspects:
        row, nip = table.row_numbers[position], nips[position]
        born, gender = births[position], genders[position]
        _check_nip_birth_date(table.file, row, nip, None if born is BAD else born, issues)
        _check_nip_appointment(table.file, row, nip, issues)
        _check_nip_gender(table.file, row, nip, None if gender is BAD else gender, issues)


def _check_nip_birth_date(
    file: str, row: int, nip: str, birth_date: date | None, issues: _Issues
) -> None:
    try:
        in_nip = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        issues.add(
            file,
            row,
            "nip",
            f"8 digit pertama NIP {quoted(nip)} ({nip[:8]}) bukan tanggal lahir YYYYMMDD yang sah.",
            f"The first 8 digits of NIP {quoted(nip)} ({nip[:8]}) are not a valid birth date "
            "YYYYMMDD.",
        )
        return
    if birth_date is not None and in_nip != birth_date:
        issues.add(
            file,
            row,
            "nip",
            f"NIP {quoted(nip)} menyatakan tanggal lahir {in_nip.isoformat()}, "
            f"tetapi birth_date berisi {birth_date.isoformat()}.",
            f"NIP {quoted(nip)} says the birth date is {in_nip.isoformat()}, "
            f"but birth_date holds {birth_date.isoformat()}.",
        )


def _check_nip_appointment(file: str, row: int, nip: str, issues: _Issues) -> None:
    if not 1 <= int(nip[12:14]) <= 12:
        issues.add(
            file,
            row,
            "nip",
            f"Digit 9-14 NIP {quoted(nip)} ({nip[8:14]}) bukan bulan pengangkatan YYYYMM yang sah.",
            f"Digits 9-14 of NIP {quoted(nip)} ({nip[8:14]}) are not a valid appointment month "
            "YYYYMM.",
        )


_NIP_GENDER: Final = {"1": "L", "2": "P"}


def _check_nip_gender(file: str, row: int, nip: str, gender: str | None, issues: _Issues) -> None:
    in_nip = _NIP_GENDER.get(nip[14])
    if in_nip is None:
        issues.add(
            file,
            row,
            "nip",
            f"Digit ke-15 NIP {quoted(nip)} adalah '{nip[14]}'; seharusnya 1 (L) atau 2 (P).",
            f"Digit 15 of NIP {quoted(nip)} is '{nip[14]}'; it must be 1 (L) or 2 (P).",
        )
    elif gender is not None and gender != in_nip:
        issues.add(
            file,
            row,
            "nip",
            f"NIP {quoted(nip)} menyatakan jenis kelamin {in_nip}, tetapi gender berisi {gender}.",
            f"NIP {quoted(nip)} says the gender is {in_nip}, but gender holds {gender}.",
        )


def _check_references(checked: Mapping[str, _CheckedTable], issues: _Issues) -> None:
    """Hard rule: every unit's agency, position's unit, employee's position and household exist.

    A table with an unreadable id is skipped as a target: a reference to it
    may well mean that row, and the operator is already told to fix the id.
    """
    for table in checked.values():
        for column in table.spec.columns:
            target = checked.get(column.refers_to or "")
            if target is not None and not target.ids_broken:
                _check_reference_column(table, column.name, target, issues)


def _check_reference_column(
    table: _CheckedTable, column: str, target: _CheckedTable, issues: _Issues
) -> None:
    word_id, word_en = _ENTITY_WORDS[target.spec.name]
    known = target.ids
    for row, named in zip(table.row_numbers, table.values[column], strict=True):
        if named is not BAD and named not in known:
            issues.add(
                table.file,
                row,
                column,
                f"{word_id} {quoted(named)} tidak ada di {target.file}.",
                f"{word_en} {quoted(named)} does not exist in {target.file}.",
            )


def _check_household_members(checked: Mapping[str, _CheckedTable], issues: _Issues) -> None:
    """Hard rule: a household's members include all its employees."""
    households, employees = checked.get("households"), checked.get("employees")
    if households is None or employees is None:
        return
    employee_households = employees.values["household_id"]
    counts = Counter(household for household in employee_households if household is not BAD)
    rows_of: dict[str, list[int]] | None = None
    for row, household, members in zip(
        households.row_numbers,
        households.values["household_id"],
        households.values["members"],
        strict=True,
    ):
        if household is BAD or members is BAD or members >= counts.get(household, 0):
            continue
        if rows_of is None:
            rows_of = defaultdict(list)
            for employee_row, named in zip(employees.row_numbers, employee_households, strict=True):
                rows_of[named].append(employee_row)
        rows = rows_of[household]
        issues.add(
            households.file,
            row,
            "members",
            f"Rumah tangga {quoted(household)} beranggota {members} orang, "
            f"tetapi memiliki {len(rows)} pegawai ({employees.file} baris {_rows(rows)}); "
            "members harus paling sedikit jumlah pegawainya.",
            f"Household {quoted(household)} has {members} members but "
            f"{len(rows)} employees ({employees.file} rows {_rows(rows)}); members must be "
            "at least its number of employees.",
        )


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(row) for row in rows[:5])
    return shown + (", ..." if len(rows) > 5 else "")


def _check_wave_months(checked: Mapping[str, _CheckedTable], issues: _Issues) -> None:
    """Hard rule: there is a kloter, and kloter months strictly increase in file order.

    Screening needs the last wave's month, so a scenario without waves has no meaning.
    """
    waves = checked.get("waves")
    if waves is None:
        return
    if not waves.row_numbers and not waves.ids and not waves.ids_broken:
        issues.add(
            waves.file,
            0,
            "",
            "Tidak ada kloter; paling sedikit satu kloter diperlukan.",
            "There are no waves; at least one wave is needed.",
        )
    previous: Month | None = None
    for row, month in zip(waves.row_numbers, waves.values["month"], strict=True):
        if month is BAD:
            continue
        if previous is not None and month <= previous:
            issues.add(
                waves.file,
                row,
                "month",
                f"Bulan {month} tidak setelah bulan kloter sebelumnya ({previous}); "
                "bulan kloter harus naik berurutan dari baris ke baris.",
                f"The month {month} is not after the previous wave's month ({previous}); "
                "wave months must increase from row to row.",
            )
        previous = month


def _build_scenario(checked: Mapping[str, _CheckedTable], policy: Policy) -> Scenario:
    """The model objects, built only when every cell of every table is valid.

    The columns are in the order of the model's fields (a test holds them to it).
    """

    def models(name: str) -> tuple[Any, ...]:
        table = checked[name]
        columns = (table.values[column] for column in table.spec.column_names)
        return tuple(starmap(table.spec.model, zip(*columns, strict=True)))

    return Scenario(
        agencies=models("agencies"),
        units=models("units"),
        positions=models("positions"),
        employees=models("employees"),
        households=models("households"),
        towers=models("towers"),
        buildings=models("buildings"),
        facilities=models("facilities"),
        waves=models("waves"),
        policy=policy,
    )
