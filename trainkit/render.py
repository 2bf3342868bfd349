"""Render content templates into Markdown pages, one set per industry and edition.

Jinja runs with StrictUndefined and autoescape: a missing variable is an error naming the template
and line, and profile values reach the page as escaped data, never as markup or template code.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .agenda import Agenda
from .dataview import DataView
from .editions import MODULE_PAGES, PDF_EDITIONS, Edition
from .environment import TemplateCaches, strict_environment
from .errors import InputError, Problem
from .escape import ProfileText, escape_text, finalize, source_link
from .model import Industry, Module

MACRO_TEMPLATES = ("macros/training.md",)


@dataclass(frozen=True)
class Page:
    """One rendered Markdown page of an edition."""

    path: str  # relative to the docs folder, e.g. "modules/02-questioning.md"
    title: str  # plain text, for navigation and running heads
    markdown: str
    module_id: str | None = None


@dataclass
class RenderedEdition:
    """Every page of one edition for one industry, plus the profile fields it read."""

    industry: Industry
    edition: Edition
    pages: list[Page]
    fields_read: dict[str, set[str]] = field(default_factory=dict)  # module id or page → fields


class Ns:
    """Attribute access over a plain mapping (rendered module texts)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)  # only reached for missing names; StrictUndefined reports them

    def __getitem__(self, name: str) -> Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise KeyError(name) from None


def upfirst(value: Any) -> Markup:
    """Capitalise only the first letter ("guest" → "Guest", "GP practice" stays)."""
    text = str(value)
    return escape_text(text[:1].upper() + text[1:])


def make_environment(root: Path, edition: Edition, caches: TemplateCaches) -> jinja2.Environment:
    """A strict Jinja environment for one edition, with the training macros as globals.

    Environments made with the same ``caches`` share compiled templates and module texts.
    """
    env = strict_environment(
        [root / "templates", root / "content"],
        finalize=finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=caches,
    )
    env.context_class = TermRecordingContext
    env.filters["upfirst"] = upfirst
    env.filters["source_link"] = source_link
    env.globals["edition"] = edition
    for name in MACRO_TEMPLATES:
        macros = env.get_template(name).module
        env.globals.update({k: v for k, v in vars(macros).items() if not k.startswith("_")})
    return env


def compile_text(env: jinja2.Environment, source: str) -> jinja2.Template:
    """``env.from_string(source)``, compiled once for every environment made by make_environment."""
    caches = env.bytecode_cache
    if not isinstance(caches, TemplateCaches):
        return env.from_string(source)
    return caches.compiled_text(env, source)


#: Variables every template may use that the pipeline makes from a profile field up front, and
#: that field: a page reads it only if one of its templates names the variable.
DERIVED_VARIABLES = {
    "customer": "profile.terms.customer.singular",
    "customers": "profile.terms.customer.plural",
    "org": "profile.terms.organisation",
    "staff": "profile.terms.staff",
    "frontline": "profile.terms.frontline_roles",
    "manager": "profile.terms.manager_role",
    "agenda": "profile.program.format",
}
_READS = "__trainkit_reads__"  # context entry holding the page's set of fields read


class TermRecordingContext(jinja2.runtime.Context):
    """Notes a derived variable's field as read by a page only when one of its templates names it.

    Jinja resolves each name a template (or a template it includes) uses through this method,
    so the coverage report says which pages show ``{{ customers }}`` rather than crediting every
    page with every term the pipeline prepared for it.
    """

    def resolve_or_missing(self, key: str) -> Any:
        reads = self.parent.get(_READS)
        if key in DERIVED_VARIABLES and isinstance(reads, set):
            reads.add(DERIVED_VARIABLES[key])
        return super().resolve_or_missing(key)


def industry_context(industry: Industry, reads: set[str]) -> dict[str, Any]:
    """The variables every content template may use, documented in content/README.md."""
    terms = industry.profile.terms
    return {
        "profile": DataView(industry.profile, "profile", reads),
        _READS: reads,
        "customer": ProfileText(terms.customer.singular),
        "customers": ProfileText(terms.customer.plural),
        "org": ProfileText(terms.organisation),
        "staff": ProfileText(terms.staff),
        "frontline": ProfileText(terms.frontline_roles[0]),
        "manager": ProfileText(terms.manager_role),
    }


def render_module_texts(env: jinja2.Environment, module: Module, context: dict[str, Any]) -> Ns:
    """Fill the Jinja in every text field of ``module.yaml`` for one industry."""

    def fill(value: Any, loc: tuple[str | int, ...]) -> Any:
        if isinstance(value, str):
            if "{" not in value:
                return escape_text(value)
            try:
                return Markup(compile_text(env, value).render(context).strip())
            except jinja2.TemplateError as err:
                line = module.line_of(loc) + max(getattr(err, "lineno", 1) or 1, 1) - 1
                dotted = ".".join(str(p) for p in loc)
                raise InputError([Problem(f"{module.folder}/module.yaml", line, dotted, _describe(err))]) from None
        if isinstance(value, dict):
            return Ns({k: fill(v, (*loc, k)) for k, v in value.items()})
        if isinstance(value, list):
            return [fill(v, (*loc, i)) for i, v in enumerate(value)]
        return value

    values = module.spec.model_dump()
    texts = {k: fill(v, (k,)) for k, v in values.items()}
    texts["number"] = module.number
    texts["lesson_template"] = module.lesson_template
    texts["plain_title"] = Markup(texts["title"]).striptags()
    return Ns(texts)


