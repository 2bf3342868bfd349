"""The terminology check: an industry that renames the customer never reads "customer".

Run on every rendered page. Quoted text, link targets and HTML attributes are exempt, so a
regulation's official title can be quoted. Each finding is traced back to where the word was
written: the module or template file if it is there literally, otherwise the profile.
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from .errors import Problem
from .model import Industry, Module
from .render import RenderedEdition
from .text import without_format_characters

GENERIC = re.compile(r"\bcustomers?\b", re.IGNORECASE)
_EXEMPT = [
    re.compile(r'"[^"\n]*"'),  # "quoted"
    re.compile(r"\u201c[^\u201d\n]*\u201d"),  # “curly quoted”
    re.compile(r"\]\([^)\n]*\)"),  # ](link target)
    re.compile(r"<[^>\n]*>"),  # HTML tags and their attributes
    re.compile(r"`[^`\n]*`"),  # `code`
]


def unquoted(line: str) -> str:
    """The line with its exempt parts blanked out."""
    plain = without_format_characters(Markup(line).unescape())  # `cus\u200btomers` reads as customers
    for pattern in _EXEMPT:
        plain = pattern.sub(" ", plain)
    return plain


def terminology_problems(root: Path, editions: list[RenderedEdition], modules: list[Module]) -> list[Problem]:
    """One problem per place a generic word was written, listing every page of ``editions`` (all
    of one industry) that shows it, and telling that file's author what to write instead."""
    if not editions:
        return []
    industry = editions[0].industry
    if GENERIC.fullmatch(industry.profile.terms.customer.singular):
        return []
    by_id = {module.id: module for module in modules}
    shown_on: dict[tuple[str, int | None], list[str]] = {}
    words: dict[tuple[str, int | None], str] = {}
    origins: dict[tuple[str, ...], tuple[str, int | None]] = {}  # the same page recurs in editions
    for rendered in editions:
        for page in rendered.pages:
            for line in page.markdown.splitlines():
                match = GENERIC.search(unquoted(line))
                if not match:
                    continue
                module = by_id.get(page.module_id or "")
                sources = [f"{module.folder}/lesson.md", f"{module.folder}/module.yaml"] if module else []
                sources += ["templates/pages/module.md", "templates/macros/training.md", f"templates/pages/{page.path}"]
                if tuple(sources) not in origins:
                    origins[tuple(sources)] = _origin(root, sources, industry)
                origin = origins[tuple(sources)]
                words.setdefault(origin, match.group(0))
                place = f"{rendered.edition.id}/{page.path}"
                if place not in shown_on.setdefault(origin, []):
                    shown_on[origin].append(place)
    return [
        Problem(file, line, "", _advice(file, words[file, line], industry, places))
        for (file, line), places in shown_on.items()
    ]


def _advice(file: str, word: str, industry: Industry, places: list[str]) -> str:
    """What the author of ``file`` should write instead: profile text cannot use template variables."""
    terms = industry.profile.terms.customer
    said = f"says '{word}' where {industry.profile.id} says '{terms.singular}'"
    if file in industry.files:
        fix = (
            f"use your profile's own word for the people you serve ('{terms.singular}', '{terms.plural}'), "
            "or put an official name in quotes"
        )
    else:
        fix = "write {{ customer }} or {{ customers }} instead, or put an official name in quotes"
    return f"{said}; {fix} (shown on {', '.join(places)})"


_YAML_KEY = re.compile(r"^\s*(?:-\s+)?[\w-]+:(?=\s|$)")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def _without_jinja(source: str) -> str:
    """Template source with its Jinja tags blanked (keeping line breaks): `{{ customer }}` is fine."""
    return _JINJA.sub(lambda m: "\n" * m.group(0).count("\n"), source)


def _origin(root: Path, candidates: list[str], industry: Industry) -> tuple[str, int | None]:
    profiles = [name for name in industry.files if name.endswith((".yaml", ".yml"))]  # not the logo
    for name in [*candidates, *profiles]:
        path = root / name
        if not path.is_file():
            continue
        for number, text in enumerate(_without_jinja(path.read_text(encoding="utf-8")).splitlines(), 1):
            value = _YAML_KEY.sub("", text)  # a key such as `customer:` or `internal_customers:` is not prose
            if GENERIC.search(unquoted(value)) and not text.lstrip().startswith("#"):
                return name, number
    return industry.file, None
