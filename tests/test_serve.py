"""`build.py serve` as a designer uses it: the site at once, PDFs after it, each save reloaded with
only what it touched rebuilt, and a broken save shown in the page while the last good site stays.

One `serve` of the minimal profile runs for the whole module (its PDFs take a while on two cores),
so the tests run in file order: the first looks before any PDF exists. Speed is measured in
benchmarks/serve.py, not here.
"""

from __future__ import annotations

import html
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL, free_port, link_project

from trainkit.editions import MODULE_PAGES, PDF_EDITIONS
from trainkit.pipeline import PROJECT_ROOT

WAIT_SECONDS = 240.0  # generous: the machine is shared; benchmarks/ measures speed


@dataclass
class Served:
    root: Path
    base: str
    log: Path

    def get(self, path: str) -> str:
        with urllib.request.urlopen(f"{self.base}/{path}", timeout=60) as response:
            body: bytes = response.read()
            return body.decode("utf-8", errors="replace")

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = json.loads(self.get("_preview/status.json"))
        return status

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")


def wait_for(probe: Callable[[], Any], what: str, seconds: float = WAIT_SECONDS) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
        except OSError:  # not serving yet (urllib's HTTPError is one too)
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def start_serve(root: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "build.py", "serve", "--industry", "minimal", "--port", str(port)],
            cwd=root,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`build.py serve --industry minimal` on a free port, in a project whose content is a copy
    the tests may edit."""
    root = link_project(tmp_path_factory.mktemp("serve") / "project", {"minimal.yaml": MINIMAL}, copy=("content",))
    (root / "build.py").symlink_to(PROJECT_ROOT / "build.py")
    (root / "trainkit").symlink_to(PROJECT_ROOT / "trainkit")
    port, log = free_port(), root / "serve.log"
    server = start_serve(root, port, log)
    try:
        yield Served(root, f"http://127.0.0.1:{port}", log)
    finally:
        server.terminate()
        server.wait(timeout=30)


def all_pdfs_done(served: Served) -> bool:
    return all(pdf["state"] == "ready" for pdf in served.status()["pdfs"])


def test_serve_answers_with_the_site_before_any_pdf_exists(served):
    home = wait_for(lambda: served.get("index.html"), "the first page")
    status = served.status()
    assert "Library lending desk" in home
    assert not [pdf for pdf in status["pdfs"] if pdf["state"] == "ready"], "no PDF can be done this soon"
    assert {pdf["state"] for pdf in status["pdfs"]} <= {"rendering", "waiting"}
    # The learner downloads are named, not linked, until their PDFs exist.
    assert "<li>Participant workbook: frontline staff on the course (being rendered)</li>" in html.unescape(home)
    assert 'href="downloads/minimal-workbook.pdf"' not in home
    with pytest.raises(urllib.error.HTTPError):
        served.get("downloads/minimal-workbook.pdf")
    assert "preview.js" in home, "every served page carries the preview banner"


def test_the_pdfs_arrive_later_and_the_site_then_links_them(served):
    wait_for(lambda: all_pdfs_done(served), "every PDF")
    home = wait_for(lambda: (page := served.get("index.html")) and "being rendered" not in page and page, "links")
    listed = r'href="downloads/minimal-workbook\.pdf">Participant workbook</a>: .*\(PDF, \d+ pages, \d+ KB\)'
    assert re.search(listed, html.unescape(home))
    for pdf in served.status()["pdfs"]:
        with urllib.request.urlopen(f"{served.base}/{pdf['href']}", timeout=60) as response:
            assert response.read(5) == b"%PDF-", pdf["title"]
    output = served.output()
    assert output.index("Serving minimal at") < output.index("PDF ready:"), "the site is served before PDFs"


def test_a_lesson_edit_reloads_the_page_and_rerenders_only_the_pdfs_that_print_lessons(served):
    wait_for(lambda: all_pdfs_done(served), "every PDF")
    lesson = next((served.root / "content" / "modules").glob("01-*/lesson.md"))
    page = f"modules/{lesson.parent.name}.html"
    assert "Lesson edit seen in the preview" not in served.get(page)
    before = len(served.output())
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n\nLesson edit seen in the preview.\n", encoding="utf-8")
    wait_for(lambda: "Lesson edit seen in the preview" in served.get(page), "the edited lesson")
    wait_for(lambda: all_pdfs_done(served), "the PDFs of the edit")
    rendered = set(re.findall(r"^Rendering minimal-(.+)\.pdf in the background$", served.output()[before:], re.M))
    assert rendered == {edition.id for edition in PDF_EDITIONS if MODULE_PAGES in edition.pages}


def test_a_profile_edit_reloads_the_page_and_rerenders_every_pdf(served):
    wait_for(lambda: all_pdfs_done(served), "every PDF")
    profile = served.root / "industries" / "minimal.yaml"
    good = profile.read_text(encoding="utf-8")
    edited = good.replace("summary: Service training", "summary: Profile edit seen in the preview. Training", 1)
    before = len(served.output())
    profile.write_text(edited, encoding="utf-8")  # saved in place, as most editors do
    try:
        wait_for(lambda: "Profile edit seen in the preview" in served.get("index.html"), "the edited profile")
        wait_for(lambda: all_pdfs_done(served), "the PDFs of the edit")
        rendered = set(re.findall(r"^Rendering minimal-(.+)\.pdf in the background$", served.output()[before:], re.M))
        assert rendered == {edition.id for edition in PDF_EDITIONS}, "a profile is printed in every edition"
    finally:
        # Saved back the way editors that write a new file and rename it over the old one do.
        replacement = profile.with_name(".minimal.yaml.swp")
        replacement.write_text(good, encoding="utf-8")
        replacement.replace(profile)
    wait_for(lambda: "Profile edit seen in the preview" not in served.get("index.html"), "the profile saved back")


def test_a_broken_profile_shows_its_problem_in_the_page_and_the_last_good_site_stays(served, browser):
    wait_for(lambda: served.get("index.html"), "the site")
    profile = served.root / "industries" / "minimal.yaml"
    good = profile.read_text(encoding="utf-8")
    before = len(served.output())
    profile.write_text(good.replace("plural: patrons}", "plural: 42}", 1), encoding="utf-8")
    try:
        wait_for(lambda: served.status()["problems"], "the problem in the status")
        printed = wait_for(
            lambda: re.search(
                r"^industries/minimal\.yaml:\d+: terms\.customer\.plural: .*$", served.output()[before:], re.M
            ),
            "the problem in the terminal",
        ).group(0)
        assert printed in served.status()["problems"]
        page = browser.new_page()
        page.goto(f"{served.base}/index.html")
        page.wait_for_selector("#trainkit-preview pre")
        banner = page.inner_text("#trainkit-preview")
        assert printed in banner, "the same line the terminal printed"
        assert "this is the last good site" in banner
        assert "the site was not rebuilt" in banner and "nothing was written" not in banner
        assert "Library lending desk" in page.inner_text("h1"), "the last good site is still served"
        page.close()
    finally:
        profile.write_text(good, encoding="utf-8")
    wait_for(lambda: not served.status()["problems"], "the problem to clear once the profile is fixed")
    assert "Problems fixed; serving the site as it was before them." in served.output()[before:]


def test_a_profile_broken_from_the_start_is_served_as_its_problems_until_fixed(make_project):
    good = MINIMAL.read_text(encoding="utf-8")
    root = make_project({"minimal.yaml": good.replace("plural: patrons}", "plural: 42}", 1).encode()})
    (root / "build.py").symlink_to(PROJECT_ROOT / "build.py")
    (root / "trainkit").symlink_to(PROJECT_ROOT / "trainkit")
    port = free_port()
    served = Served(root, f"http://127.0.0.1:{port}", root / "serve.log")
    server = start_serve(root, port, served.log)
    try:
        page = wait_for(lambda: served.get("index.html"), "the problems page")
        printed = re.search(r"^industries/minimal\.yaml:\d+: terms\.customer\.plural: .*$", served.output(), re.M)
        assert printed and html.escape(printed.group(0)) in page, "the line the terminal printed"
        assert "could not be built" in page
        (root / "industries" / "minimal.yaml").write_text(good, encoding="utf-8")
        wait_for(lambda: "Library lending desk" in served.get("index.html"), "the site once the profile is fixed")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_refuses_a_taken_port_before_building(make_project):
    root = make_project({"minimal.yaml": MINIMAL})
    (root / "build.py").symlink_to(PROJECT_ROOT / "build.py")
    (root / "trainkit").symlink_to(PROJECT_ROOT / "trainkit")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "build.py", "serve", "--industry", "minimal", "--port", str(port)],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert f"command line: --port: cannot serve on port {port}" in result.stderr
    assert "choose another with --port" in result.stderr
    assert "Site rebuilt" not in result.stdout, "nothing is built for a port that cannot serve it"
