"""Hostile input that a fixture file cannot hold: special files, links, huge documents, odd names.

Each is refused with exit 2, the file (and line where there is one) and what to do, in well under
10 s, with no traceback and the previous output untouched; `build.py` runs as a subprocess.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_minimal_build, tree_digest
from test_bad_input import assert_refused, run_build

from trainkit.editions import JOB_AID, PDF_EDITIONS, SITE, WORKBOOK
from trainkit.environment import TemplateCaches
from trainkit.errors import InputError
from trainkit.pipeline import load_sources
from trainkit.render import make_environment, render_edition

MINIMAL = FIXTURES / "good" / "minimal.yaml"
MINIMAL_TEXT = MINIMAL.read_text(encoding="utf-8")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _outside_the_project(path: Path) -> None:
    secret = path.parent.parent.parent / "secret.yaml"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    path.symlink_to(secret)


ODD_FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "broken-link": (lambda p: p.symlink_to(p.parent / "nowhere.yaml"), "is a link to a file that does not exist"),
    "link-loop": (lambda p: p.symlink_to(p), "is a link that leads back to itself (a link loop); remove it"),
    "folder": (lambda p: p.mkdir(), "is a folder, not a file; remove it or give it a name that does not end in .yaml"),
    "fifo": (_fifo, "is a named pipe (FIFO), not a file; remove it"),
    "dev-zero": (lambda p: p.symlink_to("/dev/zero"), "is a link to a file outside the project; copy the file here"),
    "outside-the-project": (_outside_the_project, "is a link to a file outside the project; copy the file here"),
}


@pytest.mark.parametrize("kind", ODD_FILES)
def test_an_odd_file_in_industries_is_refused_without_reading_it(make_project, kind):
    root = make_project({"minimal.yaml": MINIMAL})
    make, message = ODD_FILES[kind]
    make(root / "industries" / "odd.yaml")
    dist = root / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("previous build")
    before = tree_digest(dist)

    result = run_build(root, "build", "--quiet")

    assert_refused(result, "industries/odd.yaml: ", message)
    assert "hunter2" not in result.stderr
    assert tree_digest(dist) == before


def test_a_broken_profile_does_not_stop_a_build_of_another_industry(make_project, minimal_build):
    root = make_project({"minimal.yaml": MINIMAL})
    (root / "industries" / "zero.yaml").symlink_to("/dev/zero")
    copy_minimal_build(minimal_build, root / "dist")

    built = run_build(root, "build", "--industry", "minimal", "--quiet", timeout=120)
    assert built.returncode == 0, built.stderr

    for command in ("check", "list"):  # they need every profile: the bad one is a problem, not a crash
        assert_refused(run_build(root, command), "industries/zero.yaml: ", "is a link to a file outside the project")


#: The line of the minimal profile where its vulnerability cues start.
CUES_LINE = next(i for i, row in enumerate(MINIMAL_TEXT.splitlines(), 1) if row.startswith("vulnerability_cues:"))

GENERATED: dict[str, tuple[Callable[[], bytes], str, str]] = {
    # 45,000 cues in 500 KB ran for 900 s and 5 GB before the list limit.
    "45000-cues": (
        lambda: MINIMAL_TEXT.replace(
            "vulnerability_cues: [Mentions needing the computer for a benefits claim today.]",
            "vulnerability_cues:\n" + "  - A cue.\n" * 45_000,
        ).encode(),
        f":{CUES_LINE}: vulnerability_cues: ",
        "Expected at most 40 items but received 45,000; keep the 40 that matter most",
    ),
    "100000-plain-items": (
        lambda: (MINIMAL_TEXT + "extra:\n" + "  - x\n" * 100_000).encode(),
        ":",
        "the document holds more than 50,000 values, far more than a profile needs; shorten the lists",
    ),
}


@pytest.mark.parametrize("case", GENERATED)
def test_a_huge_profile_is_refused_quickly(make_project, case):
    make, where, message = GENERATED[case]
    root = make_project({"minimal.yaml": MINIMAL, "huge.yaml": make()})
    result = run_build(root, "check")
    assert_refused(result, f"industries/huge.yaml{where}", message)
    assert "aliases" not in result.stderr, "no alias was used: the message must not blame them"


def test_a_file_name_with_a_newline_is_refused(make_project):
    root = make_project({"minimal.yaml": MINIMAL, "evil\n.yaml": MINIMAL})
    assert_refused(run_build(root, "check"), "industries/evil\\n.yaml: ", "file name must be a slug")


def test_new_refuses_an_id_with_a_newline(make_project):
    root = make_project({"minimal.yaml": MINIMAL})
    result = run_build(root, "new", "evil\n")
    assert_refused(result, "command line: ID:", "Expected a slug such as cruise-line but received 'evil\\n'")
    assert sorted(p.name for p in (root / "industries").iterdir()) == ["minimal.yaml"]


def test_minutes_written_as_hours_and_minutes_are_refused(make_project):
    root = make_project({"minimal.yaml": MINIMAL}, copy=("content",))
    spec = root / "content" / "modules" / "03-empathy" / "module.yaml"
    text = spec.read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("minutes:"))
    spec.write_text("\n".join("minutes: 1:20:30" if row.startswith("minutes:") else row for row in text.splitlines()))

    assert_refused(
        run_build(root, "check"),
        f"content/modules/03-empathy/module.yaml:{line}: minutes:",
        "received '1:20:30', which YAML 1.1 reads as a number in base 60; write minutes as a plain number",
    )


def test_a_word_split_by_a_zero_width_space_still_fails_the_terminology_check(make_project):
    text = MINIMAL_TEXT.replace("why_it_matters: A refused card", "why_it_matters: Cus\u200btomers with a refused card")
    root = make_project({"minimal.yaml": text.encode()})
    result = run_build(root, "check", timeout=60)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "Cus\u200btomers" in row)
    assert result.returncode == 1, result.stderr
    assert f"industries/minimal.yaml:{line}:" in result.stderr
    assert "says 'Customers' where minimal says 'patron'" in result.stderr


def test_a_job_aid_over_two_pages_fails_naming_what_to_shorten(make_project, tmp_path):
    cue = "Cannot read the small print on the renewal form and asks you to read it aloud, slowly, twice. " * 10
    text = MINIMAL_TEXT.replace(
        "vulnerability_cues: [Mentions needing the computer for a benefits claim today.]",
        "vulnerability_cues:\n" + f"  - {cue}\n" * 40,
    )
    root = make_project({"minimal.yaml": text.encode()})
    sources = load_sources(root)
    (industry,) = sources.industries
    rendered = render_edition(
        root, make_environment(root, JOB_AID, TemplateCaches()), industry, sources.program(industry), JOB_AID
    )
    from trainkit.pdf import write_pdf

    with pytest.raises(InputError) as raised:
        write_pdf(root, rendered, tmp_path / "job-aid.pdf")

    (problem,) = raised.value.problems
    assert str(problem).startswith(f"industries/minimal.yaml:{CUES_LINE}: job-aid: the job aid runs to ")
    assert "pages but must fit on 2; shorten what it prints: vulnerability_cues (40 items)" in str(problem)
    assert not (tmp_path / "job-aid.pdf").exists()


# --------------------------------------------------------------------------- escaping exactly once

AMPERSAND_NAME = "Bed & Breakfast <b>x</b> &amp; co"  # the last "&amp;" is typed by the user, as text


class TextAndAttributes(HTMLParser):
    """Every text run and attribute value (entities decoded) that mentions the industry."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag = tag
        self.found += [(f"<{tag} {name}>", value) for name, value in attrs if value and "Breakfast" in value]

    def handle_data(self, data: str) -> None:
        if "Breakfast" in data:
            self.found.append((f"<{self.tag}> text", data))


