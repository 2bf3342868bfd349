"""Shared fixtures: the real project, throwaway project copies, and one real build per session."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from trainkit.pipeline import PROJECT_ROOT, BuildResult, build, load_sources

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED_IDS = [p.stem for p in sorted((PROJECT_ROOT / "industries").glob("*.yaml"))]


@pytest.fixture(scope="session")
def sources():
    """The shipped modules and profiles, validated."""
    return load_sources(PROJECT_ROOT)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One full build of every shipped industry, shared by every test that reads outputs."""
    out = tmp_path_factory.mktemp("build") / "dist"
    return build(PROJECT_ROOT, out)


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A throwaway project: the real content and templates, and only the profiles given."""

    def make(profiles: dict[str, bytes | Path], copy: tuple[str, ...] = ()) -> Path:
        """``copy`` names folders to copy rather than link, for tests that edit them."""
        root = tmp_path / "project"
        root.mkdir()
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
            root = tmp_path_factory.mktemp("fuzz")
            for shared in ("content", "templates", "mkdocs.yml"):
                (root / shared).symlink_to(PROJECT_ROOT / shared)
            (root / "industries").mkdir()
            for name, data in profiles.items():
                (root / "industries" / name).write_bytes(data)
            return root

        def run(self, root: Path) -> tuple[int, str]:
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                status = main(["check"], root=root)
            return status, err.getvalue()

    return Factory()
