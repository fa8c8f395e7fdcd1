"""Accounts and log-in sessions: argon2 password hashes, opaque session tokens.

Also the controls UU PDP and an auditor expect: throttled and audited log-ins, sessions
rotated on log-in and revoked on a password change or deactivation, an idle timeout,
one-time reset codes an administrator hands over without learning the password, and
accounts bound only to a K/L or NIP the stored scenarios know.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, exists, or_, select
from sqlalchemy.orm import Session

from pionir.db.tables import (
    AgencyRow,
    LoginSession,
    PasswordReset,
    PersonRow,
    ScenarioVersion,
    User,
)
from pionir.scenario.errors import ScenarioIssue
from pionir.services import audit, throttle
from pionir.services.actor import Actor, Role, require_admin
from pionir.services.clock import aware, now
from pionir.services.errors import Conflict, Forbidden, InputRefused, NotFound, ServiceError
from pionir.services.passwords import password_problems

_HASHER = PasswordHasher()
# Verifying against a fixed hash when the user is unknown keeps the time the same, so
# response times do not tell which usernames exist.
_DUMMY_HASH = _HASHER.hash("pionir-no-such-user")
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_NIP = re.compile(r"\d{18}")
# A session's last request is written at most this often: a write per request would
# make every page a write, and the idle timeout does not need finer steps.
TOUCH_EVERY = timedelta(minutes=1)
# Reset codes avoid letters and digits people confuse when reading them aloud (0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Failed log-ins are audited under this name: nobody has proved who they are.
ANONYMOUS = Actor(user_id=0, username="anonim", role=Role.EMPLOYEE)


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


def normalise_username(typed: str) -> str:
    """NFKC, trimmed, lower case: `Ａｄｍｉｎ` and `ADMIN` are both `admin`."""
    return unicodedata.normalize("NFKC", typed).strip().lower()


def _login_name(typed: str) -> str:
    """A typed username fit for the throttle and the audit trail: normalised, printable, 64."""
    cleaned = "".join(c if c.isprintable() else "?" for c in normalise_username(typed))
    return cleaned[:64]


def username_problems(username: str) -> list[ScenarioIssue]:
    """What is wrong with an already normalised username."""
    if _USERNAME.fullmatch(username):
        return []
    strange = next((c for c in username if not (c.isascii() and (c.isalnum() or c in "._-"))), "")
    if strange:
        name = unicodedata.name(strange, f"U+{ord(strange):04X}")
        return [
            _field_issue(
                "username",
                f"Nama pengguna memuat karakter '{strange}' ({name}). Hanya huruf latin a–z, "
                "angka, titik, garis bawah dan tanda hubung yang boleh dipakai, agar tidak ada "
                "dua nama yang tampak sama (misalnya 'а' Sirilik yang mirip 'a').",
                f"The username contains the character '{strange}' ({name}). Only Latin letters "
                "a–z, digits, dots, underscores and hyphens may be used, so that no two names "
                "look alike (such as a Cyrillic 'а' that looks like 'a').",
            )
        ]
    return [
        _field_issue(
            "username",
            "Nama pengguna wajib diisi, diawali huruf atau angka, paling panjang 64 karakter.",
            "The username is required, starts with a letter or digit, and has at most 64 "
            "characters.",
        )
    ]


def _binding_problems(
    db: Session, role: Role, agency_id: str | None, nip: str | None
) -> list[ScenarioIssue]:
    """An operator's K/L and an employee's NIP must be in some stored scenario version.

    Refused rather than warned about when no scenario is stored yet: an account bound to
    a mistyped K/L would see nothing, silently, for as long as it exists. Accounts that
    are bound to nothing (planners, auditors, housing officers) can be made at any time.
    """
    if role is Role.AGENCY_OPERATOR and not agency_id:
        return [
            _field_issue(
                "agency_id",
                "Operator K/L harus terikat pada satu K/L.",
                "An agency operator must belong to one agency.",
            )
        ]
    if role is Role.EMPLOYEE and not nip:
        return [
            _field_issue(
                "nip", "Akun pegawai harus memiliki NIP.", "An employee account needs a NIP."
            )
        ]
    if role is Role.EMPLOYEE and nip and not _NIP.fullmatch(nip):
        return [
            _field_issue(
                "nip",
                f"NIP '{nip[:40]}' tidak sah: NIP terdiri dari 18 angka.",
                f"The NIP '{nip[:40]}' is not valid: a NIP has 18 digits.",
            )
        ]
    if role not in (Role.AGENCY_OPERATOR, Role.EMPLOYEE):
        return []
    column = "agency_id" if role is Role.AGENCY_OPERATOR else "nip"
    if db.scalar(select(exists().where(ScenarioVersion.id.is_not(None)))) is not True:
        return [
            _field_issue(
                column,
                "Belum ada skenario tersimpan, jadi K/L atau NIP akun ini tidak dapat diperiksa. "
                "Impor skenario terlebih dahulu, lalu buat akun ini.",
                "No scenario is stored yet, so this account's agency or NIP cannot be checked. "
                "Import the scenario first, then create this account.",
            )
        ]
    if role is Role.AGENCY_OPERATOR:
        if not db.scalar(select(exists().where(AgencyRow.agency_id == agency_id))):
            return [
                _field_issue(
                    "agency_id",
                    f"K/L '{agency_id}' tidak ada dalam skenario mana pun yang tersimpan; "
                    "periksa kodenya pada berkas agencies.",
                    f"The agency '{agency_id}' is in no stored scenario; check its code in the "
                    "agencies file.",
                )
            ]
        return []
    if not db.scalar(select(exists().where(PersonRow.nip == nip))):
        return [
            _field_issue(
                "nip",
                f"NIP {nip} tidak ada dalam skenario mana pun yang tersimpan.",
                f"The NIP {nip} is in no stored scenario.",
            )
        ]
    if db.scalar(select(exists().where(User.nip == nip))):
        return [
            _field_issue(
                "nip",
                f"NIP {nip} sudah memiliki akun.",
                f"The NIP {nip} already has an account.",
            )
        ]
    return []


def check_new_user(
    db: Session,
    username: str,
    password: str,
    role: Role,
    agency_id: str | None,
    nip: str | None,
) -> list[ScenarioIssue]:
    """Every problem with a new account's fields (`username` already normalised)."""
    issues = username_problems(username)
    issues += password_problems(
        password, username=username, nip=nip if role is Role.EMPLOYEE else None
    )
    issues += _binding_problems(db, role, agency_id, nip)
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
    username = normalise_username(username)
    agency_id = agency_id.strip() if agency_id and role is Role.AGENCY_OPERATOR else None
    nip = nip.strip() if nip and role is Role.EMPLOYEE else None
    issues = check_new_user(db, username, password, role, agency_id, nip)
    if issues:
        raise InputRefused("Akun tidak dapat dibuat.", "The account cannot be created.", issues)
    # Every stored name is normalised, so comparing normalised names finds every
    # collision: `ADMIN` and a full-width `ａｄｍｉｎ` both meet `admin` here.
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
        agency_id=agency_id,
        nip=nip,
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


