"""Use case: plan a scenario and write the run's files, all or nothing."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from pionir.outputs import (
    RunReport,
    summary_dict,
    write_explanations,
    write_plan,
    write_priorities,
    write_screening,
    write_summary,
)
from pionir.planner.explain import explain
from pionir.planner.instance import prepare
from pionir.planner.options import SolverOptions
from pionir.planner.solve import solve
from pionir.planner.usage import wave_usage
from pionir.scenario.model import Scenario

RUN_FILES = (
    "priorities.csv",
    "screening.csv",
    "plan.csv",
    "explanations.csv",
    "summary.json",
    "errors.csv",
)


def plan_scenario(scenario: Scenario, options: SolverOptions) -> RunReport:
    """Screen, prioritise, solve, check and explain."""
    instance = prepare(scenario)
    result = solve(instance, options)
    if result.plan is None:
        return RunReport(instance, result, [], {}, [])
    explanations, binding = explain(instance, result.plan)
    return RunReport(instance, result, explanations, binding, wave_usage(instance, result.plan))


def write_run(
    report: RunReport, out: Path, timing: Mapping[str, float | str | None] | None = None
) -> None:
    """Write the run's files into `out`, replacing an earlier run's files only when all are written.

    `timing` (seconds to read the scenario and to plan it, and which limit applied) goes
    into summary.json with the seconds spent writing, so a limit can be checked.
    """
    written = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".pionir-") as staging_name:
        staging = Path(staging_name)
        write_priorities(report.instance, staging)
        write_screening(report.instance, staging)
        if report.result.plan is not None:
            write_plan(report, staging)
            write_explanations(report, staging)
        summary = summary_dict(report)
        if timing is not None:
            summary["timing"] = {
                **timing,
                "write_seconds": round(time.perf_counter() - written, 2),
            }
        write_summary(summary, staging)
        for name in RUN_FILES:
            stale = out / name
            if stale.exists() and not (staging / name).exists():
                stale.unlink()
        for moved in sorted(staging.iterdir()):
            shutil.move(str(moved), out / moved.name)
