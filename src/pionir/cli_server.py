"""Commands for the web application: serve, worker, create-admin."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from pionir.config import load_settings
from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.services.accounts import create_user
from pionir.services.actor import Role
from pionir.services.errors import ServiceError

# How long a stop waits for requests under way before it cuts them off.
GRACEFUL_SHUTDOWN_SECONDS = 10


class _StopRequested(BaseException):
    """SIGTERM or SIGINT reached `serve`: leave the server and stop the worker.

    A BaseException, like KeyboardInterrupt, so no `except Exception` on the way swallows it.
    """


def _raise_stop(signum: int, _frame: Any) -> None:
    raise _StopRequested(signum)


def serve(
    host: Annotated[str, typer.Option(help="Alamat / address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    worker: Annotated[
        bool,
        typer.Option(help="Jalankan pekerja di samping server / start a worker alongside"),
    ] = True,
    processes: Annotated[
        int,
        typer.Option(help="Proses server web / web server processes (one per core)"),
    ] = os.cpu_count() or 1,
) -> None:
    """Jalankan aplikasi web / Start the web application (and a worker for plan runs)."""
    import uvicorn

    from pionir.supervisor import WorkerSupervisor
    from pionir.web.tcp import NoDelayH11Protocol

    # uvicorn shuts down gracefully on these signals and then raises them again, which
    # would end this process before `finally` ran and leave the worker behind; this
    # handler turns them into an exception that does reach it. It also covers a signal
    # that comes before uvicorn has started.
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    settings = load_settings()
    supervisor = None
    try:
        # Migrate once here, so that several server processes do not race to do it.
        upgrade(make_engine(settings.database_url))
        # After the migration, whose INFO lines are noise here; the supervisor's are not.
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        if worker:
            env = os.environ | {"PIONIR_DATABASE_URL": settings.database_url}
            # A separate process: the solver never competes with requests for the GIL.
            command = [sys.executable, "-m", "pionir", "worker"]
            supervisor = WorkerSupervisor([*command, "--supervisor-pid", str(os.getpid())], env)
            supervisor.start()
        typer.echo(f"Pionir: http://{host}:{port}/  (API: http://{host}:{port}/docs)", err=True)
        # Python serves one request at a time per process (the GIL): one process per core.
        uvicorn.run(
            "pionir.web.app:worker_app",
            factory=True,
            host=host,
            port=port,
            workers=max(1, processes),
            http=NoDelayH11Protocol,
            log_level="warning",
            env_file=None,
            # A stop does not wait for a long upload: its reader child goes with it.
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
    except _StopRequested:
        pass  # a requested stop is a clean exit
    finally:
        # A second Ctrl-C must not cut the worker's shutdown short and orphan its children.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if supervisor is not None:
            supervisor.stop()


def worker(
    supervisor_pid: Annotated[
        int,
        typer.Option(hidden=True, help="Berhenti bila proses ini hilang / stop when it is gone"),
    ] = 0,
) -> None:
    """Jalankan pekerja proses perencanaan / Run the plan-run worker until stopped."""
    from pionir.services.worker import run_worker

    settings = load_settings()
    upgrade(make_engine(settings.database_url))
    stop = threading.Event()

    def _stop(_signal: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if supervisor_pid:
        _stop_without(supervisor_pid, stop)
    typer.echo("Pionir worker: menunggu proses / waiting for runs", err=True)
    run_worker(settings.database_url, stop)


def _stop_without(parent_pid: int, stop: threading.Event) -> None:
    """Stop the worker (gracefully: its run is recorded as stopped) when `serve` is gone,
    killed by SIGKILL, say, before it could stop the worker itself."""

    def watch() -> None:
        while not stop.wait(1.0):
            if os.getppid() != parent_pid:
                logging.getLogger("pionir.worker").warning(
                    "serve %s hilang / is gone: pekerja berhenti / worker stops", parent_pid
                )
                stop.set()

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()


def create_admin(
    username: Annotated[str, typer.Option(prompt="Nama pengguna / username")],
    full_name: Annotated[str, typer.Option(prompt="Nama lengkap / full name")] = "",
    password_stdin: Annotated[
        bool, typer.Option(help="Baca kata sandi dari stdin / read the password from stdin")
    ] = False,
) -> None:
    """Buat administrator pertama (perencana) / Create the first administrator (a planner)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Kata sandi / password", hide_input=True, confirmation_prompt=True)
    settings = load_settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_factory(engine)() as db:
        try:
            create_user(
                db,
                None,
                username=username,
                full_name=full_name,
                password=password,
                role=Role.PLANNER,
                is_admin=True,
            )
        except ServiceError as error:
            lines = [f"{error.message} / {error.message_en}"]
            lines += [
                f"  {i.column}: {i.message} / {i.message_en}" for i in getattr(error, "issues", [])
            ]
            typer.echo("\n".join(lines), err=True)
            raise typer.Exit(2) from None
        db.commit()
    typer.echo(f"Administrator '{username.strip().lower()}' dibuat / created.", err=True)


def import_scenario(
    scenario: Annotated[
        Path, typer.Argument(help="Folder CSV atau berkas .xlsx / CSV folder or .xlsx")
    ],
    name: Annotated[str, typer.Option(help="Nama skenario / scenario name")] = "",
    plan: Annotated[bool, typer.Option(help="Langsung rencanakan / plan it at once")] = False,
    time_limit: Annotated[float, typer.Option(help="Detik / seconds")] = 30.0,
) -> None:
    """Impor skenario ke basis data aplikasi / Import a scenario into the application's database."""
    from pionir.scenario.errors import ScenarioRefused
    from pionir.scenario.load import load_scenario
    from pionir.services.actor import SYSTEM
    from pionir.services.execute import plan_here
    from pionir.services.runs import request_run
    from pionir.services.scenarios import new_scenario

    settings = load_settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    try:
        loaded = load_scenario(scenario)
    except ScenarioRefused as refused:
        for issue in refused.issues:
            typer.echo(str(issue), err=True)
        raise typer.Exit(2) from None
    sessions = session_factory(engine)
    with sessions() as db:
        version = new_scenario(
            db, SYSTEM, loaded, name=name or scenario.name, source_name=scenario.name
        )
        typer.echo(f"Versi / version {version.id}: {len(loaded.employees):,} pegawai", err=True)
        run_id = request_run(db, SYSTEM, version.id, time_limit=time_limit).id if plan else None
        db.commit()
    if run_id is None:
        return
    typer.echo(f"Merencanakan / planning run {run_id} ({time_limit:.0f} s)...", err=True)
    run = plan_here(engine, run_id, "cli", workers=4)
    typer.echo(f"Proses / run {run_id}: {run.status} {run.message_en}", err=True)
    if run.status != "succeeded":
        raise typer.Exit(3)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)
    app.command("create-admin")(create_admin)
    app.command("import")(import_scenario)
