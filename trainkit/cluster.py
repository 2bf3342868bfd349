"""Running a build's jobs on a Dask cluster: `build.py build --scheduler tcp://HOST:PORT` or `local[:N]`.

The jobs go through the ``concurrent.futures`` executor of a ``distributed.Client``, in place of the
process pool. Each job travels with the inputs its output is made from (the hashes of the package
code and of the project files its cache key uses, trainkit/cache.py); the worker hashes its own
and refuses the job when anything differs, rather than render stale output. A worker returns the
bytes of the output, and only this process writes them (trainkit/pipeline.py, ``Outputs.keep``).

A worker's project folder is ``$TRAINKIT_ROOT`` when that is set, else the checkout its trainkit
package was imported from: a worker started in the project folder (README, "Build on a Dask
cluster") runs the code and reads the files of that one checkout. ``local[:N]`` starts a
``LocalCluster`` on this machine whose workers get this build's project folder.

Dask re-runs the job of a worker that dies on another worker. When the cluster cannot finish (the
scheduler cannot be reached or goes away, no worker is left, a worker refuses the work) the build
stops with a :class:`~trainkit.errors.ClusterError`; waits are bounded, so nothing hangs.
Distributed is imported here only, and only when a build asks for a cluster.
"""

from __future__ import annotations

import datetime
import importlib.util
import logging
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from . import jobs
from .cache import Inputs, same_files_at
from .environment import TemplateCaches
from .errors import BuildError, ClusterError, InputError, Problem
from .pdf import build_date
from .schedule import Job, Outcome, Task

#: On a worker: the project folder, when it is not the checkout the worker's trainkit comes from.
ROOT_VARIABLE = "TRAINKIT_ROOT"
#: How long to try to reach the scheduler before giving up.
CONNECT_SECONDS = 20.0
#: How long a cluster may have no worker (one may be restarting, or joining) before the build gives up.
NO_WORKERS_SECONDS = 60.0
#: How long the connection to the scheduler may be down before the build gives up.
DISCONNECTED_SECONDS = 30.0
#: How often the cluster's state is looked at while every job is still running.
POLL_SECONDS = 1.0
#: The largest ``local:N``: each worker is a process that needs memory for WeasyPrint.
MAX_LOCAL_WORKERS = 64
SETUP = "start the scheduler and every worker from the same checkout and lock file (README, 'Build on a Dask cluster')"
ADDRESS = re.compile(
    r"tcp://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(?P<port>[0-9]{1,5})"
)
LOCAL = re.compile(r"local(?::(?P<workers>[0-9]{1,4}))?")


@dataclass(frozen=True)
class Scheduler:
    """Where the jobs run: a running scheduler's address, or a local cluster of ``local_workers``."""

    address: str | None
    local_workers: int = 0

    def __str__(self) -> str:
        return self.address or f"a local cluster of {self.local_workers} worker(s)"


def parse_scheduler(text: str) -> Scheduler:
    """``tcp://HOST:PORT``, ``local`` (one worker per CPU) or ``local:N``; anything else is bad input."""
    address, local = ADDRESS.fullmatch(text.strip()), LOCAL.fullmatch(text.strip())
    if address and 0 < int(address["port"]) < 65536:
        return Scheduler(text.strip())
    if local:
        workers = int(local["workers"] or os.cpu_count() or 1)
        if 1 <= workers <= MAX_LOCAL_WORKERS:
            return Scheduler(None, workers)
    raise InputError(
        [
            Problem(
                "command line",
                None,
                "--scheduler",
                f"Expected tcp://HOST:PORT (the address `dask scheduler` prints, e.g. tcp://10.0.0.5:8786) "
                f"or local[:N] (N from 1 to {MAX_LOCAL_WORKERS} workers on this machine) but received {text!r}",
            )
        ]
    )


def build_epoch() -> int:
    """The moment every output of this build carries, as SOURCE_DATE_EPOCH: the variable's own
    value when set, else noon (UTC) of today's date here, so that a worker in another time zone
    prints the date this build's cache keys hold."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return int(epoch)
    noon = datetime.datetime.combine(build_date(), datetime.time(12), tzinfo=datetime.UTC)
    return int(noon.timestamp())


def worker_root() -> Path:
    """This worker's project folder: ``$TRAINKIT_ROOT``, else the checkout trainkit runs from."""
    from .sources import PROJECT_ROOT

    return Path(os.environ.get(ROOT_VARIABLE) or PROJECT_ROOT)


