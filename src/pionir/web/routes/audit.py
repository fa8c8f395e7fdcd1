"""The audit trail, for auditors and planners."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from pionir.services import audit
from pionir.web.deps import CurrentViewer, Db
from pionir.web.params import Page
from pionir.web.render import render
from pionir.web.timestamps import UtcDateTime

router = APIRouter()


@router.get("/audit", include_in_schema=False)
def audit_page(
    request: Request,
    db: Db,
    viewer: CurrentViewer,
    action: str = "",
    page: Page = 1,
) -> Response:
    found = audit.list_events(db, viewer.actor, action=action or None, page=page)
    pages = max(1, -(-found.total // found.per_page))
    return render(request, viewer, "audit.html", found=found, pages=pages, action=action)


class AuditOut(BaseModel):
    id: int
    at: UtcDateTime
    username: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@router.get("/api/audit", tags=["audit"], response_model=list[AuditOut])
def api_audit(
    db: Db,
    viewer: CurrentViewer,
    action: str = "",
    page: Page = 1,
) -> list[AuditOut]:
    """Audit events, newest first, 50 a page."""
    found = audit.list_events(db, viewer.actor, action=action or None, page=page)
    return [AuditOut.model_validate(e, from_attributes=True) for e in found.events]
