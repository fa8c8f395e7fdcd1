"""Request plumbing shared by pages and API: database session, who is logged in, CSRF."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pionir.db.tables import LoginSession
from pionir.services.accounts import actor_of, session_user
from pionir.services.actor import Actor
from pionir.services.errors import ServiceError
from pionir.web.i18n import LANGUAGE_COOKIE, language_of

SESSION_COOKIE = "pionir_session"
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
    found = session_user(db, token)
    if found is None:
        return None
    user, session = found
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


def language(request: Request) -> str:
    return language_of(request.cookies.get(LANGUAGE_COOKIE))


Language = Annotated[str, Depends(language)]
