"""Shared fixtures: the real project, throwaway project copies, and one real build per session."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from trainkit.pipeline import PROJECT_ROOT, BuildResult, build, load_sources
from trainkit.write import output_lock

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "good" / "minimal.yaml"

# One fixed build date for the whole run: every build's cache keys and PDF dates then agree, so
# a test can start from a copy of the shared minimal build instead of building from scratch.
os.environ["SOURCE_DATE_EPOCH"] = "1767225600"
SHIPPED_IDS = [p.stem for p in sorted((PROJECT_ROOT / "industries").glob("*.yaml"))]
SHIPPED_ORGANISATION_IDS = [p.stem for p in sorted((PROJECT_ROOT / "organisations").glob("*.yaml"))]
#: Every program a full build makes: the industries and the organisations that extend them.
SHIPPED_PROGRAM_IDS = SHIPPED_IDS + SHIPPED_ORGANISATION_IDS


@pytest.fixture(scope="session")
def sources():
    """The shipped modules and profiles, validated."""
    return load_sources(PROJECT_ROOT)


@contextmanager
def announced(request: pytest.FixtureRequest, what: str) -> Iterator[None]:
    """Say on the terminal (whatever the capture mode) when a long shared set-up starts and ends,
    so a test run is never silent for minutes. (Workers of a parallel run have no terminal: there
    the other worker's progress shows instead.)"""
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")

    def say(line: str) -> None:
        if reporter is None or capture is None:
            return
        with capture.global_and_fixture_disabled():  # as pytest's live logging does
            reporter.ensure_newline()
            reporter.write_line(line)

    started = time.perf_counter()
    say(f"[set-up] {what}: started")
    yield
    say(f"[set-up] {what}: done in {time.perf_counter() - started:.0f} s")


def shared_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every pytest-xdist worker of this run shares (this run's temporary folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> BuildResult:
    """One full build of every shipped industry and organisation, shared by every test that reads outputs.

    Every worker of a parallel run builds into the same folder: the build's own lock makes the
    others wait for the first, and its cache then finds everything current, so the programs are
    rendered once per run.
    """
    out = shared_temp(tmp_path_factory) / "full-build" / "dist"
    out.parent.mkdir(parents=True, exist_ok=True)
    with announced(
        request, f"building all {len(SHIPPED_PROGRAM_IDS)} shipped industries and organisations (a few minutes)"
    ):
        return build(PROJECT_ROOT, out)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The first test that reads the full build runs first, the others last: the build (minutes)
    then runs beside the tests that do not need it, on another worker of a parallel run (`make
    test`), and is finished by the time the rest arrive."""
    reading = [item for item in items if "built" in getattr(item, "fixturenames", ())]
    if reading:
        others = [item for item in items if "built" not in getattr(item, "fixturenames", ())]
        items[:] = [reading[0], *others, *reading[1:]]


def free_port() -> int:
    """A TCP port on this machine that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def link_project(root: Path, profiles: dict[str, bytes | Path], copy: tuple[str, ...] = ()) -> Path:
    """Lay out a project at ``root``: real content and templates (linked, or copied when named in
    ``copy``), and only the given profiles."""
    root.mkdir(parents=True)
    for shared in ("content", "templates", "mkdocs.yml"):
        if shared in copy:
            shutil.copytree(PROJECT_ROOT / shared, root / shared)
        else:
            (root / shared).symlink_to(PROJECT_ROOT / shared)
    (root / "industries").mkdir()
    for name, data in profiles.items():
        target = root / "industries" / name
        if isinstance(data, Path):
            shutil.copyfile(data, target)
        else:
            target.write_bytes(data)
    return root


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: run `make test`, which installs the Debian package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def rendered(sources, request: pytest.FixtureRequest):
    """Every edition of every shipped industry rendered to Markdown once: {industry: {edition: ...}}."""
    from trainkit.pipeline import render_all

    with announced(request, "rendering every edition of every shipped industry"):
        return render_all(sources, sources.industries)


@pytest.fixture(scope="session")
def minimal_build(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """One build of the minimal profile, shared (by every worker of a parallel run, as `built` is):
    copy it with `copy_minimal_build` to start from it."""
    root = shared_temp(tmp_path_factory) / "minimal" / "project"
    with output_lock(root.parent / "laid-out"):  # one worker lays the project out, the others wait
        if not root.exists():
            link_project(root, {"minimal.yaml": MINIMAL})
    with announced(request, "building the minimal profile shared by the cache tests"):
        build(root, root / "dist")
    return root / "dist"


def copy_minimal_build(minimal_build: Path, target: Path) -> Path:
    """A private copy of the shared minimal build (cache manifest included) at ``target``."""
    shutil.copytree(minimal_build, target)
    return target


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A throwaway project: the real content and templates, and only the profiles given."""

    def make(profiles: dict[str, bytes | Path], copy: tuple[str, ...] = ()) -> Path:
        """``copy`` names folders to copy rather than link, for tests that edit them."""
        return link_project(tmp_path / "project", profiles, copy)

    return make


def tree_digest(folder: Path) -> str:
    """One hash over every file's path and bytes: equal digests mean identical trees."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def make_project_factory(tmp_path_factory: pytest.TempPathFactory):
    """Like make_project, but each call gets a fresh folder (for hypothesis examples), and
    ``.run(root)`` runs `build.py check` in-process, returning (status, stderr)."""
    import contextlib
    import io

    from trainkit.cli import main

    class Factory:
        def __call__(self, profiles: dict[str, bytes]) -> Path:
            return link_project(tmp_path_factory.mktemp("fuzz") / "project", dict(profiles))

        def run(self, root: Path) -> tuple[int, str]:
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                status = main(["check"], root=root)
            return status, err.getvalue()

    return Factory()