def refusal(expected: Inputs, root: Path, worker: str, threads: int) -> str:
    """Why the worker ``worker``, whose project folder is ``root``, must not do a job made from
    ``expected`` ("" when it may)."""
    if threads != 1:
        return (
            f"the Dask worker {worker} runs {threads} threads; the render jobs need a process each: "
            "start workers with `--nthreads 1` (and `--nworkers` for several per machine)"
        )
    differences = expected.differences(same_files_at(root, expected))
    if not differences:
        return ""
    shown = ", ".join(differences[:6]) + (f" and {len(differences) - 6} more" if len(differences) > 6 else "")
    return (
        f"the Dask worker {worker} (project folder {root}) refused the work: "
        f"it differs from this build in {shown}; {SETUP}"
    )


def run_on_worker(expected: Inputs, epoch: int, during: str, work: Callable[..., Any], *args: Any) -> Any:
    """On a cluster worker: refuse (:class:`ClusterError`) unless this worker has the code and files
    ``expected``, else run ``work(root, *args)`` at the build's moment ``epoch``."""
    from distributed import get_worker

    worker = get_worker()
    root = worker_root()
    refused = refusal(expected, root, worker.address, worker.state.nthreads)
    if refused:
        raise ClusterError(refused)
    with source_date(epoch):
        return jobs.run(during, work, root, *args)


