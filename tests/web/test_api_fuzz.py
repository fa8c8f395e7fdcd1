"""Every operation of the OpenAPI schema, fed generated input by schemathesis: no 500s,
and answers shaped as the schema says.

Each operation gets the schema's examples, the coverage phase's boundary values (an
id's minimum 1, which is the seeded version and finished run, its maximum and one past
it, 0, wrong types, empty and missing fields) and a fixed number of derandomized
generated cases, valid and invalid; as the administrator planner and as an agency
operator. The database is this module's own, so what the fuzzing writes (versions,
users, approvals) touches no other test.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.pytest.lazy import get_all_tests
from schemathesis.python.asgi import ASGIClient
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import Engine

from pionir.config import Settings
from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.db.tables import PlanRun
from pionir.scenario.model import Agency
from pionir.services.accounts import actor_of, create_user
from pionir.services.actor import Role
from pionir.services.execute import plan_here
from pionir.services.runs import RunStatus, request_run
from pionir.services.scenarios import new_scenario
from pionir.web.app import create_app
from tests.builders import ScenarioBuilder
from tests.web.conftest import PASSWORD, scratch_postgres

# Generated cases per operation, after the coverage phase's fixed ones: small, but
# every operation sees strings, numbers and shapes it does not expect.
EXAMPLES = 8
# Log-out would end the fuzzing's own session; log-in is the account tests' business.
SKIPPED = {"/api/logout", "/api/login"}


@dataclass(frozen=True)
class FuzzWorld:
    """A database with a planner, an operator of A1, one version and its finished run."""

    engine: Engine
    url: str


def _tiny_scenario() -> ScenarioBuilder:
    builder = ScenarioBuilder(agencies=[Agency("A1", "Agency One", 4.0), Agency("A2", "Two", 3.0)])
    builder.unit("U1")
    builder.unit("U2", agency_id="A2")
    for unit in ("U1", "U1", "U2", "U2"):
        builder.household(unit, members=2)
    return builder


def _seed(url: str) -> FuzzWorld:
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine)() as db:
        admin = create_user(
            db,
            None,
            username="perencana",
            full_name="Perencana",
            password=PASSWORD,
            role=Role.PLANNER,
            is_admin=True,
        )
        planner = actor_of(admin)
        version = new_scenario(db, planner, _tiny_scenario().build(), name="Kecil", source_name="t")
        # After the scenario: an operator's K/L must be one the stored data knows.
        create_user(
            db,
            planner,
            username="operator.a",
            full_name="Operator A",
            password=PASSWORD,
            role=Role.AGENCY_OPERATOR,
            agency_id="A1",
        )
        run = request_run(db, planner, version.id, time_limit=5)
        db.commit()
        # The coverage phase tries every id's minimum: these are the ids it reaches.
        assert (version.id, run.id) == (1, 1)
    plan_here(engine, run.id, "tests")
    with session_factory(engine)() as db:
        assert db.get(PlanRun, run.id).status == RunStatus.SUCCEEDED.value  # type: ignore[union-attr]
    return FuzzWorld(engine, url)


@pytest.fixture(scope="module")
def fuzz_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FuzzWorld]:
    if request.param == "sqlite":
        world = _seed(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'pionir.sqlite3'}")
        yield world
        world.engine.dispose()
        return
    with scratch_postgres("pionir_fuzz") as url:
        world = _seed(url)
        yield world
        world.engine.dispose()


def _schema(fuzz_world: FuzzWorld, tmp_path: Path) -> BaseSchema:
    app = create_app(
        Settings(database_url=fuzz_world.url, data_dir=tmp_path), fuzz_world.engine, migrate=False
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # Examples from the schema; boundary values of every parameter (coverage: 0, -1,
    # 2^31, empty and missing fields, wrong types); then generated cases, valid and not.
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=EXAMPLES,
        deterministic=True,
        no_shrink=True,
        database="none",
    )
    return schema


def _logged_in(app: object, username: str) -> ASGIClient:
    client = ASGIClient(app)  # type: ignore[arg-type]
    response = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    # Unsafe methods need the CSRF token; every call of this client carries it.
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


# The planner (administrator) reaches every operation, on both databases; the operator's
# narrower scope runs on PostgreSQL, the stricter of the two (32-bit ids, no NUL in
# text). About 15 s each on a shared 2-core machine, most of it the coverage phase.
@pytest.mark.slow
@pytest.mark.parametrize(
    ("fuzz_world", "username"),
    [("sqlite", "perencana"), ("postgresql", "perencana"), ("postgresql", "operator.a")],
    indirect=["fuzz_world"],
)
def test_no_operation_answers_a_server_error(
    fuzz_world: FuzzWorld, username: str, tmp_path: Path
) -> None:
    schema = _schema(fuzz_world, tmp_path)
    client = _logged_in(schema.app, username)

    def no_server_error(case: schemathesis.Case) -> None:
        response = case.call(session=client)
        # No 500, and every answer the schema documents has the documented shape.
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    # schemathesis.pytest.from_fixture would make one subtest per operation, but it
    # reaches into pytest internals that pytest 9 renamed; these are the same tests.
    tests = [
        r.ok()
        for r in get_all_tests(
            schema=schema, test_func=no_server_error, settings=None, given_kwargs=None
        )
    ]
    assert len(tests) > 20
    failures: list[str] = []
    started = time.monotonic()
    for operation, test in tests:
        if operation.path in SKIPPED:
            continue
        try:
            test()
        except Exception as failed:
            failures.append(f"{operation.label}: {failed}")
    elapsed = time.monotonic() - started
    assert not failures, "\n\n".join(failures)
    print(f"{len(tests)} operations as {username} in {elapsed:.1f} s")
