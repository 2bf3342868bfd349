"""`build.py new` (start a profile from a working one) and `build.py serve` (live preview)."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import EXIT_OK, Command


def configure_new(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="id of the new industry, e.g. cruise-line")
    parser.add_argument("--from", dest="source", default="hotel", metavar="ID", help="profile to start from (hotel)")


def run_new(args: argparse.Namespace, root: Path) -> int:
    from ..scaffold import scaffold

    target = scaffold(root, args.id, args.source)
    print(f"Wrote {target.relative_to(root)}. Edit it, then run: .venv/bin/python build.py check")
    return EXIT_OK


def configure_serve(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--industry", required=True, metavar="ID", help="industry to serve")
    parser.add_argument("--port", type=int, default=8000, help="port on localhost (default: 8000)")


def run_serve(args: argparse.Namespace, root: Path) -> int:
    from ..serve import serve

    serve(root, args.industry, args.port)
    return EXIT_OK


NEW = Command("new", "start a new industry profile from an existing one", configure_new, run_new)
SERVE = Command("serve", "build one industry and serve it with live reload", configure_serve, run_serve)
