"""A finished plan's dashboard and agency pages, aggregated in the database and scoped.

Whole-plan capacity figures (seats, flats, school places, allowance) are not personal and
everyone with an overview sees them; per-agency figures are limited to an operator's K/L.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from pionir.db.tables import AgencyRow, PlacementRow, PlanRun, UnitRow
from pionir.plan_summary import PlanSummary
from pionir.services.actor import Actor, agency_scope, require_agency
from pionir.services.errors import Conflict, NotFound
from pionir.services.run_memo import memo_for_run
from pionir.services.run_summary import summary_of
from pionir.services.runs import RunStatus, get_run
from pionir.services.screening_views import count_screened

AnySelect = TypeVar("AnySelect", bound=Select[Any])

# A placement's outcome for those who move; readers who may not see screening results
# learn only this of anyone else: that they stay.
MOVES = "moves"
STAYS = "stays"


def plan_of_run(db: Session, actor: Actor, run_id: int) -> PlanRun:
    """A run that produced a plan; the plan views have nothing to show for any other."""
    run = get_run(db, actor, run_id)
    if run.status != RunStatus.SUCCEEDED.value or run.summary is None:
        raise Conflict(
            "Proses ini tidak menghasilkan rencana.",
            "This run did not produce a plan.",
        )
    return run


def scoped_placements(query: AnySelect, actor: Actor, agency_id: str | None = None) -> AnySelect:
    """Limit a placements query to the agency asked for and to the actor's own K/L."""
    if agency_id:
        require_agency(actor, agency_id)
        query = query.where(PlacementRow.agency_id == agency_id)
    scope = agency_scope(actor)
    if scope is not None:
        query = query.where(PlacementRow.agency_id == scope)
    return query


def movers_by(
    db: Session, actor: Actor, run_id: int, column: Any, agency_id: str | None = None
) -> dict[str | None, int]:
    """How many of the run's employees move, counted per value of a placements column."""
    query = scoped_placements(
        select(column, func.count())
        .where(PlacementRow.run_id == run_id, PlacementRow.wave_id.is_not(None))
        .group_by(column),
        actor,
        agency_id,
    )
    return {key: count for key, count in db.execute(query).tuples()}


@dataclass(frozen=True, slots=True)
class Funnel:
    """Screening to moving: how many are screened, pass, can move, and move."""

    employees: int
    eligible: int
    movable: int
    moving: int


def funnel_of(db: Session, actor: Actor, run: PlanRun, agency_id: str | None = None) -> Funnel:
    """The funnel of the run's version, for one agency or the actor's whole scope."""
    agencies = {a for a in (agency_id, agency_scope(actor)) if a is not None}
    if not agencies and run.summary is not None:
        # The whole plan's funnel is in the run's summary already: no need to count again.
        summary = summary_of(run)
        screened = summary.screening
        return Funnel(screened.employees, screened.eligible, screened.movable, summary.movers)
    counted = count_screened(db, run.version_id, agencies)
    moving = sum(movers_by(db, actor, run.id, PlacementRow.agency_id, agency_id).values())
    return Funnel(counted.employees, counted.eligible, counted.movable, moving)


@dataclass(frozen=True, slots=True)
class WaveFigures:
    """One wave's use of the capacities that come per wave."""

    wave_id: str
    month: str
    movers: int
    persons: int
    seats: int
    flats_used: int
    flats_ready: int
    pupils: int
    school_places: int
    allowance: int
    allowance_so_far: int


@dataclass(frozen=True, slots=True)
class TowerFigures:
    tower_id: str
    ready_month: str
    units: int
    units_used: int
    persons: int


@dataclass(frozen=True, slots=True)
class AgencyFigures:
    agency_id: str
    name: str
    quota: int
    movers: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the dashboard shows of one finished run."""

    run: PlanRun
    agency_scope: str | None
    movers: int
    quota: int
    households: int
    persons: int
    objective: float
    bound: float
    gap: float
    allowance_total: int
    budget: int
    waves: list[WaveFigures]
    towers: list[TowerFigures]
    agencies: list[AgencyFigures]
    funnel: Funnel
    binding: dict[str, dict[str, int]]


def wave_figures(summary: PlanSummary) -> list[WaveFigures]:
    """Per wave, from the run's summary: movers and the capacities they use."""
    figures = []
    so_far = 0
    for used in summary.waves:
        so_far += used.allowance
        figures.append(
            WaveFigures(
                wave_id=used.wave_id,
                month=used.month,
                movers=used.employees,
                persons=used.persons,
                seats=used.seats,
                flats_used=used.flats_used,
                flats_ready=used.flats_ready,
                pupils=used.pupils,
                school_places=used.school_places,
                allowance=used.allowance,
                allowance_so_far=so_far,
            )
        )
    return figures


