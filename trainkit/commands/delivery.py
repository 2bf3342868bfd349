"""`build.py certificate` (named certificates) and `build.py package` (SCORM 1.2 / cmi5 zips)."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from ..errors import InputError, Problem
from ..pipeline import certificates
from . import EXIT_OK, Command


def configure_certificate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--industry", required=True, metavar="ID", help="industry of the program")
    names = parser.add_mutually_exclusive_group(required=True)
    names.add_argument("--name", action="append", metavar="NAME", help="a learner's name (repeatable)")
    names.add_argument("--names", type=Path, metavar="CSV", help="CSV file with a 'name' column (or names in column 1)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("certificates"),
        metavar="DIR",
        help="folder for the PDFs (default: certificates/)",
    )


def read_names(path: Path) -> list[str]:
    """Learner names from a CSV: the 'name' column if there is a header with one, else column 1."""
    try:
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputError([Problem(str(path), None, "", f"cannot read the names file: {err}")]) from None
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    column = header.index("name") if "name" in header else 0
    body = rows[1:] if "name" in header else rows
    names = [row[column].strip() for row in body if len(row) > column and row[column].strip()]
    if not names:
        raise InputError([Problem(str(path), 1, "", "no names found; put one name per line or a 'name' column")])
    return names


def run_certificate(args: argparse.Namespace, root: Path) -> int:
    learners = args.name or read_names(args.names)
    written = certificates(root, args.industry, learners, args.out)
    print(f"Wrote {len(written)} certificate(s) into {args.out}")
    return EXIT_OK


def configure_package(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--industry", required=True, metavar="ID", help="industry to package")
    parser.add_argument("--format", required=True, metavar="FORMAT", help="scorm12 or cmi5")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="built output folder (default: dist/); the zip goes to DIR/ID/downloads/, building ID first if missing",
    )


def run_package(args: argparse.Namespace, root: Path) -> int:
    from ..lms import package_industry

    package = package_industry(root, args.out, args.industry, args.format, lambda m: print(f"  {m}"))
    print(f"Wrote {package}")
    return EXIT_OK


CERTIFICATE = Command(
    "certificate", "certificates of completion with learner names filled in", configure_certificate, run_certificate
)
PACKAGE = Command(
    "package", "zip one industry's site as a SCORM 1.2 or cmi5 LMS package", configure_package, run_package
)
