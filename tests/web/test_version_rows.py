"""A stored version is read as rows: pages and edits never unpack or re-validate its archive.

The proof is a damaged archive: with the archive bytes overwritten, every page and API
answer about the version is the same as before, an edit of it still makes a sound new
version, and only a plan run, whose exact input the archive is, fails, saying why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.db.tables import ScenarioVersion
from pionir.scenario.model import Scenario
from pionir.scenario.policy_io import policy_to_toml
from pionir.screening.screen import screen
from pionir.services.archive import archive_of, scenario_from_archive
from pionir.services.clock import now
from pionir.services.execute import plan_here
from pionir.services.runs import request_run
from pionir.services.version_tables import read_capacity, read_scenario, stored_policy
from tests.web.conftest import USERNAMES, World, copy_of_demo, log_in, scratch_postgres, small_demo


def _damage_archive(world: World, version_id: int) -> None:
    with world.session() as db:
        version = db.get(ScenarioVersion, version_id)
        assert version is not None
        version.archive = b"not a zip archive at all"
        db.commit()


def test_a_stored_version_reads_back_from_its_rows_as_the_scenario_stored(world: World) -> None:
    version_id = copy_of_demo(world, "Uji baris")
    with world.session() as db:
        version = db.get(ScenarioVersion, version_id)
        assert version is not None
        scenario = read_scenario(db, version_id, stored_policy(version.policy_toml))
        capacity = read_capacity(db, version_id)
    assert scenario == world.scenario
    assert (capacity.towers, capacity.buildings, capacity.facilities, capacity.waves) == (
        world.scenario.towers,
        world.scenario.buildings,
        world.scenario.facilities,
        world.scenario.waves,
    )


def _pages(client: TestClient, version_id: int) -> dict[str, str]:
    answers = {}
    for path in (
        f"/versions/{version_id}",
        f"/versions/{version_id}/policy",
        f"/versions/{version_id}/capacity",
        f"/versions/{version_id}/priorities",
        f"/versions/{version_id}/screening",
        f"/api/versions/{version_id}",
        f"/api/versions/{version_id}/policy",
        f"/api/versions/{version_id}/capacity",
        f"/api/versions/{version_id}/priorities",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text)
        answers[path] = answer.text
    return answers


def test_pages_render_the_same_with_the_archive_damaged_and_only_a_run_fails(
    world: World, client: TestClient
) -> None:
    version_id = copy_of_demo(world, "Uji baris")
    # The auditor's pages carry no fresh keys for spare form rows, so two looks compare.
    log_in(client, USERNAMES["auditor"])
    before = _pages(client, version_id)
    _damage_archive(world, version_id)
    assert _pages(client, version_id) == before

    with world.session() as db:
        run_id = request_run(db, world.actors["planner"], version_id, time_limit=5).id
        db.commit()
    run = plan_here(world.engine, run_id, "tests")
    assert run.status == "failed"
    assert "rusak" in run.message and "Impor ulang" in run.message
    assert "damaged" in run.message_en and "Import the scenario again" in run.message_en
    assert "Traceback" not in run.message_en
    # The planner's sentence alone, in each language: no class name, no other language.
    assert "StoredArchiveUnreadable" not in run.message + run.message_en
    assert "damaged" not in run.message and "rusak" not in run.message_en


def test_an_edit_of_a_version_whose_archive_is_damaged_builds_on_its_rows(
    world: World, client: TestClient
) -> None:
    version_id = copy_of_demo(world, "Uji baris")
    _damage_archive(world, version_id)
    headers = {"X-CSRF-Token": log_in(client, USERNAMES["planner"])}
    url = f"/api/versions/{version_id}/policy"
    answer = client.put(url, json={"screening": {"min_berakhlak": 85}}, headers=headers)
    assert answer.status_code == 201, answer.text
    with world.session() as db:
        made = db.get(ScenarioVersion, answer.json()["id"])
        assert made is not None
        # The new version's archive is whole, and holds the base's tables and the new policy.
        stored = scenario_from_archive(made.archive)
        from_rows = read_scenario(db, made.id, stored_policy(made.policy_toml))
    assert stored == from_rows
    assert stored.policy.screening.min_berakhlak == 85
    assert stored.employees == world.scenario.employees
    assert stored.towers == world.scenario.towers


def test_a_refused_capacity_edit_stores_nothing(world: World, client: TestClient) -> None:
    version_id = copy_of_demo(world, "Uji baris")
    headers = {"X-CSRF-Token": log_in(client, USERNAMES["planner"])}
    url = f"/api/versions/{version_id}/capacity"
    towers = client.get(url).json()["towers"]
    towers[0]["units"] = -3
    answer = client.put(url, json={"towers": towers}, headers=headers)
    assert answer.status_code == 422
    with world.session() as db:
        scenario_id = db.get(ScenarioVersion, version_id).scenario_id  # type: ignore[union-attr]
        numbers = db.scalars(
            select(ScenarioVersion.number).where(ScenarioVersion.scenario_id == scenario_id)
        ).all()
    assert numbers == [1]


# --- the migration fills the rows of versions stored before it -----------------------------


def _store_as_revision_0005(url: str, scenario: Scenario) -> int:
    """A version written as the code before revision 0006 wrote it: archive and people only."""
    engine = make_engine(url)
    upgrade(engine, "0005")
    screening = screen(scenario)
    unit_agency = {u.unit_id: u.agency_id for u in scenario.units}
    position = {p.position_id: p for p in scenario.positions}
    with engine.begin() as connection:
        scenario_id = connection.execute(
            text(
                "INSERT INTO scenarios (name, created_at, created_by) "
                "VALUES ('lama', :at, 'perencana') RETURNING id"
            ),
            {"at": now()},
        ).scalar_one()
        version_id = connection.execute(
            text(
                "INSERT INTO scenario_versions (scenario_id, number, created_at, created_by, "
                "note, source_name, archive, policy_toml, counts) VALUES (:s, 1, :at, "
                "'perencana', '', 'demo', :archive, :policy, '{}') RETURNING id"
            ),
            {
                "s": scenario_id,
                "at": now(),
                "archive": archive_of(scenario),
                "policy": policy_to_toml(scenario.policy),
            },
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO agencies (version_id, agency_id, name, spbe_index, quota) "
                "VALUES (:v, :agency_id, :name, :spbe_index, 0)"
            ),
            [
                {"v": version_id} | {k: getattr(a, k) for k in a.__slots__}
                for a in scenario.agencies
            ],
        )
        connection.execute(
            text(
                "INSERT INTO units (version_id, unit_id, agency_id, name, function, miniature, "
                "digital_readiness, quota, priority, rank) VALUES (:v, :unit_id, :agency_id, "
                ":name, :function, :miniature, :digital_readiness, :quota, 0, 0)"
            ),
            [{"v": version_id} | {k: getattr(u, k) for k in u.__slots__} for u in scenario.units],
        )
        connection.execute(
            text(
                "INSERT INTO people (version_id, nip, name, agency_id, unit_id, position_title, "
                "grade, household_id, eligible, movable, merit, reasons) VALUES (:v, :nip, "
                ":name, :agency, :unit, :title, :grade, :household, :ok, :ok, 0, '')"
            ),
            [
                {
                    "v": version_id,
                    "nip": e.nip,
                    "name": e.name,
                    "agency": unit_agency[position[e.position_id].unit_id],
                    "unit": position[e.position_id].unit_id,
                    "title": position[e.position_id].title,
                    "grade": e.grade,
                    "household": e.household_id,
                    "ok": screening[e.nip].eligible,
                }
                for e in scenario.employees
            ],
        )
    engine.dispose()
    return int(version_id)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_fills_the_rows_of_versions_stored_before_it(
    backend: str, tmp_path: Path
) -> None:
    scenario = small_demo()

    def check(url: str) -> None:
        version_id = _store_as_revision_0005(url, scenario)
        engine = make_engine(url)
        upgrade(engine)
        with session_factory(engine)() as db:
            version = db.get(ScenarioVersion, version_id)
            assert version is not None
            assert read_scenario(db, version_id, stored_policy(version.policy_toml)) == scenario
            # The version still plans as it did: its archive was only read, never rewritten.
            assert scenario_from_archive(version.archive) == scenario
        engine.dispose()

    if backend == "sqlite":
        check(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        return
    with scratch_postgres("pionir_rows") as url:
        check(url)
