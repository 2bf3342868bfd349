"""`build.py new` and `build.py new-org` (start a profile) and `build.py serve` (live preview)."""

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


def configure_new_org(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="id of the new organisation, e.g. acme-hotels")
    parser.add_argument(
        "--industry", required=True, metavar="ID", help="the industry it belongs to and extends, e.g. hotel"
    )


def run_new_org(args: argparse.Namespace, root: Path) -> int:
    from ..scaffold_organisation import scaffold_organisation

    target = scaffold_organisation(root, args.id, args.industry)
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
NEW_ORG = Command("new-org", "start an organisation profile that extends an industry", configure_new_org, run_new_org)
SERVE = Command("serve", "build one industry and serve it with live reload", configure_serve, run_serve)
