"""Render a PDF edition: Markdown pages → HTML (templates/print) → WeasyPrint.

This is the only module that imports WeasyPrint. Its URL fetcher serves files from inside the
project and refuses everything else, so no profile or page can make the build fetch a remote URL.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
import markdown
from markupsafe import Markup

from .environment import TemplateCaches, strict_environment
from .errors import BuildError, InputError
from .render import RenderedEdition, render_template
from .site import load_base_config
from .validate import page_limit_problem


def markdown_converter(root: Path) -> markdown.Markdown:
    """A Markdown converter with exactly the site's extensions, so print matches the site."""
    names: list[str] = []
    configs: dict[str, Any] = {}
    for entry in load_base_config(root).get("markdown_extensions", []):
        if isinstance(entry, dict):
            ((name, options),) = entry.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(entry)
    return markdown.Markdown(extensions=names, extension_configs=configs)


def edition_html(root: Path, rendered: RenderedEdition, caches: TemplateCaches | None = None) -> str:
    """The complete HTML document for one PDF edition."""
    converter = markdown_converter(root)
    chapters = []
    for page in rendered.pages:
        if page.path == "index.md":
            continue
        converter.reset()
        chapter_id = Path(page.path).stem
        html = scope_anchors(converter.convert(page.markdown), chapter_id)
        sections = []
        if rendered.edition.toc_depth >= 2:
            sections = [
                {"id": anchor, "title": Markup(text).striptags()}
                for anchor, text in re.findall(r'<h2 id="([^"]+)">(.*?)</h2>', html)
            ]
        chapters.append({"id": chapter_id, "title": page.title, "html": Markup(html), "sections": sections})
    logo = rendered.industry.profile.branding.logo
    values = {
        "profile": rendered.industry.profile,
        "edition": rendered.edition,
        "chapters": chapters,
        "built_on": build_date().isoformat(),
        "logo_url": (root / logo).as_uri() if logo else "",  # inside the project: checked by trainkit/brand.py
    }
    return render_template(print_environment(root, caches), root, rendered.edition.print_template, values)


def print_environment(root: Path, caches: TemplateCaches | None = None) -> jinja2.Environment:
    """The environment of templates/print: kept in ``caches`` when given, since its template cache
    is what saves recompiling book.html for every PDF (FileSystemLoader still reloads a template
    whose file changed, as ``build.py serve`` needs)."""

    def make() -> jinja2.Environment:
        return strict_environment([root / "templates" / "print"])

    return caches.print_environments.get(root, make) if caches else make()


def scope_anchors(html: str, chapter_id: str) -> str:
    """Prefix heading ids (and links to them) with the chapter id: every module has a
    "Knowledge check" heading, and one PDF needs each anchor once."""
    html = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{chapter_id}--{m.group(1)}"', html)
    return re.sub(r'\bhref="#([^"]+)"', lambda m: f'href="#{chapter_id}--{m.group(1)}"', html)


def build_date() -> datetime.date:
    """Today, or the date of SOURCE_DATE_EPOCH so rebuilds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
    return datetime.date.today()


def project_only_fetcher(root: Path) -> Any:
    """A WeasyPrint URL fetcher that serves files inside the project and refuses anything else."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    # The project folder, and the real folder of templates/ should it be a link (test projects).
    allowed = (root.resolve(), (root / "templates").resolve())

    class ProjectOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()
            if parts.scheme == "file" and any(path.is_relative_to(folder) for folder in allowed):
                return super().fetch(url, headers)
            raise ValueError(f"refusing to fetch {url!r}: print may use project files only")

    return ProjectOnlyFetcher(allowed_protocols=["file"], fail_on_errors=True)


#: The pydyf release whose ``PDF.page_references`` :func:`page_references_remembered` replaces.
PATCHED_PYDYF = "0.13.0"


@contextmanager
def page_references_remembered() -> Iterator[None]:
    """While the block runs, pydyf's ``PDF.page_references`` computes its tuple once per page count.

    pydyf 0.13 rebuilds the tuple of every page's reference on each access, and WeasyPrint's
    PDF/UA tagging reads it once per tagged element: quadratic in the page count, 4 % of a build in
    the py-spy profile (benchmarks/results.md). The value only changes when a page is added, so
    it is kept with the page count it was made for. Output is unchanged (tested). Any other pydyf
    release keeps its own definition: the replacement is only known to be right for this one.
    """
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    if getattr(pydyf, "__version__", None) != PATCHED_PYDYF or not isinstance(original, property):
        yield
        return
    compute = original.fget
    assert compute is not None

    def page_references(pdf: Any) -> tuple[bytes, ...]:
        count = len(pdf.pages["Kids"])
        remembered = pdf.__dict__.get("_trainkit_page_references")
        if remembered is None or remembered[0] != count:
            remembered = pdf.__dict__["_trainkit_page_references"] = (count, compute(pdf))
        return remembered[1]

    pydyf.PDF.page_references = property(page_references, doc=original.__doc__)
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


#: PDF/UA-1: tagged structure, /Lang and XMP metadata, for screen readers and archives.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "custom_metadata": True}


def write_pdf(root: Path, rendered: RenderedEdition, target: Path, caches: TemplateCaches | None = None) -> int:
    """Render ``rendered`` to a PDF file at ``target``; return its number of pages."""
    data, pages = pdf_bytes(root, rendered, caches, target.name)
    target.unlink(missing_ok=True)  # a new file, never written through a hard link to an older output
    target.write_bytes(data)
    return pages


def pdf_bytes(
    root: Path, rendered: RenderedEdition, caches: TemplateCaches | None = None, name: str | None = None
) -> tuple[bytes, int]:
    """Render ``rendered`` to the bytes of a PDF file (``name``, by default the edition's file name,
    is only for messages); return them with the number of pages."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError  # a BaseException: a missing stylesheet or image

    name = name or rendered.edition.filename(rendered.industry.profile.id)
    html = edition_html(root, rendered, caches)
    base_url = (root / "templates" / "print").as_uri() + "/"
    try:
        source = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=project_only_fetcher(root))
        with page_references_remembered():
            document = source.render(**PDF_OPTIONS)
            too_long = page_limit_problem(root, rendered, len(document.pages))
            if too_long:
                raise InputError([too_long])
            data = document.write_pdf(**PDF_OPTIONS)
        return data, len(document.pages)
    except InputError:
        raise
    except (Exception, FatalURLFetchingError) as err:  # WeasyPrint raises many types; say which edition failed
        template = f"templates/print/{rendered.edition.print_template}"
        raise BuildError(f"WeasyPrint could not render {name} from {template}: {type(err).__name__}: {err}") from err
