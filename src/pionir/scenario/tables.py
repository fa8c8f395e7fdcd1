"""The nine scenario tables in one place: file names, columns in order, cell parsers.

Readers (CSV and workbook) and the validator work from these specs, and the
writers put the columns in this order, so a table's shape is described once.
A cell parser turns the cell's text into the model's value or raises
`CellError` with a sentence an HR operator understands, quoting the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Final, cast

from pionir.scenario.model import (
    EDUCATION_ORDER,
    FACILITY_KINDS,
    FUNCTIONS,
    GENDERS,
    GRADE_PATTERN,
    PERFORMANCE_SCORE,
    POSITION_TYPES,
    STATUSES,
    Agency,
    Building,
    Employee,
    Facility,
    Household,
    Month,
    Position,
    Tower,
    Unit,
    Wave,
)

# Longer values are quoted in messages only by their start, so one bad cell
# cannot flood an operator's screen.
QUOTE_LIMIT: Final = 40
# No legitimate cell comes close; anything longer is a pasted blob or a broken export.
MAX_CELL_CHARS: Final = 10_000


def quoted(value: str) -> str:
    """The value in single quotes, cut to QUOTE_LIMIT characters, line breaks shown as \\n."""
    value = value[: QUOTE_LIMIT * 2].replace("\r", "\\r").replace("\n", "\\n")
    if len(value) > QUOTE_LIMIT:
        value = value[: QUOTE_LIMIT - 3] + "..."
    return f"'{value}'"


class CellError(ValueError):
    """A cell that does not hold what its column expects; messages in both languages."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


class Kind(Enum):
    """What a column holds; workbook readers use it to turn typed cells into text."""

    ID = "id"
    TEXT = "text"
    NIP = "nip"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    MONTH = "month"
    BOOLEAN = "boolean"
    CHOICE = "choice"


CellParser = Callable[[str], object]


@dataclass(frozen=True, slots=True)
class Column:
    """One required column: its name, what it holds and how its text is read."""

    name: str
    kind: Kind
    parse: CellParser
    refers_to: str | None = None  # the table whose id this column names

    @property
    def is_text_like(self) -> bool:
        """Ids, NIPs and names: a workbook must keep them as text cells."""
        return self.kind in (Kind.ID, Kind.TEXT, Kind.NIP)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A scenario table: its name (= workbook sheet), file, columns and model type."""

    name: str
    columns: tuple[Column, ...]
    model: type

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def id_column(self) -> str:
        """The first column is each table's id."""
        return self.columns[0].name

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _invalid(text: str, expected: tuple[str, str], hint: tuple[str, str] = ("", "")) -> CellError:
    expected_id, expected_en = expected
    if not text:
        return CellError(
            f"Sel kosong; harus diisi {expected_id}.", f"The cell is empty; expected {expected_en}."
        )
    hint_id, hint_en = hint
    return CellError(
        f"Nilai {quoted(text)} tidak sah; seharusnya {expected_id}.{hint_id}",
        f"The value {quoted(text)} is not valid; expected {expected_en}.{hint_en}",
    )


def identifier(text: str) -> str:
    """A non-empty id."""
    if not text:
        raise _invalid(text, ("sebuah kode (id)", "an id"))
    return text


def free_text(text: str) -> str:
    """Names and titles: anything, even empty."""
    return text


def nip(text: str) -> str:
    """18 digits; the parts (birth date, appointment month, gender) are row rules."""
    if len(text) != 18 or not (text.isascii() and text.isdigit()):
        raise _invalid(text, ("NIP 18 digit angka", "an 18-digit NIP"))
    return text


_INTEGER = re.compile(r"[+-]?\d+(?:\.0*)?")
_EXCEL_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


def _range_words(low: float, high: float | None) -> tuple[str, str]:
    if high is None:
        return f"paling sedikit {_plain(low)}", f"at least {_plain(low)}"
    return f"{_plain(low)} sampai {_plain(high)}", f"from {_plain(low)} to {_plain(high)}"


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(number)


