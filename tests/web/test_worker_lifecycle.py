"""The worker's lifecycle with real processes and real signals: `serve` stops its whole
worker tree and restarts a dead worker; a run whose worker vanished is ended by another
worker on any host; a result for a run that is no longer its claimant's is discarded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.db.tables import PlacementRow, PlanRun
from pionir.outputs import RunReport
from pionir.planner.explain import explain
from pionir.planner.instance import prepare
from pionir.planner.options import SolverOptions
from pionir.planner.solve import solve
from pionir.planner.usage import wave_usage
from pionir.services.actor import SYSTEM
from pionir.services.clock import now
from pionir.services.execute import store_result
from pionir.services.runs import heartbeat, reap_vanished, request_run
from pionir.services.scenarios import new_scenario
from tests.web.conftest import USERNAMES, World, log_in, small_demo

# Short enough for a test to watch a run reaped, long enough for beats every 0.75 s.
TEST_STALE_SECONDS = 3.0


# --- processes, read from /proc (no psutil) ---------------------------------------------


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int
    group: int
    state: str


def processes() -> dict[int, Process]:
    """Every live process on the machine; zombies (dead, not yet reaped) left out."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        # The command name, in parentheses, may hold spaces: the fields follow the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        process = Process(int(entry.name), int(fields[1]), int(fields[2]), fields[0])
        if process.state not in ("Z", "X"):
            found[process.pid] = process
    return found


def descendants(pid: int) -> set[int]:
    table = processes()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p.pid for p in table.values() if p.parent in frontier} - found
        found |= frontier
    return found


def run_children(worker: int) -> set[int]:
    """The worker's processes that do the planning: all but multiprocessing's resource
    tracker, which lives as long as the worker."""

    def tracker(pid: int) -> bool:
        try:
            return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False

    return {pid for pid in descendants(worker) if not tracker(pid)}


def alive(pids: set[int]) -> set[int]:
    return pids & set(processes())


def in_group(group: int) -> set[int]:
    return {p.pid for p in processes().values() if p.group == group}


