"""Nothing meant for staff reaches a learner: no page, no file a page links to, no file in an LMS zip.

Markers are taken from the staff material itself: every facilitator-only block of the facilitator
guide, the card texts and hidden facts of the role-play kit, and the staff editions' file names.
Then everything a learner can reach is collected by following links from the learner portal and the
industry's site (and by opening both LMS packages), and searched for the markers.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import SHIPPED_IDS, SHIPPED_PROGRAM_IDS
from textutil import class_blocks, html_text, normalise, pdf_pages, text_outside_class

from trainkit.editions import FACILITATOR, STAFF_EDITIONS
from trainkit.lms import package_industry
from trainkit.pdf import markdown_converter
from trainkit.pipeline import PROJECT_ROOT

MIN_MARKER = 30  # normalised characters: long enough to be unique to its block


def facilitator_markers(rendered, industry_id: str) -> list[str]:
    """Normalised sentences of facilitator-only blocks that appear nowhere else in the guide.

    A facilitator block may repeat text the learner also sees (an expected answer that quotes a
    known issue); only text unique to facilitator blocks can prove a leak.
    """
    converter = markdown_converter(PROJECT_ROOT)
    markers: list[str] = []
    for page in rendered[industry_id][FACILITATOR.id].pages:
        converter.reset()
        html = converter.convert(page.markdown)
        shared = normalise(text_outside_class(html, "facilitator-only"))
        for block in class_blocks(html, "facilitator-only"):
            for sentence in re.split(r"(?<=[.!?:])\s+", block):
                text = normalise(sentence)
                if len(text) >= MIN_MARKER and text not in shared:
                    markers.append(text)
    return markers


def card_markers(sources, industry_id: str) -> list[str]:
    """Card briefs and hidden facts of every scenario the kit deals."""
    industry = next(i for i in sources.industries if i.profile.id == industry_id)
    markers = []
    for scenario in sources.deal(industry).scenarios.values():
        texts = [scenario.customer_brief, scenario.employee_brief]
        texts += [h if isinstance(h, str) else h.fact for h in scenario.hidden_facts]
        markers += [normalise(t)[:80] for t in texts if len(normalise(t)) >= MIN_MARKER]
    return markers


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value:
                self.links.append(value)


def reachable_files(start: Path, boundary: Path) -> set[Path]:
    """Every local file reachable by following href/src links from ``start`` (pages are crawled)."""
    seen: set[Path] = set()
    queue = [start.resolve()]
    while queue:
        page = queue.pop()
        if page in seen or not page.is_file():
            continue
        seen.add(page)
        if page.suffix != ".html":
            continue
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # external or same-page links
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if target.is_relative_to(boundary):
                queue.append(target)
    return seen


def learner_reachable_text(files: set[Path]) -> str:
    chunks = []
    for path in files:
        if path.suffix == ".html":
            chunks.append(html_text(path.read_text(encoding="utf-8")))
        elif path.suffix == ".pdf":
            chunks.append(" ".join(pdf_pages(path)))
    return normalise(" ".join(chunks))


@pytest.fixture(scope="module")
def packages(built, tmp_path_factory):
    """Both LMS packages of every shipped industry and organisation, made from a copy of the shared build."""
    import shutil

    out = tmp_path_factory.mktemp("packages") / "dist"
    shutil.copytree(built.out, out)
    return {
        (industry_id, fmt): package_industry(PROJECT_ROOT, out, industry_id, fmt)
        for industry_id in SHIPPED_PROGRAM_IDS
        for fmt in ("scorm12", "cmi5")
    }


@pytest.mark.parametrize("industry_id", SHIPPED_PROGRAM_IDS)
def test_nothing_for_staff_is_reachable_from_the_learner_site_or_portal(built, rendered, sources, industry_id):
    markers = facilitator_markers(rendered, industry_id) + card_markers(sources, industry_id)
    assert len(markers) > 50, "the staff material should hold plenty of staff-only text"
    files = reachable_files(built.out / "index.html", built.out) | reachable_files(
        built.out / industry_id / "index.html", built.out
    )
    assert any(f.suffix == ".pdf" for f in files), "the learner downloads are reachable"
    staff = built.out / "staff"
    assert not [f for f in files if f.is_relative_to(staff)], "a learner page links into the staff folder"
    names = {e.filename(industry_id) for e in STAFF_EDITIONS}
    assert not names & {f.name for f in files}
    # The portal links every program; an organisation shares words with its industry's public pages,
    # so only this program's own learner files (and the portal) are searched for its staff text.
    own = [built.out / industry_id]
    files = {f for f in files if f.parent == built.out or any(f.is_relative_to(folder) for folder in own)}
    text = learner_reachable_text(files)
    leaked = [m for m in markers if m in text]
    assert not leaked, f"{len(leaked)} staff-only snippets reachable by a learner: {leaked[:3]}"


@pytest.mark.parametrize("industry_id", SHIPPED_PROGRAM_IDS)
def test_nothing_for_staff_is_inside_the_lms_packages(packages, rendered, sources, industry_id, tmp_path):
    markers = facilitator_markers(rendered, industry_id) + card_markers(sources, industry_id)
    staff_names = {e.filename(industry_id) for e in STAFF_EDITIONS}
    for fmt in ("scorm12", "cmi5"):
        folder = tmp_path / fmt
        with zipfile.ZipFile(packages[(industry_id, fmt)]) as archive:
            assert not staff_names & {Path(n).name for n in archive.namelist()}
            archive.extractall(folder)
        files = {p for p in folder.rglob("*") if p.is_file()}
        text = learner_reachable_text(files)
        leaked = [m for m in markers if m in text]
        assert not leaked, f"{fmt}: {len(leaked)} staff-only snippets in the package: {leaked[:3]}"


def test_the_leak_detector_finds_staff_text_in_the_staff_editions(built, rendered, sources):
    """The checks above can fail: the same markers are found in the staff material they came from."""
    industry_id = SHIPPED_IDS[0]
    staff_files = reachable_files(built.out / "staff" / "index.html", built.out)
    assert {e.filename(industry_id) for e in STAFF_EDITIONS} <= {f.name for f in staff_files}
    text = learner_reachable_text(staff_files)
    markers = facilitator_markers(rendered, industry_id) + card_markers(sources, industry_id)
    found = sum(m in text for m in markers)
    assert found >= 0.9 * len(markers)
