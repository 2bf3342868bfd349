"""LMS packages: one industry's built learner site as a SCORM 1.2 or cmi5 zip an LMS can import.

The site itself is not changed. The package adds a launch page (``launch.html``) that shows the
site in a frame and holds the LMS session for the whole visit, plus a small run-time script per
format (``scorm-api.js``, ``cmi5-au.js``) that reports completion when the learner reaches the last
module page or presses "Mark complete". Everything the LMS reads is rendered from
``templates/lms/`` with Jinja (autoescape, StrictUndefined).

The zip is deterministic: entries sorted by name, one fixed timestamp (1980-01-01, or
SOURCE_DATE_EPOCH), fixed permissions, so packaging the same site twice gives the same bytes.
"""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2

from .environment import strict_environment
from .errors import BuildError, InputError, Problem
from .model import Profile
from .pipeline import PROJECT_ROOT, build, load_sources
from .site import training_title
from .write import output_lock, replace_file


@dataclass(frozen=True)
class LmsFormat:
    """One package format: its manifest template (also its name in the zip) and run-time script."""

    id: str
    manifest: str
    adapter: str


FORMATS: dict[str, LmsFormat] = {
    "scorm12": LmsFormat("scorm12", "imsmanifest.xml", "scorm-api.js"),
    "cmi5": LmsFormat("cmi5", "cmi5.xml", "cmi5-au.js"),
}
LAUNCH_PAGE = "launch.html"
SHARED_SCRIPT = "launch.js"
# The site is built in English (MkDocs' default theme language); the manifest says so.
LANGUAGE = "en"
# DOS timestamps, which zip stores, cannot express anything before 1980.
ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
# Titles in a SCORM 1.2 manifest are at most 200 characters (imscp_rootv1p1p2.xsd titleType).
MAX_TITLE = 200


def lms_format(format_id: str) -> LmsFormat:
    """The format called ``format_id``; an unknown one is bad input (exit 2)."""
    try:
        return FORMATS[format_id]
    except KeyError:
        known = ", ".join(FORMATS)
        raise InputError(
            [Problem("--format", None, "", f"unknown LMS format '{format_id}'; use one of: {known}")]
        ) from None


def package_name(industry_id: str, format_id: str) -> str:
    """The zip's file name, e.g. ``hotel-scorm12.zip``."""
    return f"{industry_id}-{format_id}.zip"


def site_files(site_dir: Path, industry_id: str) -> list[str]:
    """Every file of the built site as a sorted relative POSIX path, without earlier packages.

    Earlier packages sit in the site's downloads/ folder; packing them again would nest zips and
    make each run's output depend on the one before.
    """
    own = {f"downloads/{package_name(industry_id, f)}" for f in FORMATS}
    files = (p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file())
    return sorted(f for f in files if f not in own)


def last_module_page(files: list[str]) -> str:
    """The page whose visit completes the course: the last module by its number prefix."""
    modules = [f for f in files if f.startswith("modules/") and f.endswith(".html")]
    if not modules:
        raise BuildError("the built site has no module pages (modules/*.html); rebuild it and package again")
    return modules[-1]


def zip_timestamp() -> tuple[int, int, int, int, int, int]:
    """SOURCE_DATE_EPOCH when set (as for the PDFs), else 1980-01-01, the earliest zip can store."""
    moment = ZIP_EPOCH
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        moment = max(ZIP_EPOCH, datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def deterministic_zip(entries: dict[str, bytes]) -> bytes:
    """A zip of ``entries`` whose bytes depend only on the names and contents given."""
    stamp = zip_timestamp()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permission bits below are read on every platform
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--, whoever's umask packed it
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def _environment(root: Path) -> jinja2.Environment:
    return strict_environment([root / "templates" / "lms"], keep_trailing_newline=True)


def package_entries(root: Path, site_dir: Path, profile: Profile, format_id: str) -> dict[str, bytes]:
    """Every entry of the package: the site's files, the launch page, the scripts and the manifest."""
    fmt = lms_format(format_id)
    if not (site_dir / "index.html").is_file():
        raise BuildError(f"{site_dir} holds no built site (index.html is missing); build the industry first")
    files = site_files(site_dir, profile.id)
    title = training_title(profile.name)
    env = _environment(root)
    values = {
        "industry_id": profile.id,
        "title": title if len(title) <= MAX_TITLE else profile.name,
        "description": profile.summary,
        "lang": LANGUAGE,
        "accent": profile.branding.accent_colour,
        "launch": LAUNCH_PAGE,
        "start": "index.html",
        "last_page": last_module_page(files),
        "adapter": fmt.adapter,
        # cmi5 ids are IRIs that must stay the same across versions of the package, so the LMS
        # keeps learners' results when a new build is imported over the old one.
        "course_id": f"urn:trainkit:course:{profile.id}",
        "au_id": f"urn:trainkit:course:{profile.id}:au",
    }
    entries = {name: (site_dir / name).read_bytes() for name in files}
    added = {
        LAUNCH_PAGE: env.get_template(LAUNCH_PAGE).render(values).encode(),
        SHARED_SCRIPT: (root / "templates" / "lms" / SHARED_SCRIPT).read_bytes(),
        fmt.adapter: (root / "templates" / "lms" / fmt.adapter).read_bytes(),
    }
    # SCORM lists every file the SCO needs, so the LMS can copy exactly those.
    listed = sorted([*entries, *added])
    manifest = env.get_template(fmt.manifest).render(values, files=[quote(name) for name in listed])
    added[fmt.manifest] = manifest.encode()
    clashes = sorted(set(entries) & set(added))
    if clashes:
        raise BuildError(f"the site already has {', '.join(clashes)}, which the LMS package needs for itself")
    return entries | added


def write_package(
    site_dir: Path, profile: Profile, format_id: str, target: Path | None = None, root: Path = PROJECT_ROOT
) -> Path:
    """Write the package of a built site (``dist/<id>/``); return its path.

    By default it goes to the site's own downloads folder as ``<id>-<format>.zip``.
    """
    data = deterministic_zip(package_entries(root, site_dir, profile, format_id))
    target = target or site_dir / "downloads" / package_name(profile.id, format_id)
    replace_file(target, data)
    return target


def package_industry(
    root: Path,
    out: Path | None,
    industry_id: str,
    format_id: str,
    log: Callable[[str], None] = lambda message: None,
) -> Path:
    """Package one industry from the output folder, building its site first when it is missing."""
    lms_format(format_id)  # a bad format is reported before a long build, not after it
    industry = load_sources(root).select([industry_id])[0]
    out = (out or root / "dist").resolve()
    site_dir = out / industry_id
    if not (site_dir / "index.html").is_file():
        log(f"{industry_id}: no built site in {out}; building it first")
        build(root, out, [industry_id], log)
    # The lock keeps a build from swapping the site away while it is being read and written to.
    with output_lock(out):
        return write_package(site_dir, industry.profile, format_id, root=root)
