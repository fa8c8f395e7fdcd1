"""Dashboard, plan list and agency pages: the figures match the database, scoped by role."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from pionir.db.tables import AgencyRow, PersonRow, PlacementRow, PlanRun
from pionir.services.runs import latest_finished_run
from tests.web.conftest import USERNAMES, World, log_in

OVERVIEW_ROLES = ("planner", "auditor", "housing", "operator_a")


def _placements(world: World) -> list[PlacementRow]:
    with world.session() as db:
        return list(db.scalars(select(PlacementRow).where(PlacementRow.run_id == world.run_id)))


def _movers(world: World, agency_id: str | None = None) -> list[PlacementRow]:
    return [
        p for p in _placements(world) if p.wave_id is not None and agency_id in (None, p.agency_id)
    ]


def _summary(world: World) -> dict[str, Any]:
    with world.session() as db:
        run = db.get(PlanRun, world.run_id)
        assert run is not None and run.summary is not None
        return run.summary


def _get(client: TestClient, url: str, **params: str) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- dashboard --------------------------------------------------------------------------


@pytest.mark.parametrize("role", OVERVIEW_ROLES)
def test_dashboard_pages_show_the_run_for_every_overview_role(
    client: TestClient, world: World, role: str
) -> None:
    log_in(client, USERNAMES[role])
    with world.session() as db:
        latest = latest_finished_run(db, world.actors["planner"])
        assert latest is not None
    for url, run_id in (
        ("/dashboard", latest.id),
        (f"/runs/{world.run_id}/dashboard", world.run_id),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert f"<h1>Dasbor rencana · Proses #{run_id}</h1>" in page.text
        # Every chart is drawn inline, named by a <title>, with its figures in a table.
        assert page.text.count("<svg") == 8
        assert page.text.count("<title id=") == 8
        assert page.text.count('class="chart-data"') == 8


def test_employee_is_refused_every_dashboard(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["employee"])
    assert client.get("/dashboard").status_code == 403
    assert client.get(f"/runs/{world.run_id}/dashboard").status_code == 403
    assert client.get(f"/api/runs/{world.run_id}/dashboard").status_code == 403


def test_dashboard_figures_match_the_placements(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["planner"])
    dash = _get(client, f"/api/runs/{world.run_id}/dashboard")
    movers = _movers(world)
    assert dash["movers"] == len(movers) > 0
    assert sum(w["movers"] for w in dash["waves"]) == dash["movers"]
    per_wave = Counter(p.wave_id for p in movers)
    assert {w["wave_id"]: w["movers"] for w in dash["waves"] if w["movers"]} == per_wave
    per_agency = Counter(p.agency_id for p in movers)
    assert {a["agency_id"]: a["movers"] for a in dash["agencies"] if a["movers"]} == per_agency
    with world.session() as db:
        agencies = select(AgencyRow).where(AgencyRow.version_id == world.version_id)
        quota = {a.agency_id: a.quota for a in db.scalars(agencies)}
        people = list(db.scalars(select(PersonRow).where(PersonRow.version_id == world.version_id)))
    assert dash["quota"] == sum(quota.values())
    assert all(a["quota"] == quota[a["agency_id"]] for a in dash["agencies"])
    assert dash["funnel"] == {
        "employees": len(people),
        "eligible": sum(p.eligible for p in people),
        "movable": sum(p.movable for p in people),
        "moving": len(movers),
    }
    assert dash["allowance_total"] == sum(p.allowance for p in movers)
    assert dash["binding"] == _summary(world)["binding"]


def test_operator_dashboard_shows_own_agency_figures_only(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["operator_a"])
    dash = _get(client, f"/api/runs/{world.run_id}/dashboard")
    assert dash["agency_scope"] == world.agency_a
    assert [a["agency_id"] for a in dash["agencies"]] == [world.agency_a]
    own = [nip for nip, agency in _agency_of(world).items() if agency == world.agency_a]
    assert dash["funnel"]["employees"] == len(own)
    assert dash["funnel"]["moving"] == len(_movers(world, world.agency_a))
    # The whole plan's capacity use is not personal: the operator sees it too.
    assert dash["movers"] == len(_movers(world))
    page = client.get(f"/runs/{world.run_id}/dashboard").text
    assert f"/runs/{world.run_id}/agencies/{world.agency_b}" not in page


def test_dashboard_lists_binding_capacities_per_wave(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["auditor"])
    page = client.get(f"/runs/{world.run_id}/dashboard").text
    binding = _summary(world)["binding"]
    assert 'id="binding-table"' in page
    for wave_id in binding:
        assert f'<th scope="row">{wave_id} (' in page


def test_unknown_run_is_404(client: TestClient) -> None:
    log_in(client, USERNAMES["planner"])
    assert client.get("/runs/987654/dashboard").status_code == 404
    assert client.get("/api/runs/987654/placements").status_code == 404


# --- plan list --------------------------------------------------------------------------


def test_plan_list_pages_through_every_mover(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["planner"])
    url = f"/api/runs/{world.run_id}/placements"
    first = _get(client, url)
    movers = _movers(world)
    assert first["total"] == len(movers)
    assert sum(g["count"] for g in first["groups"]) == first["total"]
    seen = [line["nip"] for line in first["placements"]]
    for page in range(2, -(-first["total"] // first["per_page"]) + 1):
        seen += [line["nip"] for line in _get(client, url, page=str(page))["placements"]]
    assert sorted(seen) == sorted(p.nip for p in movers)
    assert all(line["name"] for line in first["placements"])


@pytest.mark.parametrize(
    ("view", "column"),
    [
        ("wave", "wave_id"),
        ("agency", "agency_id"),
        ("tower", "tower_id"),
        ("building", "building_id"),
    ],
)
def test_plan_groups_count_movers_per_view(
    client: TestClient, world: World, view: str, column: str
) -> None:
    log_in(client, USERNAMES["housing"])
    found = _get(client, f"/api/runs/{world.run_id}/placements", view=view)
    expected = Counter(getattr(p, column) for p in _movers(world))
    assert {g["key"]: g["count"] for g in found["groups"]} == expected


def test_plan_filters_narrow_the_list(client: TestClient, world: World) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    url = f"/api/runs/{world.run_id}/placements"
    mover = _movers(world)[0]
    by_wave = _get(client, url, wave=str(mover.wave_id))
    assert by_wave["total"] == sum(1 for p in _movers(world) if p.wave_id == mover.wave_id)
    assert {line["wave_id"] for line in by_wave["placements"]} == {mover.wave_id}
    by_nip = client.post(f"{url}/search", json={"q": mover.nip}, headers={"X-CSRF-Token": csrf})
    assert by_nip.status_code == 200, by_nip.text
    assert [line["nip"] for line in by_nip.json()["placements"]] == [mover.nip]
    everyone = _get(client, url, outcome="all")
    assert everyone["total"] == len(world.scenario.employees)
    stays = _get(client, url, outcome="stays")
    assert stays["total"] == len(world.scenario.employees) - len(_movers(world))
    ineligible = _get(client, url, outcome="ineligible")
    assert ineligible["total"] == sum(1 for p in _placements(world) if p.outcome == "ineligible")


def test_plan_page_renders_lines_groups_and_pager(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["housing"])
    page = client.get(f"/runs/{world.run_id}/plan", params={"view": "tower"})
    assert page.status_code == 200
    mover = sorted(_movers(world), key=lambda p: (p.tower_id, p.unit_no, p.nip))[0]
    assert f"/runs/{world.run_id}/placements/{mover.id}" in page.text
    assert 'id="groups"' in page.text and 'class="pager"' in page.text


def test_housing_officer_sees_the_plan_but_no_screening_outcomes(
    client: TestClient, world: World
) -> None:
    log_in(client, USERNAMES["housing"])
    url = f"/api/runs/{world.run_id}/placements"
    everyone = _get(client, url, outcome="all", view="agency")
    assert everyone["total"] == len(world.scenario.employees)
    assert {line["outcome"] for line in everyone["placements"]} <= {"moves", "stays"}
    for outcome in ("ineligible", "household_ineligible", "not_selected"):
        assert client.get(url, params={"outcome": outcome}).status_code == 403
        assert (
            client.get(f"/runs/{world.run_id}/plan", params={"outcome": outcome}).status_code == 403
        )


def test_operator_plan_is_limited_to_own_agency(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["operator_a"])
    url = f"/api/runs/{world.run_id}/placements"
    own = _get(client, url, outcome="all")
    assert own["total"] == sum(1 for p in _placements(world) if p.agency_id == world.agency_a)
    assert {line["agency_id"] for line in own["placements"]} == {world.agency_a}
    assert client.get(url, params={"agency": world.agency_b}).status_code == 403
    page = client.get(f"/runs/{world.run_id}/plan", params={"agency": world.agency_b})
    assert page.status_code == 403
    assert world.nip_b not in client.get(f"/runs/{world.run_id}/plan?outcome=all").text


def test_employee_is_refused_the_plan_list(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["employee"])
    assert client.get(f"/runs/{world.run_id}/plan").status_code == 403
    assert client.get(f"/api/runs/{world.run_id}/placements").status_code == 403


# --- agency page ------------------------------------------------------------------------


def test_agency_page_figures(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["planner"])
    found = _get(client, f"/api/runs/{world.run_id}/agencies/{world.agency_a}")
    movers = _movers(world, world.agency_a)
    assert found["movers"] == len(movers)
    assert sum(w["movers"] for w in found["waves"]) == len(movers)
    assert sum(u["movers"] for u in found["units"]) == len(movers)
    assert [u["rank"] for u in found["units"]] == sorted(u["rank"] for u in found["units"])
    assert found["quota"] == sum(u["quota"] for u in found["units"])
    page = client.get(f"/runs/{world.run_id}/agencies/{world.agency_a}")
    assert page.status_code == 200
    assert f"/runs/{world.run_id}/plan?view=agency&amp;agency={world.agency_a}" in page.text


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("auditor", 200),
        ("housing", 200),
        ("operator_a", 403),
        ("operator_b", 200),
        ("employee", 403),
    ],
)
def test_agency_page_of_agency_b_by_role(
    client: TestClient, world: World, role: str, expected: int
) -> None:
    log_in(client, USERNAMES[role])
    url = f"/runs/{world.run_id}/agencies/{world.agency_b}"
    assert client.get(url).status_code == expected
    assert client.get("/api" + url).status_code == expected


def test_unknown_agency_is_404(client: TestClient, world: World) -> None:
    log_in(client, USERNAMES["planner"])
    assert client.get(f"/api/runs/{world.run_id}/agencies/NO-SUCH-KL").status_code == 404


def _agency_of(world: World) -> dict[str, str]:
    """Each employee's K/L, from the scenario itself rather than from the database."""
    unit_agency = {u.unit_id: u.agency_id for u in world.scenario.units}
    position_unit = {p.position_id: p.unit_id for p in world.scenario.positions}
    return {e.nip: unit_agency[position_unit[e.position_id]] for e in world.scenario.employees}
