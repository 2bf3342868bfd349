"""Facilitator-only material (notes, scripts, answer keys, hidden facts) never reaches learners.

Markers are taken from every facilitator-only block of the facilitator guide as rendered for the
same industry, then searched for in every learner-facing output: each site page and the workbook.
"""

from __future__ import annotations

import re

import pytest
from conftest import SHIPPED_IDS
from textutil import class_blocks, normalise, pdf_pages, site_article_text, text_outside_class

from trainkit.editions import FACILITATOR, LEARNER_EDITIONS, WORKBOOK, Edition
from trainkit.pdf import markdown_converter
from trainkit.pipeline import PROJECT_ROOT

MIN_MARKER = 30  # normalised characters: long enough to be unique to its block


def facilitator_markers(rendered, industry_id: str) -> list[str]:
    """Normalised snippets of facilitator-only blocks that appear nowhere else in the guide.

    A facilitator block may repeat profile text the learner also sees (an expected answer that
    quotes a known issue); only text unique to facilitator blocks can prove a leak.
    """
    converter = markdown_converter(PROJECT_ROOT)
    markers: list[str] = []
    for page in rendered[industry_id][FACILITATOR.id].pages:
        converter.reset()
        html = converter.convert(page.markdown)
        shared = normalise(text_outside_class(html, "facilitator-only"))
        for block in class_blocks(html, "facilitator-only"):
            # Whole sentences, so a marker never straddles two separate pieces of text.
            for sentence in re.split(r"(?<=[.!?:])\s+", block):
                text = normalise(sentence)
                if len(text) >= MIN_MARKER and text not in shared:
                    markers.append(text)
    return markers


def learner_text(built, industry_id: str, edition: Edition) -> str:
    if edition.output == "site":
        pages = sorted((built.out / industry_id).rglob("*.html"))
        return normalise(" ".join(site_article_text(p) for p in pages))
    return normalise(" ".join(pdf_pages(built.out / industry_id / "downloads" / edition.filename(industry_id))))


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
@pytest.mark.parametrize("edition", LEARNER_EDITIONS, ids=[e.id for e in LEARNER_EDITIONS])
def test_no_facilitator_only_text_in_learner_outputs(built, rendered, industry_id, edition):
    markers = facilitator_markers(rendered, industry_id)
    assert len(markers) > 50, "the facilitator guide should hold plenty of facilitator-only text"
    text = learner_text(built, industry_id, edition)
    leaked = [m for m in markers if m in text]
    assert not leaked, f"{len(leaked)} facilitator-only snippets in {edition.id}: {leaked[:3]}"


def test_the_leak_detector_finds_facilitator_text_in_the_facilitator_guide(built, rendered):
    """The check above can fail: the same markers are found in the guide they came from."""
    industry_id = SHIPPED_IDS[0]
    markers = facilitator_markers(rendered, industry_id)
    guide = normalise(" ".join(pdf_pages(built.out / industry_id / "downloads" / FACILITATOR.filename(industry_id))))
    found = sum(m in guide for m in markers)
    assert found >= 0.9 * len(markers)
    assert WORKBOOK in LEARNER_EDITIONS
