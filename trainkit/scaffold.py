"""`build.py new ID --from EXISTING`: start a profile from a working one, with every field explained.

The copy validates as it stands (only id and name change), so a designer can build it at once and
then rewrite it field by field; a comment above each top-level field says what belongs there.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError, Problem
from .model import Profile
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
    for line in lines:
        key = re.match(r"^([a-z_]+):", line)
        if key and key.group(1) in fields and fields[key.group(1)].description:
            out.append(f"\n# {key.group(1)}: {fields[key.group(1)].description}")
        if line.startswith("id:"):
            line = f"id: {new_id}"
        elif line.startswith("name:"):
            line = f"name: {name}"
        out.append(line)
    target.write_text("\n".join(out).replace("\n\n\n", "\n\n") + "\n", encoding="utf-8")
    return target
