"""Profile text is data: make any string safe to drop into Markdown that becomes HTML.

Every character that HTML or Markdown (or a pymdownx extension) could read as syntax becomes a
numeric character reference, which both Markdown and browsers show as the literal character.
So ``<script>``, ``**bold**``, ``[link](javascript:…)`` and ``{{ 7*7 }}`` all print as typed.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

_SYNTAX = frozenset("\\`*_{}[]()<>&|~^=#\"'!+$%:")
#: Each syntax character as its numeric character reference, for ``str.translate``.
_AS_REFERENCES = {ord(char): f"&#{ord(char)};" for char in _SYNTAX}
_BLOCK_START = re.compile(r"^(\d+)([.)])")


def escape_text(text: str) -> Markup:
    """Escape ``text`` for Markdown and HTML, collapsing line breaks into spaces."""
    flat = " ".join(text.split())
    escaped = flat.translate(_AS_REFERENCES)
    # A value that starts a line could open a list or heading: neutralise its first marker.
    if escaped[:1] in {"-", ">"}:
        escaped = f"&#{ord(escaped[0])};{escaped[1:]}"
    escaped = _BLOCK_START.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2))};", escaped, count=1)
    return Markup(escaped)


class ProfileText(str):
    """A string that came from a profile; Jinja's autoescape calls ``__html__``."""

    __slots__ = ()

    def __html__(self) -> Markup:
        return escape_text(self)


def finalize(value: Any) -> Any:
    """Jinja ``finalize``: anything not already markup is escaped as data before output."""
    if value is None:
        # StrictUndefined catches missing names; an explicit None in a template is a bug too.
        raise ValueError("a template printed None; check the variable")
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return value
    return escape_text(str(value))


def source_link(url: str, label: str) -> Markup:
    """A Markdown link to an official source. URLs were validated as ``https://`` by the model;
    parentheses and spaces are percent-encoded so the link cannot break out of its brackets."""
    if not str(url).startswith("https://"):
        raise ValueError(f"refusing a non-https source link: {url!r}")
    safe = "".join(f"%{ord(c):02X}" if c in "()<> \"'`\\" else c for c in str(url))
    return Markup(f"[{escape_text(str(label))}](<{safe}>)")
