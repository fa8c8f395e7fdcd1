"""Log-in throttling per account and per client address, kept in the database.

Several server processes share one database, so the counts live there: every failed
log-in is a row, and a lockout is a row with its end. Rows are only inserted (never
updated), so processes racing on one account lose nothing; at worst two racing failures
both miss the limit by one and the next failure locks instead.

The rule: `account_failures` failures on one username (or `address_failures` from one
address) since the window began, or since the last lockout ended, lock it. The first
lockout lasts `first_lockout`; each further one within `memory` twice as long as the one
before, up to `longest_lockout`. Unknown usernames are counted like real ones, so a
lockout tells nobody whether an account exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from pionir.db.tables import LoginFailure, LoginLockout
from pionir.services.clock import aware, now
from pionir.services.errors import ServiceError


class Kind(StrEnum):
    ACCOUNT = "account"
    ADDRESS = "address"


@dataclass(frozen=True, slots=True)
class ThrottleRules:
    account_failures: int = 5
    address_failures: int = 20
    window: timedelta = timedelta(minutes=15)
    first_lockout: timedelta = timedelta(minutes=1)
    longest_lockout: timedelta = timedelta(hours=1)
    # Failures and lockouts older than this are forgotten (and purged).
    memory: timedelta = timedelta(hours=24)


RULES = ThrottleRules()


@dataclass(frozen=True, slots=True)
class Lockout:
    kind: Kind
    until: datetime

    def seconds_left(self, moment: datetime) -> int:
        return max(1, math.ceil((aware(self.until) - moment).total_seconds()))


def _wait_text(seconds: int) -> tuple[str, str]:
    if seconds < 60:
        return f"{seconds} detik", f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} menit", f"{minutes} minute{'s' if minutes != 1 else ''}"


class TooManyAttempts(ServiceError):
    """Log-ins refused for a while; `retry_after` is the wait in seconds."""

    status = 429

    def __init__(self, lockout: Lockout) -> None:
        self.retry_after = lockout.seconds_left(now())
        wait_id, wait_en = _wait_text(self.retry_after)
        if lockout.kind is Kind.ACCOUNT:
            text_id = "Terlalu banyak percobaan masuk yang gagal untuk akun ini."
            text_en = "Too many failed log-ins for this account."
        else:
            text_id = "Terlalu banyak percobaan masuk yang gagal dari alamat jaringan Anda."
            text_en = "Too many failed log-ins from your network address."
        super().__init__(
            f"{text_id} Demi keamanan, coba lagi dalam {wait_id}.",
            f"{text_en} For safety, try again in {wait_en}.",
        )


def _keyed(kind: Kind, key: str) -> ColumnElement[bool]:
    return (LoginLockout.kind == kind.value) & (LoginLockout.key == key)


def _latest_end(db: Session, kind: Kind, key: str) -> datetime | None:
    end = db.scalar(select(func.max(LoginLockout.until)).where(_keyed(kind, key)))
    return aware(end) if end is not None else None


def current_lockout(db: Session, username: str, address: str) -> Lockout | None:
    """The longer of the account's and the address's lockouts still running, if any."""
    moment = now()
    running = [
        Lockout(kind, end)
        for kind, key in ((Kind.ACCOUNT, username), (Kind.ADDRESS, address))
        if (end := _latest_end(db, kind, key)) is not None and end > moment
    ]
    return max(running, key=lambda lockout: lockout.until, default=None)


def record_failure(
    db: Session, username: str, address: str, rules: ThrottleRules = RULES
) -> Lockout | None:
    """Count a failed log-in; the lockout it starts, if it reached a limit."""
    moment = now()
    db.add(LoginFailure(at=moment, username=username, address=address))
    db.flush()
    started: list[Lockout] = []
    checks = (
        (Kind.ACCOUNT, username, rules.account_failures, LoginFailure.username),
        (Kind.ADDRESS, address, rules.address_failures, LoginFailure.address),
    )
    for kind, key, limit, column in checks:
        since = moment - rules.window
        ended = _latest_end(db, kind, key)
        if ended is not None and ended > since:
            # Failures before the last lockout ended were paid for by that lockout.
            since = ended
        failures = db.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(column == key, LoginFailure.at > since)
        )
        if (failures or 0) < limit:
            continue
        earlier = db.scalar(
            select(func.count())
            .select_from(LoginLockout)
            .where(_keyed(kind, key), LoginLockout.started_at > moment - rules.memory)
        )
        length = min(rules.first_lockout * 2 ** min(earlier or 0, 30), rules.longest_lockout)
        db.add(LoginLockout(kind=kind.value, key=key, started_at=moment, until=moment + length))
        started.append(Lockout(kind, moment + length))
    return max(started, key=lambda lockout: lockout.until, default=None)


def forget_account(db: Session, username: str, *, lockouts: bool = False) -> None:
    """After a successful log-in (failures) or a password reset (lockouts too)."""
    db.execute(delete(LoginFailure).where(LoginFailure.username == username))
    if lockouts:
        db.execute(delete(LoginLockout).where(_keyed(Kind.ACCOUNT, username)))


def purge(db: Session, rules: ThrottleRules = RULES) -> None:
    """Drop failures and lockouts older than the rules remember."""
    horizon = now() - rules.memory
    db.execute(delete(LoginFailure).where(LoginFailure.at < horizon))
    db.execute(delete(LoginLockout).where(LoginLockout.until < horizon))
