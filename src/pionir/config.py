"""Where the application keeps its data, read from the environment with working defaults.

`PIONIR_DATABASE_URL` selects the database (a SQLite file under `PIONIR_DATA_DIR` when
unset, so nothing needs installing); `PIONIR_DATA_DIR` defaults to `./var`;
`PIONIR_MAX_UPLOAD_MB` bounds an upload (64 MB when unset).
`PIONIR_UPLOAD_MEMORY_MB` and `PIONIR_UPLOAD_SECONDS` bound the child process that reads
an upload (1,536 MB above its start and 300 s by default; services/upload_reader.py).
`PIONIR_WORKER_STALE_SECONDS` is how long a running plan run may go without a heartbeat
from its worker before any other worker fails it (45 s by default).
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
    # A run whose worker sent no heartbeat for this long lost its worker (see services/runs.py).
    worker_stale_seconds: float = 45.0
    # The largest request body a logged-in user may send (an upload with its form):
    # the workbook of the demo at scale 10 (167,129 employees) is 21 MB.
    max_upload_bytes: int = 64 * 1024 * 1024
    # What reading one upload in its child process may take (services/upload_reader.py):
    # memory above what the child holds at its start, and wall time. The demo's workbook
    # at scale 10 needs some 500 MB and two minutes on a small server.
    upload_memory_mb: int = 1536
    upload_seconds: float = 300.0


class SettingRefused(ValueError):
    """An environment variable holds a value the application cannot use."""


def load_settings() -> Settings:
    """Settings from the environment."""
    data_dir = Path(os.environ.get("PIONIR_DATA_DIR", "var")).resolve()
    url = os.environ.get("PIONIR_DATABASE_URL") or f"sqlite:///{data_dir / 'pionir.sqlite3'}"
    return Settings(
        database_url=url,
        data_dir=data_dir,
        secure_cookies=os.environ.get("PIONIR_SECURE_COOKIES", "") == "1",
        worker_stale_seconds=_seconds("PIONIR_WORKER_STALE_SECONDS", 45.0),
        max_upload_bytes=_megabytes("PIONIR_MAX_UPLOAD_MB", 64) * 1024 * 1024,
        upload_memory_mb=_megabytes("PIONIR_UPLOAD_MEMORY_MB", 1536),
        upload_seconds=_seconds("PIONIR_UPLOAD_SECONDS", 300.0, most=3600.0),
    )


def _seconds(name: str, default: float, most: float = 60.0) -> float:
    """Seconds from the environment, above 0 and at most `most` (a run whose worker
    vanished must end within a minute), or a sentence saying what is wrong."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= most:
        raise SettingRefused(
            f"{name}={text!r}: harus antara 0 dan {most:.0f} detik"
            f" / must be between 0 and {most:.0f} seconds"
        )
    return value


def _megabytes(name: str, default: int) -> int:
    """Whole megabytes from the environment, at least 1, or a sentence saying what is wrong."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise SettingRefused(
            f"{name}={text!r}: harus bilangan bulat megabita, paling sedikit 1"
            f" / must be a whole number of megabytes, at least 1"
        )
    return int(text)
