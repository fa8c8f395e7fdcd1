"""Use case: plan a scenario and write the run's files, all or nothing."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from pionir.outputs import (
    RunReport,
    plan_summary,
    write_bottlenecks,
    write_explanations,
    write_plan,
    write_priorities,
    write_screening,
    write_summary,
)
from pionir.plan_summary import CommandTiming
from pionir.planner.bottlenecks import find_bottlenecks
from pionir.planner.budget import Budget
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
    "bottlenecks.csv",
    "summary.json",
    "errors.csv",
)


# Wall-clock seconds for re-solving the top bottlenecks after the search.
BOTTLENECK_SECONDS = 3.0


def plan_scenario(
    scenario: Scenario, options: SolverOptions, bottleneck_seconds: float = BOTTLENECK_SECONDS
) -> RunReport:
    """Screen, prioritise, solve, check, explain and find the bottlenecks.

    The bottlenecks' re-solves get `bottleneck_seconds`, but only what is left of the
    time limit after the explanations, so the run stays within it; with a work limit
    they get that work limit each, and a fixed number of them.
    """
    started = time.monotonic()
    instance = prepare(scenario)
    result = solve(instance, options)
    if result.plan is None:
        return RunReport(instance, result, [], {}, [])
    explanations, binding = explain(instance, result.plan)
    usage = wave_usage(instance, result.plan)
    budget = _bottleneck_budget(options, bottleneck_seconds, started)
    bottlenecks = find_bottlenecks(instance, result, budget)
    return RunReport(instance, result, explanations, binding, usage, bottlenecks)


def _bottleneck_budget(options: SolverOptions, seconds: float, started: float) -> Budget:
    """What the bottlenecks' re-solves may spend: up to `seconds`, within the time limit.

    The limit's last 8 % stay free for building the summary and for a re-solve that
    runs long; a run that has used its time gets the LP's dual estimates only.
    """
    if options.work_limit is not None:
        return Budget(float("inf"), options.work_limit, options.relative_gap)
    left = started + options.time_limit * 0.92 - time.monotonic()
    return Budget.wall(max(0.0, min(seconds, left)), options.relative_gap)


def write_run(report: RunReport, out: Path, timing: CommandTiming | None = None) -> None:
    """Write the run's files into `out`, replacing an earlier run's files only when all are written.

    `timing` (seconds to read the scenario and to plan it, and which limit applied) goes
    into summary.json with the seconds spent writing (its `write_seconds` is replaced),
    so a limit can be checked.
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
            write_bottlenecks(report, staging)
        if timing is not None:
            timing = replace(timing, write_seconds=round(time.perf_counter() - written, 2))
        write_summary(plan_summary(report, timing=timing), staging)
        for name in RUN_FILES:
            stale = out / name
            if stale.exists() and not (staging / name).exists():
                stale.unlink()
        for moved in sorted(staging.iterdir()):
            shutil.move(str(moved), out / moved.name)
