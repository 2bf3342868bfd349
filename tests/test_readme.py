"""Every command the README shows works as written, right after `make build`, in a fresh clone.

The clone gets what `make build` leaves behind: the project's `.venv/` and `node_modules/` (linked
from this checkout, which `make test` set up from the same lock files) and a built `dist/` (a copy of
the session's full build, made with the same sources and build date, so the cache finds it current).
Each command runs with the machine's own `python3`, as a user who has not activated anything types
it: `build.py` must restart itself with the project's environment.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import free_port

from trainkit.pipeline import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
SYSTEM_PYTHON = shutil.which("python3") or sys.executable

#: The README's command-line reference, with its placeholders filled in as a user would.
FILLED = {
    "python build.py": ["build.py"],
    (
        "python build.py build [--industry ID]... [--out DIR] [--jobs N | --scheduler ADDRESS] "
        "[--force] [--verbose] [--quiet]"
    ): [
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


def cluster_recipe() -> list[list[str]]:
    """The command lines of each sh block of the README's section on Dask, their comments dropped."""
    section = README.split("## Build on a Dask cluster\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    return [[re.sub(r"\s+#.*$", "", line) for line in block.splitlines() if line.strip()] for block in blocks]


def shell(line: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run a README line as a user's shell would, `python` being the machine's own."""
    line = re.sub(r"^python ", f"{SYSTEM_PYTHON} ", line)
    return subprocess.run(["bash", "-c", line], cwd=folder, capture_output=True, text=True, timeout=600)


@contextmanager
def running(line: str, folder: Path, log: Path) -> Iterator[None]:
    """A README line that runs until stopped (a scheduler, a worker), stopped with its children after."""
    with log.open("w") as output:
        process = subprocess.Popen(
            ["bash", "-c", f"exec {line}"], cwd=folder, stdout=output, stderr=output, start_new_session=True
        )
    try:
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port} after {seconds:.0f} s")


def test_the_dask_cluster_recipe_works_as_written(fresh_clone, tmp_path):
    (try_it,), (scheduler, worker, build) = cluster_recipe()
    assert "--scheduler local:" in try_it and "dask scheduler" in scheduler and "dask worker" in worker
    certificate = fresh_clone / "dist" / "hotel" / "downloads" / "hotel-certificate.pdf"
    port = free_port()  # the README's 8786 may be taken on a shared machine

    def filled(line: str) -> str:
        return line.replace("SCHEDULER", "127.0.0.1").replace("8786", str(port))

    certificate.unlink()  # one output to make again, so the cluster has work to do
    local = shell(try_it, fresh_clone)
    assert local.returncode == 0 and certificate.is_file(), local.stderr[-2000:]

    certificate.unlink()
    with running(filled(scheduler), fresh_clone, tmp_path / "scheduler.log"):
        wait_for_port(port, 60)
        with running(filled(worker), fresh_clone, tmp_path / "worker.log"):
            done = shell(filled(build), fresh_clone)
    assert done.returncode == 0, done.stderr[-2000:] + (tmp_path / "worker.log").read_text()[-2000:]
    assert certificate.is_file() and "Traceback" not in done.stderr + local.stderr
