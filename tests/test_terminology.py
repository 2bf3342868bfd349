"""An industry that renames the customer never reads "customer": the build fails with file:line."""

from __future__ import annotations

from conftest import FIXTURES

from trainkit.cli import main
from trainkit.terminology import unquoted

MINIMAL = FIXTURES / "good" / "minimal.yaml"


def test_generic_word_in_a_lesson_fails_the_build_naming_the_lesson_line(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL}, copy=("content",))
    lesson = root / "content" / "modules" / "03-empathy" / "lesson.md"
    lines = lesson.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "Every customer deserves an answer.")
    lesson.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert main(["build", "--quiet", "--out", str(root / "out")], root=root) == 1

    err = capsys.readouterr().err
    assert "content/modules/03-empathy/lesson.md:4:" in err
    assert "says 'customer' where minimal says 'patron'" in err
    assert not (root / "out").exists()


def test_generic_word_in_a_profile_value_names_the_profile_line_and_says_what_a_profile_can_do(make_project, capsys):
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "why_it_matters: A refused card", "why_it_matters: A customer with a refused card"
    )
    root = make_project({"minimal.yaml": text.encode()})
    assert main(["check"], root=root) == 1
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "A customer with" in row)
    (problem,) = [row for row in capsys.readouterr().err.splitlines() if row.startswith("industries/")]
    assert problem.startswith(f"industries/minimal.yaml:{line}: says 'customer' where minimal says 'patron'; ")
    assert "use your profile's own word for the people you serve ('patron', 'patrons')" in problem
    assert "{{" not in problem, "profile text is data: template variables do not work there"


def test_each_generic_word_is_reported_once_with_every_page_that_shows_it(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL}, copy=("content",))
    lesson = root / "content" / "modules" / "03-empathy" / "lesson.md"
    lines = lesson.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "Every customer deserves an answer.")
    lesson.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert main(["check"], root=root) == 1

    err = capsys.readouterr().err
    (problem,) = [row for row in err.splitlines() if row.startswith("content/")]
    assert "write {{ customer }} or {{ customers }} instead" in problem
    for edition in ("site", "workbook", "facilitator-guide"):
        assert f"{edition}/modules/03-empathy.md" in problem
    assert "1 content problem(s)" in err


def test_quotations_link_targets_and_attributes_are_exempt():
    assert "customer" not in unquoted('The FCA\'s "fair treatment of vulnerable customers" guidance')
    assert "customer" not in unquoted("[FG21/1](https://www.fca.org.uk/vulnerable-customers)")
    assert "customer" in unquoted("Greet every customer by name.")
