"""The services scope every query themselves, whatever adapter calls them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pionir.services import runs, scenarios, screening_views
from pionir.services.errors import Forbidden
from pionir.services.screening_views import ScreeningFilter
from tests.web.conftest import World


def test_operator_lists_only_own_agency(world: World) -> None:
    operator = world.actors["operator_a"]
    with world.session() as db:
        page = screening_views.screening_page(
            db, operator, world.version_id, ScreeningFilter(per_page=1000)
        )
        assert page.people and {p.agency_id for p in page.people} == {world.agency_a}
        with pytest.raises(Forbidden):
            screening_views.screening_page(
                db, operator, world.version_id, ScreeningFilter(agency_id=world.agency_b)
            )
        funnel = screening_views.screening_funnel(db, operator, world.version_id)
        assert funnel.employees == page.total
        assert [a.agency_id for a in screening_views.agencies(db, operator, world.version_id)] == [
            world.agency_a
        ]


def test_planner_funnel_counts_everyone(world: World) -> None:
    with world.session() as db:
        funnel = screening_views.screening_funnel(db, world.actors["planner"], world.version_id)
    assert funnel.employees == len(world.scenario.employees)
    assert funnel.employees >= funnel.eligible >= funnel.movable
    assert sum(funnel.reasons.values()) >= funnel.employees - funnel.eligible


@pytest.mark.parametrize("role", ["employee"])
def test_employees_reach_no_overview(world: World, role: str) -> None:
    actor = world.actors[role]
    with world.session() as db:
        for call in (
            lambda: scenarios.list_scenarios(db, actor),
            lambda: scenarios.get_version(db, actor, world.version_id),
            lambda: runs.list_runs(db, actor),
            lambda: runs.get_run(db, actor, world.run_id),
            lambda: screening_views.unit_priorities(db, actor, world.version_id),
        ):
            with pytest.raises(Forbidden):
                call()


@pytest.mark.parametrize("role", ["auditor", "housing", "operator_a", "employee"])
def test_only_planners_request_or_approve_runs(world: World, role: str) -> None:
    actor = world.actors[role]
    with world.session() as db:
        with pytest.raises(Forbidden):
            runs.request_run(db, actor, world.version_id)
        with pytest.raises(Forbidden):
            runs.approve_run(db, actor, world.run_id)
        with pytest.raises(Forbidden):
            scenarios.import_scenario(db, actor, b"", "x.xlsx")
        db.rollback()


def test_housing_officer_sees_no_screening(world: World) -> None:
    with world.session() as db, pytest.raises(Forbidden):
        screening_views.screening_page(
            db, world.actors["housing"], world.version_id, ScreeningFilter()
        )


def test_openapi_documents_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert client.get("/docs").status_code == 200
    paths = set(schema["paths"])
    assert {
        "/api/login",
        "/api/scenarios",
        "/api/runs/{run_id}",
        "/api/versions/{version_id}/screening",
        "/api/audit",
    } <= paths
    # Pages are not API: they stay out of the schema.
    assert "/scenarios" not in paths
