"""Plan runs as jobs: request, cancel, approve, list; the worker claims and finishes them.

A running run belongs to the worker named in `worker` ("host:pid"), which refreshes its
`heartbeat_at` every few seconds. A run whose heartbeat is older than the staleness limit,
or whose worker's process is gone from this host, lost its worker: any worker reaps it
(marks it failed, or cancelled if a cancel was asked), and a cancel ends it at once.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from pionir.config import load_settings
from pionir.db.tables import PlanRun
from pionir.scenario.errors import ScenarioIssue
from pionir.services import audit
from pionir.services.actor import Actor, require_overview, require_planner
from pionir.services.clock import aware, now
from pionir.services.errors import Conflict, InputRefused, NotFound
from pionir.services.scenarios import get_version

MAX_TIME_LIMIT = 3600.0


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    INFEASIBLE = "infeasible"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = (RunStatus.SUCCEEDED, RunStatus.INFEASIBLE, RunStatus.FAILED, RunStatus.CANCELLED)


def request_run(
    db: Session, actor: Actor, version_id: int, *, time_limit: float = 30.0, seed: int = 0
) -> PlanRun:
    """Queue a run of the planner on a scenario version; the worker picks it up."""
    require_planner(actor)
    get_version(db, actor, version_id)
    if not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise InputRefused(
            "Batas waktu tidak valid.",
            "The time limit is not valid.",
            [
                ScenarioIssue(
                    "formulir",
                    0,
                    "time_limit",
                    f"Batas waktu harus antara 1 dan {MAX_TIME_LIMIT:.0f} detik.",
                    f"The time limit must be between 1 and {MAX_TIME_LIMIT:.0f} seconds.",
                )
            ],
        )
    run = PlanRun(
        version_id=version_id,
        status=RunStatus.QUEUED.value,
        time_limit=time_limit,
        seed=seed,
        requested_by=actor.username,
        requested_at=now(),
        cancel_requested=False,
        phase="",
        message="",
        message_en="",
    )
    db.add(run)
    db.flush()
    audit.record(
        db,
        actor,
        "plan.run",
        "plan_run",
        run.id,
        after={"version_id": version_id, "time_limit": time_limit, "seed": seed},
    )
    return run


def get_run(db: Session, actor: Actor, run_id: int) -> PlanRun:
    require_overview(actor)
    run = db.get(PlanRun, run_id)
    if run is None:
        raise NotFound()
    return run


def list_runs(db: Session, actor: Actor, version_id: int | None = None) -> Sequence[PlanRun]:
    """Run history, newest first."""
    require_overview(actor)
    query = select(PlanRun).order_by(PlanRun.id.desc())
    if version_id is not None:
        query = query.where(PlanRun.version_id == version_id)
    return db.scalars(query.limit(200)).all()


def latest_finished_run(db: Session, actor: Actor) -> PlanRun | None:
    """The approved run if any, else the newest successful one: what dashboards show."""
    require_overview(actor)
    approved = db.scalar(
        select(PlanRun)
        .where(PlanRun.approved_at.is_not(None))
        .order_by(PlanRun.approved_at.desc())
        .limit(1)
    )
    if approved is not None:
        return approved
    return db.scalar(
        select(PlanRun)
        .where(PlanRun.status == RunStatus.SUCCEEDED.value)
        .order_by(PlanRun.id.desc())
        .limit(1)
    )


def cancel_run(
    db: Session, actor: Actor, run_id: int, *, stale_after: float | None = None
) -> PlanRun:
    """A queued run is cancelled at once; a running one is stopped by its worker, or
    ended at once when its worker is gone (nobody else would ever act on the request)."""
    require_planner(actor)
    run = get_run(db, actor, run_id)
    before = {"status": run.status, "cancel_requested": run.cancel_requested}
    if run.status == RunStatus.QUEUED.value:
        run.status = RunStatus.CANCELLED.value
        run.finished_at = now()
        run.message = "Dibatalkan sebelum dimulai."
        run.message_en = "Cancelled before it started."
    elif run.status == RunStatus.RUNNING.value and worker_vanished(run, stale_after):
        if not _end_vanished(db, run, cancelled=True):
            return cancel_run(db, actor, run_id, stale_after=stale_after)  # it moved on
    elif run.status == RunStatus.RUNNING.value:
        # Conditional, so that a run its worker finished meanwhile is not marked.
        asked = db.execute(
            update(PlanRun)
            .where(PlanRun.id == run_id, PlanRun.status == RunStatus.RUNNING.value)
            .values(cancel_requested=True)
        )
        db.refresh(run)
        if asked.rowcount != 1:  # type: ignore[attr-defined]
            raise _finished()
    else:
        raise _finished()
    audit.record(
        db,
        actor,
        "plan.cancel",
        "plan_run",
        run.id,
        before=before,
        after={"status": run.status, "cancel_requested": run.cancel_requested},
    )
    return run


def _finished() -> Conflict:
    return Conflict(
        "Proses ini sudah selesai dan tidak dapat dibatalkan.",
        "This run has finished and cannot be cancelled.",
    )


def approve_run(db: Session, actor: Actor, run_id: int) -> PlanRun:
    """Mark a successful run as the approved plan (what dashboards and briefs show)."""
    require_planner(actor)
    run = get_run(db, actor, run_id)
    if run.status != RunStatus.SUCCEEDED.value:
        raise Conflict(
            "Hanya rencana yang berhasil yang dapat disetujui.",
            "Only a successful plan can be approved.",
        )
    if run.approved_at is not None:
        raise Conflict("Rencana ini sudah disetujui.", "This plan is already approved.")
    before = {"approved_by": None}
    run.approved_by = actor.username
    run.approved_at = now()
    audit.record(
        db,
        actor,
        "plan.approve",
        "plan_run",
        run.id,
        before=before,
        after={"approved_by": actor.username, "approved_at": run.approved_at.isoformat()},
    )
    return run


def claim_next(db: Session, worker: str) -> int | None:
    """Take the oldest queued run for this worker; None when the queue is empty.

    The conditional UPDATE is the lock: of two workers racing for a run, one updates a
    row and the other none, on SQLite and PostgreSQL alike.
    """
    while True:
        run_id = db.scalar(
            select(PlanRun.id)
            .where(PlanRun.status == RunStatus.QUEUED.value)
            .order_by(PlanRun.id)
            .limit(1)
        )
        if run_id is None:
            return None
        if claim(db, run_id, worker):
            return run_id


def claim(db: Session, run_id: int, worker: str) -> bool:
    """Mark a queued run as this worker's; False when another worker took it first."""
    moment = now()
    claimed = db.execute(
        update(PlanRun)
        .where(PlanRun.id == run_id, PlanRun.status == RunStatus.QUEUED.value)
        .values(
            status=RunStatus.RUNNING.value,
            started_at=moment,
            heartbeat_at=moment,
            worker=worker,
            phase="start",
        )
    )
    db.commit()
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def owned_by(run_id: int, worker: str) -> ColumnElement[bool]:
    """The rows a worker may still write to: its run, still running under its name.

    Every write by a worker or its child carries this condition, so that a run that was
    reaped, cancelled at once or taken over is never changed by its former worker.
    """
    return and_(
        PlanRun.id == run_id,
        PlanRun.status == RunStatus.RUNNING.value,
        PlanRun.worker == worker,
    )


