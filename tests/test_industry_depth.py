"""Industry depth: rules taught and tested, knowledge checks that discriminate, safety first, one spelling.

Knowledge-check items are counted the way a learner meets them: every module's generic items, the
profile's own items for the module, and the items of the rules the module teaches.
"""

from __future__ import annotations

import collections
import re

import pytest
import yaml
from conftest import SHIPPED_IDS
from textutil import normalise, pdf_pages

from trainkit.editions import JOB_AID, MANAGER_GUIDE, WORKBOOK
from trainkit.pipeline import PROJECT_ROOT


def industry(sources, industry_id):
    return next(i for i in sources.industries if i.profile.id == industry_id)


def learner_items(sources, industry_id):
    """(module id, question) for every knowledge-check item a learner of the industry answers."""
    profile = industry(sources, industry_id).profile
    items = []
    for module in sources.modules:
        items += [(module.id, q) for q in module.spec.knowledge_check]
        items += [(module.id, q) for q in profile.module_checks.get(module.id, [])]
        teaches = module.spec.teaches_rules
        if teaches:
            taught = [r for r in profile.regulations if r.data_protection == (teaches == "data-protection")]
            items += [(module.id, q) for r in taught for q in r.knowledge_check]
    return items


def key_is_longest(question) -> bool:
    key = question.options[question.answer]
    return all(len(key) >= len(option) for option in question.options)


def test_keys_are_balanced_over_every_item_of_every_industry(sources):
    items = [q for industry_id in SHIPPED_IDS for _, q in learner_items(sources, industry_id)]
    assert len(items) > 500
    longest = sum(key_is_longest(q) for q in items) / len(items)
    assert longest <= 0.30, f"the key is the longest option in {longest:.0%} of items"
    positions = collections.Counter(q.answer for q in items)
    for position in range(4):
        share = positions[position] / len(items)
        assert 0.15 <= share <= 0.35, f"position {'ABCD'[position]} is keyed in {share:.0%} of items"


def test_the_balance_check_catches_a_longest_key_tell():
    from trainkit.model import Question

    options = ["No.", "Never.", "Ask first, then fix it properly."]
    tell = Question(id="q", question="?", options=options, answer=2, why=".")
    assert key_is_longest(tell)


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_every_module_has_at_least_two_industry_scenario_items(sources, industry_id):
    profile = industry(sources, industry_id).profile
    for module in sources.modules:
        assert len(profile.module_checks.get(module.id, [])) >= 2, module.id


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_every_regulation_is_taught_and_assessed(built, sources, industry_id):
    profile = industry(sources, industry_id).profile
    guide = normalise(" ".join(pdf_pages(built.out / "staff" / industry_id / f"{industry_id}-facilitator-guide.pdf")))
    for regulation in profile.regulations:
        assert regulation.knowledge_check, f"{regulation.name} has no knowledge-check item"
        for question in regulation.knowledge_check:
            assert normalise(question.question)[:60] in guide, f"{regulation.name}: its item is not in the guide"


def place_words(jurisdiction: str) -> set[str]:
    """The words that name a place ("California", "Britain"); "United" alone names none."""
    return {w for w in re.findall(r"[a-z]{4,}", jurisdiction.lower()) if w not in {"united", "and", "the"}}


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_every_privacy_module_names_the_data_protection_law_of_each_jurisdiction(built, sources, industry_id):
    profile = industry(sources, industry_id).profile
    laws = [r for r in profile.regulations if r.data_protection]
    assert laws, "the profile lists no data-protection law"
    covered = [place_words(r.jurisdiction) for r in laws]
    for jurisdiction in profile.jurisdictions:
        assert any(place_words(jurisdiction) & words for words in covered), f"no data-protection law for {jurisdiction}"
    privacy_page = next(page for page in (built.out / industry_id / "modules").glob("*privacy*.html") if page.is_file())
    text = normalise(privacy_page.read_text(encoding="utf-8"))
    for law in laws:
        assert normalise(law.name) in text, f"the privacy module does not name {law.name}"


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_the_emergency_procedure_is_taught_and_printed_on_the_job_aid_and_scorecard(built, sources, industry_id):
    profile = industry(sources, industry_id).profile
    assert profile.emergencies is not None, "every industry names its emergency procedure"
    job_aid = " ".join(" ".join(pdf_pages(built.out / JOB_AID.path(industry_id))).split())
    workbook = " ".join(" ".join(pdf_pages(built.out / WORKBOOK.path(industry_id))).split())
    guide = " ".join(" ".join(pdf_pages(built.out / MANAGER_GUIDE.path(industry_id))).split())
    assert profile.emergencies.number in job_aid
    for step in profile.emergencies.situations:
        assert normalise(step.call) in normalise(job_aid), step.call
        assert normalise(step.sign)[:40] in normalise(workbook), step.sign
    assert re.search(r"Safety Acts on any emergency sign", guide), "the scorecard checks the emergency procedure"


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_the_job_aid_carries_the_thresholds_staff_need_at_the_desk(built, sources, industry_id):
    profile = industry(sources, industry_id).profile
    lines = [line for r in profile.regulations for line in r.at_the_desk[:3]]  # the first three print
    assert lines, "no regulation gives the figures staff need at the desk"
    job_aid = normalise(" ".join(pdf_pages(built.out / JOB_AID.path(industry_id))))
    for line in lines:
        assert normalise(line)[:40] in job_aid, line