def integer(low: int, high: int | None = None) -> CellParser:
    """A whole number in [low, high]; `3.0` is read as 3 since spreadsheets write it so."""
    range_id, range_en = _range_words(low, high)
    expected = (f"bilangan bulat {range_id}", f"a whole number {range_en}")

    def parse(text: str) -> int:
        if not (text.isascii() and _INTEGER.fullmatch(text)):
            raise _invalid(text, expected)
        value = int(text.split(".", 1)[0])
        if value < low or (high is not None and value > high):
            raise _invalid(text, expected)
        return value

    return parse


def number(low: float, high: float | None = None) -> CellParser:
    """A finite decimal number in [low, high], with a point as the decimal mark."""
    range_id, range_en = _range_words(low, high)
    expected = (f"angka {range_id}", f"a number {range_en}")
    comma_hint = (
        " Gunakan titik sebagai tanda desimal (3.5, bukan 3,5).",
        " Use a point as the decimal mark (3.5, not 3,5).",
    )

    def parse(text: str) -> float:
        try:
            # Python's float() also takes "1_0", "nan" and "inf"; none is a value here.
            value = float(text) if text.isascii() and "_" not in text else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            hint = comma_hint if "," in text else ("", "")
            raise _invalid(text, expected, hint)
        if value < low or (high is not None and value > high):
            raise _invalid(text, expected)
        return value

    return parse


def choice(options: tuple[str, ...]) -> CellParser:
    """One of a fixed set of words, spelled exactly."""
    listed = ", ".join(f"'{option}'" for option in options)
    expected = (f"salah satu dari {listed}", f"one of {listed}")
    allowed = frozenset(options)

    def parse(text: str) -> str:
        if text not in allowed:
            raise _invalid(text, expected)
        return text

    return parse


def grade(text: str) -> str:
    """A civil-service grade (golongan/ruang), `I/a` to `IV/e`."""
    if not GRADE_PATTERN.match(text):
        raise _invalid(text, ("golongan seperti 'III/b' (I/a sampai IV/e)", "a grade like 'III/b'"))
    return text


def boolean(text: str) -> bool:
    """`true` or `false`; spreadsheets write TRUE/FALSE, so case does not matter."""
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise _invalid(text, ("'true' atau 'false'", "'true' or 'false'"))


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SERIAL_HINT: Final = (
    " Tampaknya ini nomor tanggal Excel; format kolom sebagai Teks berisi YYYY-MM-DD.",
    " This looks like an Excel date number; format the column as Text holding YYYY-MM-DD.",
)


def iso_date(text: str) -> date:
    """A real calendar date written `YYYY-MM-DD`."""
    expected = ("tanggal berbentuk YYYY-MM-DD", "a date written YYYY-MM-DD")
    match = _DATE.fullmatch(text)
    if not match:
        hint = _SERIAL_HINT if _EXCEL_SERIAL.fullmatch(text) else ("", "")
        raise _invalid(text, expected, hint)
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError(
            f"Tanggal {quoted(text)} tidak ada di kalender.",
            f"The date {quoted(text)} does not exist in the calendar.",
        ) from None


_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month(text: str) -> Month:
    """A calendar month written `YYYY-MM`."""
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match[2]) <= 12:
        hint = _SERIAL_HINT if _EXCEL_SERIAL.fullmatch(text) else ("", "")
        raise _invalid(text, ("bulan berbentuk YYYY-MM", "a month written YYYY-MM"), hint)
    return Month(int(match[1]), int(match[2]))


def _id(name: str, refers_to: str | None = None) -> Column:
    return Column(name, Kind.ID, identifier, refers_to)


def _text(name: str) -> Column:
    return Column(name, Kind.TEXT, free_text)


def _int(name: str, low: int, high: int | None = None) -> Column:
    return Column(name, Kind.INTEGER, integer(low, high))


def _number(name: str, low: float, high: float | None = None) -> Column:
    return Column(name, Kind.NUMBER, number(low, high))


def _choice(name: str, options: tuple[str, ...]) -> Column:
    return Column(name, Kind.CHOICE, choice(options))


def _month(name: str) -> Column:
    return Column(name, Kind.MONTH, month)


def _boolean(name: str) -> Column:
    return Column(name, Kind.BOOLEAN, boolean)


