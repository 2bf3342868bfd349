"""Loading and rendering every source, shared by the build, its worker processes and `check`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from .agenda import Agenda, build_agenda, load_formats
from .editions import EDITIONS
from .errors import ContentQualityError, InputError, Problem
from .model import DeliveryFormat, Industry, Module
from .render import RenderedEdition, make_environment, render_edition
from .terminology import terminology_problems

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Sources:
    """Everything a build reads, validated."""

    root: Path
    modules: list[Module]
    industries: list[Industry]
    formats: dict[str, DeliveryFormat]

    def agenda(self, industry: Industry) -> Agenda:
        """The timed agenda in the delivery format the profile chose."""
        chosen = industry.profile.program.format
        return build_agenda(chosen, self.formats[chosen], {m.id: m for m in self.modules})

    def select(self, industry_ids: list[str] | None) -> list[Industry]:
        """The industries named (all when None); an unknown id is an input error."""
        if not industry_ids:
            return self.industries
        known = {i.profile.id: i for i in self.industries}
        unknown = [i for i in industry_ids if i not in known]
        if unknown:
            raise InputError(
                [
                    Problem("industries", None, "", f"no profile with id '{u}'; known: {', '.join(known)}")
                    for u in unknown
                ]
            )
        return [known[i] for i in industry_ids]


def load_sources(root: Path = PROJECT_ROOT, required: Collection[str] | None = None) -> Sources:
    """Load and validate modules and profiles; raise InputError listing every problem.

    With ``required`` industry ids, a broken profile not among them is left out instead of
    stopping the run (see :func:`trainkit.validate.load_industries`).
    """
    from .validate import load_industries, load_modules

    modules = load_modules(root / "content" / "modules", root)
    formats = load_formats(root, modules)
    industries = load_industries(root / "industries", root, modules, frozenset(formats), required)
    return Sources(root, sorted(modules.values(), key=lambda m: m.number), industries, formats)


def render_all(sources: Sources, industries: list[Industry]) -> dict[str, dict[str, RenderedEdition]]:
    """Render every edition of every industry in memory; raise InputError with all template problems."""
    problems: list[Problem] = []
    rendered: dict[str, dict[str, RenderedEdition]] = {}
    for edition in EDITIONS:
        env = make_environment(sources.root, edition)
        for industry in industries:
            try:
                result = render_edition(sources.root, env, industry, sources.modules, edition, sources.agenda(industry))
            except InputError as err:
                problems += [p for p in err.problems if p not in problems]
                continue
            rendered.setdefault(industry.profile.id, {})[edition.id] = result
    if problems:
        raise InputError(problems)
    quality: list[Problem] = []
    for editions in rendered.values():
        for result in editions.values():
            quality += [p for p in terminology_problems(sources.root, result, sources.modules) if p not in quality]
    if quality:
        raise ContentQualityError(quality)
    return rendered
