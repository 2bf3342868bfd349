"""Render content templates into Markdown pages, one set per industry and edition.

Jinja runs with StrictUndefined and autoescape: a missing variable is an error naming the template
and line, and profile values reach the page as escaped data, never as markup or template code.
"""

from __future__ import annotations

import itertools
import re
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .agenda import Agenda
from .dataview import DataView
from .editions import LEARNER_PDFS, MODULE_PAGES, Edition
from .environment import TemplateCaches, strict_environment
from .errors import InputError, Problem
from .escape import ProfileText, escape_text, finalize, source_link
from .model import ConversationRound, DifficultSituation, Industry, Module, ReinforcementFile
from .roleplays import players
from .spelling import SpellingExtension, load_variety, respell

MACRO_TEMPLATES = ("macros/training.md",)


@dataclass(frozen=True)
class Page:
    """One rendered Markdown page of an edition."""

    path: str  # relative to the docs folder, e.g. "modules/02-questioning.md"
    title: str  # plain text, for navigation and running heads
    markdown: str
    module_id: str | None = None


@dataclass(frozen=True)
class Program:
    """Everything program-wide an edition of one industry is rendered from."""

    modules: list[Module]  # every module of both courses, frontline first
    agendas: dict[str, Agenda]  # course → agenda in the format the profile chose
    scenarios: dict[str, DifficultSituation]  # module id → the scenario its role-play uses
    rounds: Mapping[str, ConversationRound]  # kind of conversation → how a round runs
    reinforcement: ReinforcementFile

    def course_modules(self, course: str | None) -> list[Module]:
        return [m for m in self.modules if course is None or m.course == course]


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


def make_environment(
    root: Path, edition: Edition, caches: TemplateCaches, spelling: str = "en-US"
) -> jinja2.Environment:
    """A strict Jinja environment for one edition in one spelling variety, with the training macros
    as globals. The generic content's text is respelled for the variety as it is compiled.

    Environments made with the same ``caches`` and variety share compiled templates and module texts.
    """
    env = strict_environment(
        [root / "templates", root / "content"],
        finalize=finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[SpellingExtension],
        bytecode_cache=caches.variant(spelling),
    )
    env.context_class = TermRecordingContext
    env.spelling_changes = load_variety(root, spelling)  # type: ignore[attr-defined]
    env.filters["upfirst"] = upfirst
    env.filters["source_link"] = source_link
    env.filters["zip_longest"] = lambda first, second: list(itertools.zip_longest(first, second))
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
    "courses": "profile.program.lead_format",
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
                return escape_text(respell(value, env.spelling_changes))  # type: ignore[attr-defined]
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
    texts["course"] = module.course
    texts["lesson_template"] = module.lesson_template
    texts["plain_title"] = Markup(texts["title"]).striptags()
    return Ns(texts)


def module_context(
    env: jinja2.Environment, industry: Industry, module: Module, program: Program, reads: set[str], reinforcement: Ns
) -> dict[str, Any]:
    """Everything a module's page and its texts may use: its scenario, round, questions and rules."""
    context = industry_context(industry, reads)
    profile = context["profile"]
    chosen = program.scenarios.get(module.id)
    scenario = None if chosen is None else wrap_scenario(profile, chosen)  # reads are recorded for coverage
    first_player, employee_player = (
        players(scenario, context["customer"], context["frontline"], context["manager"])
        if scenario is not None
        else (context["customer"], context["frontline"])
    )
    examples = profile.examples.get(module.id, {})
    context |= {
        "first_player": ProfileText(first_player),
        "employee_player": ProfileText(employee_player),
        "ex": Ns(dict(examples)),
    }
    texts = render_module_texts(env, module, context)
    regulations = [r for r in profile.regulations if module.id in r.modules]
    teaches = module.spec.teaches_rules
    taught = [r for r in profile.regulations if teaches and r.data_protection == (teaches == "data-protection")]
    industry_questions = list(profile.module_checks.get(module.id, ()))
    rule_questions = [q for r in taught for q in r.knowledge_check]
    # An organisation's own policies and limits: the module's page prints the policies tagged with
    # it, and the employee's card quotes those that name its scenario.
    policies_here = [policy for policy in profile.policies if module.id in policy.modules]
    on_card = [] if chosen is None else [p for p in profile.policies if chosen.id in p.situations]
    limits_on_card = [] if chosen is None else [a for a in profile.authority if chosen.id in a.situations]
    round_ = program.rounds[chosen.kind] if chosen else None
    steps = [
        Ns({"name": step.name, "minutes": step.minutes, "what": Markup(compile_text(env, step.what).render(context))})
        for step in (round_.steps if round_ else [])
    ]
    return context | {
        "module": texts,
        "scenario": scenario,
        "round": None if round_ is None else Ns({"title": round_.title, "minutes": round_.minutes, "steps": steps}),
        "rotation": rotation(module.number),
        "questions": [*texts.knowledge_check, *industry_questions, *rule_questions],
        "rules_here": [r for r in regulations if r not in taught],
        "rules_taught": taught,
        "reinforcement": reinforcement,
        "card_set": module_card_set(module),
        "policies_here": policies_here,
        "card_policies": on_card,
        "card_limits": limits_on_card,
    }


