"""Memoised figures of finished plan runs.

A finished run's placements never change (approval only stamps the run row), so what is
computed from them (dashboard aggregates, group counts, page counts) can be kept and
reused: under load the same dashboard is asked for again and again. Keys carry the
database's URL and the actor's scope, so two databases or two agencies never share an
entry. The memo is per process and bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy.orm import Session

from pionir.db.tables import PlanRun
from pionir.services.runs import FINISHED

T = TypeVar("T")
MAX_ENTRIES = 2_000
# Pages of the plan list are larger (about 40 KB for 50 lines): fewer of them are kept,
# so that a process holds at most some 16 MB of them.
MAX_PAGES = 400

_entries: OrderedDict[Hashable, object] = OrderedDict()
_pages: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()


def memo_for_run(
    db: Session, run: PlanRun, key: Hashable, compute: Callable[[], T], *, page: bool = False
) -> T:
    """`compute()` once per finished run and key; every time for a run still going.

    `page` marks a large value (a page of lines), kept among the fewer MAX_PAGES.
    """
    if run.status not in FINISHED:
        return compute()
    entries, bound = (_pages, MAX_PAGES) if page else (_entries, MAX_ENTRIES)
    # The finish time tells apart two runs that got the same id (SQLite reuses a deleted
    # row's id), the URL two databases.
    full_key = (str(db.get_bind().engine.url), run.id, run.finished_at, key)
    with _lock:
        if full_key in entries:
            entries.move_to_end(full_key)
            return entries[full_key]  # type: ignore[return-value]
    value = compute()
    with _lock:
        entries[full_key] = value
        while len(entries) > bound:
            entries.popitem(last=False)
    return value
