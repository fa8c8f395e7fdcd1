"""The plan as an `.xlsx` workbook: every employee's outcome, then the plan's tables.

Written with openpyxl in write-only mode, so 16,574 employees stream into the file in a
few seconds without the whole sheet held in memory. Only plain features are used (bold
header, frozen first row, column widths, number formats) so Excel and LibreOffice open
the file without repairing it. NIPs are text cells: as numbers they would lose digits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import IO, Any, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from pionir.screening.rules import REASON_TEXT
from pionir.services.actor import Actor
from pionir.services.clock import now
from pionir.services.exports.scope import (
    AgencyTally,
    EmployeeLine,
    RunInScope,
    agency_tallies,
    employee_lines,
    record_export,
    run_in_scope,
    wave_movers,
)
from pionir.services.exports.words import (
    OUTCOME,
    PLAN_STATUS,
    WITHHELD_EXPLANATION,
    Words,
    both,
    say,
    share,
)

PLAN_SHEET: Final = "Rencana"
WAVE_SHEET: Final = "Per kloter"
# Excel forbids "/" in sheet names, so "Per K/L" is written with a hyphen.
AGENCY_SHEET: Final = "Per K-L"
TOWER_SHEET: Final = "Menara"
BUILDING_SHEET: Final = "Gedung"
SUMMARY_SHEET: Final = "Ringkasan"
SHEETS: Final = (PLAN_SHEET, WAVE_SHEET, AGENCY_SHEET, TOWER_SHEET, BUILDING_SHEET, SUMMARY_SHEET)


class Kind(Enum):
    TEXT = "text"
    CODE = "code"  # digits that are an identifier, such as a NIP: kept as text
    INTEGER = "integer"
    MONEY = "money"
    DECIMAL = "decimal"
    SHARE = "share"
    GAP = "gap"


_NUMBER_FORMAT: Final = {
    Kind.CODE: "@",
    Kind.MONEY: "#,##0",
    Kind.DECIMAL: "0.00",
    Kind.SHARE: "0.0%",
    Kind.GAP: "0.0000%",
}


@dataclass(frozen=True, slots=True)
class Column:
    words: Words
    width: float
    kind: Kind = Kind.TEXT


MERIT: Final = Column(("Nilai merit", "Merit score"), 12, Kind.DECIMAL)
REASONS: Final = Column(("Alasan penapisan", "Screening reasons"), 45)
PLAN_COLUMNS: Final = (
    Column(("NIP", "NIP"), 21, Kind.CODE),
    Column(("Nama", "Name"), 28),
    Column(("K/L", "Agency"), 16),
    Column(("Unit kerja", "Work unit"), 34),
    Column(("Jabatan", "Position"), 40),
    Column(("Golongan", "Grade"), 11),
    Column(("Rumah tangga", "Household"), 14),
    Column(("Kloter", "Wave"), 10),
    Column(("Bulan", "Month"), 10),
    Column(("Menara", "Tower"), 10),
    Column(("No. unit", "Flat no."), 10, Kind.INTEGER),
    Column(("Gedung kantor", "Office building"), 18),
    Column(("Tunjangan (Rp)", "Allowance (IDR)"), 18, Kind.MONEY),
    Column(("Hasil", "Outcome"), 24),
    MERIT,
    REASONS,
    Column(("Penjelasan", "Explanation"), 80),
)


def write_plan_workbook(db: Session, actor: Actor, run_id: int, lang: str, out: IO[bytes]) -> None:
    """Write the run's workbook, in the reader's scope and language, to `out`."""
    scope = run_in_scope(db, actor, run_id)
    book = Workbook(write_only=True)
    _plan_sheet(book, scope, employee_lines(db, scope), lang)
    _wave_sheet(book, scope, wave_movers(db, scope), lang)
    tallies = agency_tallies(db, scope)
    _agency_sheet(book, tallies, scope.summary.movers, lang)
    _tower_sheet(book, scope, lang)
    _building_sheet(book, scope, lang)
    _summary_sheet(book, scope, tallies, lang)
    book.properties.creator = "pionir"
    book.properties.title = f"Pionir - run {scope.run.id}"
    book.save(out)
    record_export(db, actor, scope, "xlsx")


def plan_columns(scope: RunInScope) -> tuple[Column, ...]:
    """The employee sheet's columns; merit and reasons only for readers of screening."""
    if scope.sees_screening:
        return PLAN_COLUMNS
    return tuple(c for c in PLAN_COLUMNS if c not in (MERIT, REASONS))


def _sheet(book: Any, title: str, columns: Sequence[Column], lang: str) -> Any:
    """A new sheet with its widths, frozen bold header: a write-only sheet needs them first."""
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=both(lang, column.words))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    return sheet


