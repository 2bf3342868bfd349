"""The two kinds of work a build schedules, callable in this process or in a worker process.

A worker loads and validates the sources once (``init_worker``) and keeps them for its life:
that and the compiled-template caches (trainkit/render.py, trainkit/pdf.py) are the package's only
module state, and the sources exist only inside workers (or for the duration of a serial build,
set by ``use_sources``).
"""

from __future__ import annotations

import shutil
import time
from functools import cache
from pathlib import Path

import jinja2
from pypdf import PdfReader

from .editions import PDF_EDITIONS, SITE, Edition, edition_by_id
from .errors import ContentQualityError
from .pdf import write_pdf
from .render import RenderedEdition, make_environment, render_edition
from .site import build_site
from .sources import Sources, load_sources
from .terminology import terminology_problems
from .write import replace_file

PAGE_COUNTS = ".trainkit-pages"  # folder in the output: one small file per PDF holding its page count
_sources: list[Sources] = []  # this process's validated sources (at most one)


def init_worker(root: str) -> None:
    """Pool initializer: load the sources this worker will render from."""
    use_sources(load_sources(Path(root), required=()))  # the parent has reported every problem already


def use_sources(sources: Sources) -> None:
    """Render from ``sources`` in this process (serial builds)."""
    _sources[:] = [sources]
    _environment.cache_clear()


@cache
def _environment(root: str, edition_id: str) -> jinja2.Environment:
    return make_environment(Path(root), edition_by_id(edition_id))


def _render(
    root: str, industry_id: str, edition: Edition, facts: dict[str, tuple[int, int]] | None = None
) -> RenderedEdition:
    sources = _sources[0]
    (industry,) = sources.select([industry_id])
    rendered = render_edition(
        Path(root),
        _environment(root, edition.id),
        industry,
        sources.modules,
        edition,
        sources.agenda(industry),
        download_facts=facts,
    )
    problems = terminology_problems(Path(root), rendered, sources.modules)
    if problems:
        raise ContentQualityError(problems)
    return rendered


def render_pdf_job(root: str, industry_id: str, edition_id: str, target: str, stage: str) -> float:
    """Render one PDF edition to ``target`` (in scratch space); return the seconds taken."""
    begun = time.perf_counter()
    pages = write_pdf(Path(root), _render(root, industry_id, edition_by_id(edition_id)), Path(target))
    # Remember the page count beside the outputs: the site lists it, and counting pages of a
    # finished PDF again (pypdf) cost 5 s per industry in the profile.
    replace_file(Path(stage) / PAGE_COUNTS / Path(target).name, str(pages).encode())
    return time.perf_counter() - begun


def build_site_job(root: str, industry_id: str, scratch: str, stage: str) -> float:
    """Build the industry's site into the staging folder, with all its PDFs as downloads."""
    begun = time.perf_counter()
    work, site_dir = Path(scratch), Path(stage) / industry_id
    work.mkdir(parents=True, exist_ok=True)
    pdfs = []
    for edition in PDF_EDITIONS:
        fresh = work / edition.filename(industry_id)
        if not fresh.is_file():  # unchanged since the last build: take it from the previous output
            shutil.copyfile(site_dir / "downloads" / edition.filename(industry_id), fresh)
        pdfs.append(fresh)
    # The site lists each download with its length and size, as a learner deciding to print expects.
    facts = {pdf.name: (page_count(Path(stage), pdf), pdf.stat().st_size) for pdf in pdfs}
    rendered = _render(root, industry_id, SITE, facts)
    build_site(Path(root), rendered, work / "site-work", site_dir, pdfs)
    return time.perf_counter() - begun


def page_count(stage: Path, pdf: Path) -> int:
    """Pages of a PDF this pipeline wrote, from its note; counted with pypdf only if it has none."""
    note = stage / PAGE_COUNTS / pdf.name
    if note.is_file():
        return int(note.read_text(encoding="ascii"))
    return len(PdfReader(pdf).pages)
