"""The whole build, top to bottom: load → validate → plan → render PDFs and sites → write.

Sources are validated before anything is scheduled. Each output has a content-hash key
(trainkit/cache.py); only outputs whose key changed are rendered, in parallel worker processes,
into a staging folder that replaces the output folder only when everything succeeded.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from . import jobs
from .cache import FileHasher, edition_key, manifest_bytes, read_manifest, site_key
from .coverage import Coverage, industry_coverage
from .editions import CERTIFICATE, MODULE_PAGES, PDF_EDITIONS, SITE, WORKBOOK
from .errors import BuildError, ContentQualityError, InputError, Problem
from .pdf import build_date, write_pdf
from .portal import portal_html
from .render import make_environment, render_edition
from .sources import PROJECT_ROOT, Sources, load_sources, render_all
from .write import output_lock, recover, replace_file, staged_output

__all__ = ["PROJECT_ROOT", "BuildResult", "build", "certificates", "check", "load_sources", "render_all"]

Log = Callable[[str], None]
#: Called as each output finishes: (done, total, output name, seconds it took).
Progress = Callable[[int, int, str, float], None]


@dataclass
class BuildResult:
    """What a build produced, for the CLI summary, the benchmarks and the tests."""

    out: Path
    industries: list[str]
    pdfs: list[Path] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)  # "hotel/workbook", "hotel/site", …
    reused: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # wall seconds per stage, for --verbose


@dataclass(frozen=True)
class Task:
    """One output to produce: a PDF edition or an industry's site."""

    industry_id: str
    edition_id: str
    key: str

    @property
    def name(self) -> str:
        return f"{self.industry_id}/{self.edition_id}"


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
    jobs_count: int | None = None,
    force: bool = False,
    progress: Progress = lambda done, total, name, seconds: None,
) -> BuildResult:
    """Build sites and PDFs for the selected industries (all by default) and the portal.

    Outputs whose inputs did not change since the last build into ``out`` are kept as they are,
    unless ``force``. ``jobs_count`` worker processes render in parallel (default: CPU count).
    """
    started = clock = time.perf_counter()
    out = (out or root / "dist").resolve()
    sources = load_sources(root, industry_ids)  # a broken profile not asked for does not stop this build
    selected = sources.select(industry_ids)
    result = BuildResult(out, [i.profile.id for i in selected])

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.stages[stage] = result.stages.get(stage, 0.0) + now - clock
        clock = now

    lap("load and validate")
    with output_lock(out):
        recover(out)  # a build killed mid-swap or mid-render left something behind
        previous = {} if force else read_manifest(out)
        keys, pdf_tasks, site_tasks = plan(sources, selected, previous, out)
        portal = portal_html(root, listed_industries(sources, selected, out), build_date().isoformat()).encode()
        unchanged_portal = (out / "index.html").is_file() and (out / "index.html").read_bytes() == portal
        result.reused = sorted(name for name in keys if name not in {t.name for t in pdf_tasks + site_tasks})
        if not pdf_tasks and not site_tasks and unchanged_portal and not force:
            log("Nothing to do: every output is up to date")
        else:
            with (
                staged_output(out, keep_existing=True) as stage,
                tempfile.TemporaryDirectory(prefix="trainkit-") as scratch,
            ):
                if industry_ids is None:  # a full build drops industries whose profile was removed
                    known = {i.profile.id for i in sources.industries}
                    for child in stage.iterdir():
                        if child.is_dir() and child.name not in known:
                            shutil.rmtree(child)
                lap("plan and stage")
                run_tasks(root, sources, stage, Path(scratch), pdf_tasks, site_tasks, jobs_count, progress)
                lap("render PDFs and sites")
                replace_file(stage / "index.html", portal)
                replace_file(stage / "portal.css", (root / "templates" / "site" / "portal.css").read_bytes())
                replace_file(stage / ".trainkit-cache.json", manifest_bytes({**previous, **keys}))
            lap("swap into place")
        result.rebuilt = sorted(t.name for t in pdf_tasks + site_tasks)
    for industry in selected:
        result.pdfs += [out / industry.profile.id / "downloads" / e.filename(industry.profile.id) for e in PDF_EDITIONS]
    result.seconds = time.perf_counter() - started
    return result


def plan(
    sources: Sources, selected: list, previous: dict[str, str], out: Path
) -> tuple[dict[str, str], list[Task], list[Task]]:
    """Keys of every selected output, and the tasks for those whose key changed or file is missing."""
    hasher = FileHasher(sources.root)
    date = build_date().isoformat()
    keys: dict[str, str] = {}
    pdf_tasks: list[Task] = []
    site_tasks: list[Task] = []
    for industry in selected:
        industry_id = industry.profile.id
        pdf_keys = []
        for edition in PDF_EDITIONS:
            task = Task(industry_id, edition.id, edition_key(hasher, industry.file, edition, date))
            keys[task.name] = task.key
            pdf_keys.append(task.key)
            existing = out / industry_id / "downloads" / edition.filename(industry_id)
            if previous.get(task.name) != task.key or not existing.is_file():
                pdf_tasks.append(task)
        site = Task(industry_id, SITE.id, site_key(edition_key(hasher, industry.file, SITE, date), pdf_keys))
        keys[site.name] = site.key
        if previous.get(site.name) != site.key or not (out / industry_id / "index.html").is_file():
            site_tasks.append(site)
    return keys, pdf_tasks, site_tasks


