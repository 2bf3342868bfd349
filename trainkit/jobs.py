"""The two kinds of work a build schedules, run in this process or in a worker process.

A job receives everything it needs (the rendered edition, the paths) and keeps nothing between
calls: the build renders and checks every edition before it schedules any job, and passes the
Markdown on, which costs about 1 ms of pickling per edition where loading the sources again in
each worker cost a second. In a worker, :func:`run` turns an unexpected exception into an
:class:`~trainkit.errors.InternalError` carrying the traceback, so a bug is reported the same
way with one job or many.
"""

from __future__ import annotations

import os
import shutil
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
from .pdf import write_pdf
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
    """What the build remembers of a PDF it wrote."""

    pages: int
    seconds: float


def render_pdf_job(
    root: Path, rendered: RenderedEdition, target: Path, caches: TemplateCaches | None = None
) -> PdfWritten:
    """Render one PDF edition to ``target`` (in scratch space)."""
    begun = time.perf_counter()
    pages = write_pdf(root, rendered, target, caches)
    return PdfWritten(pages, time.perf_counter() - begun)


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
    return render_pdf_job(sources.root, rendered, target, caches)


def build_site_job(root: Path, rendered: RenderedEdition, scratch: Path, site_dir: Path, pdf_names: list[str]) -> float:
    """Build the industry's site into ``site_dir`` with its PDFs as downloads; return the seconds.

    A PDF rendered by this build is in ``scratch``; an unchanged one is taken from the previous
    output before MkDocs empties ``site_dir``.
    """
    begun = time.perf_counter()
    scratch.mkdir(parents=True, exist_ok=True)
    pdfs = []
    for name in pdf_names:
        fresh = scratch / name
        if not fresh.is_file():
            shutil.copyfile(site_dir / "downloads" / name, fresh)
        pdfs.append(fresh)
    build_site(root, rendered, scratch / "site-work", site_dir, pdfs)
    return time.perf_counter() - begun


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
