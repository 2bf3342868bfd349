"""Which characters profile text may hold, and how to show one that it may not.

Profile text is pasted from word processors, PDFs and web pages, so it can carry characters no
page shows: control characters (a terminal obeys them, XML forbids them) and format characters
such as the zero-width space (invisible, yet they split a word for every search and check).
"""

from __future__ import annotations

import re
import unicodedata

#: Control characters that text may hold: line breaks and tabs are ordinary typing.
ALLOWED_CONTROLS = frozenset("\n\t")
#: Letters that render as blank space although Unicode does not call them spaces.
_BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")


def is_control(char: str) -> bool:
    """A C0 or C1 control character (or DEL) other than newline and tab."""
    return unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROLS


#: Exactly the characters of Unicode category Cc (C0, DEL, C1) that ``is_control`` refuses.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def first_control(text: str) -> str | None:
    """The first control character in ``text`` that profile text may not hold, if any."""
    found = _CONTROL.search(text)
    return found.group(0) if found else None


def is_invisible(char: str) -> bool:
    """Whitespace, a format character (zero-width space, joiner, bidi mark…) or a blank letter."""
    return char.isspace() or unicodedata.category(char) in {"Cc", "Cf", "Zs", "Zl", "Zp"} or char in _BLANK_LETTERS


def has_visible_text(text: str) -> bool:
    """Whether ``text`` shows anything on a page."""
    return any(not is_invisible(char) for char in text)


def without_format_characters(text: str) -> str:
    """``text`` without format characters, so ``cus\\u200btomers`` reads as the word it shows."""
    if text.isascii():  # no format character is ASCII: most text needs no look at each character
        return text
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def comparable(text: str) -> str:
    """The form two keys share when a reader could not tell them apart: same letters, any case,
    any spacing, no invisible characters."""
    folded = unicodedata.normalize("NFKC", without_format_characters(text)).casefold()
    return " ".join(folded.split())


def character_name(char: str) -> str:
    """``U+001B`` and, when Unicode has one, its name: how an error message shows a character."""
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(char, "")
    return f"{code} ({name.lower()})" if name else code


def printable(text: str) -> str:
    """``text`` with every character a terminal would obey or hide written as an escape
    (``\\x1b``, ``\\u200b``), so a message can never clear the screen or fake a line."""
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


_CONTROL_NAMES = {
    "\0": "null",
    "\a": "bell",
    "\b": "backspace",
    "\v": "vertical tab",
    "\f": "form feed",
    "\r": "carriage return",
    "\x1b": "escape",
    "\x7f": "delete",
    "\x85": "next line",
}
