"""How much a phase of the planner may spend: wall-clock time to a deadline, or a fixed work budget.

A user's `--time-limit` is a promise about the clock, so every phase gets a slice of
the time left until one deadline and the last phases shrink when the first ran long.
A `--work-limit` instead fixes each solver's deterministic work (simplex iterations,
branch-and-bound nodes, CP-SAT's deterministic time), so that the same scenario and
options give the same plan byte for byte, however loaded the machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Budget:
    """A deadline (time.monotonic() seconds) or a deterministic work limit, for one phase."""

    deadline: float
    work_limit: float | None = None
    relative_gap: float = 1e-4

    @classmethod
    def wall(cls, seconds: float, relative_gap: float = 1e-4) -> Budget:
        return cls(time.monotonic() + seconds, None, relative_gap)

    @property
    def deterministic(self) -> bool:
        return self.work_limit is not None

    def remaining(self) -> float:
        """Seconds left to the deadline (never negative)."""
        return max(0.0, self.deadline - time.monotonic())

    def expired(self) -> bool:
        return self.work_limit is None and self.remaining() <= 0.0

    def share(self, fraction: float) -> Budget:
        """A sub-budget: that fraction of the time left now, or of the work limit."""
        if self.work_limit is not None:
            return Budget(self.deadline, self.work_limit * fraction, self.relative_gap)
        return Budget(time.monotonic() + self.remaining() * fraction, None, self.relative_gap)
