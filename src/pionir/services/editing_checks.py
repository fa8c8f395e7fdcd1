"""What an edit must pass, and what it changed.

An edited scenario goes through the same checks as an imported one: the policy
through the core's policy reader (and back through the TOML text that is
stored), the tables through the core's whole-scenario validation. The changes
are worked out field by field and row by row, for the audit trail.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pionir.scenario.csv_io import POLICY_FILE
from pionir.scenario.errors import ScenarioIssue, ScenarioRefused
from pionir.scenario.model import Policy, Scenario
from pionir.scenario.policy_io import parse_policy, policy_items, policy_to_toml
from pionir.scenario.tables import TABLES, TABLES_BY_NAME, format_cell, format_column
from pionir.scenario.validate import RawTable, validate_tables
from pionir.services.errors import InputRefused

CAPACITY_TABLES: Final = ("towers", "buildings", "facilities", "waves")

TableRows = Sequence[tuple[int, Mapping[str, str]]]
"""A table as edited: (row number as the editor shows it, text cells by column)."""


def checked_policy(raw: Mapping[str, Any]) -> Policy:
    """The policy `raw` describes, as it will read back from the stored policy.toml."""
    try:
        policy = parse_policy(raw, POLICY_FILE)
        # Every later reader gets the TOML text, so what it reads is what is checked.
        return parse_policy(tomllib.loads(policy_to_toml(policy)), POLICY_FILE)
    except ScenarioRefused as refused:
        raise _refused("Kebijakan", "The policy", refused.issues) from None


def edited_tables(scenario: Scenario, replaced: Mapping[str, TableRows]) -> dict[str, RawTable]:
    """The scenario's nine tables as text cells, with the edited ones in their place."""
    tables = {spec.name: _table_cells(scenario, spec.name) for spec in TABLES}
    for name, rows in replaced.items():
        spec = TABLES_BY_NAME[name]
        tables[name] = RawTable.from_rows(spec.file_name, spec.column_names, rows)
    return tables


def _table_cells(scenario: Scenario, name: str) -> RawTable:
    spec = TABLES_BY_NAME[name]
    records = getattr(scenario, name)
    columns = {
        column: format_column([getattr(record, column) for record in records])
        for column in spec.column_names
    }
    return RawTable(spec.file_name, spec.column_names, range(1, len(records) + 1), columns)


def checked_scenario(tables: Mapping[str, RawTable], policy: Policy) -> Scenario:
    """The whole scenario through the core's validation; InputRefused lists every problem."""
    validation = validate_tables(tables, policy)
    if validation.issues or validation.scenario is None:
        raise _refused("Skenario", "The scenario", validation.issues)
    return validation.scenario


def _refused(what_id: str, what_en: str, issues: Sequence[ScenarioIssue]) -> InputRefused:
    return InputRefused(
        f"{what_id} ditolak: {len(issues)} masalah. Tidak ada yang disimpan.",
        f"{what_en} was refused: {len(issues)} problems. Nothing was saved.",
        issues,
    )


def unchanged() -> InputRefused:
    """Saving what is already there would only add a version identical to the last."""
    return InputRefused(
        "Tidak ada perubahan; tidak ada versi baru yang dibuat.",
        "Nothing was changed; no new version was made.",
        [],
    )


def policy_changes(old: Policy, new: Policy) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of the policy fields that differ, by dotted key."""
    before, after = dict(policy_items(old)), dict(policy_items(new))
    changed = [
        key
        for key in dict.fromkeys([*before, *after])
        if key not in before or key not in after or before[key] != after[key]
    ]
    return (
        {key: before[key] for key in changed if key in before},
        {key: after[key] for key in changed if key in after},
    )


def capacity_changes(old: Scenario, new: Scenario) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of the capacity rows that differ, by table and id.

    A row only in `before` was removed, one only in `after` was added.
    """
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in CAPACITY_TABLES:
        old_rows, new_rows = _rows_by_id(old, name), _rows_by_id(new, name)
        changed = [
            row_id
            for row_id in dict.fromkeys([*old_rows, *new_rows])
            if old_rows.get(row_id) != new_rows.get(row_id)
        ]
        if removed_or_changed := {i: old_rows[i] for i in changed if i in old_rows}:
            before[name] = removed_or_changed
        if added_or_changed := {i: new_rows[i] for i in changed if i in new_rows}:
            after[name] = added_or_changed
    return before, after


def _rows_by_id(scenario: Scenario, name: str) -> dict[str, dict[str, Any]]:
    """Each row's cells but its id, as JSON values (months as `YYYY-MM`)."""
    spec = TABLES_BY_NAME[name]
    id_column, *columns = spec.column_names
    return {
        getattr(record, id_column): {
            column: _json_value(getattr(record, column)) for column in columns
        }
        for record in getattr(scenario, name)
    }


def _json_value(value: object) -> Any:
    return value if isinstance(value, int | float | str | bool) else format_cell(value)
