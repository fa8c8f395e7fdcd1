"""The policy and capacity forms: the texts a planner sees and types, to and from the core.

A form keeps the user's texts as typed, so a refused form comes back exactly as
it was sent. Turning it into the policy.toml layout only makes numbers of what
reads as numbers; everything else goes to the core as typed, whose own checks
then name the field (this module judges nothing).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from starlette.datastructures import FormData

from pionir.scenario.model import (
    PERFORMANCE_SCORE,
    POSITION_TYPES,
    PRIORITY_CRITERIA,
    Policy,
)
from pionir.scenario.policy_io import policy_items
from pionir.scenario.tables import TABLES_BY_NAME, format_cell
from pionir.services.editing_checks import CAPACITY_TABLES, TableRows
from pionir.services.pairwise import judgement, judgement_text
from pionir.services.version_tables import VersionCapacity

THRESHOLDS: Final = tuple(
    f"screening.{name}"
    for name in ("min_digital_literacy", "min_multitasking", "min_ikn_principles", "min_berakhlak")
)
RETIREMENT_AGES: Final = tuple(
    f"screening.retirement_age.{name}" for name in (*POSITION_TYPES, "default")
)
MERIT_WEIGHTS: Final = tuple(
    f"merit.weights.{name}"
    for name in (
        "general",
        "technical",
        "digital_literacy",
        "multitasking",
        "ikn_principles",
        "berakhlak",
        "performance",
    )
)
PRIORITY_WEIGHTS: Final = tuple(f"priority.weights.{name}" for name in PRIORITY_CRITERIA)
FUNCTION_SCORES: Final = tuple(
    f"priority.function_score.{name}" for name in ("core", "policy", "service", "support")
)
MONTHLY: Final = tuple(f"allowance.monthly.{group}" for group in ("I", "II", "III", "IV"))
NUMBERS: Final = (
    *THRESHOLDS,
    "screening.retire_buffer_months",
    *MERIT_WEIGHTS,
    *PRIORITY_WEIGHTS,
    *FUNCTION_SCORES,
    "planning.desk_ratio",
    "planning.miniature_min",
    "planning.earliness",
    *MONTHLY,
    "allowance.budget",
)
TEXTS: Final = ("screening.min_education", "allowance.end_month")
PERFORMANCE_OK: Final = "screening.performance_ok"
SINGLES_SHARE: Final = "planning.singles_share"
MODE: Final = "priority.mode"
PAIRWISE: Final = "priority.pairwise"


def pairwise_field(i: int, j: int) -> str:
    """The form name of the judgement of criterion i over criterion j (i < j)."""
    return f"{PAIRWISE}.{i}.{j}"


def _typed(text: str) -> int | float | str:
    """A number when the text reads as one; else the text, which the core refuses by name."""
    cleaned = text.strip()
    if not cleaned.isascii():
        return cleaned
    for kind in (int, float):
        try:
            return kind(cleaned)
        except ValueError:
            continue
    return cleaned


def _put(raw: dict[str, Any], dotted: str, value: object) -> None:
    *tables, name = dotted.split(".")
    for table in tables:
        raw = raw.setdefault(table, {})
    raw[name] = value


def _texts(form: FormData, name: str) -> list[str]:
    return [value for value in form.getlist(name) if isinstance(value, str)]


def _text(form: FormData, name: str) -> str:
    texts = _texts(form, name)
    return texts[0] if texts else ""


@dataclass(slots=True)
class PolicyForm:
    """Every policy field as the text in its input; the matrix by its upper triangle."""

    values: dict[str, str]
    performance_ok: tuple[str, ...]
    singles_share: bool
    mode: str  # "weights" or "pairwise": which one sets the unit priority weights
    judgements: dict[tuple[int, int], str]

    @classmethod
    def from_policy(cls, policy: Policy) -> PolicyForm:
        items = dict(policy_items(policy))
        values = {
            key: format_cell(items[key])
            for key in (*NUMBERS, *TEXTS, *RETIREMENT_AGES)
            if key in items
        }
        pairwise = policy.priority.pairwise
        size = len(PRIORITY_CRITERIA)
        return cls(
            values=values,
            performance_ok=policy.screening.performance_ok,
            singles_share=policy.planning.singles_share,
            mode="weights" if pairwise is None else "pairwise",
            judgements={
                (i, j): judgement_text(pairwise[i][j]) if pairwise else "1"
                for i in range(size)
                for j in range(i + 1, size)
            },
        )

    @classmethod
    def from_form(cls, form: FormData) -> PolicyForm:
        size = len(PRIORITY_CRITERIA)
        return cls(
            values={key: _text(form, key) for key in (*NUMBERS, *TEXTS, *RETIREMENT_AGES)},
            performance_ok=tuple(_texts(form, PERFORMANCE_OK)),
            singles_share=bool(_text(form, SINGLES_SHARE)),
            mode="pairwise" if _text(form, MODE) == "pairwise" else "weights",
            judgements=judgements_from_form(form, size),
        )

    def value(self, key: str) -> str:
        """The text of a field; empty for a retirement age the policy does not list."""
        return self.values.get(key, "")

    def to_raw(self) -> dict[str, Any]:
        """The policy.toml layout of the form, for the core's policy reader."""
        raw: dict[str, Any] = {}
        for key in NUMBERS:
            _put(raw, key, _typed(self.value(key)))
        for key in TEXTS:
            _put(raw, key, self.value(key))
        for key in RETIREMENT_AGES:
            # An empty age means "as `default`", except for `default` itself.
            if self.value(key).strip() or key.endswith(".default"):
                _put(raw, key, _typed(self.value(key)))
        # Ratings in the order of the scale, so the same choice always reads the same.
        _put(raw, PERFORMANCE_OK, [r for r in PERFORMANCE_SCORE if r in self.performance_ok])
        _put(raw, SINGLES_SHARE, self.singles_share)
        if self.mode == "pairwise":
            _put(raw, PAIRWISE, raw_matrix(self.judgements, len(PRIORITY_CRITERIA)))
        return raw


