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


MAX_FUNCTION_LINES = 60


def test_no_function_is_longer_than_60_lines():
    import ast

    too_long = []
    for path in sorted((PROJECT_ROOT / "trainkit").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert not too_long, "split these:\n" + "\n".join(too_long)
