"""The FastAPI application: routers, static files, and errors turned into pages or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from pionir.config import Settings, load_settings
from pionir.db.engine import WEB_LOCK_WAIT, make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.scenario.errors import IssueSummary, ScenarioIssue, summarise
from pionir.services.errors import InputRefused, NotFound, ServiceError
from pionir.web import api_docs
from pionir.web.body_limit import BodyLimit
from pionir.web.deps import NotLoggedIn, optional_viewer
from pionir.web.headers import SecurityHeaders
from pionir.web.i18n import language_of, pick
from pionir.web.incidents import IncidentMiddleware
from pionir.web.params import refuse_control_characters
from pionir.web.render import render
from pionir.web.routes import ROUTERS
from pionir.web.validation import described

STATIC = Path(__file__).parent / "static"


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, *, migrate: bool = True
) -> FastAPI:
    """The application on the configured database, migrated to the newest schema."""
    settings = settings or load_settings()
    engine = engine or make_engine(settings.database_url, lock_wait=WEB_LOCK_WAIT)
    if migrate:
        upgrade(engine)
    app = FastAPI(
        title="Pionir",
        summary="Perencanaan pemindahan ASN ke IKN / Staged relocation of civil servants to IKN",
        version="0.1.0",
        # `/docs` is served from the package's own assets (web/api_docs.py); no ReDoc.
        docs_url=None,
        redoc_url=None,
        # Every route's path, query and body text is checked for control characters.
        dependencies=[Depends(refuse_control_characters)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(api_docs.router)
    _install_error_handlers(app)
    # A locked database (503) or a crash (500 with an incident reference) that no
    # handler above took; see web.incidents for why this is a middleware.
    app.add_middleware(IncidentMiddleware)
    app.add_middleware(BodyLimit)  # before anything reads a body
    # Outermost, so that every answer (a 413, 500 or 503 too) carries the headers.
    app.add_middleware(SecurityHeaders)
    return app


def worker_app() -> FastAPI:
    """The app for each of several server processes: `pionir serve` migrated already."""
    return create_app(migrate=False)


def issues_json(summary: IssueSummary) -> dict[str, Any]:
    """The first problems one by one, then the rest counted by rule, and how many in all."""
    return {
        "issues": [
            {
                "file": i.file,
                "row": i.row,
                "column": i.column,
                "message": i.message,
                "message_en": i.message_en,
            }
            for i in summary.shown
        ],
        "issues_total": summary.total,
        "more_issues": [
            {
                "file": more.rule.file,
                "column": more.rule.column,
                "message": more.rule.message,
                "message_en": more.rule.message_en,
                "count": more.count,
            }
            for more in summary.more
        ],
    }


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, _error: NotLoggedIn) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"error": "Silakan masuk terlebih dahulu.", "error_en": "Please log in first."},
                status_code=401,
            )
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(ServiceError)
    async def refused(request: Request, error: ServiceError) -> Response:
        # The page looks up the viewer: off the event loop, in case the database waits.
        return await run_in_threadpool(_refusal, request, error)

    @app.exception_handler(StarletteHTTPException)
    async def no_such_page(request: Request, error: StarletteHTTPException) -> Response:
        # A path no route matches, or a method a route does not take: the same bilingual
        # answer as a record that does not exist, not the framework's English one.
        if error.status_code == 405:
            refusal: ServiceError = MethodRefused()
        elif error.status_code == 404:
            refusal = NotFound()
        else:
            refusal = ServiceError(str(error.detail), str(error.detail))
            refusal.status = error.status_code
        response = await run_in_threadpool(_refusal, request, refusal)
        if error.headers:
            response.headers.update(error.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        errors = list(error.errors())
        if errors and all(e.get("loc", ("",))[0] == "path" for e in errors):
            # An id that cannot exist (0, 2^64, "abc") is as unknown as one that could.
            return await run_in_threadpool(_refusal, request, NotFound())
        problems = [described(e) for e in errors]
        message = "Permintaan tidak lengkap atau isinya salah."
        message_en = "The request is incomplete or has wrong values."
        if _is_api(request):
            return JSONResponse(
                {
                    "error": message,
                    "error_en": message_en,
                    "problems": [
                        {"where": p.where, "message": p.message, "message_en": p.message_en}
                        for p in problems
                    ],
                },
                status_code=422,
            )
        issues = [ScenarioIssue("", 0, p.field, p.message, p.message_en) for p in problems]
        refusal = InputRefused(message, message_en, issues)
        return await run_in_threadpool(_refusal, request, refusal)


class MethodRefused(ServiceError):
    status = 405

    def __init__(self) -> None:
        super().__init__(
            "Alamat ini tidak menerima permintaan seperti itu.",
            "This address does not take that kind of request.",
        )


def _refusal(request: Request, error: ServiceError) -> Response:
    """A refusal as JSON under /api/, else as the error page with its list of problems."""
    summary = error.summary if isinstance(error, InputRefused) else summarise([])
    if _is_api(request):
        return JSONResponse(
            {"error": error.message, "error_en": error.message_en, **issues_json(summary)},
            status_code=error.status,
        )
    db = request.app.state.sessions()
    try:
        viewer = optional_viewer(request, db)
        lang = language_of(request.cookies.get("pionir_lang"))
        return render(
            request,
            viewer,
            "error.html",
            status_code=error.status,
            message=pick(lang, error.message, error.message_en),
            issues=summary.shown,
            summary=summary,
        )
    finally:
        db.close()
