"""Two finished runs side by side: headline figures, movers per wave and per K/L, and
who moves differently, found with joins on the placements by NIP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, Subquery, and_, case, cast, func, null, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from pionir.db.tables import PersonRow, PlacementRow, PlanRun
from pionir.plan_summary import PlanSummary
from pionir.services.actor import Actor, agency_scope, require_overview
from pionir.services.plan_views import movers_by, plan_of_run
from pionir.services.run_summary import summary_of
from pionir.services.runs import RunStatus

PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class CountDiff:
    """Movers in one wave or K/L under run A and under run B."""

    key: str
    a: int
    b: int

    @property
    def difference(self) -> int:
        return self.b - self.a


@dataclass(frozen=True, slots=True)
class MoveChange:
    """An employee who moves in one run and not the other, or moves otherwise.

    `placement_id` is their row in the run where they move (B if they move in B): the
    person page's link, so that no NIP goes into a URL."""

    placement_id: int
    nip: str
    name: str
    agency_id: str
    wave_a: str | None
    tower_a: str | None
    wave_b: str | None
    tower_b: str | None

    @property
    def kind(self) -> str:
        if self.wave_a is None:
            return "only_b"
        if self.wave_b is None:
            return "only_a"
        return "changed"


@dataclass(frozen=True, slots=True)
class Comparison:
    a: PlanRun
    b: PlanRun
    summary_a: PlanSummary
    summary_b: PlanSummary
    agency_scope: str | None
    waves: list[CountDiff]
    agencies: list[CountDiff]
    changes: list[MoveChange]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class RunChoice:
    """A run that can be compared, as the form offers it."""

    id: int
    version_id: int
    movers: int
    approved_at: datetime | None


def finished_runs(db: Session, actor: Actor) -> list[RunChoice]:
    """The runs that produced a plan, newest first: what can be compared."""
    require_overview(actor)
    runs = list(
        db.scalars(
            select(PlanRun)
            .where(PlanRun.status == RunStatus.SUCCEEDED.value)
            .order_by(PlanRun.id.desc())
            .limit(200)
        )
    )
    return [RunChoice(r.id, r.version_id, summary_of(r).movers, r.approved_at) for r in runs]


def _diffs(a: dict[str | None, int], b: dict[str | None, int], order: list[str]) -> list[CountDiff]:
    keys = [k for k in order if k in a or k in b]
    keys += sorted(k for k in {*a, *b} if k is not None and k not in keys)
    return [CountDiff(k, a.get(k, 0), b.get(k, 0)) for k in keys]


def _wave_order(a: PlanSummary, b: PlanSummary) -> list[str]:
    waves: list[str] = []
    for summary in (a, b):
        for used in summary.waves:
            if used.wave_id not in waves:
                waves.append(used.wave_id)
    return waves


def _changes(actor: Actor, a: PlanRun, b: PlanRun) -> Subquery:
    """NIP, agency, wave and tower under A and B of everyone who moves differently.

    Two left joins in a UNION ALL rather than one full join: SQLite has no FULL JOIN
    before 3.39. The first half holds A's movers; the second B's movers who stay in A.
    """
    in_a, in_b = aliased(PlacementRow), aliased(PlacementRow)
    scope = agency_scope(actor)
    a_moves = (
        select(
            # Where they move in B, their B row; else their A row (the page links there).
            case((in_b.wave_id.is_not(None), in_b.id), else_=in_a.id).label("placement_id"),
            in_a.nip.label("nip"),
            in_a.agency_id.label("agency_id"),
            in_a.wave_id.label("wave_a"),
            in_a.tower_id.label("tower_a"),
            in_b.wave_id.label("wave_b"),
            in_b.tower_id.label("tower_b"),
        )
        .select_from(in_a)
        .outerjoin(in_b, and_(in_b.run_id == b.id, in_b.nip == in_a.nip))
        .where(
            in_a.run_id == a.id,
            in_a.wave_id.is_not(None),
            or_(
                in_b.wave_id.is_(None),
                in_b.wave_id != in_a.wave_id,
                in_b.tower_id != in_a.tower_id,
            ),
        )
    )
    b_only = (
        select(
            in_b.id,
            in_b.nip,
            in_b.agency_id,
            cast(null(), String).label("wave_a"),
            cast(null(), String).label("tower_a"),
            in_b.wave_id,
            in_b.tower_id,
        )
        .select_from(in_b)
        .outerjoin(in_a, and_(in_a.run_id == a.id, in_a.nip == in_b.nip))
        .where(in_b.run_id == b.id, in_b.wave_id.is_not(None), in_a.wave_id.is_(None))
    )
    if scope is not None:
        a_moves = a_moves.where(in_a.agency_id == scope)
        b_only = b_only.where(in_b.agency_id == scope)
    return union_all(a_moves, b_only).subquery()


def _names(db: Session, a: PlanRun, b: PlanRun, nips: list[str]) -> dict[str, str]:
    """Names from B's version, overwritten by A's: the runs may plan different versions."""
    names: dict[str, str] = {}
    for version_id in dict.fromkeys((b.version_id, a.version_id)):
        query = select(PersonRow.nip, PersonRow.name).where(
            PersonRow.version_id == version_id, PersonRow.nip.in_(nips)
        )
        names.update({nip: name for nip, name in db.execute(query).tuples()})
    return names


def compare_runs(db: Session, actor: Actor, a_id: int, b_id: int, page: int = 1) -> Comparison:
    """Run B against run A; an operator's counts and lists are their own K/L's."""
    a, b = plan_of_run(db, actor, a_id), plan_of_run(db, actor, b_id)
    summary_a, summary_b = summary_of(a), summary_of(b)
    waves = _diffs(
        movers_by(db, actor, a.id, PlacementRow.wave_id),
        movers_by(db, actor, b.id, PlacementRow.wave_id),
        _wave_order(summary_a, summary_b),
    )
    agencies = _diffs(
        movers_by(db, actor, a.id, PlacementRow.agency_id),
        movers_by(db, actor, b.id, PlacementRow.agency_id),
        [],
    )
    changes = _changes(actor, a, b)
    total = db.scalar(select(func.count()).select_from(changes)) or 0
    page = max(1, page)
    rows = db.execute(
        select(changes).order_by(changes.c.nip).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    names = _names(db, a, b, [r.nip for r in rows])
    listed = [
        MoveChange(
            r.placement_id,
            r.nip,
            names.get(r.nip, ""),
            r.agency_id,
            r.wave_a,
            r.tower_a,
            r.wave_b,
            r.tower_b,
        )
        for r in rows
    ]
    return Comparison(
        a,
        b,
        summary_a,
        summary_b,
        agency_scope(actor),
        waves,
        agencies,
        listed,
        total,
        page,
        PER_PAGE,
    )
