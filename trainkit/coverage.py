"""Coverage report: which profile fields each module used, and which fields nothing used.

A profile field that no page reads is effort a designer spent for nothing, or a sign a module
forgot to tailor itself; `build.py report` lists both per industry.
"""

from __future__ import annotations

from dataclasses import dataclass

from .dataview import leaf_fields
from .model import Profile
from .render import RenderedEdition

#: Fields the pipeline itself consumes outside the content templates (site config, print, portal).
PIPELINE_FIELDS = frozenset(
    {
        "profile.schema_version",
        "profile.id",
        "profile.name",
        "profile.summary",
        "profile.print.paper",
        "profile.branding.accent_colour",
        "profile.program.format",
    }
)


@dataclass(frozen=True)
class Coverage:
    """For one industry: the pages that read each profile field, and the fields none read."""

    industry_id: str
    used_by: dict[str, tuple[str, ...]]
    unused: tuple[str, ...]


def industry_coverage(industry_id: str, editions: dict[str, RenderedEdition]) -> Coverage:
    """Merge what every page of every edition read into one report."""
    readers: dict[str, set[str]] = {}
    for rendered in editions.values():
        for page, fields in rendered.fields_read.items():
            for field in fields:
                readers.setdefault(field, set()).add(page)
    for field in PIPELINE_FIELDS:
        readers.setdefault(field, set()).add("pipeline")
    leaves = list(leaf_fields(Profile, "profile"))
    used_by = {leaf: tuple(sorted(readers.get(leaf, ()))) for leaf in leaves}
    unused = tuple(leaf for leaf, pages in used_by.items() if not pages)
    return Coverage(industry_id, used_by, unused)


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
