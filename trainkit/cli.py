"""Command line: parse arguments, dispatch to a command, map every failure to an exit status.

Exit status: 0 success, 1 the build failed (or a bug), 2 bad input (nothing was written),
130 interrupted. The commands live in trainkit/commands/, one module per kind of work.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .commands import Command, authoring, build, check, delivery, failures, info
from .sources import PROJECT_ROOT

#: Every command, in the order `--help` lists them.
COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        build.BUILD,
        check.CHECK,
        check.REPORT,
        info.LIST,
        authoring.SERVE,
        authoring.NEW,
        authoring.NEW_ORG,
        delivery.CERTIFICATE,
        delivery.PACKAGE,
        info.SCHEMA,
    )
}


def parser() -> argparse.ArgumentParser:
    """The argument parser; `--help` text is the CLI reference."""
    top = argparse.ArgumentParser(
        prog="build.py",
        description="Build tailored customer-service training (a site and printable PDFs) for every industry profile.",
        epilog="With no command, builds everything into dist/.\nExit status: 0 ok, 1 build failed, 2 bad input.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_build_options(top)
    top.add_argument("--version", action="version", version=f"trainkit {__version__}")
    subcommands = top.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS.values():
        command.configure(subcommands.add_parser(command.name, help=command.help))
    return top


def main(argv: list[str] | None = None, root: Path = PROJECT_ROOT) -> int:
    """Run the CLI; return the exit status instead of exiting, so tests can call it in-process."""
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command or "build"].run(args, root)
    except BaseException as error:
        return failures.exit_status(error, root)


if __name__ == "__main__":
    sys.exit(main())
