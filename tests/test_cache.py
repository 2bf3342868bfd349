"""The cache rebuilds exactly what changed, and cached outputs equal freshly built ones."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import FIXTURES

from trainkit.editions import PDF_EDITIONS
from trainkit.pipeline import build

MINIMAL = FIXTURES / "good" / "minimal.yaml"


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


def test_changing_one_profile_rebuilds_only_that_industry(make_project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = make_project({"minimal.yaml": MINIMAL, "second.yaml": second_profile()})
    out = root / "dist"
    first = build(root, out, jobs_count=1)
    assert len(first.rebuilt) == 2 * (len(PDF_EDITIONS) + 1)
    before = digests(out)

    noop = build(root, out, jobs_count=1)
    assert noop.rebuilt == []
    assert digests(out) == before

    profile = root / "industries" / "second.yaml"
    profile.write_text(profile.read_text().replace("name: Mobile library", "name: Mobile library van"))
    after_change = build(root, out, jobs_count=1)

    assert all(name.startswith("second/") for name in after_change.rebuilt)
    assert len(after_change.rebuilt) == len(PDF_EDITIONS) + 1
    after = digests(out)
    changed = {path for path in after if after.get(path) != before.get(path)}
    assert changed and all(p.startswith("second/") or p in {"index.html", ".trainkit-cache.json"} for p in changed)
    assert {p for p in changed if p.startswith("minimal/")} == set()


def test_changing_a_lesson_rebuilds_only_outputs_that_print_lessons(make_project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = make_project({"minimal.yaml": MINIMAL}, copy=("content",))
    out = root / "dist"
    build(root, out, jobs_count=1)
    lesson = root / "content" / "modules" / "03-positive-language" / "lesson.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nOne more sentence for the lesson.\n", encoding="utf-8")

    result = build(root, out, jobs_count=1)

    assert sorted(result.rebuilt) == ["minimal/facilitator-guide", "minimal/site", "minimal/workbook"]
    assert "minimal/job-aid" in result.reused and "minimal/certificate" in result.reused


def test_a_cached_build_is_byte_identical_to_a_forced_one(make_project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = make_project({"minimal.yaml": MINIMAL})
    out = root / "dist"
    build(root, out, jobs_count=1)
    profile = root / "industries" / "minimal.yaml"
    profile.write_text(profile.read_text().replace("Library lending desk", "Library desk"))
    cached = digests(out if build(root, out, jobs_count=1) else out)

    forced_out = root / "forced"
    build(root, forced_out, jobs_count=2, force=True)

    assert digests(forced_out) == cached
