"""Code hygiene runs with the tests: ruff lint and format, and mypy on the package."""

from __future__ import annotations

import subprocess
import sys

from trainkit.pipeline import PROJECT_ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)


def test_ruff_lint_is_clean():
    result = run("ruff", "check", "trainkit", "tests", "build.py", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = run("ruff", "format", "--check", "trainkit", "tests", "build.py", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean():
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
