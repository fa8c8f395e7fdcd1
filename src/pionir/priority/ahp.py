"""AHP (Analytic Hierarchy Process) weights from a pairwise comparison matrix.

The weights are the normalised principal eigenvector of the reciprocal matrix;
the consistency ratio CR = CI / RI tells whether the planner's judgements hang
together (Saaty: CR below 0.10 is acceptable).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

# Saaty's random consistency index by matrix order.
RANDOM_INDEX: Final = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41}
MAX_CONSISTENCY_RATIO: Final = 0.10


@dataclass(frozen=True, slots=True)
class AhpResult:
    """Weights (summing to 1), the principal eigenvalue and the consistency ratio."""

    weights: tuple[float, ...]
    lambda_max: float
    consistency_ratio: float

    @property
    def consistent(self) -> bool:
        return self.consistency_ratio < MAX_CONSISTENCY_RATIO


def ahp_weights(matrix: Sequence[Sequence[float]]) -> AhpResult:
    """Principal eigenvector weights and CR of a positive reciprocal matrix."""
    array = np.asarray(matrix, dtype=float)
    n = array.shape[0]
    if array.shape != (n, n) or n == 0:
        raise ValueError("the pairwise matrix must be square")
    eigenvalues, eigenvectors = np.linalg.eig(array)
    principal = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[principal].real)
    vector = np.abs(eigenvectors[:, principal].real)
    weights = vector / vector.sum()
    random_index = RANDOM_INDEX.get(n, 1.45)
    consistency_index = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    ratio = consistency_index / random_index if random_index else 0.0
    # Rounding noise can make a perfectly consistent matrix give -1e-16.
    return AhpResult(
        weights=tuple(float(w) for w in weights),
        lambda_max=lambda_max,
        consistency_ratio=max(0.0, ratio),
    )
