"""The cache rebuilds exactly what changed, and cached outputs equal freshly built ones."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import MINIMAL, copy_minimal_build
from pypdf import PdfReader

from trainkit.cache import DEPENDENCY_LOCK, read_manifest
from trainkit.editions import MODULE_PAGES, PDF_EDITIONS
from trainkit.pipeline import build, load_sources, plan

OUTPUTS_PER_INDUSTRY = len(PDF_EDITIONS) + 1  # the PDFs and the site


def second_profile() -> bytes:
    text = MINIMAL.read_text(encoding="utf-8")
    return (
        text.replace("id: minimal", "id: second", 1)
        .replace("name: Library lending desk", "name: Mobile library")
        .encode()
    )


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_an_unchanged_project_rebuilds_nothing(make_project, minimal_build):
    root = make_project({"minimal.yaml": MINIMAL})
    out = copy_minimal_build(minimal_build, root / "dist")
    before = digests(out)

    result = build(root, out, jobs_count=1)

    assert result.rebuilt == []
    assert len(result.reused) == OUTPUTS_PER_INDUSTRY
    assert digests(out) == before


def test_changing_one_profile_rebuilds_only_that_industry(make_project, minimal_build):
    root = make_project({"minimal.yaml": MINIMAL, "second.yaml": second_profile()})
    out = copy_minimal_build(minimal_build, root / "dist")

    added = build(root, out)
    assert added.rebuilt == sorted([*(f"second/{e.id}" for e in PDF_EDITIONS), "second/site"])
    assert all(name.startswith("minimal/") for name in added.reused)
    before = digests(out)

    profile = root / "industries" / "second.yaml"
    profile.write_text(profile.read_text().replace("name: Mobile library", "name: Mobile library van"))
    after_change = build(root, out)

    assert len(after_change.rebuilt) == OUTPUTS_PER_INDUSTRY
    assert all(name.startswith("second/") for name in after_change.rebuilt)
    after = digests(out)
    changed = {path for path in after if after.get(path) != before.get(path)}
    staff_portal = {"index.html", "staff/index.html", ".trainkit-cache.json"}
    assert changed and all(p.startswith(("second/", "staff/second/")) or p in staff_portal for p in changed)


def test_changing_a_lesson_rebuilds_only_outputs_that_print_lessons(make_project, minimal_build):
    root = make_project({"minimal.yaml": MINIMAL}, copy=("content",))
    out = copy_minimal_build(minimal_build, root / "dist")
    lesson = root / "content" / "modules" / "02-positive-language" / "lesson.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nOne more sentence for the lesson.\n", encoding="utf-8")

    result = build(root, out, jobs_count=1)

    printing_lessons = sorted(f"minimal/{e.id}" for e in PDF_EDITIONS if MODULE_PAGES in e.pages)
    assert sorted(result.rebuilt) == sorted([*printing_lessons, "minimal/site"])
    assert "minimal/workbook" in printing_lessons and "minimal/lead-workbook" in printing_lessons
    assert "minimal/job-aid" in result.reused and "minimal/certificate" in result.reused


def test_a_cached_build_is_byte_identical_to_a_forced_one(make_project, minimal_build):
    root = make_project({"minimal.yaml": MINIMAL}, copy=("content",))
    out = copy_minimal_build(minimal_build, root / "dist")
    lesson = root / "content" / "modules" / "03-empathy" / "lesson.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nA sentence the cache must not lose.\n", encoding="utf-8")
    cached = build(root, out)
    assert cached.rebuilt and cached.reused, "a mix: some outputs made again, the others kept"

    forced_out = root / "forced"
    build(root, forced_out, jobs_count=1, force=True)

    assert digests(forced_out) == digests(out)


def test_a_dependency_upgrade_rebuilds_every_output(make_project, minimal_build):
    root = make_project({"minimal.yaml": MINIMAL})
    out = copy_minimal_build(minimal_build, root / "dist")
    sources = load_sources(root)
    previous = read_manifest(out).keys
    assert plan(sources, sources.industries, previous, out).pdf_tasks == [], "unchanged: nothing to do"

    (root / DEPENDENCY_LOCK).write_text("weasyprint==71.0 \\\n    --hash=sha256:0123\n", encoding="utf-8")
    upgraded = plan(sources, sources.industries, previous, out)

    assert sorted(t.edition_id for t in upgraded.pdf_tasks) == sorted(e.id for e in PDF_EDITIONS)
    assert [t.name for t in upgraded.site_tasks] == ["minimal/site"]


def test_page_counts_live_in_the_manifest_not_in_fake_pdf_files(minimal_build):
    manifest = read_manifest(minimal_build)
    for edition in PDF_EDITIONS:
        pdf = minimal_build / edition.path("minimal")
        assert manifest.pages[f"minimal/{edition.id}"] == len(PdfReader(pdf).pages)
    assert not (minimal_build / ".trainkit-pages").exists()
    assert not [p for p in minimal_build.rglob("*.pdf") if not p.read_bytes().startswith(b"%PDF-")]


def test_a_learner_pdf_deleted_from_the_output_is_put_back_with_its_site(make_project, minimal_build):
    root = make_project({"minimal.yaml": MINIMAL})
    out = copy_minimal_build(minimal_build, root / "dist")
    (out / "minimal" / "downloads" / "minimal-certificate.pdf").unlink()

    result = build(root, out, jobs_count=1)

    assert result.rebuilt == ["minimal/certificate", "minimal/site"], "the site carries the PDF to the output"
    assert digests(out) == digests(minimal_build)