def _find_user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise NotFound("Akun tidak ditemukan.", "No such account.")
    return user


def _verify(user: User | None, password: str) -> bool:
    try:
        if user is None:
            _HASHER.verify(_DUMMY_HASH, password)
            return False
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return True


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The active user with this password, or None."""
    user = db.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None or not user.active:
        _verify(None, password)
        return None
    return user if _verify(user, password) else None


class WrongCredentials(ServiceError):
    status = 401

    def __init__(self) -> None:
        super().__init__("Nama pengguna atau kata sandi salah.", "Wrong username or password.")


class AccountInactive(ServiceError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "Akun ini dinonaktifkan; hubungi administrator Pionir di instansi Anda.",
            "This account is deactivated; contact your organisation's Pionir administrator.",
        )


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
        last_seen_at=moment,
    )
    db.add(row)
    audit.record(db, actor_of(user), "session.login", "user", user.id)
    return token, row


def _failed_login(
    db: Session, name: str, address: str, reason: str, user: User | None = None
) -> None:
    # The password is never recorded, not even a wrong one: it is often a near miss.
    audit.record(
        db,
        ANONYMOUS,
        "session.login_failed",
        "user",
        user.id if user is not None else name,
        after={"username": name, "address": address, "reason": reason},
    )


def purge_expired(db: Session, idle: timedelta) -> None:
    """Delete sessions past their end or idle too long, spent reset codes, old failures."""
    moment = now()
    db.execute(
        delete(LoginSession).where(
            or_(LoginSession.expires_at <= moment, LoginSession.last_seen_at <= moment - idle)
        )
    )
    db.execute(delete(PasswordReset).where(PasswordReset.expires_at <= moment))
    throttle.purge(db)


def log_in(
    db: Session,
    typed_username: str,
    password: str,
    address: str,
    *,
    hours: float,
    idle: timedelta,
    replacing: str | None = None,
) -> tuple[User, str, LoginSession]:
    """A new session for the right password, unless log-ins are locked for now.

    Raises `TooManyAttempts`, `WrongCredentials` or `AccountInactive`; the caller commits
    either way, so that the failure and its audit event are kept. `replacing` is the
    token of a session the browser already had: it is closed, so a session id planted
    before log-in (session fixation) never becomes a logged-in one.
    """
    purge_expired(db, idle)
    name = _login_name(typed_username)
    address = address[:64]
    lockout = throttle.current_lockout(db, name, address)
    if lockout is not None:
        # Refused without looking at the password: during a lockout the right one fails too.
        _failed_login(db, name, address, f"locked:{lockout.kind.value}")
        raise throttle.TooManyAttempts(lockout)
    user = db.scalar(select(User).where(User.username == name))
    if not _verify(user, password):
        started = throttle.record_failure(db, name, address)
        _failed_login(db, name, address, "wrong_password" if user else "unknown_user", user)
        if started is not None:
            raise throttle.TooManyAttempts(started)
        raise WrongCredentials()
    assert user is not None
    if not user.active:
        _failed_login(db, name, address, "inactive", user)
        raise AccountInactive()
    throttle.forget_account(db, name)
    if replacing:
        close_session(db, replacing)
    token, row = open_session(db, user, hours)
    return user, token, row


def session_user(
    db: Session, token: str, idle: timedelta | None = None
) -> tuple[User, LoginSession] | None:
    """The user and session behind a cookie token, if valid, unexpired and not idle too long."""
    # One query for both: it runs on every request.
    found = db.execute(
        select(User, LoginSession)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == _digest(token))
    ).first()
    if found is None:
        return None
    user, row = found._tuple()
    moment = now()
    if aware(row.expires_at) <= moment or not user.active:
        return None
    if idle is not None and aware(row.last_seen_at) <= moment - idle:
        return None
    return user, row


def touch_session(row: LoginSession) -> bool:
    """Note a request on the session; True if that needs writing (at most once a minute)."""
    moment = now()
    if moment - aware(row.last_seen_at) < TOUCH_EVERY:
        return False
    row.last_seen_at = moment
    return True


def close_session(db: Session, token: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))


def _revoke_sessions(db: Session, user: User, keep: LoginSession | None = None) -> None:
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep is not None:
        query = query.where(LoginSession.token_hash != keep.token_hash)
    db.execute(query)


def _refuse_password(password: str, user: User) -> None:
    issues = password_problems(password, username=user.username, nip=user.nip)
    if issues:
        raise InputRefused(
            "Kata sandi baru tidak dapat dipakai.", "The new password cannot be used.", issues
        )


def change_password(
    db: Session,
    actor: Actor,
    session: LoginSession,
    current_password: str,
    new_password: str,
    address: str,
) -> None:
    """The user's own change: the current password first; their other sessions end.

    A wrong current password counts as a failed log-in, so a session left open on a
    shared computer cannot be used to guess the password.
    """
    user = db.get(User, actor.user_id)
    if user is None or not user.active:
        raise Forbidden()
    address = address[:64]
    lockout = throttle.current_lockout(db, user.username, address)
    if lockout is not None:
        _failed_login(db, user.username, address, "password_change_locked", user)
        raise throttle.TooManyAttempts(lockout)
    if not _verify(user, current_password):
        started = throttle.record_failure(db, user.username, address)
        _failed_login(db, user.username, address, "password_change_wrong", user)
        if started is not None:
            raise throttle.TooManyAttempts(started)
        raise InputRefused(
            "Kata sandi tidak diganti.",
            "The password was not changed.",
            [
                _field_issue(
                    "current_password",
                    "Kata sandi saat ini salah.",
                    "The current password is wrong.",
                )
            ],
        )
    _refuse_password(new_password, user)
    if new_password == current_password:
        raise InputRefused(
            "Kata sandi tidak diganti.",
            "The password was not changed.",
            [
                _field_issue(
                    "password",
                    "Kata sandi baru harus berbeda dari yang sekarang.",
                    "The new password must differ from the current one.",
                )
            ],
        )
    user.password_hash = _HASHER.hash(new_password)
    _revoke_sessions(db, user, keep=session)
    db.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    throttle.forget_account(db, user.username)
    audit.record(db, actor, "user.password_change", "user", user.id)


@dataclass(frozen=True, slots=True)
class ResetCode:
    """A code to hand to the user once; only its hash is stored."""

    username: str
    code: str
    expires_at: datetime


def _code_digest(code: str) -> str:
    # Spaces, hyphens and case do not matter when someone types a code read to them.
    return _digest("".join(c for c in code.upper() if c.isalnum()))


def request_password_reset(db: Session, actor: Actor, username: str, hours: float) -> ResetCode:
    """An administrator's one-time code for `username`; earlier codes for them stop working."""
    require_admin(actor)
    user = _find_user(db, username)
    if not user.active:
        raise Conflict(
            "Akun ini dinonaktifkan; aktifkan dahulu sebelum mengatur ulang kata sandinya.",
            "This account is deactivated; reactivate it before resetting its password.",
        )
    # 16 characters of 31: about 79 bits, beyond guessing, short enough to read aloud.
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    code = "-".join(raw[i : i + 4] for i in range(0, 16, 4))
    moment = now()
    expires = moment + timedelta(hours=hours)
    db.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    db.add(
        PasswordReset(
            code_hash=_code_digest(code),
            user_id=user.id,
            requested_by=actor.username,
            created_at=moment,
            expires_at=expires,
        )
    )
    audit.record(
        db,
        actor,
        "user.password_reset_requested",
        "user",
        user.id,
        after={"username": user.username, "expires_at": expires.isoformat()},
    )
    return ResetCode(user.username, code, expires)


