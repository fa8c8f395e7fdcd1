"""The JSON API of the plan views; the same use cases and the same scope as the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from pionir.db.tables import PlanRun
from pionir.plan_summary import PlanSummary
from pionir.services import person_views, plan_compare, plan_list, plan_views, search_terms
from pionir.services.errors import NotFound
from pionir.web.deps import CurrentViewer, Db
from pionir.web.params import MAX_PAGE, Page, QueryRecordId, RecordId, SearchToken

router = APIRouter(tags=["rencana / plan views"])


class DashboardOut(BaseModel):
    run_id: int
    approved: bool
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
    waves: list[plan_views.WaveFigures]
    towers: list[plan_views.TowerFigures]
    agencies: list[plan_views.AgencyFigures]
    funnel: plan_views.Funnel
    binding: dict[str, dict[str, int]]


@router.get("/api/runs/{run_id}/dashboard", response_model=DashboardOut)
def api_dashboard(run_id: RecordId, db: Db, viewer: CurrentViewer) -> DashboardOut:
    """A finished run's figures; an operator's per-K/L figures and funnel are their own."""
    dash = plan_views.dashboard(db, viewer.actor, run_id)
    return DashboardOut(
        run_id=dash.run.id,
        approved=dash.run.approved_at is not None,
        agency_scope=dash.agency_scope,
        movers=dash.movers,
        quota=dash.quota,
        households=dash.households,
        persons=dash.persons,
        objective=dash.objective,
        bound=dash.bound,
        gap=dash.gap,
        allowance_total=dash.allowance_total,
        budget=dash.budget,
        waves=dash.waves,
        towers=dash.towers,
        agencies=dash.agencies,
        funnel=dash.funnel,
        binding=dash.binding,
    )


class PlacementsOut(BaseModel):
    view: str
    total: int
    page: int
    per_page: int
    groups: list[plan_list.GroupCount]
    placements: list[plan_list.PlanLine]


class PlacementSearch(BaseModel):
    """The plan list's filters with a search by name or NIP, sent in a body: a NIP in a
    URL would be kept by every proxy and access log on the way."""

    view: plan_list.PlanView = plan_list.PlanView.WAVE
    wave: str = ""
    agency: str = ""
    tower: str = ""
    building: str = ""
    q: Annotated[str, Field(max_length=search_terms.LONGEST)] = ""
    outcome: plan_list.OutcomeFilter = plan_list.OutcomeFilter.MOVES
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1

    def plan_filter(self) -> plan_list.PlanFilter:
        return plan_list.PlanFilter(
            view=self.view,
            wave_id=self.wave or None,
            agency_id=self.agency or None,
            tower_id=self.tower or None,
            building_id=self.building or None,
            search=self.q.strip() or None,
            outcome=self.outcome,
            page=self.page,
        )


def plan_filter(
    db: Db,
    viewer: CurrentViewer,
    view: plan_list.PlanView = plan_list.PlanView.WAVE,
    wave: str = "",
    agency: str = "",
    tower: str = "",
    building: str = "",
    s: SearchToken = "",
    outcome: plan_list.OutcomeFilter = plan_list.OutcomeFilter.MOVES,
    page: Page = 1,
) -> plan_list.PlanFilter:
    """The plan list's query parameters, shared by its page and its API; a search by name
    or NIP comes as the token `s` that POSTing it gave."""
    return plan_list.PlanFilter(
        view=view,
        wave_id=wave or None,
        agency_id=agency or None,
        tower_id=tower or None,
        building_id=building or None,
        search=search_terms.recall(db, viewer.actor, s),
        outcome=outcome,
        page=page,
    )


PlanFilterQuery = Annotated[plan_list.PlanFilter, Depends(plan_filter)]


@router.get("/api/runs/{run_id}/placements", response_model=PlacementsOut)
def api_placements(
    run_id: RecordId, db: Db, viewer: CurrentViewer, wanted: PlanFilterQuery
) -> PlacementsOut:
    """The plan list, 50 a page, with counts per group of the chosen view.

    `outcome` is `moves` (default), `all`, `stays`, or a screening outcome (`ineligible`,
    `household_ineligible`, `not_selected`: not for housing officers)."""
    return _placements_out(plan_list.plan_page(db, viewer.actor, run_id, wanted))


@router.post("/api/runs/{run_id}/placements/search", response_model=PlacementsOut)
def api_placements_search(
    run_id: RecordId, body: PlacementSearch, db: Db, viewer: CurrentViewer
) -> PlacementsOut:
    """The plan list searched by name or NIP (`q`), with the same filters as
    `GET /api/runs/{run_id}/placements`; the NIP goes in the body, never in a URL."""
    return _placements_out(plan_list.plan_page(db, viewer.actor, run_id, body.plan_filter()))


def _placements_out(found: plan_list.PlanPage) -> PlacementsOut:
    return PlacementsOut(
        view=found.view.value,
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        groups=found.groups,
        placements=found.lines,
    )


class AgencyPlanOut(BaseModel):
    run_id: int
    agency_id: str
    name: str
    quota: int
    movers: int
    waves: list[plan_views.WaveCount]
    units: list[plan_views.UnitFigures]
    funnel: plan_views.Funnel


@router.get("/api/runs/{run_id}/agencies/{agency_id}", response_model=AgencyPlanOut)
def api_agency(run_id: RecordId, agency_id: str, db: Db, viewer: CurrentViewer) -> AgencyPlanOut:
    """One K/L's quota, movers per wave and per unit (by priority rank)."""
    found = plan_views.agency_plan(db, viewer.actor, run_id, agency_id)
    return AgencyPlanOut(
        run_id=found.run.id,
        agency_id=found.agency.agency_id,
        name=found.agency.name,
        quota=found.agency.quota,
        movers=found.movers,
        waves=found.waves,
        units=found.units,
        funnel=found.funnel,
    )


