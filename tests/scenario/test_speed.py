"""A guard against slow validation: it must stay linear and light per row."""

from __future__ import annotations

import time

from pionir.scenario.csv_io import read_csv_table
from pionir.scenario.model import Policy
from pionir.scenario.tables import TABLES
from pionir.scenario.validate import RawTable, validate_tables
from tests.scenario.helpers import TINY

COUNT = 30_000


def _employees(count: int) -> RawTable:
    columns: dict[str, list[str]] = {name: [] for name in TABLES[3].column_names}
    for i in range(count):
        year, month, day = 1960 + i % 40, 1 + i % 12, 1 + i % 28
        gender = "LP"[i % 2]
        sequence = i // 840  # (year, month, day, gender) repeats every 840 rows
        nip = f"{year}{month:02d}{day:02d}201001{'12'[i % 2]}{sequence:03d}"
        row = [nip, f"Pegawai {i}", f"P{1 + i % 4}", "III/a", f"{year}-{month:02d}-{day:02d}"]
        row += [gender, "S1", f"H{i}", "3", "3", "70.5", "65", "80", "90", "baik", "available"]
        for name, cell in zip(columns, row, strict=True):
            columns[name].append(cell)
    header = tuple(columns)
    return RawTable("employees.csv", header, list(range(1, count + 1)), columns)


def _households(count: int) -> RawTable:
    columns = {
        "household_id": [f"H{i}" for i in range(count)],
        "members": ["2"] * count,
        "school_age_children": ["1"] * count,
        "needs_health": ["false"] * count,
    }
    return RawTable("households.csv", tuple(columns), list(range(1, count + 1)), columns)


def test_many_employees_validate_quickly() -> None:
    tables: dict[str, RawTable] = {}
    for spec in TABLES:
        table, issues = read_csv_table(TINY / spec.file_name, spec)
        assert table is not None and not issues
        tables[spec.name] = table
    tables["employees"], tables["households"] = _employees(COUNT), _households(COUNT)
    steps: list[tuple[str, int, int]] = []
    started = time.perf_counter()
    validation = validate_tables(tables, Policy(), progress=lambda *step: steps.append(step))
    elapsed = time.perf_counter() - started
    assert validation.issues == ()
    assert validation.scenario is not None
    assert len(validation.scenario.employees) == COUNT
    # Large tables tell their progress a column at a time; small ones stay quiet.
    assert [step for step in steps if step[0] == "validate employees"][-1] == (
        "validate employees",
        16,
        16,
    )
    assert {step[0] for step in steps} == {"validate employees", "validate households"}
    # About 0.5 s on a slow machine; the bound only catches a quadratic slip.
    assert elapsed < 5
