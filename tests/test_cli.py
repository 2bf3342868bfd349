"""The command line as a user runs it: help, list, check, schema, build, serve; exit codes 0/1/2."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import FIXTURES, SHIPPED_IDS

from trainkit.cli import main
from trainkit.editions import PDF_EDITIONS
from trainkit.pipeline import PROJECT_ROOT
from trainkit.schema import profile_schema_json

MINIMAL = FIXTURES / "good" / "minimal.yaml"


def run(*args: str, cwd: Path = PROJECT_ROOT, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "build.py", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("build", "check", "list", "serve", "schema"):
        assert command in result.stdout
    assert "Exit status: 0 ok, 1 build failed, 2 bad input" in result.stdout


def test_list_names_every_shipped_industry_and_module(sources):
    result = run("list")
    assert result.returncode == 0
    for industry_id in SHIPPED_IDS:
        assert industry_id in result.stdout
    for module in sources.modules:
        assert module.id in result.stdout


def test_check_passes_on_the_shipped_sources_and_writes_nothing(tmp_path):
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK:")


def test_committed_schema_matches_the_model():
    committed = (PROJECT_ROOT / "industries" / "schema.json").read_text(encoding="utf-8")
    assert committed == profile_schema_json(), "run `python build.py schema --write`"
    assert json.loads(committed)["additionalProperties"] is False


def test_build_one_industry_into_a_chosen_folder(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL})
    out = root / "site-out"
    assert main(["build", "--industry", "minimal", "--out", str(out)], root=root) == 0
    assert (out / "minimal" / "index.html").is_file()
    assert (out / "minimal" / "downloads" / "minimal-workbook.pdf").is_file()
    printed = capsys.readouterr().out
    assert f"Built 1 industry and {len(PDF_EDITIONS)} PDFs" in printed
    total = len(PDF_EDITIONS) + 1
    assert f"[{total}/{total}] minimal/site" in printed, "outside a terminal, progress is one plain line per output"


def test_unknown_industry_is_bad_input(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL})
    assert main(["build", "--industry", "nope", "--out", str(root / "out")], root=root) == 2
    assert "no profile with id 'nope'" in capsys.readouterr().err
    assert not (root / "out").exists()


def test_a_build_failure_exits_1_with_a_message(make_project, capsys, monkeypatch):
    from trainkit import write

    monkeypatch.setattr(write, "LOCK_WAIT_SECONDS", 0.2)  # the failure: the lock stays held
    root = make_project({"minimal.yaml": MINIMAL})
    out = root / "out"
    out.mkdir()
    lock = root / ".out.lock"
    import fcntl

    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert main(["build", "--out", str(out)], root=root) == 1
    assert "another build is writing" in capsys.readouterr().err


def test_bad_input_through_the_real_entry_point_has_no_traceback(make_project):
    root = make_project({"wrong-type.yaml": FIXTURES / "bad" / "wrong-type.yaml"})
    (root / "build.py").symlink_to(PROJECT_ROOT / "build.py")
    (root / "trainkit").symlink_to(PROJECT_ROOT / "trainkit")
    result = run("check", cwd=root)
    assert result.returncode == 2
    assert "industries/wrong-type.yaml:" in result.stderr
    assert "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def test_serve_rebuilds_when_the_profile_is_saved(make_project):
    root = make_project({"minimal.yaml": MINIMAL})
    (root / "build.py").symlink_to(PROJECT_ROOT / "build.py")
    (root / "trainkit").symlink_to(PROJECT_ROOT / "trainkit")
    port = free_port()
    log = (root / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--industry", "minimal", "--port", str(port)],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        home = wait_for(lambda: fetch(f"http://127.0.0.1:{port}/index.html"), seconds=120)
        assert "Library lending desk" in home
        profile = root / "industries" / "minimal.yaml"
        profile.write_text(profile.read_text().replace("name: Library lending desk", "name: Branch library desk"))
        assert wait_for(
            lambda: "Branch library desk" in fetch(f"http://127.0.0.1:{port}/index.html") or None, seconds=120
        )
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def wait_for(probe, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("timed out")
