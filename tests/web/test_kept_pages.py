"""What a finished run's pages keep between requests is kept per reader, not shared.

The dashboard's charts and the plan list's pages are computed once per finished run
(services/run_memo) and then served from memory. Each test asks first as a reader who
sees more, then as one who sees less, so a kept answer handed to the wrong reader fails.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from pionir.db.tables import PlacementRow
from tests.web.conftest import USERNAMES, World, log_in

SCREENING_OUTCOMES = {"ineligible", "household_ineligible", "not_selected"}


def _lines(client: TestClient, url: str, **params: str) -> list[dict[str, Any]]:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    lines: list[dict[str, Any]] = response.json()["placements"]
    return lines


def _agency_chart(page: str) -> str:
    found = re.search(r'<figure class="chart" id="chart-agencies">.*?</figure>', page, re.S)
    assert found is not None
    return found.group(0)


def test_a_kept_plan_page_tells_screening_outcomes_only_to_who_may_see_them(
    client: TestClient, world: World
) -> None:
    with world.session() as db:
        screened_out = db.scalar(
            select(PlacementRow.agency_id).where(
                PlacementRow.run_id == world.run_id,
                PlacementRow.outcome.in_(SCREENING_OUTCOMES),
            )
        )
    assert screened_out is not None
    url = f"/api/runs/{world.run_id}/placements"
    wanted = {"outcome": "all", "view": "agency", "agency": screened_out}
    log_in(client, USERNAMES["planner"])
    # Twice: the second answer is the kept one.
    _lines(client, url, **wanted)
    planner = _lines(client, url, **wanted)
    assert {line["outcome"] for line in planner} & SCREENING_OUTCOMES
    log_in(client, USERNAMES["housing"])
    housing = _lines(client, url, **wanted)
    assert [line["nip"] for line in housing] == [line["nip"] for line in planner]
    assert {line["outcome"] for line in housing} <= {"moves", "stays"}
    page = client.get(f"/runs/{world.run_id}/plan", params=wanted)
    assert page.status_code == 200
    assert "tidak lolos penapisan</span>" not in page.text


def test_a_kept_plan_page_of_another_agency_is_refused_to_an_operator(
    client: TestClient, world: World
) -> None:
    url = f"/runs/{world.run_id}/plan"
    log_in(client, USERNAMES["planner"])
    for _ in range(2):
        assert client.get(url, params={"agency": world.agency_b}).status_code == 200
    everyone = _lines(client, f"/api/runs/{world.run_id}/placements", outcome="all")
    assert len({line["agency_id"] for line in everyone}) > 1
    log_in(client, USERNAMES["operator_a"])
    assert client.get(url, params={"agency": world.agency_b}).status_code == 403
    assert (
        client.get(
            "/api" + url.replace("/plan", "/placements"), params={"agency": world.agency_b}
        ).status_code
        == 403
    )
    own = _lines(client, f"/api/runs/{world.run_id}/placements", outcome="all")
    assert {line["agency_id"] for line in own} == {world.agency_a}


def test_kept_dashboard_charts_follow_the_readers_scope_and_language(
    client: TestClient, world: World
) -> None:
    url = f"/runs/{world.run_id}/dashboard"
    link_b = f'href="/runs/{world.run_id}/agencies/{world.agency_b}"'
    log_in(client, USERNAMES["planner"])
    for _ in range(2):
        planner = client.get(url).text
    assert link_b in _agency_chart(planner)
    assert "Pegawai pindah per K/L terhadap kuota" in planner
    client.cookies.set("pionir_lang", "en")
    english = client.get(url).text
    assert "Employees moving per agency against quota" in english
    assert "Pegawai pindah per K/L terhadap kuota" not in english
    client.cookies.delete("pionir_lang")
    log_in(client, USERNAMES["operator_a"])
    operator = client.get(url).text
    assert link_b not in _agency_chart(operator)
    assert f'href="/runs/{world.run_id}/agencies/{world.agency_a}"' in _agency_chart(operator)
