"""Editing a scenario version's policy and capacities: the forms, and (below) the JSON API.

Saving makes the scenario's next version; the version shown stays as it was. A
refused form comes back with the user's values and a table of every problem.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from pionir.db.tables import ScenarioVersion
from pionir.priority.ahp import MAX_CONSISTENCY_RATIO, AhpResult
from pionir.scenario.errors import ScenarioIssue
from pionir.scenario.model import (
    EDUCATION_ORDER,
    FACILITY_KINDS,
    PERFORMANCE_SCORE,
    POSITION_TYPES,
    PRIORITY_CRITERIA,
)
from pionir.scenario.tables import TABLES_BY_NAME
from pionir.services import editing, scenarios
from pionir.services.actor import Role, require_planner
from pionir.services.editing_checks import CAPACITY_TABLES
from pionir.services.errors import InputRefused, NotFound
from pionir.services.pairwise import reciprocal_text
from pionir.web.deps import CurrentViewer, Db, Viewer
from pionir.web.editing_forms import (
    CapacityForm,
    PolicyForm,
    blank_row,
    judgements_from_form,
    pairwise_field,
    raw_matrix,
)
from pionir.web.params import RecordId
from pionir.web.render import render
from pionir.web.routes import editing_api

router = APIRouter()
router.include_router(editing_api.router)


def _can_edit(viewer: Viewer) -> bool:
    """Everyone but the employee sees the forms; only planners get inputs and a save button."""
    return viewer.actor.role is Role.PLANNER


def _note(form_note: object) -> str:
    return form_note if isinstance(form_note, str) else ""


def _base_on_old(sent: object) -> bool:
    """The form's "edit this old version anyway" box, ticked."""
    return sent == "1"


# --- policy ---------------------------------------------------------------------------


@router.get("/versions/{version_id}/policy", include_in_schema=False)
def policy_page(request: Request, version_id: RecordId, db: Db, viewer: CurrentViewer) -> Response:
    version, policy = editing.version_policy(db, viewer.actor, version_id)
    return _policy_page(request, db, viewer, version, PolicyForm.from_policy(policy))


@router.post("/versions/{version_id}/policy", include_in_schema=False)
async def policy_save(
    request: Request, version_id: RecordId, db: Db, viewer: CurrentViewer
) -> Response:
    sent = await request.form()
    form = PolicyForm.from_form(sent)
    try:
        # Validating, screening and storing a version takes seconds: off the event loop.
        edited = await run_in_threadpool(
            editing.edit_policy,
            db,
            viewer.actor,
            version_id,
            form.to_raw(),
            note=_note(sent.get("note")),
            base_on_old=_base_on_old(sent.get("base_on_old")),
        )
    except InputRefused as refused:
        db.rollback()
        version, _ = editing.version_policy(db, viewer.actor, version_id)
        return _policy_page(request, db, viewer, version, form, refused, _note(sent.get("note")))
    db.commit()
    return RedirectResponse(f"/versions/{edited.version.id}", status_code=303)


def _policy_page(
    request: Request,
    db: Db,
    viewer: Viewer,
    version: ScenarioVersion,
    form: PolicyForm,
    refused: InputRefused | None = None,
    note: str = "",
) -> Response:
    record = scenarios.get_scenario(db, viewer.actor, version.scenario_id)
    issues = refused.issues if refused else []
    ahp, ahp_issues = _ahp(viewer, form.judgements)
    bad = {issue.column for issue in issues}
    return render(
        request,
        viewer,
        "policy.html",
        status_code=422 if refused else 200,
        version=version,
        newer=editing.newer_version(db, version),
        record=record,
        form=form,
        refused=refused,
        issues=issues,
        flagged=lambda key: _flagged(key, bad),
        note=note,
        can_edit=_can_edit(viewer),
        position_types=(*POSITION_TYPES, "default"),
        educations=EDUCATION_ORDER,
        ratings=tuple(PERFORMANCE_SCORE),
        pairwise_field=pairwise_field,
        **_ahp_context(ahp, ahp_issues, form.judgements),
    )


def _flagged(key: str, bad: set[str]) -> bool:
    """A field is marked when a problem names it or a table it is in (`merit.weights`)."""
    return any(key == column or key.startswith(f"{column}.") for column in bad if column)


