"""The whole build, top to bottom: load → validate → render and check → plan → PDFs and sites → write.

Every edition of every selected industry is rendered in memory and checked before any PDF is
scheduled, so a typo fails the build in seconds. Each output has a content-hash key
(trainkit/cache.py); only outputs whose key changed are produced (trainkit/schedule.py), into a
staging folder that replaces the output folder only when everything succeeded.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import jobs
from .cache import FileHasher, Manifest, edition_inputs, edition_key, read_manifest, site_key
from .cluster import parse_scheduler
from .coverage import Coverage, industry_coverage, pipeline_fields
from .editions import CERTIFICATE, LEARNER_PDFS, MODULE_PAGES, PDF_EDITIONS, SITE, STAFF_FOLDER, WORKBOOK
from .environment import TemplateCaches
from .errors import InputError, Problem
from .model import Industry, Module
from .pdf import build_date, write_pdf
from .portal import portal_html, staff_portal_html
from .render import RenderedEdition, make_environment, render_edition
from .schedule import Job, Progress, Task, run_tasks, runner
from .sources import PROJECT_ROOT, Sources, load_sources, render_all
from .write import output_lock, recover, replace_file, replace_folder, staged_output

__all__ = ["PROJECT_ROOT", "BuildResult", "Progress", "build", "certificates", "check", "load_sources", "render_all"]

Log = Callable[[str], None]
#: Folder inside the staging folder for PDFs and MkDocs work: it goes when the build ends, and
#: a killed build's is removed with its staging folder by the next build (write.recover).
SCRATCH = ".trainkit-scratch"


@dataclass
class BuildResult:
    """What a build produced, for the CLI summary, the benchmarks and the tests."""

    out: Path
    industries: list[str]  # every profile built: industries and organisations
    pdfs: list[Path] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)  # those of ``industries`` that are organisations
    rebuilt: list[str] = field(default_factory=list)  # "hotel/workbook", "hotel/site", …
    reused: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # wall seconds per stage, for --verbose

    def lap(self, stage: str, since: float) -> float:
        """Add the time from ``since`` to ``stage``; return now, to time the next stage from."""
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - since
        return now


@dataclass(frozen=True)
class Plan:
    """Keys of every selected output, and the tasks for those whose key changed or file is missing."""

    keys: dict[str, str]
    pdf_tasks: list[Task]
    site_tasks: list[Task]


def check(root: Path = PROJECT_ROOT, industry_ids: list[str] | None = None) -> tuple[Sources, list[Coverage]]:
    """Validate and render the selected industries (all by default) without writing; return the
    sources and the coverage of the selected ones. As in a build, a broken profile not asked for
    does not stop the check of the others."""
    sources = load_sources(root, industry_ids)
    rendered = render_all(sources, sources.select(industry_ids))
    pipeline = pipeline_fields(root)
    return sources, [industry_coverage(industry_id, editions, pipeline) for industry_id, editions in rendered.items()]


def build(
    root: Path = PROJECT_ROOT,
    out: Path | None = None,
    industry_ids: list[str] | None = None,
    log: Log = lambda message: None,
    jobs_count: int | None = None,
    force: bool = False,
    progress: Progress = lambda done, total, name, seconds: None,
    caches: TemplateCaches | None = None,
    scheduler: str | None = None,
) -> BuildResult:
    """Build sites and PDFs for the selected industries (all by default) and the portal.

    Outputs whose inputs did not change since the last build into ``out`` are kept as they are,
    unless ``force``. ``jobs_count`` worker processes render in parallel (default: CPU count), or
    the Dask cluster of ``scheduler`` does (``tcp://HOST:PORT``, or ``local[:N]``, trainkit/cluster.py).
    ``caches`` (compiled templates) may be shared by successive builds, as ``serve`` does.
    """
    started = clock = time.perf_counter()
    cluster = parse_scheduler(scheduler) if scheduler is not None else None  # bad input: before any work
    caches = caches or TemplateCaches()
    out = (out or root / "dist").resolve()
    sources = load_sources(root, industry_ids)  # a broken profile not asked for does not stop this build
    selected = sources.select(industry_ids)
    rendered = render_all(sources, selected, caches)  # every check passes before anything is scheduled
    result = BuildResult(out, [i.profile.id for i in selected])
    result.organisations = [i.profile.id for i in selected if i.is_organisation]
    clock = result.lap("load, render and check", clock)
    with output_lock(out):
        recover(out)  # a build killed mid-swap or mid-render left something behind
        previous = Manifest() if force else read_manifest(out)
        hasher = FileHasher(sources.root)
        planned = plan(sources, selected, previous.keys, out, hasher)
        portals = portal_pages(root, listed_industries(sources, selected, out), sources.industries)
        unchanged_portal = all(
            (out / name).is_file() and (out / name).read_bytes() == data for name, data in portals.items()
        )
        tasks = planned.pdf_tasks + planned.site_tasks
        result.reused = sorted(name for name in planned.keys if name not in {t.name for t in tasks})
        if not tasks and unchanged_portal and not force:
            log("Nothing to do: every output is up to date")
        else:
            with staged_output(out, keep_existing=True) as stage, scratch_folder(stage) as scratch:
                if industry_ids is None:  # a full build drops industries whose profile was removed
                    drop_removed_industries(stage, sources)
                clock = result.lap("plan and stage", clock)
                outputs = Outputs(sources, rendered, stage, scratch, previous, caches, hasher)
                with runner(root, jobs_count, caches, cluster) as jobs_runner:
                    written = run_tasks(outputs, planned.pdf_tasks, planned.site_tasks, jobs_runner, progress)
                clock = result.lap("render PDFs and sites", clock)
                for name, data in portals.items():
                    replace_file(stage / name, data)
                manifest = previous.updated(planned.keys, {**outputs.pages, **written})
                replace_file(stage / ".trainkit-cache.json", manifest.to_bytes())
            result.lap("swap into place", clock)
        result.rebuilt = sorted(t.name for t in tasks)
    for industry in selected:
        result.pdfs += [out / e.path(industry.profile.id) for e in PDF_EDITIONS]
    result.seconds = time.perf_counter() - started
    return result


def plan(
    sources: Sources, selected: list[Industry], previous: dict[str, str], out: Path, hasher: FileHasher | None = None
) -> Plan:
    """Key every selected output; a task for each whose key changed or whose file is missing."""
    hasher = hasher or FileHasher(sources.root)
    date = build_date().isoformat()
    planned = Plan({}, [], [])
    for industry in selected:
        industry_id = industry.profile.id
        pdf_keys, download_missing = [], False
        for edition in PDF_EDITIONS:
            task = Task(industry_id, edition.id, edition_key(hasher, industry.files, edition, date))
            planned.keys[task.name] = task.key
            if edition.learner:  # the site offers only learner editions for download
                pdf_keys.append(task.key)
            existing = out / edition.path(industry_id)
            if previous.get(task.name) != task.key or not existing.is_file():
                planned.pdf_tasks.append(task)
                # A learner PDF reaches the output inside its site: the site is built again to carry it.
                download_missing = download_missing or edition.learner
        site = Task(industry_id, SITE.id, site_key(edition_key(hasher, industry.files, SITE, date), pdf_keys))
        planned.keys[site.name] = site.key
        site_missing = not (out / industry_id / "index.html").is_file()
        if previous.get(site.name) != site.key or site_missing or download_missing:
            planned.site_tasks.append(site)
    return planned


@dataclass
class Outputs:
    """Makes each task's job from the editions rendered up front, and writes what it returns into
    the staging folder (see trainkit/schedule.py): jobs never write the output themselves."""

    sources: Sources
    rendered: dict[str, dict[str, RenderedEdition]]
    stage: Path
    scratch: Path
    previous: Manifest
    caches: TemplateCaches
    hasher: FileHasher
    #: page counts of PDFs this build kept from the previous output, for the manifest
    pages: dict[str, int] = field(default_factory=dict)

    def pdf_job(self, task: Task, caches: TemplateCaches | None) -> Job:
        edition = self.rendered[task.industry_id][task.edition_id]
        inputs = edition_inputs(self.hasher, edition.industry.files, edition.edition)
        return Job(jobs.render_pdf_job, (edition, caches), inputs)

    def site_job(self, task: Task, written: dict[str, int]) -> Job:
        """The site lists each download with its pages and size, as a learner deciding to print expects."""
        industry_id, root = task.industry_id, self.sources.root
        facts, pdfs = {}, {}
        for edition in LEARNER_PDFS:
            name, output = edition.filename(industry_id), f"{industry_id}/{edition.id}"
            pdf = self.scratch / industry_id / name
            if output not in written:  # unchanged: the copy in the previous output
                pdf = self.stage / industry_id / "downloads" / name
                self.pages[output] = self.previous.pages.get(output) or jobs.page_count(pdf)
            pdfs[name] = pdf.read_bytes()
            facts[name] = (written.get(output) or self.pages[output], len(pdfs[name]))
        industry = self.rendered[industry_id][SITE.id].industry
        env = make_environment(root, SITE, self.caches, industry.profile.spelling)
        site = render_edition(root, env, industry, self.sources.program(industry), SITE, download_facts=facts)
        return Job(jobs.build_site_job, (site, pdfs), edition_inputs(self.hasher, industry.files, SITE))

    def keep(self, task: Task, made: jobs.PdfMade | jobs.SiteMade) -> None:
        """A staff PDF goes straight to its place, a learner PDF waits in scratch space for its
        site, and a site replaces the industry's folder (its downloads included)."""
        if isinstance(made, jobs.SiteMade):
            replace_folder(self.stage / task.industry_id, made.files)
            return
        edition = self.rendered[task.industry_id][task.edition_id].edition
        if edition.learner:
            replace_file(self.scratch / task.industry_id / edition.filename(task.industry_id), made.data)
        else:
            replace_file(self.stage / edition.path(task.industry_id), made.data)


@contextmanager
def scratch_folder(stage: Path) -> Iterator[Path]:
    """A work folder inside the staging folder, removed before the staging folder is swapped in."""
    shutil.rmtree(stage / ".trainkit-pages", ignore_errors=True)  # page-count notes of older builds
    scratch = stage / SCRATCH
    scratch.mkdir()
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def drop_removed_industries(stage: Path, sources: Sources) -> None:
    """Remove from the staged output every industry folder (learner and staff) whose profile no
    longer exists."""
    known = {i.profile.id for i in sources.industries}
    for folder in (stage, stage / STAFF_FOLDER):
        for child in folder.iterdir() if folder.is_dir() else ():
            if child.is_dir() and not child.name.startswith(".") and child.name not in known | {STAFF_FOLDER}:
                shutil.rmtree(child)


def portal_pages(root: Path, listed: list[Industry], known: list[Industry] | None = None) -> dict[str, bytes]:
    """The learner portal and the staff portal, each with its stylesheet, by path in the output;
    ``known`` (every profile) names the industry an organisation is listed under when it is not built."""
    built_on = build_date().isoformat()
    stylesheet = (root / "templates" / "site" / "portal.css").read_bytes()
    return {
        "index.html": portal_html(root, listed, built_on, known).encode(),
        "portal.css": stylesheet,
        f"{STAFF_FOLDER}/index.html": staff_portal_html(root, listed, built_on, known).encode(),
        f"{STAFF_FOLDER}/portal.css": stylesheet,
    }


def listed_industries(sources: Sources, selected: list[Industry], out: Path) -> list[Industry]:
    """Industries the portal lists: those built now and those already in the output."""
    chosen = {i.profile.id for i in selected}
    return [i for i in sources.industries if i.profile.id in chosen or (out / i.profile.id / "index.html").is_file()]


def certificates(root: Path, industry_id: str, names: list[str], out: Path) -> list[Path]:
    """A certificate of completion for each learner name, as ``<out>/<id>-certificate-<name>.pdf``.

    Written like a build: under the output's lock, into a staging folder swapped in at the end.
    """
    sources = load_sources(root)
    (industry,) = sources.select([industry_id])
    caches = TemplateCaches()
    env = make_environment(root, CERTIFICATE, caches, industry.profile.spelling)
    program = sources.program(industry)
    editions = [(n, render_edition(root, env, industry, program, CERTIFICATE, n)) for n in names]
    out = out.resolve()
    written = []
    with output_lock(out), staged_output(out, keep_existing=True) as stage:
        for name, rendered in editions:
            ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
            slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "learner"
            target = f"{industry_id}-certificate-{slug}.pdf"
            write_pdf(root, rendered, stage / target, caches)
            written.append(out / target)
    return written


def find_module(modules: list[Module], wanted: str) -> Module:
    """The module whose number (``3``, ``03``) or id (``service-recovery``) is ``wanted``."""
    for module in modules:
        if wanted == module.id or (wanted.isdigit() and int(wanted) == module.number):
            return module
    known = ", ".join(f"{m.number:02d} {m.id}" for m in modules)
    raise InputError([Problem("command line", None, "--module", f"no module '{wanted}'; known: {known}")])


def module_handout(root: Path, industry_id: str, wanted: str, out: Path) -> Path:
    """Just one module's workbook pages, as ``<out>/<id>-module-NN.pdf``, for a single session.

    ``wanted`` is the module's number or id. Written under the output's lock, through staging.
    """
    sources = load_sources(root)
    (industry,) = sources.select([industry_id])
    module = find_module(sources.course_modules("frontline"), wanted)
    handout = dataclasses.replace(
        WORKBOOK,
        id=f"module-{module.number:02d}",
        title=f"Participant handout, module {module.number}",
        pages=(MODULE_PAGES,),
    )
    caches = TemplateCaches()
    env = make_environment(root, handout, caches, industry.profile.spelling)
    program = dataclasses.replace(sources.program(industry), modules=[module])
    rendered = render_edition(root, env, industry, program, handout)
    out = out.resolve()
    with output_lock(out), staged_output(out, keep_existing=True) as stage:
        write_pdf(root, rendered, stage / handout.filename(industry_id), caches)
    return out / handout.filename(industry_id)
