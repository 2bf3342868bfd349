"""The program around the sessions: agenda, program plan, manager guide, job aid, certificates."""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURES, SHIPPED_IDS
from pypdf import PdfReader
from textutil import normalise, pdf_body_pages, pdf_pages

from trainkit.cli import main
from trainkit.editions import JOB_AID, MANAGER_GUIDE, PROGRAM_PLAN
from trainkit.model import TRAINABLE_CAUSES

MINIMAL = FIXTURES / "good" / "minimal.yaml"


def pdf_text(built, industry_id, edition):
    return " ".join(pdf_pages(built.out / edition.path(industry_id)))


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_job_aid_fits_on_two_pages(built, industry_id):
    reader = PdfReader(built.out / JOB_AID.path(industry_id))
    assert 1 <= len(reader.pages) <= JOB_AID.max_pages == 2


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_manager_guide_walks_through_every_step_of_the_follow_up_schedule(built, sources, industry_id):
    text = " ".join(pdf_text(built, industry_id, MANAGER_GUIDE).split())
    headings = ["A week before the course", "The working day after each session", "Week 1 after the course"]
    headings += ["Week 2", "Week 4", "Week 8", "Every month after: practice reviews"]
    assert len(headings) == len(sources.reinforcement.follow_up)
    for heading in headings:
        assert heading in text, heading
    assert "GROW" in text


def sections(text: str, headings: list[str]) -> dict[str, str]:
    """Split normalised text at the given headings (in order of appearance)."""
    flat = normalise(text)
    # The last occurrence: the printed contents lists the same headings first.
    # (Callers pass body text without running heads, so the last occurrence is the heading itself.)
    marks = sorted((flat.rindex(normalise(h)), h) for h in headings if normalise(h) in flat)
    return {
        h: flat[start : (marks[i + 1][0] if i + 1 < len(marks) else len(flat))] for i, (start, h) in enumerate(marks)
    }


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_non_training_causes_are_recommendations_not_training(built, sources, industry_id):
    profile = next(i.profile for i in sources.industries if i.profile.id == industry_id)
    # Body text only: the running heads repeat section names on every page.
    body = " ".join(pdf_body_pages(built.out / PROGRAM_PLAN.path(industry_id)))
    headings = ["What training will address", "Recommendations to management", "Two courses, and who attends each"]
    parts = sections(body, headings)
    assert set(parts) == set(headings)
    for issue in profile.known_issues:
        # The plan prints each fix under its own label and drops a "Recommendation to management:" prefix.
        fix = normalise(re.sub(r"^Recommendation to management:\s*", "", issue.fix))[:60]
        if issue.cause_type in TRAINABLE_CAUSES:
            assert fix not in parts["Recommendations to management"]
        else:
            assert fix in parts["Recommendations to management"], issue.symptom
            assert normalise(issue.symptom)[:60] not in parts["What training will address"]
    assert any(i.cause_type not in TRAINABLE_CAUSES for i in profile.known_issues)


@pytest.mark.parametrize("industry_id", SHIPPED_IDS)
def test_program_plan_holds_the_diagnosis_agenda_and_measurement_plan(built, sources, industry_id):
    text = " ".join(pdf_text(built, industry_id, PROGRAM_PLAN).split())
    headings = ("Needs diagnosis", "Known issues, diagnosed", "Frontline course: agenda", "Team-lead workshop: agenda")
    for heading in headings:
        assert heading in text
    for heading in ("Follow-up schedule and scorecard", "Measurement plan"):
        assert heading in text
    for level in ("Level 1", "Level 2", "Level 3", "Level 4"):
        assert level in text


def test_a_session_that_no_longer_adds_up_fails_check_naming_file_line_and_module(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL}, copy=("content",))
    spec = root / "content" / "modules" / "01-questioning" / "module.yaml"
    text = spec.read_text(encoding="utf-8")
    text = text.replace("minutes: 90\n", "minutes: 100\n", 1)
    text = re.sub(
        r"(\{id: lesson-four-questions, title: [^,]+, minutes: )(\d+)", lambda m: f"{m[1]}{int(m[2]) + 10}", text
    )
    spec.write_text(text, encoding="utf-8")

    assert main(["check"], root=root) == 2

    err = capsys.readouterr().err
    assert re.search(r"formats\.yaml:\d+: formats\.two-and-a-half-days\.sessions\[0\]: items add up to", err)
    assert "content/modules/01-questioning/module.yaml says 100" in err


def test_an_objective_never_assessed_fails_check_with_file_and_line(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL}, copy=("content",))
    spec = root / "content" / "modules" / "02-positive-language" / "module.yaml"
    lines = spec.read_text(encoding="utf-8").splitlines()
    number = next(i for i, row in enumerate(lines) if row.strip().startswith("assessed_by:"))
    lines[number] = lines[number].split("assessed_by:")[0] + "assessed_by: []"
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert main(["check"], root=root) == 2

    err = capsys.readouterr().err
    assert f"content/modules/02-positive-language/module.yaml:{number + 1}:" in err
    assert "assessed_by: Expected at least 1 item" in err


def test_certificates_carry_each_learner_name(make_project, tmp_path, capsys):
    root = make_project({"minimal.yaml": MINIMAL})
    names = tmp_path / "names.csv"
    names.write_text("name,email\nAna María Ruiz,ana@example.org\nKwame Mensah,kwame@example.org\n", encoding="utf-8")
    out = tmp_path / "certs"

    assert main(["certificate", "--industry", "minimal", "--names", str(names), "--out", str(out)], root=root) == 0

    files = sorted(out.glob("*.pdf"))
    assert [f.name for f in files] == ["minimal-certificate-ana-maria-ruiz.pdf", "minimal-certificate-kwame-mensah.pdf"]
    assert "Ana María Ruiz" in " ".join(pdf_pages(files[0]))
    assert len(PdfReader(files[1]).pages) == 1
