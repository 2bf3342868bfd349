"""Print quality: contents with true page numbers, chapters on right-hand pages, tagged and
reproducible PDFs, fonts that cover every character, and one-module handouts."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, SHIPPED_IDS
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from textutil import normalise, pdf_pages

from trainkit.cli import main
from trainkit.editions import FACILITATOR, MODULE_PAGES, PDF_EDITIONS
from trainkit.pdf import page_references_remembered
from trainkit.pipeline import PROJECT_ROOT, load_sources

MINIMAL = FIXTURES / "good" / "minimal.yaml"
BOOKS = [e for e in PDF_EDITIONS if e.print_template == "book.html"]
TOC_LINE = re.compile(r"^(?P<title>.+?)\s*\.{3,}\s*(?P<page>\d+)\s*$")


def toc_entries(pages: list[str]) -> list[tuple[str, int]]:
    """(title, page) pairs from the printed contents (dot leaders, then a number)."""
    contents = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Contents") or "\nContents" in text)
    entries = []
    for text in pages[contents : contents + 3]:
        for line in text.splitlines():
            match = TOC_LINE.match(line.strip())
            if match:
                entries.append((match.group("title").strip(), int(match.group("page"))))
    return entries


@pytest.mark.parametrize("industry_id", SHIPPED_IDS[:3])
@pytest.mark.parametrize("edition", BOOKS, ids=[e.id for e in BOOKS])
def test_contents_page_numbers_are_the_pages_the_headings_fall_on(built, industry_id, edition):
    pages = pdf_pages(built.out / edition.path(industry_id))
    entries = toc_entries(pages)
    assert len(entries) >= 2
    for title, number in entries:
        assert normalise(title)[:40] in normalise(pages[number - 1]), f"'{title}' is not on page {number}"


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
@pytest.mark.parametrize("edition", [e for e in BOOKS if e.duplex], ids=[e.id for e in BOOKS if e.duplex])
def test_every_chapter_starts_on_a_right_hand_odd_page(built, industry_id, edition):
    pages = pdf_pages(built.out / edition.path(industry_id))
    starts = [number for title, number in toc_entries(pages) if re.match(r"^\d+\. ", title)]
    if edition.course is not None and MODULE_PAGES in edition.pages:
        assert len(starts) == {"frontline": 10, "leads": 2}[edition.course]
    assert all(number % 2 == 1 for number in starts), starts


@pytest.mark.parametrize("edition", PDF_EDITIONS, ids=[e.id for e in PDF_EDITIONS])
def test_pdfs_are_tagged_with_language_title_and_author(built, edition):
    industry_id = SHIPPED_IDS[0]
    reader = PdfReader(built.out / edition.path(industry_id))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == load_sources().select([industry_id])[0].profile.spelling  # en-US or en-GB
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title.endswith(edition.title)
    assert reader.metadata.author


def test_book_editions_have_bookmarks_for_each_chapter(built):
    industry_id = SHIPPED_IDS[0]
    reader = PdfReader(built.out / FACILITATOR.path(industry_id))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert sum(1 for t in titles if re.match(r"^\d+\. ", t)) == 10  # the frontline course's modules


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.pdf"))}


def test_two_builds_of_the_same_sources_are_byte_identical(make_project, minimal_build):
    root = make_project({"minimal.yaml": MINIMAL})
    assert main(["build", "--quiet", "--force", "--jobs", "1", "--out", str(root / "two")], root=root) == 0
    first, second = digests(minimal_build), digests(root / "two")
    assert len(first) == len(PDF_EDITIONS) == 10
    assert first == second


@pytest.mark.parametrize("chosen", ["3", "empathy"], ids=["by-number", "by-id"])
def test_one_module_handout_holds_only_that_module(make_project, tmp_path, sources, chosen):
    root = make_project({"minimal.yaml": MINIMAL})
    out = tmp_path / "handouts"
    assert main(["build", "--industry", "minimal", "--module", chosen, "--out", str(out)], root=root) == 0
    text = " ".join(pdf_pages(out / "minimal-module-03.pdf"))
    third, fourth = sources.modules[2], sources.modules[3]
    assert third.id == "empathy"
    assert f"3. {third.spec.title}" in text
    assert f"4. {fourth.spec.title}" not in text
    assert "ANSWER KEY" not in text.upper()
    assert not list(tmp_path.glob(".staging-*")), "written through staging, which is swapped in"


def test_an_unknown_module_is_bad_input_naming_the_known_ones(make_project, tmp_path, capsys):
    root = make_project({"minimal.yaml": MINIMAL})
    assert main(["build", "--industry", "minimal", "--module", "recovery", "--out", str(tmp_path)], root=root) == 2
    err = capsys.readouterr().err
    assert "--module: no module 'recovery'; known: 01 " in err
    assert "05 service-recovery" in err


def shipped_characters() -> set[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "industries").glob("*.yaml"))
    text += "".join(p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "content").rglob("*.*"))
    text += "".join(p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "templates").rglob("*.*"))
    return {c for c in text if c.isprintable() and not c.isspace()}


def test_the_print_fonts_have_a_glyph_for_every_character_in_the_sources():
    fonts = [Path("/usr/share/fonts/truetype/dejavu") / name for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")]
    for font in fonts:
        assert font.is_file(), f"{font} missing: run `make test` to install fonts-dejavu-core"
        cmap = TTFont(font).getBestCmap()
        missing = sorted(c for c in shipped_characters() if ord(c) not in cmap)
        assert not missing, f"{font.name} lacks {missing}"


def pydyf_page_references(pdf) -> tuple[bytes, ...]:
    """pydyf 0.13's own definition: the reference of every page, computed on each access."""
    return tuple(f"{number} 0 R".encode("ascii") for number in pdf.pages["Kids"][::3])


def test_remembered_page_references_follow_every_added_page():
    import pydyf

    with page_references_remembered():
        pdf = pydyf.PDF()
        for _ in range(5):
            pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
            assert pdf.page_references == pydyf_page_references(pdf)
        assert len(pdf.page_references) == 5
        assert "_trainkit_page_references" in pdf.__dict__, "the remembered definition was in place"


def test_page_references_are_patched_only_while_a_pdf_is_written():
    import pydyf

    original = pydyf.PDF.__dict__["page_references"]
    with page_references_remembered():
        assert pydyf.PDF.__dict__["page_references"] is not original
    assert pydyf.PDF.__dict__["page_references"] is original


def test_another_pydyf_release_keeps_its_own_page_references(monkeypatch):
    import pydyf

    monkeypatch.setattr(pydyf, "__version__", "0.14.0")
    original = pydyf.PDF.__dict__["page_references"]
    with page_references_remembered():
        assert pydyf.PDF.__dict__["page_references"] is original


def test_remembering_page_references_leaves_tagged_pdfs_byte_identical():
    import weasyprint

    html = "".join(f'<h1 id="c{n}">Chapter {n}</h1><p><a href="#c0">Back</a></p>' for n in range(6))
    html = f"<html lang='en'><style>h1 {{ break-before: page }}</style><body>{html}</body></html>"
    options = {"pdf_variant": "pdf/ua-1"}
    with page_references_remembered():
        remembered = weasyprint.HTML(string=html).write_pdf(**options)
    assert weasyprint.HTML(string=html).write_pdf(**options) == remembered
    assert len(PdfReader(io.BytesIO(remembered)).pages) == 6
