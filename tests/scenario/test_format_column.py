"""A column formatted at once reads exactly as its cells formatted one by one."""

from __future__ import annotations

from datetime import date

import pytest

from pionir.scenario.model import Month
from pionir.scenario.tables import format_cell, format_column


@pytest.mark.parametrize(
    "values",
    [
        ["A-01", "Nama Pegawai", ""],
        [0, 7, -3, 10**18],
        [True, False, True],
        [1.0, 2.5, 0.1, -0.0, 1e16, 1e-7, 3.0000000000000004],
        [date(1970, 1, 1), date(2024, 2, 29)],
        [Month.parse("2025-01"), Month.parse("2026-12")],
        # Mixed columns do not occur in a scenario, but must still format cell by cell.
        [1, True, 2.0, "x"],
        [],
    ],
)
def test_a_column_formats_as_its_cells_do(values: list[object]) -> None:
    assert format_column(values) == [format_cell(v) for v in values]
