"""Plan the demo scenario at scales 1, 3, 10 and 30 and print speed, memory and quality.

Run by hand (it takes about a quarter of an hour):

    .venv/bin/python benchmarks/plan_scaling.py [--scales 1 3 10 30] [--limits 10 60 60 600]

Each scale runs in its own process so that peak memory is that scale's alone. The time
limit is wall-clock; `solve s` is the search alone, `wall` adds screening and the
instance (not generating the scenario). Beside the planner, the same run times the
greedy baseline (unit priority order, first
wave that fits: what a careful spreadsheet gives) and reports both objectives against
the proven bound, and when the planner's plan first came within 0.5% and 1% of it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time
from typing import Any

from pionir.planner.check import check_plan, plan_objective
from pionir.planner.greedy import greedy_plan
from pionir.planner.instance import prepare
from pionir.planner.options import SolveProgress, SolverOptions
from pionir.planner.solve import solve
from pionir.scenario.demo import generate_demo


def _first_within(trace: list[SolveProgress], gap: float, bound: float) -> float | None:
    """Seconds until a plan within `gap` of the final proven bound existed."""
    for point in trace:
        if bound > 0 and (bound - point.objective) / bound <= gap:
            return point.seconds
    return None


def measure(scale: float, time_limit: float, seed: int, workers: int) -> dict[str, Any]:
    """Everything printed for one scale, measured in this (child) process."""
    scenario = generate_demo(scale=scale, seed=seed)
    started = time.perf_counter()
    instance = prepare(scenario)
    greedy_started = time.perf_counter()
    baseline = greedy_plan(instance)
    greedy_seconds = time.perf_counter() - greedy_started
    greedy_objective = plan_objective(scenario, baseline) if baseline else float("nan")
    trace: list[SolveProgress] = []
    options = SolverOptions(time_limit=time_limit, workers=workers, progress=trace.append)
    solve_started = time.perf_counter()
    result = solve(instance, options)
    solve_seconds = time.perf_counter() - solve_started
    wall = time.perf_counter() - started
    assert result.plan is not None, f"no plan within {time_limit} s ({result.status.value})"
    assert check_plan(scenario, result.plan) == []
    movers = sum(
        len(c.employees) for c in instance.candidates if c.household_id in result.plan.placements
    )
    greedy_movers = sum(
        len(c.employees)
        for c in instance.candidates
        if baseline is not None and c.household_id in baseline.placements
    )
    return {
        "scale": scale,
        "quota": sum(u.quota for u in scenario.units),
        "employees": len(scenario.employees),
        "households": len(instance.candidates),
        "wall": wall,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "status": result.status.value,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "movers": movers,
        "within_1pct": _first_within(trace, 0.01, result.bound),
        "within_half_pct": _first_within(trace, 0.005, result.bound),
        "greedy_objective": greedy_objective,
        "greedy_movers": greedy_movers,
        "greedy_seconds": greedy_seconds,
        "greedy_gap": (result.bound - greedy_objective) / result.bound,
        "solve_seconds": solve_seconds,
        "lp_seconds": result.stats.get("lp_seconds", 0.0),
    }


def _run(args: tuple[float, float, int, int], queue: Any) -> None:
    queue.put(measure(*args))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 3.0, 10.0, 30.0])
    parser.add_argument("--limits", type=float, nargs="+", default=[10.0, 60.0, 60.0, 600.0])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    header = (
        f"{'scale':>5} {'quota':>7} {'employees':>9} {'limit':>5} {'solve s':>7} {'wall s':>7} {'peak MiB':>8} "
        f"{'status':>8} {'objective':>11} {'bound':>11} {'gap':>7} {'movers':>6} "
        f"{'≤1% at':>7} {'≤0.5% at':>8} {'greedy obj':>11} {'greedy gap':>10} {'g.movers':>8} {'LP s':>6}"
    )
    print(header)
    for scale, limit in zip(args.scales, args.limits, strict=True):
        queue = context.Queue()
        child = context.Process(target=_run, args=((scale, limit, args.seed, args.workers), queue))
        child.start()
        row = queue.get()
        child.join()

        def seconds(value: float | None) -> str:
            return "-" if value is None else f"{value:.1f}"

        print(
            f"{row['scale']:>5g} {row['quota']:>7,} {row['employees']:>9,} {limit:>5g} "
            f"{row['solve_seconds']:>7.1f} {row['wall']:>7.1f} "
            f"{row['peak_mib']:>8.0f} {row['status']:>8} {row['objective']:>11,.1f} "
            f"{row['bound']:>11,.1f} {row['gap']:>7.3%} {row['movers']:>6,} "
            f"{seconds(row['within_1pct']):>7} {seconds(row['within_half_pct']):>8} "
            f"{row['greedy_objective']:>11,.1f} {row['greedy_gap']:>10.2%} "
            f"{row['greedy_movers']:>8,} {row['lp_seconds']:>6.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
