"""Request bodies bounded before anything reads them; bombs and long problem lists over HTTP.

The size limits are shown on a real uvicorn server over a raw socket: only
there can a test send a 300 MB header and see the 413 arrive while almost none
of the body has been sent.
"""

from __future__ import annotations

import io
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from pionir.config import Settings
from pionir.scenario.csv_io import write_scenario_folder
from pionir.web.app import create_app
from pionir.web.body_limit import ANONYMOUS_BODY_BYTES
from tests.scenario.helpers import read_rows, write_rows
from tests.web.conftest import PASSWORD, USERNAMES, World, log_in, small_demo
from tests.web.test_import import _stored

UPLOAD_LIMIT = 2 * 1024 * 1024


@dataclass(frozen=True)
class Server:
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture()
def server(world: World, tmp_path: Path) -> Iterator[Server]:
    settings = Settings(database_url=world.url, data_dir=tmp_path, max_upload_bytes=UPLOAD_LIMIT)
    app = create_app(settings, world.engine, migrate=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield Server(port)
    running.should_exit = True
    thread.join(10)


def _status_after(port: int, head: bytes, body: Iterator[bytes], timeout: float = 5) -> bytes:
    """Send the head and as much of the body as the server takes; the first bytes of its answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(head)
        connection.settimeout(0.05)
        started = time.monotonic()
        for part in body:
            try:
                answer = connection.recv(4096)
                if answer:
                    return answer + _rest(connection)
            except TimeoutError:
                pass
            try:
                connection.sendall(part)
            except (BrokenPipeError, ConnectionResetError):
                break
            assert time.monotonic() - started < timeout
        connection.settimeout(timeout)
        return connection.recv(4096) + _rest(connection)


def _rest(connection: socket.socket) -> bytes:
    """What else the server sends before it closes (the 413 says Connection: close)."""
    connection.settimeout(2)
    rest = b""
    try:
        while part := connection.recv(4096):
            rest += part
    except (TimeoutError, ConnectionResetError):
        pass
    return rest


def _head(path: str, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


PART_HEAD = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.zip"\r\n\r\n'


def _chunked(parts: int, size: int) -> Iterator[bytes]:
    """A multipart body in chunks: a file part's head, then zeros, as a real upload starts."""
    yield b"%x\r\n" % len(PART_HEAD) + PART_HEAD + b"\r\n"
    for _ in range(parts):
        yield b"%x\r\n" % size + b"0" * size + b"\r\n"
    yield b"0\r\n\r\n"


MULTIPART = "multipart/form-data; boundary=xyz"


def test_an_anonymous_300_mb_upload_is_refused_before_it_is_read(server: Server) -> None:
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(300 * 16):  # 300 MB, if the server took it all
            sent += 64 * 1024
            yield b"0" * (64 * 1024)

    head = _head("/api/scenarios", {"Content-Type": MULTIPART, "Content-Length": str(300 * 2**20)})
    started = time.monotonic()
    answer = _status_after(server.port, head, body())
    assert answer.startswith(b"HTTP/1.1 413")
    assert time.monotonic() - started < 3
    assert sent < 16 * 2**20  # the answer came while almost all of the body was unsent


def test_an_anonymous_chunked_body_is_cut_off_past_the_anonymous_limit(server: Server) -> None:
    head = _head("/api/scenarios", {"Content-Type": MULTIPART, "Transfer-Encoding": "chunked"})
    answer = _status_after(server.port, head, _chunked(1000, 16 * 1024))
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"Please log in first" in answer


def test_a_small_anonymous_post_still_reaches_the_log_in(server: Server) -> None:
    response = httpx.post(
        f"{server.url}/api/login",
        json={"username": USERNAMES["planner"], "password": "wrong" * 3},
    )
    assert response.status_code in (400, 401)
    assert len(response.request.content) < ANONYMOUS_BODY_BYTES


def _session(server: Server) -> tuple[str, str]:
    response = httpx.post(
        f"{server.url}/api/login", json={"username": USERNAMES["planner"], "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return response.cookies["pionir_session"], str(response.json()["csrf_token"])


def test_a_logged_in_upload_over_the_limit_is_refused_declared_or_chunked(
    server: Server, world: World
) -> None:
    cookie, csrf = _session(server)
    before = _stored(world)
    headers = {
        "Content-Type": MULTIPART,
        "Cookie": f"pionir_session={cookie}",
        "X-CSRF-Token": csrf,
    }
    declared = _head("/api/scenarios", headers | {"Content-Length": str(UPLOAD_LIMIT + 1)})
    answer = _status_after(server.port, declared, iter([b"0" * 1024] * 8))
    assert answer.startswith(b"HTTP/1.1 413") and b"2 MB" in answer
    chunked = _head("/api/scenarios", headers | {"Transfer-Encoding": "chunked"})
    # 3 MB in chunks: past the anonymous limit (the session counts) and past the upload limit.
    answer = _status_after(server.port, chunked, _chunked(48, 64 * 1024))
    assert answer.startswith(b"HTTP/1.1 413")
    assert _stored(world) == before


def _csv_zip(tmp_path: Path, duplicates: int = 0, bomb: bool = False) -> bytes:
    folder = tmp_path / "csv"
    write_scenario_folder(small_demo(), folder)
    if duplicates:
        rows = read_rows(folder / "agencies.csv")
        write_rows(folder / "agencies.csv", rows[:2] + [rows[1]] * duplicates)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if bomb and path.name == "employees.csv":
                with archive.open(path.name, "w") as out:
                    for _ in range(200):
                        out.write(bytes(2**20))
            else:
                archive.write(path, path.name)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_with_a_sentence_and_nothing_stored(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    before = _stored(world)
    started = time.monotonic()
    response = client.post(
        "/api/scenarios",
        files={"file": ("bom.zip", _csv_zip(tmp_path, bomb=True))},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422
    # About a second on an idle machine (the reader child's start included); the bound
    # leaves room for a loaded CI machine. Memory is bounded in tests/scenario/test_bounds.py.
    assert time.monotonic() - started < 20
    issue = response.json()["issues"][0]
    assert issue["file"] == "bom.zip" and "'employees.csv' takes it past" in issue["message_en"]
    assert _stored(world) == before


def test_a_long_problem_list_is_capped_with_counts_per_rule(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    data = _csv_zip(tmp_path, duplicates=20_000)
    response = client.post(
        "/api/scenarios", files={"file": ("dup.zip", data)}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 422
    answer = response.json()
    assert len(answer["issues"]) == 200
    assert answer["issues_total"] >= 20_000
    top = answer["more_issues"][0]
    assert (top["file"], top["column"]) == ("agencies.csv", "agency_id")
    assert top["count"] >= 19_000
    assert sum(m["count"] for m in answer["more_issues"]) == answer["issues_total"] - 200
    assert len(response.content) < 200_000
    page = client.post(
        "/scenarios/import",
        data={"csrf_token": csrf, "name": "dup"},
        files={"file": ("dup.zip", data)},
    )
    assert page.status_code == 422
    assert page.text.count("<tr><td>agencies.csv</td>") == 200
    assert f"dan {answer['issues_total'] - 200:,} masalah lain" in page.text
    assert f"×{top['count']:,}" in page.text
