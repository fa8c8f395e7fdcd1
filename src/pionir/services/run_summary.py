"""A finished run's summary, read from its stored JSON in one place.

The worker stores `PlanSummary.to_json()` on the run (`PlanRun.summary`); every page, API
answer and export reads it back through `summary_of`, never by key.
"""

from __future__ import annotations

from sqlalchemy.orm import object_session

from pionir.db.tables import PlanRun
from pionir.plan_summary import PlanSummary
from pionir.services.errors import Conflict
from pionir.services.run_memo import memo_for_run


def summary_of(run: PlanRun) -> PlanSummary:
    """The run's summary; a run that produced no plan has none to show."""
    stored = run.summary
    if stored is None:
        raise Conflict(
            "Proses ini tidak menghasilkan rencana.",
            "This run did not produce a plan.",
        )
    db = object_session(run)
    if db is None:
        return PlanSummary.from_json(stored)
    # A finished run's summary never changes, and reading one takes about 0.4 ms: the
    # compare form lists up to 200 runs, so each is read once per process, not per page.
    return memo_for_run(db, run, "summary", lambda: PlanSummary.from_json(stored))
