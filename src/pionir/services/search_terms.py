"""Searches named by opaque tokens: what a user typed is kept here, not in the URL.

A search for a name or a NIP arrives by POST; the page it leads to names it as
`?s=<token>`, so paging and bookmarks work while proxies and access logs see only the
token. A token opens its own user's search only, and lapses after `LIFETIME`.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pionir.db.tables import SearchTerm
from pionir.services.actor import Actor
from pionir.services.clock import aware, now
from pionir.services.errors import ServiceError

# As long as a working day's session: a search outlives no session that made it.
LIFETIME = timedelta(hours=12)
LONGEST = 200


class SearchLapsed(ServiceError):
    """The token names no search of this user (lapsed, or someone else's)."""

    status = 404

    def __init__(self) -> None:
        super().__init__(
            "Pencarian ini sudah kedaluwarsa; ketik lagi nama atau NIP yang dicari.",
            "This search has lapsed; type the name or NIP you are looking for again.",
        )


def remember(db: Session, actor: Actor, text: str) -> str | None:
    """The token naming this search (None for an empty one); lapsed searches are purged."""
    text = text.strip()[:LONGEST]
    if not text or not actor.user_id:
        return None
    moment = now()
    db.execute(delete(SearchTerm).where(SearchTerm.created_at < moment - LIFETIME))
    # The same search again reuses its token, so repeated filtering adds no rows.
    found = db.scalar(
        select(SearchTerm).where(SearchTerm.user_id == actor.user_id, SearchTerm.text == text)
    )
    if found is not None:
        return found.token
    token = secrets.token_urlsafe(16)
    db.add(SearchTerm(token=token, user_id=actor.user_id, text=text, created_at=moment))
    db.flush()
    return token


def recall(db: Session, actor: Actor, token: str) -> str | None:
    """The search a token names (None for no token); refused when lapsed or not theirs."""
    if not token:
        return None
    found = db.get(SearchTerm, token)
    if (
        found is None
        or found.user_id != actor.user_id
        or aware(found.created_at) < now() - LIFETIME
    ):
        raise SearchLapsed()
    return found.text
