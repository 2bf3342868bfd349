"""Loading and rendering every source, shared by the build, its worker processes and `check`."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2

from .agenda import Agenda, build_agenda, load_formats
from .editions import EDITIONS
from .environment import TemplateCaches
from .errors import ContentQualityError, InputError, Problem
from .model import ConversationRound, DeliveryFormat, Industry, Module, ReinforcementFile, RoleplayFile
from .organisations import ORGANISATIONS
from .render import Program, RenderedEdition, make_environment, render_edition
from .roleplays import Deal, deal_scenarios
from .terminology import terminology_problems

ROLEPLAY_FILE = "content/program/roleplay.yaml"
REINFORCEMENT_FILE = "content/program/reinforcement.yaml"

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Sources:
    """Everything a build reads, validated."""

    root: Path
    modules: list[Module]
    industries: list[Industry]
    formats: dict[str, DeliveryFormat]
    rounds: Mapping[str, ConversationRound]
    reinforcement: ReinforcementFile

    def agenda(self, industry: Industry, course: str = "frontline") -> Agenda:
        """The timed agenda of one course, in the delivery format the profile chose for it."""
        program = industry.profile.program
        chosen = program.format if course == "frontline" else program.lead_format
        return build_agenda(chosen, self.formats[chosen], {m.id: m for m in self.modules})

    def course_modules(self, course: str | None) -> list[Module]:
        """The modules of one course in order (all modules for None)."""
        return [m for m in self.modules if course is None or m.course == course]

    def program(self, industry: Industry) -> Program:
        """What every edition of ``industry`` is rendered from, besides the profile."""
        return Program(
            self.modules,
            {course: self.agenda(industry, course) for course in ("frontline", "leads")},
            self.deal(industry).scenarios,
            self.rounds,
            self.reinforcement,
        )

    def deal(self, industry: Industry) -> Deal:
        """The scenario each module's role-play uses for this industry."""
        session_of = self.agenda(industry, "frontline").session_of() | self.agenda(industry, "leads").session_of()
        return deal_scenarios(industry.profile, self.modules, session_of)

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


#: The profile setting that chooses each course's delivery format.
COURSE_FORMATS = {"frontline": "format", "leads": "lead_format"}


@dataclass(frozen=True)
class SharedContent:
    """What every industry is rendered from, validated together: the modules (by id, numbered by
    course), the delivery formats, the role-play rounds and the follow-up programme."""

    modules: dict[str, Module]
    formats: dict[str, DeliveryFormat]
    rounds: Mapping[str, ConversationRound]
    reinforcement: ReinforcementFile


def load_sources(root: Path = PROJECT_ROOT, required: Collection[str] | None = None) -> Sources:
    """Load and validate modules and profiles; raise InputError listing every problem.

    With ``required`` industry ids, a broken profile not among them is left out instead of
    stopping the run (see :func:`trainkit.validate.load_industries`).
    """
    from .validate import load_industries

    content = load_content(root)
    industries = load_industries(root / "industries", root, content.modules, content.formats, COURSE_FORMATS, required)
    return sources_of(root, content, industries)


def load_content(root: Path) -> SharedContent:
    """Load and validate everything under content/ that is YAML; raise InputError listing every problem."""
    from .validate import load_content_file, load_modules, roleplay_time_problems

    modules = numbered_by_course(load_modules(root / "content" / "modules", root))
    formats = load_formats(root, modules)
    rounds = {str(kind): round_ for kind, round_ in load_content_file(root, ROLEPLAY_FILE, RoleplayFile).kinds.items()}
    reinforcement = load_content_file(root, REINFORCEMENT_FILE, ReinforcementFile)
    problems = roleplay_time_problems(list(modules.values()), rounds, ROLEPLAY_FILE)
    if problems:
        raise InputError(problems)
    return SharedContent(modules, formats, rounds, reinforcement)


