"""`build.py new-org ID --industry hotel`: start an organisation file, with every field it may override explained.

The file validates and builds as written (it inherits everything but its name and brand); comments
show, for every field of the industry, what it holds, what the organisation inherits and how to
change it under the merge rules (trainkit/merge.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from .errors import InputError, Problem
from .fonts import installed_families
from .merge import item_key
from .model import Profile
from .organisations import ORGANISATIONS
from .scaffold import nested_field_help
from .validate import SLUG

SCHEMA_LINE = "# yaml-language-server: $schema=schema.json"
#: Fields the starting file writes itself, or that only name the file.
WRITTEN = frozenset({"schema_version", "id", "name", "branding"})
#: Organisation facts first: the fields a client's program is made of.
FIRST = ("summary", "terms", "escalation", "authority", "policies", "module_checks", "difficult_situations")


def scaffold_organisation(root: Path, new_id: str, industry_id: str) -> Path:
    """Write ``organisations/<new_id>.yaml`` extending ``industries/<industry_id>.yaml``; return its path."""
    if not SLUG.match(new_id):
        raise InputError(
            [Problem("command line", None, "ID", f"Expected a slug such as acme-hotels but received '{new_id}'")]
        )
    industries = root / "industries"
    source = industries / f"{industry_id}.yaml"
    if not source.is_file():
        known = ", ".join(sorted(p.stem for p in industries.glob("*.yaml")))
        raise InputError([Problem("command line", None, "--industry", f"no industry '{industry_id}'; known: {known}")])
    if (industries / f"{new_id}.yaml").exists():
        raise InputError([Problem("command line", None, "ID", f"'{new_id}' is an industry id; choose another")])
    target = root / ORGANISATIONS / f"{new_id}.yaml"
    if target.exists():
        raise InputError([Problem(f"{ORGANISATIONS}/{new_id}.yaml", None, "", "already exists; choose another id")])
    inherited = yaml.safe_load(source.read_text(encoding="utf-8"))
    target.parent.mkdir(exist_ok=True)
    target.write_text(organisation_text(new_id, industry_id, inherited), encoding="utf-8")
    return target


def organisation_text(new_id: str, industry_id: str, inherited: dict[str, Any]) -> str:
    """The starting file: what it must say, then every field it may override, commented out."""
    name = new_id.replace("-", " ").title()
    accent = inherited.get("branding", {}).get("accent_colour", "#1d5c8c")
    fonts = ", ".join(sorted(installed_families() or ())[:6]) or "see `fc-list : family`"
    lines = [
        SCHEMA_LINE,
        f"# {name}: an organisation extending industries/{industry_id}.yaml. Everything not written here is",
        f"# {industry_id}'s. Write your organisation's own facts, then run",
        "#   python build.py check                     (file, line and field of every problem)",
        f"#   python build.py build --industry {new_id}",
        "# Merge rules: a mapping merges key by key (write only the keys you change); a list replaces the",
        "# inherited list; {add: [...]} appends to it; {remove: [id, ...]} drops inherited items by id (or",
        "# name, or for a list of texts the exact text); add and remove together remove first.",
        "# Profile text is plain text: no Markdown, no HTML. Guide: docs/organisations.md",
        "schema_version: 1",
        f"id: {new_id}",
        f"extends: {industry_id}",
        "# name: the organisation as its staff say it; it titles the site, the covers and the certificate",
        f"name: {name}",
        "",
        "# brand: as in Quarto's _brand.yml (or the path of your _brand.yml, from this folder). Colours are",
        "# #RRGGBB or a name from color.palette; each pair used together must reach 4.5:1 contrast (WCAG AA).",
        "brand:",
        "  color:",
        f'    primary: "{accent}"      # headings, links, the site header, covers',
        '    background: "#ffffff"   # page background of the site, covers and portal',
        '    foreground: "#1a1a1a"   # body text',
        f"  # logo: {new_id}/logo.svg     # an SVG or PNG in organisations/{new_id}/",
        "  # typography:",
        "  #   base:",
        f"  #     family: DejaVu Serif   # an installed typeface: {fonts}",
        "",
        f"# wording: {industry_id}'s word for a thing, and yours; renamed in every text you inherit, e.g.",
        "#   wording:",
        "#     destination fee: harbour fee",
    ]
    fields = Profile.model_fields
    order = [*FIRST, *(name for name in fields if name not in FIRST)]
    nested = nested_field_help()
    for field_name in order:
        if field_name in WRITTEN:
            continue
        lines += ["", f"# {field_name}: {fields[field_name].description or ''}"]
        lines += [f"#   {line}" for line in _inherited(field_name, inherited.get(field_name))]
        lines += [f"#   {line}" for line in _example(field_name, nested)]
    return "\n".join(lines) + "\n"


def _inherited(field_name: str, value: Any) -> list[str]:
    """What the organisation inherits for a field, and how to change it."""
    if value is None:
        return ["Inherited: nothing (the industry leaves it empty); write it to add it."]
    if isinstance(value, list):
        keys = [key for key in map(item_key, value) if key is not None]
        shown = f" ({', '.join(keys)})" if keys and len(", ".join(keys)) < 400 else ""
        how = "replace it with a list, or edit it with add: and remove:" if keys else "replace it, or append with add:"
        return [f"Inherited: {len(value)} item(s){shown}; {how}."]
    if isinstance(value, dict):
        names = ", ".join(str(key) for key in value)
        return [f"Inherited keys: {names[:300]}; write only the keys you change."]
    return [f"Inherited: {str(value)[:120]!r}; write a new value to replace it."]


def _example(field_name: str, nested: dict[str, str]) -> list[str]:
    """A commented example of the organisation facts the content uses."""
    examples = {
        "escalation": [
            "Each step: when, who, how, and contact (how to reach them: an extension, a number, an inbox).",
            "escalation:",
            "  - when: A refund or waiver goes beyond your limit.",
            "    who: Duty manager",
            "    how: Agree it while the guest waits, and post it with a reason code.",
            '    contact: "Ext. 2200, or radio channel 1"',
        ],
        "authority": [
            "Each limit: id, action (refund | waive | credit | replace | compensate | other), what, up_to, beyond,",
            "and situations (role-play ids whose employee card quotes it).",
            "authority:",
            "  - id: disputed-charge",
            "    action: refund",
            "    what: a disputed charge on the bill",
            "    up_to: USD 75 per stay",
            "    beyond: the duty manager",
            "    situations: []",
        ],
        "policies": [
            "Each policy: id, title, text (as staff may quote it), modules (pages that print it) and situations",
            "(role-play cards that quote it).",
            "policies:",
            "  - id: our-promise",
            "    title: Our promise",
            "    text: If something in your room does not work and we cannot fix it in 30 minutes, we move you.",
            "    modules: [service-recovery]",
            "    situations: []",
        ],
        "terms": [
            "Your own names for roles and teams, e.g.:",
            "terms:",
            "  manager_role: duty manager",
        ],
        "difficult_situations": [
            "Replace one inherited role-play with your own: remove it by id and add yours.",
            "difficult_situations:",
            "  remove: [some-inherited-id]",
            "  add:",
            "    - id: our-own-scenario",
            "      ...",
        ],
    }
    if field_name in examples:
        return examples[field_name]
    model = Profile.model_fields[field_name].annotation
    if isinstance(model, type) and issubclass(model, BaseModel):  # a mapping: terms, emergencies, print, program
        return [f"{key}: {nested.get(key) or info.description or ''}" for key, info in model.model_fields.items()]
    return []
