"""Profile text is data: markup, Markdown and template syntax in a profile print literally."""

from __future__ import annotations

import yaml
from conftest import FIXTURES
from textutil import html_text, pdf_pages

from trainkit.cli import main

MINIMAL = FIXTURES / "good" / "minimal.yaml"
HOSTILE = "<script>alert(1)</script> {{ 7*7 }} {% include 'x' %} **loud** [click](javascript:alert(2))"


def test_markup_and_template_syntax_in_a_profile_print_literally(make_project):
    profile = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    profile["summary"] = HOSTILE
    profile["difficult_situations"][0]["title"] = HOSTILE
    profile["difficult_situations"][0]["hidden_facts"] = [HOSTILE]
    text = yaml.safe_dump(profile, sort_keys=False)
    root = make_project({"minimal.yaml": text.encode()})
    out = root / "out"
    assert main(["build", "--quiet", "--out", str(out)], root=root) == 0

    for page in ["index.html", "modules/02-questioning.html"]:
        html = (out / "minimal" / page).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html
        assert 'href="javascript' not in html and '<a href="javascript' not in html
        assert "<strong>loud</strong>" not in html
        visible = html_text(html)
        assert "<script>alert(1)</script>" in visible
        assert "{{ 7*7 }}" in visible and "{% include 'x' %}" in visible
        assert "**loud**" in visible

    pdf = " ".join(pdf_pages(out / "minimal" / "downloads" / "minimal-facilitator-guide.pdf"))
    assert "<script>alert(1)</script>" in pdf
    assert "{{ 7*7 }}" in pdf
