"""One real build of every shipped industry: the portal, the sites and the PDFs it produces."""

from __future__ import annotations

import re

import pytest
from conftest import SHIPPED_IDS
from pypdf import PdfReader
from textutil import html_text, pdf_pages, site_article_text

from trainkit.editions import EDITIONS, FACILITATOR, LEARNER_PDFS, MODULE_PAGES, PDF_EDITIONS, STAFF_EDITIONS, WORKBOOK

PAPER_POINTS = {"letter": (612, 792), "a4": (595, 842)}


def profile_of(sources, industry_id):
    return next(i.profile for i in sources.industries if i.profile.id == industry_id)


def test_build_writes_both_portals_and_for_each_industry_a_site_and_every_pdf_in_its_place(built):
    out = built.out
    assert (out / "index.html").is_file() and (out / "staff" / "index.html").is_file()
    for industry_id in SHIPPED_IDS:
        assert (out / industry_id / "index.html").is_file()
        for edition in PDF_EDITIONS:
            pdf = out / edition.path(industry_id)
            assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF-")
            # Learner editions sit with the site; staff editions only in the staff folder.
            assert (out / industry_id / "downloads" / edition.filename(industry_id)).is_file() == edition.learner


def test_portal_links_every_industry_site_and_download_to_files_that_exist(built, sources):
    html = (built.out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', html)
    for industry in sources.industries:
        assert industry.profile.name in html_text(html)
        assert f"{industry.profile.id}/index.html" in links
    for link in links:
        if not link.startswith("data:"):
            assert (built.out / link).exists(), link
            assert not link.startswith("staff"), "the learner portal never links the staff folder"


def test_staff_portal_links_every_staff_edition_of_every_industry(built, sources):
    html = (built.out / "staff" / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', html))
    for industry in sources.industries:
        for edition in STAFF_EDITIONS:
            link = f"{industry.profile.id}/{edition.filename(industry.profile.id)}"
            assert link in links and (built.out / "staff" / link).is_file()


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_site_speaks_the_industry_language(built, sources, industry_id):
    profile = profile_of(sources, industry_id)
    pages = sorted((built.out / industry_id / "modules").glob("*.html"))
    assert pages
    plural = profile.terms.customer.plural
    for page in pages:
        text = site_article_text(page)
        assert re.search(rf"\b{re.escape(plural)}\b", text, re.I), f"{page.name} never says {plural}"
        if profile.terms.customer.singular.lower() != "customer":
            # Generic wording slips through as a bare "customer(s)" outside a proper name.
            stripped = re.sub(r"Customer Effort Score|Treating Customers Fairly|internal customers?", "", text)
            stripped = re.sub(r'"[^"]*"|“[^”]*”', " ", stripped)  # a quoted official term is exempt, as in the build
            assert not re.search(r"\bcustomers?\b", stripped, re.I), f"{page.name} says 'customer'"


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_site_search_index_is_built_offline_with_no_cdn_assets(built, industry_id):
    site = built.out / industry_id
    assert (site / "search" / "search_index.json").is_file()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html, page
        for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html):
            pytest.fail(f"{page.name} loads {src} from the network")


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_site_home_links_each_learner_edition_and_no_staff_edition(built, industry_id):
    home = (built.out / industry_id / "index.html").read_text(encoding="utf-8")
    for edition in LEARNER_PDFS:
        assert f'href="downloads/{edition.filename(industry_id)}"' in home
    for edition in STAFF_EDITIONS:
        assert edition.filename(industry_id) not in home


MODULE_BOOKS = [e for e in PDF_EDITIONS if MODULE_PAGES in e.pages]


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
@pytest.mark.parametrize("edition", MODULE_BOOKS, ids=[e.id for e in MODULE_BOOKS])
def test_pdf_text_carries_every_module_in_the_industry_language(built, sources, industry_id, edition):
    profile = profile_of(sources, industry_id)
    pdf = built.out / edition.path(industry_id)
    text = " ".join(" ".join(pdf_pages(pdf)).split())
    assert edition.title in text
    assert profile.name.lower() in text.lower()
    assert profile.terms.customer.plural in text
    for module in sources.course_modules(edition.course):
        assert f"{module.number}. " in text and module.spec.title.split("{")[0].strip()[:20] in text


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_pdf_paper_size_follows_the_profile(built, sources, industry_id):
    paper = profile_of(sources, industry_id).print.paper
    for edition in PDF_EDITIONS:
        reader = PdfReader(built.out / edition.path(industry_id))
        box = reader.pages[0].mediabox
        size = (round(float(box.width)), round(float(box.height)))
        expected = PAPER_POINTS[paper]
        landscape = edition.print_template == "certificate.html"  # certificates are landscape
        assert size == (expected[::-1] if landscape else expected)


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_facilitator_guide_has_answer_keys_and_hidden_facts_and_the_workbook_has_neither(built, industry_id):
    guide = " ".join(pdf_pages(built.out / FACILITATOR.path(industry_id)))
    workbook = " ".join(pdf_pages(built.out / WORKBOOK.path(industry_id)))
    labels = ("ANSWER KEY", "HIDDEN FACTS ON THE SLIPS", "DEAL FROM THE KIT", "DEBRIEF QUESTIONS", "IF SHORT ON TIME")
    for label in labels:
        assert label in guide.upper()
        assert label not in workbook.upper()


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_site_home_gives_each_download_its_page_count_and_size(built, industry_id):
    home = site_article_text(built.out / industry_id / "index.html")
    for edition in LEARNER_PDFS:
        pages = len(PdfReader(built.out / edition.path(industry_id)).pages)
        noun = "page" if pages == 1 else "pages"
        assert re.search(rf"{re.escape(edition.title)}\s*: [^(]*\(PDF, {pages} {noun}, [\d.]+ (KB|MB)\)", home), (
            edition.id
        )


def test_no_shipped_profile_has_a_field_no_module_uses():
    from trainkit.pipeline import check

    _, reports = check()
    assert {r.industry_id: list(r.unused) for r in reports if r.unused} == {}


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
@pytest.mark.parametrize("edition", EDITIONS, ids=[e.id for e in EDITIONS])
def test_every_module_renders_in_every_edition_that_prints_modules(sources, rendered, industry_id, edition):
    module_pages = [p for p in rendered[industry_id][edition.id].pages if p.module_id]
    expected = sources.course_modules(edition.course) if MODULE_PAGES in edition.pages else []
    assert [p.module_id for p in module_pages] == [m.id for m in expected]
    for page, module in zip(module_pages, expected, strict=True):
        assert f"# {module.number}. " in page.markdown
        assert "## Knowledge check" in page.markdown and "## Role-play in threes" in page.markdown


def test_a_card_for_a_colleague_is_labelled_with_their_job_not_the_customer_word(sources, rendered):
    chosen = next(i for i in sources.industries if i.profile.id == "hotel")
    coached = sources.deal(chosen).scenarios["coaching"]
    assert coached.kind == "coaching" and coached.customer_role
    kit = rendered["hotel"]["roleplay-kit"].pages[0].markdown
    card = kit[kit.index("L1-1 ·") :]
    card = card[: card.index("</div>")]
    role = coached.customer_role
    assert f"L1-1 · {role[0].upper()}{role[1:]}" in card
    assert f"you play the {role}" in card
    assert "L1-1 · Guest" not in kit


@pytest.mark.parametrize("industry_id", SHIPPED_IDS[:2])
def test_agenda_sessions_are_headings_not_literal_markdown(built, sources, industry_id):
    html = (built.out / industry_id / "agenda.html").read_text(encoding="utf-8")
    chosen = next(i for i in sources.industries if i.profile.id == industry_id)
    first = sources.agenda(chosen).sessions[0].title
    assert re.search(rf"<h2[^>]*>{re.escape(first)}, ", html), "each session is an h2 under the page's h1"
    assert "## " not in html_text(html) and "&#35;&#35;" not in html
