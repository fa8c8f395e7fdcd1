"""The FastAPI application: routers, static files, and errors turned into pages or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from pionir.config import Settings, load_settings
from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.scenario.errors import IssueSummary, summarise
from pionir.services.errors import InputRefused, ServiceError
from pionir.web import api_docs
from pionir.web.body_limit import BodyLimit
from pionir.web.deps import NotLoggedIn, optional_viewer
from pionir.web.headers import SecurityHeaders
from pionir.web.i18n import language_of, pick
from pionir.web.render import render
from pionir.web.routes import ROUTERS

STATIC = Path(__file__).parent / "static"


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, *, migrate: bool = True
) -> FastAPI:
    """The application on the configured database, migrated to the newest schema."""
    settings = settings or load_settings()
    engine = engine or make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    app = FastAPI(
        title="Pionir",
        summary="Perencanaan pemindahan ASN ke IKN / Staged relocation of civil servants to IKN",
        version="0.1.0",
        # `/docs` is served from the package's own assets (web/api_docs.py); no ReDoc.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(api_docs.router)
    _install_error_handlers(app)
    app.add_middleware(BodyLimit)  # before anything reads a body
    # Outermost, so that every answer, a 413 from BodyLimit too, carries the headers.
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
        summary = error.summary if isinstance(error, InputRefused) else summarise([])
        if _is_api(request):
            return JSONResponse(
                {
                    "error": error.message,
                    "error_en": error.message_en,
                    **issues_json(summary),
                },
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

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in error.errors()
        ]
        return JSONResponse(
            {
                "error": "Permintaan tidak lengkap atau isinya salah.",
                "error_en": "The request is incomplete or has wrong values.",
                "problems": problems,
            },
            status_code=422,
        )
