"""Log-in, log-out, sessions, CSRF and the first administrator."""

from __future__ import annotations

import subprocess
import sys

from fastapi.testclient import TestClient
from sqlalchemy import select

from pionir.db.tables import AuditEvent, LoginSession, User
from pionir.services.accounts import authenticate
from tests.web.conftest import CSRF_IN_PAGE, PASSWORD, World, login_form_token


def test_pages_send_anonymous_visitors_to_the_login_page(client: TestClient) -> None:
    response = client.get("/scenarios", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/scenarios"


def test_api_answers_401_without_a_session(client: TestClient) -> None:
    response = client.get("/api/scenarios")
    assert response.status_code == 401
    assert response.json()["error_en"] == "Please log in first."


def test_wrong_password_is_refused_and_opens_no_session(client: TestClient, world: World) -> None:
    with world.session() as db:
        before = len(db.scalars(select(LoginSession)).all())
    response = client.post(
        "/login",
        data={
            "username": "perencana",
            "password": "salah-sekali-123",
            "csrf_token": login_form_token(client),
        },
    )
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in response.text
    assert "pionir_session" not in client.cookies
    with world.session() as db:
        assert len(db.scalars(select(LoginSession)).all()) == before


def test_login_form_then_logout_ends_the_session(client: TestClient) -> None:
    response = client.post(
        "/login",
        data={
            "username": "Perencana",
            "password": PASSWORD,
            "next": "/scenarios",
            "csrf_token": login_form_token(client),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/scenarios"
    page = client.get("/scenarios")
    assert page.status_code == 200
    token = CSRF_IN_PAGE.search(page.text)
    assert token is not None
    stolen_cookie = client.cookies["pionir_session"]
    out = client.post("/logout", data={"csrf_token": token.group(1)}, follow_redirects=False)
    assert out.status_code == 303
    # The old cookie, replayed, opens nothing: the session is gone on the server.
    client.cookies.set("pionir_session", stolen_cookie)
    assert client.get("/api/me").status_code == 401


def test_login_redirect_stays_on_this_site(client: TestClient) -> None:
    response = client.post(
        "/login",
        data={
            "username": "perencana",
            "password": PASSWORD,
            "next": "https://evil.example/",
            "csrf_token": login_form_token(client),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_post_without_csrf_token_is_refused(client: TestClient, world: World) -> None:
    client.post("/api/login", json={"username": "perencana", "password": PASSWORD})
    response = client.post(f"/api/versions/{world.version_id}/runs", json={"time_limit": 5})
    assert response.status_code == 403
    assert "expired or is not genuine" in response.json()["error_en"]
    forged = client.post(
        f"/api/versions/{world.version_id}/runs",
        json={"time_limit": 5},
        headers={"X-CSRF-Token": "forged"},
    )
    assert forged.status_code == 403


def test_passwords_are_stored_as_argon2_hashes(world: World) -> None:
    with world.session() as db:
        user = db.scalar(select(User).where(User.username == "perencana"))
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert authenticate(db, "perencana", PASSWORD) is not None
        assert authenticate(db, "perencana", PASSWORD + "x") is None
        assert authenticate(db, "tidak-ada", PASSWORD) is None


def test_login_is_audited(client: TestClient, world: World) -> None:
    client.post("/api/login", json={"username": "auditor", "password": PASSWORD})
    with world.session() as db:
        events = db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "session.login", AuditEvent.username == "auditor"
            )
        ).all()
    assert events


def test_create_admin_makes_a_planner_with_the_given_password(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    env = {"PIONIR_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = [
        sys.executable,
        "-m",
        "pionir",
        "create-admin",
        "--username",
        "Admin",
        "--full-name",
        "Admin Satu",
        "--password-stdin",
    ]
    made = subprocess.run(
        command, input="rahasia-sekali-99\n", capture_output=True, text=True, env=env, check=False
    )
    assert made.returncode == 0, made.stderr
    short = subprocess.run(
        command, input="pendek\n", capture_output=True, text=True, env=env, check=False
    )
    assert short.returncode == 2
    assert "paling sedikit 10 karakter" in short.stderr
    from pionir.db.engine import make_engine, session_factory

    engine = make_engine(f"sqlite:///{tmp_path / 'pionir.sqlite3'}")
    with session_factory(engine)() as db:
        users = db.scalars(select(User)).all()
        assert [(u.username, u.role, u.is_admin) for u in users] == [("admin", "planner", True)]
        assert authenticate(db, "admin", "rahasia-sekali-99") is not None
    engine.dispose()
