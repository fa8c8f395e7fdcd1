"""Log-in, log-out, password change and reset, language switch, home, account administration."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from pionir.db.tables import LoginSession, User
from pionir.scenario.errors import ScenarioIssue
from pionir.services import accounts
from pionir.services.actor import Role
from pionir.services.errors import InputRefused, ServiceError
from pionir.services.throttle import TooManyAttempts
from pionir.web.deps import (
    SESSION_COOKIE,
    CurrentViewer,
    Db,
    Language,
    RequireJson,
    check_login_csrf,
    client_address,
    login_csrf_cookie,
    login_csrf_token,
    optional_viewer,
)
from pionir.web.i18n import LANGUAGE_COOKIE, LANGUAGES, language_of, pick
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


def _set_login_csrf_cookie(request: Request, response: Response, token: str) -> None:
    # Strict: the log-in form is only ever posted from Pionir's own pages.
    response.set_cookie(
        login_csrf_cookie(request),
        token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )


def _retry_headers(error: ServiceError) -> dict[str, str]:
    if isinstance(error, TooManyAttempts):
        return {"Retry-After": str(error.retry_after)}
    return {}


def _login_page(
    request: Request, next: str, status_code: int = 200, message: str = "", notice: str = ""
) -> Response:
    token = login_csrf_token(request)
    response = render(
        request,
        None,
        "login.html",
        status_code=status_code,
        next=_safe_next(next),
        message=message,
        notice=notice,
        csrf_token=token,
    )
    _set_login_csrf_cookie(request, response, token)
    return response


def _log_in(
    request: Request, db: Db, username: str, password: str
) -> tuple[User, str, LoginSession]:
    """Log in, closing the browser's earlier session; commits what a failure leaves too."""
    settings = request.app.state.settings
    try:
        user, token, session = accounts.log_in(
            db,
            username,
            password,
            client_address(request),
            hours=settings.session_hours,
            idle=timedelta(minutes=settings.idle_minutes),
            replacing=request.cookies.get(SESSION_COOKIE),
        )
    finally:
        # A refusal keeps its failure count and audit event; a success its session.
        db.commit()
    return user, token, session


@router.get("/login", include_in_schema=False)
def login_page(request: Request, db: Db, next: str = "/", reset: int = 0) -> Response:
    if optional_viewer(request, db) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    lang = language_of(request.cookies.get(LANGUAGE_COOKIE))
    notice = (
        pick(lang, "Kata sandi baru tersimpan; silakan masuk.", "New password saved; log in.")
        if reset
        else ""
    )
    return _login_page(request, next, notice=notice)