AGENCIES: Final = TableSpec(
    "agencies",
    (_id("agency_id"), _text("name"), _number("spbe_index", 0, 5)),
    Agency,
)
UNITS: Final = TableSpec(
    "units",
    (
        _id("unit_id"),
        _id("agency_id", refers_to="agencies"),
        _text("name"),
        _choice("function", FUNCTIONS),
        _boolean("miniature"),
        _number("digital_readiness", 0, 5),
        _int("quota", 0),
    ),
    Unit,
)
POSITIONS: Final = TableSpec(
    "positions",
    (
        _id("position_id"),
        _id("unit_id", refers_to="units"),
        _text("title"),
        _choice("position_type", POSITION_TYPES),
        _int("required_general", 1, 5),
        _int("required_technical", 1, 5),
    ),
    Position,
)
EMPLOYEES: Final = TableSpec(
    "employees",
    (
        Column("nip", Kind.NIP, nip),
        _text("name"),
        _id("position_id", refers_to="positions"),
        Column("grade", Kind.CHOICE, grade),
        Column("birth_date", Kind.DATE, iso_date),
        _choice("gender", GENDERS),
        _choice("education", EDUCATION_ORDER),
        _id("household_id", refers_to="households"),
        _int("general", 1, 5),
        _int("technical", 1, 5),
        _number("digital_literacy", 0, 100),
        _number("multitasking", 0, 100),
        _number("ikn_principles", 0, 100),
        _number("berakhlak", 0, 100),
        _choice("performance", tuple(PERFORMANCE_SCORE)),
        _choice("status", STATUSES),
    ),
    Employee,
)
HOUSEHOLDS: Final = TableSpec(
    "households",
    (
        _id("household_id"),
        _int("members", 1),
        _int("school_age_children", 0),
        _boolean("needs_health"),
    ),
    Household,
)
TOWERS: Final = TableSpec(
    "towers",
    (_id("tower_id"), _month("ready_month"), _int("units", 1), _int("bedrooms", 1)),
    Tower,
)
BUILDINGS: Final = TableSpec(
    "buildings",
    (_id("building_id"), _month("ready_month"), _int("desks", 0)),
    Building,
)
FACILITIES: Final = TableSpec(
    "facilities",
    (
        _id("facility_id"),
        _choice("kind", FACILITY_KINDS),
        _month("ready_month"),
        _int("capacity", 0),
    ),
    Facility,
)
WAVES: Final = TableSpec(
    "waves",
    (_id("wave_id"), _month("month"), _int("seats", 0)),
    Wave,
)

# In the order of the planning model (section 1).
TABLES: Final[tuple[TableSpec, ...]] = (
    AGENCIES,
    UNITS,
    POSITIONS,
    EMPLOYEES,
    HOUSEHOLDS,
    TOWERS,
    BUILDINGS,
    FACILITIES,
    WAVES,
)
TABLES_BY_NAME: Final = {spec.name: spec for spec in TABLES}


def format_cell(value: object) -> str:
    """The canonical text of a model value, as the writers put it in a file.

    Booleans `true`/`false`, ints as ints, floats in shortest round-trip form
    without a trailing `.0`, dates and months ISO.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# Exactly these types (`type(True)` is bool, not int), whose `str` is their canonical text.
_PLAIN_TYPES: Final = frozenset((str, int))


def format_column(values: Sequence[object]) -> list[str]:
    """`format_cell` of every value of a column, at C speed where the column allows it.

    A column of plain texts and ints (most of them: ids, names, counts) formats as `str`
    does, so it is mapped in one call; any other column goes value by value. Writing an
    archive and re-checking an edit format some 700,000 cells at demo scale 1.
    """
    types = set(map(type, values))
    if types <= _PLAIN_TYPES:
        return list(map(str, values))
    # The same texts as `format_cell`, without a call per cell.
    if types == {float}:
        floats = cast(Sequence[float], values)
        return [str(int(v)) if v.is_integer() else repr(v) for v in floats]
    if types == {bool}:
        return ["true" if v else "false" for v in values]
    if types == {date}:
        return list(map(date.isoformat, cast(Sequence[date], values)))
    return list(map(format_cell, values))


def normalise_header(name: str) -> str:
    """Header names are compared without surrounding spaces and case (`NIP` = `nip`)."""
    return name.strip().lower()
