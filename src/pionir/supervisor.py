"""`serve`'s plan worker, supervised: started in a process group of its own, started
again when it dies, and stopped together with every process it started.

The worker, its run child (a multiprocessing spawn) and the planner's MIP child
(`planner/mip_child.py`) all share the worker's process group, so one signal to the
group reaches them all at once, and a sweep with SIGKILL afterwards leaves nothing
behind, even a child that was itself orphaned. Each child also exits on its own when its
parent vanishes, and the worker when `serve` does (`--supervisor-pid`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence

log = logging.getLogger("pionir.supervisor")

# A worker that dies is started again after this delay, doubled while it keeps dying
# young (a broken database URL, say), so that a crash loop does not spin a core.
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
# A worker that ran at least this long before it died is not in a crash loop.
STEADY_SECONDS = 60.0
# How often the supervisor looks at its worker.
CHECK_SECONDS = 0.5
# Time the worker gets on SIGTERM to stop its run and record it, before SIGKILL.
STOP_GRACE = 20.0


def signal_group(group: int, signum: int) -> None:
    """Send a signal to a process group; a group with no process left is fine."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)


class WorkerSupervisor:
    """Keeps one worker process running until `stop`."""

    def __init__(self, command: Sequence[str], env: Mapping[str, str]) -> None:
        self.command = list(command)
        self.env = dict(env)
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._started_at = 0.0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._supervise, name="supervisor", daemon=True)

    def start(self) -> None:
        with self._lock:
            self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        # process_group=0: the worker leads a new group (whose id is its pid), which its
        # children join; a Ctrl-C in the terminal reaches only `serve`, which stops it.
        self.process = subprocess.Popen(self.command, env=self.env, process_group=0)
        self._started_at = time.monotonic()
        log.info("pekerja dimulai / worker started (pid %s)", self.process.pid)

    def _supervise(self) -> None:
        backoff = FIRST_BACKOFF
        while not self._stopping.wait(CHECK_SECONDS):
            with self._lock:
                process = self.process
                assert process is not None
                code = process.poll()
                if code is None:
                    continue
                # What the dead worker left (a run child, a MIP child) goes with it, so
                # each restart adds no process.
                signal_group(process.pid, signal.SIGKILL)
                if time.monotonic() - self._started_at >= STEADY_SECONDS:
                    backoff = FIRST_BACKOFF
            log.warning(
                "pekerja berhenti (kode %s), dimulai ulang dalam %.0f detik / "
                "worker stopped (code %s), restarting in %.0f s",
                code,
                backoff,
                code,
                backoff,
            )
            if self._stopping.wait(backoff):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self._spawn()
                self.restarts += 1
            backoff = min(backoff * 2, MAX_BACKOFF)

    def stop(self, grace: float = STOP_GRACE) -> None:
        """Stop the worker and everything in its process group; returns once they are gone."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()
        process = self.process
        if process is None:
            return
        # The whole group at once: the worker records the run as stopped, its children die.
        signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            log.warning("pekerja tidak berhenti / worker did not stop in %.0f s: killed", grace)
        signal_group(process.pid, signal.SIGKILL)
        process.wait()
