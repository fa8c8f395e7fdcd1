"""The plan's pages: dashboard, plan list, agency, person, own record, comparison.

The JSON API for the same views lives in `plan_api` and is mounted on this router.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from pionir.planner.ledger import BLOCKING_CODES
from pionir.screening.rules import REASON_TEXT
from pionir.services import person_views, plan_compare, plan_list, plan_views, runs, search_terms
from pionir.services.actor import Role
from pionir.services.plan_views import Dashboard
from pionir.services.run_memo import memo_for_run
from pionir.services.run_summary import summary_of
from pionir.web.charts import Bar, dashboard_charts, row_chart
from pionir.web.deps import CurrentViewer, Db, Language
from pionir.web.i18n import pick, translator
from pionir.web.params import OptionalQueryRecordId, Page, RecordId
from pionir.web.render import fragment, render
from pionir.web.routes import plan_api
from pionir.web.routes.plan_api import PlanFilterQuery

router = APIRouter()
router.include_router(plan_api.router)


def _reasons(lang: str) -> dict[str, str]:
    """Screening reason codes in the reader's language."""
    return {code: pick(lang, *text) for code, text in REASON_TEXT.items()}


def _charts_html(db: Db, dash: Dashboard, lang: str) -> Markup:
    """The dashboard's charts, drawn once per finished run, K/L scope and language.

    Drawing them (the SVGs and each chart's table of figures) took most of the page's
    time, and they are the same for every reader who shares the scope and the language.
    """
    return memo_for_run(
        db,
        dash.run,
        ("dashboard_charts", dash.agency_scope, lang),
        lambda: fragment(
            "_dashboard_charts.html", lang, run=dash.run, charts=dashboard_charts(dash, lang)
        ),
    )


def _dashboard_page(
    request: Request, db: Db, viewer: CurrentViewer, lang: str, run_id: int
) -> Response:
    dash = plan_views.dashboard(db, viewer.actor, run_id)
    binding_codes = [
        code for code in BLOCKING_CODES if any(code in w for w in dash.binding.values())
    ]
    return render(
        request,
        viewer,
        "dashboard.html",
        dash=dash,
        run=dash.run,
        charts_html=_charts_html(db, dash, lang),
        binding_codes=binding_codes,
    )


@router.get("/dashboard", include_in_schema=False)
def dashboard_latest(request: Request, db: Db, viewer: CurrentViewer, lang: Language) -> Response:
    """The approved plan, else the newest successful one; an empty state before any."""
    run = runs.latest_finished_run(db, viewer.actor)
    if run is None:
        return render(request, viewer, "dashboard.html", dash=None)
    return _dashboard_page(request, db, viewer, lang, run.id)


@router.get("/runs/{run_id}/dashboard", include_in_schema=False)
def dashboard_page(
    request: Request, run_id: RecordId, db: Db, viewer: CurrentViewer, lang: Language
) -> Response:
    return _dashboard_page(request, db, viewer, lang, run_id)


@router.post("/runs/{run_id}/plan", include_in_schema=False)
def plan_search(
    run_id: RecordId,
    db: Db,
    viewer: CurrentViewer,
    form: Annotated[plan_api.PlacementSearch, Form()],
) -> Response:
    """The filter form posts here, so that a NIP typed into it never lands in a URL: the
    list it leads to names the search by a token."""
    fields = {
        "view": form.view.value,
        "wave": form.wave,
        "agency": form.agency,
        "tower": form.tower,
        "building": form.building,
        "outcome": form.outcome.value,
        "s": search_terms.remember(db, viewer.actor, form.q) or "",
    }
    db.commit()
    query = urlencode({key: value for key, value in fields.items() if value})
    return RedirectResponse(f"/runs/{run_id}/plan?{query}", status_code=303)


@router.get("/runs/{run_id}/plan", include_in_schema=False)
def plan_page(
    request: Request, run_id: RecordId, db: Db, viewer: CurrentViewer, wanted: PlanFilterQuery
) -> Response:
    found = plan_list.plan_page(db, viewer.actor, run_id, wanted)
    summary = summary_of(found.run)
    premises = summary.premises
    return render(
        request,
        viewer,
        "plan.html",
        run=found.run,
        found=found,
        views=list(plan_list.PlanView),
        outcomes=[
            o
            for o in plan_list.OutcomeFilter
            if viewer.actor.sees_screening or o not in plan_list.SCREENING_OUTCOMES
        ],
        waves=[w.wave_id for w in summary.waves],
        # A run stored by the worker always has its premises; without, nothing to filter by.
        towers=[t.tower_id for t in premises.towers] if premises else [],
        buildings=[b.building_id for b in premises.buildings] if premises else [],
        agencies=plan_views.planned_agencies(db, viewer.actor, found.run),
        wanted=wanted,
    )


@router.get("/runs/{run_id}/agencies/{agency_id}", include_in_schema=False)
def agency_page(
    request: Request,
    run_id: RecordId,
    agency_id: str,
    db: Db,
    viewer: CurrentViewer,
    lang: Language,
) -> Response:
    found = plan_views.agency_plan(db, viewer.actor, run_id, agency_id)
    _ = translator(lang)
    units = row_chart(
        "chart-units",
        _("Pegawai pindah per unit kerja terhadap kuota"),
        [Bar(u.unit_id, u.movers, u.quota) for u in found.units],
        _("Pegawai pindah"),
        _("Kuota"),
        lang=lang,
    )
    return render(
        request, viewer, "agency_plan.html", run=found.run, found=found, units_chart=units
    )


@router.get("/runs/{run_id}/placements/{placement_id}", include_in_schema=False)
def person_page(
    request: Request,
    run_id: RecordId,
    placement_id: RecordId,
    db: Db,
    viewer: CurrentViewer,
    lang: Language,
) -> Response:
    """One person's page, named by their placement row: no NIP in the URL."""
    record = person_views.person_record(db, viewer.actor, run_id, placement_id)
    return render(request, viewer, "person.html", record=record, reasons=_reasons(lang))


@router.get("/me", include_in_schema=False)
def my_page(request: Request, db: Db, viewer: CurrentViewer, lang: Language) -> Response:
    """An employee's own record; everyone else has the dashboard."""
    if viewer.actor.role is not Role.EMPLOYEE:
        return RedirectResponse("/dashboard", status_code=303)
    record = person_views.my_record(db, viewer.actor)
    return render(request, viewer, "me.html", record=record, reasons=_reasons(lang))


@router.get("/compare", include_in_schema=False)
def compare_page(
    request: Request,
    db: Db,
    viewer: CurrentViewer,
    a: OptionalQueryRecordId = None,
    b: OptionalQueryRecordId = None,
    page: Page = 1,
) -> Response:
    """Two runs side by side; without both, the form to choose them."""
    choices = plan_compare.finished_runs(db, viewer.actor)
    found = None
    if a is not None and b is not None:
        found = plan_compare.compare_runs(db, viewer.actor, a, b, page)
    return render(request, viewer, "compare.html", choices=choices, found=found, a=a, b=b)