def judgements_from_form(form: FormData, size: int) -> dict[tuple[int, int], str]:
    return {
        (i, j): _text(form, pairwise_field(i, j)) for i in range(size) for j in range(i + 1, size)
    }


def raw_matrix(judgements: Mapping[tuple[int, int], str], size: int) -> list[list[object]]:
    """The full reciprocal matrix: the upper triangle as typed, its mirror computed.

    A cell that is no judgement goes to the core as typed (which names it), its
    mirror as 1 so that only the cell typed is complained about.
    """
    matrix: list[list[object]] = [[1.0] * size for _ in range(size)]
    for (i, j), text in judgements.items():
        value = judgement(text)
        matrix[i][j] = text if value is None else value
        matrix[j][i] = 1.0 if value is None else 1 / value
    return matrix


# --- capacity -------------------------------------------------------------------------


@dataclass(slots=True)
class CapacityRow:
    """A row of an editable table; `key` ties its "remove" box to it."""

    key: str
    cells: dict[str, str]
    removed: bool = False
    number: int = 0  # as shown in the form and named in problems; 0 for a blank row


@dataclass(slots=True)
class CapacityForm:
    """The four capacity tables as their text cells, by table name."""

    tables: dict[str, list[CapacityRow]] = field(default_factory=dict)

    @classmethod
    def from_capacity(cls, capacity: VersionCapacity) -> CapacityForm:
        form = cls()
        for name in CAPACITY_TABLES:
            columns = TABLES_BY_NAME[name].column_names
            form.tables[name] = [
                CapacityRow(
                    f"r{n}", {c: format_cell(getattr(record, c)) for c in columns}, number=n
                )
                for n, record in enumerate(getattr(capacity, name), 1)
            ]
        return form

    @classmethod
    def from_form(cls, form: FormData) -> CapacityForm:
        """The rows sent; wholly blank rows (spare ones left empty) are dropped."""
        result = cls()
        for name in CAPACITY_TABLES:
            columns = TABLES_BY_NAME[name].column_names
            keys = _texts(form, f"{name}.key")
            cells = {c: _texts(form, f"{name}.{c}") for c in columns}
            removed = set(_texts(form, f"{name}.remove"))
            rows = [
                CapacityRow(key, {c: _at(cells[c], n) for c in columns}, key in removed)
                for n, key in enumerate(keys)
            ]
            kept = [row for row in rows if any(text.strip() for text in row.cells.values())]
            for number, row in enumerate(kept, 1):
                row.number = number
            result.tables[name] = kept
        return result

    def to_rows(self) -> dict[str, TableRows]:
        """The rows to keep, numbered as shown, for the core's validation."""
        return {
            name: [(row.number, row.cells) for row in rows if not row.removed]
            for name, rows in self.tables.items()
        }


def _at(texts: list[str], index: int) -> str:
    # A browser sends every input of every row; a shorter list is a hand-made request.
    return texts[index] if index < len(texts) else ""


def blank_row(name: str) -> CapacityRow:
    """A spare row to fill in; its key is fresh so several can be added."""
    columns = TABLES_BY_NAME[name].column_names
    return CapacityRow(f"n{secrets.token_hex(4)}", dict.fromkeys(columns, ""))
