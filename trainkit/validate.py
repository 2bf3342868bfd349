"""Turn loaded YAML into typed models, collecting every problem of a run before reporting.

Schema problems come from pydantic and are rewritten for people ("Expected X but received Y",
"did you mean …"); cross-checks catch what a schema cannot (a role-play naming a channel the
profile does not have, activities that do not add up to the module's minutes).
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError, Problem
from .load import Document, LoadFailed, load_yaml, read_bounded
from .merge import provenance
from .model import (
    TRAINABLE_CAUSES,
    URL_PATTERN,
    WRITTEN_CHANNELS,
    AuthorityLimit,
    ConversationRound,
    DeliveryFormat,
    Industry,
    Module,
    ModuleSpec,
    Policy,
    Profile,
    Question,
)
from .text import comparable

if TYPE_CHECKING:
    from .render import RenderedEdition

# \Z, not $: `$` also matches before a final newline, and `evil\n.yaml` is no slug.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
MODULE_FOLDER = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\Z")
OBSERVER_CHECKLIST = "observer-checklist"
#: An objective assessed by the profile's own questions for the module (profile.module_checks).
INDUSTRY_QUESTIONS = "industry-questions"
#: An objective assessed by the questions of the regulations the module teaches.
RULE_QUESTIONS = "rule-questions"
ASSESSMENT_TOKENS = frozenset({OBSERVER_CHECKLIST, INDUSTRY_QUESTIONS, RULE_QUESTIONS})
INDUSTRY_QUESTIONS_PER_MODULE = 2
M = TypeVar("M", bound=BaseModel)

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "list_type": "a list (lines starting with '- ')",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "date_type": "a date written like 2026-11-25 (no quotes)",
    "date_parsing": "a date written like 2026-11-25 (no quotes)",
    "date_from_datetime_parsing": "a date written like 2026-11-25 (no quotes)",
    "bool_type": "true or false",
}
_PATTERNS = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "a slug of lower-case letters, digits and single hyphens (e.g. retail-banking)",
    URL_PATTERN: "an https:// link to the official source, its host written directly after https:// "
    "(no user@ part, no spaces)",
    r"^#[0-9a-fA-F]{6}$": "a colour written #RRGGBB (or, in a brand, a name from color.palette)",
    r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$": "a typeface family name as `fc-list : family` lists it",
}


def field_path(loc: Iterable[str | int]) -> str:
    """``('terms', 'channels', 2, 'name')`` → ``terms.channels[2].name``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe(value: Any) -> str:
    """A short, unambiguous rendering of a received value for an error message."""
    if value is None:
        return "nothing (null)"
    kind = {str: "text", int: "number", float: "number", bool: "true/false", list: "list", dict: "mapping"}
    try:
        shown = repr(value)
    except ValueError:  # an int too long to write in decimal
        shown = f"a number of {value.bit_length():,} bits"
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{shown} ({kind.get(type(value), type(value).__name__)})"


