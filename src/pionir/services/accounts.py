"""Accounts and log-in sessions: argon2 password hashes, opaque session tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pionir.db.tables import LoginSession, User
from pionir.scenario.errors import ScenarioIssue
from pionir.services import audit
from pionir.services.actor import Actor, Role, require_admin
from pionir.services.clock import aware, now
from pionir.services.errors import Conflict, InputRefused

_HASHER = PasswordHasher()
MIN_PASSWORD = 10
# Verifying against a fixed hash when the user is unknown keeps the time the same, so
# response times do not tell which usernames exist.
_DUMMY_HASH = _HASHER.hash("pionir-no-such-user")


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        agency_id=user.agency_id,
        nip=user.nip,
        is_admin=user.is_admin,
    )


def _field_issue(column: str, message: str, message_en: str) -> ScenarioIssue:
    return ScenarioIssue("akun", 0, column, message, message_en)


def check_new_user(
    username: str, password: str, role: Role, agency_id: str | None, nip: str | None
) -> list[ScenarioIssue]:
    """Every problem with a new account's fields."""
    issues = []
    if (
        not username
        or len(username) > 64
        or not username.replace(".", "").replace("_", "").isalnum()
    ):
        issues.append(
            _field_issue(
                "username",
                "Nama pengguna wajib diisi: huruf, angka, titik atau garis bawah, paling panjang 64.",
                "The username is required: letters, digits, dots or underscores, at most 64.",
            )
        )
    if len(password) < MIN_PASSWORD:
        issues.append(
            _field_issue(
                "password",
                f"Kata sandi paling sedikit {MIN_PASSWORD} karakter.",
                f"The password needs at least {MIN_PASSWORD} characters.",
            )
        )
    if role is Role.AGENCY_OPERATOR and not agency_id:
        issues.append(
            _field_issue(
                "agency_id",
                "Operator K/L harus terikat pada satu K/L.",
                "An agency operator must belong to one agency.",
            )
        )
    if role is Role.EMPLOYEE and not nip:
        issues.append(
            _field_issue(
                "nip", "Akun pegawai harus memiliki NIP.", "An employee account needs a NIP."
            )
        )
    return issues


def create_user(
    db: Session,
    actor: Actor | None,
    *,
    username: str,
    full_name: str,
    password: str,
    role: Role,
    agency_id: str | None = None,
    nip: str | None = None,
    is_admin: bool = False,
) -> User:
    """A new account; `actor` None only for the first administrator from the command line."""
    if actor is not None:
        require_admin(actor)
    username = username.strip().lower()
    issues = check_new_user(username, password, role, agency_id, nip)
    if issues:
        raise InputRefused("Akun tidak dapat dibuat.", "The account cannot be created.", issues)
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(
            f"Nama pengguna '{username}' sudah dipakai.",
            f"The username '{username}' is taken.",
        )
    user = User(
        username=username,
        full_name=full_name.strip() or username,
        password_hash=_HASHER.hash(password),
        role=role.value,
        agency_id=agency_id if role is Role.AGENCY_OPERATOR else None,
        nip=nip if role is Role.EMPLOYEE else None,
        is_admin=is_admin,
        active=True,
        created_at=now(),
    )
    db.add(user)
    db.flush()
    audit.record(
        db,
        actor,
        "user.create",
        "user",
        user.id,
        after={
            "username": username,
            "role": role.value,
            "agency_id": user.agency_id,
            "nip": user.nip,
            "is_admin": is_admin,
        },
    )
    return user


def list_users(db: Session, actor: Actor) -> list[User]:
    require_admin(actor)
    return list(db.scalars(select(User).order_by(User.username)).all())


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The active user with this password, or None."""
    user = db.scalar(select(User).where(User.username == username.strip().lower()))
    try:
        if user is None or not user.active:
            _HASHER.verify(_DUMMY_HASH, password)
            return None
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Session, user: User, hours: float) -> tuple[str, LoginSession]:
    """A new session; returns the cookie's token (kept nowhere else) and the stored row."""
    token = secrets.token_urlsafe(32)
    moment = now()
    row = LoginSession(
        token_hash=_digest(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=moment,
        expires_at=moment + timedelta(hours=hours),
    )
    db.add(row)
    audit.record(db, actor_of(user), "session.login", "user", user.id)
    return token, row


def session_user(db: Session, token: str) -> tuple[User, LoginSession] | None:
    """The user and session behind a cookie token, if it is valid and unexpired."""
    # One query for both: it runs on every request.
    found = db.execute(
        select(User, LoginSession)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == _digest(token))
    ).first()
    if found is None:
        return None
    user, row = found._tuple()
    if aware(row.expires_at) <= now() or not user.active:
        return None
    return user, row


def close_session(db: Session, token: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))
