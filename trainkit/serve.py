"""`build.py serve`: one industry's site on localhost, rebuilt on every save; PDFs in the background.

A save rebuilds the site at once, in this process: YAML is read again only when it changed
(:class:`SourceCache`), only the site edition is rendered and checked, and MkDocs builds it into a
fresh folder that replaces the served one, so the browser reloads in about the time a bare
`mkdocs build` takes. Then each PDF edition whose cache key changed (trainkit/cache.py: a lesson
touches the editions that print module pages, a profile all of them, a print template only the
PDFs) is rendered in one worker process, on the other core, and replaces its download when done.
A banner on every page (templates/site/preview.js, fed by ``_preview/status.json``) says which PDFs
are being rebuilt. A failed rebuild prints its problems, shows the same lines in that banner and
keeps the last good site; when there is none yet, the page is the list of problems.

Uses MkDocs' live-reload server; `serve` never writes ``dist/`` (it reuses the PDFs there whose
key still matches).
"""

from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import jobs
from .cache import FileHasher, edition_key, read_manifest
from .commands.failures import explain, say
from .editions import PDF_EDITIONS, SITE, Edition
from .environment import TemplateCaches, strict_environment
from .errors import BuildError, ContentQualityError, InputError, Problem
from .model import Industry
from .pdf import build_date
from .render import make_environment, render_edition
from .site import build_site
from .sources import SharedContent, Sources, load_content, load_one_industry, profile_path, sources_of
from .terminology import terminology_problems

#: Served beside the site: the status the banner polls, and every PDF (staff ones too: the
#: preview is for designers; a built site never has this folder).
PREVIEW_FOLDER = "_preview"
STATUS_FILE = f"{PREVIEW_FOLDER}/status.json"
ERROR_PAGE = "preview-error.html"
#: How often the live-reload server looks for saved files; a smaller value reloads sooner.
POLL_SECONDS = 0.1
#: Scheduling priority of the PDF worker, below the process that rebuilds the site (0).
PDF_WORKER_NICENESS = 10
#: Files whose change means a new build; the served profile is added per industry.
WATCHED = ("content", "templates", "mkdocs.yml")


