"""The FastAPI application: routers, static files, and errors turned into pages or JSON."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from pionir.config import Settings, load_settings
from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.services.errors import InputRefused, ServiceError
from pionir.web import api_docs
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
    app.add_middleware(SecurityHeaders)
    return app


def worker_app() -> FastAPI:
    """The app for each of several server processes: `pionir serve` migrated already."""
    return create_app(migrate=False)


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
        issues = error.issues if isinstance(error, InputRefused) else []
        if _is_api(request):
            return JSONResponse(
                {
                    "error": error.message,
                    "error_en": error.message_en,
                    "issues": [
                        {
                            "file": i.file,
                            "row": i.row,
                            "column": i.column,
                            "message": i.message,
                            "message_en": i.message_en,
                        }
                        for i in issues
                    ],
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
                issues=issues,
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