def wait_until(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


# --- a file SQLite database with a scenario, and the commands run on it -----------------


@dataclass
class Site:
    """A migrated SQLite file with one scenario version, and the environment for commands."""

    engine: Engine
    version_id: int
    env: dict[str, str]
    started: list[subprocess.Popen[bytes]]

    def queue(self, time_limit: float) -> int:
        with session_factory(self.engine)() as db:
            run_id = request_run(db, SYSTEM, self.version_id, time_limit=time_limit).id
            db.commit()
        return run_id

    def run(self, run_id: int) -> PlanRun:
        with session_factory(self.engine)() as db:
            run = db.get(PlanRun, run_id)
            assert run is not None
            return run

    def start(self, *arguments: str) -> subprocess.Popen[bytes]:
        # Its own process group, so that cleaning up can never signal the test's group.
        process = subprocess.Popen(
            [sys.executable, "-m", "pionir", *arguments], env=self.env, process_group=0
        )
        self.started.append(process)
        return process

    def solving(self, run_id: int) -> bool:
        run = self.run(run_id)
        return run.status == "running" and run.phase == "solve"


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path / 'pionir.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine)() as db:
        version_id = new_scenario(db, SYSTEM, small_demo(), name="Demo", source_name="demo").id
        db.commit()
    env = os.environ | {
        "PIONIR_DATABASE_URL": url,
        "PIONIR_DATA_DIR": str(tmp_path),
        "PIONIR_WORKER_STALE_SECONDS": str(TEST_STALE_SECONDS),
    }
    built = Site(engine, version_id, env, [])
    yield built
    for process in built.started:  # whatever a failed test left running, children too
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serving(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def worker_pid(run: PlanRun) -> int:
    assert run.worker is not None
    return int(run.worker.rpartition(":")[2])


def start_serve(site: Site) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    serve = site.start("serve", "--port", str(port), "--processes", "1")
    wait_until(lambda: serving(port), 60, "serve answers on its port")
    return serve, port


# --- serve -------------------------------------------------------------------------------


@pytest.mark.slow
def test_sigterm_to_serve_stops_its_worker_and_the_solver(site: Site) -> None:
    run_id = site.queue(time_limit=60)
    serve, _ = start_serve(site)
    wait_until(lambda: site.solving(run_id), 60, "the run is solving")
    worker = worker_pid(site.run(run_id))
    tree = descendants(serve.pid)
    # serve's worker, and below it the run's child process.
    assert worker in tree
    assert run_children(worker), "the run has a child process"
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(30) == 0
    wait_until(lambda: not alive(tree), 5, f"serve's processes {alive(tree)} ended")
    assert not in_group(worker), "nothing is left in the worker's process group"
    stopped = site.run(run_id)
    assert stopped.status == "cancelled"
    assert stopped.message_en == "Stopped because the worker shut down."
    with session_factory(site.engine)() as db:
        assert db.scalar(select(func.count()).where(PlacementRow.run_id == run_id)) == 0


@pytest.mark.slow
def test_serve_restarts_a_killed_worker_and_stops_on_sigint(site: Site) -> None:
    killed_run = site.queue(time_limit=60)
    serve, _ = start_serve(site)
    wait_until(lambda: site.solving(killed_run), 60, "the run is solving")
    first = worker_pid(site.run(killed_run))
    assert run_children(first), "the run has a child process"
    first_tree = descendants(first) | {first}
    os.kill(first, signal.SIGKILL)
    # The dead worker's run child goes too, and a new worker takes its place.
    wait_until(lambda: not alive(first_tree), 10, "the killed worker's children ended")
    wait_until(lambda: descendants(serve.pid) - first_tree, 10, "serve started another worker")
    # The new worker, on this host, sees the old one's pid is gone: no staleness wait.
    wait_until(lambda: site.run(killed_run).status == "failed", 15, "the orphan run failed")
    assert "run it again" in site.run(killed_run).message_en
    next_run = site.queue(time_limit=5)
    wait_until(lambda: site.run(next_run).status == "succeeded", 90, "the next run succeeded")
    second = worker_pid(site.run(next_run))
    assert second != first and second in descendants(serve.pid)
    serve.send_signal(signal.SIGINT)
    assert serve.wait(30) == 0
    wait_until(lambda: not in_group(second), 5, "the new worker's group is empty")


# --- workers without serve ----------------------------------------------------------------


@pytest.mark.slow
def test_a_run_whose_worker_was_killed_is_ended_by_another_worker(site: Site) -> None:
    run_id = site.queue(time_limit=60)
    first = site.start("worker")
    wait_until(lambda: site.solving(run_id), 60, "the run is solving")
    assert worker_pid(site.run(run_id)) == first.pid
    child = run_children(first.pid)
    assert child, "the run has a child process"
    # A run left by a worker of another host: only its old heartbeat tells.
    with session_factory(site.engine)() as db:
        foreign = _running(db, site.version_id, "otherhost:123", heartbeat_age=60)
    second = site.start("worker")
    wait_until(lambda: site.run(foreign).status == "failed", 10, "the foreign run was reaped")
    # A live worker's run outlives the staleness limit: its heartbeat keeps it.
    time.sleep(TEST_STALE_SECONDS + 1)
    assert site.run(run_id).status == "running"
    first.send_signal(signal.SIGKILL)
    first.wait()
    wait_until(lambda: site.run(run_id).status == "failed", TEST_STALE_SECONDS + 5, "reaped")
    wait_until(lambda: not alive(child), 5, "the dead worker's run child exited")
    second.send_signal(signal.SIGTERM)
    assert second.wait(30) == 0


@pytest.mark.slow
def test_a_worker_whose_run_was_taken_over_stops_and_writes_nothing(site: Site) -> None:
    run_id = site.queue(time_limit=60)
    worker = site.start("worker")
    wait_until(lambda: site.solving(run_id), 60, "the run is solving")
    child = run_children(worker.pid)
    assert child, "the run has a child process"
    with session_factory(site.engine)() as db:
        # As if another worker had reaped the run and claimed it again; the test beats
        # for that worker, or the first one would rightly reap the run.
        db.get_one(PlanRun, run_id).worker = "otherhost:9"
        db.commit()

        def stopped_while_beating() -> bool:
            assert heartbeat(db, run_id, "otherhost:9")
            return not alive(child)

        wait_until(stopped_while_beating, 10, "the run child was stopped")
        deadline = time.monotonic() + 1.5  # the worker's last writes, if any, come by then
        while time.monotonic() < deadline:
            assert heartbeat(db, run_id, "otherhost:9")
            time.sleep(0.2)
    run = site.run(run_id)
    assert (run.status, run.worker, run.phase, run.summary) == (
        "running",
        "otherhost:9",
        "solve",
        None,
    )
    assert worker.poll() is None, "the worker itself goes on"
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(30) == 0


def test_a_staleness_limit_over_a_minute_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from pionir.config import load_settings

    monkeypatch.setenv("PIONIR_WORKER_STALE_SECONDS", "90")
    with pytest.raises(ValueError, match="antara 0 dan 60 detik"):
        load_settings()
    monkeypatch.setenv("PIONIR_WORKER_STALE_SECONDS", "7.5")
    assert load_settings().worker_stale_seconds == 7.5


# --- the database side, on SQLite and PostgreSQL -----------------------------------------


def _running(db: Session, version_id: int, worker: str, heartbeat_age: float) -> int:
    """A run 'running' under `worker`, whose last heartbeat was `heartbeat_age` s ago."""
    moment = now() - timedelta(seconds=heartbeat_age)
    run = PlanRun(
        version_id=version_id,
        status="running",
        time_limit=5,
        seed=0,
        requested_by="perencana",
        requested_at=moment,
        started_at=moment,
        heartbeat_at=moment,
        worker=worker,
        cancel_requested=False,
        phase="solve",
    )
    db.add(run)
    db.commit()
    return run.id


@pytest.fixture()
def made_runs(world: World) -> Iterator[list[int]]:
    """Ids of the runs a test made, deleted afterwards so other tests do not see them."""
    made: list[int] = []
    yield made
    with world.session() as db:
        for run_id in made:
            db.query(PlacementRow).filter(PlacementRow.run_id == run_id).delete()
            db.query(PlanRun).filter(PlanRun.id == run_id).delete()
        db.commit()


def test_runs_whose_worker_vanished_are_ended_on_any_host(
    world: World, made_runs: list[int]
) -> None:
    here = socket.gethostname()
    with world.session() as db:
        stale = _running(db, world.version_id, "otherhost:123", heartbeat_age=120)
        fresh = _running(db, world.version_id, "otherhost:124", heartbeat_age=1)
        dead_here = _running(db, world.version_id, f"{here}:999999999", heartbeat_age=1)
        cancelled = _running(db, world.version_id, "otherhost:125", heartbeat_age=120)
        db.get_one(PlanRun, cancelled).cancel_requested = True
        db.commit()
        made_runs += [stale, fresh, dead_here, cancelled]
        ended = reap_vanished(db, stale_after=60)
    assert set(ended) >= {stale, dead_here, cancelled}
    assert fresh not in ended
    with world.session() as db:
        status = {i: db.get_one(PlanRun, i).status for i in made_runs}
        assert "run it again" in db.get_one(PlanRun, stale).message_en
    assert status == {
        stale: "failed",
        fresh: "running",
        dead_here: "failed",
        cancelled: "cancelled",
    }


def test_cancel_of_a_run_without_a_live_worker_ends_it(
    client: TestClient, world: World, made_runs: list[int]
) -> None:
    csrf = log_in(client, USERNAMES["planner"])
    with world.session() as db:
        orphan = _running(db, world.version_id, "otherhost:77", heartbeat_age=600)
        live = _running(db, world.version_id, "otherhost:78", heartbeat_age=1)
        made_runs += [orphan, live]
    ended = client.post(f"/api/runs/{orphan}/cancel", headers={"X-CSRF-Token": csrf})
    assert ended.status_code == 200
    assert ended.json()["status"] == "cancelled"
    assert ended.json()["message_en"] == "Cancelled; its worker had stopped."
    # A live worker's run only gets the request; its worker stops it.
    asked = client.post(f"/api/runs/{live}/cancel", headers={"X-CSRF-Token": csrf})
    assert asked.json()["status"] == "running"
    assert asked.json()["cancel_requested"] is True
    with world.session() as db:
        assert db.get_one(PlanRun, orphan).status == "cancelled"
        assert db.get_one(PlanRun, orphan).finished_at is not None


@pytest.fixture(scope="module")
def report() -> RunReport:
    """A real plan of the small demo, to be stored (or not) by the tests below."""
    instance = prepare(small_demo())
    result = solve(instance, SolverOptions(time_limit=3, workers=1))
    assert result.plan is not None
    explanations, binding = explain(instance, result.plan)
    return RunReport(instance, result, explanations, binding, wave_usage(instance, result.plan))


@pytest.mark.parametrize(
    ("status", "cancel_requested", "worker", "stored"),
    [
        ("running", False, "host:1", True),  # its own running run: stored
        ("cancelled", False, "host:1", False),  # cancelled at once (worker gone)
        ("running", True, "host:1", False),  # a cancel was asked while it planned
        ("running", False, "host:2", False),  # reaped and claimed again by another worker
        ("failed", False, "host:1", False),  # reaped as vanished
    ],
)
def test_a_result_is_stored_only_for_the_claimants_running_run(
    world: World,
    made_runs: list[int],
    report: RunReport,
    status: str,
    cancel_requested: bool,
    worker: str,
    stored: bool,
) -> None:
    with world.session() as db:
        run_id = _running(db, world.version_id, worker, heartbeat_age=1)
        made_runs.append(run_id)
        run = db.get_one(PlanRun, run_id)
        run.status, run.cancel_requested = status, cancel_requested
        db.commit()
        assert store_result(db, run_id, "host:1", report) is stored
    with world.session() as db:
        after = db.get_one(PlanRun, run_id)
        placements = db.scalar(select(func.count()).where(PlacementRow.run_id == run_id))
    if stored:
        assert after.status == "succeeded"
        assert placements == len(report.instance.scenario.employees)
    else:
        assert (after.status, after.cancel_requested, after.summary) == (
            status,
            cancel_requested,
            None,
        )
        assert placements == 0
