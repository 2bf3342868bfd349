"""Helpers for reading outputs as a person would: visible text of HTML pages and PDFs."""

from __future__ import annotations

import functools
import hashlib
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader


class _Text(HTMLParser):
    """Collect visible text; optionally only inside elements carrying a given class."""

    SKIP = {"script", "style", "template"}
    VOID = {"br", "img", "input", "hr", "meta", "link", "source", "col", "area", "base", "wbr"}

    def __init__(self, only_class: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.only_class = only_class
        self.stack: list[tuple[str, bool, bool]] = []  # tag, inside wanted class, skipped
        self.chunks: list[str] = []
        self.blocks: list[list[str]] = []
        self.outside: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        inside_before = bool(self.stack and self.stack[-1][1])
        inside = inside_before or (self.only_class in classes if self.only_class else True)
        skipped = tag in self.SKIP or bool(self.stack and self.stack[-1][2])
        if inside and not inside_before and self.only_class:
            self.blocks.append([])
        self.stack.append((tag, inside, skipped))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        inside = self.stack[-1][1] if self.stack else self.only_class is None
        skipped = self.stack[-1][2] if self.stack else False
        if not inside and not skipped:
            self.outside.append(data)
        if inside and not skipped:
            self.chunks.append(data)
            if self.blocks and self.only_class:
                self.blocks[-1].append(data)


def html_text(html: str) -> str:
    """Visible text of an HTML document, whitespace collapsed."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.chunks).split())


def text_outside_class(html: str, css_class: str) -> str:
    """Visible text of everything not inside an element with ``css_class``."""
    parser = _Text(css_class)
    parser.feed(html)
    return " ".join(" ".join(parser.outside).split())


def class_blocks(html: str, css_class: str) -> list[str]:
    """Text of each outermost element with ``css_class``."""
    parser = _Text(css_class)
    parser.feed(html)
    return [" ".join(" ".join(block).split()) for block in parser.blocks]


def pdf_pages(path: Path) -> list[str]:
    """Extracted text of each page of a PDF, by poppler's pdftotext (cached by content: the same
    PDF inside a zip or a copied build is extracted once)."""
    data = path.read_bytes()
    return list(_pdf_pages(hashlib.sha256(data).hexdigest(), str(path)))


@functools.lru_cache(maxsize=512)
def _pdf_pages(digest: str, path: str) -> tuple[str, ...]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=True).stdout
    pages = text.decode("utf-8").split("\f")
    return tuple(pages[:-1] if pages and not pages[-1].strip() else pages)


def pdf_body_pages(path: Path) -> list[str]:
    """Page texts without the running head and page number WeasyPrint puts last on each page
    (pypdf keeps WeasyPrint's drawing order, which puts the margin boxes last)."""
    bodies = []
    for page in PdfReader(path).pages:
        lines = (page.extract_text() or "").splitlines()
        if lines and lines[-1].strip().isdigit():
            lines = lines[:-2]
        bodies.append("\n".join(lines))
    return bodies


def normalise(text: str) -> str:
    """Lower-case letters and digits only: compares text across HTML and PDF extraction."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def site_article_text(page: Path) -> str:
    """The main article text of a mkdocs-material page (no navigation, header or footer)."""
    html = page.read_text(encoding="utf-8")
    match = re.search(r'<article class="md-content__inner[^"]*">(.*?)</article>', html, re.S)
    return html_text(match.group(1) if match else html)
