"""Uploads read in a child process with a memory and a time limit.

openpyxl builds a Python object for every cell, holding the GIL: in the web process a
large workbook took a gigabyte and stalled every other user's request for seconds. The
child (`python -m pionir.services.upload_reader`, a fresh interpreter) reads and
validates the upload, handed over as a temporary file, and sends back the `Scenario`, or the problems found, pickled on its
standard output; the web process meanwhile only waits on a pipe, so other requests go on.

The child's address space is capped (`RLIMIT_AS`) at what it holds once its libraries
are imported and the upload is in memory, plus `Settings.upload_memory_mb`: past it an
allocation fails with MemoryError. The web process kills the child at
`Settings.upload_seconds`. Either gives a refusal naming the file and saying what to do,
never a 500. The child runs at a lower CPU priority, so page requests come first; it
shares the web process's process group (what stops `serve` stops it) and ends itself when
the web process is gone.
"""

from __future__ import annotations

import copyreg
import errno
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Final

from pionir.config import Settings
from pionir.scenario.errors import IssueList, Rule, ScenarioIssue, ScenarioRefused
from pionir.scenario.model import Scenario
from pionir.services.errors import ServiceError

MODULE: Final = "pionir.services.upload_reader"
# How often the waiting web thread looks at the clock and at its own process's shutdown.
WAIT_STEP: Final = 0.5
# Below page requests, like a plan run (services/execute.py).
READER_NICENESS: Final = 10
# The child's exit code when it could not even say that it ran out of memory.
_NO_MEMORY_EXIT: Final = 3
# Readers one web process runs at once: each may take `upload_memory_mb`, so without a
# cap N uploads at once could take N times that. A further upload waits this long for a
# turn, then is told to try again (503) rather than queueing without end.
MAX_READERS: Final = 2
TURN_WAIT_SECONDS: Final = 15.0
_TURNS = threading.BoundedSemaphore(MAX_READERS)


class ReadersBusy(ServiceError):
    """Every reader is taken by other uploads; the upload may be sent again shortly."""

    status = 503

    def __init__(self) -> None:
        super().__init__(
            "Server sedang membaca unggahan lain; kirim ulang file ini sebentar lagi.",
            "The server is reading other uploads; send this file again in a moment.",
        )


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """What reading one upload may take: memory above the reader's start, and wall time."""

    memory_mb: int
    seconds: float


@dataclass(frozen=True, slots=True)
class _Read:
    scenario: Scenario


@dataclass(frozen=True, slots=True)
class _Refused:
    """A ScenarioRefused in parts: the exception's own pickling would call its __init__
    with its message instead of its issues."""

    issues: tuple[ScenarioIssue, ...]
    omitted: Mapping[Rule, int]


@dataclass(frozen=True, slots=True)
class _OutOfMemory:
    pass


_Outcome = _Read | _Refused | _OutOfMemory


def limits_of(settings: Settings) -> ReadLimits:
    return ReadLimits(settings.upload_memory_mb, settings.upload_seconds)


def reader(settings: Settings) -> Callable[[bytes, str], Scenario]:
    """`read_in_child` with the settings' limits, for `scenarios.import_scenario(read=...)`."""
    return partial(read_in_child, limits=limits_of(settings))


def read_in_child(data: bytes, filename: str, *, limits: ReadLimits) -> Scenario:
    """The scenario in the upload, read by a child process within `limits`.

    Raises ScenarioRefused for the problems in the file, and for a file whose reading
    passes the memory or time limit; ReadersBusy when other uploads hold every reader.
    """
    if not _TURNS.acquire(timeout=TURN_WAIT_SECONDS):
        raise ReadersBusy()
    try:
        return _read_in_child(data, filename, limits)
    finally:
        _TURNS.release()


def _read_in_child(data: bytes, filename: str, limits: ReadLimits) -> Scenario:
    # The child imports this very copy of pionir, wherever it was imported from.
    package_root = str(Path(__file__).resolve().parents[2])
    env = os.environ | {
        # One thread for numpy's BLAS: each thread reserves address space the limit counts.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    # The upload goes to the child as a file: a pipe would need feeding while waiting.
    with tempfile.NamedTemporaryFile(prefix="pionir-upload-") as upload:
        upload.write(data)
        upload.flush()
        command = [
            sys.executable,
            "-m",
            MODULE,
            upload.name,
            filename,
            str(limits.memory_mb),
            str(os.getpid()),
        ]
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=env)
        try:
            output = _wait(child, limits.seconds)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    if output is None:
        raise ScenarioRefused([_too_slow(filename, limits.seconds)])
    if child.returncode < 0 or child.returncode == _NO_MEMORY_EXIT:
        # Killed by a signal (the kernel's out-of-memory killer, say) or out of memory.
        raise ScenarioRefused([_too_large(filename, limits.memory_mb)])
    if child.returncode != 0:
        # A fault in the reader itself (its traceback is on the server's log): a bug,
        # not a problem of the file, so it stays an error.
        raise RuntimeError(f"upload reader exited with code {child.returncode}")
    outcome: _Outcome = pickle.loads(output)
    if isinstance(outcome, _Read):
        return outcome.scenario
    if isinstance(outcome, _Refused):
        issues = IssueList(outcome.issues)
        issues.omitted.update(outcome.omitted)
        raise ScenarioRefused(issues)
    raise ScenarioRefused([_too_large(filename, limits.memory_mb)])


