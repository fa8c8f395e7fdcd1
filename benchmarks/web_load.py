"""Load on the plan pages from many logged-in users, with and without a plan job running.

Run by hand (a few minutes; nothing here is a test):

    .venv/bin/python benchmarks/web_load.py                # 20 users, 60 s, with a job
    .venv/bin/python benchmarks/web_load.py --compare      # without, then with the job
    .venv/bin/python benchmarks/web_load.py --no-job --users 5 --seconds 20 --scale 0.1

It generates the demo scenario (scale 1 by default), stores it and plans it once in this
process through the services, then starts the real `pionir serve` (with its worker) on a
free loopback port and logs in `--users` sessions of one planner account over the JSON
API. For the job phase it queues a second plan run (`--job-limit` seconds), waits until
the worker is running it, and then every user, in its own thread, requests as fast as it
can, for `--seconds`: the run's dashboard, a random page of the plan list filtered to a
random agency, and a random person's page. A monitor samples the job's status once a
second, so the table says whether the job was really running during the load.

It prints, per endpoint and overall: requests, requests/s, p50/p95/p99 latency in ms and
errors (any answer but 200, or no answer). The load generator runs on the same 2-core
machine as the server, its worker and the planner: the figures are for comparing phases
side by side, not capacity in absolute terms.

All traffic goes to 127.0.0.1; the server and everything it started are stopped at the end.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.db.tables import PlanRun, ScenarioRecord
from pionir.scenario.demo import generate_demo
from pionir.services.accounts import actor_of, create_user
from pionir.services.actor import Role
from pionir.services.clock import now
from pionir.services.execute import execute_run
from pionir.services.runs import claim_next, request_run
from pionir.services.scenarios import store_version

USERNAME = "beban"
PASSWORD = "kata-sandi-beban-123"
ENDPOINTS = ("dashboard", "plan", "person")
FINISHED = ("succeeded", "infeasible", "failed", "cancelled")
# The plan list's page size, should the placements API not answer.
DEFAULT_PER_PAGE = 50
# Guards the shared result while each user thread adds its samples at the end.
MERGE = threading.Lock()
POSTGRES_ADMIN_URL = os.environ.get(
    "PIONIR_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@dataclass(frozen=True)
class Prepared:
    """The stored scenario and its first, finished plan run."""

    version_id: int
    run_id: int
    agency_sizes: dict[str, int]
    nips: list[str]


@dataclass
class PhaseResult:
    name: str
    seconds: float
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)
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
            user = create_user(
                db,
                None,
                username=USERNAME,
                full_name="Pengguna Uji Beban",
                password=PASSWORD,
                role=Role.PLANNER,
                is_admin=True,
            )
            planner = actor_of(user)
            record = ScenarioRecord(
                name=f"Demo skala {scale}", created_at=now(), created_by=USERNAME
            )
            db.add(record)
            db.flush()
            version = store_version(db, planner, record.id, scenario, source_name="demo")
            run = request_run(db, planner, version.id, time_limit=time_limit, seed=seed)
            db.commit()
            version_id, run_id = version.id, run.id
        log(f"stored as version {version_id} in {time.perf_counter() - started:.1f} s; planning")
        with session_factory(engine)() as db:
            if claim_next(db, "web-load") != run_id:
                raise SystemExit("could not claim the first run")
        execute_run(engine, run_id, workers=2)
        with session_factory(engine)() as db:
            finished = db.get(PlanRun, run_id)
            assert finished is not None
            if finished.status != "succeeded":
                raise SystemExit(f"the first plan ended {finished.status}: {finished.message_en}")
            movers = (finished.summary or {}).get("movers")
    finally:
        engine.dispose()
    log(f"run {run_id} planned: {movers} movers ({time.perf_counter() - started:.1f} s in all)")
    return Prepared(version_id, run_id, dict(sizes), [e.nip for e in scenario.employees])


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, folder: Path, port: int) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).with_name("pionir")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pionir"]
    env = os.environ | {"PIONIR_DATA_DIR": str(folder), "PIONIR_DATABASE_URL": url}
    with (folder / "server.log").open("wb") as out:
        # Its own process group, so that the worker and a planner child can be reaped too.
        return subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
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


# --- users and the job ------------------------------------------------------------------


@dataclass
class User:
    client: httpx.Client
    csrf: str


def log_in(base_url: str, count: int) -> list[User]:
    users = []
    for _ in range(count):
        client = httpx.Client(base_url=base_url, timeout=60)
        response = client.post("/api/login", json={"username": USERNAME, "password": PASSWORD})
        response.raise_for_status()
        users.append(User(client, str(response.json()["csrf_token"])))
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


# --- the load ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    run_id: int
    agencies: list[str]
    pages: dict[str, int]
    nips: list[str]

    def pick(self, rng: random.Random) -> tuple[str, str]:
        endpoint = rng.choice(ENDPOINTS)
        if endpoint == "dashboard":
            return endpoint, f"/runs/{self.run_id}/dashboard"
        if endpoint == "plan":
            agency = rng.choice(self.agencies)
            page = rng.randint(1, self.pages[agency])
            return endpoint, f"/runs/{self.run_id}/plan?page={page}&agency={agency}"
        return endpoint, f"/runs/{self.run_id}/people/{rng.choice(self.nips)}"


def targets_for(user: User, prepared: Prepared) -> Targets:
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
    return Targets(prepared.run_id, sorted(pages), pages, prepared.nips)


def drive(user: User, targets: Targets, until: float, seed: int, result: PhaseResult) -> None:
    rng = random.Random(seed)
    samples: list[tuple[str, float]] = []
    errors: list[tuple[str, str]] = []
    while time.monotonic() < until:
        endpoint, path = targets.pick(rng)
        started = time.perf_counter()
        try:
            response = user.client.get(path)
            status = str(response.status_code)
        except httpx.HTTPError as error:
            status = type(error).__name__
        samples.append((endpoint, (time.perf_counter() - started) * 1000))
        if status != "200":
            errors.append((endpoint, f"{status} {path}"))
    # One merge per thread at the end: no lock in the request loop.
    with MERGE:
        for endpoint, ms in samples:
            result.samples[endpoint].append(ms)
        for endpoint, example in errors:
            result.errors[endpoint] += 1
            if len(result.error_examples) < 5:
                result.error_examples.append(example)


def monitor(user: User, run_id: int, stop: threading.Event, into: list[str]) -> None:
    while not stop.wait(1.0):
        try:
            run = run_status(user, run_id)
            into.append(f"{run['status']}/{run['phase']}")
        except httpx.HTTPError as error:
            into.append(type(error).__name__)


def phase(
    name: str,
    users: list[User],
    targets: Targets,
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
    log(f"{name}: {len(users)} users for {seconds:.0f} s")
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=drive, args=(user, targets, until, seed * 1000 + i, result))
        for i, user in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    if watcher is not None and result.job_id is not None:
        watcher.join()
        run = run_status(users[0], result.job_id)
        result.job_after = f"{run['status']}/{run['phase']}"
        end_job(users[0], result.job_id)
    return result


# --- the report -------------------------------------------------------------------------


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def table(result: PhaseResult) -> str:
    lines = [f"== {result.name} =="]
    if result.job_id is None:
        lines.append("plan job: none")
    else:
        running = sum(1 for s in result.job_samples if s.startswith("running"))
        lines.append(
            f"plan job: run {result.job_id}, {result.job_before} before the load, "
            f"{result.job_after} after it; running in {running} of "
            f"{len(result.job_samples)} one-second samples"
        )
    header = f"{'endpoint':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
    lines += [header, "-" * len(header)]
    rows = [(e, result.samples.get(e, [])) for e in ENDPOINTS]
    rows.append(("all", [ms for e in ENDPOINTS for ms in result.samples.get(e, [])]))
    for name, values in rows:
        ordered = sorted(values)
        errors = sum(result.errors.values()) if name == "all" else result.errors[name]
        lines.append(
            f"{name:<10} {len(ordered):>9,} {len(ordered) / result.seconds:>8.1f} "
            f"{percentile(ordered, 0.50):>8.0f} {percentile(ordered, 0.95):>8.0f} "
            f"{percentile(ordered, 0.99):>8.0f} {errors:>7,}"
        )
    if result.error_examples:
        lines.append("first errors: " + "; ".join(result.error_examples))
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
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--no-job", action="store_true", help="only the phase without a job")
    mode.add_argument("--compare", action="store_true", help="without, then with the job")
    parser.add_argument("--keep", action="store_true", help="keep the data folder and log")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="pionir-load-"))
    try:
        with database(args.database, folder) as url:
            prepared = prepare(url, args.scale, args.seed, args.first_limit)
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            server = start_server(url, folder, port)
            users: list[User] = []
            results: list[PhaseResult] = []
            try:
                wait_ready(server, base_url, folder)
                log(f"server on {base_url}; logging in {args.users} users")
                users = log_in(base_url, args.users)
                targets = targets_for(users[0], prepared)
                for user in users:  # one warm-up request each: caches, pools, templates
                    user.client.get(f"/runs/{prepared.run_id}/dashboard")
                job = (prepared.version_id, args.job_limit)
                if args.no_job or args.compare:
                    results.append(
                        phase("without a plan job", users, targets, args.seconds, None, 1)
                    )
                if not args.no_job:
                    results.append(phase("with a plan job", users, targets, args.seconds, job, 2))
            finally:
                for user in users:
                    user.client.close()
                stop_server(server)
        print(
            f"\nscale {args.scale} ({len(prepared.nips):,} employees), {args.users} users, "
            f"{args.seconds:.0f} s per phase, {args.database}, {os.cpu_count()} CPUs\n"
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
