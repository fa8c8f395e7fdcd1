"""The plan as a list: one line per employee, filtered, grouped, paged and scoped.

The page is cut from the placements alone (LIMIT/OFFSET on the run's index) and only its
fifty names are then read from the people, so a page costs the same at any scale.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import Row, Select, and_, func, select
from sqlalchemy.orm import Session

from pionir.db.tables import PersonRow, PlacementRow, PlanRun
from pionir.services.actor import Actor, agency_scope, require_screening
from pionir.services.plan_views import MOVES, STAYS, plan_of_run, scoped_placements
from pionir.services.run_memo import memo_for_run
from pionir.services.run_summary import summary_of

PER_PAGE = 50


class PlanView(StrEnum):
    """How the list is grouped and ordered."""

    WAVE = "wave"
    AGENCY = "agency"
    TOWER = "tower"
    BUILDING = "building"


class OutcomeFilter(StrEnum):
    MOVES = "moves"
    ALL = "all"
    STAYS = "stays"
    INELIGIBLE = "ineligible"
    HOUSEHOLD_INELIGIBLE = "household_ineligible"
    NOT_SELECTED = "not_selected"


# Outcomes that tell a screening result: only for those who may see screening.
SCREENING_OUTCOMES = frozenset(
    {OutcomeFilter.INELIGIBLE, OutcomeFilter.HOUSEHOLD_INELIGIBLE, OutcomeFilter.NOT_SELECTED}
)

GROUP_COLUMN: dict[PlanView, Any] = {
    PlanView.WAVE: PlacementRow.wave_id,
    PlanView.AGENCY: PlacementRow.agency_id,
    PlanView.TOWER: PlacementRow.tower_id,
    PlanView.BUILDING: PlacementRow.building_id,
}

# Those who stay (no wave, tower or building) come last in every database.
ORDER: dict[PlanView, tuple[Any, ...]] = {
    PlanView.WAVE: (
        PlacementRow.month.asc().nulls_last(),
        PlacementRow.wave_id,
        PlacementRow.agency_id,
        PlacementRow.unit_id,
    ),
    PlanView.AGENCY: (
        PlacementRow.agency_id,
        PlacementRow.unit_id,
        PlacementRow.month.asc().nulls_last(),
    ),
    PlanView.TOWER: (PlacementRow.tower_id.asc().nulls_last(), PlacementRow.unit_no),
    PlanView.BUILDING: (PlacementRow.building_id.asc().nulls_last(), PlacementRow.unit_id),
}

# A line's columns: not the explanation texts, which would only widen the sort.
LINE_COLUMNS = (
    PlacementRow.id,
    PlacementRow.nip,
    PlacementRow.agency_id,
    PlacementRow.unit_id,
    PlacementRow.wave_id,
    PlacementRow.month,
    PlacementRow.tower_id,
    PlacementRow.unit_no,
    PlacementRow.building_id,
    PlacementRow.allowance,
    PlacementRow.outcome,
)


@dataclass(frozen=True, slots=True)
class PlanFilter:
    view: PlanView = PlanView.WAVE
    wave_id: str | None = None
    agency_id: str | None = None
    tower_id: str | None = None
    building_id: str | None = None
    search: str | None = None
    outcome: OutcomeFilter = OutcomeFilter.MOVES
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One employee in the plan list; `placement_id` names them in links (not the NIP)."""

    placement_id: int
    nip: str
    name: str
    agency_id: str
    unit_id: str
    wave_id: str | None
    month: str | None
    tower_id: str | None
    unit_no: int | None
    building_id: str | None
    allowance: int
    outcome: str


@dataclass(frozen=True, slots=True)
class GroupCount:
    """How many lines of the filtered list fall in one wave, K/L, tower or building."""

    key: str | None
    count: int


@dataclass(frozen=True, slots=True)
class PlanPage:
    run: PlanRun
    view: PlanView
    lines: list[PlanLine]
    groups: list[GroupCount]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _filtered(actor: Actor, run: PlanRun, wanted: PlanFilter, query: Select[Any]) -> Select[Any]:
    query = scoped_placements(query.where(PlacementRow.run_id == run.id), actor, wanted.agency_id)
    if wanted.outcome is OutcomeFilter.MOVES:
        query = query.where(PlacementRow.wave_id.is_not(None))
    elif wanted.outcome is OutcomeFilter.STAYS:
        query = query.where(PlacementRow.wave_id.is_(None))
    elif wanted.outcome is not OutcomeFilter.ALL:
        query = query.where(PlacementRow.outcome == wanted.outcome.value)
    for column, value in (
        (PlacementRow.wave_id, wanted.wave_id),
        (PlacementRow.tower_id, wanted.tower_id),
        (PlacementRow.building_id, wanted.building_id),
    ):
        if value:
            query = query.where(column == value)
    if wanted.search and wanted.search.strip():
        needle = f"%{wanted.search.strip().lower()}%"
        # A join on the people's unique (version, NIP) index rather than `IN (subquery)`:
        # without table statistics PostgreSQL may run such a subquery once per placement.
        query = query.join(
            PersonRow,
            and_(PersonRow.version_id == run.version_id, PersonRow.nip == PlacementRow.nip),
        ).where(func.lower(PersonRow.name).like(needle) | PersonRow.nip.like(needle))
    return query


