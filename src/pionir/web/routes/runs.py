"""Plan runs: request, watch progress, cancel, approve, history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from pionir.db.tables import PlanRun
from pionir.services import runs, scenarios
from pionir.services.run_summary import summary_of
from pionir.web.deps import CurrentViewer, Db
from pionir.web.params import FormSeed, OptionalQueryRecordId, RecordId, Seed
from pionir.web.render import render
from pionir.web.timestamps import UtcDateTime

router = APIRouter()


@router.post("/versions/{version_id}/runs", include_in_schema=False)
def run_form(
    version_id: RecordId,
    db: Db,
    viewer: CurrentViewer,
    time_limit: Annotated[float, Form()] = 30.0,
    seed: FormSeed = 0,
) -> Response:
    run = runs.request_run(db, viewer.actor, version_id, time_limit=time_limit, seed=seed)
    db.commit()
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


@router.get("/runs", include_in_schema=False)
def runs_page(request: Request, db: Db, viewer: CurrentViewer) -> Response:
    history = runs.list_runs(db, viewer.actor)
    labels = scenarios.version_labels(db, viewer.actor, (r.version_id for r in history))
    return render(request, viewer, "runs.html", runs=history, version_labels=labels)


@router.get("/runs/{run_id}", include_in_schema=False)
def run_page(request: Request, run_id: RecordId, db: Db, viewer: CurrentViewer) -> Response:
    run = runs.get_run(db, viewer.actor, run_id)
    labels = scenarios.version_labels(db, viewer.actor, [run.version_id])
    return render(
        request,
        viewer,
        "run.html",
        run=run,
        finished=run.status in runs.FINISHED,
        version_labels=labels,
    )


@router.get("/runs/{run_id}/progress", include_in_schema=False)
def run_progress_fragment(
    request: Request, run_id: RecordId, db: Db, viewer: CurrentViewer
) -> Response:
    """The progress panel alone, polled by htmx while the run is going."""
    run = runs.get_run(db, viewer.actor, run_id)
    response = render(
        request, viewer, "_run_progress.html", run=run, finished=run.status in runs.FINISHED
    )
    if run.status in runs.FINISHED:
        # Reload the whole page once, so its links to the plan's views appear.
        response.headers["HX-Refresh"] = "true"
    return response


@router.post("/runs/{run_id}/cancel", include_in_schema=False)
def cancel_form(run_id: RecordId, db: Db, viewer: CurrentViewer) -> Response:
    runs.cancel_run(db, viewer.actor, run_id)
    db.commit()
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


@router.post("/runs/{run_id}/approve", include_in_schema=False)
def approve_form(run_id: RecordId, db: Db, viewer: CurrentViewer) -> Response:
    runs.approve_run(db, viewer.actor, run_id)
    db.commit()
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


# --- JSON API -------------------------------------------------------------------------


class RunRequest(BaseModel):
    time_limit: float = 30.0
    seed: Seed = 0


class RunOut(BaseModel):
    id: int
    version_id: int
    status: str
    phase: str
    time_limit: float
    seed: int
    requested_by: str
    requested_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None
    cancel_requested: bool
    progress_seconds: float | None
    objective: float | None
    bound: float | None
    gap: float | None
    message: str
    message_en: str
    approved_by: str | None
    approved_at: UtcDateTime | None
    summary: dict[str, Any] | None = None


def run_out(run: PlanRun, with_summary: bool = False) -> RunOut:
    out = RunOut.model_validate(run, from_attributes=True)
    # Through the typed summary, so the answer holds what a summary.json would.
    out.summary = summary_of(run).to_json() if with_summary and run.summary is not None else None
    return out


@router.post(
    "/api/versions/{version_id}/runs",
    tags=["perencanaan / plan runs"],
    status_code=202,
    response_model=RunOut,
)
def api_request_run(
    version_id: RecordId, body: RunRequest, db: Db, viewer: CurrentViewer
) -> RunOut:
    """Queue a plan run; poll GET /api/runs/{id} for its progress."""
    run = runs.request_run(db, viewer.actor, version_id, time_limit=body.time_limit, seed=body.seed)
    db.commit()
    return run_out(run)


@router.get("/api/runs", tags=["perencanaan / plan runs"], response_model=list[RunOut])
def api_runs(
    db: Db, viewer: CurrentViewer, version_id: OptionalQueryRecordId = None
) -> list[RunOut]:
    return [run_out(r) for r in runs.list_runs(db, viewer.actor, version_id)]


@router.get("/api/runs/{run_id}", tags=["perencanaan / plan runs"], response_model=RunOut)
def api_run(run_id: RecordId, db: Db, viewer: CurrentViewer) -> RunOut:
    """A run's status and progress: current objective, bound and gap; its summary when done."""
    return run_out(runs.get_run(db, viewer.actor, run_id), with_summary=True)


@router.post("/api/runs/{run_id}/cancel", tags=["perencanaan / plan runs"], response_model=RunOut)
def api_cancel(run_id: RecordId, db: Db, viewer: CurrentViewer) -> RunOut:
    run = runs.cancel_run(db, viewer.actor, run_id)
    db.commit()
    return run_out(run)


@router.post("/api/runs/{run_id}/approve", tags=["perencanaan / plan runs"], response_model=RunOut)
def api_approve(run_id: RecordId, db: Db, viewer: CurrentViewer) -> RunOut:
    run = runs.approve_run(db, viewer.actor, run_id)
    db.commit()
    return run_out(run)
