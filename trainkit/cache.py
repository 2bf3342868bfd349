"""Content-hash cache: each output is keyed by a hash of exactly the files it is made from.

A PDF edition depends on its profile (an organisation's: its own file, its industry's, its brand
and logo), the delivery formats, every module.yaml (titles and objectives appear in every
edition), the lessons only if the edition prints module pages, the
content and page templates, the print templates, the pipeline's own code, the dependency lock
(a WeasyPrint or MkDocs upgrade changes the output) and the build date. A site also depends on
its industry's PDFs. The manifest of keys lives inside the output folder, so it is swapped in
and out together with the outputs it describes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .editions import MODULE_PAGES, Edition

MANIFEST = ".trainkit-cache.json"
#: The pinned versions of WeasyPrint, MkDocs and the rest: an upgrade changes what they render.
DEPENDENCY_LOCK = "requirements.lock"


def code_digest() -> str:
    """Hash of the pipeline's own source: the code that runs, wherever the project is."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass
class FileHasher:
    """Hashes project files once per build, and lists each folder once (every output's key and
    inputs list the same folders: thousands of times in a build of many variants)."""

    root: Path
    _seen: dict[str, str] = field(default_factory=dict)
    _listed: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    code: str = field(default_factory=code_digest)

    def digest(self, relative: str) -> str:
        if relative not in self._seen:
            path = self.root / relative
            self._seen[relative] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
        return self._seen[relative]

    def files(self, folder: str, pattern: str = "**/*") -> list[str]:
        if (folder, pattern) not in self._listed:
            base = self.root / folder
            found = sorted(p.relative_to(self.root).as_posix() for p in base.glob(pattern) if p.is_file())
            self._listed[folder, pattern] = found
        return list(self._listed[folder, pattern])


def _key(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Inputs:
    """What one output is made from, as its cache key sees it: the hash of the package code and of
    each project file. A cluster worker compares its own with these before it renders anything."""

    code: str
    files: tuple[tuple[str, str], ...]  # (path relative to the project, sha256 or "missing")

    def differences(self, theirs: Inputs) -> list[str]:
        """What ``theirs`` (a worker's) lacks or has otherwise, in words: the code first, then each file."""
        found = (
            [] if theirs.code == self.code else [f"the trainkit code (hash {theirs.code[:12]}, here {self.code[:12]})"]
        )
        own = dict(self.files)
        for path, digest in theirs.files:
            if digest == own.get(path):
                continue
            found.append(f"{path} (missing there)" if digest == "missing" else path)
        return found


def edition_files(hasher: FileHasher, profile_files: tuple[str, ...], edition: Edition) -> list[str]:
    """Every project file one edition of one profile is made from, in the order its key hashes them."""
    files = [*profile_files, "content/program/formats.yaml", "content/spelling.yaml", "mkdocs.yml", DEPENDENCY_LOCK]
    files += hasher.files("content/modules", "*/module.yaml")
    if MODULE_PAGES in edition.pages:
        files += hasher.files("content/modules", "*/lesson.md")
    files += hasher.files("content/program") + hasher.files("templates/pages") + hasher.files("templates/macros")
    files += hasher.files("templates/print") if edition.output == "pdf" else hasher.files("templates/site")
    return files


def edition_inputs(hasher: FileHasher, profile_files: tuple[str, ...], edition: Edition) -> Inputs:
    """The code and file hashes of one edition of one profile (see :func:`edition_files`)."""
    files = edition_files(hasher, profile_files, edition)
    return Inputs(hasher.code, tuple((f, hasher.digest(f)) for f in files))


def same_files_at(root: Path, inputs: Inputs) -> Inputs:
    """The hashes of the files ``inputs`` names, read under ``root`` with the code running here."""
    hasher = FileHasher(root)
    return Inputs(hasher.code, tuple((path, hasher.digest(path)) for path, _ in inputs.files))


def edition_key(hasher: FileHasher, profile_files: tuple[str, ...], edition: Edition, build_date: str) -> str:
    """Cache key of one PDF edition of one industry or organisation: ``profile_files`` are every file
    its profile is made from (an organisation's own file, its industry's, its brand and logo)."""
    return inputs_key(edition_inputs(hasher, profile_files, edition), edition, build_date)


def inputs_key(inputs: Inputs, edition: Edition, build_date: str) -> str:
    """The cache key of an edition made from ``inputs`` on ``build_date``."""
    parts = [__version__, inputs.code, edition.id, build_date] + [f"{f}={digest}" for f, digest in inputs.files]
    return _key(parts)


def site_key(site_edition_key: str, pdf_keys: Iterable[str]) -> str:
    """A site is rebuilt when its own sources or any PDF it offers for download changed."""
    return _key([site_edition_key, *sorted(pdf_keys)])


@dataclass
class Manifest:
    """What the output folder holds: each output's key, and each PDF's page count (the site
    lists it beside the download; counting the pages of a finished PDF again cost 5 s per
    industry in the profile)."""

    keys: dict[str, str] = field(default_factory=dict)  # "hotel/workbook" → key
    pages: dict[str, int] = field(default_factory=dict)  # "hotel/workbook" → pages

    def updated(self, keys: dict[str, str], pages: dict[str, int]) -> Manifest:
        return Manifest({**self.keys, **keys}, {**self.pages, **pages})

    def to_bytes(self) -> bytes:
        data = {"keys": self.keys, "pages": self.pages}
        return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()


def read_manifest(out: Path) -> Manifest:
    """The manifest of the outputs currently in ``out`` (empty when there is no valid one)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest()
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        return Manifest()  # an older format: rebuilding everything once is the safe answer
    pages = data["pages"] if isinstance(data.get("pages"), dict) else {}
    return Manifest(
        {str(k): str(v) for k, v in data["keys"].items()},
        {str(k): v for k, v in pages.items() if isinstance(v, int) and not isinstance(v, bool)},
    )
