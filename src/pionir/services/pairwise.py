"""AHP judgements as people type them ("3", "1/3", 0.5) and the matrix they make.

The weights, λmax and consistency ratio come from the core (`priority.ahp`); this
module only reads the judgements and refuses a matrix the core cannot weigh,
naming each bad cell, so the same answer reaches the live form and the API.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Final

from pionir.priority.ahp import AhpResult, ahp_weights
from pionir.scenario.errors import ScenarioIssue
from pionir.scenario.policy_io import RECIPROCAL_TOLERANCE
from pionir.scenario.tables import format_cell, quoted
from pionir.services.errors import InputRefused

MATRIX: Final = "matrix"
# Saaty's random index is tabulated to 8; beyond 15 criteria pairwise judging is unworkable.
MAX_CRITERIA: Final = 15


def judgement(value: object) -> float | None:
    """A positive number, or text like "3", "1/3" or "0.5"; None when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and value.strip().isascii():
        try:
            number = float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            return None
    else:
        return None
    return number if math.isfinite(number) and number > 0 else None


def judgement_text(value: float) -> str:
    """How a judgement reads on the Saaty scale: 3, 1/3, or 2.5 when it is neither."""
    if 0 < value < 1 and abs(1 / value - round(1 / value)) < 1e-9:
        return f"1/{round(1 / value)}"
    return format_cell(round(value, 6))


def reciprocal_text(text: str) -> str:
    """The mirrored cell of a judgement: "1/3" for "3"; "?" while the text is no judgement."""
    value = judgement(text)
    return "?" if value is None else judgement_text(1 / value)


def pairwise_result(matrix: Sequence[Sequence[object]]) -> AhpResult:
    """The core's AHP weights of a square, positive, reciprocal matrix.

    Raises InputRefused naming every bad cell (row and column count from 1).
    """
    values = _judgements(matrix)
    _check_reciprocal(values)
    return ahp_weights(values)


def _judgements(matrix: Sequence[Sequence[object]]) -> list[list[float]]:
    size = len(matrix)
    if not 1 <= size <= MAX_CRITERIA or any(len(row) != size for row in matrix):
        raise _refused(
            [
                ScenarioIssue(
                    MATRIX,
                    0,
                    "",
                    f"Matriks harus persegi n x n dengan n antara 1 dan {MAX_CRITERIA}.",
                    f"The matrix must be square, n x n with n between 1 and {MAX_CRITERIA}.",
                )
            ]
        )
    issues: list[ScenarioIssue] = []
    values: list[list[float]] = []
    for i, row in enumerate(matrix, 1):
        values.append([])
        for j, cell in enumerate(row, 1):
            value = judgement(cell)
            if value is None:
                issues.append(_not_a_judgement(i, j, cell))
            values[-1].append(value or 1.0)
    if issues:
        raise _refused(issues)
    return values


def _not_a_judgement(i: int, j: int, cell: object) -> ScenarioIssue:
    if isinstance(cell, str) and not cell.strip():
        return ScenarioIssue(
            MATRIX,
            i,
            str(j),
            f"Baris {i}, kolom {j} kosong; isi dengan angka positif atau pecahan seperti 1/3.",
            f"Row {i}, column {j} is empty; enter a positive number or a fraction like 1/3.",
        )
    shown = quoted(cell if isinstance(cell, str) else repr(cell))
    return ScenarioIssue(
        MATRIX,
        i,
        str(j),
        f"Baris {i}, kolom {j}: {shown} bukan angka positif atau pecahan seperti 1/3.",
        f"Row {i}, column {j}: {shown} is not a positive number or a fraction like 1/3.",
    )


def _check_reciprocal(values: list[list[float]]) -> None:
    """Each judgement is said once: a[j][i] = 1 / a[i][j], and the diagonal is 1."""
    issues = [
        _not_reciprocal(i, j, 1 / values[i][j] if i != j else 1.0)
        for i in range(len(values))
        for j in range(i, len(values))
        if abs(values[i][j] * values[j][i] - 1) > RECIPROCAL_TOLERANCE
    ]
    if issues:
        raise _refused(issues)


def _not_reciprocal(i: int, j: int, expected: float) -> ScenarioIssue:
    """The mirrored cell (row j, column i) names the value that would make it reciprocal."""
    wanted = judgement_text(expected)
    return ScenarioIssue(
        MATRIX,
        j + 1,
        str(i + 1),
        f"Nilai baris {j + 1} kolom {i + 1} harus {wanted}, kebalikan dari baris {i + 1} "
        f"kolom {j + 1} (diagonal selalu 1).",
        f"Row {j + 1} column {i + 1} must be {wanted}, the inverse of row {i + 1} "
        f"column {j + 1} (the diagonal is always 1).",
    )


def _refused(issues: list[ScenarioIssue]) -> InputRefused:
    return InputRefused(
        "Matriks perbandingan berpasangan tidak dapat dihitung.",
        "The pairwise comparison matrix cannot be weighed.",
        issues,
    )
