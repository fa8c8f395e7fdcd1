"""Upload bombs against a live `pionir serve`: time, memory and other users' latency.

Run by hand (a few minutes; nothing here is a test):

    PYTHONPATH=src .venv/bin/python benchmarks/upload_bombs.py
    PYTHONPATH=src .venv/bin/python benchmarks/upload_bombs.py --only a c f
    PYTHONPATH=src .venv/bin/python benchmarks/upload_bombs.py --legit-scale 10

It makes a temporary folder with a SQLite database, creates an administrator with
`pionir create-admin --password-stdin`, and starts the real `pionir serve --processes 1
--no-worker` on a free loopback port, its temporary files (TMPDIR) in that folder. It
logs in over `POST /api/login` and sends each upload to `POST /api/scenarios` as a
logged-in planner would, except (f), which is sent over a raw socket with no session.

The uploads, built here in memory from the demo's own workbook and CSV archive (so that,
but for the bomb, each is a scenario the server would accept):

- (a) the scale-0.01 workbook with 1 GiB of spaces in one employee's name cell;
- (b) the same workbook with 100 MiB of empty rows (`<row/>`) after the employees;
- (c) the CSV archive with `employees.csv` replaced by 480 MiB of NUL bytes;
- (d) the CSV archive with `employees.csv`'s declared size cut to half of its real size
  (in its local header and the central directory);
- (e) the workbook with one employee row repeated a million times (renumbered), and (e2)
  as many times as the row limit and the part's unpacked-size limit allow, less 1 %
  (some 573,000), so the whole workbook is read and validated: the worst case the limits
  let through to openpyxl and the problem list;
- (f) an anonymous multipart POST declaring 300 MB, of which a few MB are sent; and (f2)
  the same with a valid session (over the 64 MB upload limit);
- (g) for comparison, a legitimate upload: the demo workbook at `--legit-scale` (1).

They run in the order g, a-f2, e2: the legitimate upload on a fresh server, and the
worst case last, because memory a large upload took stays with the server process
(CPython's allocator rarely hands it back), which raises every later "before" figure.

For each it reports the time to the answer; its status and the refusal's first sentence
(the first problem's, else the summary); the server's resident memory at its peak above
its figure just before the upload (VmRSS of the server and any descendants, sampled
every 20 ms; in brackets the web process alone, without the child that reads uploads); the peak of the server's TMPDIR, which is what a body spooled to disk would
fill; and the worst latency another logged-in user saw: a second client sends `GET
/api/me` every 100 ms during the upload. The idle latency of that probe is printed first,
because the machine is shared (2 cores, other work running) and only the ratio says much.
For (f) it also says how many bytes the socket took before the answer arrived (the kernel's
buffers hold a few MB of that, whatever the server does).

At the end it checks that only the legitimate upload was stored, stops the server with
SIGTERM and checks that it exited. Targets (issue 8): a refusal within seconds, under 300
MB above idle, other users unaffected.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import secrets
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from pionir.scenario.bounds import MAX_TABLE_ROWS, MAX_XLSX_PART
from pionir.scenario.demo import generate_demo
from pionir.scenario.xlsx_io import write_scenario_workbook
from pionir.services.archive import archive_of

MIB = 1024 * 1024
SESSION_COOKIE = "pionir_session"
ADMIN = "admin"
EMPLOYEES_SHEET = (
    "xl/worksheets/sheet4.xml"  # the fourth sheet, as write_scenario_workbook orders them
)
SAMPLE_SECONDS = 0.02
PROBE_SECONDS = 0.1
IDLE_PROBE_SECONDS = 5.0
ANONYMOUS_DECLARED = 300 * 1000 * 1000
# What (f) really sends: enough to see whether the server reads on, little enough not to
# flood the shared machine's loopback.
RAW_BODY_BUDGET = 8 * MIB
REQUEST_TIMEOUT = 900.0


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the uploads -------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    key: str
    title: str
    holds: str  # what it unpacks to, in words
    filename: str
    data: bytes


@dataclass(frozen=True)
class RawPost:
    """A POST sent over a raw socket: headers declaring more than is sent."""

    key: str
    title: str
    holds: str
    with_session: bool


def demo_workbook(scale: float, seed: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="bombs-") as tmp:
        path = Path(tmp) / "demo.xlsx"
        write_scenario_workbook(generate_demo(scale=scale, seed=seed), path)
        return path.read_bytes()


def rewritten(
    package: bytes, part: str, write_part: Callable[[bytes, Callable[[bytes], object]], None]
) -> bytes:
    """The package with `part` streamed anew by `write_part(original, write)`; the rest copied.

    The part is written through `ZipFile.open(name, "w")`, a chunk at a time, so a GiB of
    content never sits in memory unpacked.
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info, source.read(info))
                continue
            fresh = zipfile.ZipInfo(info.filename, info.date_time)
            fresh.compress_type = zipfile.ZIP_DEFLATED
            with target.open(fresh, "w", force_zip64=True) as stream:
                write_part(source.read(info), stream.write)
    return out.getvalue()


