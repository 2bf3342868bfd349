"""Bad profiles end with exit 2 and a `file:line: field: message` report, never a traceback,
and leave the previous output exactly as it was."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, tree_digest

from trainkit.cli import main
from trainkit.pipeline import PROJECT_ROOT

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


#: Anything a terminal obeys (escape sequences, carriage returns, NUL): never in a message.
TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def run_build(root: Path, *args: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
    """`build.py` as a user runs it: a separate process, so a traceback or a hang is seen as one."""
    if not (root / "build.py").exists():
        (root / "build.py").symlink_to(PROJECT_ROOT / "build.py")
        (root / "trainkit").symlink_to(PROJECT_ROOT / "trainkit")
    return subprocess.run(
        [sys.executable, "build.py", *args], cwd=root, capture_output=True, text=True, errors="replace", timeout=timeout
    )


def assert_refused(result: subprocess.CompletedProcess[str], where: str, text: str) -> None:
    """Exit 2, the place and the message, and nothing a terminal would obey or a user should not see."""
    assert result.returncode == 2, result.stderr
    assert where in result.stderr, result.stderr
    assert text in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not TERMINAL_CONTROLS.search(result.stderr), result.stderr


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_bad_profile_is_reported_with_file_line_and_exit_2(fixture, make_project):
    root = make_project({"minimal.yaml": MINIMAL, fixture.name: fixture})
    dist = root / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("previous build")
    before = tree_digest(dist)

    result = run_build(root, "build", "--quiet")  # a hang fails the test after 10 s

    line, text = expectation(fixture)
    where = f"industries/{fixture.name}:" if line == 0 else f"industries/{fixture.name}:{line}:"  # 0: whole file
    assert_refused(result, where, text)
    assert tree_digest(dist) == before
    assert not list(root.glob(".staging-*"))


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