def _groups(db: Session, actor: Actor, run: PlanRun, wanted: PlanFilter) -> list[GroupCount]:
    column = GROUP_COLUMN[wanted.view]
    query = _filtered(actor, run, wanted, select(column, func.count()).group_by(column))
    counts = [GroupCount(key, count) for key, count in db.execute(query).tuples()]
    if wanted.view is PlanView.WAVE:
        # Waves read in their order in time, not in the order of their names.
        order = {w.wave_id: k for k, w in enumerate(summary_of(run).waves)}
        return sorted(counts, key=lambda g: (g.key is None, order.get(g.key or "", 0), g.key or ""))
    return sorted(counts, key=lambda g: (g.key is None, g.key or ""))


def _line(row: Row[Any], sees_screening: bool) -> PlanLine:
    outcome = row.outcome if sees_screening or row.outcome == MOVES else STAYS
    return PlanLine(
        row.id,
        row.nip,
        row.name or "",
        row.agency_id,
        row.unit_id,
        row.wave_id,
        row.month,
        row.tower_id,
        row.unit_no,
        row.building_id,
        row.allowance,
        outcome,
    )


def _page_rows(
    db: Session, actor: Actor, run: PlanRun, wanted: PlanFilter, page: int
) -> list[Row[Any]]:
    """The page's NIPs first, read from the ordering index alone where the database can,
    then only their fifty rows with the people's names: a late page does not fetch every
    row before it.

    Two queries rather than a join on a LIMIT subquery, whose plan PostgreSQL may get
    badly wrong before the placements have statistics. The names come in the second, by
    the people's unique (version, NIP) index: a third query for them cost a tenth of
    the page's time under load."""
    nips = list(
        db.scalars(
            _filtered(actor, run, wanted, select(PlacementRow.nip))
            .order_by(*ORDER[wanted.view], PlacementRow.nip)
            .offset((page - 1) * wanted.per_page)
            .limit(wanted.per_page)
        )
    )
    if not nips:
        return []
    rows = db.execute(
        select(*LINE_COLUMNS, PersonRow.name)
        .outerjoin(
            PersonRow,
            and_(PersonRow.version_id == run.version_id, PersonRow.nip == PlacementRow.nip),
        )
        .where(PlacementRow.run_id == run.id, PlacementRow.nip.in_(nips))
    ).all()
    place = {nip: k for k, nip in enumerate(nips)}
    return sorted(rows, key=lambda row: place[row.nip])


def plan_page(db: Session, actor: Actor, run_id: int, wanted: PlanFilter) -> PlanPage:
    """A page of the plan list with the filtered list's counts per group.

    The group counts partition the filtered list, so their sum is its length: no second
    COUNT over the placements is needed.
    """
    if wanted.outcome in SCREENING_OUTCOMES:
        require_screening(actor)
    run = plan_of_run(db, actor, run_id)
    # Counts per group depend on the filters and the scope, never on the page.
    key = ("plan_groups", agency_scope(actor), replace(wanted, page=1))
    groups = memo_for_run(db, run, key, lambda: _groups(db, actor, run, wanted))
    total = sum(g.count for g in groups)
    page = max(1, wanted.page)

    def page_lines() -> list[PlanLine]:
        rows = _page_rows(db, actor, run, wanted, page)
        return [_line(r, actor.sees_screening) for r in rows]

    if wanted.search:
        # A search is one person's look-up, rarely asked twice: not worth keeping, and
        # the memo's keys would hold the names and NIPs searched for.
        lines = page_lines()
    else:
        # The same page is read again and again by everyone planning (its queries and
        # rows were a third of the page's time). Scope and screening sight are in the
        # key: what a line says depends on them. As for the groups, an agency outside
        # the actor's scope is refused by the computation, and a refusal is never kept.
        lines_key = (
            "plan_lines",
            agency_scope(actor),
            actor.sees_screening,
            replace(wanted, page=page),
        )
        lines = memo_for_run(db, run, lines_key, page_lines, page=True)
    return PlanPage(run, wanted.view, lines, groups, total, page, wanted.per_page)