@contextmanager
def source_date(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to ``epoch`` while the block runs (the worker runs one job at a time)."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


class ClusterRunner:
    """Runs jobs on a Dask cluster through ``Client.get_executor()``, a few per worker thread at a
    time (the rest wait here, so the scheduler never holds every rendered edition at once)."""

    caches: TemplateCaches | None = None  # each worker makes its own, job by job

    def __init__(self, root: Path, scheduler: Scheduler) -> None:
        self.root = root
        self.scheduler = scheduler
        self.epoch = build_epoch()
        self._waiting: deque[tuple[Task, Job]] = deque()
        self._running: dict[Future[Any], Task] = {}
        self._threads = 1
        self._trouble_since: float | None = None
        self._cluster: Any = None
        self._client: Any = None
        self._executor: Any = None
        self._stack = ExitStack()

    def __enter__(self) -> ClusterRunner:
        import distributed  # noqa: F401  (its logging configuration first: quiet_dask() then applies to it)

        self._stack.enter_context(quiet_dask())
        try:
            self._connect()
        except BaseException:
            self._close()
            raise
        return self

    def _connect(self) -> None:
        import distributed

        address = self.scheduler.address
        if address is None:
            try:
                self._cluster = distributed.LocalCluster(
                    n_workers=self.scheduler.local_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # any free port: a fixed one may be taken
                    silence_logs=logging.ERROR,
                    env={ROOT_VARIABLE: str(self.root)},  # the workers' project folder is this build's
                )
            except Exception as err:  # Dask says what went wrong in its own words
                raise ClusterError(f"could not start a local Dask cluster: {type(err).__name__}: {err}") from None
            address = self._cluster.scheduler_address
        try:
            self._client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError) as err:
            raise ClusterError(
                f"could not reach the Dask scheduler at {address} ({err}); "
                "check that `dask scheduler` runs there and that this machine can reach its port, then run again"
            ) from None
        self._executor = self._client.get_executor()
        self._threads = max(1, sum(self._client.nthreads().values()))
        self._check_imports()

    def _check_imports(self) -> None:
        """The scheduler reads each job and the workers run it: all must import trainkit. A worker
        that cannot would leave the cluster at its first job, a scheduler fail every job, unexplained."""
        start_here = f"start it in the project folder with `.venv/bin/python -m dask {{}}`; {SETUP}"
        if self._client.run_on_scheduler(importlib.util.find_spec, "trainkit") is None:
            where = self.scheduler.address or "of the local cluster"
            raise ClusterError(f"the Dask scheduler {where} cannot import trainkit: " + start_here.format("scheduler"))
        lacking = [w for w, spec in self._client.run(importlib.util.find_spec, "trainkit").items() if spec is None]
        if lacking:
            raise ClusterError(
                f"the Dask worker(s) {', '.join(sorted(lacking))} cannot import trainkit: "
                + start_here.format("worker ADDRESS --nthreads 1")
            )

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._waiting.clear()
        if self._executor is not None and self._running:
            self._executor.shutdown(wait=False)  # cancels what is still running: the build failed
        self._close()

    def _close(self) -> None:
        with self._stack:
            if self._client is not None:
                self._client.close(timeout=10)
            if self._cluster is not None:
                self._cluster.close(timeout=10)

    def submit(self, task: Task, job: Job) -> None:
        self._waiting.append((task, job))
        self._send()

    def _send(self) -> None:
        # Two jobs per worker thread keep every worker busy while the next one travels.
        while self._waiting and len(self._running) < 2 * self._threads:
            task, job = self._waiting.popleft()
            during = f"building {task.name}"
            future = self._executor.submit(run_on_worker, job.inputs, self.epoch, during, job.work, *job.args)
            self._running[future] = task

    def pending(self) -> bool:
        return bool(self._running or self._waiting)

    def finished(self) -> Iterator[Outcome]:
        completed: set[Future[Any]] = set()
        while not completed:
            completed, _ = wait(self._running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            if not completed:
                self._look_at_cluster()
        for future in completed:
            task = self._running.pop(future)
            if future.cancelled():
                raise ClusterError(
                    f"the Dask scheduler at {self.scheduler} dropped {task.name} (it restarted, or this "
                    "machine lost its connection to it); run again"
                )
            error = future.exception()
            yield task, None if error else future.result(), self._explained(error)
        self._send()

    def _look_at_cluster(self) -> None:
        """Give up when the scheduler has been unreachable, or without workers, for too long."""
        now = time.monotonic()
        connected, threads = self._client.status == "running", 0
        try:
            threads = sum(self._client.nthreads(callback_timeout=POLL_SECONDS * 5).values()) if connected else 0
        except (OSError, TimeoutError):  # the scheduler did not answer: as good as unreachable
            connected = False
        if threads:
            self._threads, self._trouble_since = threads, None
            return
        self._trouble_since = self._trouble_since or now
        waited = now - self._trouble_since
        if not connected and waited > DISCONNECTED_SECONDS:
            raise ClusterError(
                f"lost the connection to the Dask scheduler at {self.scheduler} for {waited:.0f} s; "
                "check that it still runs, then run again"
            )
        if connected and waited > NO_WORKERS_SECONDS:
            raise ClusterError(
                f"the Dask scheduler at {self.scheduler} has had no workers for {waited:.0f} s; "
                f"start workers (`python -m dask worker ADDRESS --nthreads 1` in the project folder) and run again"
            )

    def _explained(self, error: BaseException | None) -> BaseException | None:
        """Dask's own failures as sentences; a job's failure (bad input, a bug) unchanged."""
        from distributed import KilledWorker

        if error is None or isinstance(error, BuildError | InputError):
            return error
        if isinstance(error, KilledWorker):
            return BuildError(
                "the Dask workers that ran it died each time (out of memory? see the `dask worker` logs); "
                "Dask gave up after retrying it on other workers"
            )
        if "deserializ" in str(error) or (isinstance(error, ImportError) and "trainkit" in str(error)):
            return ClusterError(
                f"the Dask cluster could not read this build's work ({str(error).splitlines()[0]}): start the "
                f"scheduler and each worker in the project folder with `.venv/bin/python -m dask …`; {SETUP}"
            )
        if isinstance(error, OSError | CancelledError | TimeoutError):
            return ClusterError(f"the Dask cluster at {self.scheduler} failed: {type(error).__name__}: {error}")
        return error


@contextmanager
def quiet_dask() -> Iterator[None]:
    """Keep Dask's log lines (a worker leaving, a lost connection and its traceback, jobs
    cancelled) out of the build's output while the block runs: what matters reaches the user as
    this build's own message. Dask's logging configuration sets levels on several of its loggers,
    so each one present is quietened, not only their parent."""
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in ("distributed", "tornado")]
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado", *names)]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
