"""Solver settings in one place: time limit, seed, workers, objective scaling, progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

# Objective terms are floats; CP-SAT needs integers. 1e4 keeps rounding below 1e-4 per
# household, which the reported bound accounts for.
OBJECTIVE_SCALE: Final = 10_000


@dataclass(frozen=True, slots=True)
class SolveProgress:
    """A snapshot of the search, for progress displays."""

    seconds: float
    objective: float
    bound: float


@dataclass(frozen=True, slots=True)
class SolverOptions:
    """How long and how to search.

    Every phase is bounded in deterministic time (work units, close to seconds on an
    idle machine of this kind), never by the clock, so that the same scenario and
    options give the same plan. The wall-clock cap is a safety net three times the limit.
    """

    time_limit: float = 60.0
    # Share of the time limit given to CP-SAT (in deterministic time); the LP and its
    # rounding take the rest.
    search_share: float = 0.25
    # Stop once the plan is proven within this relative gap of the bound (0: search until
    # proven optimal or out of time). 1e-4 is the usual MIP default.
    relative_gap: float = 1e-4
    seed: int = 0
    workers: int = 4
    # CP-SAT's wall-clock cap, a safety net only, as a multiple of the time limit.
    wall_limit_factor: float = 3.0
    # Models with more variables than this skip CP-SAT's presolve (see solve.py).
    presolve_up_to: int = 20_000
    # Larger models get CP-SAT only with at least this many seconds of limit per wave
    # choice (household x wave): 1 ms, i.e. 34 s for the scale-1 demo.
    search_seconds_per_choice: float = 0.001
    use_hint: bool = True
    progress: Callable[[SolveProgress], None] | None = None
