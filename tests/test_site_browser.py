"""The learner site in a real browser: Debian's Chromium driven by Playwright, served on localhost
and opened from disk (file://), as a learner who gets the site as a folder does."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
from conftest import SHIPPED_IDS

pytestmark = pytest.mark.browser


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="module")
def server(built) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(built.out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.remote_requests = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on(
        "request", lambda r: urlsplit(r.url).hostname not in {"127.0.0.1", None} and page.remote_requests.append(r.url)
    )
    yield page
    context.close()


def test_portal_leads_to_an_industry_site_and_its_modules(page, server, sources, tmp_path_factory):
    page.goto(f"{server}/index.html")
    industry = sources.industries[0].profile
    page.click(f"text={industry.name}")
    page.wait_for_load_state()
    assert page.url.endswith(f"/{industry.id}/index.html")
    first_module = sources.modules[0]
    page.click(f"nav.md-nav >> text={first_module.number}. ")
    page.wait_for_load_state()
    assert page.locator("article h1").first.inner_text().startswith(f"{first_module.number}. ")
    shots = Path(os.environ.get("TRAINKIT_SCREENSHOTS", tmp_path_factory.mktemp("shots")))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "module-desktop.png"))
    assert page.console_errors == []
    assert page.remote_requests == []


def test_search_finds_the_industry_term_offline(page, server, sources):
    clinic = next(
        (i.profile for i in sources.industries if i.profile.terms.customer.singular != "customer"),
        sources.industries[0].profile,
    )
    page.goto(f"{server}/{clinic.id}/index.html")
    page.click(".md-search__input")
    # Type like a person: the search worker loads its index on focus and searches on each key.
    page.keyboard.type(clinic.terms.customer.plural, delay=80)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    assert results.count() > 0
    assert clinic.terms.customer.plural.lower() in page.locator(".md-search-result").inner_text().lower()
    assert page.console_errors == []
    assert page.remote_requests == []


def test_download_links_on_the_site_home_reach_real_pdfs(page, server, sources):
    industry = sources.industries[0].profile
    page.goto(f"{server}/{industry.id}/index.html")
    hrefs = page.eval_on_selector_all("article a[href$='.pdf']", "links => links.map(a => a.href)")
    assert len(hrefs) >= 2
    for href in hrefs:
        response = page.request.get(href)
        assert response.ok and response.body().startswith(b"%PDF-")


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def test_pages_have_no_serious_or_critical_accessibility_violations(page, server, sources):
    assert AXE.is_file(), "axe-core is missing: run `make test`, which runs npm ci"
    industry = sources.industries[0].profile
    module = sources.modules[1]
    urls = [
        "index.html",
        f"{industry.id}/index.html",
        f"{industry.id}/modules/{Path(module.folder).name}.html",
        f"{industry.id}/manager-guide.html",
        f"{industry.id}/glossary.html",
    ]
    for url in urls:
        page.goto(f"{server}/{url}")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run()).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => `${v.id} (${v.impact}): ${v.nodes[0].target.join(' ')}`)"
        )
        assert violations == [], f"{url}: {violations}"


def test_phone_and_desktop_screenshots_show_the_module_content(page, server, sources, tmp_path_factory):
    shots = Path(os.environ.get("TRAINKIT_SCREENSHOTS", tmp_path_factory.mktemp("shots")))
    shots.mkdir(parents=True, exist_ok=True)
    industry = sources.industries[0].profile
    module = sources.modules[0]
    for name, size in {"phone": (390, 844), "desktop": (1280, 900)}.items():
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.goto(f"{server}/{industry.id}/modules/{Path(module.folder).name}.html")
        heading = page.locator("article h1").first
        assert heading.is_visible()
        box = heading.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size[0] + 1
        # No horizontal scrolling on a phone: the page fits its width.
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0] + 1
        page.screenshot(path=str(shots / f"{industry.id}-module-{name}.png"))
    assert page.console_errors == []


# ------------------------------------------------------------------ from disk (file://)


NETWORK_SCHEMES = {"http", "https", "ws", "wss", "ftp"}


@pytest.fixture(scope="module")
def disk_page(browser):
    """One page for every file:// visit (fast); each test starts with no console errors recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.remote_requests = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda e: page.console_errors.append(f"{page.url}: {e}"))
    # Anything fetched over a network; the built-in PDF viewer's chrome-extension: page is not.
    page.on("request", lambda r: urlsplit(r.url).scheme in NETWORK_SCHEMES and page.remote_requests.append(r.url))
    yield page
    context.close()


