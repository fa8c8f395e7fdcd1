"""What an export of a run may show to its reader, read from the database in their scope.

Scoping happens here, in the queries: an agency operator's rows are filtered to their own
K/L by the database, housing officers' rows never carry merit or screening reasons, and
employees are refused before anything is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from pionir.db.tables import (
    AgencyRow,
    PersonRow,
    PlacementRow,
    PlanRun,
    ScenarioRecord,
    ScenarioVersion,
    UnitRow,
)
from pionir.plan_summary import PlanSummary
from pionir.services import audit
from pionir.services.actor import Actor, agency_scope
from pionir.services.errors import Conflict
from pionir.services.run_summary import summary_of
from pionir.services.runs import RunStatus, get_run
from pionir.services.scenarios import get_version
from pionir.services.screening_views import ScreeningCounts, count_screened

# Rows are fetched from the database in batches of this size while the file is written.
FETCH_BATCH = 2_000


@dataclass(frozen=True, slots=True)
class RunInScope:
    """A finished run as one reader may export it."""

    run: PlanRun
    version: ScenarioVersion
    scenario_name: str
    summary: PlanSummary
    agency_id: str | None  # the one K/L the reader is limited to; None for all
    sees_screening: bool

    @property
    def all_agencies(self) -> bool:
        return self.agency_id is None


@dataclass(frozen=True, slots=True)
class EmployeeLine:
    """One employee's outcome in the run, with who they are."""

    nip: str
    name: str
    agency_id: str
    unit_name: str
    position: str
    grade: str
    household_id: str
    wave_id: str | None
    month: str | None
    tower_id: str | None
    unit_no: int | None
    building_id: str | None
    allowance: int
    outcome: str
    text_id: str
    text_en: str
    merit: float | None  # None when the reader may not see screening
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AgencyTally:
    """An agency's quota and what the plan moves of it."""

    agency_id: str
    name: str
    quota: int
    movers: int
    households: int
    allowance: int


def run_in_scope(db: Session, actor: Actor, run_id: int) -> RunInScope:
    """The run if the reader may export it and it has a plan; employees are refused."""
    run = get_run(db, actor, run_id)
    if run.status != RunStatus.SUCCEEDED.value or run.summary is None:
        raise Conflict(
            "Proses ini belum menghasilkan rencana, jadi belum ada yang dapat diekspor.",
            "This run has not produced a plan, so there is nothing to export yet.",
        )
    version = get_version(db, actor, run.version_id)
    record = db.get(ScenarioRecord, version.scenario_id)
    return RunInScope(
        run=run,
        version=version,
        scenario_name=record.name if record else "",
        summary=summary_of(run),
        agency_id=agency_scope(actor),
        sees_screening=actor.sees_screening,
    )


def record_export(db: Session, actor: Actor, scope: RunInScope, kind: str) -> None:
    """Exports carry people's records out of the system: who took which is kept."""
    audit.record(
        db,
        actor,
        "plan.export",
        "plan_run",
        scope.run.id,
        after={"format": kind, "agency_id": scope.agency_id},
    )


def _scoped(query: Select[Any], scope: RunInScope) -> Select[Any]:
    if scope.agency_id is not None:
        query = query.where(PlacementRow.agency_id == scope.agency_id)
    return query


def employee_lines(db: Session, scope: RunInScope) -> Iterator[EmployeeLine]:
    """Every placement the reader may see, by K/L, unit and NIP, fetched in batches."""
    version_id = scope.version.id
    query = _scoped(
        select(
            PlacementRow.nip,
            func.coalesce(PersonRow.name, "").label("name"),
            PlacementRow.agency_id,
            func.coalesce(UnitRow.name, PlacementRow.unit_id).label("unit_name"),
            func.coalesce(PersonRow.position_title, "").label("position"),
            func.coalesce(PersonRow.grade, "").label("grade"),
            PlacementRow.household_id,
            PlacementRow.wave_id,
            PlacementRow.month,
            PlacementRow.tower_id,
            PlacementRow.unit_no,
            PlacementRow.building_id,
            PlacementRow.allowance,
            PlacementRow.outcome,
            PlacementRow.text_id,
            PlacementRow.text_en,
            PersonRow.merit,
            PersonRow.reasons,
        )
        # Outer joins: a placement whose person row went missing is still exported.
        .outerjoin(
            PersonRow,
            and_(PersonRow.version_id == version_id, PersonRow.nip == PlacementRow.nip),
        )
        .outerjoin(
            UnitRow,
            and_(UnitRow.version_id == version_id, UnitRow.unit_id == PlacementRow.unit_id),
        )
        .where(PlacementRow.run_id == scope.run.id)
        .order_by(PlacementRow.agency_id, PlacementRow.unit_id, PlacementRow.nip),
        scope,
    ).execution_options(yield_per=FETCH_BATCH)
    for row in db.execute(query):
        # Columns are named after EmployeeLine's fields.
        fields = dict(row._mapping)
        merit, codes = fields.pop("merit"), fields.pop("reasons") or ""
        if scope.sees_screening:
            yield EmployeeLine(**fields, merit=merit, reasons=tuple(filter(None, codes.split(";"))))
        else:
            yield EmployeeLine(**fields, merit=None, reasons=())


def agency_tallies(db: Session, scope: RunInScope) -> list[AgencyTally]:
    """Quota and movers of every K/L in the reader's scope, by K/L code."""
    moved = db.execute(
        _scoped(
            select(
                PlacementRow.agency_id,
                func.count(),
                func.count(func.distinct(PlacementRow.household_id)),
                func.coalesce(func.sum(PlacementRow.allowance), 0),
            )
            .where(PlacementRow.run_id == scope.run.id, PlacementRow.wave_id.is_not(None))
            .group_by(PlacementRow.agency_id),
            scope,
        )
    ).all()
    by_agency = {
        agency: (movers, households, int(allowance))
        for agency, movers, households, allowance in moved
    }
    agencies = select(AgencyRow).where(AgencyRow.version_id == scope.version.id)
    if scope.agency_id is not None:
        agencies = agencies.where(AgencyRow.agency_id == scope.agency_id)
    tallies = []
    for agency in db.scalars(agencies.order_by(AgencyRow.agency_id)):
        movers, households, allowance = by_agency.get(agency.agency_id, (0, 0, 0))
        tallies.append(
            AgencyTally(agency.agency_id, agency.name, agency.quota, movers, households, allowance)
        )
    return tallies


def wave_movers(db: Session, scope: RunInScope) -> dict[str, int]:
    """Movers per wave among the people the reader may see."""
    rows = db.execute(
        _scoped(
            select(PlacementRow.wave_id, func.count())
            .where(PlacementRow.run_id == scope.run.id, PlacementRow.wave_id.is_not(None))
            .group_by(PlacementRow.wave_id),
            scope,
        )
    ).all()
    return {str(wave_id): int(count) for wave_id, count in rows}


def screening_counts(db: Session, scope: RunInScope) -> ScreeningCounts:
    """How many of the reader's people were screened, passed, and could move."""
    agencies = [scope.agency_id] if scope.agency_id is not None else []
    return count_screened(db, scope.version.id, agencies)