class PersonOut(BaseModel):
    run_id: int
    placement_id: int | None
    nip: str
    name: str
    agency_id: str
    unit_id: str
    position_title: str
    grade: str
    household_id: str
    outcome: str
    screening: person_views.ScreeningResult | None
    placement: person_views.Placement | None
    explanation: str | None
    explanation_en: str | None


def person_out(record: person_views.PersonRecord) -> PersonOut:
    """The record with its explanation in two fields, one per language."""
    return PersonOut(
        run_id=record.run_id,
        placement_id=record.placement_id,
        nip=record.nip,
        name=record.name,
        agency_id=record.agency_id,
        unit_id=record.unit_id,
        position_title=record.position_title,
        grade=record.grade,
        household_id=record.household_id,
        outcome=record.outcome,
        screening=record.screening,
        placement=record.placement,
        explanation=record.explanation[0] if record.explanation else None,
        explanation_en=record.explanation[1] if record.explanation else None,
    )


@router.get("/api/runs/{run_id}/placements/{placement_id}", response_model=PersonOut)
def api_person(
    run_id: RecordId, placement_id: RecordId, db: Db, viewer: CurrentViewer
) -> PersonOut:
    """One employee in a run, by the `placement_id` the plan list gives. Screening (merit,
    reasons) only for planners, auditors, operators, and the employee themself. Unknown
    and out of scope answer the same 404."""
    return person_out(person_views.person_record(db, viewer.actor, run_id, placement_id))


class PersonLookup(BaseModel):
    """A NIP to look up: in the body, so that it never lands in a URL or a proxy's log."""

    nip: Annotated[str, Field(min_length=1, max_length=32)]


@router.post("/api/runs/{run_id}/people/lookup", response_model=PersonOut)
def api_person_lookup(
    run_id: RecordId, body: PersonLookup, db: Db, viewer: CurrentViewer
) -> PersonOut:
    """One employee in a run by NIP; the answer's `placement_id` names them in links.
    Unknown and out of scope answer the same 404."""
    record = person_views.person_record_by_nip(db, viewer.actor, run_id, body.nip.strip())
    return person_out(record)


@router.get("/api/me/record", response_model=PersonOut)
def api_my_record(db: Db, viewer: CurrentViewer) -> PersonOut:
    """The logged-in employee's own record in the approved (else newest) plan holding it.

    (`/api/me` itself is the account: who is logged in, and the CSRF token.)"""
    record = person_views.my_record(db, viewer.actor)
    if record is None:
        raise NotFound("Belum ada rencana yang memuat data Anda.", "No plan holds your record yet.")
    return person_out(record)


class RunFiguresOut(BaseModel):
    run_id: int
    version_id: int
    movers: int
    objective: float | None
    bound: float | None
    gap: float | None


# These two stay models of their own: the API also sends the dataclasses' properties
# (`difference`, `kind`), which a dataclass used as a field type would leave out.
class CountDiffOut(BaseModel):
    key: str
    a: int
    b: int
    difference: int


class MoveChangeOut(BaseModel):
    placement_id: int
    nip: str
    name: str
    agency_id: str
    kind: str
    wave_a: str | None
    tower_a: str | None
    wave_b: str | None
    tower_b: str | None


class ComparisonOut(BaseModel):
    a: RunFiguresOut
    b: RunFiguresOut
    agency_scope: str | None
    waves: list[CountDiffOut]
    agencies: list[CountDiffOut]
    total: int
    page: int
    per_page: int
    changes: list[MoveChangeOut]


def _run_figures(run: PlanRun, summary: PlanSummary) -> RunFiguresOut:
    return RunFiguresOut(
        run_id=run.id,
        version_id=run.version_id,
        movers=summary.movers,
        objective=summary.objective,
        bound=summary.bound,
        gap=summary.gap,
    )


@router.get("/api/compare", response_model=ComparisonOut)
def api_compare(
    a: QueryRecordId, b: QueryRecordId, db: Db, viewer: CurrentViewer, page: Page = 1
) -> ComparisonOut:
    """Run B against run A: movers per wave and K/L, and who moves differently (paged)."""
    found = plan_compare.compare_runs(db, viewer.actor, a, b, page)
    return ComparisonOut(
        a=_run_figures(found.a, found.summary_a),
        b=_run_figures(found.b, found.summary_b),
        agency_scope=found.agency_scope,
        waves=[CountDiffOut.model_validate(d, from_attributes=True) for d in found.waves],
        agencies=[CountDiffOut.model_validate(d, from_attributes=True) for d in found.agencies],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        changes=[MoveChangeOut.model_validate(c, from_attributes=True) for c in found.changes],
    )
