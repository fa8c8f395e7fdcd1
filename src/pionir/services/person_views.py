"""One person's record in a plan: who they are, their screening, where and when they move.

Employees read their own record here, so these use cases do not ask for an overview;
`require_person` is the whole scope: an employee their own NIP, an operator their K/L.

A person outside the reader's scope is answered exactly as a person who does not exist
(404, the same message): a 403 would tell an operator that a NIP they guessed belongs to
another K/L. Pages and links name a person by their placement row's id, not their NIP,
so the NIP stays out of URLs and of every proxy's log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, defer

from pionir.db.tables import PersonRow, PlacementRow, PlanRun
from pionir.services.actor import Actor, Role, require_person
from pionir.services.errors import Forbidden, NotFound
from pionir.services.plan_views import MOVES, STAYS
from pionir.services.runs import RunStatus


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    eligible: bool
    movable: bool
    merit: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Placement:
    wave_id: str
    month: str | None
    tower_id: str | None
    unit_no: int | None
    building_id: str | None
    allowance: int


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """What a reader may know of one employee in one run.

    `screening` is None for readers who may not see merit and reasons; so is
    `explanation` when it would tell them (it gives the reasons of the ineligible).
    """

    run_id: int
    placement_id: int | None  # the person's id in links; None when the run did not plan them
    nip: str
    name: str
    agency_id: str
    unit_id: str
    position_title: str
    grade: str
    household_id: str
    outcome: str
    screening: ScreeningResult | None
    placement: Placement | None
    explanation: tuple[str, str] | None


def sees_screening_of(actor: Actor, nip: str) -> bool:
    """Planners, auditors and operators see screening; an employee sees their own."""
    return actor.sees_screening or (actor.role is Role.EMPLOYEE and actor.nip == nip)


def _screening(person: PersonRow | None) -> ScreeningResult | None:
    if person is None:
        return None
    reasons = tuple(code for code in person.reasons.split(";") if code)
    return ScreeningResult(person.eligible, person.movable, person.merit, reasons)


def _placement(row: PlacementRow | None) -> Placement | None:
    if row is None or row.wave_id is None:
        return None
    return Placement(
        row.wave_id, row.month, row.tower_id, row.unit_no, row.building_id, row.allowance
    )


def _record(
    actor: Actor, run: PlanRun, nip: str, person: PersonRow | None, row: PlacementRow | None
) -> PersonRecord:
    told = sees_screening_of(actor, nip)
    outcome = row.outcome if row is not None else ""
    explanation = None
    if row is not None and (told or outcome == MOVES):
        explanation = (row.text_id, row.text_en)
    return PersonRecord(
        run_id=run.id,
        placement_id=row.id if row is not None else None,
        nip=nip,
        name=person.name if person else "",
        agency_id=person.agency_id if person else row.agency_id if row else "",
        unit_id=person.unit_id if person else row.unit_id if row else "",
        position_title=person.position_title if person else "",
        grade=person.grade if person else "",
        household_id=person.household_id if person else row.household_id if row else "",
        outcome=outcome if told or outcome in (MOVES, "") else STAYS,
        screening=_screening(person) if told else None,
        placement=_placement(row),
        explanation=explanation,
    )


def _in_scope(actor: Actor, nip: str, agency_id: str) -> bool:
    try:
        require_person(actor, nip, agency_id)
    except Forbidden:
        return False
    return True


def _finished_run(db: Session, run_id: int) -> PlanRun:
    # Without the run's summary: a person's page never reads it, and parsing its JSON
    # was a twentieth of the page's time.
    run = db.get(PlanRun, run_id, options=[defer(PlanRun.summary)])
    if run is None:
        raise NotFound()
    return run


def _scoped_record(
    actor: Actor, run: PlanRun, nip: str, person: PersonRow | None, row: PlacementRow | None
) -> PersonRecord:
    if person is None and row is None:
        raise NotFound()
    agency_id = person.agency_id if person else row.agency_id if row else ""
    if not _in_scope(actor, nip, agency_id):
        # The same answer as for nobody at all: existence is not for this reader.
        raise NotFound()
    return _record(actor, run, nip, person, row)


def _person_row(db: Session, run: PlanRun, nip: str) -> PersonRow | None:
    return db.scalar(
        select(PersonRow).where(PersonRow.version_id == run.version_id, PersonRow.nip == nip)
    )


def person_record(db: Session, actor: Actor, run_id: int, placement_id: int) -> PersonRecord:
    """The employee of one placement row of one run; 404 when unknown or out of scope."""
    run = _finished_run(db, run_id)
    row = db.get(PlacementRow, placement_id)
    if row is None or row.run_id != run.id:
        raise NotFound()
    return _scoped_record(actor, run, row.nip, _person_row(db, run, row.nip), row)


def person_record_by_nip(db: Session, actor: Actor, run_id: int, nip: str) -> PersonRecord:
    """One employee in one run by NIP (the API's look-up, sent in a body, never a URL);
    404 when the run does not know them or they are out of scope."""
    if actor.role is Role.EMPLOYEE and actor.nip != nip:
        # Before any lookup: an employee learns nothing, not even existence, of other NIPs.
        raise NotFound()
    run = _finished_run(db, run_id)
    row = db.scalar(
        select(PlacementRow).where(PlacementRow.run_id == run.id, PlacementRow.nip == nip)
    )
    return _scoped_record(actor, run, nip, _person_row(db, run, nip), row)


def run_with_person(db: Session, nip: str) -> int | None:
    """The run an employee's own page shows: the newest approved plan that holds their
    NIP, else the newest successful one that does."""
    holds_nip = exists().where(PlacementRow.run_id == PlanRun.id, PlacementRow.nip == nip)
    return db.scalar(
        select(PlanRun.id)
        .where(PlanRun.status == RunStatus.SUCCEEDED.value, holds_nip)
        .order_by(PlanRun.approved_at.is_(None), PlanRun.approved_at.desc(), PlanRun.id.desc())
        .limit(1)
    )


def my_record(db: Session, actor: Actor) -> PersonRecord | None:
    """The logged-in employee's own record; None while no plan holds their NIP."""
    if actor.nip is None:
        raise NotFound(
            "Akun ini tidak terhubung dengan data pegawai (NIP).",
            "This account is not linked to an employee record (NIP).",
        )
    run_id = run_with_person(db, actor.nip)
    if run_id is None:
        return None
    return person_record_by_nip(db, actor, run_id, actor.nip)