def serve(root: Path, industry_id: str, port: int) -> None:
    """Serve ``industry_id`` at http://127.0.0.1:PORT/ until interrupted."""
    from mkdocs.livereload import LiveReloadServer

    profile = profile_path(root, industry_id)  # an unknown industry stops here, with exit status 2
    check_port(port)
    with (
        stopped_by_sigterm(),
        tempfile.TemporaryDirectory(prefix="trainkit-serve-") as work,
        Preview(root, industry_id, Path(work)) as preview,
    ):
        preview.rebuild_site()
        server = LiveReloadServer(
            preview.rebuild_site, "127.0.0.1", port, str(preview.served), polling_interval=POLL_SECONDS
        )
        # An organisation also changes with its industry, brand and logo: watch both profile folders.
        profiles = (
            (root / "industries", root / "organisations") if profile.parent.name == "organisations" else (profile,)
        )
        for watched in (*(root / name for name in WATCHED), *profiles):
            server.watch(str(watched))
        server.watch(str(preview.signals))  # a finished learner PDF asks for the site again here
        print(f"Serving {industry_id} at http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
        try:
            server.serve()
        except OSError as err:  # taken since check_port
            raise port_problem(port, err) from None
        finally:
            server.shutdown()


@contextmanager
def stopped_by_sigterm() -> Iterator[None]:
    """`kill` stops serve as Ctrl+C does: the PDF worker ended, the temporary folder removed."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_port(port: int) -> None:
    """Refuse a port that is taken before building anything."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as err:
            raise port_problem(port, err) from None


def port_problem(port: int, err: OSError) -> Exception:
    if err.errno not in {errno.EADDRINUSE, errno.EACCES}:
        return err
    problem = f"cannot serve on port {port} ({err.strerror}); choose another with --port"
    return InputError([Problem("command line", None, "--port", problem)])


@dataclass
class SourceCache:
    """The sources of one industry, read again only when a YAML file they come from changed.

    A lesson or template edit then costs no YAML parsing at all, and a profile edit only its own.
    """

    root: Path
    industry_id: str
    _content: tuple[str, SharedContent] | None = None
    _industry: tuple[str, Industry] | None = None

    def load(self) -> Sources:
        """The current sources; raise InputError listing every problem."""
        content_print = content_fingerprint(self.root)
        if self._content is None or self._content[0] != content_print:
            self._content = (content_print, load_content(self.root))
        content = self._content[1]
        if self._industry is None or self._industry[0] != self.profile_print(content_print, self._industry[1]):
            industry = load_one_industry(self.root, content, self.industry_id)
            self._industry = (self.profile_print(content_print, industry), industry)
        return sources_of(self.root, content, [self._industry[1]])

    def profile_print(self, content_print: str, industry: Industry) -> str:
        """The digest of every file the profile is made from: an organisation's own, its
        industry's, its brand and its logo (and the file the id names now, should it move)."""
        paths = [profile_path(self.root, self.industry_id), *(self.root / name for name in industry.files)]
        return content_print + "".join(file_digest(path) for path in paths)


def content_fingerprint(root: Path) -> str:
    """Every path under content/ and the bytes of its YAML: what :func:`load_content` reads."""
    digest = hashlib.sha256()
    for path in sorted((root / "content").rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        if path.suffix in {".yaml", ".yml"} and path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


@dataclass
class PdfState:
    """One PDF edition in the preview: the key its sources have now, the key of the file we have."""

    edition: Edition
    wanted: str = ""
    have: str = ""
    pages: int = 0
    rendering: str = ""  # the key being rendered now
    failed: str = ""  # the key whose rendering failed, not tried again until the sources change
    problems: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.wanted and self.failed == self.wanted:
            return "failed"
        if self.have == self.wanted:
            return "ready"
        return "rendering" if self.rendering else "waiting"


class Preview:
    """The served folder, and everything that rebuilds it: the site at once, PDFs in a worker."""

    def __init__(self, root: Path, industry_id: str, work: Path) -> None:
        self.root, self.industry_id, self.work = root, industry_id, work
        self.served = work / "site"  # the live-reload server's root; replaced whole by each site build
        self.store = work / "pdfs"  # the newest PDF of each edition
        self.signals = work / "signals"
        for folder in (self.store, self.signals, work / "rendering"):
            folder.mkdir(parents=True)
        self.sources = SourceCache(root, industry_id)
        self.caches = TemplateCaches()  # shared by every rebuild; bounded, so a long session does not grow
        self.pdfs = {edition.id: PdfState(edition) for edition in PDF_EDITIONS}
        self.site_key = ""  # key of the served site: its sources and the downloads it lists
        self.site_problems: list[str] = []
        self.planned: Sources | None = None  # the sources the wanted keys come from
        self.lock = threading.Lock()  # the build-loop thread and the worker's callbacks share the state
        self.site_edition_key = ""
        self.seeded = False
        self.closing = False
        self.pool = new_pool()

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.closing = True
        self.pool.shutdown(wait=False, cancel_futures=True)
        for child in multiprocessing.active_children():  # our PDF worker, perhaps mid-render: stop it now
            child.terminate()
        self.pool.shutdown(wait=True)

    # ------------------------------------------------------------------ the site, in the build loop

    def rebuild_site(self) -> None:
        """Rebuild the site if its inputs changed, then plan the PDFs. Never raises: the
        live-reload server would stop reloading."""
        started = time.perf_counter()
        try:
            sources = self.sources.load()
            (industry,) = sources.industries
            keys = edition_keys(sources, industry)
            with self.lock:
                if not self.seeded:
                    self.seed_from(self.root / "dist", keys)
                facts = self.download_facts()
            site_key = listed_site_key(keys[SITE.id], facts)
            if site_key != self.site_key or not (self.served / "index.html").is_file():
                self.build_site(sources, industry, facts)
                self.site_key = site_key
                print(f"Site rebuilt in {time.perf_counter() - started:.1f} s", flush=True)
            elif self.site_problems:  # saved back as it was before the mistake: the served site is right
                print("Problems fixed; serving the site as it was before them.", flush=True)
            self.site_problems = []
            with self.lock:
                self.planned, self.site_edition_key = sources, keys[SITE.id]
                for edition_id, state in self.pdfs.items():
                    state.wanted = keys[edition_id]
                self.start_next_pdf()
        except Exception as err:  # reported exactly as the CLI reports it; the last good site stays
            _, self.site_problems = explain(err, self.root, outcome="the site was not rebuilt")
            if self.site_key:
                say(*self.site_problems, "Still serving the last good site.")
            else:
                say(*self.site_problems, "Serving a page that lists these problems until a save fixes them.")
                self.publish(self.error_page())
        with self.lock:
            self.write_status(self.served)

    def build_site(self, sources: Sources, industry: Industry, facts: dict[str, tuple[int, int]]) -> None:
        """Render and check the site edition, build it with MkDocs beside the served folder, swap it in."""
        env = make_environment(self.root, SITE, self.caches, industry.profile.spelling)
        rendered = render_edition(self.root, env, industry, sources.program(industry), SITE, download_facts=facts)
        generic_words = terminology_problems(self.root, [rendered], sources.modules)
        if generic_words:
            raise ContentQualityError(generic_words)
        with self.fresh_folder("site-work") as scratch:
            pdfs = [self.store / name for name in facts]
            build_site(self.root, rendered, scratch / "work", scratch / "site", pdfs, preview=True, caches=self.caches)
            self.publish(scratch / "site")

    def error_page(self) -> Path:
        """A page listing the problems, served while no good site exists yet."""
        page = self.work / "error-page"
        shutil.rmtree(page, ignore_errors=True)
        page.mkdir()
        env = strict_environment([self.root / "templates" / "site"])
        html = env.get_template(ERROR_PAGE).render(industry_id=self.industry_id, problems=self.site_problems)
        (page / "index.html").write_text(html, encoding="utf-8")
        return page

    def publish(self, site: Path) -> None:
        """Put a built site in place of the served one, with the preview folder laid into it first."""
        with self.lock:
            self.lay_preview_folder(site)
            retired = self.work / "retired-site"
            shutil.rmtree(retired, ignore_errors=True)
            if self.served.exists():
                self.served.rename(retired)
            site.rename(self.served)
            shutil.rmtree(retired, ignore_errors=True)

    @contextmanager
    def fresh_folder(self, name: str) -> Iterator[Path]:
        folder = self.work / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    # ------------------------------------------------------------------ PDFs (hold self.lock)

    def download_facts(self) -> dict[str, tuple[int, int]]:
        """Pages and bytes of each learner PDF we have (a stale one too, until it is replaced)."""
        facts = {}
        for state in self.pdfs.values():
            name = state.edition.filename(self.industry_id)
            if state.edition.learner and state.have:
                facts[name] = (state.pages, (self.store / name).stat().st_size)
        return facts

    def seed_from(self, out: Path, keys: dict[str, str]) -> None:
        """Take the PDFs of a build in ``out`` whose keys match: after `make build`, none is rendered."""
        self.seeded = True
        manifest = read_manifest(out)
        for edition_id, state in self.pdfs.items():
            name = f"{self.industry_id}/{edition_id}"
            built = out / state.edition.path(self.industry_id)
            if manifest.keys.get(name) == keys[edition_id] and name in manifest.pages and built.is_file():
                try:
                    shutil.copyfile(built, self.store / built.name)
                except OSError:
                    continue
                state.have, state.pages = keys[edition_id], manifest.pages[name]

    def start_next_pdf(self) -> None:
        """Start the next PDF that is out of date, one at a time: the other core stays free for the site."""
        if self.closing or self.planned is None or any(s.rendering for s in self.pdfs.values()):
            return
        state = next((s for s in self.pdfs.values() if s.state == "waiting"), None)
        if state is None:
            return
        name = state.edition.filename(self.industry_id)
        target = self.work / "rendering" / name
        during = f"building {self.industry_id}/{state.edition.id}"
        future = self.pool.submit(
            jobs.run, during, jobs.preview_pdf_job, self.planned, self.industry_id, state.edition.id, target
        )
        state.rendering = state.wanted
        future.add_done_callback(lambda done: self.pdf_finished(state, target, done))
        print(f"Rendering {name} in the background", flush=True)

    def pdf_finished(self, state: PdfState, target: Path, future: Future[Any]) -> None:
        """Store a finished PDF and put it in place of its download; record a failure the same way."""
        if self.closing or future.cancelled():
            return
        name = state.edition.filename(self.industry_id)
        error = future.exception()
        with self.lock:
            key, state.rendering = state.rendering, ""
            if error is None:
                written: jobs.PdfWritten = future.result()
                os.replace(target, self.store / name)
                state.have, state.pages, state.problems = key, written.pages, []
                self.lay_pdf(self.served, state)
                pages = f"{written.pages} page{'' if written.pages == 1 else 's'}"
                print(f"PDF ready: {name} ({pages}, {written.seconds:.1f} s)", flush=True)
            else:
                state.failed = key
                if isinstance(error, BrokenProcessPool):  # the worker died (out of memory?): start another
                    self.pool.shutdown(wait=False, cancel_futures=True)
                    self.pool = new_pool()
                    error = BuildError("the process rendering it died (out of memory?); save again to retry")
                _, state.problems = explain(error, self.root)
                same = [
                    other.edition.filename(self.industry_id)
                    for other in self.pdfs.values()
                    if other is not state and other.state == "failed" and other.problems == state.problems
                ]  # a broken print template fails several PDFs: its problems are printed once
                if same:
                    say(f"{name} could not be rendered: the same problem(s) as {same[0]}")
                else:
                    say(f"{name} could not be rendered:", *state.problems)
            self.start_next_pdf()
            self.write_status(self.served)
            learner_done = not any(s.state in {"rendering", "waiting"} for s in self.pdfs.values() if s.edition.learner)
            site_key = listed_site_key(self.site_edition_key, self.download_facts())
            listed_changed = learner_done and site_key != self.site_key
        if listed_changed:  # once per save: the site names the new page counts and links new downloads
            (self.signals / "pdfs-ready").write_text(str(time.time()), encoding="utf-8")

    # ------------------------------------------------------------------ the preview folder (hold self.lock)

    def lay_preview_folder(self, site: Path) -> None:
        (site / PREVIEW_FOLDER / "pdfs").mkdir(parents=True, exist_ok=True)
        for state in self.pdfs.values():
            if state.have:
                self.lay_pdf(site, state)
        self.write_status(site)

    def lay_pdf(self, site: Path, state: PdfState) -> None:
        """Link the stored PDF into ``site``: its download (learner editions) and the preview folder."""
        name = state.edition.filename(self.industry_id)
        targets = [site / PREVIEW_FOLDER / "pdfs" / name]
        if state.edition.learner and (site / "downloads").is_dir():
            targets.append(site / "downloads" / name)
        for target in targets:
            temporary = target.with_name(f".{name}.tmp")
            temporary.unlink(missing_ok=True)
            os.link(self.store / name, temporary)
            os.replace(temporary, target)

    def write_status(self, site: Path) -> None:
        """What the banner shows: the problems of the last rebuild and the state of every PDF."""
        pdfs = [
            {
                "title": state.edition.title,
                "learner": state.edition.learner,
                "state": state.state,
                "href": f"{PREVIEW_FOLDER}/pdfs/{state.edition.filename(self.industry_id)}" if state.have else "",
                "problems": state.problems if state.state == "failed" else [],
            }
            for state in self.pdfs.values()
        ]
        status = {"industry": self.industry_id, "problems": self.site_problems, "pdfs": pdfs}
        target = site / STATUS_FILE
        if not site.is_dir():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(".status.json.tmp")
        temporary.write_text(json.dumps(status, indent=1), encoding="utf-8")
        os.replace(temporary, target)


def edition_keys(sources: Sources, industry: Industry) -> dict[str, str]:
    """The cache key of the site edition and of every PDF edition, as a build computes them."""
    hasher = FileHasher(sources.root)
    date = build_date().isoformat()
    return {edition.id: edition_key(hasher, industry.files, edition, date) for edition in (SITE, *PDF_EDITIONS)}


def listed_site_key(site_edition_key: str, facts: dict[str, tuple[int, int]]) -> str:
    """Key of a served site: its sources, and the downloads it lists with their pages and size."""
    return hashlib.sha256(json.dumps([site_edition_key, sorted(facts.items())]).encode()).hexdigest()


def new_pool() -> ProcessPoolExecutor:
    """One spawned worker for the PDFs, which leaves when `serve` dies."""
    return ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("spawn"), initializer=init_pdf_worker, initargs=(os.getpid(),)
    )


def init_pdf_worker(parent_pid: int) -> None:
    """The PDF worker yields the processor to the site build: a save reloads as fast with PDFs
    rendering as without, on a machine busy with other work too."""
    os.nice(PDF_WORKER_NICENESS)
    jobs.init_worker(parent_pid)
