"""Uploads read in a child process: its memory and time limits refuse with a sentence and
store nothing, and while it reads, the server answers others at once and stops on SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from pionir.config import Settings
from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.db.tables import ScenarioVersion
from pionir.scenario.demo import generate_demo
from pionir.scenario.xlsx_io import write_scenario_workbook
from pionir.services import upload_reader
from pionir.services.accounts import create_user
from pionir.services.actor import Role
from pionir.web.app import create_app
from tests.web.conftest import PASSWORD, USERNAMES, World, log_in
from tests.web.test_worker_lifecycle import (
    alive,
    descendants,
    free_port,
    serving,
    wait_until,
)

# Between what the small demo needs to be read (under 5 MB above the reader's start) and
# what the scale-0.2 demo needs (over 10 MB).
SMALL_MEMORY_MB = 8


def workbook(scale: float, folder: Path) -> bytes:
    path = folder / f"demo-{scale}.xlsx"
    write_scenario_workbook(generate_demo(scale=scale, seed=3), path)
    return path.read_bytes()


@contextlib.contextmanager
def client_with(
    world: World, tmp_path: Path, *, memory_mb: int = 1536, seconds: float = 300.0
) -> Iterator[TestClient]:
    settings = Settings(
        database_url=world.url,
        data_dir=tmp_path,
        upload_memory_mb=memory_mb,
        upload_seconds=seconds,
    )
    with TestClient(create_app(settings, world.engine)) as client:
        yield client


def versions(world: World) -> int:
    with world.session() as db:
        return int(db.scalar(select(func.count()).select_from(ScenarioVersion)) or 0)


def upload(client: TestClient, csrf: str, name: str, data: bytes) -> httpx.Response:
    return client.post(
        "/api/scenarios",
        files={"file": (name, data)},
        data={"name": "batas"},
        headers={"X-CSRF-Token": csrf},
    )


def test_a_workbook_past_the_readers_memory_limit_is_refused_and_nothing_stored(
    world: World, tmp_path: Path
) -> None:
    medium = workbook(0.2, tmp_path)
    with client_with(world, tmp_path, memory_mb=SMALL_MEMORY_MB) as client:
        csrf = log_in(client, USERNAMES["planner"])
        before = versions(world)
        started = time.monotonic()
        refused = upload(client, csrf, "rencana-besar.xlsx", medium)
        assert time.monotonic() - started < 30
        assert refused.status_code == 422, refused.text
        [issue] = refused.json()["issues"]
        assert issue["file"] == "rencana-besar.xlsx"
        assert issue["message_en"] == (
            "Reading 'rencana-besar.xlsx' needs more than 8 MB of memory, this server's limit. "
            "Split the scenario into smaller files, or upload the zip of its CSV files instead "
            "(far lighter to read). Nothing was saved."
        )
        assert issue["message"].startswith(
            "Membaca 'rencana-besar.xlsx' memerlukan lebih dari 8 MB memori"
        )
        assert versions(world) == before
        # The same limit reads a small scenario: the limit is on the file, not on every file.
        small = upload(client, csrf, "rencana-kecil.xlsx", workbook(0.03, tmp_path))
        assert small.status_code == 201, small.text
        assert small.json()["counts"]["employees"] > 0
        assert versions(world) == before + 1


def test_a_workbook_past_the_readers_time_limit_is_refused_and_nothing_stored(
    world: World, tmp_path: Path
) -> None:
    data = workbook(0.03, tmp_path)
    with client_with(world, tmp_path, seconds=0.05) as client:
        csrf = log_in(client, USERNAMES["planner"])
        before = versions(world)
        started = time.monotonic()
        refused = upload(client, csrf, "rencana.xlsx", data)
        # Killed at the limit: the child alone takes longer than this to start.
        assert time.monotonic() - started < 5
        assert refused.status_code == 422, refused.text
        [issue] = refused.json()["issues"]
        assert issue["message_en"].startswith(
            "Reading 'rencana.xlsx' did not finish within 0.05 seconds, this server's limit. "
            "Split the scenario"
        )
        assert issue["message"].startswith("Membaca 'rencana.xlsx' tidak selesai dalam 0.05 detik")
        assert versions(world) == before


# --- a real server ------------------------------------------------------------------------


def reader_children(server: int) -> set[int]:
    def is_reader(pid: int) -> bool:
        try:
            return b"upload_reader" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False

    return {pid for pid in descendants(server) if is_reader(pid)}


@pytest.mark.slow
def test_while_a_big_workbook_is_read_others_are_served_and_sigterm_stops_it_all(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'pionir.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine)() as db:
        create_user(
            db,
            None,
            username=USERNAMES["planner"],
            full_name="Perencana",
            password=PASSWORD,
            role=Role.PLANNER,
            is_admin=True,
        )
        db.commit()
    big = workbook(2.5, tmp_path)  # some 5 MB, 42,000 employees: half a minute to read
    port = free_port()
    env = os.environ | {"PIONIR_DATABASE_URL": url, "PIONIR_DATA_DIR": str(tmp_path)}
    command = ["serve", "--port", str(port), "--processes", "1", "--no-worker"]
    serve = subprocess.Popen(
        [sys.executable, "-m", "pionir", *command],
        env=env,
        process_group=0,
    )
    try:
        wait_until(lambda: serving(port), 60, "serve answers on its port")
        base = f"http://127.0.0.1:{port}"
        login = httpx.post(
            f"{base}/api/login",
            json={"username": USERNAMES["planner"], "password": PASSWORD},
            timeout=30,
        )
        login.raise_for_status()
        answers: list[httpx.Response | Exception] = []

        def send() -> None:
            try:
                answers.append(
                    httpx.post(
                        f"{base}/api/scenarios",
                        files={"file": ("besar.xlsx", big)},
                        cookies=login.cookies,
                        headers={"X-CSRF-Token": login.json()["csrf_token"]},
                        timeout=120,
                    )
                )
            except httpx.HTTPError as error:
                answers.append(error)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        wait_until(lambda: reader_children(serve.pid), 30, "a reader child started")
        readers = reader_children(serve.pid)
        latencies = []
        with httpx.Client(base_url=base, timeout=30) as other:
            for _ in range(20):
                started = time.monotonic()
                assert other.get("/login").status_code == 200
                latencies.append(time.monotonic() - started)
                time.sleep(0.1)
        assert alive(readers), "the workbook was still being read while others were served"
        assert max(latencies) < 0.5, latencies
        serve.send_signal(signal.SIGTERM)
        # uvicorn waits 10 s for the upload, then gives up on it; its reader goes too.
        assert serve.wait(30) == 0
        wait_until(lambda: not alive(readers), 5, f"the reader children {readers} ended")
        sender.join(10)
        assert answers, "the upload got an answer or its connection closed"
        assert not isinstance(answers[0], httpx.Response) or answers[0].status_code != 201
        with session_factory(engine)() as db:
            assert db.scalar(select(func.count()).select_from(ScenarioVersion)) == 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(serve.pid, signal.SIGKILL)
        serve.wait()
        engine.dispose()


def test_an_upload_with_every_reader_taken_is_told_to_come_back(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload_reader, "TURN_WAIT_SECONDS", 0.2)
    with client_with(world, tmp_path) as client:
        csrf = log_in(client, USERNAMES["planner"])
        before = versions(world)
        # Other uploads hold every reader: this one waits its turn, then is refused.
        taken = [upload_reader._TURNS.acquire(timeout=1) for _ in range(upload_reader.MAX_READERS)]
        try:
            assert all(taken)
            busy = upload(client, csrf, "antre.xlsx", workbook(0.03, tmp_path))
        finally:
            for _ in taken:
                upload_reader._TURNS.release()
        assert busy.status_code == 503, busy.text
        assert busy.json()["error_en"] == (
            "The server is reading other uploads; send this file again in a moment."
        )
        assert versions(world) == before
        # With a reader free again the same file goes in.
        again = upload(client, csrf, "antre.xlsx", workbook(0.03, tmp_path))
        assert again.status_code == 201, again.text
