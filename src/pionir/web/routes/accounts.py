"""Log-in, log-out, language switch, the home page, and account administration."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from pionir.services import accounts
from pionir.services.actor import Role
from pionir.web.deps import SESSION_COOKIE, CurrentViewer, Db, Language, optional_viewer
from pionir.web.i18n import LANGUAGE_COOKIE, LANGUAGES, pick
from pionir.web.render import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only local paths: a log-in link must not send people to another site."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings = request.app.state.settings
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


@router.get("/login", include_in_schema=False)
def login_page(request: Request, db: Db, next: str = "/") -> Response:
    if optional_viewer(request, db) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, None, "login.html", next=_safe_next(next), failed=False)


@router.post("/login", include_in_schema=False)
def login_form(
    request: Request,
    db: Db,
    lang: Language,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = accounts.authenticate(db, username, password)
    if user is None:
        db.commit()
        return render(
            request, None, "login.html", status_code=401, next=_safe_next(next), failed=True
        )
    token, _session = accounts.open_session(db, user, request.app.state.settings.session_hours)
    db.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_session_cookie(request, response, token)
    return response


@router.post("/logout", include_in_schema=False)
def logout_form(request: Request, db: Db, viewer: CurrentViewer) -> Response:
    accounts.close_session(db, request.cookies.get(SESSION_COOKIE, ""))
    db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}", include_in_schema=False)
def switch_language(code: str, request: Request) -> Response:
    back = _safe_next(request.headers.get("referer") and urlparse(request.headers["referer"]).path)
    response = RedirectResponse(back, status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax")
    return response


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    # Browsers ask for this path before reading the page's <link rel="icon">.
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/", include_in_schema=False)
def home(viewer: CurrentViewer) -> Response:
    if viewer.actor.role is Role.EMPLOYEE:
        return RedirectResponse("/me", status_code=303)
    return RedirectResponse("/dashboard", status_code=303)


@router.get("/admin/users", include_in_schema=False)
def users_page(request: Request, db: Db, viewer: CurrentViewer) -> Response:
    users = accounts.list_users(db, viewer.actor)
    return render(request, viewer, "users.html", users=users, roles=list(Role), issues=[])


@router.post("/admin/users", include_in_schema=False)
def users_create(
    request: Request,
    db: Db,
    viewer: CurrentViewer,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[Role, Form()],
    full_name: Annotated[str, Form()] = "",
    agency_id: Annotated[str, Form()] = "",
    nip: Annotated[str, Form()] = "",
) -> Response:
    accounts.create_user(
        db,
        viewer.actor,
        username=username,
        full_name=full_name,
        password=password,
        role=role,
        agency_id=agency_id.strip() or None,
        nip=nip.strip() or None,
    )
    db.commit()
    return RedirectResponse("/admin/users", status_code=303)


# --- JSON API -------------------------------------------------------------------------


class LoginBody(BaseModel):
    username: str
    password: str


class UserOut(BaseModel):
    username: str
    full_name: str
    role: str
    agency_id: str | None
    nip: str | None
    is_admin: bool
    csrf_token: str | None = None


class NewUser(BaseModel):
    username: str
    password: str
    role: Role
    full_name: str = ""
    agency_id: str | None = None
    nip: str | None = None


@router.post("/api/login", tags=["akun / accounts"], response_model=UserOut)
def api_login(
    body: LoginBody, request: Request, response: Response, db: Db, lang: Language
) -> Response | UserOut:
    """Log in; the session cookie is set, and the CSRF token to send as X-CSRF-Token returned."""
    user = accounts.authenticate(db, body.username, body.password)
    if user is None:
        db.commit()
        return JSONResponse(
            {
                "error": pick(
                    lang, "Nama pengguna atau kata sandi salah.", "Wrong username or password."
                ),
            },
            status_code=401,
        )
    token, session = accounts.open_session(db, user, request.app.state.settings.session_hours)
    db.commit()
    _set_session_cookie(request, response, token)
    return UserOut(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        agency_id=user.agency_id,
        nip=user.nip,
        is_admin=user.is_admin,
        csrf_token=session.csrf_token,
    )


@router.post("/api/logout", tags=["akun / accounts"])
def api_logout(request: Request, db: Db, viewer: CurrentViewer) -> dict[str, bool]:
    accounts.close_session(db, request.cookies.get(SESSION_COOKIE, ""))
    db.commit()
    return {"ok": True}


@router.get("/api/me", tags=["akun / accounts"], response_model=UserOut)
def api_me(viewer: CurrentViewer) -> UserOut:
    actor = viewer.actor
    return UserOut(
        username=actor.username,
        full_name=viewer.full_name,
        role=actor.role.value,
        agency_id=actor.agency_id,
        nip=actor.nip,
        is_admin=actor.is_admin,
        csrf_token=viewer.session.csrf_token,
    )


@router.get("/api/users", tags=["akun / accounts"], response_model=list[UserOut])
def api_users(db: Db, viewer: CurrentViewer) -> list[UserOut]:
    return [
        UserOut(
            username=u.username,
            full_name=u.full_name,
            role=u.role,
            agency_id=u.agency_id,
            nip=u.nip,
            is_admin=u.is_admin,
        )
        for u in accounts.list_users(db, viewer.actor)
    ]


@router.post("/api/users", tags=["akun / accounts"], status_code=201, response_model=UserOut)
def api_create_user(body: NewUser, db: Db, viewer: CurrentViewer) -> UserOut:
    user = accounts.create_user(
        db,
        viewer.actor,
        username=body.username,
        full_name=body.full_name,
        password=body.password,
        role=body.role,
        agency_id=body.agency_id,
        nip=body.nip,
    )
    db.commit()
    return UserOut(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        agency_id=user.agency_id,
        nip=user.nip,
        is_admin=user.is_admin,
    )
