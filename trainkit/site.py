"""Build one industry's learner site with MkDocs, from the top-level mkdocs.yml as base.

The rendered Markdown pages, the site stylesheet and the already-built PDFs are written into a
docs folder inside the build's temporary directory, so MkDocs' strict link check sees every
download the pages link to.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup
from mkdocs.plugins import BasePlugin

from .environment import TemplateCaches
from .errors import BuildError
from .fonts import font_files
from .render import RenderedEdition

# mkdocs-material's offline plugin makes search work from disk (file://): it inlines the index as a
# script and needs the iframe-worker shim, because browsers refuse Web Workers on file:// pages.
# The plugin would load the shim from a CDN; the site carries its own copy from the npm package
# pinned in package-lock.json instead (`make build` runs `npm ci`), so it works with no network.
IFRAME_WORKER = Path(__file__).resolve().parent.parent / "node_modules" / "iframe-worker"
SHIM = "assets/iframe-worker/shim.js"
SHIM_FILES = {"shim/index.js": SHIM, "LICENSE": "assets/iframe-worker/LICENSE"}
ENDS_WITH_SERVICE = re.compile(r"\bservices?\s*$", re.IGNORECASE)
#: `serve` only: the banner that says which PDFs are being rebuilt and shows a failed rebuild's problems.
PREVIEW_ASSETS = {"javascript": "preview.js", "css": "preview.css"}


def training_title(name: str) -> str:
    """The course title for an industry: "Hotel service training", and "Airline passenger service
    training" (never "service service") when the name already ends with the word."""
    return f"{name} training" if ENDS_WITH_SERVICE.search(name) else f"{name} service training"


def load_base_config(root: Path) -> dict[str, Any]:
    """The top-level mkdocs.yml as a plain mapping."""
    with (root / "mkdocs.yml").open(encoding="utf-8") as handle:
        config: dict[str, Any] = yaml.safe_load(handle)
    return config


def site_config(root: Path, rendered: RenderedEdition, docs_dir: Path, site_dir: Path) -> dict[str, Any]:
    """The base config specialised for one industry."""
    config = load_base_config(root)
    profile = rendered.industry.profile
    # MkDocs renders its theme without autoescape, so every profile value is escaped here.
    config["site_name"] = html.escape(training_title(profile.name))
    config["site_description"] = html.escape(profile.summary)
    config["docs_dir"] = str(docs_dir)
    config["site_dir"] = str(site_dir)
    config["theme"]["custom_dir"] = str(root / config["theme"]["custom_dir"])
    # Page titles are plain text already (render.py); escape them once, never unescape them again.
    config["nav"] = [{html.escape(page.title): page.path} for page in rendered.pages]
    brand = profile.branding
    config["extra"] = {
        "accent_colour": brand.accent_colour,
        "background": brand.background,
        "foreground": brand.foreground,
        "font": brand.font or "",
        "font_files": [
            {"url": target, "weight": WEIGHTS[weight]} for target, weight in brand_font_targets(brand.font).items()
        ],
        "industry_id": profile.id,
    }
    if brand.logo:
        config["theme"]["logo"] = config["theme"]["favicon"] = logo_target(brand.logo)
    # The offline plugin adds a CDN copy of the shim unless a polyfill already names iframe-worker.
    config["extra"]["polyfills"] = [SHIM]
    return config


def logo_target(logo: str) -> str:
    """Where the site keeps the brand's logo (the header and the favicon use it)."""
    return f"assets/brand-logo{Path(logo).suffix.lower()}"


#: CSS font-weight of each file the site carries.
WEIGHTS = {"regular": 400, "bold": 700}


def brand_font_targets(family: str | None) -> dict[str, str]:
    """Where the site keeps the brand typeface's files (path → "regular" or "bold"), so a learner's
    browser shows it without the font installed."""
    if not family:
        return {}
    return {f"assets/fonts/brand-{weight}{path.suffix.lower()}": weight for weight, path in font_files(family).items()}


def mark_escaped(config: Any) -> None:
    """Tell the theme that the site name and nav titles are escaped already.

    Material prints them raw in some places and through ``| e`` in others (the logo tooltip, the
    footer's aria-labels). Escaped text marked as Markup prints once-escaped in both; a plain
    string would be escaped twice where ``| e`` is used (``Bed &amp;amp; Breakfast``).
    """
    config["site_name"] = Markup(config["site_name"])
    config["nav"] = [{Markup(title): path for title, path in item.items()} for item in config["nav"]]


