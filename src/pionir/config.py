"""Where the application keeps its data, read from the environment with working defaults.

`PIONIR_DATABASE_URL` selects the database (a SQLite file under `PIONIR_DATA_DIR` when
unset, so nothing needs installing); `PIONIR_DATA_DIR` defaults to `./var`.
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
    # A session with no request for this long ends (UU PDP: an unattended screen must
    # not stay open on personal data all day).
    idle_minutes: float = 30.0
    # How long an administrator's one-time password reset code stays usable.
    reset_code_hours: float = 24.0


def load_settings() -> Settings:
    """Settings from the environment."""
    data_dir = Path(os.environ.get("PIONIR_DATA_DIR", "var")).resolve()
    url = os.environ.get("PIONIR_DATABASE_URL") or f"sqlite:///{data_dir / 'pionir.sqlite3'}"
    return Settings(
        database_url=url,
        data_dir=data_dir,
        secure_cookies=os.environ.get("PIONIR_SECURE_COOKIES", "") == "1",
    )
