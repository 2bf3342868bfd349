"""The commands of ``build.py``, one module per kind of work, apart from the pipeline's stages.

Each command is a :class:`Command`: its name and help, how it adds its options to the parser,
and what it runs. A command returns its exit status or raises; trainkit/cli.py turns every
exception into a message and a status in one place (trainkit/commands/failures.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

EXIT_OK, EXIT_BUILD_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


@dataclass(frozen=True)
class Command:
    """One subcommand of ``build.py``."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Path], int]
