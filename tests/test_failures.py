"""One way to fail: a bug says it is a bug, where to report it and where its log is, with one job
or many; a failing PDF names the edition and template; nothing reaches the user as a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, tree_digest

from trainkit.pipeline import PROJECT_ROOT

MINIMAL = FIXTURES / "good" / "minimal.yaml"
# Injected into every interpreter of the run (the build and its spawned workers) through
# PYTHONPATH: a bug in the PDF stage that no stage expects.
INJECTED_BUG = """
import trainkit.pdf

def edition_html(*args, **kwargs):
    raise ZeroDivisionError("injected by the test")

trainkit.pdf.edition_html = edition_html
"""
BUG_LINE = re.compile(
    r"^Bug in trainkit \(not in your files\): ZeroDivisionError: injected by the test "
    r"\(while building minimal/[a-z-]+\)\. Please report it \(README\.md, 'Reporting a bug'\) "
    r"with the log (?P<log>\S+\.log)$"
)


def entry_point_project(make_project, copy: tuple[str, ...] = ()) -> Path:
    root = make_project({"minimal.yaml": MINIMAL}, copy=copy)
    (root / "build.py").symlink_to(PROJECT_ROOT / "build.py")
    (root / "trainkit").symlink_to(PROJECT_ROOT / "trainkit")
    return root


def run_build(root: Path, *args: str, pythonpath: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1767225600"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return subprocess.run(
        [sys.executable, "build.py", "build", "--quiet", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bug_prints_one_line_naming_the_log_and_never_a_traceback(make_project, tmp_path, jobs):
    root = entry_point_project(make_project)
    (root / "dist").mkdir()
    (root / "dist" / "index.html").write_text("previous build")
    before = tree_digest(root / "dist")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(INJECTED_BUG)

    result = run_build(root, "--jobs", jobs, pythonpath=f"{hook}:{PROJECT_ROOT}")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    match = BUG_LINE.match(lines[0])
    assert match, lines[0]
    log = Path(match.group("log"))
    assert log.is_relative_to(root / ".cache" / "bug-reports")
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "trainkit/jobs.py" in text and "render_pdf_job" in text, "the traceback of the process that hit the bug"
    assert 'raise ZeroDivisionError("injected by the test")' in text
    assert tree_digest(root / "dist") == before


def test_a_pdf_weasyprint_cannot_render_names_the_edition_and_template(make_project):
    root = entry_point_project(make_project, copy=("templates",))
    css = root / "templates" / "print" / "print.css"
    css.write_text('@import url("no-such-sheet.css");\n' + css.read_text(encoding="utf-8"), encoding="utf-8")

    result = run_build(root, "--jobs", "1")

    assert result.returncode == 1
    assert "Build failed: minimal/workbook: WeasyPrint could not render minimal-workbook.pdf" in result.stderr
    assert "from templates/print/book.html" in result.stderr
    assert "no-such-sheet.css" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "dist").exists()


def test_a_failing_expression_in_a_lesson_is_bad_input_with_its_line(make_project):
    root = entry_point_project(make_project, copy=("content",))
    lesson = root / "content" / "modules" / "01-questioning" / "lesson.md"
    lines = lesson.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "{{ 1 // 0 }}")
    lesson.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run_build(root, "--jobs", "1")

    assert result.returncode == 2, result.stderr
    assert "content/modules/01-questioning/lesson.md:3: ZeroDivisionError: integer division or modulo by zero" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