def schema_problems(model: type[BaseModel], doc: Document) -> tuple[Any, list[Problem]]:
    """Validate ``doc`` against ``model``; return the instance (or None) and the problems."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as err:
        errors = err.errors(include_url=False)
        # A misspelt field shows up twice: as unknown, and its real name as missing. Report it once.
        misspelt = {
            (tuple(e["loc"][:-1]), close)
            for e in errors
            if e["type"] == "extra_forbidden"
            for close in difflib.get_close_matches(str(e["loc"][-1]), _allowed_keys(model, tuple(e["loc"][:-1])), n=1)
        }
        errors = [
            e for e in errors if not (e["type"] == "missing" and (tuple(e["loc"][:-1]), e["loc"][-1]) in misspelt)
        ]
        return None, [_problem_from_error(model, doc, e) for e in errors]


def _problem_from_error(model: type[BaseModel], doc: Document, error: Any) -> Problem:
    loc = tuple(error["loc"])
    file, line = doc.where(loc)
    message = _message(model, error)
    if loc and loc[-1] == "[key]":  # pydantic's mark for a mapping key: name the key, not "glossary.None.[key]"
        key = error.get("input")
        shown = "null" if key is None else repr(key)
        return Problem(file, line, f"{field_path(loc[:-2])} key {shown}", message)
    return Problem(file, line, doc.label(loc, field_path(loc)), message + provenance(doc, loc))


def _message(model: type[BaseModel], error: Any) -> str:
    """One pydantic error as a sentence: what was expected, what was received, what to do."""
    loc = tuple(error["loc"])
    kind = error["type"]
    received = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing; add it (see industries/schema.json)"
    if kind == "extra_forbidden":
        allowed = sorted(_allowed_keys(model, loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed here: {', '.join(allowed)}"
        return f"unknown field; {hint}"
    if kind in {"control_character", "invisible_text"}:
        return str(error["msg"])
    if kind in _EXPECTED:
        misread = _misread_value(kind, received)
        return misread or f"Expected {_EXPECTED[kind]} but received {describe(received)}"
    if kind == "literal_error":
        return f"Expected one of {ctx.get('expected')} but received {describe(received)}"
    if kind == "string_pattern_mismatch":
        wanted = _PATTERNS.get(str(ctx.get("pattern")), f"text matching {ctx.get('pattern')}")
        return f"Expected {wanted} but received {describe(received)}"
    if kind in {"too_short", "string_too_short"}:
        size = ctx.get("min_length", 1)
        unit = "character" if kind == "string_too_short" else "item"
        return f"Expected at least {size} {unit}{'s' if size != 1 else ''} but received {describe(received)}"
    if kind == "string_too_long":
        size = ctx.get("max_length")
        return f"Expected at most {size} characters but received {len(received):,}; shorten it to {size} or fewer"
    if kind == "too_long":
        size = ctx.get("max_length")
        return (
            f"Expected at most {size} items but received {ctx.get('actual_length', len(received)):,}; "
            f"keep the {size} that matter most"
        )
    return f"{error['msg']}; received {describe(received)}"


_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def _misread_value(kind: str, received: Any) -> str | None:
    """The message for a value the loader kept as text because YAML would have misread it
    (trainkit/load.py): ``1:20:30`` (base 60 in YAML 1.1), a 5,000-digit number, 2026-02-30."""
    if not isinstance(received, str):
        return None
    if kind in {"int_type", "int_from_float"} and _SEXAGESIMAL.match(received):
        return (
            f"Expected a whole number but received {received!r}, which YAML 1.1 reads as a number in base 60; "
            "write minutes as a plain number (80, not 1:20)"
        )
    if kind in {"int_type", "int_from_float"} and re.fullmatch(r"[-+]?(0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9_]+)", received):
        digits = len(received.lstrip("+-"))
        return f"Expected a whole number but received one {digits:,} digits long; write a small whole number"
    date = _DATE.match(received)
    if kind.startswith("date") and date:
        try:
            datetime.date(*(int(part) for part in date.groups()))
        except ValueError as err:
            return f"{received!r} is not a real date ({err}); write a date that exists, like 2026-11-25"
    return None


@cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _allowed_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> set[str]:
    """The field names the schema allows at ``loc``, for "did you mean" hints."""
    schema = _schema(model)
    defs = schema.get("$defs", {})
    node: dict[str, Any] = schema
    for part in loc:
        node = _deref(node, defs)
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part) or node.get("additionalProperties") or {}
    return set(_deref(node, defs).get("properties", {}))


def _deref(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].split("/")[-1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _deref(node["allOf"][0], defs)
    return node


def load_content_file(root: Path, relative: str, model: type[M]) -> M:
    """Load one YAML file of content/ into ``model``; raise InputError with every problem."""
    try:
        doc = load_yaml(root / relative, relative)
    except LoadFailed as failed:
        raise InputError([Problem(relative, failed.line, "", failed.message)]) from None
    parsed, problems = schema_problems(model, doc)
    if parsed is None:
        raise InputError(problems)
    return parsed  # type: ignore[no-any-return]


def roleplay_time_problems(
    modules: list[Module], rounds: Mapping[str, ConversationRound], rounds_file: str
) -> list[Problem]:
    """A module's role-play activity holds at least one whole round of every kind it practises."""
    problems: list[Problem] = []
    for module in modules:
        kinds = module.spec.roleplay.kinds
        missing = [kind for kind in kinds if kind not in rounds]
        if missing:
            problems.append(
                Problem(rounds_file, None, "kinds", f"no round defined for kind {', '.join(missing)} ({module.id})")
            )
            continue
        needed = max(rounds[kind].minutes for kind in kinds)
        for index, activity in enumerate(module.spec.activities):
            if activity.kind == "roleplay" and activity.minutes < needed:
                longest = max(kinds, key=lambda kind: rounds[kind].minutes)
                problems.append(
                    Problem(
                        f"{module.folder}/module.yaml",
                        module.line_of(("activities", index)),
                        f"activities[{index}].minutes",
                        f"a {longest} role-play round needs at least {needed} minutes ({rounds_file}) but "
                        f"this activity has {activity.minutes}; lengthen it or drop the kind from roleplay.kinds",
                    )
                )
    return problems


