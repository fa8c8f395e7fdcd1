"""The body of a plan run, executed in its own process by the worker.

It reads the version's archive, plans, checks (inside `solve`), explains, and writes the
placements and the summary with the run's final status in one transaction: a run that is
killed half-way leaves no placements behind.

Every write names the claimant (the worker that claimed the run) and changes the run only
while it is still running under that name, so a child whose run was cancelled, reaped or
taken over changes nothing: above all, it never stores placements for such a run.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from sqlalchemy import Engine, insert, update
from sqlalchemy.orm import Session

from pionir.db.engine import make_engine, refresh_statistics, session_factory
from pionir.db.tables import PlacementRow, PlanRun, ScenarioVersion
from pionir.outputs import RunReport, plan_summary, premises_use
from pionir.plan_summary import JobTiming
from pionir.planner.check import employee_allowance
from pionir.planner.explain import explain
from pionir.planner.instance import prepare
from pionir.planner.options import SolveProgress, SolverOptions
from pionir.planner.solve import solve
from pionir.planner.usage import wave_usage
from pionir.services.archive import StoredArchiveUnreadable, scenario_from_archive
from pionir.services.clock import now
from pionir.services.heartbeat import Heartbeat, beat_interval
from pionir.services.runs import RunStatus, claim, owned_by, staleness_limit

BATCH = 5_000
# Progress is written at most this often: enough for a live view, little load on the DB.
PROGRESS_EVERY = 0.5
JOB_NICENESS = 10


def run_in_process(
    database_url: str, run_id: int, workers: int, claimant: str, parent_pid: int
) -> None:
    """Entry point of the child process, started by the worker `claimant` (`parent_pid`)."""
    _exit_with_parent(parent_pid)
    # A plan run is batch work: at a lower CPU priority it takes what page requests leave,
    # so the web stays responsive on a small server while the solver uses the rest.
    os.nice(JOB_NICENESS)
    engine = make_engine(database_url)
    try:
        execute_run(engine, run_id, workers=workers, claimant=claimant)
    finally:
        engine.dispose()


def _exit_with_parent(parent_pid: int) -> None:  # pragma: no cover - runs in the child
    """End this process when the worker that started it is gone (SIGKILL, a crash):
    nobody would stop it or hear its result. The pid is passed in rather than read here,
    so a worker that died before this line is noticed too."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(3)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def plan_here(engine: Engine, run_id: int, worker: str, workers: int = 2) -> PlanRun:
    """Claim a queued run and plan it in this process: for commands, tests and benchmarks
    that want the result before they go on, without a worker."""
    sessions = session_factory(engine)
    with sessions() as db:
        if not claim(db, run_id, worker):
            raise RuntimeError(f"run {run_id} is not queued")
    # Beat like a worker does, or another worker would take this long run for a dead one.
    with Heartbeat(engine, run_id, worker, beat_interval(staleness_limit())):
        execute_run(engine, run_id, workers=workers, claimant=worker)
    with sessions() as db:
        run = db.get(PlanRun, run_id)
        assert run is not None
        return run


def execute_run(engine: Engine, run_id: int, workers: int = 2, *, claimant: str) -> None:
    """Plan one run claimed by `claimant` and store its outcome; any failure is recorded,
    not raised. Stops early, writing nothing, once the run is no longer the claimant's."""
    sessions = session_factory(engine)
    try:
        with sessions() as db:
            run = db.get(PlanRun, run_id)
            assert run is not None
            version = db.get(ScenarioVersion, run.version_id)
            assert version is not None
            archive, time_limit, seed = version.archive, run.time_limit, run.seed
        if not _set(engine, run_id, claimant, phase="prepare"):
            return
        instance = prepare(scenario_from_archive(archive))
        reporter = _ProgressWriter(engine, run_id, claimant)
        if not _set(engine, run_id, claimant, phase="solve"):
            return
        options = SolverOptions(
            time_limit=time_limit, seed=seed, workers=workers, progress=reporter
        )
        result = solve(instance, options)
        if result.plan is None:
            _finish_without_plan(engine, run_id, claimant, result.conflicts, result.conflicts_en)
            return
        if not _set(engine, run_id, claimant, phase="explain"):
            return
        explanations, binding = explain(instance, result.plan)
        report = RunReport(
            instance, result, explanations, binding, wave_usage(instance, result.plan)
        )
        store_result(sessions(), run_id, claimant, report)
    except StoredArchiveUnreadable as damaged:
        # The planner's own sentence: the version must be imported again.
        _finish(
            engine,
            run_id,
            claimant,
            status=RunStatus.FAILED.value,
            finished_at=now(),
            message=damaged.message,
            message_en=damaged.message_en,
        )
    except Exception as error:  # the run's record must say what happened, whatever it was
        _finish(
            engine,
            run_id,
            claimant,
            status=RunStatus.FAILED.value,
            finished_at=now(),
            message=f"Perencanaan gagal: {type(error).__name__}: {error}",
            message_en=f"Planning failed: {type(error).__name__}: {error}",
        )


