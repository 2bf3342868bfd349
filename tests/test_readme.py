"""Every command the README shows works as written, right after `make build`, in a fresh clone.

The clone gets what `make build` leaves behind: the project's `.venv/` and `node_modules/` (linked
from this checkout, which `make test` set up from the same lock files) and a built `dist/` (a copy of
the session's full build, made with the same sources and build date, so the cache finds it current).
Each command runs with the machine's own `python3`, as a user who has not activated anything types
it: `build.py` must restart itself with the project's environment.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trainkit.pipeline import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
SYSTEM_PYTHON = shutil.which("python3") or sys.executable

#: The README's command-line reference, with its placeholders filled in as a user would.
FILLED = {
    "python build.py": ["build.py"],
    "python build.py build [--industry ID]... [--out DIR] [--jobs N] [--force] [--verbose] [--quiet]": [
        "build.py",
        "build",
        "--industry",
        "hotel",
        "--quiet",
    ],
    "python build.py build --industry ID --module NN|ID [--out DIR]": [
        "build.py",
        "build",
        "--industry",
        "hotel",
        "--module",
        "service-recovery",
    ],
    "python build.py check": ["build.py", "check"],
    "python build.py report [--industry ID]": ["build.py", "report", "--industry", "hotel"],
    "python build.py list": ["build.py", "list"],
    "python build.py new ID [--from hotel]": ["build.py", "new", "cruise-line", "--from", "hotel"],
    "python build.py new-org ID --industry ID": ["build.py", "new-org", "acme-hotels", "--industry", "hotel"],
    "python build.py certificate --industry ID (--name NAME... | --names names.csv) [--out DIR]": [
        "build.py",
        "certificate",
        "--industry",
        "hotel",
        "--name",
        "Ana María Ruiz",
    ],
    "python build.py package --industry ID --format scorm12|cmi5 [--out DIR]": [
        "build.py",
        "package",
        "--industry",
        "hotel",
        "--format",
        "scorm12",
    ],
    "python build.py schema [--write]": ["build.py", "schema"],
}


def readme_commands() -> list[str]:
    """The command of each line of the README's command-line reference (its first column)."""
    block = README.split("## Command line", 1)[1].split("```", 2)[1]
    return [re.split(r"\s{2,}", line.strip())[0] for line in block.splitlines() if line.startswith("python build.py")]


def test_the_table_of_filled_commands_covers_every_command_in_the_readme():
    shown = [c for c in readme_commands() if "serve" not in c]  # serve runs until stopped: tests/test_serve.py
    assert shown and sorted(shown) == sorted(FILLED)


@pytest.fixture(scope="module")
def fresh_clone(built, tmp_path_factory) -> Path:
    clone = tmp_path_factory.mktemp("readme") / "trainkit"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT_ROOT), str(clone)], check=True)
    for made_by_make_build in (".venv", "node_modules"):
        (clone / made_by_make_build).symlink_to(PROJECT_ROOT / made_by_make_build)
    shutil.copytree(built.out, clone / "dist")
    return clone


@pytest.mark.parametrize("shown", sorted(FILLED))
def test_each_readme_command_works_as_written_after_make_build(fresh_clone, shown):
    done = subprocess.run([SYSTEM_PYTHON, *FILLED[shown]], cwd=fresh_clone, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{shown}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr
    if shown.startswith("python build.py new ID"):  # the copy is flagged until it is rewritten, as the README says
        check = subprocess.run(
            [SYSTEM_PYTHON, "build.py", "check"], cwd=fresh_clone, capture_output=True, text=True, timeout=300
        )
        assert check.returncode == 2 and "still the same as in industries/hotel.yaml" in check.stderr
        (fresh_clone / "industries" / "cruise-line.yaml").unlink()
    if "new-org" in shown:
        assert (fresh_clone / "organisations" / "acme-hotels.yaml").is_file()
        (fresh_clone / "organisations" / "acme-hotels.yaml").unlink()