def repeated(write: Callable[[bytes], object], chunk: bytes, total: int) -> None:
    """Write `chunk` until `total` bytes are written (the last one cut to fit)."""
    left = total
    while left > 0:
        piece = chunk[:left]
        write(piece)
        left -= len(piece)


def whitespace_bomb(workbook: bytes) -> bytes:
    """(a) 1 GiB of spaces inside the first employee's name cell."""

    def write(sheet: bytes, out: Callable[[bytes], object]) -> None:
        # The name is the B column of row 2: `<c r="B2" t="inlineStr"><is><t>Name</t>`.
        match = re.search(rb'<c r="B2"[^>]*><is><t>([^<]*)</t>', sheet)
        assert match is not None, "the employees sheet changed shape"
        out(sheet[: match.start(1) - len(b"<t>")] + b'<t xml:space="preserve">')
        out(match.group(1))
        repeated(out, b" " * MIB, 1024 * MIB)
        out(sheet[match.end(1) :])

    return rewritten(workbook, EMPLOYEES_SHEET, write)


def empty_rows_bomb(workbook: bytes) -> bytes:
    """(b) 100 MiB of empty rows below the employees: 17 million `<row/>`."""

    def write(sheet: bytes, out: Callable[[bytes], object]) -> None:
        end = sheet.index(b"</sheetData>")
        out(sheet[:end])
        repeated(out, b"<row/>" * (MIB // 6), 100 * MIB)
        out(sheet[end:])

    return rewritten(workbook, EMPLOYEES_SHEET, write)


def _row_template(sheet: bytes) -> tuple[int, str, int]:
    """Where the employees' rows start, row 2 with `{n}` for its number, where they end."""
    start = sheet.index(b'<row r="2">')
    end = sheet.index(b"</row>", start) + len(b"</row>")
    template = re.sub(rb'(r="[A-Z]*)2"', rb'\g<1>{n}"', sheet[start:end]).decode()
    return start, template, sheet.index(b"</sheetData>")


def most_copies_within_limits(workbook: bytes) -> int:
    """The most copies of one employee row the package check lets through to openpyxl.

    Both the row limit and the part's unpacked-size limit bind: with the inline strings
    write_scenario_workbook writes, an employee row is some 850 bytes, so 480 MiB is
    reached near 590,000 rows. One per cent is left as margin.
    """
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        sheet = source.read(EMPLOYEES_SHEET)
    _start, template, _end = _row_template(sheet)
    row_bytes = len(template.format(n=999_999))
    by_size = (MAX_XLSX_PART - len(sheet)) // row_bytes
    return int(min(by_size, MAX_TABLE_ROWS - 1) * 0.99)


def duplicate_rows(workbook: bytes, copies: int) -> bytes:
    """(e) The first employee's row repeated `copies` times, renumbered as Excel would."""

    def write(sheet: bytes, out: Callable[[bytes], object]) -> None:
        start, template, tail = _row_template(sheet)
        out(sheet[:start])
        batch = 10_000
        for first in range(2, copies + 2, batch):
            last = min(first + batch, copies + 2)
            out("".join(template.format(n=n) for n in range(first, last)).encode())
        out(sheet[tail:])

    return rewritten(workbook, EMPLOYEES_SHEET, write)


def zeros_archive(archive: bytes) -> bytes:
    """(c) The CSV archive with `employees.csv` replaced by 480 MiB of NUL bytes."""

    def write(_csv: bytes, out: Callable[[bytes], object]) -> None:
        repeated(out, bytes(MIB), 480 * MIB)

    return rewritten(archive, "employees.csv", write)


_LOCAL_HEADER = b"PK\x03\x04"
_CENTRAL_HEADER = b"PK\x01\x02"


def understated_archive(archive: bytes) -> bytes:
    """(d) `employees.csv` declared half as large as it is, in both of its headers."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        info = source.getinfo("employees.csv")
        start_of_directory = source.start_dir
    declared = struct.pack("<L", info.file_size // 2)
    local = info.header_offset
    assert data[local : local + 4] == _LOCAL_HEADER
    data[local + 22 : local + 26] = declared  # uncompressed size in the local header
    name = info.filename.encode()
    at = start_of_directory
    while data[at : at + 4] == _CENTRAL_HEADER:
        name_length, extra_length, comment_length = struct.unpack_from("<3H", data, at + 28)
        if data[at + 46 : at + 46 + name_length] == name:
            data[at + 24 : at + 28] = declared  # uncompressed size in the central directory
            break
        at += 46 + name_length + extra_length + comment_length
    else:
        raise AssertionError("employees.csv not in the central directory")
    return bytes(data)


def unpacked_mib(data: bytes) -> str:
    """What the zip's members hold, by their headers (true here but for (d)), in MiB."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return f"{sum(i.file_size for i in archive.infolist()) / MIB:,.2f} MiB"


def build_uploads(only: set[str], legit_scale: float) -> list[Upload | RawPost]:
    log("building the uploads")
    small = generate_demo(scale=0.01, seed=1)
    with tempfile.TemporaryDirectory(prefix="bombs-") as tmp:
        path = Path(tmp) / "small.xlsx"
        write_scenario_workbook(small, path)
        workbook = path.read_bytes()
    archive = archive_of(small)

    def upload(key: str, title: str, what: str, filename: str, data: bytes) -> Upload:
        return Upload(key, title, f"{unpacked_mib(data)}: {what}", filename, data)

    most = most_copies_within_limits(workbook)
    builders: list[tuple[str, Callable[[], Upload | RawPost]]] = [
        (
            "g",
            lambda: upload(
                "g",
                f"legitimate demo (scale {legit_scale:g})",
                "the demo workbook",
                f"demo-scale-{legit_scale:g}.xlsx",
                demo_workbook(legit_scale, 2024),
            ),
        ),
        (
            "a",
            lambda: upload(
                "a",
                "whitespace in a cell",
                "1 GiB of spaces in one name",
                "spaces.xlsx",
                whitespace_bomb(workbook),
            ),
        ),
        (
            "b",
            lambda: upload(
                "b",
                "empty rows",
                "100 MiB of `<row/>` after the employees",
                "rows.xlsx",
                empty_rows_bomb(workbook),
            ),
        ),
        (
            "c",
            lambda: upload(
                "c",
                "zip of zeros",
                "employees.csv is 480 MiB of NUL",
                "zeros.zip",
                zeros_archive(archive),
            ),
        ),
        (
            "d",
            lambda: upload(
                "d",
                "size understated in a header",
                "as declared; employees.csv at half",
                "understated.zip",
                understated_archive(archive),
            ),
        ),
        (
            "e",
            lambda: upload(
                "e",
                "1,000,000 duplicate rows",
                "one employee row repeated",
                "duplicates.xlsx",
                duplicate_rows(workbook, 1_000_000),
            ),
        ),
        (
            "f",
            lambda: RawPost("f", "anonymous 300 MB POST", "(a multipart body)", False),
        ),
        (
            "f2",
            lambda: RawPost("f2", "logged-in 300 MB POST", "(a multipart body)", True),
        ),
        (
            "e2",
            lambda: upload(
                "e2",
                f"{most:,} duplicate rows",
                "just under the row and size limits",
                f"duplicates-{most}.xlsx",
                duplicate_rows(workbook, most),
            ),
        ),
    ]
    uploads: list[Upload | RawPost] = []
    for key, build in builders:
        if not only or key in only:
            started = time.perf_counter()
            item = build()
            size = f" ({len(item.data) / MIB:.2f} MiB)" if isinstance(item, Upload) else ""
            log(f"  ({key}) {item.title}{size} in {time.perf_counter() - started:.1f} s")
            uploads.append(item)
    return uploads


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    port: int
    folder: Path
    tmpdir: Path


def pionir(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "pionir", *arguments]


def start_server(folder: Path) -> tuple[Server, str]:
    tmpdir = folder / "server-tmp"
    tmpdir.mkdir()
    env = os.environ | {
        "PIONIR_DATA_DIR": str(folder),
        "PIONIR_DATABASE_URL": f"sqlite:///{folder / 'pionir.sqlite3'}",
        # The server's temporary files land here, where this script can measure them.
        "TMPDIR": str(tmpdir),
    }
    password = secrets.token_urlsafe(24)
    subprocess.run(
        pionir("create-admin", "--username", ADMIN, "--full-name", "Admin", "--password-stdin"),
        input=f"{password}\n".encode(),
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    with (folder / "server.log").open("wb") as out:
        # Its own session, so that anything it starts can be found and reaped.
        process = subprocess.Popen(
            pionir("serve", "--port", str(port), "--processes", "1", "--no-worker"),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, f"http://127.0.0.1:{port}", port, folder, tmpdir)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"pionir serve exited:\n{(folder / 'server.log').read_text()}")
        with suppress(httpx.TransportError):
            if httpx.get(f"{server.base_url}/login", timeout=2).status_code == 200:
                return server, password
        time.sleep(0.2)
    raise SystemExit("pionir serve did not answer within 60 s")


def stop_server(server: Server) -> int | None:
    """SIGTERM, then the exit status (None if it had to be killed after 30 s)."""
    if server.process.poll() is not None:
        return server.process.returncode
    server.process.send_signal(signal.SIGTERM)
    try:
        return server.process.wait(30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(10)
        return None
    finally:
        with suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)


@dataclass(frozen=True)
class Session:
    cookie: str
    csrf_token: str


def log_in(server: Server, password: str) -> Session:
    answer = httpx.post(
        f"{server.base_url}/api/login",
        json={"username": ADMIN, "password": password},
        timeout=30,
    )
    answer.raise_for_status()
    return Session(answer.cookies[SESSION_COOKIE], answer.json()["csrf_token"])


# --- measuring ---------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """The process and everything under it, from /proc/<pid>/task/*/children."""
    found = [pid]
    at = 0
    while at < len(found):
        with suppress(OSError):
            for task in Path(f"/proc/{found[at]}/task").iterdir():
                with suppress(OSError):
                    found += [int(c) for c in (task / "children").read_text().split()]
        at += 1
    return found


def group_members(group: int) -> list[int]:
    """The processes still in the server's process group (its session leader's pid)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat[stat.rindex(")") + 2 :].split()[2]) == group:
                    found.append(int(entry.name))
    return found


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def folder_bytes(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


@dataclass
class Sampler:
    """Samples the server's memory and its TMPDIR in a thread until stopped."""

    server: Server
    rss_peak: int = 0
    web_peak: int = 0  # the web process alone, without the child reading the upload
    tmp_peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Sampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        pids = descendants(self.server.process.pid)
        refreshed = time.monotonic()
        count = 0
        while not self._stop.is_set():
            if time.monotonic() - refreshed > 0.5:
                pids, refreshed = descendants(self.server.process.pid), time.monotonic()
            self.rss_peak = max(self.rss_peak, rss_bytes(pids))
            self.web_peak = max(self.web_peak, rss_bytes([self.server.process.pid]))
            count += 1
            if count % 5 == 0:  # the folder walk costs more: every 100 ms
                self.tmp_peak = max(self.tmp_peak, folder_bytes(self.server.tmpdir))
            self._stop.wait(SAMPLE_SECONDS)


@dataclass
class Probe:
    """Another user: `GET /api/me` every 100 ms, each latency with its start time."""

    server: Server
    session: Session
    samples: list[tuple[float, float]] = field(default_factory=list)  # (start, seconds)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        with httpx.Client(
            base_url=self.server.base_url,
            cookies={SESSION_COOKIE: self.session.cookie},
            timeout=REQUEST_TIMEOUT,
        ) as client:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    status = client.get("/api/me").status_code
                    if status != 200:
                        self.failures.append(str(status))
                except httpx.HTTPError as error:
                    self.failures.append(type(error).__name__)
                self.samples.append((started, time.monotonic() - started))
                self._stop.wait(max(0.0, PROBE_SECONDS - (time.monotonic() - started)))

    def between(self, start: float, end: float) -> list[float]:
        return [seconds for at, seconds in list(self.samples) if start <= at <= end]

    def overlapping(self, start: float, end: float) -> list[float]:
        return [s for at, s in list(self.samples) if at <= end and at + s >= start]


@dataclass(frozen=True)
class Result:
    key: str
    title: str
    holds: str
    upload_bytes: int
    status: str
    seconds: float
    idle_rss: int
    rss_above_idle: int
    web_above_idle: int
    tmp_peak: int
    worst_probe_ms: float
    median_probe_ms: float
    probes: int
    probe_failures: int
    message: str
    answer_bytes: int
    raw: RawCounts | None = None


def first_sentence(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except json.JSONDecodeError:
        return answer.text.splitlines()[0] if answer.text else ""
    if answer.status_code == 201:
        counts = body.get("counts") or {}
        return f"stored as version {body.get('id')} ({counts.get('employees', '?')} employees)"
    issues = body.get("issues") or []
    if issues:
        issue = issues[0]
        more = f" [{body.get('issues_total')} problems]" if body.get("issues_total", 1) > 1 else ""
        where = f"{issue['file']} row {issue['row']}: " if issue.get("row") else ""
        return f"{where}{issue['message_en']}{more}"
    return str(body.get("error_en") or body.get("detail") or body)


def send_upload(server: Server, session: Session, upload: Upload) -> tuple[str, str, int]:
    answer = httpx.post(
        f"{server.base_url}/api/scenarios",
        files={"file": (upload.filename, upload.data, "application/octet-stream")},
        data={"name": f"bomb {upload.key}"},
        cookies={SESSION_COOKIE: session.cookie},
        headers={"X-CSRF-Token": session.csrf_token},
        timeout=REQUEST_TIMEOUT,
    )
    return str(answer.status_code), first_sentence(answer), len(answer.content)


@dataclass(frozen=True)
class RawCounts:
    """Bytes of a raw POST the socket took: before the answer began, and in all."""

    before_answer: int
    in_all: int


def send_raw(server: Server, session: Session, post: RawPost) -> tuple[str, str, RawCounts]:
    """Declare 300 MB, send until the answer comes (or the budget is spent); read it."""
    boundary = "bombbombbomb"
    preamble = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    cookie = f"Cookie: {SESSION_COOKIE}={session.cookie}\r\n" if post.with_session else ""
    csrf = f"X-CSRF-Token: {session.csrf_token}\r\n" if post.with_session else ""
    head = (
        f"POST /api/scenarios HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n{cookie}{csrf}"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {ANONYMOUS_DECLARED}\r\n\r\n"
    ).encode()
    pending = head + preamble
    sent = 0
    sent_at_answer: int | None = None
    answer = b""
    filler = bytes(64 * 1024)
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.setblocking(False)
        deadline = time.monotonic() + 60
        writing = True
        # Go on sending after the answer, until the server closes or the budget is spent:
        # whether it closes at once is what says it stopped reading.
        while time.monotonic() < deadline:
            readable, writable, _ = select.select([sock], [sock] if writing else [], [], 1.0)
            if readable:
                try:
                    chunk = sock.recv(65536)
                except ConnectionError:
                    break
                if sent_at_answer is None:
                    sent_at_answer = sent
                if not chunk:
                    break  # closed by the server
                answer += chunk
            if writable:
                if not pending:
                    pending = filler
                try:
                    done = sock.send(pending)
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += done
                pending = pending[done:]
                if sent >= RAW_BODY_BUDGET:
                    writing = False
            if not readable and not writable and _complete(answer):
                break  # answered, and for a second neither closed nor reading
    head_text, _, body = answer.partition(b"\r\n\r\n")
    status_line = head_text.split(b"\r\n", 1)[0].decode(errors="replace")
    status = status_line.split(" ")[1] if status_line.count(" ") >= 1 else "no answer"
    try:
        message = str(json.loads(body).get("error_en", ""))
    except (json.JSONDecodeError, AttributeError):
        message = body.decode(errors="replace").splitlines()[0] if body else ""
    return status, message, RawCounts(sent if sent_at_answer is None else sent_at_answer, sent)


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    match = re.search(rb"(?i)content-length:\s*(\d+)", head)
    return match is not None and len(body) >= int(match.group(1))


def measure(server: Server, session: Session, probe: Probe, item: Upload | RawPost) -> Result:
    time.sleep(1.0)  # let the previous upload's garbage settle
    idle = rss_bytes(descendants(server.process.pid))
    web_idle = rss_bytes([server.process.pid])
    raw: RawCounts | None = None
    with Sampler(server) as sampler:
        started = time.monotonic()
        if isinstance(item, Upload):
            status, message, answer_bytes = send_upload(server, session, item)
            size = len(item.data)
        else:
            status, message, raw = send_raw(server, session, item)
            answer_bytes = 0
            size = ANONYMOUS_DECLARED
        ended = time.monotonic()
        time.sleep(PROBE_SECONDS * 3)  # a probe stalled by the upload finishes and counts
    # Every probe that was in flight during the upload or the moments after it.
    latencies = probe.overlapping(started, ended + PROBE_SECONDS * 3)
    failures_before = len(probe.failures)
    return Result(
        key=item.key,
        title=item.title,
        holds=item.holds,
        upload_bytes=size,
        status=status,
        seconds=ended - started,
        idle_rss=idle,
        rss_above_idle=max(0, sampler.rss_peak - idle),
        web_above_idle=max(0, sampler.web_peak - web_idle),
        tmp_peak=sampler.tmp_peak,
        worst_probe_ms=max(latencies, default=float("nan")) * 1000,
        median_probe_ms=statistics.median(latencies) * 1000 if latencies else float("nan"),
        probes=len(latencies),
        probe_failures=len(probe.failures) - failures_before,
        message=message,
        answer_bytes=answer_bytes,
        raw=raw,
    )


# --- the report --------------------------------------------------------------------------


def table(results: list[Result]) -> Iterator[str]:
    yield (
        "| bomb | upload | unpacks to | status | answer KB | seconds | RSS before MB "
        "| RSS peak above it MB (web process alone) "
        "| TMPDIR peak MB | other user's request: worst (median) ms | message |"
    )
    yield "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"
    for r in results:
        size = (
            f"{r.upload_bytes / 1e6:,.0f} MB declared"
            if r.raw is not None
            else f"{r.upload_bytes / MIB:,.2f} MiB"
        )
        holds = r.holds
        if r.raw is not None:
            holds = (
                f"{r.raw.before_answer / 1024:,.0f} KB sent before the answer, "
                f"{r.raw.in_all / 1024:,.0f} KB before the server closed"
            )
        message = r.message if len(r.message) <= 150 else r.message[:147] + "..."
        yield (
            f"| ({r.key}) {r.title} | {size} | {holds} | {r.status} "
            f"| {f'{r.answer_bytes / 1000:,.1f}' if r.raw is None else '-'} | {r.seconds:.2f} "
            f"| {r.idle_rss / 1e6:.0f} | {r.rss_above_idle / 1e6:.0f} ({r.web_above_idle / 1e6:.0f}) "
            f"| {r.tmp_peak / 1e6:.1f} "
            f"| {r.worst_probe_ms:.0f} ({r.median_probe_ms:.0f}; {r.probes} probes"
            f"{f', {r.probe_failures} failed' if r.probe_failures else ''}) "
            f"| {message.replace('|', '/')} |"
        )


def _interrupted(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    # SIGTERM, and SIGINT even when started in the background (where it is ignored), end
    # the script through its `finally`, which stops the server.
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="keys to run: a b c d e e2 f f2 g")
    parser.add_argument("--legit-scale", type=float, default=1.0)
    args = parser.parse_args()
    uploads = build_uploads(set(args.only), args.legit_scale)
    with tempfile.TemporaryDirectory(prefix="pionir-bombs-") as tmp:
        folder = Path(tmp)
        log("starting pionir serve")
        server, password = start_server(folder)
        try:
            session = log_in(server, password)
            probe = Probe(server, session)
            probe.start()
            time.sleep(IDLE_PROBE_SECONDS)
            idle = probe.between(0, time.monotonic())
            idle_rss = rss_bytes(descendants(server.process.pid))
            load = os.getloadavg()
            results = []
            for item in uploads:
                log(f"({item.key}) {item.title}")
                result = measure(server, session, probe, item)
                log(f"  {result.status} in {result.seconds:.2f} s: {result.message[:100]}")
                results.append(result)
            probe.stop()
            stored = httpx.get(
                f"{server.base_url}/api/scenarios",
                cookies={SESSION_COOKIE: session.cookie},
                timeout=30,
            ).json()
        finally:
            exit_status = stop_server(server)
        left = group_members(server.process.pid)
    print()
    print(
        f"Server idle: {idle_rss / 1e6:.0f} MB RSS; the other user's GET /api/me at idle "
        f"({len(idle)} probes): median {statistics.median(idle) * 1000:.0f} ms, "
        f"worst {max(idle) * 1000:.0f} ms. Load average at the start: "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)."
    )
    print()
    for line in table(results):
        print(line)
    print()
    for r in results:
        print(f"({r.key}) {r.message}")
    print()
    names = [v["source_name"] for s in stored for v in s["versions"]]
    print(f"Stored afterwards: {len(names)} version(s): {', '.join(names) or 'none'}.")
    print(
        "Server stopped by SIGTERM: "
        + ("exit status 0" if exit_status == 0 else f"exit status {exit_status}")
        + (f"; left behind: {left}" if left else "; nothing left behind")
        + "."
    )


if __name__ == "__main__":
    main()
