"""Coverage report: which profile fields each module used, and which fields nothing used.

A profile field that no page reads is effort a designer spent for nothing, or a sign a module
forgot to tailor itself; `build.py report` lists both per industry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from jinja2 import nodes
from pydantic import BaseModel

from .dataview import leaf_fields
from .environment import strict_environment
from .model import Profile
from .render import RenderedEdition

#: Templates the pipeline renders around the content (print frames, portal, site theme, LMS):
#: a profile field they name is used by the "pipeline" rather than by a page.
PIPELINE_TEMPLATES = ("templates/print", "templates/site", "templates/lms")


def pipeline_fields(root: Path) -> frozenset[str]:
    """Profile fields the pipeline's own templates name (``profile.print.paper``), found by
    reading the templates rather than kept by hand."""
    env = strict_environment([root])
    found: set[str] = set()
    for folder in PIPELINE_TEMPLATES:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in {".html", ".xml", ".md"}:
                continue
            for node in env.parse(path.read_text(encoding="utf-8")).find_all(nodes.Getattr):
                found.add(_dotted(node))
    return frozenset(found)


def _dotted(node: nodes.Node) -> str:
    """``profile.print.paper`` for the expression node of that name; "" for anything else."""
    if isinstance(node, nodes.Getattr):
        inner = _dotted(node.node)
        return f"{inner}.{node.attr}" if inner else ""
    return "profile" if isinstance(node, nodes.Name) and node.name == "profile" else ""


def content_fields() -> list[str]:
    """Every leaf field of a profile that carries content: a field allowed only one value (such as
    ``schema_version``) marks the file's format and is read by validation alone, and a question's
    ``id`` names it for the author (answer keys number the questions)."""
    return [leaf for leaf in leaf_fields(Profile, "profile") if not _fixed_value(leaf) and not _question_id(leaf)]


def _question_id(dotted: str) -> bool:
    """Ids that name an item for its author (answer keys number questions; an organisation removes
    an inherited limit or policy by its id)."""
    return dotted.endswith((".knowledge_check.id", "module_checks.id", "authority.id", "policies.id"))


def _fixed_value(dotted: str) -> bool:
    model: type[BaseModel] | None = Profile
    *parents, name = dotted.split(".")[1:]
    for parent in parents:
        model = _model_in(model.model_fields[parent].annotation) if model else None
    annotation = model.model_fields[name].annotation if model else None
    return get_origin(annotation) is Literal and len(get_args(annotation)) == 1


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds: ``Terms``, ``list[Channel]``, ``Branding | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for m in map(_model_in, get_args(annotation)) if m is not None), None)


@dataclass(frozen=True)
class Coverage:
    """For one industry: the pages that read each profile field, and the fields none read."""

    industry_id: str
    used_by: dict[str, tuple[str, ...]]
    unused: tuple[str, ...]


def industry_coverage(
    industry_id: str, editions: dict[str, RenderedEdition], pipeline: frozenset[str] = frozenset()
) -> Coverage:
    """Merge what every page of every edition read, and the ``pipeline`` fields, into one report."""
    readers: dict[str, set[str]] = {}
    for rendered in editions.values():
        for page, fields in rendered.fields_read.items():
            for field in fields:
                readers.setdefault(field, set()).add(page)
    for field in pipeline:
        readers.setdefault(field, set()).add("pipeline")
    used_by = {leaf: tuple(sorted(readers.get(leaf, ()))) for leaf in content_fields()}
    profile = next(iter(editions.values())).industry.profile.model_dump() if editions else {}
    # A field the profile left empty (an organisation's limits in an industry profile) cost nobody effort.
    unused = tuple(leaf for leaf, pages in used_by.items() if not pages and _written(profile, leaf))
    return Coverage(industry_id, used_by, unused)


def _written(profile: dict[str, Any], dotted: str) -> bool:
    """Whether the profile holds any value at ``dotted`` (``profile.escalation.contact``: in any step)."""
    values: list[Any] = [profile]
    for name in dotted.split(".")[1:]:
        values = [found for value in values for found in _values_named(value, name)]
    return bool(values)


def _values_named(value: Any, name: str) -> list[Any]:
    """The non-empty values of field ``name`` in a dumped model, or in the lists and mappings of them."""
    if isinstance(value, list):
        return [found for item in value for found in _values_named(item, name)]
    if not isinstance(value, dict):
        return []
    if name in value:
        return [] if value[name] in (None, [], {}) else [value[name]]
    return [found for inner in value.values() for found in _values_named(inner, name)]  # keyed by module id


def format_report(reports: list[Coverage]) -> str:
    """Plain-text report: per industry, each field and who used it, then the unused fields."""
    lines: list[str] = []
    for report in reports:
        lines.append(f"{report.industry_id}")
        for field, pages in report.used_by.items():
            shown = ", ".join(pages) if pages else "UNUSED"
            lines.append(f"  {field.removeprefix('profile.'):42} {shown}")
        lines.append(f"  unused fields: {', '.join(f.removeprefix('profile.') for f in report.unused) or 'none'}")
        lines.append("")
    return "\n".join(lines)
