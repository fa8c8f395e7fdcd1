"""Searches by name or NIP go in by POST and come back as a token: no NIP in any URL."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from pionir.db.tables import PersonRow, PlacementRow, SearchTerm
from pionir.services.clock import now
from pionir.services.search_terms import LIFETIME
from tests.web.conftest import USERNAMES, World, a_mover, log_in


def _search_plan(client: TestClient, world: World, csrf: str, text: str) -> str:
    """Post the plan list's filter form; the URL it sends the browser to."""
    response = client.post(
        f"/runs/{world.run_id}/plan",
        data={"q": text, "outcome": "all", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_a_nip_searched_on_the_plan_page_stays_out_of_the_url(
    client: TestClient, world: World
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    mover = a_mover(world)
    location = _search_plan(client, world, csrf, mover.nip)
    assert mover.nip not in location
    query = parse_qs(urlparse(location).query)
    assert query["outcome"] == ["all"] and len(query["s"]) == 1
    page = client.get(location)
    assert page.status_code == 200
    # The list holds the one person searched for, and the box shows what was typed.
    assert page.text.count(f"/runs/{world.run_id}/placements/") == 1
    assert f'value="{mover.nip}"' in page.text
    # The same search again is the same token: filtering back and forth adds no rows.
    assert _search_plan(client, world, csrf, mover.nip) == location


def test_a_search_token_opens_its_own_users_search_only(client: TestClient, world: World) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    location = _search_plan(client, world, csrf, a_mover(world).nip)
    log_in(client, USERNAMES["auditor"])
    other = client.get(location)
    assert other.status_code == 404
    assert "Pencarian ini sudah kedaluwarsa" in other.text


def test_a_lapsed_search_is_refused_and_purged(client: TestClient, world: World) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    location = _search_plan(client, world, csrf, "Lama Sekali")
    token = parse_qs(urlparse(location).query)["s"][0]
    with world.session() as db:
        db.execute(
            update(SearchTerm)
            .where(SearchTerm.token == token)
            .values(created_at=now() - LIFETIME - timedelta(minutes=1))
        )
        db.commit()
    lapsed = client.get(location)
    assert lapsed.status_code == 404
    client.cookies.set("pionir_lang", "en")
    assert "type the name or NIP" in client.get(location).text
    client.cookies.delete("pionir_lang")
    # The next search sweeps lapsed ones away.
    _search_plan(client, world, csrf, "Baru")
    with world.session() as db:
        assert db.get(SearchTerm, token) is None


def test_the_apis_search_by_nip_in_the_body(client: TestClient, world: World) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    headers = {"X-CSRF-Token": csrf}
    mover = a_mover(world)
    placements = client.post(
        f"/api/runs/{world.run_id}/placements/search",
        json={"q": mover.nip, "outcome": "all"},
        headers=headers,
    )
    assert placements.status_code == 200, placements.text
    assert [line["nip"] for line in placements.json()["placements"]] == [mover.nip]
    screening = client.post(
        f"/api/versions/{world.version_id}/screening/search",
        json={"q": mover.nip},
        headers=headers,
    )
    assert screening.status_code == 200, screening.text
    assert [p["nip"] for p in screening.json()["people"]] == [mover.nip]
    # Without the CSRF header a search is refused like any other unsafe request.
    bare = client.post(f"/api/runs/{world.run_id}/placements/search", json={"q": mover.nip})
    assert bare.status_code == 403
    # A search in the query string is no parameter of the list any more: it filters nothing.
    with world.session() as db:
        everyone = db.scalar(
            select(func.count())
            .select_from(PlacementRow)
            .where(PlacementRow.run_id == world.run_id)
        )
    ignored = client.get(
        f"/api/runs/{world.run_id}/placements", params={"q": mover.nip, "outcome": "all"}
    )
    assert ignored.json()["total"] == everyone


def test_the_screening_page_searches_by_token_too(client: TestClient, world: World) -> None:
    csrf = log_in(client, USERNAMES["operator_a"])
    with world.session() as db:
        person = db.scalar(
            select(PersonRow)
            .where(PersonRow.version_id == world.version_id, PersonRow.agency_id == world.agency_a)
            .order_by(PersonRow.nip)
            .limit(1)
        )
    assert person is not None
    response = client.post(
        f"/versions/{world.version_id}/screening",
        data={"q": person.nip, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert person.nip not in location and "s=" in location
    page = client.get(location)
    assert page.status_code == 200
    assert f"<td>{person.nip}</td>" in page.text
    assert '<p class="muted">1 orang</p>' in page.text
