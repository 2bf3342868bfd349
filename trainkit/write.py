"""The only stage that touches the output folder.

A build writes into a staging folder beside the output and swaps it into place only when every
output succeeded, so a failed, interrupted or killed build leaves the previous output complete.
A lock file stops two builds writing the same output at once.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import BuildError, InputError, Problem

STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"
SWAPPING_PREFIX = ".swapping-"
#: The lock of an output folder that is a mount point lives inside it: its parent may not be ours.
IN_PLACE_LOCK = ".trainkit-build.lock"
#: How long a second build waits for the first before giving up; a full build takes minutes.
LOCK_WAIT_SECONDS = 1800.0
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def _tell_waiting(message: str) -> None:
    # Even under --quiet: a build that sits silently looks hung.
    print(message, file=sys.stderr, flush=True)


@contextmanager
def output_lock(
    out: Path, wait_seconds: float | None = None, notify: Callable[[str], None] = _tell_waiting
) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` for the whole build, waiting (and saying so) while another
    build holds it. Taking the lock is also the check, before any work, that ``out`` is writable."""
    lock_path = out / IN_PLACE_LOCK if is_mount_point(out) else out.parent / f".{out.name}.lock"
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a")
    except OSError as err:
        raise InputError(
            [Problem(str(out), None, "", f"cannot write the output here ({err.strerror}); choose another --out")]
        ) from None
    with handle:
        _wait_for_lock(handle, out, LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds, notify)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _wait_for_lock(handle: IO[str], out: Path, wait_seconds: float, notify: Callable[[str], None]) -> None:
    deadline = time.monotonic() + wait_seconds
    waiting = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise BuildError(
                    f"another build is writing {out} and still held its lock after {wait_seconds:.0f} s; "
                    "wait for it to finish and run again"
                ) from None
            if not waiting:
                notify(f"waiting for another build to finish writing {out}…")
                waiting = True
            time.sleep(0.2)


def is_mount_point(path: Path) -> bool:
    """Whether ``path`` is a mount point (a Docker or CI volume), which cannot be renamed.

    ``os.path.ismount`` compares devices, so it misses a bind mount from the same file system;
    the kernel's mount table does not.
    """
    if not path.is_dir():
        return False
    if os.path.ismount(path):
        return True
    try:
        table = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    target = os.path.realpath(path)
    octal = re.compile(r"\\([0-7]{3})")  # mountinfo writes a space as \040
    points = (octal.sub(lambda m: chr(int(m.group(1), 8)), line.split()[4]) for line in table.splitlines())
    return target in points


def recover(out: Path) -> None:
    """Undo what a build killed mid-swap left behind: restore a retired output, drop stale staging."""
    retired = sorted(out.parent.glob(f"{RETIRED_PREFIX}{out.name}-*"))
    if not out.exists() and retired:
        retired[-1].rename(out)
        retired = retired[:-1]
    for stale in [*retired, *out.parent.glob(f"{STAGING_PREFIX}{out.name}-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    if out.is_dir():
        _recover_in_place(out)


def _recover_in_place(out: Path) -> None:
    """The same for an output replaced in place (:func:`replace_contents`): finish a swap that had
    moved every old entry aside, undo one that had not."""
    swapping = sorted(out.glob(f"{SWAPPING_PREFIX}{out.name}-*"))
    retired = sorted(out.glob(f"{RETIRED_PREFIX}{out.name}-*"))
    for folder in swapping or retired:
        for entry in folder.iterdir():
            if not (out / entry.name).exists():
                entry.rename(out / entry.name)
    for stale in [*swapping, *retired, *out.glob(f"{STAGING_PREFIX}{out.name}-*")]:
        shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def staged_output(out: Path, keep_existing: bool) -> Iterator[Path]:
    """Yield a staging folder; on success it replaces ``out``, on any failure it is deleted.

    With ``keep_existing`` the staging folder starts as a copy of the current output, for builds
    that replace only some industries. An output folder that is a mount point is staged inside
    itself and its contents are replaced, since it cannot be renamed.
    """
    recover(out)
    in_place = is_mount_point(out)
    staging = (out if in_place else out.parent) / f"{STAGING_PREFIX}{out.name}-{os.getpid()}"
    with interrupts_noted() as interrupted:
        try:
            if keep_existing and out.is_dir():
                shutil.copytree(out, staging, copy_function=_link_or_copy, ignore=_bookkeeping(out))
            else:
                staging.mkdir(parents=True)
            yield staging
            if interrupted:  # Ctrl-C arrived but its KeyboardInterrupt was lost on the way
                raise KeyboardInterrupt
            (replace_contents if in_place else swap_into_place)(staging, out)
        except BaseException as err:
            shutil.rmtree(staging, ignore_errors=True)
            recover(out)  # a swap stopped half-way: put the previous output back
            explained = _explained(err, out)
            if explained is err:
                raise
            raise explained from None


def _explained(err: BaseException, out: Path) -> BaseException:
    """A full disk or a failed swap as a sentence for a person; anything else unchanged."""
    causes: list[BaseException] = []
    cause: BaseException | None = err
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    full = os.strerror(errno.ENOSPC)
    if any(isinstance(c, OSError) and c.errno in _DISK_FULL for c in causes) or full in str(err):
        return BuildError(f"the disk holding {out} is full ({full}); free some space and run again")
    if isinstance(err, OSError):
        return BuildError(f"could not write {out} ({err.strerror}: {err.filename or out})")
    return err


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
    try:
        staging.rename(out)
    except OSError:
        if retired.exists() and not out.exists():
            retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def replace_contents(staging: Path, out: Path) -> None:
    """Replace what ``out`` holds by what ``staging`` (inside it) holds, for an output folder that
    cannot be renamed. Every step is a rename within one file system; the old entries go aside
    first, then the staging folder is renamed to mark that the new ones may go in, so that
    :func:`recover` knows whether to finish or undo a swap that was killed half-way."""
    pid = os.getpid()
    retired = out / f"{RETIRED_PREFIX}{out.name}-{pid}"
    retired.mkdir()
    keep = _bookkeeping(out)
    for entry in list(out.iterdir()):
        if entry.name not in keep(str(out), [entry.name]):
            entry.rename(retired / entry.name)
    swapping = staging.rename(out / f"{SWAPPING_PREFIX}{out.name}-{pid}")
    for entry in list(swapping.iterdir()):
        entry.rename(out / entry.name)
    swapping.rmdir()
    discarded = retired.rename(out / f"{STAGING_PREFIX}{out.name}-{pid}-old")  # recover() deletes staging
    shutil.rmtree(discarded, ignore_errors=True)


def _bookkeeping(out: Path) -> Callable[[str, list[str]], set[str]]:
    """A ``copytree`` ignore function: this module's own entries at the top of ``out``."""
    prefixes = tuple(f"{prefix}{out.name}-" for prefix in (STAGING_PREFIX, RETIRED_PREFIX, SWAPPING_PREFIX))

    def ignored(folder: str, names: list[str]) -> set[str]:
        if os.path.realpath(folder) != os.path.realpath(out):
            return set()
        return {name for name in names if name.startswith(prefixes) or name == IN_PLACE_LOCK}

    return ignored


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


def replace_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Make ``folder`` hold exactly ``files`` (path inside it → bytes), each a new file.

    Entries whose name starts with a dot stay, as MkDocs leaves them when it empties a site folder.
    """
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name.startswith("."):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    for relative, data in files.items():
        # The paths come from another process, perhaps another machine: none may leave the folder.
        if relative.startswith("/") or ".." in relative.split("/"):
            raise BuildError(f"refusing to write {relative!r}: not a path inside {folder}")
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
