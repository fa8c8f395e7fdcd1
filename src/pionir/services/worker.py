"""The worker: claims queued plan runs and runs each in a child process it can stop.

A child process keeps the solver's CPU and memory away from the web process and makes
cancel exact: the child is terminated, and its unfinished transaction leaves nothing.

While a run goes on the worker beats its heartbeat (see `services/heartbeat.py`) and,
between runs and during them, reaps runs whose worker vanished, on any host: so a run
is never left 'running' for longer than the staleness limit once its worker is gone.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket
import threading
import time

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import SQLAlchemyError

from pionir.db.engine import make_engine, session_factory
from pionir.db.tables import PlanRun
from pionir.services.clock import now
from pionir.services.execute import run_in_process
from pionir.services.heartbeat import Heartbeat, beat_interval
from pionir.services.runs import RunStatus, claim_next, owned_by, reap_vanished, staleness_limit

log = logging.getLogger("pionir.worker")
POLL_SECONDS = 1.0
# How often the watch loop looks at the cancel flag of the run it watches.
CANCEL_POLL_SECONDS = 0.5


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def recover_orphans(database_url: str, stale_after: float | None = None) -> int:
    """Fail runs left 'running' by a worker that is gone; how many were ended."""
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as db:
            return len(reap_vanished(db, stale_after))
    finally:
        engine.dispose()


def run_worker(
    database_url: str,
    stop: threading.Event | None = None,
    *,
    solver_workers: int = 2,
    once: bool = False,
    stale_after: float | None = None,
) -> None:
    """Poll for runs until `stop` is set (or after one run when `once`)."""
    stop = stop or threading.Event()
    limit = staleness_limit() if stale_after is None else stale_after
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    name = worker_name()
    context = multiprocessing.get_context("spawn")
    try:
        while not stop.is_set():
            _reap(engine, limit)
            with sessions() as db:
                run_id = claim_next(db, name)
            if run_id is None:
                if once:
                    return
                stop.wait(POLL_SECONDS)
                continue
            log.info("run %s started", run_id)
            child = context.Process(
                target=run_in_process,
                args=(database_url, run_id, solver_workers, name, os.getpid()),
                daemon=True,
            )
            child.start()
            with Heartbeat(engine, run_id, name, beat_interval(limit)) as beat:
                _watch(engine, run_id, name, child, stop, beat, limit)
            log.info("run %s ended", run_id)
            if once:
                return
    finally:
        engine.dispose()


def _reap(engine: Engine, stale_after: float) -> None:
    try:
        with session_factory(engine)() as db:
            ended = reap_vanished(db, stale_after)
    except SQLAlchemyError as error:
        # A busy or absent database: the next round tries again.
        log.warning("reaping skipped (%s)", type(error).__name__)
        return
    for run_id in ended:
        log.warning("run %s lost its worker and was ended", run_id)


def _watch(
    engine: Engine,
    run_id: int,
    name: str,
    child: multiprocessing.process.BaseProcess,
    stop: threading.Event,
    beat: Heartbeat,
    stale_after: float,
) -> None:
    sessions = session_factory(engine)
    reason: tuple[str, str] | None = None
    next_reap = time.monotonic() + beat.interval
    while child.is_alive():
        child.join(CANCEL_POLL_SECONDS)
        with sessions() as db:
            cancel = db.scalar(select(PlanRun.cancel_requested).where(PlanRun.id == run_id))
        if cancel:
            reason = ("Dibatalkan oleh pengguna.", "Cancelled by a user.")
        elif stop.is_set():
            reason = _SHUT_DOWN
        elif beat.lost.is_set():
            reason = ("", "")  # not this worker's any more: stop, and write nothing
        if reason is not None and child.is_alive():
            _end(child)
        if time.monotonic() >= next_reap:
            # A worker busy with a long run still reaps, so one busy worker of several
            # does not leave another's orphan waiting.
            _reap(engine, stale_after)
            next_reap = time.monotonic() + beat.interval
    if reason is None and stop.is_set():
        # The signal that stopped the worker reached the child first (they share a
        # process group under `serve`): a shutdown, not a crash.
        reason = _SHUT_DOWN
    _record_end(engine, run_id, name, reason, child.exitcode)


_SHUT_DOWN = ("Dihentikan karena pekerja dimatikan.", "Stopped because the worker shut down.")


def _end(child: multiprocessing.process.BaseProcess) -> None:
    child.terminate()
    child.join(10)
    if child.is_alive():
        child.kill()
        child.join()


def _record_end(
    engine: Engine, run_id: int, name: str, reason: tuple[str, str] | None, code: int | None
) -> None:
    """The run's final status when the child did not write one; nothing if it is no
    longer this worker's run or already finished."""
    with engine.begin() as connection:
        cancel = connection.scalar(select(PlanRun.cancel_requested).where(owned_by(run_id, name)))
        if cancel is None:
            return
        if cancel:
            reason = ("Dibatalkan oleh pengguna.", "Cancelled by a user.")
        if reason is not None:
            values = {
                "status": RunStatus.CANCELLED.value,
                "message": reason[0],
                "message_en": reason[1],
            }
        else:
            values = {
                "status": RunStatus.FAILED.value,
                "message": f"Proses perencanaan berhenti tak terduga (kode {code}).",
                "message_en": f"The planning process stopped unexpectedly (code {code}).",
            }
        connection.execute(
            update(PlanRun)
            .where(owned_by(run_id, name))
            .values(finished_at=now(), phase="done", **values)
        )
