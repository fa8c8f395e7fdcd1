"""The last line of defence: a busy database answers 503, any other crash a plain 500.

A user never sees a traceback, and the log never sees personal data: a crash is logged
with an incident reference (also shown to the user, so a report can be matched), the
exception's type, the method and the route's template (`/runs/{run_id}/people/{nip}`,
never the path as sent, which may hold a NIP, nor the query string) and the stack's
frames, without the exception's message (which may quote SQL, a name or a NIP).

This is an ASGI middleware rather than a FastAPI exception handler because a handler
for `Exception` runs in Starlette's outermost middleware, which re-raises the exception
to the server afterwards, and the server logs it whole. Here it is caught inside the
security-header and other user middlewares, and also when an error page itself fails
(the ServiceError page reads the session from a database that may be locked).
"""

from __future__ import annotations

import logging
import secrets
import traceback
from typing import Final

from sqlalchemy.exc import OperationalError
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send

from pionir.web.asgi import HttpMiddleware
from pionir.web.i18n import LANGUAGE_COOKIE, language_of, pick
from pionir.web.render import render

log = logging.getLogger("pionir.web")

# Seconds a client is asked to wait after a 503: about one SQLite lock wait of the web app.
RETRY_AFTER: Final = 5

BUSY: Final = (
    "Server sedang sibuk; coba lagi sebentar lagi.",
    "The server is busy; try again in a moment.",
)
CRASHED: Final = (
    "Terjadi kesalahan di server; tidak ada yang disimpan dari permintaan ini. "
    "Sebutkan nomor kejadian {ref} bila melapor ke pengelola.",
    "Something went wrong on the server; nothing from this request was saved. "
    "Quote incident {ref} when reporting it to the administrators.",
)


def route_template(scope: Scope) -> str:
    """The matched route's path template, or a placeholder: never the path as sent."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else "(no route)"


def _innermost(error: Exception) -> Exception:
    # Task groups in middlewares wrap an error in an ExceptionGroup of one.
    while isinstance(error, ExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


def _is_api(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/")


def _page(scope: Scope, status: int, message: str, message_en: str) -> Response:
    """The error page without a viewer: the database that would name them may be down."""
    request = Request(scope)
    lang = language_of(request.cookies.get(LANGUAGE_COOKIE))
    try:
        return render(
            request,
            None,
            "error.html",
            status_code=status,
            message=pick(lang, message, message_en),
            issues=[],
        )
    except Exception:
        # A page that cannot render is no reason to show a traceback either.
        return PlainTextResponse(f"{message}\n{message_en}", status_code=status)


def answer(scope: Scope, error: Exception) -> Response:
    """The response for an exception no handler took, logged without personal data."""
    error = _innermost(error)
    method = str(scope.get("method", ""))
    where = route_template(scope)
    if isinstance(error, OperationalError):
        # SQLite's lock wait ran out, or PostgreSQL is unreachable: worth a retry.
        log.warning(
            "database busy or unavailable (%s from %s) in %s %s",
            type(error).__name__,
            type(error.orig).__name__,
            method,
            where,
        )
        headers = {"Retry-After": str(RETRY_AFTER)}
        if _is_api(scope):
            response: Response = JSONResponse(
                {"error": BUSY[0], "error_en": BUSY[1]}, status_code=503, headers=headers
            )
        else:
            response = _page(scope, 503, *BUSY)
            response.headers.update(headers)
        return response
    ref = secrets.token_hex(4)
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error(
        "incident %s: %s in %s %s\n%s", ref, type(error).__name__, method, where, frames.rstrip()
    )
    message, message_en = (text.format(ref=ref) for text in CRASHED)
    if _is_api(scope):
        return JSONResponse(
            {"error": message, "error_en": message_en, "incident": ref}, status_code=500
        )
    return _page(scope, 500, message, message_en)


class IncidentMiddleware(HttpMiddleware):
    """Turns an exception that escaped every handler into `answer`'s response."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as error:
            response = answer(scope, error)
            # Once a response has begun (a streamed export) it cannot be replaced; the
            # server closes the connection and the client sees the download cut short.
            if not started:
                await response(scope, receive, send)
