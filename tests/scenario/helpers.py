"""Helpers for the scenario tests: a copy of the tiny fixture and ways to break it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from pionir.scenario.errors import ScenarioIssue, ScenarioRefused
from pionir.scenario.load import load_scenario

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "scenario_tiny"


def copy_tiny(target: Path) -> Path:
    """A fresh copy of the tiny valid scenario folder at `target`."""
    shutil.copytree(TINY, target)
    return target


def refusal(path: Path) -> list[ScenarioIssue]:
    """The issues of a scenario that must be refused."""
    with pytest.raises(ScenarioRefused) as caught:
        load_scenario(path)
    return list(caught.value.issues)


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Overwrite one cell; row 1 is the first data row."""
    rows = read_rows(folder / file)
    rows[row][rows[0].index(column)] = value
    write_rows(folder / file, rows)


def only_issue(issues: list[ScenarioIssue]) -> ScenarioIssue:
    assert len(issues) == 1, "\n".join(str(issue) for issue in issues)
    return issues[0]


def issue_at(issues: list[ScenarioIssue], file: str, row: int, column: str) -> ScenarioIssue:
    """The single issue at file/row/column (fails listing all issues otherwise)."""
    found = [i for i in issues if (i.file, i.row, i.column) == (file, row, column)]
    assert len(found) == 1, "\n".join(str(issue) for issue in issues)
    return found[0]
