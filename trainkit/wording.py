"""An organisation's own names in the text it inherits: ``wording: {destination fee: harbour fee}``.

An industry profile says what the industry says ("destination fee"); a client's staff say their own
word for it ("harbour fee"). Rewriting every inherited situation, example and question that uses the
word would copy half the industry; ``wording`` renames it in every inherited text instead. Only the
industry's text is renamed, before the merge: what the organisation writes itself is left as written.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Problem
from .load import Document

FIELD = "wording"
#: Longest phrase either side: a name for a thing, not a sentence to swap.
MAX_PHRASE = 60


def renamed_document(industry: Document, organisation: Document) -> tuple[Document, list[Problem]]:
    """The industry's document with the organisation's ``wording`` applied to every text in it."""
    wording = organisation.data.get(FIELD)
    if wording is None:
        return industry, []
    problems = wording_problems(wording, industry, organisation)
    if problems:
        return industry, problems
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(old) for old in sorted(wording, key=len, reverse=True)) + r")\b", re.I
    )
    lowered = {old.lower(): new for old, new in wording.items()}

    def rename(match: re.Match[str]) -> str:
        new = str(lowered[match.group(0).lower()])
        return new[:1].upper() + new[1:] if match.group(0)[:1].isupper() else new

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(rename, value)
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}  # keys are ids and terms: kept
        return value

    return Document(industry.file, walk(industry.data), industry.lines, industry.files, industry.labels), []


def wording_problems(wording: Any, industry: Document, organisation: Document) -> list[Problem]:
    """A mapping of short phrases to short phrases, each found in the industry's text."""
    where = organisation.line_of((FIELD,))
    if not isinstance(wording, dict) or not wording:
        return [Problem(organisation.file, where, FIELD, "expected a mapping such as {destination fee: harbour fee}")]
    text = "\n".join(_texts(industry.data)).lower()
    problems = []
    for old, new in wording.items():
        line = organisation.line_of((FIELD, old))
        if not isinstance(old, str) or not isinstance(new, str) or not old.strip() or not new.strip():
            problems.append(
                Problem(organisation.file, line, f"{FIELD}.{old}", "write the industry's phrase, a colon, and yours")
            )
        elif len(old) > MAX_PHRASE or len(new) > MAX_PHRASE or "\n" in old + new:
            problems.append(
                Problem(
                    organisation.file,
                    line,
                    f"{FIELD}.{old}",
                    f"a name of at most {MAX_PHRASE} characters on one line; rewrite longer text where it is",
                )
            )
        elif not re.search(r"\b" + re.escape(old.lower()) + r"\b", text):
            problems.append(
                Problem(
                    organisation.file,
                    line,
                    f"{FIELD}.{old}",
                    f"'{old}' is not in {industry.file}; copy the phrase as it is written there",
                )
            )
    return problems


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    return []
