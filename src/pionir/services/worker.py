"""The worker: claims queued plan runs and runs each in a child process it can stop.

A child process keeps the solver's CPU and memory away from the web process and makes
cancel exact: the child is terminated, and its unfinished transaction leaves nothing.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket
import threading

from sqlalchemy import Engine, select, update

from pionir.db.engine import make_engine, session_factory
from pionir.db.tables import PlanRun
from pionir.services.clock import now
from pionir.services.execute import run_in_process
from pionir.services.runs import RunStatus, claim_next

log = logging.getLogger("pionir.worker")
POLL_SECONDS = 1.0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_orphans(database_url: str) -> int:
    """Fail runs left 'running' by a worker on this host that no longer exists."""
    engine = make_engine(database_url)
    host = socket.gethostname()
    failed = 0
    with session_factory(engine)() as db:
        for run in db.scalars(select(PlanRun).where(PlanRun.status == RunStatus.RUNNING.value)):
            name = run.worker or ""
            worker_host, _, pid = name.partition(":")
            if worker_host == host and pid.isdigit() and not _pid_alive(int(pid)):
                run.status = RunStatus.FAILED.value
                run.finished_at = now()
                run.message = "Pekerja berhenti saat proses berjalan; silakan jalankan ulang."
                run.message_en = "The worker stopped while the run was going; please run it again."
                failed += 1
        db.commit()
    engine.dispose()
    return failed


def run_worker(
    database_url: str,
    stop: threading.Event | None = None,
    *,
    solver_workers: int = 2,
    once: bool = False,
) -> None:
    """Poll for runs until `stop` is set (or after one run when `once`)."""
    stop = stop or threading.Event()
    recover_orphans(database_url)
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    name = worker_name()
    context = multiprocessing.get_context("spawn")
    try:
        while not stop.is_set():
            with sessions() as db:
                run_id = claim_next(db, name)
            if run_id is None:
                if once:
                    return
                stop.wait(POLL_SECONDS)
                continue
            log.info("run %s started", run_id)
            child = context.Process(
                target=run_in_process, args=(database_url, run_id, solver_workers), daemon=True
            )
            child.start()
            _watch(engine, run_id, child, stop)
            log.info("run %s ended", run_id)
            if once:
                return
    finally:
        engine.dispose()


def _watch(
    engine: Engine, run_id: int, child: multiprocessing.process.BaseProcess, stop: threading.Event
) -> None:
    sessions = session_factory(engine)
    reason: tuple[str, str] | None = None
    while child.is_alive():
        child.join(0.5)
        with sessions() as db:
            cancel = db.scalar(select(PlanRun.cancel_requested).where(PlanRun.id == run_id))
        if cancel:
            reason = ("Dibatalkan oleh pengguna.", "Cancelled by a user.")
        elif stop.is_set():
            reason = (
                "Dihentikan karena pekerja dimatikan.",
                "Stopped because the worker shut down.",
            )
        if reason is not None and child.is_alive():
            child.terminate()
            child.join(10)
            if child.is_alive():
                child.kill()
                child.join()
    with engine.begin() as connection:
        status = connection.scalar(select(PlanRun.status).where(PlanRun.id == run_id))
        if status != RunStatus.RUNNING.value:
            return
        if reason is not None:
            values = {
                "status": RunStatus.CANCELLED.value,
                "message": reason[0],
                "message_en": reason[1],
            }
        else:
            values = {
                "status": RunStatus.FAILED.value,
                "message": f"Proses perencanaan berhenti tak terduga (kode {child.exitcode}).",
                "message_en": f"The planning process stopped unexpectedly (code {child.exitcode}).",
            }
        connection.execute(
            update(PlanRun)
            .where(PlanRun.id == run_id)
            .values(finished_at=now(), phase="done", **values)
        )