class LazyContexts(Mapping[str, dict[str, Any]]):
    """Module id → that module's page context, made the first time a template asks for it."""

    def __init__(self, make: Callable[[Module], dict[str, Any]], modules: list[Module]) -> None:
        self._make = make
        self._modules = {m.id: m for m in modules}
        self._made: dict[str, dict[str, Any]] = {}

    def __getitem__(self, module_id: str) -> dict[str, Any]:
        if module_id not in self._made:
            self._made[module_id] = self._make(self._modules[module_id])
        return self._made[module_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


def wrap_scenario(profile: Any, scenario: DifficultSituation) -> Any:
    """The profile's own view of ``scenario`` (so reads are recorded and text stays data)."""
    for situation in profile.difficult_situations:
        if situation.id == scenario.id:
            return situation
    raise KeyError(scenario.id)


def rotation(number: int) -> Ns:
    """Who plays what in a triad (members A, B, C) in the module numbered ``number`` of a course:
    the employee role moves one place each module, so everyone plays it in turn."""
    letters = "ABC"
    return Ns(
        {
            "employee": letters[(number - 1) % 3],
            "first": letters[number % 3],
            "observer": letters[(number + 1) % 3],
        }
    )


def module_card_set(module: Module) -> str:
    """The number printed on every card and slip of a module's scenario: "F4" or "L1"."""
    return f"{'F' if module.course == 'frontline' else 'L'}{module.number}"


def render_edition(
    root: Path,
    env: jinja2.Environment,
    industry: Industry,
    program: Program,
    edition: Edition,
    learner_name: str = "",
    download_facts: dict[str, tuple[int, int]] | None = None,
) -> RenderedEdition:
    """Render every page of ``edition`` for ``industry``; raise InputError on template problems."""
    modules = program.course_modules(edition.course)
    reinforcement = render_reinforcement(env, program.reinforcement, industry_context(industry, set()))
    contexts: dict[str, dict[str, Any]] = {}
    module_reads: dict[str, set[str]] = {}
    for module in program.modules:
        reads: set[str] = set()
        contexts[module.id] = module_context(env, industry, module, program, reads, reinforcement)
        module_reads[module.id] = reads
    outline = {
        m.id: Ns({**vars(contexts[m.id]["module"]), "path": f"modules/{Path(m.folder).name}.md", "module": m})
        for m in program.modules
    }
    agenda = program.agendas[edition.course or "frontline"]

    pages: list[Page] = []
    reads_by_page: dict[str, set[str]] = {}
    for entry in edition.pages:
        if entry == MODULE_PAGES:
            for module in modules:
                item = outline[module.id]
                markdown = render_template(env, root, "pages/module.md", contexts[module.id])
                pages.append(Page(item.path, f"{module.number}. {item.plain_title}", markdown, module.id))
                reads_by_page[module.id] = module_reads[module.id]
            continue
        reads = set()
        context = industry_context(industry, reads) | {
            "modules": [outline[m.id] for m in modules],
            "courses": {
                course: Ns({"modules": [outline[m.id] for m in program.course_modules(course)], "agenda": a})
                for course, a in program.agendas.items()
            },
            # Built on use, with this page's reads: the kit and the plan read scenarios through it.
            "module_pages": LazyContexts(
                partial(module_context, env, industry, program=program, reads=reads, reinforcement=reinforcement),
                program.modules,
            ),
            "downloads": downloads(industry, download_facts),
            "agenda": agenda,
            "reinforcement": reinforcement,
            "titles": {m.id: item.title for m, item in ((m, outline[m.id]) for m in program.modules)},
            "learner_name": ProfileText(learner_name),
        }
        markdown = render_template(env, root, entry, context)
        path = "index.md" if entry == "pages/index.md" else Path(entry).name
        pages.append(Page(path, _first_heading(markdown) or Path(entry).stem, markdown))
        reads_by_page[path] = reads
    return RenderedEdition(industry, edition, pages, reads_by_page)


def render_reinforcement(env: jinja2.Environment, reinforcement: ReinforcementFile, context: dict[str, Any]) -> Ns:
    """The follow-up schedule and scorecard with their Jinja filled in (they name the roles)."""

    def fill(text: str) -> Markup:
        if "{" in text:
            return Markup(compile_text(env, text).render(context))
        return escape_text(respell(text, env.spelling_changes))  # type: ignore[attr-defined]

    return Ns(
        {
            "follow_up": [
                Ns({"when": fill(f.when), "who": fill(f.who), "minutes": f.minutes, "what": fill(f.what)})
                for f in reinforcement.follow_up
            ],
            "scorecard": [
                Ns({"behavior": fill(line.behavior), "good": fill(line.good)}) for line in reinforcement.scorecard
            ],
        }
    )


def _first_heading(markdown: str) -> str:
    match = re.search(r"^# (.+)$", markdown, re.MULTILINE)
    return Markup(match.group(1)).striptags() if match else ""


def downloads(
    industry: Industry,
    facts: dict[str, tuple[int, int]] | None = None,
    editions: tuple[Edition, ...] = LEARNER_PDFS,
) -> list[Ns]:
    """The printable editions of an industry (the learner ones unless told), as the site and
    portal link them; with ``facts`` (file name → pages, bytes) each also says how long and how
    large it is, and one without facts is not ready (``serve`` builds the site before its PDFs)."""
    listed = []
    for edition in editions:
        name = edition.filename(industry.profile.id)
        pages, size = (facts or {}).get(name, (0, 0))
        listed.append(
            Ns(
                {
                    "title": edition.title,
                    "audience": edition.audience,
                    "file": name,
                    "href": f"downloads/{name}",
                    "ready": facts is None or name in facts,
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
