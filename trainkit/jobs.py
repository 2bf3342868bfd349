"""The two kinds of work a build schedules, run in this process, a worker process or a cluster worker.

A job receives everything it needs (the project folder of the process that runs it, the rendered
edition, the PDFs a site offers) and keeps nothing between calls: the build renders and checks
every edition before it schedules any job, and passes the Markdown on, which costs about 1 ms of
pickling per edition where loading the sources again in each worker cost a second. A job writes
nothing the build keeps: it returns the bytes of its output, and the build alone writes them into
its staging folder (trainkit/write.py), so a job runs the same on this machine or another one.
In a worker, :func:`run` turns an unexpected exception into an
:class:`~trainkit.errors.InternalError` carrying the traceback, so a bug is reported the same
way with one job or many.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pypdf import PdfReader

from .editions import edition_by_id
from .environment import TemplateCaches
from .errors import EXPECTED_FAILURES, ContentQualityError, InternalError
from .pdf import pdf_bytes, write_pdf
from .render import RenderedEdition, make_environment, render_edition
from .site import build_site
from .terminology import terminology_problems

if TYPE_CHECKING:
    from .sources import Sources

Result = TypeVar("Result")
#: How often a worker checks that the build that started it is still alive.
PARENT_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class PdfWritten:
    """What `serve` remembers of a PDF its worker wrote."""

    pages: int
    seconds: float


@dataclass(frozen=True)
class PdfMade:
    """A PDF edition a job rendered: its bytes, for the build to write, and its page count."""

    data: bytes
    pages: int
    seconds: float


@dataclass(frozen=True)
class SiteMade:
    """An industry's site a job built: every file of it, by path inside the site's folder."""

    files: dict[str, bytes]
    seconds: float


def render_pdf_job(root: Path, rendered: RenderedEdition, caches: TemplateCaches | None = None) -> PdfMade:
    """Render one PDF edition; return its bytes."""
    begun = time.perf_counter()
    data, pages = pdf_bytes(root, rendered, caches)
    return PdfMade(data, pages, time.perf_counter() - begun)


def preview_pdf_job(sources: Sources, industry_id: str, edition_id: str, target: Path) -> PdfWritten:
    """`serve`: render one PDF edition of one industry, check its words and write it to ``target``.

    The edition is rendered here, in the worker, so the process that serves the site spends no
    time on it; the sources (a few milliseconds to pickle) come from the site build that planned the job.
    """
    (industry,) = sources.select([industry_id])
    edition = edition_by_id(edition_id)
    caches = TemplateCaches()
    env = make_environment(sources.root, edition, caches, industry.profile.spelling)
    rendered = render_edition(sources.root, env, industry, sources.program(industry), edition)
    generic_words = terminology_problems(sources.root, [rendered], sources.modules)
    if generic_words:
        raise ContentQualityError(generic_words)
    begun = time.perf_counter()
    pages = write_pdf(sources.root, rendered, target, caches)
    return PdfWritten(pages, time.perf_counter() - begun)


def build_site_job(root: Path, rendered: RenderedEdition, pdfs: dict[str, bytes]) -> SiteMade:
    """Build the industry's site with ``pdfs`` (file name → bytes) as its downloads; return its files.

    MkDocs works in a temporary folder of the process that runs the job, never in the output.
    """
    begun = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="trainkit-site-") as temporary:
        work = Path(temporary)
        (work / "pdfs").mkdir()
        for name, data in pdfs.items():
            (work / "pdfs" / name).write_bytes(data)
        paths = [work / "pdfs" / name for name in pdfs]
        build_site(root, rendered, work / "site-work", work / "site", paths)
        files = folder_files(work / "site")
    return SiteMade(files, time.perf_counter() - begun)


def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by its path relative to it (with ``/``), in path order."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def page_count(pdf: Path) -> int:
    """Pages of a PDF, counted with pypdf (for outputs whose count the manifest does not hold)."""
    return len(PdfReader(pdf).pages)


def run(during: str, job: Callable[..., Result], *args: Any, **kwargs: Any) -> Result:
    """Run ``job``; an exception that is not an expected failure becomes an InternalError."""
    try:
        return job(*args, **kwargs)
    except (*EXPECTED_FAILURES, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as err:  # some libraries raise BaseException subclasses of their own
        raise InternalError.from_exception(err, during) from None


def init_worker(parent_pid: int) -> None:
    """Pool initializer: leave as soon as the build that started this worker is gone.

    A killed build (SIGKILL, or SIGTERM, which Python does not catch) cannot tell its workers to
    stop; without this they would render on, or wait on a pipe nobody reads, for minutes.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="trainkit-parent-watch", daemon=True).start()
