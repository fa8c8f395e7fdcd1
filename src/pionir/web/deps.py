"""Request plumbing shared by pages and API: database session, who is logged in, CSRF."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pionir.db.tables import LoginSession
from pionir.services.accounts import actor_of, session_user, touch_session
from pionir.services.actor import Actor
from pionir.services.errors import ServiceError
from pionir.web.i18n import LANGUAGE_COOKIE, language_of

SESSION_COOKIE = "pionir_session"
# The log-in form's CSRF token, double-submitted: once in this cookie, once in the form.
LOGIN_CSRF_COOKIE = "pionir_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class NotLoggedIn(Exception):
    """No valid session: pages redirect to the log-in page, the API answers 401."""


class CsrfRefused(ServiceError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "Formulir kedaluwarsa atau tidak sah; muat ulang halaman lalu coba lagi.",
            "The form has expired or is not genuine; reload the page and try again.",
        )


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as db:
        yield db


Db = Annotated[Session, Depends(get_db)]


@dataclass(frozen=True, slots=True)
class Viewer:
    """The logged-in actor with their session, for templates and CSRF checks."""

    actor: Actor
    full_name: str
    session: LoginSession


def optional_viewer(request: Request, db: Db) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    idle = timedelta(minutes=request.app.state.settings.idle_minutes)
    found = session_user(db, token, idle)
    if found is None:
        return None
    user, session = found
    if touch_session(session):
        # Committed at once, on its own: the idle clock must move on GET pages too, which
        # commit nothing else.
        db.commit()
    return Viewer(actor_of(user), user.full_name, session)


async def _csrf_token_sent(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def current_viewer(
    request: Request, viewer: Annotated[Viewer | None, Depends(optional_viewer)]
) -> Viewer:
    """The logged-in viewer; on unsafe methods the CSRF token must match the session's."""
    if viewer is None:
        raise NotLoggedIn()
    if request.method in UNSAFE:
        sent = await _csrf_token_sent(request)
        # As bytes: compare_digest raises on text with non-ASCII, which a header may hold.
        expected = viewer.session.csrf_token.encode()
        if not sent or not secrets.compare_digest(sent.encode(errors="replace"), expected):
            raise CsrfRefused()
    return viewer


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


class LoginCsrfRefused(ServiceError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "Formulir masuk kedaluwarsa atau tidak berasal dari Pionir; muat ulang halaman "
            "lalu coba lagi.",
            "The log-in form has expired or did not come from Pionir; reload the page and "
            "try again.",
        )


def login_csrf_cookie(request: Request) -> str:
    """The pre-session cookie's name: `__Host-` over HTTPS, so no subdomain can set it."""
    secure = request.app.state.settings.secure_cookies
    return f"__Host-{LOGIN_CSRF_COOKIE}" if secure else LOGIN_CSRF_COOKIE


def login_csrf_token(request: Request) -> str:
    """The browser's pre-session token if it has a plausible one, else a new one."""
    sent = request.cookies.get(login_csrf_cookie(request), "")
    return sent if 20 <= len(sent) <= 100 else secrets.token_urlsafe(32)


def check_login_csrf(request: Request, sent: str) -> None:
    """A form posted without a session (log-in, reset) must carry its cookie's token.

    Without this a foreign page could log a visitor in to the attacker's account (login
    CSRF) and collect what they then type. Double-submit needs no server secret, which
    several server processes would otherwise have to share.
    """
    cookie = request.cookies.get(login_csrf_cookie(request), "")
    if not cookie or not sent or not secrets.compare_digest(cookie, sent):
        raise LoginCsrfRefused()


class NotJson(ServiceError):
    status = 415

    def __init__(self) -> None:
        super().__init__(
            "Kirim isi permintaan sebagai JSON (Content-Type: application/json).",
            "Send the request body as JSON (Content-Type: application/json).",
        )


def require_json(request: Request) -> None:
    """Unauthenticated JSON endpoints are protected from CSRF by their content type.

    A cross-site form can only send urlencoded, multipart or text/plain bodies; sending
    `application/json` from another origin needs a CORS preflight, which this application
    never grants. So a JSON-only endpoint cannot be driven by a foreign page, with no
    token for API clients to fetch first.
    """
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise NotJson()


RequireJson = Depends(require_json)


def client_address(request: Request) -> str:
    """The address throttling counts failures by (the proxy's, unless uvicorn trusts it)."""
    return request.client.host if request.client else "unknown"


async def language(request: Request) -> str:
    # Async, though it waits for nothing: FastAPI runs a plain `def` dependency in a
    # worker thread, a hop on every page for reading one cookie.
    return language_of(request.cookies.get(LANGUAGE_COOKIE))


Language = Annotated[str, Depends(language)]
