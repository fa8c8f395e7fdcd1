"""A moment in an API answer: always with its zone, as UTC.

SQLite hands back naive datetimes for the aware columns (they were stored as UTC), so an
answer built from its rows would carry `2025-01-02T03:04:05` and a client would have to
guess the zone. Every datetime field of an output model is `UtcDateTime` instead, which
makes the value aware UTC before it is serialised (`...Z`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator

from pionir.services.clock import aware


def as_utc(moment: datetime) -> datetime:
    """Naive values are the database's UTC; aware ones in another zone are converted."""
    return aware(moment).astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