# --------------------------------------------------------------------------- profiles


def load_industries(
    industries_dir: Path,
    root: Path,
    module_ids: dict[str, Module],
    formats: Mapping[str, DeliveryFormat] | None = None,
    courses: Mapping[str, str] | None = None,
    required: Collection[str] | None = None,
) -> list[Industry]:
    """Load and check every ``industries/*.yaml`` and every ``organisations/*.yaml`` (each merged over
    the industry it extends); raise :class:`InputError` with all problems.

    With ``required`` (industry or organisation ids), only problems in those profiles, and in the
    industries the required organisations extend, stop the run: a broken profile nobody asked for
    is left out, so it cannot block a build of another. Without it (``check``, ``list``, a full
    build), every profile must be valid.
    """
    from .organisations import ORGANISATIONS, load_organisations

    check = partial(check_profile, root=root, module_ids=module_ids, formats=formats or {}, courses=courses or {})
    problems: dict[str, list[Problem]] = {}  # file stem (the id it claims) → its problems
    industries: list[Industry] = []
    documents: dict[str, Document] = {}
    for path in profile_paths(industries_dir):
        industry, doc, found = load_profile(path, root, check)
        if found:
            problems.setdefault(path.stem, []).extend(found)
        if industry is not None and doc is not None:
            industries.append(industry)
            documents[industry.profile.id] = doc
    seen: dict[str, str] = {}
    for industry in industries:
        if industry.profile.id in seen:
            message = f"duplicate industry id '{industry.profile.id}' (also in {seen[industry.profile.id]})"
            problems.setdefault(Path(industry.file).stem, []).append(Problem(industry.file, 1, "id", message))
        seen[industry.profile.id] = industry.file
    usable = {i.profile.id: (i, documents[i.profile.id]) for i in industries if Path(i.file).stem not in problems}
    stems = {path.stem: path.relative_to(root).as_posix() for path in profile_paths(industries_dir)}
    organisations = load_organisations(root / ORGANISATIONS, root, usable, stems, check)
    for stem, found in organisations.problems.items():
        problems.setdefault(stem, []).extend(found)
    if not industries and not problems and required is None:
        shown = industries_dir.relative_to(root).as_posix()
        problems[""] = [Problem(shown, None, "", "no profiles found; add one with `build.py new ID`")]
    wanted = None if required is None else {*required, *(organisations.extends.get(i) for i in required)}
    stopping = [p for stem, found in problems.items() if wanted is None or stem in wanted for p in found]
    if stopping:
        raise InputError(stopping)
    loaded = [*industries, *organisations.loaded]
    return [industry for industry in loaded if Path(industry.file).stem not in problems]


def profile_paths(industries_dir: Path) -> list[Path]:
    """Every ``*.yaml`` and ``*.yml`` entry, whatever it is (the loader refuses what is no file).
    Hidden names are skipped: editors keep lock and swap files such as ``.#hotel.yaml`` there."""
    found = [*sorted(industries_dir.glob("*.yaml")), *sorted(industries_dir.glob("*.yml"))]
    return [path for path in found if not path.name.startswith(".")]


#: Checks a profile document (its id must be the given file stem): the profile, or None, and the problems.
ProfileCheck = Callable[[Document, str], tuple[Profile | None, list[Problem]]]


