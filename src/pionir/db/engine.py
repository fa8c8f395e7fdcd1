"""Engine and session factory for SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

# How long a statement waits for another connection's lock before it fails.
# The worker and the command line wait long: a plan's result may be stored behind an
# import, and failing a run that took minutes over a few seconds' wait would be a waste.
BATCH_LOCK_WAIT: Final = 30.0
# A web request gives up sooner: a person at a browser is better served by "busy, try
# again in a moment" (503, see web.incidents) after 5 s than by a page hanging for 30 s,
# and a request thread waiting on a lock is one fewer for everyone else.
WEB_LOCK_WAIT: Final = 5.0


def make_engine(url: str, *, lock_wait: float | None = None) -> Engine:
    """An engine for `url`; a SQLite file gets WAL, foreign keys and a busy timeout.

    `lock_wait` (seconds) bounds waiting for a lock: SQLite's busy timeout (30 s when
    not given) and PostgreSQL's lock_timeout (no limit when not given, as before).
    SQL parameters are kept out of error messages, since errors end up in logs and
    parameters hold names and NIPs.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={
                "timeout": BATCH_LOCK_WAIT if lock_wait is None else lock_wait,
                "check_same_thread": False,
            },
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername == "postgresql":
        # psycopg 3 is the driver the project installs.
        url = str(parsed.set(drivername="postgresql+psycopg"))
    connect_args: dict[str, Any] = {}
    if lock_wait is not None:
        connect_args["options"] = f"-c lock_timeout={int(lock_wait * 1000)}"
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        hide_parameters=True,
        connect_args=connect_args,
    )


def _sqlite_pragmas(connection: Any, _record: object) -> None:
    # WAL lets the worker write progress while pages read; foreign keys are off by default.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def refresh_statistics(db: Session, *tables: str) -> None:
    """After a bulk insert, let PostgreSQL's planner know the tables' new sizes.

    Without statistics (autovacuum may be off or late) PostgreSQL plans the plan list's
    queries as if the tables were empty, and a page can take seconds instead of
    milliseconds. SQLite's planner does well from the indexes alone.
    """
    if db.get_bind().dialect.name == "postgresql":
        for table in tables:
            db.execute(text(f"ANALYZE {table}"))