@router.post("/login", include_in_schema=False)
def login_form(
    request: Request,
    db: Db,
    lang: Language,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    try:
        check_login_csrf(request, csrf_token)
        _user, token, _session = _log_in(request, db, username, password)
    except ServiceError as error:
        page = _login_page(
            request, next, error.status, message=pick(lang, error.message, error.message_en)
        )
        page.headers.update(_retry_headers(error))
        return page
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


def _problems(lang: str, error: ServiceError) -> list[str]:
    issues = error.issues if isinstance(error, InputRefused) else []
    return [pick(lang, i.message, i.message_en) for i in issues]


@router.get("/account/password", include_in_schema=False)
def password_page(request: Request, viewer: CurrentViewer) -> Response:
    return render(request, viewer, "password.html", message="", problems=[], done=False)


@router.post("/account/password", include_in_schema=False)
def password_form(
    request: Request,
    db: Db,
    lang: Language,
    viewer: CurrentViewer,
    current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
    new_password_again: Annotated[str, Form()],
) -> Response:
    if new_password != new_password_again:
        message = pick(
            lang,
            "Kedua isian kata sandi baru tidak sama; ketik ulang.",
            "The two new password fields differ; type them again.",
        )
        return render(
            request, viewer, "password.html", 422, message=message, problems=[], done=False
        )
    try:
        accounts.change_password(
            db,
            viewer.actor,
            viewer.session,
            current_password,
            new_password,
            client_address(request),
        )
    except ServiceError as error:
        db.commit()  # a wrong current password is counted and audited
        page = render(
            request,
            viewer,
            "password.html",
            error.status,
            message=pick(lang, error.message, error.message_en),
            problems=_problems(lang, error),
            done=False,
        )
        page.headers.update(_retry_headers(error))
        return page
    db.commit()
    return render(request, viewer, "password.html", message="", problems=[], done=True)


@router.get("/password/reset", include_in_schema=False)
def reset_page(request: Request) -> Response:
    token = login_csrf_token(request)
    response = render(
        request, None, "reset.html", message="", problems=[], csrf_token=token, code=""
    )
    _set_login_csrf_cookie(request, response, token)
    return response


@router.post("/password/reset", include_in_schema=False)
def reset_form(
    request: Request,
    db: Db,
    lang: Language,
    code: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
    new_password_again: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    try:
        check_login_csrf(request, csrf_token)
        if new_password != new_password_again:
            raise InputRefused(
                "Kata sandi baru tidak dapat dipakai.",
                "The new password cannot be used.",
                [
                    ScenarioIssue(
                        "akun",
                        0,
                        "password",
                        "Kedua isian kata sandi baru tidak sama; ketik ulang.",
                        "The two new password fields differ; type them again.",
                    )
                ],
            )
        accounts.reset_password(db, code, new_password)
    except ServiceError as error:
        token = login_csrf_token(request)
        response = render(
            request,
            None,
            "reset.html",
            error.status,
            message=pick(lang, error.message, error.message_en),
            problems=_problems(lang, error),
            csrf_token=token,
            # A mistyped password keeps the code typed; a wrong code is cleared.
            code=code if isinstance(error, InputRefused) else "",
        )
        _set_login_csrf_cookie(request, response, token)
        return response
    db.commit()
    return RedirectResponse("/login?reset=1", status_code=303)


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


@router.post("/admin/users/{username}/deactivate", include_in_schema=False)
def users_deactivate(username: str, db: Db, viewer: CurrentViewer) -> Response:
    accounts.set_active(db, viewer.actor, username, active=False)
    db.commit()
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}/reactivate", include_in_schema=False)
def users_reactivate(username: str, db: Db, viewer: CurrentViewer) -> Response:
    accounts.set_active(db, viewer.actor, username, active=True)
    db.commit()
    return RedirectResponse("/admin/users", status_code=303)


# The code is shown once and must stay out of caches and history.
_NO_STORE = {"Cache-Control": "no-store"}


@router.post("/admin/users/{username}/reset", include_in_schema=False)
def users_reset(username: str, request: Request, db: Db, viewer: CurrentViewer) -> Response:
    reset = accounts.request_password_reset(
        db, viewer.actor, username, request.app.state.settings.reset_code_hours
    )
    db.commit()
    page = render(request, viewer, "reset_code.html", reset=reset)
    page.headers.update(_NO_STORE)
    return page


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
    active: bool = True
    csrf_token: str | None = None


def _user_out(user: User, csrf_token: str | None = None) -> UserOut:
    return UserOut(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        agency_id=user.agency_id,
        nip=user.nip,
        is_admin=user.is_admin,
        active=user.active,
        csrf_token=csrf_token,
    )


class NewUser(BaseModel):
    username: str
    password: str
    role: Role
    full_name: str = ""
    agency_id: str | None = None
    nip: str | None = None


class PasswordChange(BaseModel):
    current_password: str
    new_password: str


class PasswordResetBody(BaseModel):
    code: str
    new_password: str


class ResetCodeOut(BaseModel):
    username: str
    code: str
    expires_at: datetime
    # Where the user types the code: the code itself never goes into a URL, which
    # proxies and browser histories keep.
    reset_page: str = "/password/reset"


def _json_refusal(error: ServiceError) -> JSONResponse:
    return JSONResponse(
        {"error": error.message, "error_en": error.message_en},
        status_code=error.status,
        headers=_retry_headers(error),
    )


# Login CSRF on the API: this endpoint takes JSON only (see `require_json`), which a
# foreign page cannot send without a CORS preflight; API clients need no extra token.
@router.post(
    "/api/login",
    tags=["akun / accounts"],
    response_model=UserOut,
    dependencies=[RequireJson],
)
def api_login(body: LoginBody, request: Request, response: Response, db: Db) -> Response | UserOut:
    """Log in; the session cookie is set, and the CSRF token to send as X-CSRF-Token returned.

    429 with Retry-After while log-ins to the account or from the address are locked.
    """
    try:
        user, token, session = _log_in(request, db, body.username, body.password)
    except ServiceError as error:
        return _json_refusal(error)
    _set_session_cookie(request, response, token)
    return _user_out(user, session.csrf_token)


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


@router.post("/api/me/password", tags=["akun / accounts"], response_model=None)
def api_change_password(
    body: PasswordChange, request: Request, db: Db, viewer: CurrentViewer
) -> Response | dict[str, bool]:
    """Change one's own password; every other session of the account ends."""
    try:
        accounts.change_password(
            db,
            viewer.actor,
            viewer.session,
            body.current_password,
            body.new_password,
            client_address(request),
        )
    except TooManyAttempts as error:
        db.commit()
        return _json_refusal(error)
    except InputRefused:
        db.commit()  # a wrong current password is counted and audited
        raise
    db.commit()
    return {"ok": True}


@router.post("/api/password-reset", tags=["akun / accounts"], dependencies=[RequireJson])
def api_reset_password(body: PasswordResetBody, db: Db) -> dict[str, bool]:
    """Set a new password with an administrator's one-time code; all sessions end."""
    accounts.reset_password(db, body.code, body.new_password)
    db.commit()
    return {"ok": True}


@router.get("/api/users", tags=["akun / accounts"], response_model=list[UserOut])
def api_users(db: Db, viewer: CurrentViewer) -> list[UserOut]:
    return [_user_out(u) for u in accounts.list_users(db, viewer.actor)]


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
    return _user_out(user)


@router.post("/api/users/{username}/deactivate", tags=["akun / accounts"], response_model=UserOut)
def api_deactivate(username: str, db: Db, viewer: CurrentViewer) -> UserOut:
    """Deactivate an account: its sessions end at once and it cannot log in."""
    user = accounts.set_active(db, viewer.actor, username, active=False)
    db.commit()
    return _user_out(user)


@router.post("/api/users/{username}/reactivate", tags=["akun / accounts"], response_model=UserOut)
def api_reactivate(username: str, db: Db, viewer: CurrentViewer) -> UserOut:
    user = accounts.set_active(db, viewer.actor, username, active=True)
    db.commit()
    return _user_out(user)


@router.post(
    "/api/users/{username}/password-reset",
    tags=["akun / accounts"],
    response_model=ResetCodeOut,
)
def api_request_reset(
    username: str, request: Request, response: Response, db: Db, viewer: CurrentViewer
) -> ResetCodeOut:
    """A one-time code for the user to set a new password with; hand it over in person."""
    reset = accounts.request_password_reset(
        db, viewer.actor, username, request.app.state.settings.reset_code_hours
    )
    db.commit()
    response.headers.update(_NO_STORE)
    return ResetCodeOut(username=reset.username, code=reset.code, expires_at=reset.expires_at)
