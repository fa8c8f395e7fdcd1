"""A person's page and an employee's own record: who may see whom, and how much of them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from markupsafe import escape
from sqlalchemy import select

from pionir.db.tables import PersonRow, PlacementRow
from pionir.screening.rules import REASON_TEXT
from tests.web.conftest import USERNAMES, World, a_mover, log_in


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


def _page_path(world: World, nip: str) -> str:
    """A person's page, named by their placement row (the NIP stays out of the URL)."""
    return f"/runs/{world.run_id}/placements/{_placement(world, nip).id}"


def _api(client: TestClient, world: World, nip: str) -> Any:
    response = client.get(f"/api/runs/{world.run_id}/placements/{_placement(world, nip).id}")
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
    page = client.get(_page_path(world, world.nip_a)).text
    assert 'id="merit"' in page
    for code in record["screening"]["reasons"]:
        assert escape(REASON_TEXT[code][0]) in page


def test_reasons_follow_the_reader_language(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["auditor"])
    client.cookies.set("pionir_lang", "en")
    page = client.get(_page_path(world, world.nip_a)).text
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
    page = client.get(_page_path(world, world.nip_a)).text
    assert 'id="merit"' not in page and 'id="reasons"' not in page
    for code in filter(None, person.reasons.split(";")):
        assert escape(REASON_TEXT[code][0]) not in page
    mover = a_mover(world)
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


def _lookup(client: TestClient, world: World, csrf: str, nip: str) -> Response:
    return client.post(
        f"/api/runs/{world.run_id}/people/lookup",
        json={"nip": nip},
        headers={"X-CSRF-Token": csrf},
    )


UNKNOWN_NIP = "000000000000000000"


@pytest.mark.parametrize("role", ["operator_a", "employee"])
def test_another_persons_record_is_answered_as_unknown(
    client: TestClient, world: World, role: str
) -> None:
    """Out of scope and not there at all give the same status and body: guessing NIPs or
    ids tells an operator nothing about another K/L."""
    csrf = log_in(client, USERNAMES[role])
    other = _placement(world, world.nip_b)
    unknown_id = other.id + 1_000_000
    pages = [client.get(f"/runs/{world.run_id}/placements/{i}") for i in (other.id, unknown_id)]
    apis = [client.get(f"/api/runs/{world.run_id}/placements/{i}") for i in (other.id, unknown_id)]
    lookups = [_lookup(client, world, csrf, nip) for nip in (world.nip_b, UNKNOWN_NIP)]
    for forbidden, unknown in (pages, apis, lookups):
        assert forbidden.status_code == unknown.status_code == 404
        assert forbidden.content == unknown.content
        assert world.nip_b not in forbidden.text
    # Their own are open: the 404s above are about scope, not a broken route.
    assert client.get(_page_path(world, world.nip_a)).status_code == 200
    assert _lookup(client, world, csrf, world.nip_a).json()["nip"] == world.nip_a


def test_a_placement_of_another_run_is_not_found(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["auditor"])
    placement = _placement(world, world.nip_a)
    assert client.get(f"/runs/999999/placements/{placement.id}").status_code == 404
    assert client.get(f"/api/runs/{world.run_id}/placements/999999999").status_code == 404


def test_lookup_by_nip_gives_the_link_id(client: TestClient, world: World) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    found = _lookup(client, world, csrf, world.nip_b)
    assert found.status_code == 200, found.text
    assert found.json()["placement_id"] == _placement(world, world.nip_b).id
    assert _lookup(client, world, csrf, UNKNOWN_NIP).status_code == 404
    # A look-up is a POST: without the session's CSRF token it is refused.
    assert _lookup(client, world, "wrong", world.nip_b).status_code == 403


def test_old_person_urls_with_a_nip_are_gone(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["planner"])
    assert client.get(f"/runs/{world.run_id}/people/{world.nip_a}").status_code == 404
    assert client.get(f"/api/runs/{world.run_id}/people/{world.nip_a}").status_code in (404, 405)


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


# An attribute that takes a URL, holding a run of 18 digits (a NIP's length).
NIP_IN_URL = re.compile(r'(?:href|action|hx-get|hx-post|src)="[^"]*\d{18}[^"]*"')


@pytest.mark.parametrize("role", ["planner", "operator_a"])
def test_no_nip_in_any_link(client: TestClient, world: World, role: str) -> None:
    log_in(client, USERNAMES[role])
    paths = [
        f"/runs/{world.run_id}/plan",
        f"/runs/{world.run_id}/plan?outcome=all",
        f"/runs/{world.run_id}/dashboard",
        f"/runs/{world.run_id}/agencies/{world.agency_a}",
        f"/compare?a={world.run_id}&b={world.run_id}",
        _page_path(world, world.nip_a),
    ]
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        assert NIP_IN_URL.findall(page.text) == [], path
    # The plan list does link to people, by placement id.
    plan = client.get(f"/runs/{world.run_id}/plan").text
    assert re.search(rf'href="/runs/{world.run_id}/placements/\d+"', plan)