@pytest.fixture
def from_disk(disk_page):
    disk_page.console_errors.clear()
    disk_page.remote_requests.clear()
    return disk_page


def profile_of(sources, industry_id: str):
    return next(i.profile for i in sources.industries if i.profile.id == industry_id)


def search_results(frame, term: str) -> str:
    """Type ``term`` into the search box of ``frame`` (a page or a frame) like a person; the results' text."""
    frame.locator(".md-search__input").click()
    frame.locator(".md-search__input").press_sequentially(term, delay=40)
    results = frame.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    assert results.count() > 0
    text: str = frame.locator(".md-search-result").inner_text()
    return text


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_search_from_disk_finds_the_customer_term(from_disk, built, sources, industry_id):
    term = profile_of(sources, industry_id).terms.customer.plural
    from_disk.goto((built.out / industry_id / "index.html").as_uri())
    assert term.lower() in search_results(from_disk, term).lower()
    assert from_disk.console_errors == []
    assert from_disk.remote_requests == []


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_site_header_names_the_course_without_repeating_service(from_disk, built, sources, industry_id):
    name = profile_of(sources, industry_id).name
    from_disk.goto((built.out / industry_id / "agenda.html").as_uri())
    header = from_disk.locator(".md-header__topic").first.inner_text().strip()
    assert header.startswith(name) and header.endswith(" training") and "service" in header.lower()
    assert "service service" not in header.lower() and "services service" not in header.lower()
    assert from_disk.title().endswith(f" - {header}")


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_navigation_and_downloads_work_from_disk(from_disk, built, sources, industry_id):
    home = built.out / industry_id / "index.html"
    from_disk.goto(home.as_uri())
    # Every link on the home page (the navigation lists every page) reaches a file that exists.
    hrefs = from_disk.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    local = {urlsplit(h)._replace(fragment="").geturl() for h in hrefs if h.startswith("file:")}
    targets = [Path(url2pathname(urlsplit(url).path)) for url in local]
    assert len(targets) > len(sources.modules)
    assert [t for t in targets if not t.is_file()] == []
    pdfs = [t for t in targets if t.suffix == ".pdf"]
    assert len(pdfs) >= 2 and all(t.read_bytes().startswith(b"%PDF-") for t in pdfs)

    module = sources.modules[0]
    from_disk.click(f"nav.md-nav >> text={module.number}. ")
    from_disk.wait_for_url(f"**/modules/{Path(module.folder).name}.html")
    assert from_disk.locator("article h1").first.inner_text().startswith(f"{module.number}. ")
    from_disk.go_back()
    from_disk.click("article a[href$='.pdf'] >> nth=0")
    from_disk.wait_for_url("**/downloads/*.pdf")
    assert from_disk.console_errors == []
    assert from_disk.remote_requests == []


def test_portal_from_disk_leads_to_every_site_and_download(from_disk, built, sources):
    from_disk.goto((built.out / "index.html").as_uri())
    hrefs = from_disk.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    targets = {Path(url2pathname(urlsplit(h).path)) for h in hrefs if h.startswith("file:")}
    assert {built.out / i / "index.html" for i in built.industries} <= targets
    assert [t for t in targets if not t.is_file()] == []
    assert all(t.read_bytes().startswith(b"%PDF-") for t in targets if t.suffix == ".pdf")
    industry = profile_of(sources, built.industries[-1])
    from_disk.click(f"text={industry.name}")
    from_disk.wait_for_url(f"**/{industry.id}/index.html")
    from_disk.locator(".md-search__input").wait_for()
    assert from_disk.console_errors == []
    assert from_disk.remote_requests == []


def test_every_page_of_a_site_opens_from_disk_without_console_errors(from_disk, built, sources):
    site = built.out / sources.industries[0].profile.id
    # 404.html is for web servers, which send it for a missing address (its links are absolute to
    # the server's root); no link leads to it, so a learner with the folder never opens it.
    pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html")
    assert len(pages) > len(sources.modules)
    for page in pages:
        from_disk.goto(page.as_uri())
        from_disk.locator(".md-search__input").wait_for()
    assert from_disk.console_errors == []
    assert from_disk.remote_requests == []