def listed_industries(sources: Sources, selected: list, out: Path) -> list:
    """Industries the portal lists: those built now and those already in the output."""
    chosen = {i.profile.id for i in selected}
    return [i for i in sources.industries if i.profile.id in chosen or (out / i.profile.id / "index.html").is_file()]


def run_tasks(
    root: Path,
    sources: Sources,
    stage: Path,
    scratch: Path,
    pdf_tasks: list[Task],
    site_tasks: list[Task],
    jobs_count: int | None,
    progress: Progress,
) -> None:
    """Run every PDF task, then each site as soon as its industry's PDFs are ready.

    With one job everything runs in this process; otherwise in a pool of spawned workers (spawn,
    not fork: the caller may have threads, such as a test's web server). All failures are
    collected and raised together.
    """
    count = max(1, jobs_count or os.cpu_count() or 1)
    total = len(pdf_tasks) + len(site_tasks)
    waiting_pdfs = {task.industry_id: 0 for task in site_tasks}
    for task in pdf_tasks:
        if task.industry_id in waiting_pdfs:
            waiting_pdfs[task.industry_id] += 1
    sites = {task.industry_id: task for task in site_tasks}
    for task in pdf_tasks:
        (scratch / task.industry_id).mkdir(parents=True, exist_ok=True)
    problems: list[Problem] = []
    quality: list[Problem] = []
    failures: list[str] = []
    failed: set[str] = set()  # industries with a failed PDF: their site is not built
    done = 0

    def arguments(task: Task) -> tuple:
        if task.edition_id == SITE.id:
            return (jobs.build_site_job, str(root), task.industry_id, str(scratch / task.industry_id), str(stage))
        target = scratch / task.industry_id / f"{task.industry_id}-{task.edition_id}.pdf"
        return (jobs.render_pdf_job, str(root), task.industry_id, task.edition_id, str(target), str(stage))

    def finished(task: Task, error: BaseException | None, seconds: float) -> list[Task]:
        nonlocal done
        done += 1
        if isinstance(error, ContentQualityError):
            quality.extend(p for p in error.problems if p not in quality)
        elif isinstance(error, InputError):
            problems.extend(p for p in error.problems if p not in problems)
        elif error is not None:
            failures.append(f"{task.name}: {error}")
        else:
            progress(done, total, task.name, seconds)
        ready = []
        if error is not None:
            failed.add(task.industry_id)
        if task.edition_id != SITE.id and task.industry_id in waiting_pdfs:
            waiting_pdfs[task.industry_id] -= 1
            if waiting_pdfs[task.industry_id] == 0 and task.industry_id not in failed:
                ready.append(sites.pop(task.industry_id))
        return ready

    initial = pdf_tasks + [t for t in site_tasks if waiting_pdfs[t.industry_id] == 0]
    for task in initial:
        if task.edition_id == SITE.id:
            sites.pop(task.industry_id, None)
    if count == 1:
        jobs.use_sources(sources)
        queue = list(initial)
        while queue:
            task = queue.pop(0)
            function, *args = arguments(task)
            begun = time.perf_counter()
            try:
                function(*args)
                queue += finished(task, None, time.perf_counter() - begun)
            except (InputError, BuildError) as err:
                finished(task, err, 0.0)
    else:
        with ProcessPoolExecutor(
            count, mp_context=get_context("spawn"), initializer=jobs.init_worker, initargs=(str(root),)
        ) as pool:
            running: dict[Future[float], Task] = {}
            for task in initial:
                function, *args = arguments(task)
                running[pool.submit(function, *args)] = task
            while running:
                completed, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in completed:
                    task = running.pop(future)
                    error = future.exception()
                    for follow in finished(task, error, 0.0 if error else future.result()):
                        function, *args = arguments(follow)
                        running[pool.submit(function, *args)] = follow
    if problems:
        raise InputError(problems)
    if quality:
        raise ContentQualityError(quality)
    if failures:
        raise BuildError("\n  ".join(failures))


def certificates(root: Path, industry_id: str, names: list[str], out: Path) -> list[Path]:
    """A certificate of completion for each learner name, as ``<out>/<id>-certificate-<name>.pdf``."""
    sources = load_sources(root)
    (industry,) = sources.select([industry_id])
    env = make_environment(root, CERTIFICATE)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        rendered = render_edition(root, env, industry, sources.modules, CERTIFICATE, sources.agenda(industry), name)
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "learner"
        target = out / f"{industry_id}-certificate-{slug}.pdf"
        write_pdf(root, rendered, target)
        written.append(target)
    return written


def module_handout(root: Path, industry_id: str, number: int, out: Path) -> Path:
    """Just one module's workbook pages, as ``<out>/<id>-module-NN.pdf``, for a single session."""
    sources = load_sources(root)
    (industry,) = sources.select([industry_id])
    chosen = [m for m in sources.modules if m.number == number]
    if not chosen:
        known = ", ".join(f"{m.number:02d}" for m in sources.modules)
        raise InputError([Problem("content/modules", None, "", f"no module number {number:02d}; known: {known}")])
    handout = dataclasses.replace(
        WORKBOOK, id=f"module-{number:02d}", title=f"Participant handout, module {number}", pages=(MODULE_PAGES,)
    )
    env = make_environment(root, handout)
    rendered = render_edition(root, env, industry, chosen, handout, sources.agenda(industry))
    out.mkdir(parents=True, exist_ok=True)
    target = out / handout.filename(industry_id)
    write_pdf(root, rendered, target)
    return target
