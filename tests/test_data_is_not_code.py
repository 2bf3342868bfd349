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
    profile["difficult_situations"][0]["hidden_facts"] = [{"fact": HOSTILE, "reveal_if": HOSTILE}]
    text = yaml.safe_dump(profile, sort_keys=False)
    root = make_project({"minimal.yaml": text.encode()})
    out = root / "out"
    assert main(["build", "--quiet", "--out", str(out)], root=root) == 0

    shown = []
    for page in [out / "minimal" / "index.html", *sorted((out / "minimal" / "modules").glob("*.html"))]:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html
        assert 'href="javascript' not in html and '<a href="javascript' not in html
        assert "<strong>loud</strong>" not in html
        shown.append(html_text(html))
    visible = " ".join(shown)  # the summary on the home page, the role-play title on its module's page
    assert visible.count("<script>alert(1)</script>") >= 2
    assert "{{ 7*7 }}" in visible and "{% include 'x' %}" in visible
    assert "**loud**" in visible

    pdf = " ".join(pdf_pages(out / "staff" / "minimal" / "minimal-facilitator-guide.pdf"))
    assert "<script>alert(1)</script>" in pdf
    assert "{{ 7*7 }}" in pdf


SHORT_HOSTILE = "<script>x()</script>{{ 7*7 }}"
CONSTRAINED = {
    "id",
    "kind",
    "difficulty",
    "cause_type",
    "modules",
    "source",
    "accent_colour",
    "paper",
    "format",
    "lead_format",
    "spelling",
}


def inject(node, key=None):
    """Append markup and template syntax to every free-text string of a profile."""
    if isinstance(node, dict):
        return {k: inject(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return node if key in CONSTRAINED else [inject(v, key) for v in node]
    if isinstance(node, str) and key not in CONSTRAINED:
        return f"{node} {SHORT_HOSTILE}"
    return node


def test_markup_in_every_string_field_of_a_real_profile_prints_literally(make_project):
    from trainkit.pipeline import PROJECT_ROOT

    profile = inject(yaml.safe_load((PROJECT_ROOT / "industries" / "hotel.yaml").read_text(encoding="utf-8")))
    root = make_project({"hotel.yaml": yaml.safe_dump(profile, allow_unicode=True, sort_keys=False).encode()})
    out = root / "out"
    assert main(["build", "--quiet", "--jobs", "2", "--out", str(out)], root=root) == 0

    pages = sorted((out / "hotel").rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>x()" not in html, page.name
    home = html_text((out / "hotel" / "index.html").read_text(encoding="utf-8"))
    assert f"{SHORT_HOSTILE}" in home
    guide = " ".join(pdf_pages(out / "staff" / "hotel" / "hotel-facilitator-guide.pdf"))
    assert "<script>x()</script>{{ 7*7 }}" in guide.replace("\n", "")
    assert guide.count("{{ 7*7 }}") > 50
