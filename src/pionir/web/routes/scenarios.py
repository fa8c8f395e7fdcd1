"""Scenarios: list, import (with the table of every problem), template, version, screening."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from pionir.db.tables import ScenarioVersion
from pionir.scenario.demo import generate_demo
from pionir.scenario.errors import ScenarioIssue
from pionir.scenario.xlsx_io import write_scenario_workbook
from pionir.screening.rules import REASON_TEXT
from pionir.services import (
    editing,
    runs,
    scenarios,
    screening_views,
    search_terms,
    upload_reader,
)
from pionir.services.actor import Actor, require_overview
from pionir.services.errors import InputRefused
from pionir.web.deps import CurrentViewer, Db, Language
from pionir.web.params import MAX_PAGE, OptionalFormRecordId, Page, RecordId, SearchToken
from pionir.web.render import render
from pionir.web.timestamps import UtcDateTime

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def template_workbook() -> bytes:
    """A small filled-in workbook: every sheet and column, with example rows to overwrite."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.xlsx"
        write_scenario_workbook(generate_demo(scale=0.01, seed=1), path)
        return path.read_bytes()


async def _read_upload(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes. The request body was bounded before it was read (web.body_limit);
    this guards the file itself should the route ever be reached another way."""
    data = await upload.read(limit + 1)
    if len(data) > limit:
        size = f"{limit // (1024 * 1024):,} MB"
        raise InputRefused(
            "File terlalu besar.",
            "The file is too large.",
            [
                ScenarioIssue(
                    upload.filename or "",
                    0,
                    "",
                    f"File melebihi {size}.",
                    f"The file exceeds {size}.",
                )
            ],
        )
    return data


async def _import_upload(
    request: Request,
    db: Session,
    actor: Actor,
    file: UploadFile,
    *,
    name: str,
    scenario_id: int | None,
    note: str,
) -> ScenarioVersion:
    """Read, validate and store an upload, committed; refused uploads leave nothing behind."""
    settings = request.app.state.settings
    data = await _read_upload(file, settings.max_upload_bytes)
    try:
        # Reading a workbook takes seconds: off the event loop, so other requests go on,
        # and in a child process bounded in memory and time, which holds no GIL of ours.
        version = await run_in_threadpool(
            scenarios.import_scenario,
            db,
            actor,
            data,
            file.filename or "upload",
            name=name,
            scenario_id=scenario_id,
            note=note,
            read=upload_reader.reader(settings),
        )
    except InputRefused:
        db.rollback()
        raise
    db.commit()
    return version


def _version_out(version: Any) -> dict[str, Any]:
    return {
        "id": version.id,
        "scenario_id": version.scenario_id,
        "number": version.number,
        "created_at": version.created_at,
        "created_by": version.created_by,
        "source_name": version.source_name,
        "note": version.note,
        "counts": version.counts,
    }


@router.get("/scenarios", include_in_schema=False)
def scenarios_page(request: Request, db: Db, viewer: CurrentViewer) -> Response:
    listed = scenarios.list_scenarios(db, viewer.actor)
    return render(request, viewer, "scenarios.html", scenarios=listed)


@router.get("/scenarios/template.xlsx", tags=["skenario / scenarios"])
def template_download(viewer: CurrentViewer) -> Response:
    """The import template: the workbook layout with example rows.

    For every role but employees, as docs/web.md's table says: it is a planning tool."""
    require_overview(viewer.actor)
    return Response(
        template_workbook(),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="pionir-template.xlsx"'},
    )


@router.post("/scenarios/import", include_in_schema=False)
async def import_form(
    request: Request,
    db: Db,
    viewer: CurrentViewer,
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form()] = "",
    scenario_id: OptionalFormRecordId = None,
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        version = await _import_upload(
            request,
            db,
            viewer.actor,
            file,
            name=name,
            scenario_id=scenario_id,
            note=note,
        )
    except InputRefused as refused:
        return render(
            request,
            viewer,
            "import_refused.html",
            status_code=422,
            filename=file.filename,
            refused=refused,
            issues=refused.summary.shown,
            summary=refused.summary,
        )
    return RedirectResponse(f"/versions/{version.id}", status_code=303)


@router.get("/versions/{version_id}", include_in_schema=False)
def version_page(request: Request, version_id: RecordId, db: Db, viewer: CurrentViewer) -> Response:
    version = scenarios.get_version(db, viewer.actor, version_id)
    record = scenarios.get_scenario(db, viewer.actor, version.scenario_id)
    history = runs.list_runs(db, viewer.actor, version_id)
    return render(
        request,
        viewer,
        "version.html",
        version=version,
        newer=editing.newer_version(db, version),
        record=record,
        runs=history,
        version_labels={version.id: f"{record.name} · v{version.number}"},
    )


@router.get("/versions/{version_id}/priorities", include_in_schema=False)
def priorities_page(
    request: Request, version_id: RecordId, db: Db, viewer: CurrentViewer, agency: str = ""
) -> Response:
    version = scenarios.get_version(db, viewer.actor, version_id)
    units = screening_views.unit_priorities(db, viewer.actor, version_id, agency or None)
    return render(request, viewer, "priorities.html", version=version, units=units, agency=agency)


def _filter(
    agency: str, unit: str, eligible: str, reason: str, search: str | None, page: int
) -> screening_views.ScreeningFilter:
    return screening_views.ScreeningFilter(
        agency_id=agency or None,
        unit_id=unit or None,
        eligible={"yes": True, "no": False}.get(eligible),
        reason=reason or None,
        search=search,
        page=page,
    )


class ScreeningSearch(BaseModel):
    """The screening list's filters with a search by name or NIP, sent in a body: a NIP
    in a URL would be kept by every proxy and access log on the way."""

    agency: str = ""
    unit: str = ""
    eligible: str = ""
    reason: str = ""
    q: Annotated[str, Field(max_length=search_terms.LONGEST)] = ""
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1


@router.post("/versions/{version_id}/screening", include_in_schema=False)
def screening_search(
    version_id: RecordId,
    db: Db,
    viewer: CurrentViewer,
    form: Annotated[ScreeningSearch, Form()],
) -> Response:
    """The filter form posts here; the list it leads to names the search by a token."""
    fields = {
        "agency": form.agency,
        "unit": form.unit,
        "eligible": form.eligible,
        "reason": form.reason,
        "s": search_terms.remember(db, viewer.actor, form.q) or "",
    }
    db.commit()
    query = urlencode({key: value for key, value in fields.items() if value})
    return RedirectResponse(f"/versions/{version_id}/screening?{query}", status_code=303)


@router.get("/versions/{version_id}/screening", include_in_schema=False)
def screening_page(
    request: Request,
    version_id: RecordId,
    db: Db,
    viewer: CurrentViewer,
    lang: Language,
    agency: str = "",
    unit: str = "",
    eligible: str = "",
    reason: str = "",
    s: SearchToken = "",
    page: Page = 1,
) -> Response:
    version = scenarios.get_version(db, viewer.actor, version_id)
    search = search_terms.recall(db, viewer.actor, s)
    found = screening_views.screening_page(
        db, viewer.actor, version_id, _filter(agency, unit, eligible, reason, search, page)
    )
    funnel = screening_views.screening_funnel(db, viewer.actor, version_id)
    return render(
        request,
        viewer,
        "screening.html",
        version=version,
        found=found,
        funnel=funnel,
        agencies=screening_views.agencies(db, viewer.actor, version_id),
        reasons=REASON_TEXT,
        reason_label=lambda code: REASON_TEXT.get(code, (code, code))[1 if lang == "en" else 0],
        wanted={
            "agency": agency,
            "unit": unit,
            "eligible": eligible,
            "reason": reason,
            "q": search or "",
        },
    )


# --- JSON API -------------------------------------------------------------------------


class VersionOut(BaseModel):
    id: int
    scenario_id: int
    number: int
    created_at: UtcDateTime
    created_by: str
    source_name: str
    note: str
    counts: dict[str, Any]


class ScenarioOut(BaseModel):
    id: int
    name: str
    versions: list[VersionOut]


@router.get("/api/scenarios", tags=["skenario / scenarios"], response_model=list[ScenarioOut])
def api_scenarios(db: Db, viewer: CurrentViewer) -> list[ScenarioOut]:
    return [
        ScenarioOut(
            id=s.record.id,
            name=s.record.name,
            versions=[VersionOut(**_version_out(v)) for v in s.versions],
        )
        for s in scenarios.list_scenarios(db, viewer.actor)
    ]


@router.post(
    "/api/scenarios", tags=["skenario / scenarios"], status_code=201, response_model=VersionOut
)
async def api_import(
    request: Request,
    db: Db,
    viewer: CurrentViewer,
    file: Annotated[UploadFile, File(description=".xlsx workbook or .zip of CSV files")],
    name: Annotated[str, Form()] = "",
    scenario_id: OptionalFormRecordId = None,
    note: Annotated[str, Form()] = "",
) -> VersionOut:
    """Import a scenario (or a new version of one); 422 lists every problem, nothing stored."""
    version = await _import_upload(
        request, db, viewer.actor, file, name=name, scenario_id=scenario_id, note=note
    )
    return VersionOut(**_version_out(version))


@router.get("/api/versions/{version_id}", tags=["skenario / scenarios"], response_model=VersionOut)
def api_version(version_id: RecordId, db: Db, viewer: CurrentViewer) -> VersionOut:
    return VersionOut(**_version_out(scenarios.get_version(db, viewer.actor, version_id)))


class UnitOut(BaseModel):
    unit_id: str
    agency_id: str
    name: str
    function: str
    miniature: bool
    digital_readiness: float
    quota: int
    priority: float
    rank: int


@router.get(
    "/api/versions/{version_id}/priorities",
    tags=["skenario / scenarios"],
    response_model=list[UnitOut],
)
def api_priorities(
    version_id: RecordId, db: Db, viewer: CurrentViewer, agency: str = ""
) -> list[UnitOut]:
    return [
        UnitOut.model_validate(u, from_attributes=True)
        for u in screening_views.unit_priorities(db, viewer.actor, version_id, agency or None)
    ]


class PersonScreeningOut(BaseModel):
    nip: str
    name: str
    agency_id: str
    unit_id: str
    position_title: str
    grade: str
    eligible: bool
    movable: bool
    merit: float
    reasons: list[str]


class ScreeningOut(BaseModel):
    total: int
    page: int
    per_page: int
    people: list[PersonScreeningOut]


@router.get(
    "/api/versions/{version_id}/screening",
    tags=["skenario / scenarios"],
    response_model=ScreeningOut,
)
def api_screening(
    version_id: RecordId,
    db: Db,
    viewer: CurrentViewer,
    agency: str = "",
    unit: str = "",
    eligible: str = "",
    reason: str = "",
    s: SearchToken = "",
    page: Page = 1,
) -> ScreeningOut:
    search = search_terms.recall(db, viewer.actor, s)
    wanted = _filter(agency, unit, eligible, reason, search, page)
    return _screening_out(screening_views.screening_page(db, viewer.actor, version_id, wanted))


@router.post(
    "/api/versions/{version_id}/screening/search",
    tags=["skenario / scenarios"],
    response_model=ScreeningOut,
)
def api_screening_search(
    version_id: RecordId, body: ScreeningSearch, db: Db, viewer: CurrentViewer
) -> ScreeningOut:
    """The screening list searched by name or NIP (`q`), with the same filters as
    `GET /api/versions/{version_id}/screening`; the NIP goes in the body, never in a URL."""
    wanted = _filter(
        body.agency, body.unit, body.eligible, body.reason, body.q.strip() or None, body.page
    )
    return _screening_out(screening_views.screening_page(db, viewer.actor, version_id, wanted))


def _screening_out(found: screening_views.ScreeningPage) -> ScreeningOut:
    return ScreeningOut(
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        people=[
            PersonScreeningOut(
                nip=p.nip,
                name=p.name,
                agency_id=p.agency_id,
                unit_id=p.unit_id,
                position_title=p.position_title,
                grade=p.grade,
                eligible=p.eligible,
                movable=p.movable,
                merit=p.merit,
                reasons=[r for r in p.reasons.split(";") if r],
            )
            for p in found.people
        ],
    )
