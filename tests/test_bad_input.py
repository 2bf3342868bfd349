"""Bad profiles end with exit 2 and a `file:line: field: message` report, never a traceback,
and leave the previous output exactly as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, tree_digest

from trainkit.cli import main

BAD = sorted([*(FIXTURES / "bad").glob("*.yaml"), *(FIXTURES / "bad").glob("*.yml")])
MINIMAL = FIXTURES / "good" / "minimal.yaml"


def expectation(path: Path) -> tuple[int, str]:
    """The `# expect: line N: text` header of a fixture (an empty file cannot carry one)."""
    raw = path.read_bytes()
    if not raw:
        return 1, "the file is empty"
    match = re.match(rb"# expect: line (\d+): (.*)\n", raw)
    assert match, f"{path.name} lacks its '# expect:' header"
    return int(match.group(1)), match.group(2).decode()


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_bad_profile_is_reported_with_file_line_and_exit_2(fixture, make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL, fixture.name: fixture})
    dist = root / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("previous build")
    before = tree_digest(dist)

    status = main(["build", "--quiet"], root=root)

    err = capsys.readouterr().err
    line, text = expectation(fixture)
    assert status == 2
    where = f"industries/{fixture.name}:" if line == 0 else f"industries/{fixture.name}:{line}:"  # 0: whole file
    assert where in err
    assert text in err
    assert all(line.startswith("industries/") for line in err.splitlines()[:-1]), "only located problems"
    assert err.splitlines()[-1].endswith("problem(s) found; nothing was written.")
    assert tree_digest(dist) == before


def test_every_problem_of_a_run_is_reported_together(make_project, capsys):
    wrong_type = FIXTURES / "bad" / "wrong-type.yaml"
    unknown_key = FIXTURES / "bad" / "unknown-key.yaml"
    root = make_project({wrong_type.name: wrong_type, unknown_key.name: unknown_key})

    assert main(["check"], root=root) == 2

    err = capsys.readouterr().err
    assert "industries/wrong-type.yaml:" in err
    assert "industries/unknown-key.yaml:" in err
    assert "2 problem(s) found" in err


def test_minimal_profile_is_valid(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL})
    assert main(["check"], root=root) == 0, capsys.readouterr().err


@pytest.mark.parametrize("bad_id", ["../x", "/abs", "two words", "Hotel", "x/../../y"])
def test_an_id_that_could_leave_dist_is_refused(make_project, capsys, bad_id):
    text = MINIMAL.read_text(encoding="utf-8").replace("id: minimal", f"id: {bad_id!r}", 1)
    root = make_project({"minimal.yaml": text.encode()})
    assert main(["build", "--quiet"], root=root) == 2
    assert "id: Expected a slug" in capsys.readouterr().err
    assert not (root / "dist").exists()
