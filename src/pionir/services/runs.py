"""Plan runs as jobs: request, cancel, approve, list; the worker claims and finishes them."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pionir.db.tables import PlanRun
from pionir.scenario.errors import ScenarioIssue
from pionir.services import audit
from pionir.services.actor import Actor, require_overview, require_planner
from pionir.services.clock import now
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


def cancel_run(db: Session, actor: Actor, run_id: int) -> PlanRun:
    """A queued run is cancelled at once; a running one is stopped by its worker."""
    require_planner(actor)
    run = get_run(db, actor, run_id)
    before = {"status": run.status, "cancel_requested": run.cancel_requested}
    if run.status == RunStatus.QUEUED.value:
        run.status = RunStatus.CANCELLED.value
        run.finished_at = now()
        run.message = "Dibatalkan sebelum dimulai."
        run.message_en = "Cancelled before it started."
    elif run.status == RunStatus.RUNNING.value:
        run.cancel_requested = True
    else:
        raise Conflict(
            "Proses ini sudah selesai dan tidak dapat dibatalkan.",
            "This run has finished and cannot be cancelled.",
        )
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
    claimed = db.execute(
        update(PlanRun)
        .where(PlanRun.id == run_id, PlanRun.status == RunStatus.QUEUED.value)
        .values(status=RunStatus.RUNNING.value, started_at=now(), worker=worker, phase="start")
    )
    db.commit()
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