def _append(sheet: Any, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> None:
    for values in rows:
        sheet.append([_cell(sheet, c.kind, v) for c, v in zip(columns, values, strict=True)])


def _cell(sheet: Any, kind: Kind, value: Any) -> Any:
    """A value as a cell: formatted where the kind asks, a plain value otherwise.

    Plain values are much faster to write than styled cells, which matters at 16,574 rows.
    """
    if value is None:
        return None
    if isinstance(value, str):
        if kind is Kind.CODE or value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            # Data, never a formula, even when it starts with "=".
            cell.data_type = "s"
            cell.number_format = "@"
            return cell
        return value
    number_format = _NUMBER_FORMAT.get(kind)
    if number_format is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _plan_sheet(book: Any, scope: RunInScope, lines: Iterable[EmployeeLine], lang: str) -> None:
    columns = plan_columns(scope)
    sheet = _sheet(book, PLAN_SHEET, columns, lang)
    _append(sheet, columns, (_plan_values(line, scope, lang) for line in lines))


def _plan_values(line: EmployeeLine, scope: RunInScope, lang: str) -> list[Any]:
    values: list[Any] = [
        line.nip,
        line.name,
        line.agency_id,
        line.unit_name,
        line.position,
        line.grade,
        line.household_id,
        line.wave_id,
        line.month,
        line.tower_id,
        line.unit_no,
        line.building_id,
        line.allowance,
        say(lang, OUTCOME.get(line.outcome, (line.outcome, line.outcome))),
    ]
    if scope.sees_screening:
        reasons = (say(lang, REASON_TEXT.get(code, (code, code))) for code in line.reasons)
        values += [line.merit, "; ".join(reasons)]
    values.append(explanation(line, scope, lang))
    return values


def explanation(line: EmployeeLine, scope: RunInScope, lang: str) -> str:
    """The core's explanation, except screening reasons for those who may not read them."""
    withheld = WITHHELD_EXPLANATION.get(line.outcome)
    if withheld is not None and not scope.sees_screening:
        return say(lang, withheld)
    return say(lang, (line.text_id, line.text_en))


WAVE_COLUMNS: Final = (
    Column(("Kloter", "Wave"), 10),
    Column(("Bulan", "Month"), 10),
    Column(("Pegawai pindah", "Movers"), 16, Kind.INTEGER),
    Column(("Jiwa", "Persons"), 12, Kind.INTEGER),
    Column(("Kursi", "Seats"), 12, Kind.INTEGER),
    Column(("Hunian terisi (kumulatif)", "Flats used (cumulative)"), 26, Kind.INTEGER),
    Column(("Hunian siap", "Flats ready"), 16, Kind.INTEGER),
    Column(("Murid (kumulatif)", "School pupils (cumulative)"), 26, Kind.INTEGER),
    Column(("Kursi sekolah", "School places"), 18, Kind.INTEGER),
    Column(("Tunjangan (Rp)", "Allowance (IDR)"), 20, Kind.MONEY),
)
OWN_AGENCY_MOVERS: Final = Column(
    ("Pindah dari K/L Anda", "Movers from your agency"), 24, Kind.INTEGER
)


def _wave_sheet(book: Any, scope: RunInScope, own: dict[str, int], lang: str) -> None:
    """The plan's waves as a whole; an operator also sees their own K/L's movers per wave."""
    columns = WAVE_COLUMNS if scope.all_agencies else (*WAVE_COLUMNS, OWN_AGENCY_MOVERS)
    sheet = _sheet(book, WAVE_SHEET, columns, lang)
    rows = []
    for wave in scope.summary.waves:
        row: list[object] = [
            wave.wave_id,
            wave.month,
            wave.employees,
            wave.persons,
            wave.seats,
            wave.flats_used,
            wave.flats_ready,
            wave.pupils,
            wave.school_places,
            wave.allowance,
        ]
        if not scope.all_agencies:
            row.append(own.get(wave.wave_id, 0))
        rows.append(row)
    _append(sheet, columns, rows)


AGENCY_COLUMNS: Final = (
    Column(("Kode K/L", "Agency code"), 16),
    Column(("Nama K/L", "Agency name"), 60),
    Column(("Kuota", "Quota"), 10, Kind.INTEGER),
    Column(("Pegawai pindah", "Movers"), 16, Kind.INTEGER),
    Column(("Rumah tangga pindah", "Households moved"), 22, Kind.INTEGER),
    Column(("Capaian kuota", "Quota filled"), 16, Kind.SHARE),
    Column(("Porsi dari seluruh pindah", "Share of all movers"), 26, Kind.SHARE),
    Column(("Tunjangan (Rp)", "Allowance (IDR)"), 20, Kind.MONEY),
)


def _agency_sheet(book: Any, tallies: Sequence[AgencyTally], all_movers: int, lang: str) -> None:
    """Each K/L's quota and movers; its share is of the whole plan's movers, in any scope."""
    sheet = _sheet(book, AGENCY_SHEET, AGENCY_COLUMNS, lang)
    rows = (
        [
            t.agency_id,
            t.name,
            t.quota,
            t.movers,
            t.households,
            share(t.movers, t.quota),
            share(t.movers, all_movers),
            t.allowance,
        ]
        for t in tallies
    )
    _append(sheet, AGENCY_COLUMNS, rows)


TOWER_COLUMNS: Final = (
    Column(("Menara", "Tower"), 12),
    Column(("Siap huni", "Ready"), 12),
    Column(("Unit", "Flats"), 10, Kind.INTEGER),
    Column(("Kamar tidur per unit", "Bedrooms per flat"), 22, Kind.INTEGER),
    Column(("Unit terisi", "Flats used"), 14, Kind.INTEGER),
    Column(("Keterisian", "Occupancy"), 14, Kind.SHARE),
    Column(("Penghuni", "Residents"), 14, Kind.INTEGER),
)


def _tower_sheet(book: Any, scope: RunInScope, lang: str) -> None:
    sheet = _sheet(book, TOWER_SHEET, TOWER_COLUMNS, lang)
    # A run stored by the worker always has its premises; a summary without gets an empty sheet.
    premises = scope.summary.premises
    rows = (
        [
            t.tower_id,
            t.ready_month,
            t.units,
            t.bedrooms,
            t.units_used,
            share(t.units_used, t.units),
            t.persons,
        ]
        for t in (premises.towers if premises is not None else ())
    )
    _append(sheet, TOWER_COLUMNS, rows)


BUILDING_COLUMNS: Final = (
    Column(("Gedung", "Building"), 18),
    Column(("Siap pakai", "Ready"), 12),
    Column(("Meja", "Desks"), 10, Kind.INTEGER),
    Column(("Meja terpakai", "Desks used"), 16, Kind.INTEGER),
    Column(("Keterisian", "Occupancy"), 14, Kind.SHARE),
)


def _building_sheet(book: Any, scope: RunInScope, lang: str) -> None:
    sheet = _sheet(book, BUILDING_SHEET, BUILDING_COLUMNS, lang)
    premises = scope.summary.premises
    rows = (
        [
            b.building_id,
            b.ready_month,
            b.desks,
            b.desks_used,
            share(b.desks_used, b.desks),
        ]
        for b in (premises.buildings if premises is not None else ())
    )
    _append(sheet, BUILDING_COLUMNS, rows)


SUMMARY_COLUMNS: Final = (
    Column(("Butir", "Item"), 44),
    Column(("Nilai", "Value"), 40),
)


def _summary_sheet(book: Any, scope: RunInScope, tallies: Sequence[AgencyTally], lang: str) -> None:
    """Key figures, one per row; each value in the cell type its figure has."""
    sheet = _sheet(book, SUMMARY_SHEET, SUMMARY_COLUMNS, lang)
    for words, value, kind in summary_items(scope, tallies, lang):
        sheet.append([both(lang, words), _cell(sheet, kind, value)])


def summary_items(
    scope: RunInScope, tallies: Sequence[AgencyTally], lang: str
) -> list[tuple[Words, Any, Kind]]:
    summary = scope.summary
    run = scope.run
    status = summary.status.value
    items: list[tuple[Words, Any, Kind]] = [
        (
            ("Status rencana", "Plan status"),
            say(lang, PLAN_STATUS.get(status, (status, status))),
            Kind.TEXT,
        ),
        (("Nilai tujuan", "Objective"), summary.objective, Kind.DECIMAL),
        (("Batas terbukti", "Proven bound"), summary.bound, Kind.DECIMAL),
        (("Celah ke batas", "Gap to the bound"), summary.gap, Kind.GAP),
        (
            ("Pegawai pindah (seluruh rencana)", "Movers (whole plan)"),
            summary.movers,
            Kind.INTEGER,
        ),
        (
            ("Rumah tangga pindah", "Households moved"),
            summary.households_moved,
            Kind.INTEGER,
        ),
        (("Jiwa pindah", "Persons moved"), summary.persons_moved, Kind.INTEGER),
        (
            ("Total tunjangan (Rp)", "Allowance total (IDR)"),
            summary.allowance_total,
            Kind.MONEY,
        ),
        (("Anggaran tunjangan (Rp)", "Allowance budget (IDR)"), summary.budget, Kind.MONEY),
    ]
    if not scope.all_agencies:
        items += [
            (("Cakupan berkas ini: K/L", "This file covers agency"), scope.agency_id, Kind.TEXT),
            (
                ("Pegawai pindah dari K/L Anda", "Movers from your agency"),
                sum(t.movers for t in tallies),
                Kind.INTEGER,
            ),
            (
                ("Kuota K/L Anda", "Your agency's quota"),
                sum(t.quota for t in tallies),
                Kind.INTEGER,
            ),
        ]
    items += [
        (("Skenario", "Scenario"), scope.scenario_name, Kind.TEXT),
        (("Versi skenario", "Scenario version"), scope.version.number, Kind.INTEGER),
        (("Nomor proses", "Run id"), run.id, Kind.INTEGER),
        (
            ("Disetujui oleh", "Approved by"),
            run.approved_by or say(lang, ("belum disetujui", "not approved yet")),
            Kind.TEXT,
        ),
        (("Dibuat pada (UTC)", "Generated at (UTC)"), now().strftime("%Y-%m-%d %H:%M"), Kind.TEXT),
    ]
    return items
