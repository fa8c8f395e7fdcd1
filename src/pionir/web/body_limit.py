"""A limit on request bodies, enforced before anything reads or spools them.

Starlette spools a multipart body to a temporary file while parsing it, and
the CSRF check parses the form before the route runs: without this, anyone who
reaches the port could make the server write 300 MB to disk before being told
to log in. So this pure ASGI middleware, outermost but for error handling,
answers 413 at once when the declared Content-Length is over the limit, and
counts the bytes of a body sent without one (chunked), answering 413 as soon
as the count passes the limit.

The limit is `Settings.max_upload_bytes` for a request carrying a valid
session cookie and `ANONYMOUS_BODY_BYTES` for any other: the log-in form is a
few hundred bytes. The session is looked up (one query, in a worker thread)
only when the body may be larger than the anonymous limit; never per chunk.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Final

from anyio import to_thread
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send

from pionir.config import Settings
from pionir.services.accounts import session_user
from pionir.web.asgi import HttpMiddleware
from pionir.web.deps import SESSION_COOKIE

# Larger than any form or JSON request an anonymous client has reason to send
# (log-in, language choice), small enough that a crowd of them costs nothing.
ANONYMOUS_BODY_BYTES: Final = 64 * 1024


class _BodyTooLarge(Exception):
    """The counted body passed the limit; raised into whatever reads it."""


def _too_large(scope: Scope, limit: int, anonymous: bool) -> Response:
    size = f"{limit // 1024:,} KB" if limit < 1024 * 1024 else f"{limit // (1024 * 1024):,} MB"
    if anonymous:
        message = f"Permintaan terlalu besar ({size} tanpa masuk). Silakan masuk terlebih dahulu."
        message_en = f"The request is too large ({size} without logging in). Please log in first."
    else:
        message = f"File atau permintaan melebihi batas {size}; tidak ada yang disimpan."
        message_en = f"The file or request exceeds the {size} limit; nothing was saved."
    headers = {"Connection": "close"}
    if str(scope.get("path", "")).startswith("/api/"):
        return JSONResponse(
            {"error": message, "error_en": message_en}, status_code=413, headers=headers
        )
    return PlainTextResponse(f"{message}\n{message_en}\n", status_code=413, headers=headers)


class BodyLimit(HttpMiddleware):
    """Refuses request bodies over the limit with 413, before the application reads them."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared, chunked = _declared_length(scope)
        if declared == 0 or (declared is None and not chunked):
            await self.app(scope, receive, send)
            return
        limit, anonymous = ANONYMOUS_BODY_BYTES, True
        may_be_large = declared is None or declared > ANONYMOUS_BODY_BYTES
        if may_be_large and await _has_session(scope):
            limit, anonymous = _settings(scope).max_upload_bytes, False
        if declared is not None and declared > limit:
            await _too_large(scope, limit, anonymous)(scope, receive, send)
            return
        await self._counted(scope, receive, send, limit, anonymous)

    async def _counted(
        self, scope: Scope, receive: Receive, send: Send, limit: int, anonymous: bool
    ) -> None:
        """Run the app with the body counted; past the limit, its answer becomes the 413."""
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's answer to a body it could not finish reading
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with suppress(_BodyTooLarge):
            await self.app(scope, counting_receive, guarded_send)
        # FastAPI turns an error while parsing a form into a 400; either way the answer is 413.
        if exceeded and not started:
            await _too_large(scope, limit, anonymous)(scope, receive, send)


def _declared_length(scope: Scope) -> tuple[int | None, bool]:
    """The Content-Length as a number (None when absent), and whether the body is chunked.

    A request with neither has no body (HTTP/1.1), so a GET costs no session lookup.
    """
    length: int | None = None
    chunked = False
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                length = max(int(value), 0)
            except ValueError:
                chunked = True  # unreadable: count what comes
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked


def _settings(scope: Scope) -> Settings:
    settings: Settings = scope["app"].state.settings
    return settings


async def _has_session(scope: Scope) -> bool:
    """Whether the request's session cookie names a valid session (one query, off the loop)."""
    token = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
    if not token:
        return False
    sessions = scope["app"].state.sessions

    def lookup() -> bool:
        with sessions() as db:
            return session_user(db, token) is not None

    return await to_thread.run_sync(lookup)
