"""Running a build's jobs: every PDF, then each site as soon as its industry's PDFs are ready.

One job runs them in this process (:class:`SerialRunner`); more run in a pool of spawned worker
processes (:class:`PoolRunner`: spawn, not fork, since the caller may have threads, such as a
test's web server), or on a Dask cluster (:class:`trainkit.cluster.ClusterRunner`). Each reports a
job's outcome the same way: the bytes of the output, which the build writes itself. Every
failure of the run is collected and raised together by :class:`Failures`, except a cluster that
cannot go on, which stops the run at once.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from . import jobs
from .cache import Inputs
from .environment import TemplateCaches
from .errors import BuildError, ClusterError, ContentQualityError, InputError, InternalError, Problem

if TYPE_CHECKING:
    from .cluster import ClusterRunner, Scheduler

#: Called as each output finishes: (done, total, output name, seconds it took).
Progress = Callable[[int, int, str, float], None]
#: What a runner hands back for each finished job: the task, its result, or the error it raised.
Outcome = tuple["Task", Any, BaseException | None]


@dataclass(frozen=True)
class Task:
    """One output to produce: a PDF edition or an industry's site."""

    industry_id: str
    edition_id: str
    key: str

    @property
    def name(self) -> str:
        return f"{self.industry_id}/{self.edition_id}"


@dataclass(frozen=True)
class Job:
    """What makes one task's output: ``work(root, *args)``, where ``root`` is the project folder of
    the process that runs it, and the inputs the output is made from (a cluster worker checks that
    its own are the same before it starts)."""

    work: Callable[..., Any]
    args: tuple[Any, ...]
    inputs: Inputs


@dataclass
class Failures:
    """Every failure of a run, by kind, so all of them are reported at once."""

    problems: list[Problem] = field(default_factory=list)
    quality: list[Problem] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    bugs: list[InternalError] = field(default_factory=list)

    def add(self, task: Task, error: BaseException) -> None:
        if isinstance(error, ContentQualityError):
            self.quality += [p for p in error.problems if p not in self.quality]
        elif isinstance(error, InputError):
            self.problems += [p for p in error.problems if p not in self.problems]
        elif isinstance(error, BuildError):
            self.messages.append(f"{task.name}: {error}")
        elif isinstance(error, BrokenProcessPool):
            self.messages.append(f"{task.name}: a worker process died (out of memory?); try again with --jobs 1")
        else:
            self.bugs.append(InternalError.from_exception(error, f"building {task.name}"))

    def raise_any(self) -> None:
        """Raise the most fundamental failure: a bug, then bad input, then the rest."""
        if self.bugs:
            first = self.bugs[0]
            details = "\n".join(bug.details for bug in self.bugs)
            raise InternalError(first.summary, details)
        if self.problems:
            raise InputError(self.problems)
        if self.quality:
            raise ContentQualityError(self.quality)
        if self.messages:
            raise BuildError("\n  ".join(self.messages))


class Runner(Protocol):
    """Runs jobs and reports each outcome as it finishes."""

    caches: TemplateCaches | None

    def submit(self, task: Task, job: Job) -> None: ...
    def pending(self) -> bool: ...
    def finished(self) -> Iterator[Outcome]: ...


class SerialRunner:
    """Runs each job in this process, in the order submitted, sharing the build's caches."""

    def __init__(self, root: Path, caches: TemplateCaches) -> None:
        self.root = root
        self.caches: TemplateCaches | None = caches
        self._queue: deque[tuple[Task, Job]] = deque()

    def __enter__(self) -> SerialRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self._queue.clear()

    def submit(self, task: Task, job: Job) -> None:
        self._queue.append((task, job))

    def pending(self) -> bool:
        return bool(self._queue)

    def finished(self) -> Iterator[Outcome]:
        task, job = self._queue.popleft()
        try:
            yield task, jobs.run(f"building {task.name}", job.work, self.root, *job.args), None
        except Exception as err:  # an expected failure, or a bug already wrapped by jobs.run
            yield task, None, err


