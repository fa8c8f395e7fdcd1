"""HiGHS MIP searches in a child process, so that a deadline can always be kept.

HiGHS checks its time limit and its interrupt callback in most places, but not in all
(its sub-MIPs and some root separation rounds ran for minutes past the limit here). A
wall-clock limit is a promise, so every MIP runs in its own process: each improving
solution and the dual bound are sent back as they come, and at the deadline the child is
ended and the best solution received so far is used. With a work limit the search is
deterministic and is waited for.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np
from numpy.typing import NDArray

# How often the child reports the dual bound, in seconds.
BOUND_EVERY = 0.5


@dataclass(frozen=True, slots=True)
class MipJob:
    """What the child needs: the model (as HiGHS arrays), options and a start."""

    model: Any  # an LpArrays; typed loosely to keep this module free of the builder
    integer_columns: NDArray[np.int64]
    start_columns: NDArray[np.int32]
    start_values: NDArray[np.float64]
    options: dict[str, float | int | bool]


@dataclass(frozen=True, slots=True)
class MipAnswer:
    """The best solution received and the best dual bound proven."""

    values: NDArray[np.float64]
    objective: float
    bound: float
    optimal: bool


def _exit_with_parent() -> None:  # pragma: no cover - runs in the child
    """End this process when its parent is gone (a cancelled web run, say): nobody waits."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _child(job: MipJob, conn: Connection) -> None:  # pragma: no cover - runs in the child
    from pionir.planner.relaxation import prepared

    _exit_with_parent()
    solver = prepared(job)
    last = [0.0]

    def improving(event: Any) -> None:
        data = event.data_out
        conn.send(("solution", float(data.objective_function_value), np.array(data.mip_solution)))

    def interrupt(event: Any) -> None:
        now = time.monotonic()
        if now - last[0] >= BOUND_EVERY:
            last[0] = now
            conn.send(("bound", float(event.data_out.mip_dual_bound)))

    solver.cbMipImprovingSolution.subscribe(improving)
    solver.cbMipInterrupt.subscribe(interrupt)
    solver.run()
    info = solver.getInfo()
    status = str(solver.getModelStatus())
    optimal = status.endswith("kOptimal")
    infeasible = status.endswith("kInfeasible")
    has_solution = info.primal_solution_status == 2
    values = np.array(solver.getSolution().col_value) if has_solution else None
    conn.send(
        (
            "done",
            float(info.objective_function_value),
            float(info.mip_dual_bound),
            values,
            optimal,
            infeasible,
        )
    )
    conn.close()


def run_mip(job: MipJob, deadline: float | None) -> MipAnswer | None:
    """Run the MIP in a child; None when no solution came before the deadline.

    The child is a fresh interpreter (`python -m pionir.planner.mip_child`) rather than
    a multiprocessing spawn, which would re-import the caller's main script.
    """
    read_fd, write_fd = os.pipe()
    child = subprocess.Popen(
        [sys.executable, "-m", "pionir.planner.mip_child", str(write_fd)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        pass_fds=(write_fd,),
    )
    os.close(write_fd)
    receive = Connection(read_fd)
    best: tuple[float, NDArray[np.float64]] | None = None
    bound = float("inf")
    optimal = infeasible = False
    try:
        assert child.stdin is not None
        child.stdin.write(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        child.stdin.close()
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not receive.poll(wait):
                break  # the deadline: keep what came so far
            try:
                message = receive.recv()
            except EOFError:
                break
            if message[0] == "solution":
                if best is None or message[1] > best[0]:
                    best = (message[1], message[2])
            elif message[0] == "bound":
                bound = min(bound, message[1])
            else:
                _, objective, final_bound, values, optimal, infeasible = message
                bound = min(bound, final_bound)
                if values is not None and (best is None or objective >= best[0]):
                    best = (objective, values)
                break
    except BrokenPipeError:
        pass  # the child died; what it sent is kept
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)
        receive.close()
    if infeasible:
        from pionir.planner.relaxation import RelaxationInfeasible

        raise RelaxationInfeasible
    if best is None:
        return None
    return MipAnswer(best[1], best[0], max(bound, best[0]), optimal)


if __name__ == "__main__":  # pragma: no cover - the child's entry point
    _child(pickle.loads(sys.stdin.buffer.read()), Connection(int(sys.argv[1])))
