"""One spelling variety per profile: generic content is written in US English and turned into British
English for a profile with ``spelling: en-GB``.

The change is made to the template source, before Jinja compiles it (a Jinja extension's
``preprocess``), and only to the text between Jinja tags: variable names, profile values and links are
never touched. ``content/spelling.yaml`` holds the word list.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path

import yaml
from jinja2.ext import Extension

SPELLING_FILE = "content/spelling.yaml"
_JINJA = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.DOTALL)
_PROTECTED = re.compile(r"(https?://\S+|<[^>\n]*>|\]\([^)\n]*\))")
_STRING = re.compile(r'("[^"\n]*")')


def load_variety(root: Path, variety: str) -> dict[str, str]:
    """The word changes for ``variety`` (an empty mapping for US English, the source variety)."""
    if variety == "en-US":
        return {}
    data = yaml.safe_load((root / SPELLING_FILE).read_text(encoding="utf-8"))[variety]
    changes = {str(us): str(gb) for us, gb in data["words"].items()}
    for phrase in data.get("verb_practice", []):
        changes[str(phrase)] = str(phrase).replace("practice", "practise")
    return changes


def respell(text: str, changes: Mapping[str, str]) -> str:
    """``text`` with every listed word or phrase changed, keeping a capital first letter."""
    if not changes:
        return text
    pattern = _pattern(tuple(changes))

    def swap(match: re.Match[str]) -> str:
        found = match.group(0)
        new = changes[found.lower()] if found.lower() in changes else changes[found]
        return new[:1].upper() + new[1:] if found[:1].isupper() else new

    parts = _PROTECTED.split(text)
    return "".join(part if index % 2 else pattern.sub(swap, part) for index, part in enumerate(parts))


@functools.lru_cache(maxsize=8)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all ``words``, longest first; kept, since a build respells text a hundred
    thousand times with the same few word lists."""
    longest_first = sorted(words, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in longest_first) + r")\b", re.IGNORECASE)


def respell_template(source: str, changes: Mapping[str, str]) -> str:
    """A Jinja template's source with the text between its tags, and the double-quoted strings
    inside them (labels such as ``writing_lines(3, "…")``), respelled."""
    parts = _JINJA.split(source)
    return "".join(
        _respell_strings(part, changes) if index % 2 else respell(part, changes) for index, part in enumerate(parts)
    )


def _respell_strings(tag: str, changes: Mapping[str, str]) -> str:
    # Only strings with a space are prose; a template path or an attribute name has none.
    parts = _STRING.split(tag)
    return "".join(respell(part, changes) if index % 2 and " " in part else part for index, part in enumerate(parts))


class SpellingExtension(Extension):
    """Respells template text for the environment's variety; set ``environment.spelling_changes``."""

    def __init__(self, environment: object) -> None:
        super().__init__(environment)  # type: ignore[arg-type]
        environment.extend(spelling_changes={})  # type: ignore[attr-defined]

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        changes = self.environment.spelling_changes  # type: ignore[attr-defined]
        return respell_template(source, changes) if changes else source
