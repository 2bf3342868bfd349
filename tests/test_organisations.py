"""Organisation profiles: merged over their industry, located in the file that holds each value, branded,
keyed on both files, listed under their industry, and treated as data like every profile."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES
from textutil import html_text, pdf_pages

from trainkit.brand import contrast_ratio
from trainkit.cache import FileHasher, edition_key
from trainkit.cli import main
from trainkit.editions import PDF_EDITIONS
from trainkit.load import load_yaml
from trainkit.merge import merge_documents
from trainkit.pipeline import PROJECT_ROOT, load_sources
from trainkit.portal import portal_html

MINIMAL = FIXTURES / "good" / "minimal.yaml"
ORGANISATION = """\
schema_version: 1
id: city-libraries
extends: minimal
name: City Libraries
brand:
  color:
    palette: {ink: "#1b3a5c"}
    primary: ink
"""


def project(make_project, organisation: str, files: dict[str, str] | None = None) -> Path:
    """A project with the minimal industry and one organisation file (and any other files it needs)."""
    root = make_project({"minimal.yaml": MINIMAL})
    (root / "organisations").mkdir()
    (root / "organisations" / "city-libraries.yaml").write_text(organisation, encoding="utf-8")
    for name, text in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def check(root: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["check"], root=root)
    return status, err.getvalue()


def line_of(root: Path, file: str, text: str) -> int:
    lines = (root / file).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


# --------------------------------------------------------------------------- merge rules


def documents(tmp_path: Path, base: str, over: str):
    (tmp_path / "base.yaml").write_text(base, encoding="utf-8")
    (tmp_path / "over.yaml").write_text(over, encoding="utf-8")
    return load_yaml(tmp_path / "base.yaml", "industries/base.yaml"), load_yaml(tmp_path / "over.yaml", "org.yaml")


BASE = """\
terms:
  customer: {singular: patron, plural: patrons}
  manager_role: supervisor
steps:
  - {id: first, text: one}
  - {id: second, text: two}
  - {id: third, text: three}
