"""The rule for "an example sentence", used by the tailoring test and by `scripts/shared_examples.py`.

In a module page, an example is text a trainer would call an example, sample or distractor:
- speech or writing in quotation marks ("…" or “…”);
- each item of an exercise (list items and blockquote lines inside an exercise box);
- each line of a transcript or model reply (a blockquote anywhere on the page);
- each knowledge-check question and each of its options.
Activity instructions (the prose of the exercise box, the role-play round's steps) are not examples,
nor is the short question that asks for the answer ("What do you do first?": a question of seven
words or fewer).
Each sentence of six words or more counts; a shorter one is a stock phrase ("Thank you for telling
me"), right in every industry. Before comparing, each industry's own words (the people it serves,
the organisation, its roles) are swapped back to placeholders, so "a guest" and "a passenger" in the
same sentence count as the same.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

QUOTED = re.compile(r"[\"“]([^\"”\n]{12,}?)[\"”]")
MIN_WORDS = 6  # a stock phrase of five words ("Thank you for telling me") is not an example
PROMPT_WORDS = 7


class _Examples(HTMLParser):
    """Collect the text of exercise items, blockquotes and knowledge-check questions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []  # (tag, class)
        self.current: list[str] | None = None
        self.found: list[str] = []
        self.text: list[str] = []

    def _inside(self, cls: str) -> bool:
        return any(cls in c.split() for _, c in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "input", "hr", "meta", "link", "col"}:
            if tag == "br" and self.current is not None:
                self._flush()
                self.current = []
            return
        self.stack.append((tag, dict(attrs).get("class") or ""))
        item = tag == "li" and self._inside("exercise")
        if item or tag == "blockquote" or (tag == "p" and (self._inside("question") or self._inside("blockquote"))):
            self._flush()
            self.current = []

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
        if tag in {"li", "p", "blockquote"}:
            self._flush()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.current is not None:
            self.current.append(data)
        elif self._inside("blockquote") or (self._inside("question")):
            self.current = [data]

    def _flush(self) -> None:
        if self.current:
            self.found.append(" ".join(" ".join(self.current).split()))
        self.current = None


def swap_back(text: str, words: dict[str, str]) -> str:
    """Replace an industry's own words by placeholders, longest first, ignoring case."""
    for word in sorted(words, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(word)}\b", words[word], text, flags=re.IGNORECASE)
    return text


def industry_words(profile) -> dict[str, str]:
    terms = profile.terms
    words = {terms.customer.plural: "<customers>", terms.customer.singular: "<customer>"}
    words[terms.organisation] = "<org>"
    words[terms.staff] = "<staff>"
    words[terms.manager_role] = "<manager>"
    for role in terms.frontline_roles:
        words[role] = "<role>"
    words[profile.name] = "<industry>"
    return words


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9<> ]+", " ", text.lower()).split())


def example_sentences(html: str, profile) -> set[str]:
    """The examples of one rendered module page, terms swapped back and normalised."""
    parser = _Examples()
    parser.feed(html)
    parser._flush()
    candidates = list(parser.found)
    candidates += [m.group(1) for m in QUOTED.finditer(" ".join(parser.text))]
    words = industry_words(profile)
    found = set()
    for text in candidates:
        # Each sentence of a longer piece counts on its own.
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            swapped = swap_back(sentence, words)
            clean = normalised(swapped)
            count = len(re.findall(r"[\w'’<>]+", swapped))  # "I'm" is one word, "<role>" one too
            prompt = sentence.rstrip().endswith("?") and count <= PROMPT_WORDS
            if count >= MIN_WORDS and not prompt:
                found.add(clean)
    return found
