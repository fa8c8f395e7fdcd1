"""Scenario editing: a changed policy or capacity table becomes the scenario's next version.

The version edited is never touched, and neither are the runs planned from it: a
plan keeps the version it was made from. An edit passes the core's own checks
(see `editing_checks`) before anything is written, so an edited version is
exactly as valid as an imported one, and only planners may make one.

An edit forks from the version it was made on. Made on an old version, it would leave
out every change of the versions after it without anyone noticing; so it is refused
with 409 unless the planner confirms (`base_on_old`) that this is what they want.

Both the pages and the edits read the version from its rows (`version_tables`), not
from its archive: a look re-validates nothing, and an edit validates once, the
scenario it is about to store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pionir.db.tables import ScenarioVersion
from pionir.priority.ahp import AhpResult
from pionir.scenario.csv_io import POLICY_FILE
from pionir.scenario.errors import ScenarioIssue
from pionir.scenario.model import Policy, Scenario
from pionir.scenario.tables import TABLES_BY_NAME
from pionir.services import audit
from pionir.services.actor import Actor, require_overview, require_planner
from pionir.services.editing_checks import (
    CAPACITY_TABLES,
    TableRows,
    capacity_changes,
    checked_policy,
    checked_scenario,
    edited_tables,
    policy_changes,
    unchanged,
)
from pionir.services.errors import Conflict, InputRefused
from pionir.services.pairwise import pairwise_result
from pionir.services.scenarios import get_version, store_version
from pionir.services.version_tables import (
    BaseRows,
    VersionCapacity,
    read_capacity,
    read_scenario,
    stored_policy,
)


@dataclass(frozen=True, slots=True)
class Edited:
    """The new version, the one it was made from, and the changes as audited."""

    version: ScenarioVersion
    based_on: ScenarioVersion
    before: dict[str, Any]
    after: dict[str, Any]


def newer_version(db: Session, version: ScenarioVersion) -> ScenarioVersion | None:
    """The scenario's newest version when it is not `version`; None when it is."""
    newest = db.scalar(
        select(ScenarioVersion)
        .where(
            ScenarioVersion.scenario_id == version.scenario_id,
            ScenarioVersion.number
            == select(func.max(ScenarioVersion.number))
            .where(ScenarioVersion.scenario_id == version.scenario_id)
            .scalar_subquery(),
        )
        .limit(1)
    )
    return newest if newest is not None and newest.number > version.number else None


def _refuse_an_unconfirmed_fork(db: Session, base: ScenarioVersion, base_on_old: bool) -> None:
    newest = newer_version(db, base)
    if newest is None or base_on_old:
        return
    raise Conflict(
        f"Versi {newest.number} lebih baru dari versi {base.number} yang Anda ubah: "
        f"versi baru dari perubahan ini tidak akan memuat perubahan versi {newest.number}. "
        f'Ubah versi {newest.number}, atau centang "Tetap ubah dari versi '
        f'{base.number}" bila memang itu yang dimaksud.',
        f"Version {newest.number} is newer than version {base.number}, which you edited: "
        f"the new version from this edit would not contain the changes of version "
        f'{newest.number}. Edit version {newest.number}, or tick "Edit anyway from '
        f'version {base.number}" if that is what you mean.',
    )


def version_policy(db: Session, actor: Actor, version_id: int) -> tuple[ScenarioVersion, Policy]:
    """A version and its policy; every role but the employee may look."""
    version = get_version(db, actor, version_id)
    return version, stored_policy(version.policy_toml)


def version_capacity(
    db: Session, actor: Actor, version_id: int
) -> tuple[ScenarioVersion, VersionCapacity]:
    """A version and its towers, buildings, facilities and waves."""
    version = get_version(db, actor, version_id)
    return version, read_capacity(db, version.id)


def _base_scenario(db: Session, base: ScenarioVersion) -> Scenario:
    """The scenario an edit starts from: the base version's rows and stored policy."""
    return read_scenario(db, base.id, stored_policy(base.policy_toml))


