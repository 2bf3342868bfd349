"""`build.py check` (validate and render everything, write nothing) and `build.py report` (coverage)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..coverage import format_report, industry_coverage, pipeline_fields
from ..errors import InputError
from ..pipeline import check, load_sources, render_all
from ..scaffold import unedited_copy_problems
from . import EXIT_OK, Command


def run_check(args: argparse.Namespace, root: Path) -> int:
    industry_ids = getattr(args, "industry", None)
    sources, reports = check(root, industry_ids)
    selected = sources.select(industry_ids)
    copies = [p for p in unedited_copy_problems(root, sources.industries) if p.file in {i.file for i in selected}]
    if copies:
        raise InputError(copies)
    profiles = f"{len(selected)} profile{'' if len(selected) == 1 else 's'}"
    print(f"OK: {profiles} and {len(sources.modules)} modules are valid and render.")
    for report in reports:
        used = sum(1 for pages in report.used_by.values() if pages)
        unused = ", ".join(f.removeprefix("profile.") for f in report.unused) or "none"
        print(f"  {report.industry_id:28} {used} profile fields in the outputs; written but never used: {unused}")
    return EXIT_OK


def configure_selection(parser: argparse.ArgumentParser) -> None:
    """--industry after the command; SUPPRESS keeps one given before it (`build.py --industry hotel check`)."""
    parser.add_argument(
        "--industry", action="append", metavar="ID", default=argparse.SUPPRESS, help="only this industry (repeatable)"
    )


def run_report(args: argparse.Namespace, root: Path) -> int:
    sources = load_sources(root)
    rendered = render_all(sources, sources.select(getattr(args, "industry", None)))
    pipeline = pipeline_fields(root)
    print(format_report([industry_coverage(i, e, pipeline) for i, e in rendered.items()]), end="")
    return EXIT_OK


CHECK = Command(
    "check", "validate profiles, modules and templates without writing anything", configure_selection, run_check
)
REPORT = Command(
    "report", "coverage: which profile fields each module used, and unused ones", configure_selection, run_report
)