SPELLING = yaml.safe_load((PROJECT_ROOT / "content" / "spelling.yaml").read_text(encoding="utf-8"))["en-GB"]["words"]


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_one_spelling_variety_per_industry_in_generic_content_too(built, sources, industry_id):
    profile = industry(sources, industry_id).profile
    wrong = list(SPELLING) if profile.spelling == "en-GB" else list(SPELLING.values())
    text = " ".join(pdf_pages(built.out / WORKBOOK.path(industry_id)))
    # Quoted official names keep their own spelling ("World Health Organization").
    text = re.sub(r"\"[^\"]*\"|“[^”]*”", " ", text)
    found = sorted({w for w in wrong if re.search(rf"\b{w}\b", text, re.I)})
    assert not found, f"{profile.spelling} workbook uses {found[:5]}"


def module_examples(rendered, sources, industry_id) -> dict[str, set[str]]:
    """Each module page's examples (tests/examples_rule.py) for one industry, by module id."""
    from examples_rule import example_sentences

    from trainkit.editions import WORKBOOK as BOOK
    from trainkit.pdf import markdown_converter

    converter = markdown_converter(PROJECT_ROOT)
    profile = industry(sources, industry_id).profile
    generic = {
        normalise_example(sentence, profile)
        for module in sources.modules
        for q in module.spec.knowledge_check
        for text in (q.question, *q.options)
        for part in (text, *re.findall(r'"([^"]+)"', text))
        for sentence in re.split(r"(?<=[.!?])\s+", part.strip().strip('"'))
    }
    found: dict[str, set[str]] = {}
    for page in rendered[industry_id][BOOK.id].pages:
        if page.module_id:
            converter.reset()
            found[page.module_id] = example_sentences(converter.convert(page.markdown), profile) - generic
    return found


def normalise_example(text: str, profile) -> str:
    from examples_rule import industry_words, normalised, swap_back

    # The template's own names ({{ customers|upfirst }}) are set aside first, so that swapping the
    # industry's words back cannot reach inside them.
    held = re.sub(r"\{\{\s*(\w+)[^}]*\}\}", lambda m: f"\0{m[1]}\0", text)
    swapped = swap_back(held, industry_words(profile))
    return normalised(re.sub(r"\0(\w+)\0", r"<\1>", swapped))


def test_no_example_sentence_is_shared_between_two_industries(rendered, sources):
    """The rule (tests/examples_rule.py): quoted speech of four words or more, exercise items,
    transcript lines, knowledge-check questions and options, compared with each industry's own
    words swapped back. The generic knowledge-check items of module.yaml are industry-neutral
    principles written once on purpose, and are left out."""
    by_industry = {i: module_examples(rendered, sources, i) for i in SHIPPED_IDS}
    seen: dict[str, str] = {}
    shared = []
    for industry_id, modules in by_industry.items():
        for sentences in modules.values():
            for sentence in sentences:
                if sentence in seen and seen[sentence] != industry_id:
                    shared.append(f"{seen[sentence]} & {industry_id}: {sentence}")
                seen.setdefault(sentence, industry_id)
    assert sum(len(s) for m in by_industry.values() for s in m.values()) > 1000
    assert not shared, f"{len(shared)} example sentences shared between industries: {shared[:5]}"


def test_the_example_rule_sees_the_same_example_through_different_industry_words(sources):
    from examples_rule import example_sentences

    hotel = industry(sources, "hotel").profile
    airline = industry(sources, "airline").profile
    page = '<div class="exercise"><ul><li>{0} says: "I was charged twice for the same thing last week."</li></ul></div>'
    in_hotel = example_sentences(page.format(f"A {hotel.terms.customer.singular}"), hotel)
    in_airline = example_sentences(page.format(f"A {airline.terms.customer.singular}"), airline)
    assert in_hotel & in_airline, "a retail example dressed in two industries' nouns is the same example"
