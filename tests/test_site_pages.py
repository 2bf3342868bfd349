"""The learner site's pages read as files: heading structure, the course title, and the search shim
every site carries so that search works from disk (the browser side is in test_site_browser.py)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from conftest import SHIPPED_IDS

import trainkit.site
from trainkit.errors import BuildError
from trainkit.pipeline import PROJECT_ROOT
from trainkit.site import copy_iframe_worker_shim, training_title

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class PageParts(HTMLParser):
    """Heading levels in document order, and the address of every script."""

    def __init__(self) -> None:
        super().__init__()
        self.heading_levels: list[int] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in HEADINGS:
            self.heading_levels.append(int(tag[1]))
        elif tag == "script" and values.get("src"):
            self.scripts.append(values["src"] or "")


def page_parts(html: str) -> PageParts:
    parts = PageParts()
    parts.feed(html)
    return parts


def skipped_levels(html: str) -> list[str]:
    """Each heading more than one level below the one before it (the Nu Html Checker's warning)."""
    levels = page_parts(html).heading_levels
    pairs = zip([0, *levels], levels, strict=False)
    return [f"h{level} after h{before}" for before, level in pairs if level > before + 1]


def test_a_heading_that_skips_a_level_is_found():
    assert skipped_levels("<h1>Agenda</h1><p>…</p><h3>Day 1</h3>") == ["h3 after h1"]
    assert skipped_levels("<h2>No h1 first</h2>") == ["h2 after h0"]
    assert skipped_levels("<h1>A</h1><h2>B</h2><h3>C</h3><h2>D</h2><h3>E</h3>") == []


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_no_site_page_skips_a_heading_level(built, industry_id):
    site = built.out / industry_id
    pages = sorted(site.rglob("*.html"))
    assert any(p.name == "agenda.html" for p in pages)
    skips = [f"{p.relative_to(site)}: {s}" for p in pages for s in skipped_levels(p.read_text(encoding="utf-8"))]
    assert skips == []


def test_course_title_names_the_service_once():
    assert training_title("Hotel") == "Hotel service training"
    assert training_title("Airline passenger service") == "Airline passenger service training"
    assert training_title("Financial Services") == "Financial Services training"
    assert training_title("Customer self-service") == "Customer self-service training"
    assert training_title("Self-service kiosks (retail)") == "Self-service kiosks (retail) service training"


NPM_SHIM = PROJECT_ROOT / "node_modules" / "iframe-worker"


def test_the_shim_comes_from_the_npm_package_pinned_in_the_lock_file():
    lock = json.loads((PROJECT_ROOT / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/iframe-worker"]["version"]
    assert json.loads((PROJECT_ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"] == {
        "iframe-worker": pinned
    }
    assert json.loads((NPM_SHIM / "package.json").read_text(encoding="utf-8"))["version"] == pinned


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_every_site_carries_the_npm_shim_and_its_index_as_a_script(built, industry_id):
    # (test_outputs checks that no page loads anything from the network.)
    site = built.out / industry_id
    assets = site / "assets" / "iframe-worker"
    assert (assets / "shim.js").read_bytes() == (NPM_SHIM / "shim" / "index.js").read_bytes()
    assert (assets / "LICENSE").read_bytes() == (NPM_SHIM / "LICENSE").read_bytes()
    # The offline plugin's inlined index, which a page from disk loads as a script.
    assert (site / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = {")
    for page in (site / "index.html", site / "agenda.html"):
        assert "assets/iframe-worker/shim.js" in page_parts(page.read_text(encoding="utf-8")).scripts


def test_a_missing_shim_is_a_build_error_that_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(trainkit.site, "IFRAME_WORKER", tmp_path / "node_modules" / "iframe-worker")
    with pytest.raises(BuildError, match=r"Run `make build` \(or `npm ci`\)"):
        copy_iframe_worker_shim(tmp_path / "docs")
    assert not (tmp_path / "docs" / "assets" / "iframe-worker" / "shim.js").exists()
