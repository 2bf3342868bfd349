"""A program a trainer can run as printed: one audience per course, a role-play kit that can be dealt,
timings a room can keep, and one follow-up schedule and scorecard everywhere."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import FIXTURES, SHIPPED_IDS, link_project
from textutil import normalise, pdf_pages, site_article_text

from trainkit.editions import (
    CERTIFICATE,
    EDITIONS,
    FACILITATOR,
    JOB_AID,
    LEAD_CERTIFICATE,
    LEAD_GUIDE,
    LEAD_WORKBOOK,
    MANAGER_GUIDE,
    PDF_EDITIONS,
    PROGRAM_PLAN,
    ROLEPLAY_KIT,
    WORKBOOK,
    Edition,
)
from trainkit.pdf import markdown_converter
from trainkit.pipeline import PROJECT_ROOT

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "you",
        "your",
        "they",
        "their",
        "them",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "i",
        "my",
        "me",
        "not",
        "no",
        "if",
        "then",
        "so",
        "than",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "must",
        "about",
        "into",
        "over",
        "after",
        "before",
        "what",
        "which",
        "who",
        "when",
        "how",
    ]
)
FRONTLINE_EDITIONS = [WORKBOOK, FACILITATOR, JOB_AID, CERTIFICATE]
#: Words of the designer's and team leads' material that frontline staff never need.
LEAD_AND_DESIGNER_WORDS = ["Kirkpatrick", "Behavior Engineering Model", "Gilbert", "Mager", "GROW"]


def industry(sources, industry_id):
    return next(i for i in sources.industries if i.profile.id == industry_id)


def pdf_text(built, industry_id: str, edition: Edition) -> str:
    return " ".join(pdf_pages(built.out / edition.path(industry_id)))


def site_text(built, industry_id: str) -> str:
    return " ".join(site_article_text(page) for page in sorted((built.out / industry_id).rglob("*.html")))


def fact_text(hidden) -> str:
    return hidden if isinstance(hidden, str) else hidden.fact


def sentences(text: str, shortest: int = 30) -> list[str]:
    """Normalised sentences of ``text`` long enough to be unique to it."""
    return [s for s in (normalise(part) for part in re.split(r"(?<=[.!?])\s+", text)) if len(s) >= shortest]


# --------------------------------------------------------------------------- role-play cards and hidden facts


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_workbook_and_site_hold_no_card_text_and_no_hidden_fact(built, sources, industry_id):
    scenarios = sources.deal(industry(sources, industry_id)).scenarios.values()
    secrets = [
        s
        for scenario in scenarios
        for text in (scenario.customer_brief, scenario.employee_brief, *map(fact_text, scenario.hidden_facts))
        for s in sentences(text, shortest=40)  # a whole sentence, not a stock phrase ("we apologize for …")
    ]
    assert len(secrets) > 20
    for name, text in (("workbook", pdf_text(built, industry_id, WORKBOOK)), ("site", site_text(built, industry_id))):
        flat = normalise(text)
        leaked = [s for s in secrets if s in flat]
        assert not leaked, f"{len(leaked)} card or hidden-fact sentences in the {name}: {leaked[:2]}"


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_hidden_facts_appear_only_in_the_kit_and_the_facilitator_guides(built, sources, industry_id):
    deal = sources.deal(industry(sources, industry_id)).scenarios
    facts = {m: [normalise(fact_text(h))[:60] for h in s.hidden_facts] for m, s in deal.items()}
    kit = normalise(pdf_text(built, industry_id, ROLEPLAY_KIT))
    assert all(f in kit for fs in facts.values() for f in fs), "every hidden fact is on a slip in the kit"
    allowed = {ROLEPLAY_KIT.id, FACILITATOR.id, LEAD_GUIDE.id}
    for edition in PDF_EDITIONS:
        if edition.id in allowed:
            continue
        text = normalise(pdf_text(built, industry_id, edition))
        leaked = [f for fs in facts.values() for f in fs if f in text]
        assert not leaked, f"hidden facts in the {edition.id}: {leaked[:2]}"


def three_word_runs(text: str) -> set[tuple[str, ...]]:
    words = [w for w in re.findall(r"[a-z0-9']+", text.lower()) if w not in STOP_WORDS]
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_no_observer_checklist_item_names_a_hidden_fact_of_its_scenario(sources, industry_id):
    for scenario in industry(sources, industry_id).profile.difficult_situations:
        secret = set().union(*(three_word_runs(fact_text(h)) for h in scenario.hidden_facts))
        for item in scenario.observer_focus:
            shared = three_word_runs(item) & secret
            assert not shared, f"{scenario.id}: '{item}' shares {sorted(shared)[0]} with a hidden fact"


def test_the_three_word_rule_catches_a_checklist_that_gives_a_fact_away():
    fact = "Your daughter uses an inhaler and has had two attacks this week."
    assert three_word_runs("Acts on the inhaler and the two attacks") & three_word_runs(fact)
    assert not three_word_runs("Asks how the delay affects the family") & three_word_runs(fact)


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_every_module_plays_a_scenario_of_its_own_and_none_twice_in_a_session(sources, industry_id):
    chosen = industry(sources, industry_id)
    deal = sources.deal(chosen)
    assert not deal.shortfalls
    assert set(deal.scenarios) == {m.id for m in sources.modules}
    ids = [s.id for s in deal.scenarios.values()]
    assert len(set(ids)) == len(ids), "one new scenario per module"
    for module in sources.modules:
        assert deal.scenarios[module.id].kind in module.spec.roleplay.kinds


def kit_sets(built, industry_id: str) -> list[str]:
    return pdf_pages(built.out / ROLEPLAY_KIT.path(industry_id))


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_every_card_and_slip_in_the_kit_sits_whole_on_one_page(built, sources, industry_id):
    pages = [normalise(page) for page in kit_sets(built, industry_id)]
    chosen = industry(sources, industry_id)
    deal = sources.deal(chosen).scenarios
    for module in sources.modules:
        scenario = deal[module.id]
        number = f"{'f' if module.course == 'frontline' else 'l'}{module.number}"
        pieces = {
            f"{number}1": scenario.customer_brief,
            f"{number}2": scenario.employee_brief,
            **{f"{number}s{i}": fact_text(h) for i, h in enumerate(scenario.hidden_facts, start=1)},
            f"{number}o": scenario.observer_focus[-1],
        }
        for label, text in pieces.items():
            # The label, the first words and the last words of each piece are on one and the same page.
            start, end = normalise(text)[:40], normalise(text)[-40:]
            holding = [i for i, page in enumerate(pages) if label in page and start in page and end in page]
            assert holding, f"{industry_id} {label}: not whole on one page"


@pytest.mark.parametrize("industry_id", SHIPPED_IDS[:3])
def test_the_kit_is_laid_out_single_sided(built, industry_id):
    pdf = built.out / ROLEPLAY_KIT.path(industry_id)
    pages = pdf_pages(pdf)
    assert not ROLEPLAY_KIT.duplex
    assert not any("intentionally left blank" in page for page in pages)
    # Single-sided: left and right pages share one layout, so the text starts at the same x on both.
    lefts = []
    for page in (2, 3):
        box = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        lefts.append(min(float(x) for x in re.findall(r'<word xMin="([\d.]+)"', box)))
    assert abs(lefts[0] - lefts[1]) < 1.0, lefts


# --------------------------------------------------------------------------- courses by audience


def test_the_frontline_agenda_schedules_no_team_lead_module(sources):
    for format_id, delivery in sources.formats.items():
        scheduled = [item.module for s in delivery.sessions for item in s.items if item.module]
        courses = {next(m.course for m in sources.modules if m.id == module_id) for module_id in scheduled}
        assert courses == {delivery.course}, format_id
    leads = {m.id for m in sources.modules if m.course == "leads"}
    assert leads == {"coaching", "measuring"}
    assert all(m.id != "real-need" for m in sources.modules), "the needs diagnosis lives in the program plan"


def strip_markup(markdown: str) -> str:
    """The words of a rendered page: HTML tags and Markdown marks become spaces."""
    return re.sub(r"<[^>]+>|[#*>|_]", " ", markdown)


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_no_frontline_edition_carries_team_lead_or_designer_material(built, rendered, industry_id):
    """Markers are sentences of the team-lead modules that no frontline module page says too (the
    role-play round's instructions and the follow-up schedule are shared on purpose)."""
    frontline_sources = normalise(
        " ".join(strip_markup(p.markdown) for e in (WORKBOOK, FACILITATOR) for p in rendered[industry_id][e.id].pages)
    )
    lead_pages = [p for p in rendered[industry_id][LEAD_WORKBOOK.id].pages if p.module_id]
    assert lead_pages
    markers = [
        sentence
        for page in lead_pages
        for sentence in sentences(strip_markup(page.markdown), 50)
        if "{" not in sentence and sentence not in frontline_sources
    ]
    assert len(markers) > 30
    outputs = {e.id: pdf_text(built, industry_id, e) for e in FRONTLINE_EDITIONS}
    outputs["site"] = site_text(built, industry_id)
    for name, text in outputs.items():
        flat = normalise(text)
        found = [m for m in markers if m in flat]
        assert not found, f"team-lead material in the frontline {name}: {found[:2]}"
        for word in LEAD_AND_DESIGNER_WORDS:
            assert not re.search(rf"\b{word}\b", text), f"'{word}' in the frontline {name}"


def test_the_marker_test_finds_team_lead_material_where_it_belongs(built, rendered):
    industry_id = SHIPPED_IDS[0]
    text = pdf_text(built, industry_id, LEAD_WORKBOOK)
    assert "GROW" in text and "Kirkpatrick" in text


COVERED_EDITIONS = [e for e in EDITIONS if e.output == "pdf" and e.print_template in {"book.html", "kit.html"}]


@pytest.mark.parametrize("edition", COVERED_EDITIONS, ids=[e.id for e in COVERED_EDITIONS])
def test_each_edition_names_its_audience_on_the_cover(built, edition):
    industry_id = SHIPPED_IDS[0]
    cover = " ".join(pdf_pages(built.out / edition.path(industry_id))[0].split())
    assert edition.audience.split(",")[0] in cover


# --------------------------------------------------------------------------- one schedule, one scorecard, hours


SCHEDULE_EDITIONS = [WORKBOOK, LEAD_WORKBOOK, MANAGER_GUIDE, PROGRAM_PLAN]


def printed_block(rendered_edition, css_class: str) -> str:
    """The HTML of the block with ``css_class`` an edition prints (the schedule or the scorecard; an
    edition may print it more than once, always the same)."""
    converter = markdown_converter(PROJECT_ROOT)
    found = []
    for page in rendered_edition.pages:
        converter.reset()
        html = converter.convert(page.markdown)
        found += re.findall(rf'<div class="{css_class}">(.*?)</div>', html, re.S)
    assert found, f"{rendered_edition.edition.id} prints no {css_class}"
    assert len(set(found)) == 1, f"{rendered_edition.edition.id} prints two different {css_class} blocks"
    return found[0]


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_the_follow_up_schedule_and_scorecard_read_the_same_in_every_edition(built, rendered, sources, industry_id):
    for css_class in ("follow-up-schedule", "scorecard"):
        blocks = {e.id: printed_block(rendered[industry_id][e.id], css_class) for e in SCHEDULE_EDITIONS}
        assert len(set(blocks.values())) == 1, f"the {css_class} differs between {sorted(blocks)}"
    # And the PDFs print it: every step of the schedule, in every edition that shows it.
    for edition in SCHEDULE_EDITIONS:
        text = normalise(pdf_text(built, industry_id, edition))
        for step in sources.reinforcement.follow_up:
            assert normalise(step.when) in text, f"{edition.id} lacks '{step.when}'"


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_certificates_state_the_hours_the_agenda_schedules(built, sources, industry_id):
    chosen = industry(sources, industry_id)
    for edition, course in ((CERTIFICATE, "frontline"), (LEAD_CERTIFICATE, "leads")):
        agenda = sources.agenda(chosen, course)
        text = " ".join(pdf_text(built, industry_id, edition).split())
        assert f"{agenda.contact_hours} of facilitated" in text
        minutes = sum(slot.minutes for s in agenda.sessions for slot in s.slots if slot.kind not in {"break", "meal"})
        hours, rest = divmod(minutes, 60)
        assert agenda.contact_hours.startswith(f"{hours} hour") and (str(rest) in agenda.contact_hours or not rest)


@pytest.mark.parametrize("industry_id", SHIPPED_IDS[:2])
def test_every_opening_recap_and_close_has_a_facilitator_plan_in_the_guide(built, sources, industry_id):
    chosen = industry(sources, industry_id)
    for guide, course in ((FACILITATOR, "frontline"), (LEAD_GUIDE, "leads")):
        text = normalise(pdf_text(built, industry_id, guide))
        plans = sources.agenda(chosen, course).plans
        assert plans
        for planned in plans:
            assert normalise(planned.title) in text
        assert "say" in text and "ask" in text


# --------------------------------------------------------------------------- check: timings and scenarios


def run_check(root):
    return subprocess.run(
        [sys.executable, str(root / "build.py"), "check"], capture_output=True, text=True, timeout=120, cwd=root
    )


def test_check_fails_a_module_whose_roleplay_is_shorter_than_a_round_of_its_kind(tmp_path):
    root = link_project(tmp_path / "project", {"minimal.yaml": FIXTURES / "good" / "minimal.yaml"}, copy=("content",))
    shutil.copyfile(PROJECT_ROOT / "build.py", root / "build.py")
    (root / "trainkit").symlink_to(PROJECT_ROOT / "trainkit")
    spec = root / "content" / "modules" / "03-empathy" / "module.yaml"
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r"(id: roleplay-triads, title: [^,]+, minutes: )\d+", r"\g<1>12", text)
    text = re.sub(r"(id: debrief, title: Debrief, minutes: )(\d+)", lambda m: f"{m[1]}{int(m[2]) + 8}", text)
    spec.write_text(text, encoding="utf-8")
    done = run_check(root)
    assert done.returncode == 2
    where = r"content/modules/03-empathy/module\.yaml:\d+: activities\[\d\]\.minutes: "
    assert re.search(where + "a live role-play", done.stderr)
    assert "at least 16 minutes" in done.stderr and "Traceback" not in done.stderr


def test_check_says_when_a_profile_has_too_few_scenarios_of_a_kind(tmp_path):
    profile = yaml.safe_load((FIXTURES / "good" / "minimal.yaml").read_text(encoding="utf-8"))
    profile["difficult_situations"] = [s for s in profile["difficult_situations"] if s.get("kind") != "colleague"]
    root = link_project(tmp_path / "project", {"minimal.yaml": yaml.safe_dump(profile).encode()})
    shutil.copyfile(PROJECT_ROOT / "build.py", root / "build.py")
    (root / "trainkit").symlink_to(PROJECT_ROOT / "trainkit")
    done = run_check(root)
    assert done.returncode == 2
    assert "module 'internal-service' needs a role-play of kind colleague" in done.stderr
    assert "industries/minimal.yaml" in done.stderr
