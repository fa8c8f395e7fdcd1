"""Each role sees what it may and is refused the rest, by page and by API (no IDOR)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pionir.db.tables import AuditEvent, PlanRun, ScenarioVersion, User
from tests.web.conftest import USERNAMES, World, log_in

EVERY_ROLE = tuple(USERNAMES)


def _counts(world: World) -> tuple[int, int, int]:
    with world.session() as db:
        return (
            db.scalar(select(func.count()).select_from(ScenarioVersion)) or 0,
            db.scalar(select(func.count()).select_from(PlanRun)) or 0,
            db.scalar(select(func.count()).select_from(User)) or 0,
        )


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_scenario_list_is_for_everyone_but_employees(
    client: TestClient, world: World, role: str
) -> None:
    log_in(client, USERNAMES[role])
    expected = 403 if role == "employee" else 200
    assert client.get("/api/scenarios").status_code == expected
    assert client.get("/scenarios").status_code == expected
    assert client.get(f"/versions/{world.version_id}").status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("planner", 200),
        ("auditor", 200),
        ("operator_a", 200),
        ("housing", 403),
        ("employee", 403),
    ],
)
def test_screening_is_for_planners_auditors_and_operators(
    client: TestClient, world: World, role: str, expected: int
) -> None:
    log_in(client, USERNAMES[role])
    url = f"/versions/{world.version_id}/screening"
    assert client.get(url).status_code == expected
    assert client.get("/api" + url).status_code == expected


def test_operator_sees_only_own_agency_in_screening(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["operator_a"])
    url = f"/api/versions/{world.version_id}/screening"
    seen = client.get(url).json()
    own = sum(1 for e in world.scenario.employees if _agency(world, e.nip) == world.agency_a)
    assert seen["total"] == own
    assert {p["agency_id"] for p in seen["people"]} == {world.agency_a}
    # Asking for another agency by parameter is refused, not silently emptied.
    other = client.get(url, params={"agency": world.agency_b})
    assert other.status_code == 403
    assert (
        client.get(f"/versions/{world.version_id}/screening?agency={world.agency_b}").status_code
        == 403
    )
    page = client.get(f"/versions/{world.version_id}/screening")
    assert world.nip_b not in page.text


def test_operator_sees_only_own_agency_units(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["operator_a"])
    units = client.get(f"/api/versions/{world.version_id}/priorities").json()
    assert units
    assert {u["agency_id"] for u in units} == {world.agency_a}
    refused = client.get(
        f"/api/versions/{world.version_id}/priorities", params={"agency": world.agency_b}
    )
    assert refused.status_code == 403


def test_planner_sees_every_agency_in_screening(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["planner"])
    seen = client.get(f"/api/versions/{world.version_id}/screening").json()
    assert seen["total"] == len(world.scenario.employees)


def test_screening_filters_and_reasons(client: TestClient, world: World) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    url = f"/api/versions/{world.version_id}/screening"
    failed = client.get(url, params={"eligible": "no"}).json()
    passed = client.get(url, params={"eligible": "yes"}).json()
    assert failed["total"] + passed["total"] == len(world.scenario.employees)
    assert failed["total"] > 0
    assert all(p["reasons"] and not p["eligible"] for p in failed["people"])
    assert all(not p["reasons"] and p["eligible"] for p in passed["people"])
    reason = failed["people"][0]["reasons"][0]
    by_reason = client.get(url, params={"reason": reason}).json()
    assert all(reason in p["reasons"] for p in by_reason["people"])
    search = client.post(f"{url}/search", json={"q": world.nip_b}, headers={"X-CSRF-Token": csrf})
    one = search.json()
    assert [p["nip"] for p in one["people"]] == [world.nip_b]


@pytest.mark.parametrize("role", ["auditor", "operator_a", "housing", "employee"])
def test_only_planners_change_anything(client: TestClient, world: World, role: str) -> None:
    csrf = log_in(client, USERNAMES[role])
    headers = {"X-CSRF-Token": csrf}
    before = _counts(world)
    attempts = [
        client.post(
            f"/api/versions/{world.version_id}/runs", json={"time_limit": 5}, headers=headers
        ),
        client.post(f"/api/runs/{world.run_id}/cancel", headers=headers),
        client.post(f"/api/runs/{world.run_id}/approve", headers=headers),
        client.post(
            "/api/scenarios",
            files={"file": ("s.xlsx", b"not read")},
            headers=headers,
        ),
        client.post(
            "/api/users",
            json={"username": "baru", "password": "kata-sandi-baru-1", "role": "auditor"},
            headers=headers,
        ),
        client.post(
            f"/versions/{world.version_id}/runs",
            data={"csrf_token": csrf, "time_limit": "5"},
            follow_redirects=False,
        ),
    ]
    assert [a.status_code for a in attempts] == [403] * len(attempts)
    assert _counts(world) == before
    with world.session() as db:
        run = db.get(PlanRun, world.run_id)
        assert run is not None and run.approved_at is None


@pytest.mark.parametrize(
    ("role", "expected"),
    [("auditor", 200), ("planner", 200), ("operator_a", 403), ("housing", 403), ("employee", 403)],
)
def test_audit_trail_is_for_auditors_and_planners(
    client: TestClient, role: str, expected: int
) -> None:
    log_in(client, USERNAMES[role])
    assert client.get("/api/audit").status_code == expected
    assert client.get("/audit").status_code == expected


def test_audit_trail_shows_who_did_what(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["auditor"])
    events = client.get("/api/audit", params={"action": "plan.run"}).json()
    mine = [e for e in events if e["object_id"] == str(world.run_id)]
    assert mine and mine[0]["username"] == "perencana"
    assert mine[0]["after"]["version_id"] == world.version_id


def test_only_admins_manage_accounts(client: TestClient, world: World) -> None:
    csrf = log_in(client, USERNAMES["operator_a"])
    assert client.get("/admin/users").status_code == 403
    assert client.get("/api/users").status_code == 403
    client.post("/api/logout", headers={"X-CSRF-Token": csrf})
    csrf = log_in(client, USERNAMES["planner"])
    made = client.post(
        "/api/users",
        json={
            "username": "operator.c",
            "password": "kata-sandi-baru-1",
            "role": "agency_operator",
            "agency_id": world.agency_b,
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert made.status_code == 201, made.text
    missing_agency = client.post(
        "/api/users",
        json={"username": "operator.d", "password": "kata-sandi-baru-1", "role": "agency_operator"},
        headers={"X-CSRF-Token": csrf},
    )
    assert missing_agency.status_code == 422
    assert missing_agency.json()["issues"][0]["column"] == "agency_id"
    with world.session() as db:
        event = db.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "user.create")
            .order_by(AuditEvent.id.desc())
        )
        assert event is not None and event.after is not None
        assert event.after["username"] == "operator.c"
        db.execute(User.__table__.delete().where(User.username == "operator.c"))
        db.commit()


def _agency(world: World, nip: str) -> str:
    unit_agency = {u.unit_id: u.agency_id for u in world.scenario.units}
    position_unit = {p.position_id: p.unit_id for p in world.scenario.positions}
    employee = next(e for e in world.scenario.employees if e.nip == nip)
    return unit_agency[position_unit[employee.position_id]]