def _tower_figures(summary: PlanSummary) -> list[TowerFigures]:
    # A run stored by the worker always has its premises; a summary without is shown empty.
    towers = summary.premises.towers if summary.premises is not None else ()
    return [
        TowerFigures(t.tower_id, t.ready_month, t.units, t.units_used, t.persons) for t in towers
    ]


def planned_agencies(db: Session, actor: Actor, run: PlanRun) -> list[str]:
    """The K/L with a quota in the run's version, in the actor's scope: what lists filter by."""
    scope = agency_scope(actor)

    def planned() -> list[str]:
        # Built only when not memoised: building the query cost more than the lookup.
        query = select(AgencyRow.agency_id).where(
            AgencyRow.version_id == run.version_id, AgencyRow.quota > 0
        )
        if scope is not None:
            query = query.where(AgencyRow.agency_id == scope)
        return list(db.scalars(query.order_by(AgencyRow.agency_id)))

    return memo_for_run(db, run, ("planned_agencies", scope), planned)


def agency_figures(db: Session, actor: Actor, run: PlanRun) -> list[AgencyFigures]:
    """Movers against quota per K/L in the actor's scope; K/L with neither are left out."""
    query = select(AgencyRow).where(AgencyRow.version_id == run.version_id)
    scope = agency_scope(actor)
    if scope is not None:
        query = query.where(AgencyRow.agency_id == scope)
    movers = movers_by(db, actor, run.id, PlacementRow.agency_id)
    figures = [
        AgencyFigures(a.agency_id, a.name, a.quota, movers.get(a.agency_id, 0))
        for a in db.scalars(query.order_by(AgencyRow.agency_id))
    ]
    return [f for f in figures if f.quota or f.movers]


def dashboard(db: Session, actor: Actor, run_id: int) -> Dashboard:
    """The dashboard of a finished run; an operator's K/L figures are their own only."""
    run = plan_of_run(db, actor, run_id)
    summary = summary_of(run)
    quota = memo_for_run(
        db,
        run,
        "quota",
        lambda: db.scalar(
            select(func.coalesce(func.sum(AgencyRow.quota), 0)).where(
                AgencyRow.version_id == run.version_id
            )
        ),
    )
    return Dashboard(
        run=run,
        agency_scope=agency_scope(actor),
        movers=summary.movers,
        quota=int(quota or 0),
        households=summary.households_moved,
        persons=summary.persons_moved,
        objective=summary.objective,
        bound=summary.bound,
        gap=summary.gap,
        allowance_total=summary.allowance_total,
        budget=summary.budget,
        waves=wave_figures(summary),
        towers=_tower_figures(summary),
        agencies=memo_for_run(
            db, run, ("agencies", agency_scope(actor)), lambda: agency_figures(db, actor, run)
        ),
        funnel=memo_for_run(
            db, run, ("funnel", agency_scope(actor)), lambda: funnel_of(db, actor, run)
        ),
        binding={wave: dict(counts) for wave, counts in summary.binding.items()},
    )


@dataclass(frozen=True, slots=True)
class UnitFigures:
    """A work unit of the agency: its priority rank, quota and how many of it move."""

    unit_id: str
    name: str
    rank: int
    priority: float
    quota: int
    movers: int


@dataclass(frozen=True, slots=True)
class WaveCount:
    wave_id: str
    month: str
    movers: int


@dataclass(frozen=True, slots=True)
class AgencyPlan:
    """One K/L's share of a plan."""

    run: PlanRun
    agency: AgencyRow
    movers: int
    waves: list[WaveCount]
    units: list[UnitFigures]
    funnel: Funnel


def agency_plan(db: Session, actor: Actor, run_id: int, agency_id: str) -> AgencyPlan:
    """Quota, movers per wave and per unit of one K/L; an operator sees only their own."""
    require_agency(actor, agency_id)
    run = plan_of_run(db, actor, run_id)
    agency = db.scalar(
        select(AgencyRow).where(
            AgencyRow.version_id == run.version_id, AgencyRow.agency_id == agency_id
        )
    )
    if agency is None:
        raise NotFound()
    per_wave = movers_by(db, actor, run.id, PlacementRow.wave_id, agency_id)
    per_unit = movers_by(db, actor, run.id, PlacementRow.unit_id, agency_id)
    units = db.scalars(
        select(UnitRow)
        .where(UnitRow.version_id == run.version_id, UnitRow.agency_id == agency_id)
        .order_by(UnitRow.rank)
    )
    return AgencyPlan(
        run=run,
        agency=agency,
        movers=sum(per_wave.values()),
        waves=[
            WaveCount(w.wave_id, w.month, per_wave.get(w.wave_id, 0)) for w in summary_of(run).waves
        ],
        units=[
            UnitFigures(u.unit_id, u.name, u.rank, u.priority, u.quota, per_unit.get(u.unit_id, 0))
            for u in units
        ],
        funnel=funnel_of(db, actor, run, agency_id),
    )