def load_one_industry(root: Path, content: SharedContent, industry_id: str) -> Industry:
    """Load and validate ``industries/<id>.yaml`` (or ``.yml``) alone; the other profiles are not
    read (``serve`` previews one industry). An organisation is loaded with the profiles it needs
    (its industry; the others are read but their problems do not stop it). Raise InputError listing
    every problem."""
    from .validate import check_profile, load_industries, load_profile

    path = profile_path(root, industry_id)
    if path.parent.name == ORGANISATIONS:
        formats, modules = content.formats, content.modules
        loaded = load_industries(root / "industries", root, modules, formats, COURSE_FORMATS, [industry_id])
        return next(industry for industry in loaded if industry.profile.id == industry_id)
    check = partial(
        check_profile, root=root, module_ids=content.modules, formats=content.formats, courses=COURSE_FORMATS
    )
    industry, _, problems = load_profile(path, root, check)
    if problems or industry is None:
        raise InputError(problems)
    return industry


def profile_path(root: Path, industry_id: str) -> Path:
    """``industries/<id>.yaml`` or ``organisations/<id>.yaml`` (or ``.yml``); an input error when there is none."""
    folders = (root / "industries", root / ORGANISATIONS)
    for folder in folders:
        for path in (folder / f"{industry_id}.yaml", folder / f"{industry_id}.yml"):
            if path.exists() or path.is_symlink():  # a broken link is the loader's to report
                return path
    known = ", ".join(sorted({p.stem for folder in folders for p in [*folder.glob("*.yaml"), *folder.glob("*.yml")]}))
    raise InputError([Problem("industries", None, "", f"no profile with id '{industry_id}'; known: {known}")])


def sources_of(root: Path, content: SharedContent, industries: list[Industry]) -> Sources:
    """The sources of a run over ``industries``; raise InputError when a profile has too few
    role-plays of a kind for its modules."""
    ordered = sorted(content.modules.values(), key=lambda m: (m.course != "frontline", m.number))
    sources = Sources(root, ordered, industries, content.formats, content.rounds, content.reinforcement)
    shortfalls = [
        Problem(industry.file, None, "difficult_situations", shortfall.message)
        for industry in industries
        for shortfall in sources.deal(industry).shortfalls
    ]
    if shortfalls:
        raise InputError(shortfalls)
    return sources


def numbered_by_course(modules: dict[str, Module]) -> dict[str, Module]:
    """Each module numbered by its place in its own course (folders' NN set the order)."""
    counters: dict[str, int] = {}
    numbered: dict[str, Module] = {}
    for module in sorted(modules.values(), key=lambda m: m.number):
        counters[module.course] = counters.get(module.course, 0) + 1
        numbered[module.id] = dataclasses.replace(module, number=counters[module.course])
    return numbered


def render_all(
    sources: Sources, industries: list[Industry], caches: TemplateCaches | None = None
) -> dict[str, dict[str, RenderedEdition]]:
    """Render every edition of every industry in memory and run every content check.

    Raises InputError with all template problems, then ContentQualityError with every generic
    word (each reported once, with every page it shows on).
    """
    caches = caches or TemplateCaches()
    problems: list[Problem] = []
    rendered: dict[str, dict[str, RenderedEdition]] = {}
    for edition in EDITIONS:
        envs: dict[str, jinja2.Environment] = {}
        for industry in industries:
            spelling = industry.profile.spelling
            if spelling not in envs:
                envs[spelling] = make_environment(sources.root, edition, caches, spelling)
            env = envs[spelling]
            try:
                result = render_edition(sources.root, env, industry, sources.program(industry), edition)
            except InputError as err:
                problems += [p for p in err.problems if p not in problems]
                continue
            rendered.setdefault(industry.profile.id, {})[edition.id] = result
    if problems:
        raise InputError(problems)
    quality: list[Problem] = []
    for editions in rendered.values():
        quality += terminology_problems(sources.root, list(editions.values()), sources.modules)
    if quality:
        raise ContentQualityError(quality)
    return rendered
