"""Bad input is refused at the edge: 404 or 422 with a sentence, 503 when the database is
locked or gone, a plain 500 with an incident reference for a crash, and no personal data
or SQL parameters in the log."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from pionir.config import Settings
from pionir.db.engine import make_engine
from pionir.db.tables import ScenarioRecord, User
from pionir.scenario.xlsx_io import write_scenario_workbook
from pionir.web.app import create_app
from tests.web.conftest import PASSWORD, USERNAMES, World, log_in, login_form_token, small_demo

TOO_BIG = (2**31, 2**63, 2**64, 10**30)
NOT_IDS = (0, -1, "abc", "1.5")
NIP = "199001012015031001"


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("workbook") / "demo.xlsx"
    write_scenario_workbook(small_demo(), path)
    return path.read_bytes()


def _scenario_count(world: World) -> int:
    with world.session() as db:
        return db.scalar(select(func.count()).select_from(ScenarioRecord)) or 0


@pytest.mark.parametrize("bad", [*TOO_BIG, *NOT_IDS])
def test_an_id_that_cannot_exist_in_a_path_is_not_found(
    client: TestClient, world: World, bad: object
) -> None:
    log_in(client, USERNAMES["planner"])
    for path in (f"/api/runs/{bad}", f"/api/versions/{bad}", f"/api/runs/{bad}/placements/1"):
        response = client.get(path)
        assert response.status_code == 404, (path, response.text)
        # The same answer as for an id that does not exist: nothing tells them apart.
        assert response.json() == client.get("/api/runs/999999").json()
        assert response.json()["error"] == "Data tidak ditemukan."
    page = client.get(f"/runs/{bad}")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "Data tidak ditemukan." in page.text


@pytest.mark.parametrize(
    "query",
    [
        f"/api/compare?a={2**63}&b=1",
        f"/api/compare?a=1&b={2**64}",
        "/api/compare?a=0&b=1",
        f"/api/runs?version_id={2**31}",
        "/api/audit?page=0",
        "/api/audit?page=99999999999999999999",
    ],
)
def test_a_query_integer_out_of_range_is_refused_with_a_sentence(
    client: TestClient, query: str
) -> None:
    log_in(client, USERNAMES["planner"])
    response = client.get(query)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "Permintaan tidak lengkap atau isinya salah."
    assert body["error_en"] == "The request is incomplete or has wrong values."
    problem = body["problems"][0]
    assert problem["where"].startswith("query.")
    assert problem["message"].startswith(("Paling", "Harus"))
    assert problem["message_en"].startswith("Must")


def test_a_query_integer_out_of_range_on_a_page_shows_the_error_page(client: TestClient) -> None:
    log_in(client, USERNAMES["planner"])
    response = client.get(f"/compare?a={2**64}&b=1")
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]
    assert "Permintaan tidak lengkap atau isinya salah." in response.text
    assert "Paling besar 2147483647." in response.text
    client.cookies.set("pionir_lang", "en")
    english = client.get(f"/compare?a={2**64}&b=1")
    assert "The request is incomplete or has wrong values." in english.text
    assert "Must be at most 2147483647." in english.text


def test_scenario_id_that_is_not_a_number_is_refused_and_nothing_is_stored(
    client: TestClient, world: World, demo_workbook: bytes
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    before = _scenario_count(world)
    upload = {"file": ("rencana.xlsx", demo_workbook)}
    page = client.post(
        "/scenarios/import",
        files=upload,
        data={"name": "Rencana", "scenario_id": "abc", "csrf_token": csrf},
    )
    assert page.status_code == 422
    assert "scenario_id" in page.text
    assert "Harus bilangan bulat." in page.text
    api = client.post(
        "/api/scenarios",
        files=upload,
        data={"name": "Rencana", "scenario_id": "abc"},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 422
    assert api.json()["problems"][0]["where"] == "body.scenario_id"
    assert _scenario_count(world) == before


def test_nul_in_a_search_is_refused_and_plain_text_still_searches(
    client: TestClient, world: World
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    headers = {"X-CSRF-Token": csrf}
    path = f"/api/versions/{world.version_id}/screening/search"
    assert client.post(path, json={"q": "Budi\tSantoso"}, headers=headers).status_code == 200
    refused = client.post(path, json={"q": "Budi\x00"}, headers=headers)
    assert refused.status_code == 422
    body = refused.json()
    assert "karakter kendali" in body["error"]
    assert "control character" in body["error_en"]
    assert [i["column"] for i in body["issues"]] == ["body.q"]
    page = client.post(
        f"/versions/{world.version_id}/screening", data={"q": "\x00", "csrf_token": csrf}
    )
    assert page.status_code == 422
    assert "text/html" in page.headers["content-type"]
    assert "karakter kendali" in page.text
    # A control character in any query parameter is refused too, known or not.
    assert client.get(f"/api/versions/{world.version_id}/screening?x=%00").status_code == 422


def test_nul_in_a_form_name_is_refused_before_anything_is_stored(
    client: TestClient, world: World, demo_workbook: bytes
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    before = _scenario_count(world)
    response = client.post(
        "/api/scenarios",
        files={"file": ("rencana.xlsx", demo_workbook)},
        data={"name": "Rencana\x002024"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422, response.text
    assert response.json()["issues"][0]["column"] == "name"
    assert _scenario_count(world) == before


def test_nul_in_a_json_body_is_refused_before_anything_is_stored(
    client: TestClient, world: World
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    response = client.post(
        "/api/users",
        json={"username": "baru", "password": PASSWORD, "role": "auditor", "full_name": "A\x00B"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422, response.text
    assert response.json()["issues"][0]["column"] == "body.full_name"
    with world.session() as db:
        assert db.scalar(select(User).where(User.username == "baru")) is None


def test_a_csrf_token_with_odd_characters_is_refused_not_a_crash(client: TestClient) -> None:
    log_in(client, USERNAMES["planner"])
    # A header is latin-1 on the wire; "é" reaches the app as non-ASCII text.
    response = client.post("/api/runs/1/cancel", headers={"X-CSRF-Token": "é".encode("latin-1")})
    assert response.status_code == 403
    assert response.json()["error_en"].startswith("The form has expired")


def _locked_app(url: str, tmp_path: Path) -> TestClient:
    engine = make_engine(url, lock_wait=0.2)
    settings = Settings(database_url=url, data_dir=tmp_path)
    return TestClient(create_app(settings, engine, migrate=False))


def test_a_locked_sqlite_database_answers_503_with_a_retry_hint(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    if world.backend != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL has its own test below")
    database = world.url.removeprefix("sqlite:///")
    holder = sqlite3.connect(database, isolation_level=None)
    with _locked_app(world.url, tmp_path) as client:
        form_token = login_form_token(client)
        try:
            # In WAL mode readers go on; the log-in's write of a session must wait.
            holder.execute("BEGIN EXCLUSIVE")
            with caplog.at_level(logging.WARNING, logger="pionir.web"):
                api = client.post(
                    "/api/login", json={"username": USERNAMES["planner"], "password": PASSWORD}
                )
                page = client.post(
                    "/login",
                    data={
                        "username": USERNAMES["planner"],
                        "password": PASSWORD,
                        "csrf_token": form_token,
                    },
                )
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert api.status_code == 503
        assert api.headers["Retry-After"] == "5"
        assert api.json() == {
            "error": "Server sedang sibuk; coba lagi sebentar lagi.",
            "error_en": "The server is busy; try again in a moment.",
        }
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "5"
        assert "text/html" in page.headers["content-type"]
        assert "Server sedang sibuk" in page.text
        # Once the lock is gone the same request goes through.
        again = client.post(
            "/api/login", json={"username": USERNAMES["planner"], "password": PASSWORD}
        )
        assert again.status_code == 200
    logged = caplog.text
    assert "OperationalError" in logged and "POST /api/login" in logged
    assert USERNAMES["planner"] not in logged and "INSERT" not in logged


def test_an_unreachable_postgresql_answers_503(tmp_path: Path) -> None:
    # Port 1 on the loopback refuses connections at once.
    with _locked_app("postgresql://postgres@127.0.0.1:1/pionir", tmp_path) as client:
        api = client.post("/api/login", json={"username": "siapa", "password": PASSWORD})
        assert api.status_code == 503
        assert api.headers["Retry-After"] == "5"
        assert api.json()["error_en"] == "The server is busy; try again in a moment."


def test_sql_errors_carry_no_parameters(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection, pytest.raises(OperationalError) as raised:
        connection.execute(text("SELECT nip FROM no_such_table WHERE nip = :nip"), {"nip": NIP})
    assert NIP not in str(raised.value)
    assert "hidden" in str(raised.value)
    engine.dispose()


def _add_crashing_routes(client: TestClient) -> None:
    app = client.app

    def crash(nip: str) -> None:
        raise RuntimeError(f"cannot place {nip}")

    app.get("/api/boom/{nip}")(crash)  # type: ignore[attr-defined]
    app.get("/boom/{nip}")(crash)  # type: ignore[attr-defined]


def test_a_crash_answers_a_plain_500_with_an_incident_and_logs_no_path(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    _add_crashing_routes(client)
    with caplog.at_level(logging.ERROR, logger="pionir.web"):
        api = client.get(f"/api/boom/{NIP}?q=Budi")
        page = client.get(f"/boom/{NIP}")
    assert api.status_code == 500
    body = api.json()
    assert body["error"].startswith("Terjadi kesalahan di server")
    assert body["error_en"].startswith("Something went wrong on the server")
    assert body["incident"] in body["error"] and body["incident"] in body["error_en"]
    assert "Traceback" not in api.text and NIP not in api.text
    assert page.status_code == 500
    assert "text/html" in page.headers["content-type"]
    assert "Terjadi kesalahan di server" in page.text
    assert "Traceback" not in page.text and NIP not in page.text
    records = [r for r in caplog.records if r.name == "pionir.web"]
    assert len(records) == 2
    first = records[0].getMessage()
    assert body["incident"] in first
    assert "RuntimeError in GET /api/boom/{nip}" in first
    assert records[0].exc_info is None
    for record in records:
        assert NIP not in record.getMessage() and "Budi" not in record.getMessage()


def test_a_path_no_route_matches_answers_in_both_languages(client: TestClient) -> None:
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404
    assert api.json()["error"] == "Data tidak ditemukan."
    assert api.json()["error_en"] == "Not found."
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "Data tidak ditemukan." in page.text
    wrong_method = client.delete("/api/me")
    assert wrong_method.status_code == 405
    assert "Allow" in wrong_method.headers
    assert wrong_method.json()["error_en"] == "This address does not take that kind of request."
