"""The body of a plan run, executed in its own process by the worker.

It reads the version's archive, plans, checks (inside `solve`), explains, and writes the
placements and the summary with the run's final status in one transaction: a run that is
killed half-way leaves no placements behind.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

from sqlalchemy import Engine, insert, update
from sqlalchemy.orm import Session

from pionir.db.engine import make_engine, refresh_statistics, session_factory
from pionir.db.tables import PlacementRow, PlanRun, ScenarioVersion
from pionir.outputs import RunReport, summary_dict
from pionir.planner.check import employee_allowance
from pionir.planner.explain import explain
from pionir.planner.instance import PlanningInstance, prepare
from pionir.planner.options import SolveProgress, SolverOptions
from pionir.planner.solve import solve
from pionir.planner.usage import wave_usage
from pionir.services.archive import scenario_from_archive
from pionir.services.clock import now
from pionir.services.runs import RunStatus, claim

BATCH = 5_000
# Progress is written at most this often: enough for a live view, little load on the DB.
PROGRESS_EVERY = 0.5
JOB_NICENESS = 10


def run_in_process(database_url: str, run_id: int, workers: int = 2) -> None:
    """Entry point of the child process."""
    # A plan run is batch work: at a lower CPU priority it takes what page requests leave,
    # so the web stays responsive on a small server while the solver uses the rest.
    os.nice(JOB_NICENESS)
    engine = make_engine(database_url)
    try:
        execute_run(engine, run_id, workers=workers)
    finally:
        engine.dispose()


def plan_here(engine: Engine, run_id: int, worker: str, workers: int = 2) -> PlanRun:
    """Claim a queued run and plan it in this process: for commands, tests and benchmarks
    that want the result before they go on, without a worker."""
    sessions = session_factory(engine)
    with sessions() as db:
        if not claim(db, run_id, worker):
            raise RuntimeError(f"run {run_id} is not queued")
    execute_run(engine, run_id, workers=workers)
    with sessions() as db:
        run = db.get(PlanRun, run_id)
        assert run is not None
        return run


def execute_run(engine: Engine, run_id: int, workers: int = 2) -> None:
    """Plan one claimed run and store its outcome; any failure is recorded, not raised."""
    sessions = session_factory(engine)
    try:
        with sessions() as db:
            run = db.get(PlanRun, run_id)
            assert run is not None
            version = db.get(ScenarioVersion, run.version_id)
            assert version is not None
            archive, time_limit, seed = version.archive, run.time_limit, run.seed
        _set(engine, run_id, phase="prepare")
        instance = prepare(scenario_from_archive(archive))
        reporter = _ProgressWriter(engine, run_id)
        _set(engine, run_id, phase="solve")
        options = SolverOptions(
            time_limit=time_limit, seed=seed, workers=workers, progress=reporter
        )
        result = solve(instance, options)
        if result.plan is None:
            _finish_without_plan(engine, run_id, result.conflicts, result.conflicts_en)
            return
        _set(engine, run_id, phase="explain")
        explanations, binding = explain(instance, result.plan)
        report = RunReport(
            instance, result, explanations, binding, wave_usage(instance, result.plan)
        )
        _store(sessions(), run_id, report)
    except Exception as error:  # the run's record must say what happened, whatever it was
        _set(
            engine,
            run_id,
            status=RunStatus.FAILED.value,
            finished_at=now(),
            message=f"Perencanaan gagal: {type(error).__name__}: {error}",
            message_en=f"Planning failed: {type(error).__name__}: {error}",
        )


class _ProgressWriter:
    def __init__(self, engine: Engine, run_id: int) -> None:
        self.engine = engine
        self.run_id = run_id
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
            progress_seconds=progress.seconds,
            objective=progress.objective,
            bound=progress.bound,
            gap=max(0.0, gap),
        )


def _set(engine: Engine, run_id: int, **values: Any) -> None:
    with engine.begin() as connection:
        connection.execute(update(PlanRun).where(PlanRun.id == run_id).values(**values))


def _finish_without_plan(
    engine: Engine, run_id: int, conflicts: tuple[str, ...], conflicts_en: tuple[str, ...]
) -> None:
    infeasible = bool(conflicts)
    _set(
        engine,
        run_id,
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


def capacity_tables(instance: PlanningInstance, report: RunReport) -> dict[str, Any]:
    """Towers and buildings with what the plan uses of them, for the dashboard."""
    plan = report.result.plan
    assert plan is not None
    scenario = instance.scenario
    flats: dict[str, set[int]] = {}
    persons: Counter[str] = Counter()
    members = {c.household_id: c.members for c in instance.candidates}
    for placement in plan.placements.values():
        flats.setdefault(placement.housing.tower_id, set()).add(placement.housing.unit_no)
        persons[placement.housing.tower_id] += members[placement.household_id]
    desks: Counter[str] = Counter()
    for candidate in instance.candidates:
        if candidate.household_id in plan.placements:
            for unit_id, count in candidate.unit_counts.items():
                desks[plan.building_of_unit[unit_id]] += count
    return {
        "towers": [
            {
                "tower_id": t.tower_id,
                "ready_month": str(t.ready_month),
                "units": t.units,
                "bedrooms": t.bedrooms,
                "units_used": len(flats.get(t.tower_id, ())),
                "persons": persons[t.tower_id],
            }
            for t in scenario.towers
        ],
        "buildings": [
            {
                "building_id": b.building_id,
                "ready_month": str(b.ready_month),
                "desks": b.desks,
                "desks_used": desks[b.building_id],
            }
            for b in scenario.buildings
        ],
    }


def _store(db: Session, run_id: int, report: RunReport) -> None:
    summary = summary_dict(report) | capacity_tables(report.instance, report)
    # Web runs plan against the clock; the record says so (the CLI can also use a work limit).
    summary["timing"] = {"limit": "wall", "solve_seconds": round(report.result.solve_seconds, 2)}
    rows = placement_rows(run_id, report)
    result = report.result
    with db, db.begin():
        for start in range(0, len(rows), BATCH):
            db.execute(insert(PlacementRow), rows[start : start + BATCH])
        db.execute(
            update(PlanRun)
            .where(PlanRun.id == run_id)
            .values(
                status=RunStatus.SUCCEEDED.value,
                finished_at=now(),
                phase="done",
                summary=summary,
                objective=result.objective,
                bound=result.bound,
                gap=result.gap,
                progress_seconds=result.solve_seconds,
                message="",
                message_en="",
            )
        )
        refresh_statistics(db, "placements")
