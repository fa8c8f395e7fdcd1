"""A finished run's summary, read from its stored JSON in one place.

The worker stores `PlanSummary.to_json()` on the run (`PlanRun.summary`); every page, API
answer and export reads it back through `summary_of`, never by key.
"""

from __future__ import annotations

from pionir.db.tables import PlanRun
from pionir.plan_summary import PlanSummary
from pionir.services.errors import Conflict


def summary_of(run: PlanRun) -> PlanSummary:
    """The run's summary; a run that produced no plan has none to show."""
    if run.summary is None:
        raise Conflict(
            "Proses ini tidak menghasilkan rencana.",
            "This run did not produce a plan.",
        )
    return PlanSummary.from_json(run.summary)
