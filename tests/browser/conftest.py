"""Fixtures for the browser tests: `pionir serve` on a throw-away SQLite database, and
Debian's Chromium driven by Playwright.

The server is the real command in its own process, with the worker it starts beside it,
so these tests cross every layer a person's browser does: HTML, htmx polling, cookies,
CSRF fields, the job queue and the planner process.

Chromium comes from Debian (`apt-get install -y chromium`); Playwright's own browser
download cannot work on these machines. Without /usr/bin/chromium the tests are skipped.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, sync_playwright

from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.scenario.model import Scenario
from pionir.scenario.xlsx_io import write_scenario_workbook
from pionir.services.accounts import actor_of, create_user
from pionir.services.actor import Role
from pionir.services.execute import plan_here
from pionir.services.runs import request_run
from pionir.services.scenarios import new_scenario
from tests.web.conftest import PASSWORD, small_demo

CHROMIUM = Path(os.environ.get("PIONIR_CHROMIUM", "/usr/bin/chromium"))
# The flags the machine notes give: without the networking ones Chromium keeps trying to
# reach Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
# `make screenshots` refreshes docs/screenshots/; an ordinary test run writes its pictures
# under out/ so that running the tests leaves the tracked files alone.
SCREENSHOTS = Path(
    os.environ.get(
        "PIONIR_SCREENSHOTS", Path(__file__).resolve().parents[2] / "out" / "screenshots"
    )
)
PLANNER = "perencana"
OPERATOR = "operator.a"
STARTUP_SECONDS = 60.0


def needs_chromium() -> None:
    """Fail, not skip: `make setup` installs Chromium, so its absence is a broken setup."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (apt-get install -y chromium)")


@dataclass(frozen=True)
class Site:
    """The running server and what the tests need to know about its data."""

    base_url: str
    workbook: Path
    scenario: Scenario
    agency_a: str  # the operator's agency
    agency_b: str  # another agency, closed to the operator
    nip_a: str
    nip_b: str
    seeded_version_id: int
    seeded_run_id: int  # a finished run made before the server started
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pionir_command() -> list[str]:
    """The venv's `pionir` script, as a person runs it; `python -m pionir` if it is absent."""
    script = Path(sys.executable).with_name("pionir")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pionir"]


def _seed(url: str, scenario: Scenario, agency_a: str) -> tuple[int, int]:
    """Accounts and one finished run, written before the server starts.

    The run lets the operator test and the comparison page stand on their own rather
    than on the planner journey having got that far.
    """
    engine = make_engine(url)
    upgrade(engine)
    try:
        with session_factory(engine)() as db:
            admin = create_user(
                db,
                None,
                username=PLANNER,
                full_name="Rina Perencana",
                password=PASSWORD,
                role=Role.PLANNER,
                is_admin=True,
            )
            planner = actor_of(admin)
            # The scenario first: an operator's K/L is checked against it.
            version = new_scenario(db, planner, scenario, name="Demo awal", source_name="demo")
            create_user(
                db,
                planner,
                username=OPERATOR,
                full_name="Budi Operator",
                password=PASSWORD,
                role=Role.AGENCY_OPERATOR,
                agency_id=agency_a,
            )
            run = request_run(db, planner, version.id, time_limit=5, seed=1)
            db.commit()
            version_id, run_id = version.id, run.id
        plan_here(engine, run_id, "browser-tests")
    finally:
        engine.dispose()
    return version_id, run_id


def wait_until_ready(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pionir serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"pionir serve did not answer within {STARTUP_SECONDS:.0f} s:\n{log.read_text()}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM lets `serve` stop its worker; anything left in its process group is killed."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    # The group is the one this fixture created (start_new_session): the server, its
    # worker and a planner child the worker may still have running.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    data_dir = tmp_path_factory.mktemp("pionir-site")
    url = f"sqlite:///{data_dir / 'pionir.sqlite3'}"
    scenario = small_demo()
    unit_agency = {u.unit_id: u.agency_id for u in scenario.units}
    position_unit = {p.position_id: p.unit_id for p in scenario.positions}
    agency_of = {e.nip: unit_agency[position_unit[e.position_id]] for e in scenario.employees}
    agency_a, agency_b = sorted(set(agency_of.values()))[:2]
    nip_a = next(n for n, a in agency_of.items() if a == agency_a)
    nip_b = next(n for n, a in agency_of.items() if a == agency_b)
    version_id, run_id = _seed(url, scenario, agency_a)
    workbook = data_dir / "demo-kecil.xlsx"
    write_scenario_workbook(scenario, workbook)

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = data_dir / "server.log"
    env = os.environ | {"PIONIR_DATA_DIR": str(data_dir), "PIONIR_DATABASE_URL": url}
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [*pionir_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_ready(process, base_url, log)
        yield Site(
            base_url=base_url,
            workbook=workbook,
            scenario=scenario,
            agency_a=agency_a,
            agency_b=agency_b,
            nip_a=nip_a,
            nip_b=nip_b,
            seeded_version_id=version_id,
            seeded_run_id=run_id,
            log=log,
        )
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    needs_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture()
def context(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies, Bahasa Indonesia) per test."""
    fresh = browser.new_context(
        base_url=site.base_url, viewport=VIEWPORT, accept_downloads=True, locale="id-ID"
    )
    fresh.set_default_timeout(15_000)
    try:
        yield fresh
    finally:
        fresh.close()


def log_in(page: Page, username: str, landing: str) -> None:
    """Log in through the form, asking to land on `landing`."""
    page.goto(f"/login?next={landing}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"**{landing}")


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG for docs/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
