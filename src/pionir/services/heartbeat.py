"""A running run's heartbeat: a thread that tells other workers its worker is alive.

It runs beside whatever does the work (the worker's watch loop, or `plan_here` in a
command), so a long solve, a slow explain or a big store never delays a beat.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from pionir.db.engine import session_factory
from pionir.services.runs import heartbeat

log = logging.getLogger("pionir.worker")

# At most this long between beats; shorter when the staleness limit is short.
HEARTBEAT_SECONDS = 5.0


def beat_interval(stale_after: float) -> float:
    """Seconds between beats: several fit in the staleness limit, so that one late beat
    (a write waiting on a SQLite lock, say) does not make a live worker look dead."""
    return min(HEARTBEAT_SECONDS, stale_after / 4)


class Heartbeat:
    """Refresh a run's `heartbeat_at` until the block ends; `lost` is set when the run
    was reaped, cancelled at once or taken over, and the work should stop."""

    def __init__(self, engine: Engine, run_id: int, worker: str, interval: float) -> None:
        self.run_id = run_id
        self.worker = worker
        self.interval = interval
        self.lost = threading.Event()
        self._sessions = session_factory(engine)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{run_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                with self._sessions() as db:
                    alive = heartbeat(db, self.run_id, self.worker)
            except SQLAlchemyError as error:
                # A database that is busy or away for a moment: the next beat may pass.
                log.warning("run %s: heartbeat not written (%s)", self.run_id, type(error).__name__)
                continue
            if not alive:
                log.warning("run %s is no longer this worker's; its work stops", self.run_id)
                self.lost.set()
                return