def load_profile(path: Path, root: Path, check: ProfileCheck) -> tuple[Industry | None, Document | None, list[Problem]]:
    """One industry profile file, loaded and checked: the industry (None if it does not match the
    schema), its document (for the organisations that extend it) and its problems."""
    shown = path.relative_to(root).as_posix()
    if not SLUG.match(path.stem):
        return (
            None,
            None,
            [Problem(shown, None, "", f"file name must be a slug (e.g. retail-banking.yaml); rename '{path.name}'")],
        )
    try:
        doc = load_yaml(path, shown, within=root)
    except LoadFailed as failed:
        return None, None, [Problem(shown, failed.line, "", failed.message)]
    profile, problems = check(doc, path.stem)
    if profile is None:
        return None, None, problems
    logo = (profile.branding.logo,) if profile.branding.logo else ()
    return Industry(profile, shown, sources=logo), doc, problems


def check_profile(
    doc: Document,
    stem: str,
    root: Path,
    module_ids: dict[str, Module],
    formats: Mapping[str, DeliveryFormat],
    courses: Mapping[str, str],
) -> tuple[Profile | None, list[Problem]]:
    """Every check of a profile, an industry's or an organisation's merged one: the schema, the
    cross-checks, the delivery formats and the branding."""
    from .brand import branding_problems

    profile, problems = schema_problems(Profile, doc)
    problems += glossary_key_problems(doc)
    if profile is None:  # the references that can be read are still checked: one run, every problem
        return None, problems + raw_reference_problems(doc, stem, module_ids)
    problems += profile_cross_checks(profile, doc, stem, module_ids)
    problems += program_format_problems(profile, doc, formats, courses)
    problems += branding_problems(root, profile.branding, doc)
    return profile, problems


def glossary_key_problems(doc: Document) -> list[Problem]:
    """Glossary terms a reader could not tell apart (``Hold``, `` hold``, ``HOLD``, ``Ho\u200bld``)
    would silently become one entry, or two entries that look the same: report the second."""
    glossary = doc.data.get("glossary")
    if not isinstance(glossary, dict):
        return []
    problems: list[Problem] = []
    first: dict[str, Any] = {}
    for key in glossary:
        if not isinstance(key, str):
            continue
        same = first.setdefault(comparable(key), key)
        if same is not key:
            file, line = doc.where(("glossary", key))
            first_file, first_line = doc.where(("glossary", same))
            earlier = f"line {first_line}" if first_file == file else f"{first_file}:{first_line}"
            problems.append(
                Problem(
                    file,
                    line,
                    f"glossary key {key!r}",
                    f"is the same term as {same!r} ({earlier}) but for case, "
                    "spacing or invisible characters; keep one of them",
                )
            )
    return problems


def program_format_problems(
    profile: Profile, doc: Document, formats: Mapping[str, DeliveryFormat], courses: Mapping[str, str]
) -> list[Problem]:
    """Each course's chosen delivery format exists and schedules that course."""
    problems: list[Problem] = []
    for course, setting in courses.items():
        chosen = getattr(profile.program, setting)
        fitting = sorted(format_id for format_id, f in formats.items() if f.course == course)
        if chosen not in fitting:
            problems.append(
                Problem(
                    *doc.where(("program", setting)),
                    f"program.{setting}",
                    f"Expected one of {', '.join(fitting)} (the {course} formats in content/program/formats.yaml) "
                    f"but received '{chosen}'",
                )
            )
    return problems