cues: [early, late]
"""


def test_a_mapping_merges_key_by_key_and_each_value_keeps_its_file_and_line(tmp_path):
    base, over = documents(tmp_path, BASE, "terms:\n  manager_role: duty manager\n")
    merged, problems = merge_documents(base, over)
    assert problems == []
    assert merged.data["terms"] == {
        "customer": {"singular": "patron", "plural": "patrons"},
        "manager_role": "duty manager",
    }
    assert merged.where(("terms", "manager_role")) == ("org.yaml", 2)
    assert merged.where(("terms", "customer", "plural")) == ("industries/base.yaml", 2)


def test_a_list_replaces_the_inherited_list(tmp_path):
    base, over = documents(tmp_path, BASE, "steps:\n  - {id: only, text: mine}\n")
    merged, problems = merge_documents(base, over)
    assert problems == [] and merged.data["steps"] == [{"id": "only", "text": "mine"}]
    assert merged.where(("steps", 0, "text")) == ("org.yaml", 2)


def test_add_appends_to_the_inherited_list_and_remove_drops_items_by_id(tmp_path):
    over = "steps:\n  remove: [second]\n  add:\n    - {id: fourth, text: four}\n"
    base, over_doc = documents(tmp_path, BASE, over)
    merged, problems = merge_documents(base, over_doc)
    assert problems == []
    assert [step["id"] for step in merged.data["steps"]] == ["first", "third", "fourth"]
    assert merged.where(("steps", 1, "text")) == ("industries/base.yaml", 7), "the inherited item, renumbered"
    assert merged.where(("steps", 2, "text")) == ("org.yaml", 4), "the added item, where it was written"


def test_remove_drops_an_item_of_a_list_of_texts_by_its_exact_text(tmp_path):
    base, over = documents(tmp_path, BASE, "cues:\n  remove: [early]\n  add: [noon]\n")
    merged, problems = merge_documents(base, over)
    assert problems == [] and merged.data["cues"] == ["late", "noon"]


def test_removing_what_is_not_inherited_or_adding_it_twice_is_reported_in_the_organisation_file(tmp_path):
    over = "steps:\n  remove: [secnd]\n  add:\n    - {id: first, text: again}\n"
    base, over_doc = documents(tmp_path, BASE, over)
    _, problems = merge_documents(base, over_doc)
    shown = [str(p) for p in problems]
    assert any(s.startswith("org.yaml:2: steps.remove.0: no inherited item is 'secnd'") for s in shown), shown
    assert any(
        s.startswith("org.yaml:4: steps.add.0: 'first' is already inherited (industries/base.yaml:5)") for s in shown
    )


# --------------------------------------------------------------------------- errors point at the file


def test_a_bad_value_in_the_organisation_is_reported_at_its_line_in_the_organisation_file(make_project):
    text = ORGANISATION + "escalation:\n  - {when: Always., who: Desk, how: Call., contact: 42}\n"
    root = project(make_project, text)
    status, err = check(root)
    assert status == 2
    line = line_of(root, "organisations/city-libraries.yaml", "contact: 42")
    assert f"organisations/city-libraries.yaml:{line}: escalation[0].contact: Expected text but received 42" in err


def test_an_inherited_value_broken_by_the_organisation_is_reported_in_the_industry_file(make_project):
    # The organisation replaces the channels; an inherited role-play still names the lending desk.
    text = ORGANISATION + 'channels:\n  - {name: Phone, kind: phone, used_for: "Everything."}\n'
    root = project(make_project, text)
    status, err = check(root)
    assert status == 2
    line = line_of(root, "industries/minimal.yaml", "channel: Lending desk")
    assert re.search(rf"industries/minimal\.yaml:{line}: difficult_situations\[0\]\.channel: .*'Lending desk'", err), (
        err
    )


def test_a_problem_in_a_merged_list_says_which_file_each_part_came_from(make_project):
    cues = "".join(f"    - Cue number {n} that the organisation adds.\n" for n in range(40))
    root = project(make_project, ORGANISATION + "vulnerability_cues:\n  add:\n" + cues)
    status, err = check(root)
    assert status == 2
    line = line_of(root, "organisations/city-libraries.yaml", "vulnerability_cues:")
    assert f"organisations/city-libraries.yaml:{line}: vulnerability_cues: Expected at most 40 items" in err
    assert "(merged value: [0] from industries/minimal.yaml, [1]–[40] from organisations/city-libraries.yaml)" in err


def test_an_organisation_needs_its_own_id_and_an_industry_to_extend(make_project):
    root = project(make_project, ORGANISATION.replace("extends: minimal", "extends: minmal"))
    (root / "organisations" / "minimal.yaml").write_text(ORGANISATION.replace("city-libraries", "minimal"))
    status, err = check(root)
    assert status == 2
    assert (
        "organisations/city-libraries.yaml:3: extends: Expected the id of an industry in industries/ (minimal)" in err
    )
    assert "organisations/minimal.yaml:2: id: 'minimal' is the id of an industry (industries/minimal.yaml)" in err


# --------------------------------------------------------------------------- brand


def test_colours_with_too_little_contrast_are_reported_with_the_pair_and_the_ratio(make_project):
    root = project(make_project, ORGANISATION.replace('ink: "#1b3a5c"', 'ink: "#9fc5e8"'))
    status, err = check(root)
    assert status == 2
    ratio = contrast_ratio("#9fc5e8", "#ffffff")
    line = line_of(root, "organisations/city-libraries.yaml", "primary: ink")
    assert (
        f"organisations/city-libraries.yaml:{line}: brand.color.primary: #9fc5e8 on #ffffff (branding.background) "
        f"has a contrast of {ratio:.2f}:1, under the 4.5:1 WCAG AA needs for text"
    ) in err


def test_a_quarto_brand_file_is_read_and_its_problems_are_located_in_it(make_project):
    brand = 'color:\n  primary: "#1b3a5c"\n  foreground: "#cccccc"\nlogo: mark.svg\ntypography:\n  base: No Such Face\n'
    text = ORGANISATION.split("brand:")[0] + "brand: city/_brand.yml\n"
    files = {
        "organisations/city/_brand.yml": brand,
        "organisations/city/mark.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
    }
    root = project(make_project, text, files)
    status, err = check(root)
    assert status == 2
    assert "organisations/city/_brand.yml:3: color.foreground: #cccccc on #ffffff" in err
    assert "organisations/city/_brand.yml:4: logo: 'organisations/city/mark.svg' holds a <script> element" in err
    assert "organisations/city/_brand.yml:6: typography.base: the typeface 'No Such Face' is not installed" in err


def test_a_brand_that_meets_the_contrast_rules_passes_and_sets_the_profile_branding(make_project):
    root = project(make_project, ORGANISATION)
    sources = load_sources(root)
    (organisation,) = sources.select(["city-libraries"])
    assert organisation.profile.branding.accent_colour == "#1b3a5c"
    assert organisation.profile.name == "City Libraries" and organisation.extends == "minimal"


# --------------------------------------------------------------------------- cache


def keys(root: Path, profile_id: str) -> dict[str, str]:
    sources = load_sources(root)
    (profile,) = sources.select([profile_id])
    hasher = FileHasher(root)
    return {e.id: edition_key(hasher, profile.files, e, "2026-01-01") for e in PDF_EDITIONS}


def test_an_organisation_is_rebuilt_when_its_own_file_or_its_industrys_file_changes_and_only_then(make_project):
    root = project(make_project, ORGANISATION)
    (root / "industries" / "other.yaml").write_bytes(MINIMAL.read_bytes().replace(b"id: minimal", b"id: other"))
    before = keys(root, "city-libraries")
    other = root / "industries" / "other.yaml"
    other.write_text(other.read_text(encoding="utf-8") + "\n# another industry changed\n", encoding="utf-8")
    assert keys(root, "city-libraries") == before, "an unrelated industry changed: nothing to rebuild"
    industry = root / "industries" / "minimal.yaml"
    industry.write_text(industry.read_text(encoding="utf-8") + "\n# the industry changed\n", encoding="utf-8")
    after_industry = keys(root, "city-libraries")
    assert all(after_industry[e] != before[e] for e in before), "its industry changed: every output"
    own = root / "organisations" / "city-libraries.yaml"
    own.write_text(own.read_text(encoding="utf-8") + "\n# the organisation changed\n", encoding="utf-8")
    after_own = keys(root, "city-libraries")
    assert all(after_own[e] != after_industry[e] for e in before), "its own file changed: every output"
    assert keys(root, "minimal") == keys(root, "minimal"), "keys are stable"


def test_changing_an_organisation_does_not_rebuild_its_industry(make_project):
    root = project(make_project, ORGANISATION)
    before = keys(root, "minimal")
    own = root / "organisations" / "city-libraries.yaml"
    own.write_text(own.read_text(encoding="utf-8") + "\n# the organisation changed\n", encoding="utf-8")
    assert keys(root, "minimal") == before


# --------------------------------------------------------------------------- portal


class Cards(HTMLParser):
    """The id of each card (li) and the ids of the cards that contain it."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.parents: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            ident = dict(attrs).get("id") or ""
            self.parents[ident] = [p for p in self.stack if p]
            self.stack.append(ident)

    def handle_endtag(self, tag):
        if tag == "li":
            self.stack.pop()


