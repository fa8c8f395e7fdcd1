"""Fixtures for the web tests: each test runs on SQLite and on the local PostgreSQL.

PostgreSQL is not optional: a missing server fails the suite rather than skipping, since
`.ci/run` starts it. Each test session gets its own throw-away PostgreSQL database.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

from pionir.config import Settings
from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.db.tables import PlacementRow, ScenarioRecord
from pionir.scenario.demo import generate_demo
from pionir.scenario.model import Scenario
from pionir.services.accounts import actor_of, create_user
from pionir.services.actor import Actor, Role
from pionir.services.clock import now
from pionir.services.execute import plan_here
from pionir.services.runs import request_run
from pionir.services.scenarios import new_scenario, store_version

PASSWORD = "kata-sandi-uji-123"
USERNAMES = {
    "planner": "perencana",
    "operator_a": "operator.a",
    "operator_b": "operator.b",
    "employee": "pegawai",
    "housing": "hunian",
    "auditor": "auditor",
}
POSTGRES_ADMIN_URL = os.environ.get(
    "PIONIR_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped on leaving."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    with scratch_postgres("pionir_test") as url:
        yield url


def database_url(backend: str, tmp: Path, postgres: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'pionir.sqlite3'}"
    return str(postgres.getfixturevalue("postgres_url"))


@dataclass
class World:
    """A migrated database with one account per role, a scenario version and a finished run."""

    backend: str
    url: str
    engine: Engine
    scenario: Scenario
    version_id: int
    run_id: int
    agency_a: str
    agency_b: str
    nip_a: str  # an employee of agency A, who has an account
    nip_b: str  # an employee of agency B
    actors: dict[str, Actor]

    def session(self) -> Session:
        return session_factory(self.engine)()


def small_demo() -> Scenario:
    # Scale 0.03: 476 employees in 5 units; plannable in a few seconds.
    return generate_demo(scale=0.03, seed=7)


def _build_world(backend: str, url: str) -> World:
    engine = make_engine(url)
    upgrade(engine)
    scenario = small_demo()
    unit_agency = {u.unit_id: u.agency_id for u in scenario.units}
    position_unit = {p.position_id: p.unit_id for p in scenario.positions}
    agency_of = {e.nip: unit_agency[position_unit[e.position_id]] for e in scenario.employees}
    agencies = sorted(set(agency_of.values()))
    agency_a, agency_b = agencies[0], agencies[1]
    nip_a = next(n for n, a in agency_of.items() if a == agency_a)
    nip_b = next(n for n, a in agency_of.items() if a == agency_b)
    with session_factory(engine)() as db:
        admin = create_user(
            db,
            None,
            username=USERNAMES["planner"],
            full_name="Perencana",
            password=PASSWORD,
            role=Role.PLANNER,
            is_admin=True,
        )
        planner = actor_of(admin)
        # The scenario first: operators' K/L and employees' NIPs are checked against it.
        version = new_scenario(db, planner, scenario, name="Demo kecil", source_name="demo")
        # key: (full name, role, agency, NIP); usernames come from USERNAMES.
        others = {
            "operator_a": ("Operator A", Role.AGENCY_OPERATOR, agency_a, None),
            "operator_b": ("Operator B", Role.AGENCY_OPERATOR, agency_b, None),
            "employee": ("Pegawai", Role.EMPLOYEE, None, nip_a),
            "housing": ("Petugas Hunian", Role.HOUSING_OFFICER, None, None),
            "auditor": ("Auditor", Role.AUDITOR, None, None),
        }
        accounts = {"planner": admin} | {
            key: create_user(
                db,
                planner,
                username=USERNAMES[key],
                full_name=full_name,
                password=PASSWORD,
                role=role,
                agency_id=agency,
                nip=nip,
            )
            for key, (full_name, role, agency, nip) in others.items()
        }
        run = request_run(db, planner, version.id, time_limit=5)
        db.commit()
        actors = {key: actor_of(user) for key, user in accounts.items()}
        version_id, run_id = version.id, run.id
    plan_here(engine, run_id, "tests")
    return World(
        backend, url, engine, scenario, version_id, run_id, agency_a, agency_b, nip_a, nip_b, actors
    )


@pytest.fixture(scope="session", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    backend = str(request.param)
    url = database_url(backend, tmp_path_factory.mktemp(backend), request)
    built = _build_world(backend, url)
    yield built
    built.engine.dispose()


@pytest.fixture()
def client(world: World, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=world.url, data_dir=tmp_path)
    from pionir.web.app import create_app

    with TestClient(create_app(settings, world.engine)) as test_client:
        yield test_client


CSRF_IN_PAGE = re.compile(r'name="csrf_token" value="([^"]+)"')


def login_form_token(client: TestClient) -> str:
    """The log-in form's CSRF token (its cookie is now in the client's jar)."""
    page = client.get("/login")
    found = CSRF_IN_PAGE.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def log_in(client: TestClient, username: str) -> str:
    """Log in through the API; returns the CSRF token for unsafe requests."""
    response = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def copy_of_demo(world: World, name: str = "Salinan demo") -> int:
    """A new scenario of the test's own holding the demo as its version 1; its version id.

    Tests that edit or damage a version take a copy, so the shared world stays as built.
    """
    with world.session() as db:
        record = ScenarioRecord(name=name, created_at=now(), created_by="perencana")
        db.add(record)
        db.flush()
        version = store_version(
            db, world.actors["planner"], record.id, world.scenario, source_name="demo"
        )
        db.commit()
        return version.id


def a_mover(world: World) -> PlacementRow:
    """The world's run's mover with the smallest NIP."""
    with world.session() as db:
        found = db.scalar(
            select(PlacementRow)
            .where(PlacementRow.run_id == world.run_id, PlacementRow.wave_id.is_not(None))
            .order_by(PlacementRow.nip)
            .limit(1)
        )
    assert found is not None
    return found
