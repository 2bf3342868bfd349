"""The one exception family for problems a user can fix, and the one for build failures.

A :class:`Problem` is a sentence for a person: ``file:line: field.path: what is wrong; what to do``.
Stages collect every problem they find and raise them together, so one run shows them all.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from .text import printable


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        # Names and values come from the input: escape what a terminal would obey (a profile could
        # otherwise clear the screen and print "build succeeded").
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return printable(f"{where}:{field} {self.message}")


class ProblemReport(Exception):
    """An exception that carries every :class:`Problem` found, sorted by file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:
        # Raised in worker processes: travel back to the parent with the problems intact.
        return (type(self), (self.problems,))


class InputError(ProblemReport):
    """Bad input (profile, module or template): exit status 2, nothing written."""


class BuildError(Exception):
    """The input was valid but producing an output failed: exit status 1."""


class ClusterError(BuildError):
    """The Dask cluster cannot finish the build (unreachable, no workers left, a worker that
    refuses the work): exit status 1, and the build stops at once rather than send more work."""


class ContentQualityError(ProblemReport, BuildError):
    """Valid input whose rendered result breaks a content rule (e.g. terminology): exit status 1."""


#: The failures a user can act on; anything else that escapes a stage is a bug in trainkit.
EXPECTED_FAILURES = (InputError, BuildError)


class InternalError(Exception):
    """A bug: an exception no stage expected, with its traceback formatted where it happened.

    Worker processes raise it in place of the original exception, so the parent can write the
    same log (and print the same message) whether the bug happened in a worker or in-process.
    """

    def __init__(self, summary: str, details: str) -> None:
        self.summary = summary
        self.details = details
        super().__init__(summary)

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.summary, self.details))

    @classmethod
    def from_exception(cls, err: BaseException, during: str) -> InternalError:
        """Wrap ``err`` (raised while doing ``during``) with its formatted traceback."""
        if isinstance(err, InternalError):
            return err
        details = "".join(traceback.format_exception(err))
        return cls(f"{type(err).__name__}: {err} (while {during})", f"while {during}:\n{details}")
