"""Account controls: throttled and audited log-ins, deactivation, password change and reset,
the password check, normalised usernames, bound K/L and NIP, log-in CSRF, session rotation,
the idle timeout and the purge of expired sessions.

Each test gets its own SQLite database with one stored scenario (throttling must not leak
into the shared `world`, whose tests all log in from the same address).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from pionir.config import Settings
from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.db.tables import (
    AuditEvent,
    LoginFailure,
    LoginLockout,
    LoginSession,
    PasswordReset,
    User,
)
from pionir.scenario.model import Scenario
from pionir.services.accounts import actor_of, create_user
from pionir.services.actor import Role
from pionir.services.clock import now
from pionir.services.passwords import password_problems
from pionir.services.scenarios import new_scenario
from pionir.web.app import create_app
from tests.web.conftest import CSRF_IN_PAGE, PASSWORD, login_form_token, small_demo

ADMIN = "perencana"
OPERATOR = "operator.a"


@cache
def _scenario() -> Scenario:
    return small_demo()


@dataclass
class Site:
    engine: Engine
    settings: Settings
    agency: str
    nip: str

    def client(self, address: str = "192.0.2.10") -> TestClient:
        return TestClient(create_app(self.settings, self.engine), client=(address, 50000))

    def rows(self, table: type[Any]) -> list[Any]:
        with session_factory(self.engine)() as db:
            return list(db.scalars(select(table)).all())


def _engine(tmp_path: Path) -> tuple[Engine, Settings]:
    url = f"sqlite:///{tmp_path / 'accounts.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    return engine, Settings(database_url=url, data_dir=tmp_path)


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[Site]:
    engine, settings = _engine(tmp_path)
    scenario = _scenario()
    agency = scenario.units[0].agency_id
    nip = scenario.employees[0].nip
    with session_factory(engine)() as db:
        admin = create_user(
            db, None, username=ADMIN, full_name="P", password=PASSWORD, role=Role.PLANNER,
            is_admin=True,
        )  # fmt: skip
        new_scenario(db, actor_of(admin), scenario, name="Demo", source_name="demo")
        create_user(
            db, actor_of(admin), username=OPERATOR, full_name="O", password=PASSWORD,
            role=Role.AGENCY_OPERATOR, agency_id=agency,
        )  # fmt: skip
        db.commit()
    yield Site(engine, settings, agency, nip)
    engine.dispose()


def api_login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    response = client.post("/api/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def _fail(client: TestClient, username: str, times: int) -> list[int]:
    return [
        client.post(
            "/api/login", json={"username": username, "password": "salah-sekali-123"}
        ).status_code
        for _ in range(times)
    ]


# --- throttling ------------------------------------------------------------------------


def test_five_failures_lock_the_account_even_for_the_right_password(site: Site) -> None:
    client = site.client()
    assert _fail(client, OPERATOR, 5) == [401, 401, 401, 401, 429]
    refused = client.post("/api/login", json={"username": OPERATOR, "password": PASSWORD})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["error"].startswith("Terlalu banyak percobaan masuk yang gagal")
    assert "try again in 1 minute" in refused.json()["error_en"]
    assert "pionir_session" not in client.cookies
    # The lockout is the account's: another address cannot log in to it either...
    assert _fail(site.client("192.0.2.99"), OPERATOR, 1) == [429]
    # ...while another account from the same address can.
    api_login(client, ADMIN)


def test_every_failed_log_in_is_audited_with_the_address_and_no_password(site: Site) -> None:
    client = site.client("198.51.100.4")
    _fail(client, "  OPERATOR.A ", 2)
    # A C1 control passes the edge (which refuses C0 controls, NUL first, with a 422)
    # and is kept in the trail as "?".
    _fail(client, "tidak.ada\x85" + "x" * 200, 1)
    assert _fail(client, "tidak.ada\x00", 1) == [422]
    events = [e for e in site.rows(AuditEvent) if e.action == "session.login_failed"]
    assert [e.after["username"] for e in events if e.after] == [
        "operator.a",
        "operator.a",
        ("tidak.ada?" + "x" * 200)[:64],
    ]
    assert {e.after["address"] for e in events if e.after} == {"198.51.100.4"}
    assert [e.after["reason"] for e in events if e.after] == [
        "wrong_password",
        "wrong_password",
        "unknown_user",
    ]
    assert all("salah-sekali" not in str(e.after) for e in events)


@pytest.mark.slow  # twenty argon2 verifications: about 8 s
def test_twenty_failures_from_one_address_lock_the_address(site: Site) -> None:
    noisy = site.client("203.0.113.5")
    codes = [
        noisy.post("/api/login", json={"username": f"tebak{i}", "password": "x" * 12}).status_code
        for i in range(20)
    ]
    assert codes == [401] * 19 + [429]
    refused = noisy.post("/api/login", json={"username": ADMIN, "password": PASSWORD})
    assert refused.status_code == 429
    assert "network address" in refused.json()["error_en"]
    api_login(site.client("203.0.113.6"), ADMIN)


def test_each_lockout_lasts_twice_as_long_as_the_one_before(site: Site) -> None:
    client = site.client()
    _fail(client, OPERATOR, 5)
    # Time passes: the first lockout is over.
    with session_factory(site.engine)() as db:
        past = now() - timedelta(seconds=1)
        db.execute(update(LoginLockout).values(until=past, started_at=past - timedelta(minutes=1)))
        db.execute(update(LoginFailure).values(at=past - timedelta(minutes=1)))
        db.commit()
    assert _fail(client, OPERATOR, 5) == [401, 401, 401, 401, 429]
    refused = client.post("/api/login", json={"username": OPERATOR, "password": PASSWORD})
    assert 60 < int(refused.headers["retry-after"]) <= 120


def test_a_successful_log_in_clears_the_account_s_failures(site: Site) -> None:
    client = site.client()
    _fail(client, OPERATOR, 4)
    api_login(client, OPERATOR)
    assert _fail(client, OPERATOR, 4) == [401] * 4


def test_the_log_in_page_says_when_to_try_again(site: Site) -> None:
    client = site.client()
    _fail(client, OPERATOR, 5)
    client.cookies.set("pionir_lang", "en")
    page = client.post(
        "/login",
        data={"username": OPERATOR, "password": PASSWORD, "csrf_token": login_form_token(client)},
    )
    assert page.status_code == 429
    assert "Too many failed log-ins for this account. For safety, try again in 1 minute." in (
        page.text
    )
    assert int(page.headers["retry-after"]) >= 1


# --- log-in CSRF and sessions ----------------------------------------------------------


def test_form_log_in_needs_the_token_of_its_own_cookie(site: Site) -> None:
    client = site.client()
    bare = client.post("/login", data={"username": ADMIN, "password": PASSWORD})
    assert bare.status_code == 403
    assert "Formulir masuk kedaluwarsa atau tidak berasal dari Pionir" in bare.text
    # A token read from another browser's page does not match this browser's cookie.
    foreign = login_form_token(site.client())
    client.get("/login")
    forged = client.post(
        "/login", data={"username": ADMIN, "password": PASSWORD, "csrf_token": foreign}
    )
    assert forged.status_code == 403
    assert "pionir_session" not in client.cookies
    fine = client.post(
        "/login",
        data={"username": ADMIN, "password": PASSWORD, "csrf_token": login_form_token(client)},
        follow_redirects=False,
    )
    assert fine.status_code == 303 and "pionir_session" in client.cookies


def test_api_log_in_takes_json_only(site: Site) -> None:
    client = site.client()
    for headers, body in (
        ({"content-type": "application/x-www-form-urlencoded"}, "username=perencana"),
        ({"content-type": "text/plain"}, f'{{"username": "{ADMIN}", "password": "{PASSWORD}"}}'),
    ):
        response = client.post("/api/login", content=body, headers=headers)
        assert response.status_code == 415
        assert "application/json" in response.json()["error_en"]
    assert "pionir_session" not in client.cookies


def test_log_in_closes_the_session_the_browser_had(site: Site) -> None:
    client = site.client()
    api_login(client, ADMIN)
    first = client.cookies["pionir_session"]
    api_login(client, OPERATOR)
    assert client.cookies["pionir_session"] != first
    replay = site.client()
    replay.cookies.set("pionir_session", first)
    assert replay.get("/api/me").status_code == 401
    assert client.get("/api/me").json()["username"] == OPERATOR
    assert len(site.rows(LoginSession)) == 1


def test_an_idle_session_ends(site: Site) -> None:
    client = site.client()
    api_login(client, ADMIN)
    with session_factory(site.engine)() as db:
        db.execute(update(LoginSession).values(last_seen_at=now() - timedelta(minutes=2)))
        db.commit()
    assert client.get("/api/me").status_code == 200
    # The request was noted (it was more than a minute since the last one).
    [seen] = site.rows(LoginSession)
    assert now() - seen.last_seen_at.replace(tzinfo=now().tzinfo) < timedelta(seconds=30)
    with session_factory(site.engine)() as db:
        db.execute(update(LoginSession).values(last_seen_at=now() - timedelta(minutes=31)))
        db.commit()
    assert client.get("/api/me").status_code == 401
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_expired_and_idle_sessions_are_purged_at_log_in(site: Site) -> None:
    old, idle = site.client(), site.client()
    api_login(old, ADMIN)
    api_login(idle, OPERATOR)
    with session_factory(site.engine)() as db:
        expired = now() - timedelta(hours=1)
        db.execute(update(LoginSession).values(expires_at=expired, last_seen_at=expired))
        db.commit()
    assert len(site.rows(LoginSession)) == 2
    api_login(site.client(), ADMIN)
    assert len(site.rows(LoginSession)) == 1


# --- deactivation ----------------------------------------------------------------------


def test_deactivation_ends_sessions_and_log_ins_until_reactivated(site: Site) -> None:
    admin, operator = site.client(), site.client("192.0.2.20")
    csrf = api_login(admin, ADMIN)
    api_login(operator, OPERATOR)
    off = admin.post(f"/api/users/{OPERATOR}/deactivate", headers={"X-CSRF-Token": csrf})
    assert off.status_code == 200 and off.json()["active"] is False
    assert operator.get("/api/me").status_code == 401
    with session_factory(site.engine)() as db:
        user = db.scalar(select(User).where(User.username == OPERATOR))
        assert user is not None and not user.active
        assert db.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all() == []
    refused = operator.post("/api/login", json={"username": OPERATOR, "password": PASSWORD})
    assert refused.status_code == 403
    assert "deactivated" in refused.json()["error_en"]
    on = admin.post(f"/api/users/{OPERATOR}/reactivate", headers={"X-CSRF-Token": csrf})
    assert on.json()["active"] is True
    api_login(operator, OPERATOR)
    actions = [e.action for e in site.rows(AuditEvent)]
    assert "user.deactivate" in actions and "user.reactivate" in actions


def test_an_administrator_cannot_deactivate_themself(site: Site) -> None:
    admin = site.client()
    csrf = api_login(admin, ADMIN)
    refused = admin.post(f"/api/users/{ADMIN}/deactivate", headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 409
    assert "own account" in refused.json()["error_en"]
    assert admin.get("/api/me").status_code == 200


def test_the_accounts_page_deactivates_with_a_button(site: Site) -> None:
    admin = site.client()
    api_login(admin, ADMIN)
    page = admin.get("/admin/users")
    token = CSRF_IN_PAGE.search(page.text)
    assert token is not None
    assert f'action="/admin/users/{OPERATOR}/deactivate"' in page.text
    assert f'action="/admin/users/{ADMIN}/deactivate"' not in page.text
    admin.post(f"/admin/users/{OPERATOR}/deactivate", data={"csrf_token": token.group(1)})
    assert f'action="/admin/users/{OPERATOR}/reactivate"' in admin.get("/admin/users").text


# --- password change and reset ---------------------------------------------------------

NEW_PASSWORD = "gunung-merapi-pagi-hari"


def test_changing_the_password_ends_the_other_sessions(site: Site) -> None:
    here, elsewhere = site.client(), site.client("192.0.2.30")
    csrf = api_login(here, OPERATOR)
    api_login(elsewhere, OPERATOR)
    wrong = here.post(
        "/api/me/password",
        json={"current_password": "bukan-ini-1234", "new_password": NEW_PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert wrong.status_code == 422
    assert wrong.json()["issues"][0]["column"] == "current_password"
    weak = here.post(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": "operator.a-2024"},
        headers={"X-CSRF-Token": csrf},
    )
    assert weak.status_code == 422
    assert "contain the username" in weak.json()["issues"][0]["message_en"]
    done = here.post(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert done.status_code == 200, done.text
    assert here.get("/api/me").status_code == 200
    assert elsewhere.get("/api/me").status_code == 401
    assert _fail(site.client("192.0.2.31"), OPERATOR, 1) == [401]
    api_login(site.client("192.0.2.32"), OPERATOR, NEW_PASSWORD)
    events = [(e.action, (e.after or {}).get("reason")) for e in site.rows(AuditEvent)]
    assert ("user.password_change", None) in events
    assert ("session.login_failed", "password_change_wrong") in events


def test_the_password_page_is_in_the_menu_and_changes_the_password(site: Site) -> None:
    client = site.client()
    api_login(client, OPERATOR)
    page = client.get("/account/password")
    assert 'href="/account/password"' in page.text
    token = CSRF_IN_PAGE.search(page.text)
    assert token is not None
    done = client.post(
        "/account/password",
        data={
            "csrf_token": token.group(1),
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert done.status_code == 200 and "Kata sandi diganti." in done.text
    api_login(site.client("192.0.2.40"), OPERATOR, NEW_PASSWORD)


def _reset_code(site: Site, username: str) -> str:
    admin = site.client("192.0.2.50")
    csrf = api_login(admin, ADMIN)
    made = admin.post(f"/api/users/{username}/password-reset", headers={"X-CSRF-Token": csrf})
    assert made.status_code == 200, made.text
    assert made.headers["cache-control"] == "no-store"
    return str(made.json()["code"])


def test_a_reset_code_works_once_and_the_administrator_never_sees_the_password(
    site: Site,
) -> None:
    user = site.client("192.0.2.60")
    api_login(user, OPERATOR)
    code = _reset_code(site, OPERATOR)
    with session_factory(site.engine)() as db:
        [stored] = db.scalars(select(PasswordReset)).all()
        assert code.replace("-", "") not in stored.code_hash
    body = {"code": code.lower(), "new_password": NEW_PASSWORD}
    assert site.client().post("/api/password-reset", json=body).status_code == 200
    assert user.get("/api/me").status_code == 401  # every session of the account ended
    again = site.client().post("/api/password-reset", json=body | {"new_password": "x" * 30})
    assert again.status_code == 400
    assert "already used" in again.json()["error_en"]
    api_login(site.client("192.0.2.61"), OPERATOR, NEW_PASSWORD)
    # What the administrator did and saw holds no password: only the request and its expiry.
    events = [e for e in site.rows(AuditEvent) if e.action.startswith("user.password_reset")]
    assert [e.action for e in events] == ["user.password_reset_requested", "user.password_reset"]
    assert all(NEW_PASSWORD not in str(e.after) for e in events)
    assert site.rows(PasswordReset) == []


def test_a_reset_code_expires_and_a_newer_one_replaces_it(site: Site) -> None:
    first = _reset_code(site, OPERATOR)
    second = _reset_code(site, OPERATOR)
    body = {"new_password": NEW_PASSWORD}
    assert site.client().post("/api/password-reset", json=body | {"code": first}).status_code == 400
    with session_factory(site.engine)() as db:
        db.execute(update(PasswordReset).values(expires_at=now() - timedelta(seconds=1)))
        db.commit()
    assert (
        site.client().post("/api/password-reset", json=body | {"code": second}).status_code == 400
    )
    assert _fail(site.client("192.0.2.70"), OPERATOR, 1) == [401]


def test_a_reset_lifts_the_lockout_through_the_page(site: Site) -> None:
    _fail(site.client(), OPERATOR, 5)
    code = _reset_code(site, OPERATOR)
    user = site.client("192.0.2.80")
    page = user.get("/password/reset")
    token = CSRF_IN_PAGE.search(page.text)
    assert token is not None
    form = {"code": code, "new_password": "aaaaaaaaaaaa", "new_password_again": "aaaaaaaaaaaa"}
    weak = user.post("/password/reset", data=form | {"csrf_token": token.group(1)})
    assert weak.status_code == 422 and "pola pendek yang diulang" in weak.text
    form |= {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    assert user.post("/password/reset", data=form).status_code == 403  # no CSRF token
    done = user.post(
        "/password/reset", data=form | {"csrf_token": token.group(1)}, follow_redirects=False
    )
    assert done.headers["location"] == "/login?reset=1"
    api_login(user, OPERATOR, NEW_PASSWORD)


# --- new accounts ----------------------------------------------------------------------


def _create(site: Site, **fields: str) -> dict[str, Any]:
    admin = site.client("192.0.2.90")
    csrf = api_login(admin, ADMIN)
    body = {"username": "baru", "password": NEW_PASSWORD, "role": "auditor"} | fields
    response = admin.post("/api/users", json=body, headers={"X-CSRF-Token": csrf})
    return {"status": response.status_code} | response.json()


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "short pattern repeated"),
        ("abcabcabca", "short pattern repeated"),
        ("1234567890", "sequence"),
        ("qwertyuiop", "sequence"),
        ("password123", "most commonly used"),
        ("rahasia123", "most commonly used"),
        ("Indonesia1", "most commonly used"),
        ("P@ssw0rd2024!", "most commonly used"),
        ("baru-sekali-2024", "contain the username"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(site: Site, password: str, reason: str) -> None:
    refused = _create(site, password=password)
    assert refused["status"] == 422
    assert reason in " ".join(i["message_en"] for i in refused["issues"])
    assert all(i["message"] for i in refused["issues"])


def test_good_passwords_pass_the_check() -> None:
    for password in (NEW_PASSWORD, "kopi tubruk di teras", "Xk3!vR9#pq", PASSWORD):
        assert password_problems(password, username="pegawai") == []
    assert password_problems("199001012015011001x", nip="199001012015011001")


def test_lookalike_and_colliding_usernames_are_refused(site: Site) -> None:
    cyrillic = _create(site, username="\u0430dmin")
    assert cyrillic["status"] == 422
    assert "CYRILLIC SMALL LETTER A" in cyrillic["issues"][0]["message_en"]
    assert "Sirilik" in cyrillic["issues"][0]["message"]
    fullwidth = _create(site, username="\uff30\uff25\uff32\uff25\uff2e\uff23\uff21\uff2e\uff21")
    assert fullwidth["status"] == 409  # NFKC makes it "perencana", which exists
    made = _create(site, username="Auditor.Dua")
    assert made["status"] == 201 and made["username"] == "auditor.dua"


def test_agency_and_nip_must_be_in_the_stored_data(site: Site) -> None:
    agency = _create(site, role="agency_operator", agency_id="KL-TIDAK-ADA")
    assert agency["status"] == 422 and "KL-TIDAK-ADA" in agency["issues"][0]["message"]
    nip = _create(site, role="employee", nip="199001012015011999")
    assert nip["status"] == 422 and "in no stored scenario" in nip["issues"][0]["message_en"]
    malformed = _create(site, role="employee", nip="12345")
    assert "18 digits" in malformed["issues"][0]["message_en"]
    assert _create(site, role="employee", nip=site.nip)["status"] == 201
    twice = _create(site, username="baru.dua", role="employee", nip=site.nip)
    assert "already has an account" in twice["issues"][0]["message_en"]
    assert (
        _create(site, username="op", role="agency_operator", agency_id=site.agency)["status"] == 201
    )


def test_without_a_stored_scenario_bound_accounts_wait_for_the_import(tmp_path: Path) -> None:
    engine, settings = _engine(tmp_path)
    with session_factory(engine)() as db:
        admin = create_user(
            db, None, username=ADMIN, full_name="P", password=PASSWORD, role=Role.PLANNER,
            is_admin=True,
        )  # fmt: skip
        db.commit()
        actor = actor_of(admin)
    client = TestClient(create_app(settings, engine))
    csrf = api_login(client, ADMIN)
    refused = client.post(
        "/api/users",
        json={"username": "op", "password": NEW_PASSWORD, "role": "agency_operator",
              "agency_id": "KL-01"},
        headers={"X-CSRF-Token": csrf},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "Import the scenario first" in refused.json()["issues"][0]["message_en"]
    assert actor.username == ADMIN
    engine.dispose()
