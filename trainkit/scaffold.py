"""`build.py new ID --from EXISTING`: start a profile from a working one, with every field explained.

The copy validates as it stands (only id and name change), so a designer can build it at once and
then rewrite it field by field; a comment above each top-level field says what belongs there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from .errors import InputError, Problem
from .load import load_yaml
from .model import Industry, Profile
from .validate import SLUG

SCHEMA_LINE = "# yaml-language-server: $schema=schema.json"


def scaffold(root: Path, new_id: str, source_id: str) -> Path:
    """Write ``industries/<new_id>.yaml`` from ``industries/<source_id>.yaml``; return its path."""
    industries = root / "industries"
    if not SLUG.match(new_id):
        raise InputError(
            [Problem("command line", None, "ID", f"Expected a slug such as cruise-line but received '{new_id}'")]
        )
    target = industries / f"{new_id}.yaml"
    if target.exists():
        raise InputError([Problem(f"industries/{new_id}.yaml", None, "", "already exists; choose another id")])
    source = industries / f"{source_id}.yaml"
    if not source.is_file():
        known = ", ".join(sorted(p.stem for p in industries.glob("*.yaml")))
        raise InputError([Problem("command line", None, "--from", f"no profile '{source_id}'; known: {known}")])
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if not line.startswith("# yaml-language")]
    name = new_id.replace("-", " ").capitalize()
    out = [
        SCHEMA_LINE,
        f"# Profile for {name}, started from {source_id}.yaml. Rewrite every value for your industry, then run",
        "#   python build.py check        (says what is wrong, with line numbers)",
        f"#   python build.py serve --industry {new_id}",
        "# Field reference: industries/schema.json. Profile text is plain text: no Markdown, no HTML.",
    ]
    fields = Profile.model_fields
    nested = nested_field_help()
    explained: set[str] = set()
    for line in lines:
        key = re.match(r"^([a-z_]+):", line)
        if key and key.group(1) in fields and fields[key.group(1)].description:
            out.append(f"\n# {key.group(1)}: {fields[key.group(1)].description}")
        inner = re.match(r"^(\s+)(- )?([a-z_]+):", line)
        if inner and inner.group(3) in nested and inner.group(3) not in explained:
            explained.add(inner.group(3))  # explain each nested field once, where it first appears
            out.append(f"{inner.group(1)}# {inner.group(3)}: {nested[inner.group(3)]}")
        if line.startswith("id:"):
            line = f"id: {new_id}"
        elif line.startswith("name:"):
            line = f"name: {name}"
        out.append(line)
    if not any(line.startswith("program:") for line in lines):
        out += [
            f"\n# program: {fields['program'].description}; formats: content/program/formats.yaml",
            "program:",
            "  format: two-and-a-half-days",
            "  lead_format: half-day",
        ]
    target.write_text("\n".join(out).replace("\n\n\n", "\n\n") + "\n", encoding="utf-8")
    return target


def nested_field_help() -> dict[str, str]:
    """Field name → what it holds (and its allowed values), for every model inside a profile."""
    help_text: dict[str, str] = {}

    def visit(model: type[BaseModel]) -> None:
        for name, info in model.model_fields.items():
            allowed = _literal_values(info.annotation)
            text = info.description or ""
            if allowed:
                text = f"{text}; one of: {' | '.join(allowed)}" if text else f"one of: {' | '.join(allowed)}"
            if name == "modules":
                text = "ids of the modules that use this (see `build.py list`)"
            if text and name not in help_text:
                help_text[name] = text
            for inner in _models_in(info.annotation):
                visit(inner)

    for info in Profile.model_fields.values():
        for inner in _models_in(info.annotation):
            visit(inner)
    return help_text


def _literal_values(annotation: Any) -> list[str]:
    if get_origin(annotation) is Literal:
        return [str(v) for v in get_args(annotation)]
    for arg in get_args(annotation):
        found = _literal_values(arg)
        if found:
            return found
    return []


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


_STARTED_FROM = re.compile(r"^# Profile for .*, started from ([a-z0-9-]+)\.yaml\.", re.MULTILINE)
#: Fields a new profile may share with its source by design: `new` rewrites id and name itself, and
#: the rest are choices (where, when, which spelling, paper, colours, schedule), not written content.
_NOT_COMPARED = frozenset(
    {"schema_version", "id", "name", "jurisdictions", "last_reviewed", "spelling", "print", "branding", "program"}
)
#: How many of a field's copied entries a problem names before "…".
_NAMED = 3


def unedited_copy_problems(root: Path, industries: list[Industry]) -> list[Problem]:
    """Every field, and every entry of a list or mapping, still as in the profile this one was
    started from (named in the comment `new` writes): one problem per field, at its first copied
    entry. The profile it was started from is not a copy of its copy, which is why the comment, not
    any likeness, decides; deleting the comment keeps whatever was kept on purpose."""
    by_id = {industry.profile.id: industry for industry in industries}
    compared = [name for name in Profile.model_fields if name not in _NOT_COMPARED]
    problems: list[Problem] = []
    for industry in industries:
        text = (root / industry.file).read_text(encoding="utf-8")
        named = _STARTED_FROM.search(text)
        source = by_id.get(named.group(1)) if named else None
        if named is None or source is None or source is industry:
            continue
        document = load_yaml(root / industry.file, industry.file)
        mine, theirs = industry.profile.model_dump(mode="json"), source.profile.model_dump(mode="json")
        comment_line = text.count("\n", 0, named.start()) + 1
        for name in compared:
            annotation = Profile.model_fields[name].annotation  # terms: "guest" may stay, so only all of it
            whole_only = isinstance(annotation, type) and issubclass(annotation, BaseModel)
            copied = (
                [()] if mine[name] == theirs[name] else [] if whole_only else copied_entries(mine[name], theirs[name])
            )
            if not copied or not theirs[name]:  # nothing to copy: both left out an optional field
                continue
            if copied == [()]:
                message = f"still the same as in {source.file}; rewrite it for {industry.profile.name}"
            else:
                names = [entry_name(mine[name], path) for path in copied[:_NAMED]]
                shown = "; ".join(names) + ("; …" if len(copied) > _NAMED else "")
                message = (
                    f"{len(copied)} entr{'y' if len(copied) == 1 else 'ies'} still as in {source.file} ({shown}); "
                    f"rewrite {'it' if len(copied) == 1 else 'them'} for {industry.profile.name}"
                )
            kept = f"kept on purpose? delete the 'started from' comment on line {comment_line}"
            problems.append(Problem(industry.file, document.line_of((name, *copied[0])), name, f"{message} ({kept})"))
    return problems


def copied_entries(mine: Any, theirs: Any) -> list[tuple[str | int, ...]]:
    """Where ``mine`` still holds what ``theirs`` holds: ``[()]`` when all of it, else the path of
    each entry of a list (by position, named by its id, name or text) or mapping (by key) that is
    the same, looked into one level deeper for mappings of mappings (module_checks, examples)."""
    if mine == theirs:
        return [()]
    if isinstance(mine, list) and isinstance(theirs, list):
        return [(index,) for index, entry in enumerate(mine) if entry in theirs]
    if isinstance(mine, dict) and isinstance(theirs, dict):
        found: list[tuple[str | int, ...]] = []
        for key, value in mine.items():
            if key not in theirs:
                continue
            inner = copied_entries(value, theirs[key])
            found += [(key, *path) for path in inner]
        return found
    return []


def entry_name(value: Any, path: tuple[str | int, ...]) -> str:
    """How a reader finds the entry at ``path``: its key, or its id, name or opening words."""
    for step in path:
        value = value[step]
    if isinstance(path[-1], str):
        return " ".join(str(step) for step in path)
    if isinstance(value, dict):
        value = next((value[key] for key in ("id", "name", "term", "title", "question") if key in value), value)
    words = str(value).split()
    return " ".join(words[:6]) + (" …" if len(words) > 6 else "")
