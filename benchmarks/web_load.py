"""Load on the plan pages from many logged-in users, with and without a plan job running.

Run by hand (a few minutes; nothing here is a test; needs `wrk`, which `make bench-web`
installs from Debian when it is missing):

    .venv/bin/python benchmarks/web_load.py                # 20 users, 60 s, with a job
    .venv/bin/python benchmarks/web_load.py --compare      # without, then with the job
    .venv/bin/python benchmarks/web_load.py --compare --database postgresql
    .venv/bin/python benchmarks/web_load.py --no-job --users 5 --seconds 20 --scale 0.1

It generates the demo scenario (scale 1 by default), stores it and plans it once in this
process through the services, then starts the real `pionir serve` (its web processes and
its plan worker) on a free loopback port. `--users` sessions log in over the JSON API,
spread over a few planner accounts.

The load comes from wrk, not from Python: a Python load generator on this 2-core machine
took much of the CPU the server under test needed. Three wrk processes run side by side,
one per endpoint, their connections adding up to `--users` (20 gives 7, 7 and 6):

- the run's dashboard;
- a page of the plan list filtered to one agency (agency at random, then a page at random
  within that agency's real page count);
- a random person's page.

Each connection is one simulated user: closed loop, no think time. Every request takes a
random path from its endpoint's list and the session cookie of one of that endpoint's
users. For the job phase a second plan run (`--job-limit` seconds) is queued first, and
the load starts once the worker is in its solve phase. A monitor samples the job's status
once a second, so the table says whether the job was really running during the load.
Because the machine is shared, each phase also reports the server's processes and the
load average at its start, how the kernel spread wrk's connections over the web
processes, and the CPU seconds each kind of process (and wrk) used during it.

It prints, per endpoint and overall: connections, requests, requests/s, p50/p95/p99
latency in ms and errors (socket errors, timeouts, and any answer but 200). The overall
percentiles merge the three endpoints' latency distributions, weighted by requests. wrk
runs on the same 2 cores as the server, its worker and the planner, but costs far less
CPU than the server does.

All traffic goes to 127.0.0.1; the server and everything it started are stopped at the end.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, select, text

from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.db.tables import PlacementRow
from pionir.scenario.demo import generate_demo
from pionir.services.accounts import actor_of, create_user
from pionir.services.actor import Role
from pionir.services.execute import plan_here
from pionir.services.runs import request_run
from pionir.services.scenarios import new_scenario

# Several accounts, so that the load is not one user's sessions; every session is its own.
ACCOUNTS = tuple(f"beban{i}" for i in range(1, 5))
PASSWORD = "kata-sandi-beban-123"
SESSION_COOKIE = "pionir_session"
ENDPOINTS = ("dashboard", "plan", "person")
FINISHED = ("succeeded", "infeasible", "failed", "cancelled")
# The plan list's page size, should the placements API not answer.
DEFAULT_PER_PAGE = 50
# Sampled plan-list paths per phase: enough that a 60 s run rarely repeats a sequence.
PLAN_PATHS = 20_000
# wrk keeps no latency above its timeout (it counts a timeout error instead), so the
# timeout bounds what the percentiles can show; 10 s is far above any target here.
WRK_TIMEOUT_S = 10
POSTGRES_ADMIN_URL = os.environ.get(
    "PIONIR_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)

# One wrk script for all three endpoints; its arguments name the endpoint's files.
# done() runs in wrk's main Lua state, which sees the threads' counters only through
# thread:get, hence the `threads` list filled in setup().
WRK_SCRIPT = r"""
-- Written by benchmarks/web_load.py.
-- Arguments: paths file, cookies file, random seed.
local threads = {}
local paths, cookies = {}, {}

