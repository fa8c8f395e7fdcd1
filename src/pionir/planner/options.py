"""Solver settings in one place: time or work limit, gap, seed, workers, reserve, progress."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from pionir.planner.budget import Budget


@dataclass(frozen=True, slots=True)
class SolveProgress:
    """A snapshot of the search, for progress displays."""

    seconds: float
    objective: float
    bound: float
    phase: str = ""


@dataclass(frozen=True, slots=True)
class SolverOptions:
    """How long and how to search.

    `time_limit` is wall-clock seconds: the planner returns a checked plan within it.
    `work_limit`, when given, replaces it with a deterministic budget (roughly seconds of
    work on an idle machine of this kind): the same scenario and options then give the
    same plan byte for byte, however long the machine takes.
    """

    time_limit: float = 60.0
    work_limit: float | None = None
    # Stop once the plan is proven within this relative gap of the bound (0: search until
    # proven optimal or out of time). 1e-4 is the usual MIP default.
    relative_gap: float = 1e-4
    seed: int = 0
    workers: int = 4
    # Time kept back for what follows the search in the same run (the checker, the
    # explanations, the binding summary, the bottlenecks): a share of the limit, or
    # seconds per employee where that is more (explaining 167,000 employees takes
    # about 6 s here), but never more than half the limit.
    reserve_share: float = 0.12
    reserve_per_employee: float = 70e-6
    progress: Callable[[SolveProgress], None] | None = None

    @property
    def deterministic(self) -> bool:
        return self.work_limit is not None

    def reserve(self, employees: int) -> float:
        """Seconds of the time limit kept back for the work after the search."""
        wanted = max(self.time_limit * self.reserve_share, employees * self.reserve_per_employee)
        return min(wanted, self.time_limit / 2)

    def budget(self, employees: int = 0) -> Budget:
        """The search's budget, starting now."""
        if self.work_limit is not None:
            return Budget(float("inf"), self.work_limit, self.relative_gap)
        seconds = self.time_limit - self.reserve(employees)
        return Budget(time.monotonic() + seconds, None, self.relative_gap)