def heartbeat(db: Session, run_id: int, worker: str) -> bool:
    """Tell other workers this run's worker is alive; False when the run is no longer its."""
    beat = db.execute(update(PlanRun).where(owned_by(run_id, worker)).values(heartbeat_at=now()))
    db.commit()
    return bool(beat.rowcount == 1)  # type: ignore[attr-defined]


def staleness_limit() -> float:
    """Seconds without a heartbeat after which a running run has lost its worker."""
    return load_settings().worker_stale_seconds


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, if not ours
    return True


def worker_vanished(run: PlanRun, stale_after: float | None = None) -> bool:
    """Whether a running run's worker is gone: its heartbeat is stale (any host), or it
    ran on this host and its process no longer exists (a faster answer)."""
    limit = staleness_limit() if stale_after is None else stale_after
    # Runs claimed before heartbeats existed count from their start.
    last = run.heartbeat_at or run.started_at
    if last is None or aware(last) < now() - timedelta(seconds=limit):
        return True
    host, _, pid = (run.worker or "").partition(":")
    return host == socket.gethostname() and pid.isdigit() and not pid_alive(int(pid))


def reap_vanished(db: Session, stale_after: float | None = None) -> list[int]:
    """End every running run whose worker is gone, on whatever host; the ids ended.

    They are failed rather than queued again: a worker that vanished mid-run may have
    been killed by that very run (the kernel's out-of-memory killer picks the biggest
    process), and a requeued run would then take down every worker in turn. The planner
    sees why it stopped and starts it again when that makes sense.
    """
    ended = []
    running = db.scalars(
        select(PlanRun)
        .where(PlanRun.status == RunStatus.RUNNING.value)
        .execution_options(populate_existing=True)
    ).all()
    for run in running:
        if worker_vanished(run, stale_after) and _end_vanished(db, run, run.cancel_requested):
            ended.append(run.id)
    db.commit()
    return ended


def _end_vanished(db: Session, run: PlanRun, cancelled: bool) -> bool:
    """Fail (or cancel) a run whose worker is gone, unless it moved on since it was read.

    The UPDATE matches only the heartbeat that was seen: if the worker beat meanwhile,
    or another worker reaped the run first, it changes nothing and says so.
    """
    seen: datetime | None = run.heartbeat_at
    if cancelled:
        message = (
            "Dibatalkan; pekerjanya sudah tidak berjalan.",
            "Cancelled; its worker had stopped.",
        )
    else:
        message = (
            "Pekerja berhenti saat proses berjalan; silakan jalankan ulang.",
            "The worker stopped while the run was going; please run it again.",
        )
    ended = db.execute(
        update(PlanRun)
        .where(
            PlanRun.id == run.id,
            PlanRun.status == RunStatus.RUNNING.value,
            PlanRun.worker.is_(None) if run.worker is None else PlanRun.worker == run.worker,
            PlanRun.heartbeat_at.is_(None) if seen is None else PlanRun.heartbeat_at == seen,
        )
        .values(
            status=(RunStatus.CANCELLED if cancelled else RunStatus.FAILED).value,
            finished_at=now(),
            phase="done",
            message=message[0],
            message_en=message[1],
        )
    )
    db.refresh(run)
    return bool(ended.rowcount == 1)  # type: ignore[attr-defined]
