"""A run's stored summary: the worker writes the shape it wrote before `PlanSummary`, on
SQLite and PostgreSQL, and the API answers with the stored summary unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.db.tables import PlanRun
from pionir.plan_summary import PlanSummary
from pionir.scenario.load import load_scenario
from pionir.services.accounts import actor_of, create_user
from pionir.services.actor import Role
from pionir.services.errors import Conflict
from pionir.services.execute import plan_here
from pionir.services.run_summary import summary_of
from pionir.services.runs import request_run
from pionir.services.scenarios import new_scenario
from tests.summary_shapes import fixture, json_text, shape
from tests.test_cli import TINY
from tests.web.conftest import BACKENDS, PASSWORD, USERNAMES, World, database_url, log_in

# Seconds measured while planning: the only values that differ from one run to the next.
MEASURED = ("solve_seconds",)


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    made = make_engine(database_url(str(request.param), tmp_path, request))
    upgrade(made)
    yield made
    made.dispose()


def _queue_tiny(engine: Engine) -> int:
    with session_factory(engine)() as db:
        admin = create_user(
            db,
            None,
            username=f"summary-{id(engine)}",
            full_name="Perencana",
            password=PASSWORD,
            role=Role.PLANNER,
            is_admin=True,
        )
        planner = actor_of(admin)
        version = new_scenario(db, planner, load_scenario(TINY), name="tiny", source_name="tiny")
        run = request_run(db, planner, version.id, time_limit=5)
        db.commit()
        return run.id


def _unmeasured(summary: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in summary.items() if k not in MEASURED}
    kept["timing"] = {k: v for k, v in summary["timing"].items() if k not in MEASURED}
    return kept


def test_a_job_stores_the_summary_it_stored_before(engine: Engine) -> None:
    run = plan_here(engine, _queue_tiny(engine), "tests")
    assert run.summary is not None
    before = fixture("job_tiny.json")
    assert shape(run.summary) == shape(before)
    # The tiny scenario has one best plan: every figure but the seconds is as before.
    assert _unmeasured(run.summary) == _unmeasured(before)
    parsed = summary_of(run)
    assert json_text(parsed.to_json()) == json_text(run.summary)
    assert parsed.premises is not None and parsed.premises.towers[0].units_used == 3


def test_a_run_without_a_plan_has_no_summary_to_read(engine: Engine) -> None:
    run_id = _queue_tiny(engine)
    with session_factory(engine)() as db:
        queued = db.get(PlanRun, run_id)
        assert queued is not None
        with pytest.raises(Conflict) as refused:
            summary_of(queued)
    assert refused.value.message_en == "This run did not produce a plan."


def test_the_api_answers_with_the_stored_summary(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["planner"])
    answer = client.get(f"/api/runs/{world.run_id}")
    assert answer.status_code == 200, answer.text
    with world.session() as db:
        run = db.get(PlanRun, world.run_id)
        assert run is not None and run.summary is not None
        stored = run.summary
    assert json_text(answer.json()["summary"]) == json_text(stored)
    assert PlanSummary.from_json(answer.json()["summary"]).movers == stored["movers"]
