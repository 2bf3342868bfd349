"""One way to fail: every exception a command raises becomes a message and an exit status here.

Problems a user can fix are printed as they are (``file:line: field: message``). Anything else is
a bug in trainkit: the user sees one line saying so, where to report it and the log file that
holds the full traceback (written by the process that hit it, worker or not), never a traceback.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
import tempfile
from pathlib import Path

from .. import __version__
from ..errors import BuildError, ContentQualityError, InputError, InternalError
from . import EXIT_BAD_INPUT, EXIT_BUILD_FAILED, EXIT_INTERRUPTED, EXIT_OK

#: Where a bug report goes, as the README says (section "Reporting a bug").
REPORT_TO = "README.md, 'Reporting a bug'"
#: Bug logs go here, inside the project (ignored by git), or to the system temp folder.
LOG_FOLDER = Path(".cache") / "bug-reports"


def exit_status(error: BaseException, root: Path) -> int:
    """Print what ``error`` means for the user; return the exit status it maps to."""
    if isinstance(error, BrokenPipeError):
        # The reader went away (`build.py report | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    if isinstance(error, SystemExit | GeneratorExit):
        raise error  # not failures: the interpreter's own ways of stopping
    status, lines = explain(error, root)
    say(*lines)
    return status


def explain(error: BaseException, root: Path, outcome: str = "nothing was written") -> tuple[int, list[str]]:
    """The exit status ``error`` maps to and the lines that tell the user what it means (``serve``
    shows the same lines in the browser, saying what its ``outcome`` was instead)."""
    if isinstance(error, InputError):
        return EXIT_BAD_INPUT, [
            *map(str, error.problems),
            f"{len(error.problems)} problem(s) found; {outcome}.",
        ]
    if isinstance(error, ContentQualityError):
        count = len(error.problems)
        return EXIT_BUILD_FAILED, [
            *map(str, error.problems),
            f"Build failed: {count} content problem(s); {outcome}.",
        ]
    if isinstance(error, BuildError):
        return EXIT_BUILD_FAILED, [f"Build failed: {error}"]
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED, ["Interrupted; the previous output is unchanged."]
    bug = InternalError.from_exception(error, "running the command")
    log = write_bug_log(root, bug)
    return EXIT_BUILD_FAILED, [
        f"Bug in trainkit (not in your files): {bug.summary}. Please report it ({REPORT_TO}) with the log {log}"
    ]


def say(*lines: object) -> None:
    for line in lines:
        print(line, file=sys.stderr, flush=True)


def write_bug_log(root: Path, bug: InternalError) -> Path:
    """Write the bug's traceback and the facts a maintainer needs; return the log's path."""
    now = datetime.datetime.now(datetime.UTC)
    text = (
        f"trainkit {__version__} on Python {platform.python_version()} ({platform.platform()})\n"
        f"command: {' '.join(sys.argv)}\nat: {now.isoformat(timespec='seconds')}\n\n{bug.details}"
    )
    name = f"bug-{now:%Y%m%d-%H%M%S}-{os.getpid()}.log"
    try:
        folder = root / LOG_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
        return folder / name
    except OSError:  # a read-only project: the system temp folder still takes it
        handle, path = tempfile.mkstemp(prefix="trainkit-bug-", suffix=".log")
        with os.fdopen(handle, "w", encoding="utf-8") as log:
            log.write(text)
        return Path(path)
