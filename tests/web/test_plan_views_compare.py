"""Comparing two runs, and which run the dashboard and an employee's page show.

The second run is built here, not solved: the world's placements are copied into a new
finished run with three deliberate differences, and removed again after each test.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, insert, select, update

from pionir.db.tables import PlacementRow, PlanRun
from pionir.services.clock import now
from tests.web.conftest import USERNAMES, World, log_in

COLUMNS = [c.key for c in PlacementRow.__table__.columns if c.key != "id"]
STAYS = {
    "wave_id": None,
    "month": None,
    "tower_id": None,
    "unit_no": None,
    "building_id": None,
    "allowance": 0,
}


@dataclass(frozen=True)
class SecondRun:
    """Run B: as the world's run A, but `dropped` stays, `added` takes their flat, and
    `moved` goes in another wave."""

    run_id: int
    dropped: PlacementRow
    added: PlacementRow
    moved: PlacementRow
    other_wave: str
    rows: list[dict[str, Any]]


def _world_rows(world: World) -> list[PlacementRow]:
    with world.session() as db:
        query = select(PlacementRow).where(PlacementRow.run_id == world.run_id)
        return list(db.scalars(query.order_by(PlacementRow.nip)))


def _copy(row: PlacementRow, run_id: int) -> dict[str, Any]:
    return {key: getattr(row, key) for key in COLUMNS} | {"run_id": run_id}


@pytest.fixture()
def second_run(world: World) -> Iterator[SecondRun]:
    rows = _world_rows(world)
    movers_a = [r for r in rows if r.wave_id and r.agency_id == world.agency_a]
    stayer_b = next(r for r in rows if r.wave_id is None and r.agency_id == world.agency_b)
    dropped, moved = movers_a[0], movers_a[1]
    with world.session() as db:
        original = db.get(PlanRun, world.run_id)
        assert original is not None and original.summary is not None
        waves = [(w["wave_id"], w["month"]) for w in original.summary["capacity_by_wave"]]
        other_wave, other_month = next(w for w in waves if w[0] != moved.wave_id)
        run = PlanRun(
            version_id=original.version_id,
            status="succeeded",
            time_limit=original.time_limit,
            seed=original.seed,
            requested_by="tests",
            requested_at=now(),
            finished_at=now(),
            cancel_requested=False,
            phase="done",
            message="",
            message_en="",
            objective=original.objective,
            bound=original.bound,
            gap=original.gap,
            summary=copy.deepcopy(original.summary),
        )
        db.add(run)
        db.flush()
        copies = [_copy(r, run.id) for r in rows]
        for values in copies:
            if values["nip"] == dropped.nip:
                values.update(STAYS, outcome="not_selected")
            elif values["nip"] == stayer_b.nip:
                values.update({k: getattr(dropped, k) for k in STAYS}, outcome="moves")
            elif values["nip"] == moved.nip:
                values.update(wave_id=other_wave, month=other_month)
        db.execute(insert(PlacementRow), copies)
        db.commit()
        run_id = run.id
    try:
        yield SecondRun(run_id, dropped, stayer_b, moved, other_wave, copies)
    finally:
        with world.session() as db:
            db.execute(delete(PlacementRow).where(PlacementRow.run_id == run_id))
            db.execute(delete(PlanRun).where(PlanRun.id == run_id))
            db.commit()


def _compare(client: TestClient, a: int, b: int, **params: str) -> Any:
    response = client.get("/api/compare", params={"a": str(a), "b": str(b), **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_run_compared_with_itself_has_no_differences(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["planner"])
    found = _compare(client, world.run_id, world.run_id)
    assert found["total"] == 0 and found["changes"] == []
    assert all(d["difference"] == 0 for d in found["waves"] + found["agencies"])
    assert found["a"] == found["b"]
    page = client.get(f"/compare?a={world.run_id}&b={world.run_id}")
    assert page.status_code == 200 and 'id="no-changes"' in page.text


def test_comparison_finds_the_constructed_differences(
    client: TestClient, world: World, second_run: SecondRun
) -> None:
    log_in(client, USERNAMES["auditor"])
    found = _compare(client, world.run_id, second_run.run_id)
    changes = {c["nip"]: c for c in found["changes"]}
    assert found["total"] == 3
    assert changes[second_run.dropped.nip]["kind"] == "only_a"
    assert changes[second_run.added.nip]["kind"] == "only_b"
    assert changes[second_run.added.nip]["wave_b"] == second_run.dropped.wave_id
    assert changes[second_run.moved.nip]["kind"] == "changed"
    assert changes[second_run.moved.nip]["wave_b"] == second_run.other_wave
    before = Counter(r.wave_id for r in _world_rows(world) if r.wave_id)
    after = Counter(r["wave_id"] for r in second_run.rows if r["wave_id"])
    assert {d["key"]: (d["a"], d["b"]) for d in found["waves"] if d["a"] or d["b"]} == {
        wave: (before[wave], after[wave]) for wave in before | after
    }
    agencies = {d["key"]: d["difference"] for d in found["agencies"]}
    assert agencies[world.agency_a] == -1 and agencies[world.agency_b] == 1
    assert sum(agencies.values()) == 0
    page = client.get(f"/compare?a={world.run_id}&b={second_run.run_id}").text
    for nip in changes:
        assert nip in page


def test_operator_compares_own_agency_rows_only(
    client: TestClient, world: World, second_run: SecondRun
) -> None:
    log_in(client, USERNAMES["operator_a"])
    found = _compare(client, world.run_id, second_run.run_id)
    assert found["agency_scope"] == world.agency_a
    assert {c["nip"] for c in found["changes"]} == {
        second_run.dropped.nip,
        second_run.moved.nip,
    }
    assert [d["key"] for d in found["agencies"]] == [world.agency_a]
    page = client.get(f"/compare?a={world.run_id}&b={second_run.run_id}").text
    assert second_run.added.nip not in page


def test_compare_form_offers_the_finished_runs(
    client: TestClient, world: World, second_run: SecondRun
) -> None:
    log_in(client, USERNAMES["housing"])
    page = client.get("/compare")
    assert page.status_code == 200
    assert 'id="compare-form"' in page.text and 'id="headline"' not in page.text
    for run_id in (world.run_id, second_run.run_id):
        assert f'<option value="{run_id}"' in page.text


def test_employee_is_refused_the_comparison(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["employee"])
    assert client.get("/compare").status_code == 403
    assert client.get(f"/api/compare?a={world.run_id}&b={world.run_id}").status_code == 403


def test_dashboard_and_own_record_follow_the_approved_run(
    client: TestClient, world: World, second_run: SecondRun
) -> None:
    with world.session() as db:
        db.execute(
            update(PlanRun)
            .where(PlanRun.id == second_run.run_id)
            .values(approved_at=now(), approved_by="perencana")
        )
        db.commit()
    log_in(client, USERNAMES["planner"])
    page = client.get("/dashboard").text
    assert f"Proses #{second_run.run_id}</h1>" in page
    log_in(client, USERNAMES["employee"])
    assert client.get("/api/me/record").json()["run_id"] == second_run.run_id