def render_edition(
    root: Path,
    env: jinja2.Environment,
    industry: Industry,
    modules: list[Module],
    edition: Edition,
    agenda: Agenda,
    learner_name: str = "",
    download_facts: dict[str, tuple[int, int]] | None = None,
) -> RenderedEdition:
    """Render every page of ``edition`` for ``industry``; raise InputError on template problems."""
    texts_by_id: dict[str, Ns] = {}
    situations_by_id: dict[str, list[Any]] = {}
    module_reads: dict[str, set[str]] = {}
    for module in modules:
        reads: set[str] = set()
        context = industry_context(industry, reads)
        texts_by_id[module.id] = render_module_texts(env, module, context)
        situations = [s for s in context["profile"].difficult_situations if module.id in s.modules]
        situations_by_id[module.id] = situations[: module.spec.roleplay.situations]
        module_reads[module.id] = reads
    outline = [
        Ns({**vars(texts_by_id[m.id]), "path": f"modules/{Path(m.folder).name}.md", "module": m}) for m in modules
    ]

    pages: list[Page] = []
    reads_by_page: dict[str, set[str]] = {}
    for entry in edition.pages:
        if entry == MODULE_PAGES:
            for module, item in zip(modules, outline, strict=True):
                reads = module_reads[module.id]
                context = industry_context(industry, reads) | {
                    "module": texts_by_id[module.id],
                    "situations": situations_by_id[module.id],
                }
                markdown = render_template(env, root, "pages/module.md", context)
                pages.append(Page(item.path, f"{module.number}. {item.plain_title}", markdown, module.id))
                reads_by_page[module.id] = reads
            continue
        reads = set()
        context = industry_context(industry, reads) | {
            "modules": outline,
            "downloads": downloads(industry, download_facts),
            "agenda": agenda,
            "titles": {m.id: item.title for m, item in zip(modules, outline, strict=True)},
            "learner_name": ProfileText(learner_name),
        }
        markdown = render_template(env, root, entry, context)
        path = "index.md" if entry == "pages/index.md" else Path(entry).name
        pages.append(Page(path, _first_heading(markdown) or Path(entry).stem, markdown))
        reads_by_page[path] = reads
    return RenderedEdition(industry, edition, pages, reads_by_page)


def _first_heading(markdown: str) -> str:
    match = re.search(r"^# (.+)$", markdown, re.MULTILINE)
    return Markup(match.group(1)).striptags() if match else ""


def downloads(industry: Industry, facts: dict[str, tuple[int, int]] | None = None) -> list[Ns]:
    """The printable editions of an industry, as the site and portal link them; with ``facts``
    (file name → pages, bytes) each also says how long and how large it is."""
    listed = []
    for edition in PDF_EDITIONS:
        name = edition.filename(industry.profile.id)
        pages, size = (facts or {}).get(name, (0, 0))
        listed.append(
            Ns(
                {
                    "title": edition.title,
                    "audience": edition.audience,
                    "file": name,
                    "href": f"downloads/{name}",
                    "pages": pages,
                    "size": f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1048576:.1f} MB",
                }
            )
        )
    return listed


def render_template(env: jinja2.Environment, root: Path, name: str, context: dict[str, Any]) -> str:
    """Render template ``name``; a mistake in it is an InputError naming its file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as err:
        file = _relative(root, err.filename) if err.filename else f"templates/{name}"
        raise InputError([Problem(file, err.lineno, "", f"template syntax error: {err.message}")]) from None
    except jinja2.TemplateError as err:
        file, line = _template_frame(root, err, name)
        raise InputError([Problem(file, line, "", _describe(err))]) from None
    except (ArithmeticError, LookupError, TypeError, ValueError) as err:
        # An expression in a template failed ({{ 1 / 0 }}, a filter given the wrong kind of
        # value): the template's author can fix it. Without a template frame it is our bug.
        file, line = _template_frame(root, err, name)
        if line is None:
            raise
        raise InputError([Problem(file, line, "", f"{type(err).__name__}: {err}; check this expression")]) from None


def _template_frame(root: Path, err: BaseException, fallback: str) -> tuple[str, int | None]:
    """The innermost template file and line in a render error's traceback."""
    found: tuple[str, int | None] = (f"templates/{fallback}", None)
    for frame in traceback.extract_tb(err.__traceback__):
        path = Path(frame.filename)
        if path.is_absolute() and path.suffix in {".md", ".html", ".css"} and path.is_relative_to(root):
            found = (_relative(root, frame.filename), frame.lineno)
    return found


def _relative(root: Path, filename: str) -> str:
    path = Path(filename)
    return path.relative_to(root).as_posix() if path.is_absolute() and path.is_relative_to(root) else filename


def _describe(err: jinja2.TemplateError) -> str:
    message = err.message or str(err)
    if isinstance(err, jinja2.UndefinedError):
        return f"undefined: {message}; check the variable name (see content/README.md)"
    return message
