"""Mistakes in content and templates name the file and line and exit 2; print fetches nothing remote."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from trainkit.cli import main
from trainkit.pdf import project_only_fetcher

MINIMAL = FIXTURES / "good" / "minimal.yaml"


def break_lesson(root, module: str, line_number: int, text: str) -> None:
    lesson = root / "content" / "modules" / module / "lesson.md"
    lines = lesson.read_text(encoding="utf-8").splitlines()
    lines.insert(line_number - 1, text)
    lesson.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("inserted", "message"),
    [
        ("{% if %}", "template syntax error"),
        ("{{ no_such_variable }}", "undefined: 'no_such_variable' is undefined"),
        ("{{ profile.terms.no_such_field }}", "profile field 'profile.terms.no_such_field' does not exist"),
    ],
    ids=["jinja-syntax", "undefined-variable", "missing-profile-field"],
)
def test_a_broken_lesson_is_reported_with_its_file_and_line(make_project, capsys, inserted, message):
    root = make_project({"minimal.yaml": MINIMAL}, copy=("content",))
    break_lesson(root, "04-ownership", 4, inserted)

    assert main(["build", "--quiet", "--out", str(root / "out")], root=root) == 2

    err = capsys.readouterr().err
    assert "content/modules/04-ownership/lesson.md:4:" in err
    assert message in err
    assert err.splitlines() == [err.splitlines()[0], "1 problem(s) found; nothing was written."]
    assert not (root / "out").exists()


def test_a_broken_text_field_in_module_yaml_names_its_line(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL}, copy=("content",))
    spec = root / "content" / "modules" / "05-service-recovery" / "module.yaml"
    lines = spec.read_text(encoding="utf-8").splitlines()
    number = next(i for i, row in enumerate(lines) if row.startswith("title:"))
    lines[number] = "title: Upset {{ custommers }} and service recovery"
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert main(["check"], root=root) == 2
    err = capsys.readouterr().err
    assert f"content/modules/05-service-recovery/module.yaml:{number + 1}: title:" in err
    assert "'custommers' is undefined" in err


@pytest.mark.parametrize(
    "url",
    ["https://example.com/font.woff", "http://127.0.0.1:9/style.css", "file:///etc/passwd", "data:text/css,body{}"],
)
def test_print_refuses_to_fetch_anything_outside_the_project(tmp_path, url):
    fetcher = project_only_fetcher(tmp_path)
    with pytest.raises(ValueError, match="refusing to fetch"):
        fetcher.fetch(url)


def test_print_fetches_files_inside_the_project(tmp_path):
    (tmp_path / "templates").mkdir()
    css = tmp_path / "templates" / "a.css"
    css.write_text("body { color: black }")
    response = project_only_fetcher(tmp_path).fetch(css.as_uri())
    assert response is not None
