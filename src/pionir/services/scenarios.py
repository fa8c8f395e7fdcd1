"""Scenario versions: import, store with screening and priorities, list and fetch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pionir.db.tables import ScenarioRecord, ScenarioVersion
from pionir.scenario.errors import ScenarioRefused
from pionir.scenario.model import Scenario
from pionir.scenario.policy_io import policy_to_toml
from pionir.screening.screen import screen
from pionir.services import audit
from pionir.services.actor import Actor, require_overview, require_planner
from pionir.services.archive import archive_of, scenario_from_upload
from pionir.services.clock import now
from pionir.services.errors import Conflict, InputRefused, NotFound
from pionir.services.version_tables import BaseRows, write_version_tables


def import_scenario(
    db: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    *,
    name: str = "",
    scenario_id: int | None = None,
    note: str = "",
    read: Callable[[bytes, str], Scenario] = scenario_from_upload,
) -> ScenarioVersion:
    """Validate an upload and store it as a new scenario, or a new version of one.

    Nothing is written when the upload is refused: validation runs before the first insert,
    and the inserts share the caller's transaction. `read` reads the upload (the web reads
    it in a bounded child process: services/upload_reader.py).
    """
    require_planner(actor)
    try:
        scenario = read(data, filename)
    except ScenarioRefused as refused:
        raise InputRefused(
            f"Skenario '{filename}' ditolak: {refused.total:,} masalah. Tidak ada yang disimpan.",
            f"Scenario '{filename}' refused: {refused.total:,} problems. Nothing was saved.",
            refused.issues,
            refused.omitted,
        ) from None
    if scenario_id is None:
        version = new_scenario(db, actor, scenario, name=name, source_name=filename, note=note)
        scenario_id = version.scenario_id
    else:
        get_scenario(db, actor, scenario_id)
        version = store_version(db, actor, scenario_id, scenario, source_name=filename, note=note)
    audit.record(
        db,
        actor,
        "scenario.import",
        "scenario_version",
        version.id,
        after={
            "scenario_id": scenario_id,
            "number": version.number,
            "source": filename,
            **version.counts,
        },
    )
    return version


def new_scenario(
    db: Session,
    actor: Actor,
    scenario: Scenario,
    *,
    name: str,
    source_name: str,
    note: str = "",
) -> ScenarioVersion:
    """A new scenario record holding `scenario` as its first version."""
    require_planner(actor)
    record = ScenarioRecord(
        name=name.strip() or source_name, created_at=now(), created_by=actor.username
    )
    db.add(record)
    db.flush()
    return store_version(db, actor, record.id, scenario, source_name=source_name, note=note)


def store_version(
    db: Session,
    actor: Actor,
    scenario_id: int,
    scenario: Scenario,
    *,
    source_name: str,
    note: str = "",
    base: BaseRows | None = None,
) -> ScenarioVersion:
    """Write a validated scenario as the scenario's next version, with screening and ranks.

    An edit names its `base`, whose unchanged rows are then copied (`write_version_tables`).
    """
    number = (
        db.scalar(
            select(func.max(ScenarioVersion.number)).where(
                ScenarioVersion.scenario_id == scenario_id
            )
        )
        or 0
    ) + 1
    screening = screen(scenario)
    counts = {
        "agencies": len(scenario.agencies),
        "units": len(scenario.units),
        "employees": len(scenario.employees),
        "households": len(scenario.households),
        "eligible": sum(1 for s in screening.values() if s.eligible),
        "movable": sum(1 for s in screening.values() if s.movable),
        "quota": sum(u.quota for u in scenario.units),
        "waves": len(scenario.waves),
        "towers": len(scenario.towers),
        "buildings": len(scenario.buildings),
    }
    version = ScenarioVersion(
        scenario_id=scenario_id,
        number=number,
        created_at=now(),
        created_by=actor.username,
        note=note,
        source_name=source_name,
        archive=archive_of(scenario),
        policy_toml=policy_to_toml(scenario.policy),
        counts=counts,
    )
    db.add(version)
    try:
        db.flush()
    except IntegrityError:
        # Two saves at the same moment both took the next number; one has to try again.
        raise Conflict(
            "Versi baru lain baru saja disimpan untuk skenario ini; muat ulang lalu coba lagi.",
            "Another new version of this scenario was just saved; reload and try again.",
        ) from None
    write_version_tables(db, version.id, scenario, screening, base=base)
    return version


@dataclass(frozen=True, slots=True)
class ScenarioSummary:
    record: ScenarioRecord
    versions: list[ScenarioVersion]


def list_scenarios(db: Session, actor: Actor) -> list[ScenarioSummary]:
    """Every scenario with its versions, newest first (scenario data is not personal)."""
    require_overview(actor)
    records = db.scalars(select(ScenarioRecord).order_by(ScenarioRecord.id.desc())).all()
    versions = db.scalars(
        select(ScenarioVersion).order_by(ScenarioVersion.scenario_id, ScenarioVersion.number.desc())
    ).all()
    by_scenario: dict[int, list[ScenarioVersion]] = {}
    for version in versions:
        by_scenario.setdefault(version.scenario_id, []).append(version)
    return [ScenarioSummary(r, by_scenario.get(r.id, [])) for r in records]


def get_scenario(db: Session, actor: Actor, scenario_id: int) -> ScenarioRecord:
    require_overview(actor)
    record = db.get(ScenarioRecord, scenario_id)
    if record is None:
        raise NotFound()
    return record


def get_version(db: Session, actor: Actor, version_id: int) -> ScenarioVersion:
    require_overview(actor)
    version = db.get(ScenarioVersion, version_id)
    if version is None:
        raise NotFound()
    return version


def version_labels(db: Session, actor: Actor, version_ids: Iterable[int]) -> dict[int, str]:
    """'Scenario name · v3' for each version id, for lists that show runs."""
    require_overview(actor)
    wanted = set(version_ids)
    if not wanted:
        return {}
    rows = db.execute(
        select(ScenarioVersion.id, ScenarioVersion.number, ScenarioRecord.name)
        .join(ScenarioRecord, ScenarioRecord.id == ScenarioVersion.scenario_id)
        .where(ScenarioVersion.id.in_(wanted))
    )
    return {version_id: f"{name} · v{number}" for version_id, number, name in rows}
