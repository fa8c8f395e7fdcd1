"""Where the application keeps its data, read from the environment with working defaults.

`PIONIR_DATABASE_URL` selects the database (a SQLite file under `PIONIR_DATA_DIR` when
unset, so nothing needs installing); `PIONIR_DATA_DIR` defaults to `./var`;
`PIONIR_MAX_UPLOAD_MB` bounds an upload (64 MB when unset).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    """The application's settings."""

    database_url: str
    data_dir: Path
    # Cookies marked Secure are only sent over HTTPS; off for plain-HTTP loopback use.
    secure_cookies: bool = False
    session_hours: float = 12.0
    # The largest request body a logged-in user may send (an upload with its form):
    # the workbook of the demo at scale 10 (167,129 employees) is 21 MB.
    max_upload_bytes: int = 64 * 1024 * 1024


def load_settings() -> Settings:
    """Settings from the environment."""
    data_dir = Path(os.environ.get("PIONIR_DATA_DIR", "var")).resolve()
    url = os.environ.get("PIONIR_DATABASE_URL") or f"sqlite:///{data_dir / 'pionir.sqlite3'}"
    return Settings(
        database_url=url,
        data_dir=data_dir,
        secure_cookies=os.environ.get("PIONIR_SECURE_COOKIES", "") == "1",
        max_upload_bytes=int(os.environ.get("PIONIR_MAX_UPLOAD_MB", "64")) * 1024 * 1024,
    )
