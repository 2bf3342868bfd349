"""The whole build, top to bottom: load → validate → render → pdf → site → write.

Everything is read and rendered in memory before the output folder is touched, so bad input
(exit 2) never changes ``dist/``.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .agenda import Agenda, build_agenda, load_formats
from .coverage import Coverage, industry_coverage
from .editions import EDITIONS, PDF_EDITIONS, SITE
from .errors import ContentQualityError, InputError, Problem
from .model import DeliveryFormat, Industry, Module
from .pdf import build_date, write_pdf
from .portal import portal_html
from .render import RenderedEdition, make_environment, render_edition
from .site import build_site
from .terminology import terminology_problems
from .write import output_lock, replace_file, staged_output

PROJECT_ROOT = Path(__file__).resolve().parent.parent

Log = Callable[[str], None]


@dataclass(frozen=True)
class Sources:
    """Everything a build reads, validated."""

    root: Path
    modules: list[Module]
    industries: list[Industry]
    formats: dict[str, DeliveryFormat]

    def agenda(self, industry: Industry) -> Agenda:
        """The timed agenda in the delivery format the profile chose."""
        chosen = industry.profile.program.format
        return build_agenda(chosen, self.formats[chosen], {m.id: m for m in self.modules})

    def select(self, industry_ids: list[str] | None) -> list[Industry]:
        """The industries named (all when None); an unknown id is an input error."""
        if not industry_ids:
            return self.industries
        known = {i.profile.id: i for i in self.industries}
        unknown = [i for i in industry_ids if i not in known]
        if unknown:
            raise InputError(
                [
                    Problem("industries", None, "", f"no profile with id '{u}'; known: {', '.join(known)}")
                    for u in unknown
                ]
            )
        return [known[i] for i in industry_ids]


@dataclass
class BuildResult:
    """What a build produced, for the CLI summary and the tests."""

    out: Path
    industries: list[str]
    pdfs: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def load_sources(root: Path = PROJECT_ROOT) -> Sources:
    """Load and validate modules and profiles; raise InputError listing every problem."""
    from .validate import load_industries, load_modules

    modules = load_modules(root / "content" / "modules", root)
    formats = load_formats(root, modules)
    industries = load_industries(root / "industries", root, modules, frozenset(formats))
    return Sources(root, sorted(modules.values(), key=lambda m: m.number), industries, formats)


def render_all(sources: Sources, industries: list[Industry]) -> dict[str, dict[str, RenderedEdition]]:
    """Render every edition of every industry in memory; raise InputError with all template problems."""
    problems: list[Problem] = []
    rendered: dict[str, dict[str, RenderedEdition]] = {}
    for edition in EDITIONS:
        env = make_environment(sources.root, edition)
        for industry in industries:
            try:
                result = render_edition(
                    sources.root, env, industry, sources.modules, edition, sources.agenda(industry)
                )
            except InputError as err:
                problems += [p for p in err.problems if p not in problems]
                continue
            rendered.setdefault(industry.profile.id, {})[edition.id] = result
    if problems:
        raise InputError(problems)
    quality: list[Problem] = []
    for editions in rendered.values():
        for result in editions.values():
            quality += [p for p in terminology_problems(sources.root, result, sources.modules) if p not in quality]
    if quality:
        raise ContentQualityError(quality)
    return rendered


def check(root: Path = PROJECT_ROOT) -> tuple[Sources, list[Coverage]]:
    """Validate and render everything without writing; return the sources and their coverage."""
    sources = load_sources(root)
    rendered = render_all(sources, sources.industries)
    return sources, [industry_coverage(industry_id, editions) for industry_id, editions in rendered.items()]


def build(
    root: Path = PROJECT_ROOT,
    out: Path | None = None,
    industry_ids: list[str] | None = None,
    log: Log = lambda message: None,
) -> BuildResult:
    """Build sites and PDFs for the selected industries (all by default) and the portal."""
    started = time.perf_counter()
    out = (out or root / "dist").resolve()
    sources = load_sources(root)
    selected = sources.select(industry_ids)
    rendered = render_all(sources, selected)
    result = BuildResult(out, [i.profile.id for i in selected])
    with (
        output_lock(out),
        staged_output(out, keep_existing=bool(industry_ids)) as stage,
        tempfile.TemporaryDirectory(prefix="trainkit-") as scratch,
    ):
        for industry in selected:
            industry_id = industry.profile.id
            work = Path(scratch) / industry_id
            work.mkdir()
            pdfs = []
            for edition in PDF_EDITIONS:
                target = work / edition.filename(industry_id)
                log(f"{industry_id}: {edition.title}")
                write_pdf(root, rendered[industry_id][edition.id], target)
                pdfs.append(target)
            log(f"{industry_id}: {SITE.title}")
            shutil.rmtree(stage / industry_id, ignore_errors=True)
            build_site(root, rendered[industry_id][SITE.id], work, stage / industry_id, pdfs)
            result.pdfs += [out / industry_id / "downloads" / pdf.name for pdf in pdfs]
        listed = [i for i in sources.industries if (stage / i.profile.id / "index.html").exists()]
        replace_file(stage / "index.html", portal_html(root, listed, build_date().isoformat()).encode())
        replace_file(stage / "portal.css", (root / "templates" / "site" / "portal.css").read_bytes())
    result.seconds = time.perf_counter() - started
    return result
