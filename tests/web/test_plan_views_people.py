"""A person's page and an employee's own record: who may see whom, and how much of them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from pionir.db.tables import PersonRow, PlacementRow
from pionir.screening.rules import REASON_TEXT
from tests.web.conftest import USERNAMES, World, log_in


def _person(world: World, nip: str) -> PersonRow:
    with world.session() as db:
        found = db.scalar(
            select(PersonRow).where(PersonRow.version_id == world.version_id, PersonRow.nip == nip)
        )
        assert found is not None
        return found


def _placement(world: World, nip: str) -> PlacementRow:
    with world.session() as db:
        found = db.scalar(
            select(PlacementRow).where(PlacementRow.run_id == world.run_id, PlacementRow.nip == nip)
        )
        assert found is not None
        return found


def _a_mover(world: World) -> PlacementRow:
    with world.session() as db:
        found = db.scalar(
            select(PlacementRow)
            .where(PlacementRow.run_id == world.run_id, PlacementRow.wave_id.is_not(None))
            .order_by(PlacementRow.nip)
            .limit(1)
        )
        assert found is not None
        return found


def _api(client: TestClient, world: World, nip: str) -> Any:
    response = client.get(f"/api/runs/{world.run_id}/people/{nip}")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("role", ["planner", "auditor", "operator_a"])
def test_screening_readers_see_merit_and_reasons(
    client: TestClient, world: World, role: str
) -> None:
    log_in(client, USERNAMES[role])
    person = _person(world, world.nip_a)
    record = _api(client, world, world.nip_a)
    assert record["name"] == person.name
    assert record["agency_id"] == world.agency_a
    assert record["screening"]["merit"] == pytest.approx(person.merit)
    assert record["screening"]["reasons"] == [r for r in person.reasons.split(";") if r]
    assert record["explanation"] == _placement(world, world.nip_a).text_id
    page = client.get(f"/runs/{world.run_id}/people/{world.nip_a}").text
    assert 'id="merit"' in page
    for code in record["screening"]["reasons"]:
        assert escape(REASON_TEXT[code][0]) in page


def test_reasons_follow_the_reader_language(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["auditor"])
    client.cookies.set("pionir_lang", "en")
    page = client.get(f"/runs/{world.run_id}/people/{world.nip_a}").text
    codes = [r for r in _person(world, world.nip_a).reasons.split(";") if r]
    assert codes
    for code in codes:
        assert escape(REASON_TEXT[code][1]) in page
    assert escape(_placement(world, world.nip_a).text_en) in page


def test_housing_officer_sees_placement_but_no_screening(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["housing"])
    person = _person(world, world.nip_a)
    record = _api(client, world, world.nip_a)
    assert record["name"] == person.name
    assert record["screening"] is None
    # An explanation of someone not moving would give their screening reasons away.
    if _placement(world, world.nip_a).outcome != "moves":
        assert record["explanation"] is None
        assert record["outcome"] == "stays"
    page = client.get(f"/runs/{world.run_id}/people/{world.nip_a}").text
    assert 'id="merit"' not in page and 'id="reasons"' not in page
    for code in filter(None, person.reasons.split(";")):
        assert escape(REASON_TEXT[code][0]) not in page
    mover = _a_mover(world)
    moving = _api(client, world, mover.nip)
    assert moving["placement"] == {
        "wave_id": mover.wave_id,
        "month": mover.month,
        "tower_id": mover.tower_id,
        "unit_no": mover.unit_no,
        "building_id": mover.building_id,
        "allowance": mover.allowance,
    }
    assert moving["explanation"] == mover.text_id


def test_operator_is_refused_another_agency_person(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["operator_a"])
    assert client.get(f"/runs/{world.run_id}/people/{world.nip_b}").status_code == 403
    assert client.get(f"/api/runs/{world.run_id}/people/{world.nip_b}").status_code == 403
    assert client.get(f"/runs/{world.run_id}/people/{world.nip_a}").status_code == 200


def test_employee_sees_own_person_page_only(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["employee"])
    assert client.get(f"/runs/{world.run_id}/people/{world.nip_b}").status_code == 403
    assert client.get(f"/api/runs/{world.run_id}/people/{world.nip_b}").status_code == 403
    # Another NIP is refused whether it exists or not: nothing to learn by guessing.
    assert client.get(f"/api/runs/{world.run_id}/people/000000000000000000").status_code == 403
    assert _api(client, world, world.nip_a)["nip"] == world.nip_a


def test_unknown_person_is_404(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["auditor"])
    assert client.get(f"/runs/{world.run_id}/people/000000000000000000").status_code == 404
    assert client.get(f"/api/runs/{world.run_id}/people/000000000000000000").status_code == 404


def test_employee_sees_own_record_with_own_screening(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["employee"])
    record = client.get("/api/me/record").json()
    assert record["nip"] == world.nip_a
    person = _person(world, world.nip_a)
    assert record["screening"]["reasons"] == [r for r in person.reasons.split(";") if r]
    page = client.get("/me")
    assert page.status_code == 200
    assert person.name in page.text and world.nip_a in page.text
    assert world.nip_b not in page.text


@pytest.mark.parametrize("role", ["planner", "auditor", "housing", "operator_a"])
def test_me_sends_other_roles_to_the_dashboard(client: TestClient, role: str) -> None:
    log_in(client, USERNAMES[role])
    response = client.get("/me", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard"
    # Their accounts hold no NIP: there is no own record to give.
    assert client.get("/api/me/record").status_code == 404
