"""Screening results and unit priorities of a version, filtered, paged and scoped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from pionir.db.tables import AgencyRow, PersonRow, UnitRow
from pionir.services.actor import (
    Actor,
    agency_scope,
    require_agency,
    require_overview,
    require_screening,
)
from pionir.services.scenarios import get_version

PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class ScreeningFilter:
    agency_id: str | None = None
    unit_id: str | None = None
    eligible: bool | None = None
    reason: str | None = None
    search: str | None = None
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True, slots=True)
class ScreeningPage:
    people: list[PersonRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _scoped(
    query: Select[tuple[PersonRow]], actor: Actor, wanted: str | None
) -> Select[tuple[PersonRow]]:
    scope = agency_scope(actor)
    if wanted:
        require_agency(actor, wanted)
        query = query.where(PersonRow.agency_id == wanted)
    if scope is not None:
        query = query.where(PersonRow.agency_id == scope)
    return query


def screening_page(
    db: Session, actor: Actor, version_id: int, wanted: ScreeningFilter
) -> ScreeningPage:
    """People of a version with their screening result; operators see their own K/L only."""
    require_screening(actor)
    get_version(db, actor, version_id)
    query = _scoped(
        select(PersonRow).where(PersonRow.version_id == version_id), actor, wanted.agency_id
    )
    if wanted.unit_id:
        query = query.where(PersonRow.unit_id == wanted.unit_id)
    if wanted.eligible is not None:
        query = query.where(PersonRow.eligible == wanted.eligible)
    if wanted.reason:
        query = query.where(PersonRow.reasons.contains(wanted.reason))
    if wanted.search:
        needle = f"%{wanted.search.strip().lower()}%"
        query = query.where(func.lower(PersonRow.name).like(needle) | PersonRow.nip.like(needle))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = max(1, wanted.page)
    people = db.scalars(
        query.order_by(PersonRow.agency_id, PersonRow.unit_id, PersonRow.nip)
        .offset((page - 1) * wanted.per_page)
        .limit(wanted.per_page)
    ).all()
    return ScreeningPage(list(people), total, page, wanted.per_page)


@dataclass(frozen=True, slots=True)
class ScreeningCounts:
    employees: int
    eligible: int
    movable: int


def count_screened(db: Session, version_id: int, agency_ids: Iterable[str] = ()) -> ScreeningCounts:
    """How many of a version's people were screened, passed and can move, in SQL.

    Not scoped: the caller has already checked the actor may see these agencies.
    """
    query = select(
        func.count(),
        func.coalesce(func.sum(case((PersonRow.eligible, 1), else_=0)), 0),
        func.coalesce(func.sum(case((PersonRow.movable, 1), else_=0)), 0),
    ).where(PersonRow.version_id == version_id)
    for agency_id in agency_ids:
        query = query.where(PersonRow.agency_id == agency_id)
    employees, eligible, movable = db.execute(query).one()
    return ScreeningCounts(int(employees), int(eligible), int(movable))


@dataclass(frozen=True, slots=True)
class Funnel:
    employees: int
    eligible: int
    movable: int
    reasons: dict[str, int]


def screening_funnel(db: Session, actor: Actor, version_id: int) -> Funnel:
    """How many are screened, pass, can move; and how often each reason fails someone."""
    require_overview(actor)
    get_version(db, actor, version_id)
    scope = agency_scope(actor)
    # Grouped by result in SQL: a few dozen distinct reason lists, not a row per person.
    query = (
        select(PersonRow.eligible, PersonRow.movable, PersonRow.reasons, func.count())
        .where(PersonRow.version_id == version_id)
        .group_by(PersonRow.eligible, PersonRow.movable, PersonRow.reasons)
    )
    if scope is not None:
        query = query.where(PersonRow.agency_id == scope)
    employees = eligible = movable = 0
    reasons: dict[str, int] = {}
    for is_eligible, is_movable, codes, count in db.execute(query):
        employees += count
        eligible += count if is_eligible else 0
        movable += count if is_movable else 0
        for code in filter(None, codes.split(";")):
            reasons[code] = reasons.get(code, 0) + count
    return Funnel(
        employees, eligible, movable, dict(sorted(reasons.items(), key=lambda kv: -kv[1]))
    )


def unit_priorities(
    db: Session, actor: Actor, version_id: int, agency_id: str | None = None
) -> list[UnitRow]:
    """Units by rank; operators see their own K/L's units."""
    require_overview(actor)
    get_version(db, actor, version_id)
    query = select(UnitRow).where(UnitRow.version_id == version_id)
    scope = agency_scope(actor)
    if agency_id:
        require_agency(actor, agency_id)
        query = query.where(UnitRow.agency_id == agency_id)
    if scope is not None:
        query = query.where(UnitRow.agency_id == scope)
    return list(db.scalars(query.order_by(UnitRow.rank)).all())


def agencies(db: Session, actor: Actor, version_id: int) -> list[AgencyRow]:
    """The version's K/L; operators see their own only."""
    require_overview(actor)
    query = select(AgencyRow).where(AgencyRow.version_id == version_id)
    scope = agency_scope(actor)
    if scope is not None:
        query = query.where(AgencyRow.agency_id == scope)
    return list(db.scalars(query.order_by(AgencyRow.agency_id)).all())