def edit_policy(
    db: Session,
    actor: Actor,
    version_id: int,
    raw: Mapping[str, Any],
    *,
    note: str = "",
    base_on_old: bool = False,
) -> Edited:
    """Store the version's scenario with the policy `raw` describes as the next version.

    `raw` is laid out like policy.toml; a key left out takes the planning model's default.
    On a version that is not the newest, only with `base_on_old` (else 409).
    """
    require_planner(actor)
    base = get_version(db, actor, version_id)
    _refuse_an_unconfirmed_fork(db, base, base_on_old)
    policy = checked_policy(raw)
    scenario = _base_scenario(db, base)
    before, after = policy_changes(scenario.policy, policy)
    if not (before or after):
        raise unchanged()
    edited = checked_scenario(edited_tables(scenario, {}), policy)
    return _stored(
        db,
        actor,
        (base, scenario),
        edited,
        (before, after),
        "scenario.policy_edit",
        POLICY_FILE,
        note,
    )


def edit_capacity(
    db: Session,
    actor: Actor,
    version_id: int,
    tables: Mapping[str, TableRows],
    *,
    note: str = "",
    base_on_old: bool = False,
) -> Edited:
    """Store the version's scenario with these towers, buildings, facilities or waves.

    A table left out of `tables` stays as it is; one given replaces the old one whole.
    On a version that is not the newest, only with `base_on_old` (else 409).
    """
    require_planner(actor)
    base = get_version(db, actor, version_id)
    _refuse_an_unconfirmed_fork(db, base, base_on_old)
    _refuse_other_tables(tables)
    scenario = _base_scenario(db, base)
    edited = checked_scenario(edited_tables(scenario, tables), scenario.policy)
    before, after = capacity_changes(scenario, edited)
    if not (before or after):
        raise unchanged()
    files = ", ".join(
        TABLES_BY_NAME[name].file_name
        for name in CAPACITY_TABLES
        if name in before or name in after
    )
    return _stored(
        db, actor, (base, scenario), edited, (before, after), "scenario.capacity_edit", files, note
    )


def _refuse_other_tables(tables: Mapping[str, TableRows]) -> None:
    """People and units come from imports; only capacities are edited here."""
    others = [name for name in tables if name not in CAPACITY_TABLES]
    if others:
        listed = ", ".join(CAPACITY_TABLES)
        raise InputRefused(
            f"Hanya tabel {listed} yang dapat diubah di sini.",
            f"Only the tables {listed} can be changed here.",
            [
                ScenarioIssue(
                    name, 0, "", "Tabel ini tidak dapat diubah.", "This table cannot be changed."
                )
                for name in others
            ],
        )


def _stored(
    db: Session,
    actor: Actor,
    based_on: tuple[ScenarioVersion, Scenario],
    scenario: Scenario,
    changes: tuple[dict[str, Any], dict[str, Any]],
    action: str,
    changed_files: str,
    note: str,
) -> Edited:
    """The next version of the scenario, and its audit event, in the caller's transaction.

    `based_on` is the version edited and its scenario as read: the tables the edit left
    as they were are copied from that version's rows.
    """
    base, base_scenario = based_on
    version = store_version(
        db,
        actor,
        base.scenario_id,
        scenario,
        # Names the version it came from, so the version history reads as a lineage.
        source_name=f"v{base.number} · {changed_files}",
        note=note.strip(),
        base=BaseRows(base.id, base_scenario),
    )
    before, after = changes
    audit.record(db, actor, action, "scenario_version", version.id, before=before, after=after)
    return Edited(version, base, before, after)


def ahp_check(actor: Actor, matrix: Sequence[Sequence[object]]) -> AhpResult:
    """Weights, λmax and CR of a pairwise matrix, for anyone who may see the policy forms."""
    require_overview(actor)
    return pairwise_result(matrix)
