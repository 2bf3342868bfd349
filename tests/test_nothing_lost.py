"""A failed, interrupted or killed build leaves the previous output complete and unchanged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_minimal_build, tree_digest

from trainkit.cli import main
from trainkit.pipeline import PROJECT_ROOT
from trainkit.write import replace_file, staged_output

MINIMAL = FIXTURES / "good" / "minimal.yaml"


def project_with_entry_point(make_project, minimal_build):
    """A project whose dist/ already holds a complete build (a copy of the shared one)."""
    root = make_project({"minimal.yaml": MINIMAL})
    (root / "build.py").symlink_to(PROJECT_ROOT / "build.py")
    (root / "trainkit").symlink_to(PROJECT_ROOT / "trainkit")
    copy_minimal_build(minimal_build, root / "dist")
    return root


def start_forced_build(root):
    return subprocess.Popen(
        [sys.executable, "build.py", "build", "--force", "--jobs", "1", "--quiet"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_staging(root, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(root.glob(".staging-dist-*")):
            time.sleep(1.0)  # let it get into rendering
            return
        time.sleep(0.05)
    raise AssertionError("the build never started staging")


def test_sigkill_mid_build_leaves_the_previous_output_and_the_next_build_recovers(make_project, minimal_build):
    root = project_with_entry_point(make_project, minimal_build)
    before = tree_digest(root / "dist")

    build = start_forced_build(root)
    wait_for_staging(root)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)

    assert tree_digest(root / "dist") == before
    assert (root / "dist" / "minimal" / "downloads" / "minimal-workbook.pdf").is_file()
    digests = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "dist").rglob("*") if p.is_file()}
    assert main(["build", "--quiet", "--jobs", "1"], root=root) == 0  # unchanged sources: nothing to render
    assert not list(root.glob(".staging-dist-*")), "the next build cleans up what the killed one left"
    changed = [p for p, data in digests.items() if (root / p).read_bytes() != data]
    assert changed == []


def test_sigint_mid_build_exits_130_and_changes_nothing(make_project, minimal_build):
    root = project_with_entry_point(make_project, minimal_build)
    before = tree_digest(root / "dist")

    build = start_forced_build(root)
    wait_for_staging(root)
    build.send_signal(signal.SIGINT)

    assert build.wait(timeout=60) == 130
    assert tree_digest(root / "dist") == before
    assert not list(root.glob(".staging-dist-*"))


def test_a_second_build_waits_for_the_lock_says_so_and_then_runs(make_project, minimal_build):
    root = project_with_entry_point(make_project, minimal_build)
    first = start_forced_build(root)
    try:
        wait_for_staging(root)
        second = subprocess.Popen([sys.executable, "build.py", "--quiet"], cwd=root, stderr=subprocess.PIPE, text=True)
        assert second.stderr is not None
        notice = second.stderr.readline()  # blocks until the second build says something
        assert "waiting for another build to finish" in notice
        assert second.poll() is None, "it waits instead of failing"
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(timeout=60)
    _, rest = second.communicate(timeout=120)
    assert second.returncode == 0, rest  # the first left the output as it was: nothing to rebuild
    assert "Traceback" not in rest
    assert not list(root.glob(".staging-dist-*"))


def test_a_build_that_waits_too_long_for_the_lock_gives_up_with_a_message(make_project, monkeypatch, capsys):
    import fcntl

    from trainkit import write

    monkeypatch.setattr(write, "LOCK_WAIT_SECONDS", 0.5)
    root = make_project({"minimal.yaml": MINIMAL})
    out = root / "out"
    with (root / ".out.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        started = time.monotonic()
        assert main(["build", "--quiet", "--out", str(out)], root=root) == 1
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err
    assert "waiting for another build to finish" in err
    assert "another build is writing" in err
    assert not out.exists()


def test_an_interrupt_lost_inside_the_build_still_stops_the_swap(tmp_path):
    """Python drops a KeyboardInterrupt raised inside a finalizer; the build must not swap in."""
    out = tmp_path / "dist"
    out.mkdir()
    (out / "index.html").write_text("previous")
    with pytest.raises(KeyboardInterrupt), staged_output(out, keep_existing=True) as stage:
        replace_file(stage / "index.html", b"half-built")  # as builds write: never through a hard link
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)  # the handler runs here, as it might inside a destructor
        except KeyboardInterrupt:
            pass  # swallowed, as in "Exception ignored in: <finalizer>"
    assert (out / "index.html").read_text() == "previous"
    assert not list(tmp_path.glob(".staging-*"))


def children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid``, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended while we looked
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for a parent that is gone to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_a_parallel_build_leaves_no_worker_and_no_scratch_folder(make_project, minimal_build, tmp_path, signum):
    root = project_with_entry_point(make_project, minimal_build)
    before = tree_digest(root / "dist")
    temp = tmp_path / "temp"  # the build's system temp folder, watched for scratch folders
    temp.mkdir()
    build = subprocess.Popen(
        [sys.executable, "build.py", "build", "--force", "--jobs", "2", "--quiet"],
        cwd=root,
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_staging(root)
    deadline = time.monotonic() + 60
    while len(children_of(build.pid)) < 2 and time.monotonic() < deadline:  # the workers (and resource tracker)
        time.sleep(0.1)
    time.sleep(2)  # mid-render
    workers = children_of(build.pid)
    assert len(workers) >= 2, "the build never started its workers"

    build.send_signal(signum)
    build.wait(timeout=30)
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)

    assert not [pid for pid in workers if alive(pid)], "worker processes outlived the build by 5 s"
    assert not list(temp.glob("trainkit-*")), "scratch folder left in the system temp folder"
    assert tree_digest(root / "dist") == before
    assert main(["build", "--quiet", "--jobs", "1"], root=root) == 0
    assert not [p for p in root.iterdir() if p.name.startswith((".staging-", ".retired-"))], "the next build cleans up"
