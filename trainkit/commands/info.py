"""`build.py list` (industries and modules) and `build.py schema` (the profile JSON Schema)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ..pipeline import load_sources
from ..schema import organisation_schema_json, profile_schema_json
from ..write import replace_file
from . import EXIT_OK, Command


def run_list(args: argparse.Namespace, root: Path) -> int:
    sources = load_sources(root)
    print("Industries:")
    for industry in sources.industries:
        print(f"  {industry.profile.id:28} {industry.profile.name} ({industry.profile.terms.customer.plural})")
    for course, heading in (("frontline", "Frontline course"), ("leads", "Team-lead workshop")):
        print(f"{heading} modules (id, title, minutes, role-play kinds):")
        for module in sources.course_modules(course):
            title = re.sub(r"\{\{\s*(\w+)[^}]*\}\}", r"\1", module.spec.title)  # {{ customers }} → customers
            kinds = "/".join(module.spec.roleplay.kinds)
            print(f"  {module.number:02d} {module.id:26} {title} ({module.spec.minutes} min; {kinds})")
    return EXIT_OK


def configure_schema(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--write",
        action="store_true",
        help="write it to industries/schema.json instead (and the organisation schema to organisations/schema.json)",
    )


def run_schema(args: argparse.Namespace, root: Path) -> int:
    text = profile_schema_json()
    if not args.write:
        print(text, end="")
        return EXIT_OK
    replace_file(root / "industries" / "schema.json", text.encode())
    (root / "organisations").mkdir(exist_ok=True)
    replace_file(root / "organisations" / "schema.json", organisation_schema_json().encode())
    print("Wrote industries/schema.json")
    print("Wrote organisations/schema.json")
    return EXIT_OK


LIST = Command("list", "list the industry profiles and the modules", lambda parser: None, run_list)
SCHEMA = Command("schema", "print the profile JSON Schema", configure_schema, run_schema)
