"""The only stage that touches the output folder.

A build writes into a staging folder beside the output and swaps it into place only when every
output succeeded, so a failed, interrupted or killed build leaves the previous output complete.
A lock file stops two builds writing the same output at once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import BuildError

STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` for the whole build."""
    lock_path = out.parent / f".{out.name}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(
                f"another build is writing {out} (lock {lock_path} is held); wait for it to finish and run again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(out: Path) -> None:
    """Undo what a build killed mid-swap left behind: restore a retired output, drop stale staging."""
    retired = sorted(out.parent.glob(f"{RETIRED_PREFIX}{out.name}-*"))
    if not out.exists() and retired:
        retired[-1].rename(out)
        retired = retired[:-1]
    for stale in [*retired, *out.parent.glob(f"{STAGING_PREFIX}{out.name}-*")]:
        shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def staged_output(out: Path, keep_existing: bool) -> Iterator[Path]:
    """Yield a staging folder; on success it replaces ``out``, on any failure it is deleted.

    With ``keep_existing`` the staging folder starts as a copy of the current output, for builds
    that replace only some industries.
    """
    recover(out)
    staging = out.parent / f"{STAGING_PREFIX}{out.name}-{os.getpid()}"
    if keep_existing and out.is_dir():
        shutil.copytree(out, staging, copy_function=_link_or_copy)
    else:
        staging.mkdir(parents=True)
    with interrupts_noted() as interrupted:
        try:
            yield staging
            if interrupted:  # Ctrl-C arrived but its KeyboardInterrupt was lost on the way
                raise KeyboardInterrupt
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    swap_into_place(staging, out)


@contextmanager
def interrupts_noted() -> Iterator[list[int]]:
    """Note every SIGINT while the block runs, and still raise KeyboardInterrupt as usual.

    Python raises KeyboardInterrupt wherever the interpreter happens to be; inside a finalizer
    (WeasyPrint frees Pango objects in ``ffi.gc`` destructors) it is printed and ignored, and the
    build would carry on and swap in. The note lets the caller refuse to. Only the main thread
    may set signal handlers; elsewhere (``serve`` rebuilds in a thread) nothing is noted.
    """
    noted: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield noted
        return
    previous = signal.getsignal(signal.SIGINT)

    def note(signum: int, frame: Any) -> None:
        noted.append(signum)
        if callable(previous):
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, note)
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, previous)


def swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with two renames; :func:`recover` repairs a kill in between."""
    retired = out.parent / f"{RETIRED_PREFIX}{out.name}-{os.getpid()}"
    if out.exists():
        out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)


def _link_or_copy(source: str, target: str) -> None:
    # Hard links make the copy of a large dist/ instant; outputs are replaced, never edited in place.
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as a new file (never through a hard link to an older output)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
