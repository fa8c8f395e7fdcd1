"""The shape of a summary.json: its keys in order and the JSON type of every value.

`tests/fixtures/summaries/` holds summaries written by the code before `PlanSummary`
existed (a command-line run of the tiny scenario, of a tight profile with bottlenecks, of
an infeasible one, and a web job's stored summary of the tiny scenario); a summary written
now must have the same shape as the one of its kind there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SUMMARIES = Path(__file__).parent / "fixtures" / "summaries"
# Objects whose keys are data (wave ids, capacity codes), not field names.
KEYED_BY_DATA = {"by_wave", "binding", "binding.*"}


def fixture_text(name: str) -> str:
    return (SUMMARIES / name).read_text(encoding="utf-8")


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(fixture_text(name))
    return loaded


def shape(value: Any, path: str = "") -> Any:
    """Keys and JSON types, recursively; a list's shape is the set of its items' shapes,
    an object keyed by data the set of its values' shapes."""
    if isinstance(value, dict):
        if path in KEYED_BY_DATA:
            return ("map", frozenset(shape(v, f"{path}.*") for v in value.values()))
        return tuple((k, shape(v, f"{path}.{k}".lstrip("."))) for k, v in value.items())
    if isinstance(value, list):
        return ("list", frozenset(shape(v, f"{path}[]") for v in value))
    if value is None:
        return "null"
    return type(value).__name__  # bool, int, float, str


def json_text(data: dict[str, Any]) -> str:
    """As summary.json is written."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