class ResetCodeRefused(ServiceError):
    status = 400

    def __init__(self) -> None:
        super().__init__(
            "Kode atur ulang tidak berlaku: salah ketik, sudah dipakai, atau kedaluwarsa. "
            "Mintalah kode baru kepada administrator.",
            "The reset code is not valid: mistyped, already used, or expired. Ask the "
            "administrator for a new code.",
        )


def reset_password(db: Session, code: str, new_password: str) -> User:
    """The user sets a new password with an administrator's code; the code is spent.

    Every session of the account ends, and its log-in lockout is lifted: the reset is
    how a locked-out user gets back in.
    """
    row = db.get(PasswordReset, _code_digest(code)) if code.strip() else None
    if row is None or aware(row.expires_at) <= now():
        raise ResetCodeRefused()
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        raise ResetCodeRefused()
    _refuse_password(new_password, user)
    user.password_hash = _HASHER.hash(new_password)
    db.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    _revoke_sessions(db, user)
    throttle.forget_account(db, user.username, lockouts=True)
    audit.record(
        db,
        actor_of(user),
        "user.password_reset",
        "user",
        user.id,
        after={"requested_by": row.requested_by},
    )
    return user


def set_active(db: Session, actor: Actor, username: str, active: bool) -> User:
    """Deactivate (its sessions and reset codes end at once) or reactivate an account."""
    require_admin(actor)
    user = _find_user(db, username)
    if not active and user.id == actor.user_id:
        # The actor is an active administrator, so refusing this keeps at least one.
        raise Conflict(
            "Anda tidak dapat menonaktifkan akun Anda sendiri; minta administrator lain.",
            "You cannot deactivate your own account; ask another administrator.",
        )
    if user.active == active:
        return user
    user.active = active
    if not active:
        _revoke_sessions(db, user)
        db.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    audit.record(
        db,
        actor,
        "user.reactivate" if active else "user.deactivate",
        "user",
        user.id,
        before={"active": not active},
        after={"active": active},
    )
    return user
