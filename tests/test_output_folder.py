"""The output folder as CI and Docker give it: a mount point, read-only, on a full disk.

A build into a mount point works (its contents are replaced in place); into a read-only folder
or a full disk it fails with one clear line, before rendering where it can be known, and leaves
the previous output and no staging folder behind. Mounting needs root: without it the mount
tests are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_minimal_build, tree_digest
from test_bad_input import TERMINAL_CONTROLS, run_build

from trainkit.write import (
    IN_PLACE_LOCK,
    RETIRED_PREFIX,
    STAGING_PREFIX,
    SWAPPING_PREFIX,
    is_mount_point,
    recover,
    replace_contents,
)

MINIMAL = FIXTURES / "good" / "minimal.yaml"


@contextmanager
def mounted(*args: str, target: Path) -> Iterator[Path]:
    """``mount ARGS TARGET`` for the block; skips the test when the machine refuses to mount."""
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"mount {' '.join(args)} refused here: {result.stderr.strip()}")
    try:
        yield target
    finally:
        subprocess.run(["umount", "--lazy", str(target)], check=False)


@contextmanager
def bind_mount(source: Path, target: Path, read_only: bool = False) -> Iterator[Path]:
    with mounted("--bind", str(source), target=target):
        if read_only:
            remount = subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], capture_output=True, text=True)
            if remount.returncode != 0:
                pytest.skip(f"a read-only remount is refused here: {remount.stderr.strip()}")
        yield target


def leftovers(*folders: Path) -> list[str]:
    prefixes = (STAGING_PREFIX, RETIRED_PREFIX, SWAPPING_PREFIX)
    return [p.name for folder in folders for p in folder.iterdir() if p.name.startswith(prefixes)]


@pytest.fixture
def project(make_project):
    return make_project({"minimal.yaml": MINIMAL})


def test_a_build_into_a_mount_point_replaces_its_contents_in_place(project, minimal_build, tmp_path):
    volume = copy_minimal_build(minimal_build, tmp_path / "volume")
    (volume / "index.html").write_text("an older portal")  # the build must write a new one and swap
    with bind_mount(volume, project / "dist") as dist:
        assert is_mount_point(dist)
        result = run_build(project, "build", "--quiet", "--jobs", "1", timeout=120)
        assert result.returncode == 0, result.stderr
        assert is_mount_point(dist), "the mount is still there: its contents were replaced, not the folder"
        assert "minimal" in (dist / "index.html").read_text()
        assert (dist / "minimal" / "downloads" / "minimal-workbook.pdf").is_file()
        assert leftovers(dist, project) == []
    assert "minimal" in (volume / "index.html").read_text(), "written through to the volume"


def test_a_read_only_output_folder_is_refused_before_any_work(project, minimal_build, tmp_path):
    volume = copy_minimal_build(minimal_build, tmp_path / "volume")
    (volume / "index.html").unlink()
    before = tree_digest(volume)
    with bind_mount(volume, project / "dist", read_only=True):
        result = run_build(project, "build", "--quiet", "--force")  # 10 s: long before any PDF is rendered
    assert result.returncode == 2, result.stderr
    assert "dist: cannot write the output here (Read-only file system); choose another --out" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(volume) == before
    assert leftovers(volume, project) == []


def test_an_output_folder_on_a_read_only_file_system_is_refused_before_any_work(project, minimal_build, tmp_path):
    shelf = tmp_path / "shelf"
    copy_minimal_build(minimal_build, shelf / "dist")
    before = tree_digest(shelf)
    with bind_mount(shelf, tmp_path / "read-only", read_only=True) as read_only:
        result = run_build(project, "build", "--quiet", "--out", str(read_only / "dist"))
    assert result.returncode == 2, result.stderr
    assert "cannot write the output here (Read-only file system)" in result.stderr
    assert tree_digest(shelf) == before


def test_a_full_disk_is_one_clear_line_and_leaves_nothing_behind(project, minimal_build, tmp_path):
    with mounted("-t", "tmpfs", "-o", "size=8m", "tmpfs", target=tmp_path / "small") as small:
        dist = copy_minimal_build(minimal_build, small / "dist")
        (dist / "index.html").unlink()
        with (small / "filler").open("wb") as filler:  # fill the disk to the last block
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass
        before = tree_digest(dist)

        result = run_build(project, "build", "--quiet", "--jobs", "1", "--out", str(dist), timeout=120)

        assert result.returncode == 1, result.stderr
        assert "the disk holding" in result.stderr
        assert "is full (No space left on device); free some space and run again" in result.stderr
        assert "Traceback" not in result.stderr
        assert not TERMINAL_CONTROLS.search(result.stderr)
        assert tree_digest(dist) == before
        assert leftovers(small, dist) == []


# --------------------------------------------------------------------------- a swap killed half-way


def half_swapped(out: Path, phase: str) -> None:
    """Lay out ``out`` as :func:`replace_contents` leaves it when killed in ``phase``."""
    pid = 4242
    retired = out / f"{RETIRED_PREFIX}{out.name}-{pid}"
    retired.mkdir()
    if phase == "moving the old entries aside":
        (out / "old-a.txt").write_text("old")
        (retired / "old-b.txt").write_text("old")
        staging = out / f"{STAGING_PREFIX}{out.name}-{pid}"
    else:  # "moving the new entries in"
        (retired / "old-a.txt").write_text("old")
        (retired / "old-b.txt").write_text("old")
        (out / "new-a.txt").write_text("new")
        staging = out / f"{SWAPPING_PREFIX}{out.name}-{pid}"
    staging.mkdir()
    (staging / "new-b.txt").write_text("new")
    if phase == "moving the old entries aside":
        (staging / "new-a.txt").write_text("new")


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        ("moving the old entries aside", ["old-a.txt", "old-b.txt"]),
        ("moving the new entries in", ["new-a.txt", "new-b.txt"]),
    ],
)
def test_recover_undoes_or_finishes_an_in_place_swap_killed_half_way(tmp_path, phase, expected):
    out = tmp_path / "dist"
    out.mkdir()
    (out / IN_PLACE_LOCK).touch()
    half_swapped(out, phase)

    recover(out)

    assert sorted(p.name for p in out.iterdir()) == sorted([IN_PLACE_LOCK, *expected])


def test_replace_contents_swaps_everything_but_the_lock(tmp_path):
    out = tmp_path / "dist"
    (out / "old").mkdir(parents=True)
    (out / IN_PLACE_LOCK).touch()
    staging = out / f"{STAGING_PREFIX}dist-1"
    (staging / "new").mkdir(parents=True)
    (staging / "new" / "page.html").write_text("new")

    replace_contents(staging, out)

    assert sorted(p.name for p in out.iterdir()) == sorted([IN_PLACE_LOCK, "new"])
    assert (out / "new" / "page.html").read_text() == "new"


def test_a_bind_mount_from_the_same_file_system_counts_as_a_mount_point(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    assert not is_mount_point(source)
    with bind_mount(source, target):
        assert os.stat(target).st_dev == os.stat(tmp_path).st_dev  # os.path.ismount cannot tell
        assert is_mount_point(target)
    shutil.rmtree(target)