def _wait(child: subprocess.Popen[bytes], seconds: float) -> bytes | None:
    """The child's output once it exits, or None at the time limit or when this process
    is shutting down (uvicorn's graceful shutdown gave up on the request: the child must
    not outlive it)."""
    deadline = time.monotonic() + seconds
    while True:
        step = min(WAIT_STEP, max(0.0, deadline - time.monotonic()))
        try:
            # Retried after a timeout, communicate keeps what it has read so far.
            output, _ = child.communicate(timeout=step)
            return output
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() >= deadline or not threading.main_thread().is_alive():
            return None


def _too_large(filename: str, memory_mb: int) -> ScenarioIssue:
    name = _shown_name(filename)
    advice_id, advice_en = _advice(filename)
    return ScenarioIssue(
        name,
        0,
        "",
        f"Membaca '{name}' memerlukan lebih dari {memory_mb:,} MB memori, batas server ini. "
        f"{advice_id} Tidak ada yang disimpan.",
        f"Reading '{name}' needs more than {memory_mb:,} MB of memory, this server's limit. "
        f"{advice_en} Nothing was saved.",
    )


def _too_slow(filename: str, seconds: float) -> ScenarioIssue:
    name = _shown_name(filename)
    advice_id, advice_en = _advice(filename)
    shown = f"{seconds:,.0f}" if seconds >= 1 else f"{seconds:g}"
    return ScenarioIssue(
        name,
        0,
        "",
        f"Membaca '{name}' tidak selesai dalam {shown} detik, batas server ini. "
        f"{advice_id} Tidak ada yang disimpan.",
        f"Reading '{name}' did not finish within {shown} seconds, this server's limit. "
        f"{advice_en} Nothing was saved.",
    )


def _advice(filename: str) -> tuple[str, str]:
    if PurePosixPath(filename).suffix.lower() == ".xlsx":
        return (
            "Bagi skenarionya menjadi beberapa file yang lebih kecil, atau unggah arsip "
            ".zip berisi file CSV-nya (jauh lebih ringan dibaca).",
            "Split the scenario into smaller files, or upload the zip of its CSV files "
            "instead (far lighter to read).",
        )
    return (
        "Bagi skenarionya menjadi beberapa file yang lebih kecil.",
        "Split the scenario into smaller files.",
    )


def _shown_name(filename: str) -> str:
    return PurePosixPath(filename.replace("\\", "/")).name or filename


# --- the child ---------------------------------------------------------------------------


def frozen_mapping(items: dict[object, object]) -> Mapping[object, object]:
    """A read-only mapping again, on unpickling (see `_reduce_mapping`)."""
    return MappingProxyType(items)


def _reduce_mapping(
    mapping: MappingProxyType[object, object],
) -> tuple[Callable[..., object], tuple[object, ...]]:
    """The policy's read-only mappings (MappingProxyType) do not pickle by themselves."""
    return (frozen_mapping, (dict(mapping),))


def _exit_with_parent(parent_pid: int) -> None:  # pragma: no cover - runs in the child
    """End this process when the web process that started it is gone: nobody would
    hear its answer."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(WAIT_STEP)
        os._exit(_NO_MEMORY_EXIT + 1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _address_space() -> int | None:
    """This process's address space in bytes (Linux), or None where it cannot be told."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _limit_memory(memory_mb: int) -> None:  # pragma: no cover - runs in the child
    """Cap the address space at what is mapped now plus `memory_mb`.

    Relative, because numpy and the libraries map a good hundred megabytes of address
    space at import that never becomes memory in use: an absolute cap would mean
    something else on every machine.
    """
    import resource

    used = _address_space()
    if used is None:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child_main(argv: list[str]) -> int:  # pragma: no cover - runs in the child
    """Read the upload in the file argv[0], sent as argv[1], within argv[2] MB above what
    this process holds at the start; the outcome to stdout. argv[3] is the web process's
    pid: passed rather than read here, so a parent that died before this line is noticed."""
    path, filename, memory_mb, parent_pid = argv[0], argv[1], int(argv[2]), int(argv[3])
    _exit_with_parent(parent_pid)
    os.nice(READER_NICENESS)
    # The outcome goes to the real stdout; anything a library prints goes to stderr.
    result = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    # SIGINT is for the terminal's foreground `serve`, which stops this child itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from pionir.services.archive import scenario_from_upload

    data = Path(path).read_bytes()
    _limit_memory(memory_mb)
    outcome: _Outcome
    try:
        outcome = _Read(scenario_from_upload(data, filename))
    except ScenarioRefused as refused:
        outcome = _Refused(refused.issues, refused.omitted)
    except MemoryError:
        outcome = _OutOfMemory()
    except OSError as error:
        if error.errno != errno.ENOMEM:
            raise
        outcome = _OutOfMemory()
    del data
    try:
        # Pickled to the pipe frame by frame: little memory on top of the scenario.
        pickler = pickle.Pickler(result, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = copyreg.dispatch_table | {MappingProxyType: _reduce_mapping}
        pickler.dump(outcome)
        result.close()
    except MemoryError:
        return _NO_MEMORY_EXIT
    return 0


if __name__ == "__main__":  # pragma: no cover - runs in the child
    # Through the module's own name, not __main__: what it pickles must be found by that
    # name in the web process.
    from pionir.services.upload_reader import _child_main as main

    sys.exit(main(sys.argv[1:]))
