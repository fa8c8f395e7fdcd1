"""Plan runs as jobs: the worker runs them in a child process, reports progress, cancels."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pionir.db.tables import PlacementRow, PlanRun
from pionir.services.clock import now
from pionir.services.worker import recover_orphans, run_worker
from tests.web.conftest import USERNAMES, World, log_in


@pytest.fixture()
def worker(world: World) -> Iterator[threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=run_worker, args=(world.url, stop), daemon=True)
    thread.start()
    yield stop
    stop.set()
    thread.join(60)


def _wait_for(
    client: TestClient, run_id: int, statuses: set[str], seconds: float = 120
) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = client.get(f"/api/runs/{run_id}").json()
        if run["status"] in statuses:
            return dict(run)
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not reach {statuses}: {run}")


@pytest.mark.slow
def test_a_queued_run_is_planned_by_the_worker(
    client: TestClient, world: World, worker: threading.Event
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    queued = client.post(
        f"/api/versions/{world.version_id}/runs",
        json={"time_limit": 5, "seed": 3},
        headers={"X-CSRF-Token": csrf},
    )
    assert queued.status_code == 202
    assert queued.json()["status"] == "queued"
    run_id = queued.json()["id"]
    done = _wait_for(client, run_id, {"succeeded", "failed", "infeasible"})
    assert done["status"] == "succeeded", done["message_en"]
    summary = done["summary"]
    assert isinstance(summary, dict)
    assert done["objective"] == pytest.approx(summary["objective"], abs=1e-3)
    assert done["bound"] is not None and done["bound"] >= done["objective"]  # type: ignore[operator]
    with world.session() as db:
        rows = db.scalar(select(func.count()).where(PlacementRow.run_id == run_id))
        movers = db.scalar(
            select(func.count()).where(
                PlacementRow.run_id == run_id, PlacementRow.wave_id.is_not(None)
            )
        )
    assert rows == len(world.scenario.employees)
    assert movers == summary["movers"]
    page = client.get(f"/runs/{run_id}")
    assert 'data-status="succeeded"' in page.text


@pytest.mark.slow
def test_cancelling_a_running_run_stops_it_and_keeps_nothing(
    client: TestClient, world: World, worker: threading.Event
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    run_id = client.post(
        f"/api/versions/{world.version_id}/runs",
        json={"time_limit": 60},
        headers={"X-CSRF-Token": csrf},
    ).json()["id"]
    _wait_for(client, run_id, {"running"})
    cancel = client.post(f"/api/runs/{run_id}/cancel", headers={"X-CSRF-Token": csrf})
    assert cancel.status_code == 200
    done = _wait_for(client, run_id, {"cancelled", "succeeded", "failed"})
    assert done["status"] == "cancelled"
    assert done["message_en"] == "Cancelled by a user."
    with world.session() as db:
        assert db.scalar(select(func.count()).where(PlacementRow.run_id == run_id)) == 0
    again = client.post(f"/api/runs/{run_id}/cancel", headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409


def test_cancelling_a_queued_run_needs_no_worker(client: TestClient, world: World) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    run_id = client.post(
        f"/api/versions/{world.version_id}/runs",
        json={"time_limit": 5},
        headers={"X-CSRF-Token": csrf},
    ).json()["id"]
    cancelled = client.post(f"/api/runs/{run_id}/cancel", headers={"X-CSRF-Token": csrf})
    assert cancelled.json()["status"] == "cancelled"
    approve = client.post(f"/api/runs/{run_id}/approve", headers={"X-CSRF-Token": csrf})
    assert approve.status_code == 409


def test_time_limit_out_of_range_is_refused(client: TestClient, world: World) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    response = client.post(
        f"/api/versions/{world.version_id}/runs",
        json={"time_limit": 0},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422
    assert response.json()["issues"][0]["column"] == "time_limit"


def test_approving_a_plan_is_recorded(client: TestClient, world: World) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    # A copy of the world's run, so approving it leaves the shared run as it was.
    with world.session() as db:
        original = db.get(PlanRun, world.run_id)
        assert original is not None
        copy = PlanRun(
            version_id=original.version_id,
            status="succeeded",
            time_limit=original.time_limit,
            seed=original.seed,
            requested_by="perencana",
            requested_at=now(),
            summary=original.summary,
        )
        db.add(copy)
        db.commit()
        copy_id = copy.id
    approved = client.post(f"/api/runs/{copy_id}/approve", headers={"X-CSRF-Token": csrf})
    assert approved.status_code == 200
    assert approved.json()["approved_by"] == "perencana"
    assert (
        client.post(f"/api/runs/{copy_id}/approve", headers={"X-CSRF-Token": csrf}).status_code
        == 409
    )
    log_in(client, USERNAMES["auditor"])
    events = client.get("/api/audit", params={"action": "plan.approve"}).json()
    assert any(
        e["object_id"] == str(copy_id) and e["after"]["approved_by"] == "perencana" for e in events
    )
    with world.session() as db:
        db.delete(db.get(PlanRun, copy_id))
        db.commit()


def test_runs_left_by_a_dead_worker_are_marked_failed(world: World) -> None:
    import socket

    with world.session() as db:
        orphan = PlanRun(
            version_id=world.version_id,
            status="running",
            time_limit=5,
            seed=0,
            requested_by="perencana",
            requested_at=now(),
            worker=f"{socket.gethostname()}:999999999",
        )
        db.add(orphan)
        db.commit()
        orphan_id = orphan.id
    assert recover_orphans(world.url) >= 1
    with world.session() as db:
        run = db.get(PlanRun, orphan_id)
        assert run is not None
        assert run.status == "failed"
        assert "run it again" in run.message_en