@dataclass
class _Findings:
    """The problems of one profile file, and the helpers every cross-check reports through."""

    doc: Document
    modules: dict[str, Module]
    problems: list[Problem] = field(default_factory=list)

    def report(self, loc: tuple[str | int, ...], message: str) -> None:
        file, line = self.doc.where(loc)
        self.problems.append(
            Problem(file, line, self.doc.label(loc, field_path(loc)), message + provenance(self.doc, loc))
        )

    def check_modules(self, loc: tuple[str | int, ...], ids: Iterable[str]) -> None:
        for index, module_id in enumerate(ids):
            self.check_module((*loc, index), module_id)

    def check_module(self, loc: tuple[str | int, ...], module_id: str) -> None:
        if module_id not in self.modules:
            close = difflib.get_close_matches(module_id, list(self.modules), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known modules: {', '.join(self.modules)}"
            self.report(loc, f"no module has id '{module_id}'; {hint}")


def profile_cross_checks(profile: Profile, doc: Document, stem: str, modules: dict[str, Module]) -> list[Problem]:
    """What the schema cannot say: references between fields and to modules."""
    found = _Findings(doc, modules)
    if profile.id != stem:
        found.report(("id",), f"Expected '{stem}' (the file name) but received '{profile.id}'; make them match")
    _situation_problems(profile, found)
    for index, regulation in enumerate(profile.regulations):
        found.check_modules(("regulations", index, "modules"), regulation.modules)
    for index, issue in enumerate(profile.known_issues):
        found.check_modules(("known_issues", index, "modules"), issue.modules)
        if issue.cause_type in TRAINABLE_CAUSES and not issue.modules:
            found.report(
                ("known_issues", index, "modules"),
                f"a {issue.cause_type} cause is trainable; list the modules that train it",
            )
    _question_problems(profile, found)
    _example_problems(profile, found)
    _policy_problems(profile, found)
    return found.problems


def _policy_problems(profile: Profile, found: _Findings) -> None:
    """Authority limits and policies have ids of their own and name role-plays and modules that exist."""
    situations = {situation.id for situation in profile.difficult_situations}
    named: tuple[tuple[str, Sequence[AuthorityLimit | Policy]], ...] = (
        ("authority", profile.authority),
        ("policies", profile.policies),
    )
    for field_name, items in named:
        ids: set[str] = set()
        for index, item in enumerate(items):
            if item.id in ids:
                found.report((field_name, index, "id"), f"duplicate id '{item.id}'; ids must be unique")
            ids.add(item.id)
            for j, situation in enumerate(item.situations):
                if situation not in situations:
                    close = difflib.get_close_matches(situation, sorted(situations), n=1)
                    hint = f"did you mean '{close[0]}'?" if close else "see difficult_situations for the ids"
                    found.report((field_name, index, "situations", j), f"no role-play has id '{situation}'; {hint}")
            if isinstance(item, Policy):
                found.check_modules((field_name, index, "modules"), item.modules)


def raw_reference_problems(doc: Document, stem: str, modules: dict[str, Module]) -> list[Problem]:
    """The cross-checks of :func:`profile_cross_checks` that need only references (the id, module
    ids, channel names), run on the raw data of a profile the schema refused. Values of the wrong
    type are skipped: the schema has reported them already."""
    data = doc.data if isinstance(doc.data, dict) else {}
    found = _Findings(doc, modules)

    def items(key: str) -> list[tuple[int, dict[str, Any]]]:
        value = data.get(key)
        return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []

    def module_ids(loc: tuple[str | int, ...], value: Any) -> None:
        for index, module_id in enumerate(value if isinstance(value, list) else []):
            if isinstance(module_id, str):
                found.check_module((*loc, index), module_id)

    profile_id = data.get("id")
    if isinstance(profile_id, str) and profile_id != stem:
        found.report(("id",), f"Expected '{stem}' (the file name) but received '{profile_id}'; make them match")
    channels = {c["name"] for _, c in items("channels") if isinstance(c.get("name"), str)}
    for index, situation in items("difficult_situations"):
        channel = situation.get("channel")
        if channels and isinstance(channel, str) and channel not in channels:
            found.report(("difficult_situations", index, "channel"), _unknown_channel(channels, channel))
        module_ids(("difficult_situations", index, "modules"), situation.get("modules"))
    for key in ("regulations", "known_issues"):
        for index, item in items(key):
            module_ids((key, index, "modules"), item.get("modules"))
    for key in ("module_checks", "examples"):
        keyed = data.get(key)
        for module_id in keyed if isinstance(keyed, dict) else ():
            if isinstance(module_id, str) and module_id not in modules:
                found.check_modules((key,), [module_id])
    return found.problems


def _unknown_channel(channels: Collection[str], channel: str) -> str:
    return f"Expected one of the profile's channels ({', '.join(sorted(channels))}) but received '{channel}'"


def _situation_problems(profile: Profile, found: _Findings) -> None:
    """Each role-play names a channel of the profile that fits its kind, and has the roles it needs."""
    channels = {channel.name: channel.kind for channel in profile.channels}
    situation_ids: set[str] = set()
    for index, situation in enumerate(profile.difficult_situations):
        if situation.channel not in channels:
            found.report(("difficult_situations", index, "channel"), _unknown_channel(channels, situation.channel))
        elif situation.kind == "written" and channels[situation.channel] not in WRITTEN_CHANNELS:
            found.report(
                ("difficult_situations", index, "kind"),
                f"a written role-play needs a written channel ({', '.join(sorted(WRITTEN_CHANNELS))}), but "
                f"'{situation.channel}' is {channels[situation.channel]}; change the channel or the kind",
            )
        if situation.kind in {"colleague", "coaching"} and not situation.customer_role:
            found.report(
                ("difficult_situations", index, "customer_role"),
                f"a {situation.kind} role-play needs customer_role: the first player's job (the colleague or "
                "the staff member being coached)",
            )
        if situation.id in situation_ids:
            found.report(
                ("difficult_situations", index, "id"), f"duplicate situation id '{situation.id}'; ids must be unique"
            )
        situation_ids.add(situation.id)
        found.check_modules(("difficult_situations", index, "modules"), situation.modules)


def _question_problems(profile: Profile, found: _Findings) -> None:
    """Two industry questions per module, a data-protection law, and answers that point at options."""
    for module_id, questions in profile.module_checks.items():
        if module_id not in found.modules:
            found.check_modules(("module_checks",), [module_id])
        found.problems.extend(_answer_problems(found.doc, ("module_checks", module_id), questions))
    for module in found.modules.values():
        given = len(profile.module_checks.get(module.id, []))
        if given < INDUSTRY_QUESTIONS_PER_MODULE:
            found.report(
                ("module_checks", module.id) if given else ("module_checks",),
                f"module_checks.{module.id} has {given} question(s); write at least {INDUSTRY_QUESTIONS_PER_MODULE} "
                "scenario questions from this industry for the module (one defensible key, distractors as long as it)",
            )
    if not any(regulation.data_protection for regulation in profile.regulations):
        found.report(
            ("regulations",),
            "no regulation has data_protection: true; add the data-protection law of each jurisdiction "
            "(GDPR, UK GDPR and the Data Protection Act 2018, HIPAA, GLBA …): the privacy module teaches it",
        )
    for index, regulation in enumerate(profile.regulations):
        where = ("regulations", index, "knowledge_check")
        found.problems.extend(_answer_problems(found.doc, where, regulation.knowledge_check))


def _example_problems(profile: Profile, found: _Findings) -> None:
    """The profile fills every example slot each lesson declares, and no slot a lesson does not."""
    for module in found.modules.values():
        given = profile.examples.get(module.id, {})
        for slot, needs in module.spec.examples.items():
            if slot not in given:
                found.report(
                    ("examples", module.id) if module.id in profile.examples else ("examples",),
                    f"examples.{module.id}.{slot} is missing: the {module.id} lesson needs {needs} "
                    f"(declared in {module.folder}/module.yaml); add it in this industry's words",
                )
    for module_id, slots in profile.examples.items():
        if module_id not in found.modules:
            found.check_modules(("examples",), [module_id])
            continue
        declared = found.modules[module_id].spec.examples
        for slot in slots:
            if slot not in declared:
                hint = ", ".join(sorted(declared)) or "none"
                found.report(
                    ("examples", module_id, slot), f"the module declares no example '{slot}'; it declares: {hint}"
                )


def _answer_problems(doc: Document, loc: tuple[str | int, ...], questions: list[Question]) -> list[Problem]:
    """Each question's answer index points at one of its options."""
    problems = []
    for index, question in enumerate(questions):
        if question.answer >= len(question.options):
            where = (*loc, index, "answer")
            problems.append(
                Problem(
                    *doc.where(where),
                    field_path(where),
                    f"Expected an option index from 0 to {len(question.options) - 1} but received {question.answer}",
                )
            )
    return problems


# --------------------------------------------------------------------------- modules


def load_modules(modules_dir: Path, root: Path) -> dict[str, Module]:
    """Load and check every ``content/modules/NN-<id>/``; raise :class:`InputError` with all problems."""
    problems: list[Problem] = []
    modules: dict[str, Module] = {}
    for folder in sorted(p for p in modules_dir.iterdir() if p.is_dir()):
        shown = folder.relative_to(root).as_posix()
        match = MODULE_FOLDER.match(folder.name)
        if not match:
            problems.append(Problem(shown, None, "", "module folders are named NN-<id>, e.g. 02-questioning"))
            continue
        spec_path = folder / "module.yaml"
        if not spec_path.is_file() or not (folder / "lesson.md").is_file():
            problems.append(Problem(shown, None, "", "a module folder needs module.yaml and lesson.md"))
            continue
        try:
            doc = load_yaml(spec_path, f"{shown}/module.yaml")
        except LoadFailed as failed:
            problems.append(Problem(f"{shown}/module.yaml", failed.line, "", failed.message))
            continue
        spec, found = schema_problems(ModuleSpec, doc)
        problems += found
        if spec is None:
            continue
        problems += module_cross_checks(spec, doc, match.group(2))
        if spec.id in modules:
            problems.append(Problem(doc.file, doc.line_of(("id",)), "id", f"duplicate module id '{spec.id}'"))
        lesson = f"{modules_dir.relative_to(root / 'content').as_posix()}/{folder.name}/lesson.md"
        modules[spec.id] = Module(int(match.group(1)), spec, shown, lesson, doc.lines)
    if problems:
        raise InputError(problems)
    return modules


def module_cross_checks(spec: ModuleSpec, doc: Document, folder_id: str) -> list[Problem]:
    """Timings add up, every objective is practised and assessed, answers point at options."""
    problems: list[Problem] = []

    def report(loc: tuple[str | int, ...], message: str) -> None:
        problems.append(Problem(doc.file, doc.line_of(loc), field_path(loc), message))

    if spec.id != folder_id:
        report(("id",), f"Expected '{folder_id}' (from the folder name) but received '{spec.id}'")
    total = sum(activity.minutes for activity in spec.activities)
    if total != spec.minutes:
        report(
            ("minutes",), f"activities add up to {total} minutes but the module says {spec.minutes}; make them match"
        )
    activity_ids = {activity.id for activity in spec.activities}
    question_ids = {question.id for question in spec.knowledge_check}
    for index, objective in enumerate(spec.objectives):
        for j, activity_id in enumerate(objective.practised_in):
            if activity_id not in activity_ids:
                report(
                    ("objectives", index, "practised_in", j),
                    f"Expected one of the activity ids ({', '.join(sorted(activity_ids))}) "
                    f"but received '{activity_id}'",
                )
        for j, assessment in enumerate(objective.assessed_by):
            if assessment not in question_ids | ASSESSMENT_TOKENS:
                tokens = ", ".join(f"'{t}'" for t in sorted(ASSESSMENT_TOKENS))
                report(
                    ("objectives", index, "assessed_by", j),
                    f"Expected a knowledge-check question id or one of {tokens} but received '{assessment}'",
                )
    problems.extend(_answer_problems(doc, ("knowledge_check",), spec.knowledge_check))
    return problems


# --------------------------------------------------------------------------- printed length


def page_limit_problem(root: Path, rendered: RenderedEdition, pages: int) -> Problem | None:
    """A PDF edition longer than its limit (the two-page job aid), naming the profile lists it
    prints, longest first, so the writer knows what to shorten; None when it fits."""
    limit = rendered.edition.max_pages
    if not limit or pages <= limit:
        return None
    profile = rendered.industry.profile.model_dump()
    read = {field.split(".")[1] for fields in rendered.fields_read.values() for field in fields if "." in field}
    lists = sorted(
        ((name, len(profile[name])) for name in read if isinstance(profile.get(name), list)), key=lambda f: -f[1]
    )
    shorten = ", ".join(f"{name} ({count} item{'s' if count != 1 else ''})" for name, count in lists)
    file, line = rendered.industry.file, _top_level_line(root / rendered.industry.file, lists[0][0]) if lists else None
    advice = f"shorten what it prints: {shorten or 'its text'}"
    if rendered.industry.is_organisation:
        # The organisation's author edits their own file only: inherited lists are shortened there.
        advice += (
            f"; in {file}, replace an inherited list with a shorter one, or drop items with remove: "
            "(by id, name or exact text)"
        )
    if rendered.industry.profile.branding.font:
        advice += f"; the typeface {rendered.industry.profile.branding.font} also sets how much fits on a page"
    return Problem(
        file,
        line,
        rendered.edition.id,
        f"the {rendered.edition.title.lower()} runs to {pages} pages but must fit on {limit}; {advice}",
    )


def _top_level_line(path: Path, key: str) -> int | None:
    try:
        text = read_bounded(path).decode("utf-8", errors="replace")
    except LoadFailed:
        return None
    found = re.search(rf"^{re.escape(key)}:", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else None