def test_the_portal_lists_each_organisation_under_its_industry_even_when_the_industry_is_not_built(sources):
    listed = [i for i in sources.industries if i.profile.id in {"hotel", "harbourlight-hotels", "tern-valley-bank"}]
    html = portal_html(PROJECT_ROOT, listed, "2026-01-01", sources.industries)
    cards = Cards()
    cards.feed(html)
    assert cards.parents["harbourlight-hotels"] == ["hotel"]
    assert cards.parents["tern-valley-bank"] == ["retail-banking"]
    assert cards.parents["hotel"] == [] and cards.parents["retail-banking"] == []
    assert 'href="hotel/index.html"' in html and 'href="retail-banking/index.html"' not in html, "not built: no link"
    assert 'href="tern-valley-bank/index.html"' in html
    assert "data:image/svg+xml;base64," in html, "the organisations' logos travel with the portal"


# --------------------------------------------------------------------------- the shipped examples


@pytest.mark.parametrize(
    ("organisation_id", "industry_id"), [("harbourlight-hotels", "hotel"), ("tern-valley-bank", "retail-banking")]
)
def test_a_shipped_organisation_puts_its_limits_contacts_and_policies_in_cards_answers_and_job_aid(
    rendered, sources, organisation_id, industry_id
):
    (organisation,) = sources.select([organisation_id])
    profile = organisation.profile
    text = {edition: " ".join(p.markdown for p in pages.pages) for edition, pages in rendered[organisation_id].items()}
    industry_text = {
        edition: " ".join(p.markdown for p in pages.pages) for edition, pages in rendered[industry_id].items()
    }
    kit, guide, job_aid = text["roleplay-kit"], text["facilitator-guide"], text["job-aid"]
    plain = html_text  # entity references to text
    for policy in profile.policies:
        if policy.situations:
            assert plain(policy.text) in plain(kit), f"{policy.id} on its role-play card"
        assert plain(policy.title) in plain(job_aid)
    for limit in profile.authority:
        assert plain(limit.up_to) in plain(job_aid) and plain(limit.up_to) in plain(guide), limit.id
    for step in profile.escalation:
        assert step.contact and plain(step.contact) in plain(job_aid)
    assert plain(profile.name) in plain(kit) and plain(profile.name) in plain(guide)
    assert "policies word for word" in guide, "answer keys quote the organisation's policies"
    for edition in ("job-aid", "roleplay-kit", "facilitator-guide", "site"):
        assert text[edition] != industry_text[edition]
        assert "Harbour Promise" not in industry_text[edition] and "Pause and Protect" not in industry_text[edition]