class PoolRunner:
    """Runs jobs in ``count`` spawned worker processes that leave when this process dies."""

    caches: TemplateCaches | None = None  # each worker makes its own, job by job

    def __init__(self, root: Path, count: int) -> None:
        self.root = root
        self._pool = ProcessPoolExecutor(
            count, mp_context=get_context("spawn"), initializer=jobs.init_worker, initargs=(os.getpid(),)
        )
        self._running: dict[Future[Any], Task] = {}

    def __enter__(self) -> PoolRunner:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        # On any failure (Ctrl-C included) stop at once rather than finish the queue.
        self._pool.shutdown(wait=kind is None, cancel_futures=kind is not None)

    def submit(self, task: Task, job: Job) -> None:
        future = self._pool.submit(jobs.run, f"building {task.name}", job.work, self.root, *job.args)
        self._running[future] = task

    def pending(self) -> bool:
        return bool(self._running)

    def finished(self) -> Iterator[Outcome]:
        completed, _ = wait(self._running, return_when=FIRST_COMPLETED)
        for future in completed:
            task = self._running.pop(future)
            error = future.exception()
            yield task, None if error else future.result(), error


def runner(
    root: Path, jobs_count: int | None, caches: TemplateCaches, scheduler: Scheduler | None = None
) -> SerialRunner | PoolRunner | ClusterRunner:
    """On the Dask cluster ``scheduler`` names when one is given, else in-process for one job,
    else a pool of ``jobs_count`` (default: one per CPU) workers."""
    if scheduler is not None:
        from .cluster import ClusterRunner

        return ClusterRunner(root, scheduler)
    count = max(1, jobs_count or os.cpu_count() or 1)
    return SerialRunner(root, caches) if count == 1 else PoolRunner(root, count)


class Outputs(Protocol):
    """Makes the job that produces a task's output, and keeps (writes) what the job returned."""

    def pdf_job(self, task: Task, caches: TemplateCaches | None) -> Job: ...
    def site_job(self, task: Task, pages: dict[str, int]) -> Job: ...
    def keep(self, task: Task, made: jobs.PdfMade | jobs.SiteMade) -> None: ...


def run_tasks(
    outputs: Outputs, pdf_tasks: list[Task], site_tasks: list[Task], runner: Runner, progress: Progress
) -> dict[str, int]:
    """Run every PDF task, then each site once its industry's PDFs are ready (a site whose
    industry had a failure is not built); return the page count of each PDF written.

    Every failure is collected and raised together once nothing is left running.
    """
    waiting = {task.industry_id: 0 for task in site_tasks}
    for task in pdf_tasks:
        if task.industry_id in waiting:
            waiting[task.industry_id] += 1
    sites = {task.industry_id: task for task in site_tasks}
    failures, failed, pages = Failures(), set[str](), dict[str, int]()
    done, total = 0, len(pdf_tasks) + len(site_tasks)

    def start(task: Task) -> None:
        try:
            is_site = task.industry_id in sites and sites[task.industry_id] is task
            job = outputs.site_job(task, pages) if is_site else outputs.pdf_job(task, runner.caches)
            runner.submit(task, job)
        except ClusterError:
            raise
        except Exception as err:  # making the job failed: the same report as the job failing
            failures.add(task, err)
            failed.add(task.industry_id)

    for task in [*pdf_tasks, *(sites[i] for i, count in waiting.items() if count == 0)]:
        start(task)
    while runner.pending():
        for task, result, error in runner.finished():
            done += 1
            if isinstance(error, ClusterError):
                raise error  # every job left would meet the same cluster: stop now, say why
            if error is not None:
                failures.add(task, error)
                failed.add(task.industry_id)
            else:
                outputs.keep(task, result)  # a write that fails (a full disk) stops the run
                if isinstance(result, jobs.PdfMade):
                    pages[task.name] = result.pages
                progress(done, total, task.name, result.seconds)
            if task.industry_id in waiting and sites[task.industry_id] is not task:
                waiting[task.industry_id] -= 1
                if waiting[task.industry_id] == 0 and task.industry_id not in failed:
                    start(sites[task.industry_id])
    failures.raise_any()
    return pages