local function lines(name)
  local found = {}
  for line in io.lines(name) do
    if line ~= "" then found[#found + 1] = line end
  end
  return found
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = lines(args[1])
  cookies = lines(args[2])
  math.randomseed(tonumber(args[3]))
  -- Globals, so that done() can read them; wrk itself counts only statuses above 399,
  -- and a redirect to the log-in page must count as an error too.
  non200 = 0
  codes = {}
end

function request()
  local path = paths[math.random(#paths)]
  return wrk.format("GET", path, {Cookie = cookies[math.random(#cookies)]})
end

function response(status)
  if status ~= 200 then
    non200 = non200 + 1
    codes[status] = (codes[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad, counted = 0, {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    for code, n in pairs(thread:get("codes")) do
      counted[#counted + 1] = code .. ":" .. n
    end
  end
  local e = summary.errors
  io.write(string.format(
    "PIONIR requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d status=%d"
    .. " non200=%d codes=%s p50=%.3f p95=%.3f p99=%.3f max=%.3f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    bad, table.concat(counted, ","), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  -- The distribution at 0.1-percentile steps, so that the endpoints can be merged.
  local steps = {}
  for i = 1, 999 do
    steps[i] = string.format("%.3f", latency:percentile(i / 10) / 1000)
  end
  steps[1000] = string.format("%.3f", latency.max / 1000)
  io.write("PIONIR-QUANTILES " .. table.concat(steps, " ") .. "\n")
end
"""


@dataclass(frozen=True)
class Prepared:
    """The stored scenario and its first, finished plan run."""

    version_id: int
    run_id: int
    agency_sizes: dict[str, int]
    # People are named in URLs by their placement row, never by NIP.
    placement_ids: list[int]


@dataclass
class EndpointResult:
    """What one wrk process measured for one endpoint."""

    connections: int
    requests: int = 0
    seconds: float = 0.0
    socket_errors: int = 0
    timeouts: int = 0
    non200: int = 0
    codes: str = ""
    p50: float = math.nan
    p95: float = math.nan
    p99: float = math.nan
    # Latency (ms) at 0.1, 0.2, ... 99.9 percent, then the maximum.
    quantiles: list[float] = field(default_factory=list)
    failure: str = ""

    @property
    def errors(self) -> int:
        return self.socket_errors + self.timeouts + self.non200


@dataclass
class PhaseResult:
    name: str
    seconds: float
    server: dict[int, Process] = field(default_factory=dict)
    server_after: dict[int, Process] = field(default_factory=dict)
    wrk_cpu: float = math.nan
    load_average: tuple[float, float, float] = (math.nan, math.nan, math.nan)
    connections: str = ""
    endpoints: dict[str, EndpointResult] = field(default_factory=dict)
    job_id: int | None = None
    job_before: str = ""
    job_after: str = ""
    job_samples: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the database, the scenario and the first plan ------------------------------------


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'pionir.sqlite3'}"
        return
    name = f"pionir_load_{uuid.uuid4().hex[:10]}"
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


def prepare(url: str, scale: float, seed: int, time_limit: float) -> Prepared:
    """Store the demo scenario and plan it once, in this process, as the tests' world does."""
    started = time.perf_counter()
    scenario = generate_demo(scale=scale, seed=seed)
    unit_agency = {u.unit_id: u.agency_id for u in scenario.units}
    position_unit = {p.position_id: p.unit_id for p in scenario.positions}
    sizes = Counter(unit_agency[position_unit[e.position_id]] for e in scenario.employees)
    log(f"demo scale {scale}: {len(scenario.employees):,} employees, {len(sizes)} agencies")
    engine = make_engine(url)
    upgrade(engine)
    try:
        with session_factory(engine)() as db:
            users = [
                create_user(
                    db,
                    None,
                    username=username,
                    full_name=f"Pengguna Uji Beban {i}",
                    password=PASSWORD,
                    role=Role.PLANNER,
                    is_admin=i == 1,
                )
                for i, username in enumerate(ACCOUNTS, start=1)
            ]
            planner = actor_of(users[0])
            version = new_scenario(
                db, planner, scenario, name=f"Demo skala {scale}", source_name="demo"
            )
            run = request_run(db, planner, version.id, time_limit=time_limit, seed=seed)
            db.commit()
            version_id, run_id = version.id, run.id
        log(f"stored as version {version_id} in {time.perf_counter() - started:.1f} s; planning")
        finished = plan_here(engine, run_id, "web-load")
        if finished.status != "succeeded":
            raise SystemExit(f"the first plan ended {finished.status}: {finished.message_en}")
        movers = (finished.summary or {}).get("movers")
        with session_factory(engine)() as db:
            placement_ids = list(
                db.scalars(
                    select(PlacementRow.id)
                    .where(PlacementRow.run_id == run_id)
                    .order_by(PlacementRow.id)
                )
            )
    finally:
        engine.dispose()
    log(f"run {run_id} planned: {movers} movers ({time.perf_counter() - started:.1f} s in all)")
    return Prepared(version_id, run_id, dict(sizes), placement_ids)


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, folder: Path, port: int, processes: int) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).with_name("pionir")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pionir"]
    env = os.environ | {"PIONIR_DATA_DIR": str(folder), "PIONIR_DATABASE_URL": url}
    with (folder / "server.log").open("wb") as out:
        # Its own process group, so that the worker and a planner child can be reaped too.
        return subprocess.Popen(
            [
                *command,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--processes",
                str(processes),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_ready(process: subprocess.Popen[bytes], base_url: str, folder: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"pionir serve exited ({process.returncode}):\n"
                + (folder / "server.log").read_text()
            )
        try:
            if httpx.get(f"{base_url}/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("pionir serve did not answer within 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@dataclass(frozen=True)
class Process:
    role: str
    cpu: float  # CPU seconds used so far, user and system
    rss_mb: float = 0.0  # resident memory


def server_processes(group: int) -> dict[int, Process]:
    """The server's process group by role, from /proc (the machine is shared: say what ran)."""
    found: dict[int, tuple[int, int, float, float, str]] = {}  # parent, nice, CPU, MB, command
    tick = os.sysconf("SC_CLK_TCK")
    page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended while we looked
        # Fields from the third on; the command name before them may hold spaces.
        rest = stat[stat.rindex(")") + 2 :].split()
        if int(rest[2]) == group:
            cpu = (int(rest[11]) + int(rest[12])) / tick
            rss = int(rest[21]) * page_mb
            found[int(entry.name)] = (int(rest[1]), int(rest[16]), cpu, rss, command)
    worker = next((pid for pid, found_ in found.items() if "pionir worker" in found_[4]), None)
    processes = {}
    for pid, (parent, nice, cpu, rss, command) in found.items():
        if pid == group:
            role = "supervisor"
        elif pid == worker:
            role = "plan worker"
        elif "resource_tracker" in command:
            role = "resource tracker"
        elif parent == group and "spawn_main" in command:
            role = "web"
        elif parent == worker and "spawn_main" in command:
            role = "planner"
        else:
            role = f"other ({command[:60]})"
        processes[pid] = Process(f"{role} at nice {nice}" if nice else role, cpu, rss)
    return processes


ROLES = ("supervisor", "web", "plan worker", "planner", "resource tracker")


def by_role(items: Iterator[tuple[str, Any]]) -> dict[str, list[Any]]:
    """Grouped by role, in the order of ROLES."""
    grouped: dict[str, list[Any]] = {}
    for role, item in items:
        grouped.setdefault(role, []).append(item)
    rank = {
        role: next((i for i, r in enumerate(ROLES) if role.startswith(r)), 9) for role in grouped
    }
    return dict(sorted(grouped.items(), key=lambda r: rank[r[0]]))


def describe(processes: dict[int, Process]) -> str:
    # Pids, so that a web process restarted by uvicorn's health check would show.
    grouped = by_role((p.role, pid) for pid, p in sorted(processes.items()))
    return f"{len(processes)} processes: " + ", ".join(
        f"{len(pids)} {role} ({' '.join(map(str, pids))})" for role, pids in grouped.items()
    )


def cpu_used(before: dict[int, Process], after: dict[int, Process]) -> dict[str, float]:
    """CPU seconds per role between two snapshots; a process gone by the end is left out."""
    grouped = by_role(
        (p.role, p.cpu - (before[pid].cpu if pid in before else 0.0)) for pid, p in after.items()
    )
    return {role: sum(seconds) for role, seconds in grouped.items()}


def web_pids(processes: dict[int, Process]) -> list[int]:
    return sorted(pid for pid, p in processes.items() if p.role == "web")


def connections_per_process(port: int, clients: set[int]) -> str:
    """wrk's connections per server process: the kernel, not the server, spreads them."""
    try:
        listing = subprocess.run(
            ["ss", "-Htnp", "state", "established"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown (no ss)"
    server_side: dict[int, int] = {}  # the client's port: the server process holding it
    client_side: dict[int, int] = {}  # the client's port: the client process
    for line in listing.splitlines():
        found = re.search(r":(\d+)\s+\S+:(\d+)\s.*?pid=(\d+)", line)
        if found is None:
            continue
        local, peer, pid = (int(g) for g in found.groups())
        if local == port:
            server_side[peer] = pid
        elif peer == port:
            client_side[local] = pid
    # Only wrk's: this script's own idle keep-alive connections would blur the picture.
    per_process = Counter(
        server_side[local]
        for local, pid in client_side.items()
        if pid in clients and local in server_side
    )
    return ", ".join(f"{n} on pid {pid}" for pid, n in sorted(per_process.items())) or "none"


# --- users and the job ------------------------------------------------------------------


@dataclass
class User:
    client: httpx.Client
    csrf: str
    cookie: str


def log_in(base_url: str, count: int) -> list[User]:
    """One session per simulated user, the accounts taken in turn."""
    users = []
    for i in range(count):
        client = httpx.Client(base_url=base_url, timeout=60)
        response = client.post(
            "/api/login", json={"username": ACCOUNTS[i % len(ACCOUNTS)], "password": PASSWORD}
        )
        response.raise_for_status()
        token = client.cookies.get(SESSION_COOKIE)
        if not token:
            raise SystemExit(f"the log-in answer set no {SESSION_COOKIE} cookie")
        users.append(User(client, str(response.json()["csrf_token"]), f"{SESSION_COOKIE}={token}"))
    return users


def run_status(user: User, run_id: int) -> dict[str, Any]:
    response = user.client.get(f"/api/runs/{run_id}")
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def queue_job(user: User, version_id: int, time_limit: float, seed: int) -> int:
    response = user.client.post(
        f"/api/versions/{version_id}/runs",
        json={"time_limit": time_limit, "seed": seed},
        headers={"X-CSRF-Token": user.csrf},
    )
    response.raise_for_status()
    return int(response.json()["id"])


def wait_for_solve(user: User, run_id: int, timeout: float = 120) -> str:
    """Wait until the worker has the job in its solve phase (past reading the archive)."""
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        run = run_status(user, run_id)
        status = f"{run['status']}/{run['phase']}"
        if run["status"] in FINISHED or (run["status"] == "running" and run["phase"] == "solve"):
            return status
        time.sleep(0.25)
    return status


def end_job(user: User, run_id: int) -> None:
    """Cancel the job if it is still going, and wait for the worker to let it go."""
    if run_status(user, run_id)["status"] in FINISHED:
        return
    user.client.post(f"/api/runs/{run_id}/cancel", headers={"X-CSRF-Token": user.csrf})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and run_status(user, run_id)["status"] not in FINISHED:
        time.sleep(0.5)


def monitor(user: User, run_id: int, stop: threading.Event, into: list[str]) -> None:
    while not stop.wait(1.0):
        try:
            run = run_status(user, run_id)
            into.append(f"{run['status']}/{run['phase']}")
        except httpx.HTTPError as error:
            into.append(type(error).__name__)


# --- the load ---------------------------------------------------------------------------


def page_counts(user: User, prepared: Prepared) -> dict[str, int]:
    """Each agency's page count in the plan list, as the placements API reports it."""
    pages = {}
    for agency, size in prepared.agency_sizes.items():
        response = user.client.get(f"/api/runs/{prepared.run_id}/placements?page=1&agency={agency}")
        if response.status_code == 200:
            body = response.json()
            pages[agency] = max(1, math.ceil(body["total"] / body["per_page"]))
        else:
            # Without the API (an older server), a page count from the agency's size.
            pages[agency] = max(1, math.ceil(size / DEFAULT_PER_PAGE))
    log(f"plan list: {sum(pages.values())} pages over {len(pages)} agencies")
    return pages


def write_paths(folder: Path, prepared: Prepared, pages: dict[str, int], seed: int) -> Path:
    """One file of request paths per endpoint; wrk picks one at random per request."""
    rng = random.Random(seed)
    run = prepared.run_id
    agencies = sorted(pages)
    # Agency first, then a page within it, as a user filtering the list would: a uniform
    # choice over all pages would favour the big agencies.
    plan = []
    for _ in range(PLAN_PATHS):
        agency = rng.choice(agencies)
        plan.append(f"/runs/{run}/plan?page={rng.randint(1, pages[agency])}&agency={quote(agency)}")
    paths = {
        "dashboard": [f"/runs/{run}/dashboard"],
        "plan": plan,
        "person": [f"/runs/{run}/placements/{i}" for i in prepared.placement_ids],
    }
    where = folder / "wrk"
    where.mkdir(exist_ok=True)
    for endpoint, lines in paths.items():
        (where / f"{endpoint}.paths").write_text("\n".join(lines) + "\n")
    (where / "web_load.lua").write_text(WRK_SCRIPT)
    return where


def split(users: int) -> dict[str, int]:
    """Connections per endpoint, adding up to `users` (20 gives 7, 7 and 6)."""
    base, extra = divmod(users, len(ENDPOINTS))
    shares = {e: base + (1 if i < extra else 0) for i, e in enumerate(ENDPOINTS)}
    return {e: n for e, n in shares.items() if n > 0}


def parse_wrk(output: str, connections: int) -> EndpointResult:
    result = EndpointResult(connections)
    summary = next((line for line in output.splitlines() if line.startswith("PIONIR ")), None)
    quantiles = next(
        (line for line in output.splitlines() if line.startswith("PIONIR-QUANTILES ")), None
    )
    if summary is None or quantiles is None:
        result.failure = output.strip()[-500:] or "no output"
        return result
    values = dict(pair.split("=", 1) for pair in summary.split()[1:])
    result.requests = int(values["requests"])
    result.seconds = int(values["duration_us"]) / 1e6
    result.socket_errors = sum(int(values[k]) for k in ("connect", "read", "write"))
    result.timeouts = int(values["timeout"])
    result.non200 = int(values["non200"])
    result.codes = values["codes"]
    result.p50, result.p95, result.p99 = (float(values[k]) for k in ("p50", "p95", "p99"))
    result.quantiles = [float(v) for v in quantiles.split()[1:]]
    return result


def drive(
    wrk: str,
    base_url: str,
    where: Path,
    users: list[User],
    seconds: float,
    seed: int,
    name: str,
) -> tuple[dict[str, subprocess.Popen[str]], dict[str, int]]:
    """Start one wrk per endpoint, each with its share of the users' sessions."""
    shares = split(len(users))
    processes = {}
    first = 0
    for i, (endpoint, connections) in enumerate(shares.items()):
        cookies = where / f"{endpoint}.cookies"
        cookies.write_text("\n".join(u.cookie for u in users[first : first + connections]))
        first += connections
        tag = name.replace(" ", "-")
        with (where / f"{tag}-{endpoint}.out").open("w") as out:
            processes[endpoint] = subprocess.Popen(
                [
                    wrk,
                    "-t1",
                    f"-c{connections}",
                    f"-d{max(1, round(seconds))}s",
                    f"--timeout={WRK_TIMEOUT_S}s",
                    "--latency",
                    "-s",
                    str(where / "web_load.lua"),
                    base_url,
                    "--",
                    str(where / f"{endpoint}.paths"),
                    str(cookies),
                    str(seed * 100 + i),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )
    return processes, shares


def phase(
    name: str,
    users: list[User],
    where: Path,
    base_url: str,
    server: subprocess.Popen[bytes],
    seconds: float,
    job: tuple[int, float] | None,
    seed: int,
) -> PhaseResult:
    """One measured phase; `job` is (version id, time limit) to run a plan alongside."""
    result = PhaseResult(name, seconds)
    stop = threading.Event()
    watcher = None
    if job is not None:
        result.job_id = queue_job(users[0], job[0], job[1], seed)
        log(f"{name}: queued plan run {result.job_id} ({job[1]:.0f} s limit); waiting for it")
        result.job_before = wait_for_solve(users[0], result.job_id)
        log(f"{name}: job is {result.job_before}")
        watcher = threading.Thread(
            target=monitor, args=(users[0], result.job_id, stop, result.job_samples)
        )
        watcher.start()
    result.server = server_processes(server.pid)
    result.load_average = os.getloadavg()
    log(f"{name}: server {describe(result.server)}")
    log(f"{name}: load average {' '.join(f'{v:.2f}' for v in result.load_average)}")
    wrk = shutil.which("wrk")
    assert wrk is not None  # checked before anything was prepared
    # Only wrk (and ss) are waited for during the phase: the children's CPU is theirs.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    processes, shares = drive(wrk, base_url, where, users, seconds, seed, name)
    log(f"{name}: {len(users)} wrk connections ({shares}) for {seconds:.0f} s")
    # A few seconds in, every connection is open: see how the kernel spread them.
    time.sleep(min(3.0, seconds / 2))
    port = int(base_url.rsplit(":", 1)[1])
    result.connections = connections_per_process(port, {p.pid for p in processes.values()})
    log(f"{name}: connections {result.connections}")
    tag = name.replace(" ", "-")
    for endpoint, process in processes.items():
        try:
            process.wait(seconds + 120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        output = (where / f"{tag}-{endpoint}.out").read_text()
        result.endpoints[endpoint] = parse_wrk(output, shares[endpoint])
    result.server_after = server_processes(server.pid)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.wrk_cpu = (ended.ru_utime + ended.ru_stime) - (children.ru_utime + children.ru_stime)
    stop.set()
    if watcher is not None and result.job_id is not None:
        watcher.join()
        run = run_status(users[0], result.job_id)
        result.job_after = f"{run['status']}/{run['phase']}"
        end_job(users[0], result.job_id)
    return result


# --- the report -------------------------------------------------------------------------


def merged_percentile(parts: list[EndpointResult], share: float) -> float:
    """A percentile of all requests together, from each endpoint's 0.1-percentile steps.

    Each step stands for a thousandth of its endpoint's requests, so an endpoint weighs
    as many requests as it answered; the error is at most a tenth of a percentile rank.
    """
    points = sorted(
        (value, part.requests / len(part.quantiles))
        for part in parts
        if part.requests and part.quantiles
        for value in part.quantiles
    )
    if not points:
        return math.nan
    wanted = share * sum(weight for _, weight in points)
    total = 0.0
    for value, weight in points:
        total += weight
        # A little slack, so that float sums landing a hair under a rank do not skip it.
        if total >= wanted - 1e-9:
            return value
    return points[-1][0]


def table(result: PhaseResult) -> str:
    lines = [f"== {result.name} =="]
    load = " ".join(f"{v:.2f}" for v in result.load_average)
    lines.append(f"at the start: server {describe(result.server)}")
    lines.append(f"load average at the start: {load} (1, 5, 15 min)")
    lines.append(f"wrk connections per web process, 3 s in: {result.connections}")
    if web_pids(result.server_after) != web_pids(result.server):
        lines.append(
            f"web processes changed in the phase! at its end: {describe(result.server_after)}"
        )
    used = cpu_used(result.server, result.server_after)
    lines.append(
        f"CPU seconds in the phase ({os.cpu_count()} cores x {result.seconds:.0f} s): "
        + ", ".join(f"{role} {seconds:.1f}" for role, seconds in used.items())
        + f", wrk {result.wrk_cpu:.1f}"
    )
    web = [p.rss_mb for p in result.server_after.values() if p.role == "web"]
    lines.append(
        "resident memory of the web processes at the end (MB): "
        + (" ".join(f"{mb:.0f}" for mb in web) or "unknown")
    )
    if result.job_id is None:
        lines.append("plan job: none")
    else:
        running = sum(1 for s in result.job_samples if s.startswith("running"))
        lines.append(
            f"plan job: run {result.job_id}, {result.job_before} before the load, "
            f"{result.job_after} after it; running in {running} of "
            f"{len(result.job_samples)} one-second samples"
        )
    header = (
        f"{'endpoint':<10} {'conns':>5} {'requests':>9} {'req/s':>8} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    lines += [header, "-" * len(header)]
    parts = list(result.endpoints.values())
    for name, part in result.endpoints.items():
        rate = part.requests / part.seconds if part.seconds else math.nan
        lines.append(
            f"{name:<10} {part.connections:>5} {part.requests:>9,} {rate:>8.1f} "
            f"{part.p50:>8.0f} {part.p95:>8.0f} {part.p99:>8.0f} {part.errors:>7,}"
        )
    rate = sum(p.requests / p.seconds for p in parts if p.seconds)
    lines.append(
        f"{'all':<10} {sum(p.connections for p in parts):>5} "
        f"{sum(p.requests for p in parts):>9,} {rate:>8.1f} "
        f"{merged_percentile(parts, 0.50):>8.0f} {merged_percentile(parts, 0.95):>8.0f} "
        f"{merged_percentile(parts, 0.99):>8.0f} {sum(p.errors for p in parts):>7,}"
    )
    lines.append(
        "all: percentiles of the endpoints' wrk latency distributions merged, weighted by requests"
    )
    for name, part in result.endpoints.items():
        if part.failure:
            lines.append(f"{name}: wrk gave no result: {part.failure}")
        elif part.errors:
            lines.append(
                f"{name} errors: {part.socket_errors} socket, {part.timeouts} timeouts "
                f"(over {WRK_TIMEOUT_S} s), {part.non200} not 200 (status:count {part.codes})"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent users (20)")
    parser.add_argument("--seconds", type=float, default=60, help="length of each phase (60)")
    parser.add_argument("--scale", type=float, default=1.0, help="demo scale (1.0)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--first-limit", type=float, default=30, help="time limit of the first plan (30)"
    )
    parser.add_argument("--job-limit", type=float, default=60, help="the job's time limit (60)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="web server processes (one per core, as `pionir serve` defaults to)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--no-job", action="store_true", help="only the phase without a job")
    mode.add_argument("--compare", action="store_true", help="without, then with the job")
    parser.add_argument("--keep", action="store_true", help="keep the data folder and logs")
    args = parser.parse_args()
    # Fail before minutes of preparing, not after.
    if shutil.which("wrk") is None:
        raise SystemExit(
            "wrk is not installed (it drives the load): `make bench-web` installs it, "
            "or apt-get install wrk"
        )
    if args.users < 1:
        raise SystemExit("--users must be at least 1")

    folder = Path(tempfile.mkdtemp(prefix="pionir-load-"))
    try:
        with database(args.database, folder) as url:
            prepared = prepare(url, args.scale, args.seed, args.first_limit)
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            server = start_server(url, folder, port, args.processes)
            users: list[User] = []
            results: list[PhaseResult] = []
            try:
                wait_ready(server, base_url, folder)
                log(f"server on {base_url}; logging in {args.users} users")
                users = log_in(base_url, args.users)
                pages = page_counts(users[0], prepared)
                where = write_paths(folder, prepared, pages, args.seed)
                run = prepared.run_id
                for user in users:  # a warm-up request each: caches, pools, templates
                    user.client.get(f"/runs/{run}/dashboard")
                    user.client.get(f"/runs/{run}/placements/{prepared.placement_ids[0]}")
                job = (prepared.version_id, args.job_limit)
                common = (users, where, base_url, server, args.seconds)
                if args.no_job or args.compare:
                    results.append(phase("without a plan job", *common, None, 1))
                if not args.no_job:
                    results.append(phase("with a plan job", *common, job, 2))
            finally:
                for user in users:
                    user.client.close()
                stop_server(server)
        print(
            f"\nscale {args.scale} ({len(prepared.placement_ids):,} employees), {args.users} wrk "
            f"connections (closed loop, no think time), {args.seconds:.0f} s per phase, "
            f"{args.database}, {args.processes} web processes, {os.cpu_count()} CPUs\n"
        )
        for result in results:
            print(table(result) + "\n")
    finally:
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