def _ahp(
    viewer: Viewer, judgements: dict[tuple[int, int], str]
) -> tuple[AhpResult | None, list[ScenarioIssue]]:
    try:
        matrix = raw_matrix(judgements, len(PRIORITY_CRITERIA))
        return editing.ahp_check(viewer.actor, matrix), []
    except InputRefused as refused:
        return None, refused.issues


def _ahp_context(
    ahp: AhpResult | None, issues: list[ScenarioIssue], judgements: dict[tuple[int, int], str]
) -> dict[str, Any]:
    return {
        "ahp": ahp,
        "ahp_issues": issues,
        "ahp_limit": MAX_CONSISTENCY_RATIO,
        "criteria": PRIORITY_CRITERIA,
        "judgements": judgements,
        "reciprocal": reciprocal_text,
    }


@router.post("/ahp/preview", include_in_schema=False)
async def ahp_preview(request: Request, viewer: CurrentViewer) -> Response:
    """The live AHP box of the policy form: weights, λmax and CR of the matrix as typed."""
    judgements = judgements_from_form(await request.form(), len(PRIORITY_CRITERIA))
    ahp, issues = _ahp(viewer, judgements)
    return render(
        request, viewer, "_ahp_result.html", oob=True, **_ahp_context(ahp, issues, judgements)
    )


# --- capacity -------------------------------------------------------------------------


@router.get("/versions/{version_id}/capacity", include_in_schema=False)
def capacity_page(
    request: Request, version_id: RecordId, db: Db, viewer: CurrentViewer
) -> Response:
    version, capacity = editing.version_capacity(db, viewer.actor, version_id)
    return _capacity_page(request, db, viewer, version, CapacityForm.from_capacity(capacity))


@router.post("/versions/{version_id}/capacity", include_in_schema=False)
async def capacity_save(
    request: Request, version_id: RecordId, db: Db, viewer: CurrentViewer
) -> Response:
    sent = await request.form()
    form = CapacityForm.from_form(sent)
    try:
        edited = await run_in_threadpool(
            editing.edit_capacity,
            db,
            viewer.actor,
            version_id,
            form.to_rows(),
            note=_note(sent.get("note")),
            base_on_old=_base_on_old(sent.get("base_on_old")),
        )
    except InputRefused as refused:
        db.rollback()
        version = scenarios.get_version(db, viewer.actor, version_id)
        return _capacity_page(request, db, viewer, version, form, refused, _note(sent.get("note")))
    db.commit()
    return RedirectResponse(f"/versions/{edited.version.id}", status_code=303)


def _capacity_page(
    request: Request,
    db: Db,
    viewer: Viewer,
    version: ScenarioVersion,
    form: CapacityForm,
    refused: InputRefused | None = None,
    note: str = "",
) -> Response:
    record = scenarios.get_scenario(db, viewer.actor, version.scenario_id)
    issues = refused.issues if refused else []
    can_edit = _can_edit(viewer)
    if can_edit:
        for name in CAPACITY_TABLES:
            form.tables[name].append(blank_row(name))
    return render(
        request,
        viewer,
        "capacity.html",
        status_code=422 if refused else 200,
        version=version,
        newer=editing.newer_version(db, version),
        record=record,
        form=form,
        refused=refused,
        issues=issues,
        bad={(issue.file, issue.row, issue.column) for issue in issues},
        can_edit=can_edit,
        note=note,
        specs=[TABLES_BY_NAME[name] for name in CAPACITY_TABLES],
        facility_kinds=FACILITY_KINDS,
    )


@router.get("/versions/{version_id}/capacity/rows/{table}", include_in_schema=False)
def capacity_row(
    request: Request, version_id: RecordId, table: str, viewer: CurrentViewer
) -> Response:
    """One more empty row for a capacity table (the form's "add a row" button)."""
    require_planner(viewer.actor)
    if table not in CAPACITY_TABLES:
        raise NotFound()
    return render(
        request,
        viewer,
        "_capacity_row.html",
        spec=TABLES_BY_NAME[table],
        row=blank_row(table),
        bad=set(),
        can_edit=True,
        facility_kinds=FACILITY_KINDS,
    )
