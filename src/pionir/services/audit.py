"""The audit trail: who changed what, when, with the state before and after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pionir.db.tables import AuditEvent
from pionir.services.actor import Actor, Role
from pionir.services.clock import now
from pionir.services.errors import Forbidden


def record(
    db: Session,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an event to the caller's transaction, so it is saved exactly when the change is."""
    db.add(
        AuditEvent(
            at=now(),
            # The system actor (id 0: command-line imports) has no account row.
            user_id=actor.user_id if actor and actor.user_id > 0 else None,
            username=actor.username if actor else "system",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            before=before,
            after=after,
        )
    )


@dataclass(frozen=True, slots=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    per_page: int


def list_events(
    db: Session, actor: Actor, *, action: str | None = None, page: int = 1, per_page: int = 50
) -> AuditPage:
    """Newest first; auditors and planners only."""
    if actor.role not in (Role.AUDITOR, Role.PLANNER):
        raise Forbidden()
    query = select(AuditEvent)
    counted = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
        counted = counted.where(AuditEvent.action == action)
    page = max(1, page)
    rows = db.scalars(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return AuditPage(list(rows), db.scalar(counted) or 0, page, per_page)