class _ProgressWriter:
    def __init__(self, engine: Engine, run_id: int, claimant: str) -> None:
        self.engine = engine
        self.run_id = run_id
        self.claimant = claimant
        self.last = 0.0

    def __call__(self, progress: SolveProgress) -> None:
        moment = time.monotonic()
        if moment - self.last < PROGRESS_EVERY:
            return
        self.last = moment
        gap = (progress.bound - progress.objective) / progress.bound if progress.bound else 0.0
        _set(
            self.engine,
            self.run_id,
            self.claimant,
            progress_seconds=progress.seconds,
            objective=progress.objective,
            bound=progress.bound,
            gap=max(0.0, gap),
        )


def _set(engine: Engine, run_id: int, claimant: str, **values: Any) -> bool:
    """Write progress to the claimant's running run; False when it is no longer its."""
    with engine.begin() as connection:
        written = connection.execute(
            update(PlanRun).where(owned_by(run_id, claimant)).values(**values)
        )
    return bool(written.rowcount == 1)


def _finish(engine: Engine, run_id: int, claimant: str, **values: Any) -> bool:
    """Write a final status, unless a cancel was asked: the worker then ends it cancelled."""
    with engine.begin() as connection:
        written = connection.execute(
            update(PlanRun)
            .where(owned_by(run_id, claimant), PlanRun.cancel_requested.is_not(True))
            .values(**values)
        )
    return bool(written.rowcount == 1)


def _finish_without_plan(
    engine: Engine,
    run_id: int,
    claimant: str,
    conflicts: tuple[str, ...],
    conflicts_en: tuple[str, ...],
) -> None:
    infeasible = bool(conflicts)
    _finish(
        engine,
        run_id,
        claimant,
        status=(RunStatus.INFEASIBLE if infeasible else RunStatus.FAILED).value,
        finished_at=now(),
        phase="done",
        message=" ".join(conflicts) or "Tidak ada rencana ditemukan dalam batas waktu.",
        message_en=" ".join(conflicts_en) or "No plan was found within the time limit.",
    )


def placement_rows(run_id: int, report: RunReport) -> list[dict[str, Any]]:
    """One row per employee: where and when they move, or the reason they stay."""
    instance = report.instance
    plan = report.result.plan
    assert plan is not None
    scenario = instance.scenario
    explanation = {e.nip: e for e in report.explanations}
    agency_of_unit = {u.unit_id: u.agency_id for u in scenario.units}
    rows = []
    for employee in scenario.employees:
        unit_id = instance.unit_of_employee[employee.nip]
        told = explanation[employee.nip]
        row: dict[str, Any] = {
            "run_id": run_id,
            "nip": employee.nip,
            "household_id": employee.household_id,
            "agency_id": agency_of_unit[unit_id],
            "unit_id": unit_id,
            "wave_id": None,
            "month": None,
            "tower_id": None,
            "unit_no": None,
            "building_id": None,
            "allowance": 0,
            "outcome": told.outcome,
            "codes": ";".join(told.codes),
            "text_id": told.text_id,
            "text_en": told.text_en,
        }
        placement = plan.placements.get(employee.household_id)
        if placement is not None:
            wave = scenario.waves[placement.wave_index]
            row.update(
                wave_id=wave.wave_id,
                month=str(wave.month),
                tower_id=placement.housing.tower_id,
                unit_no=placement.housing.unit_no,
                building_id=plan.building_of_unit[unit_id],
                allowance=employee_allowance(scenario, employee.grade, placement.wave_index),
            )
        rows.append(row)
    return rows


def store_result(db: Session, run_id: int, claimant: str, report: RunReport) -> bool:
    """Store a plan's placements and summary with status 'succeeded', in one transaction;
    False, storing nothing, when the run is no longer the claimant's to finish.

    The status change comes first and is conditional (still running, still the
    claimant's, no cancel asked): on PostgreSQL it locks the row, and a cancel or a reaper
    that comes at the same moment waits and then finds the run finished; on SQLite it
    takes the database's write lock, which does the same. Only if it matched are the
    placements written, so a cancelled or taken-over run never gets any.
    """
    summary = plan_summary(
        report,
        premises=premises_use(report),
        # Web runs plan against the clock; the record says so (the CLI can also use a work limit).
        timing=JobTiming(limit="wall", solve_seconds=round(report.result.solve_seconds, 2)),
    )
    rows = placement_rows(run_id, report)
    result = report.result
    with db, db.begin():
        finished = db.execute(
            update(PlanRun)
            .where(owned_by(run_id, claimant), PlanRun.cancel_requested.is_not(True))
            .values(
                status=RunStatus.SUCCEEDED.value,
                finished_at=now(),
                phase="done",
                summary=summary.to_json(),
                objective=result.objective,
                bound=result.bound,
                gap=result.gap,
                progress_seconds=result.solve_seconds,
                message="",
                message_en="",
            )
        )
        if finished.rowcount != 1:  # type: ignore[attr-defined]
            return False  # the transaction ends having changed nothing
        for start in range(0, len(rows), BATCH):
            db.execute(insert(PlacementRow), rows[start : start + BATCH])
        refresh_statistics(db, "placements")
    return True