def write_docs(root: Path, rendered: RenderedEdition, docs_dir: Path, pdfs: list[Path]) -> None:
    """Lay out the Markdown pages, stylesheet and downloads MkDocs will build from."""
    for page in rendered.pages:
        target = docs_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        # MkDocs takes a page's <title> from its first heading, unescaped, and its theme does not
        # escape it: give every page an escaped title of our own in front matter instead.
        title = html.escape(page.title)
        front_matter = yaml.safe_dump({"title": title}, allow_unicode=True)
        target.write_text(f"---\n{front_matter}---\n\n{page.markdown}", encoding="utf-8")
    assets = docs_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for asset in ("trainkit.css", "trainkit.js"):
        shutil.copyfile(root / "templates" / "site" / asset, assets / asset)
    brand = rendered.industry.profile.branding
    if brand.logo:
        shutil.copyfile(root / brand.logo, docs_dir / logo_target(brand.logo))
    installed = font_files(brand.font) if brand.font else {}
    for font, weight in brand_font_targets(brand.font).items():
        (docs_dir / font).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(installed[weight], docs_dir / font)
    copy_iframe_worker_shim(docs_dir)
    downloads = docs_dir / "downloads"
    downloads.mkdir(exist_ok=True)
    for pdf in pdfs:
        shutil.copyfile(pdf, downloads / pdf.name)


def copy_iframe_worker_shim(docs_dir: Path) -> None:
    """Put the npm package's shim (and its licence) where mkdocs.yml's ``extra.polyfills`` points."""
    for source, target in SHIM_FILES.items():
        if not (IFRAME_WORKER / source).is_file():
            raise BuildError(
                f"{IFRAME_WORKER / source} is missing: the site needs it for search from disk. "
                "Run `make build` (or `npm ci`) in the project folder to install it"
            )
        (docs_dir / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(IFRAME_WORKER / source, docs_dir / target)


def add_preview_banner(root: Path, docs_dir: Path, config: dict[str, Any]) -> None:
    """Give every page the preview banner (`serve` only; a built site never carries it)."""
    for kind, asset in PREVIEW_ASSETS.items():
        shutil.copyfile(root / "templates" / "site" / asset, docs_dir / "assets" / asset)
        config[f"extra_{kind}"] = [*config.get(f"extra_{kind}", []), f"assets/{asset}"]


class ThemeBytecode(BasePlugin):
    """A MkDocs plugin, added in code: the theme's templates are compiled once per `serve`, not per
    rebuild (MkDocs makes a new Jinja environment for every build)."""

    def __init__(self, caches: TemplateCaches) -> None:
        super().__init__()
        self.caches = caches

    def on_env(self, env: jinja2.Environment, **_: Any) -> jinja2.Environment:
        env.bytecode_cache = self.caches
        return env


def build_site(
    root: Path,
    rendered: RenderedEdition,
    work_dir: Path,
    site_dir: Path,
    pdfs: list[Path],
    preview: bool = False,
    caches: TemplateCaches | None = None,
) -> Path:
    """Build the industry's site into ``site_dir`` with MkDocs in strict mode; return the config path.

    With ``preview`` (`serve`), every page also carries the preview banner; with ``caches``, the
    theme's compiled templates are kept there for the next build.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    docs_dir = work_dir / "docs"
    write_docs(root, rendered, docs_dir, pdfs)
    settings = site_config(root, rendered, docs_dir, site_dir)
    if preview:
        add_preview_banner(root, docs_dir, settings)
    config_path = work_dir / "mkdocs.yml"
    config_path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    with _captured_mkdocs_log() as messages:
        try:
            config = load_config(str(config_path))
            mark_escaped(config)
            if caches is not None:
                config.plugins["trainkit-theme-bytecode"] = ThemeBytecode(caches.variant("mkdocs theme"))
            build(config)
        except (MkDocsException, SystemExit) as err:
            detail = "\n  ".join(messages) or str(err)
            raise BuildError(f"MkDocs could not build the {rendered.industry.profile.id} site:\n  {detail}") from None
    return config_path


@contextmanager
def _captured_mkdocs_log() -> Iterator[list[str]]:
    """Keep MkDocs' INFO chatter out of the terminal, but keep warnings to explain a failure."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("mkdocs")
    handler = Collect(level=logging.WARNING)
    previous_level, previous_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
        logger.propagate = previous_propagate