def mentions(html: str) -> list[tuple[str, str]]:
    parser = TextAndAttributes()
    parser.feed(html)
    return parser.found


@pytest.fixture
def ampersand_project(make_project):
    quoted = f'"{AMPERSAND_NAME}"'
    text = MINIMAL_TEXT.replace("name: Library lending desk", f"name: {quoted}")
    text = text.replace("plural: patrons", f"plural: {quoted}")  # module titles say "Upset {{ customers }} …"
    root = make_project({"minimal.yaml": text.encode()})
    sources = load_sources(root)
    return root, sources, sources.industries[0]


def test_the_site_shows_a_name_with_an_ampersand_exactly_as_typed(ampersand_project, tmp_path):
    from trainkit.site import build_site

    root, sources, industry = ampersand_project
    rendered = render_edition(
        root, make_environment(root, SITE, TemplateCaches()), industry, sources.program(industry), SITE
    )
    pdfs = []
    for edition in PDF_EDITIONS:  # the site links its downloads; their content does not matter here
        pdfs.append(tmp_path / edition.filename("minimal"))
        pdfs[-1].write_bytes(b"%PDF-1.4\n")
    build_site(root, rendered, tmp_path / "work", tmp_path / "site", pdfs)

    found = [(page.name, *m) for page in (tmp_path / "site").rglob("*.html") for m in mentions(page.read_text())]
    kinds = {where for _, where, _ in found}
    assert {"<a title>", "<a aria-label>", "<title> text"} <= kinds, kinds  # logo tooltip, footer, page title
    wrong = [(page, where, value) for page, where, value in found if AMPERSAND_NAME not in value]
    assert wrong == [], "escaped twice (&amp;amp;) or unescaped twice (& for &amp;)"


def test_the_pdf_chapter_titles_show_a_name_with_an_ampersand_exactly_as_typed(ampersand_project):
    from trainkit.pdf import edition_html

    root, sources, industry = ampersand_project
    rendered = render_edition(
        root, make_environment(root, WORKBOOK, TemplateCaches()), industry, sources.program(industry), WORKBOOK
    )
    found = mentions(edition_html(root, rendered))
    assert any(where == "<article data-title>" for where, _ in found), found  # "6. Upset Bed & Breakfast …"
    assert [m for m in found if AMPERSAND_NAME not in m[1]] == []