def test_organisation_text_is_data_not_markup_or_template_code(make_project):
    hostile = "<script>x()</script>{{ 7*7 }}"
    data = yaml.safe_load((PROJECT_ROOT / "organisations" / "harbourlight-hotels.yaml").read_text(encoding="utf-8"))
    data["escalation"] = data["escalation"][:3]  # every field still, and room for the longer texts on the job aid
    constrained = {
        "id",
        "extends",
        "kind",
        "difficulty",
        "action",
        "modules",
        "situations",
        "remove",
        "brand",
        "channel",
    }

    def inject(node, key=None):
        if isinstance(node, dict):
            return {k: (v if k in constrained else inject(v, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [inject(v, key) for v in node]
        return f"{node} {hostile}" if isinstance(node, str) else node

    root = make_project({"hotel.yaml": PROJECT_ROOT / "industries" / "hotel.yaml"})
    shutil.copytree(PROJECT_ROOT / "organisations", root / "organisations")
    for other in (root / "organisations").glob("*.yaml"):
        other.unlink()
    target = root / "organisations" / "harbourlight-hotels.yaml"
    target.write_text(yaml.safe_dump(inject(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = root / "out"
    assert main(["build", "--quiet", "--industry", "harbourlight-hotels", "--out", str(out)], root=root) == 0
    pages = sorted((out / "harbourlight-hotels").rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert "<script>x()" not in page.read_text(encoding="utf-8"), page.name
    home = html_text((out / "harbourlight-hotels" / "index.html").read_text(encoding="utf-8"))
    assert hostile in home
    portal = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>x()" not in portal and hostile in html_text(portal)
    kit = " ".join(pdf_pages(out / "staff" / "harbourlight-hotels" / "harbourlight-hotels-roleplay-kit.pdf"))
    assert kit.replace("\n", "").count("{{ 7*7 }}") > 10, "policies and limits on the cards print literally"


def test_new_org_writes_a_file_that_checks_as_it_stands_and_explains_every_field(make_project):
    from trainkit.model import Profile

    root = make_project({"minimal.yaml": MINIMAL})
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["new-org", "city-libraries", "--industry", "minimal"], root=root) == 0
    text = (root / "organisations" / "city-libraries.yaml").read_text(encoding="utf-8")
    explained = {name for name in Profile.model_fields if re.search(rf"^(# )?{name}:", text, re.MULTILINE)}
    assert explained == set(Profile.model_fields) - {"branding"}, "every field, commented or written"
    assert "extends: minimal" in text and "brand:" in text
    assert check(root) == (0, "")
    with contextlib.redirect_stderr(io.StringIO()) as err:
        assert main(["new-org", "minimal", "--industry", "minimal"], root=root) == 2
    assert "'minimal' is an industry id" in err.getvalue()


# --------------------------------------------------------------------------- wording


def test_wording_renames_a_phrase_in_every_inherited_text_but_not_in_the_organisations_own(make_project):
    own_text = "Staff at the lending desk call the branch manager."
    text = (
        ORGANISATION
        + "wording:\n  lending desk: Ask Us desk\n"
        + f'escalation:\n  - {{when: Always., who: Branch manager, how: "{own_text}", contact: ext. 12}}\n'
    )
    root = project(make_project, text)
    sources = load_sources(root)
    organisation = next(i for i in sources.industries if i.profile.id == "city-libraries")
    industry = next(i for i in sources.industries if i.profile.id == "minimal")
    inherited = organisation.profile.model_dump(exclude={"escalation", "name"})
    assert "lending desk" not in str(inherited).lower(), "every inherited text uses the organisation's word"
    assert "Ask Us desk" in [channel.name for channel in organisation.profile.channels], "a capital stays capital"
    assert {s.channel for s in organisation.profile.difficult_situations} <= {
        c.name for c in organisation.profile.channels
    }
    assert organisation.profile.escalation[0].how == own_text, "what the organisation wrote is left as written"
    assert "Lending desk" in [channel.name for channel in industry.profile.channels], "the industry keeps its own"


def test_a_wording_phrase_the_industry_never_uses_is_reported_at_its_line(make_project):
    root = project(make_project, ORGANISATION + "wording:\n  circulation counter: Ask Us desk\n")
    status, err = check(root)
    assert status == 2
    line = line_of(root, "organisations/city-libraries.yaml", "circulation counter")
    assert (
        f"organisations/city-libraries.yaml:{line}: wording.circulation counter: 'circulation counter' is not in "
        "industries/minimal.yaml; copy the phrase as it is written there"
    ) in err
