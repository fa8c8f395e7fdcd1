"""Time what reading a stored version costs: a GET of the capacity page, and a policy edit.

Run by hand (about a minute at scale 1):

    PYTHONPATH=src .venv/bin/python benchmarks/version_reads.py [--scale 1] [--looks 10] [--edits 4]

Stores the demo scenario once in a fresh SQLite database, then, through the web app in
process (no network), times `GET /versions/{id}/capacity` and `GET /versions/{id}/policy`
as a planner, and `PUT /api/versions/{id}/policy` raising one threshold (each edit from
the same base version, so each costs the same). Prints the median and the slowest of each,
and the process's peak memory. It uses only routes and services that every release has,
so the same script measures the code before and after a change.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from httpx import Response

from pionir.config import Settings
from pionir.db.engine import make_engine, session_factory
from pionir.db.migrate import upgrade
from pionir.scenario.demo import generate_demo
from pionir.services.accounts import actor_of, create_user
from pionir.services.actor import Role
from pionir.services.scenarios import new_scenario
from pionir.web.app import create_app

PASSWORD = "kata-sandi-tolok-ukur-123"


def _timed(times: int, call: Callable[[int], Response]) -> list[float]:
    seconds = []
    for attempt in range(times):
        started = time.perf_counter()
        answer = call(attempt)
        seconds.append(time.perf_counter() - started)
        assert answer.status_code in (200, 201), answer.text[:500]
    return seconds


def _line(what: str, seconds: list[float]) -> str:
    return (
        f"{what:<34} median {statistics.median(seconds) * 1000:8.0f} ms"
        f"   slowest {max(seconds) * 1000:8.0f} ms   (n={len(seconds)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--looks", type=int, default=10, help="GETs of each page")
    parser.add_argument("--edits", type=int, default=4, help="policy edits")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pionir-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        scenario = generate_demo(scale=args.scale, seed=args.seed)
        with session_factory(engine)() as db:
            planner = create_user(
                db,
                None,
                username="perencana",
                full_name="Perencana",
                password=PASSWORD,
                role=Role.PLANNER,
                is_admin=True,
            )
            version_id = new_scenario(
                db, actor_of(planner), scenario, name="Demo", source_name="demo"
            ).id
            db.commit()
        print(f"demo scale {args.scale:g}: {len(scenario.employees):,} employees")
        settings = Settings(database_url=url, data_dir=Path(tmp))
        with TestClient(create_app(settings, engine)) as client:
            answer = client.post("/api/login", json={"username": "perencana", "password": PASSWORD})
            headers = {"X-CSRF-Token": answer.json()["csrf_token"]}
            capacity = _timed(args.looks, lambda _: client.get(f"/versions/{version_id}/capacity"))
            policy = _timed(args.looks, lambda _: client.get(f"/versions/{version_id}/policy"))
            edits = _timed(
                args.edits,
                lambda attempt: client.put(
                    f"/api/versions/{version_id}/policy",
                    params={"base_on_old": "true"},
                    json={"screening": {"min_berakhlak": 71 + attempt}},
                    headers=headers,
                ),
            )
        engine.dispose()
    print(_line("GET /versions/{id}/capacity", capacity))
    print(_line("GET /versions/{id}/policy", policy))
    print(_line("PUT /api/versions/{id}/policy", edits))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
