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
    sources, reports = check(root)
    copies = unedited_copy_problems(root, sources.industries)
    if copies:
        raise InputError(copies)
    print(f"OK: {len(sources.industries)} profiles and {len(sources.modules)} modules are valid and render.")
    for report in reports:
        used = sum(1 for pages in report.used_by.values() if pages)
        unused = ", ".join(f.removeprefix("profile.") for f in report.unused) or "none"
        print(f"  {report.industry_id:28} {used}/{len(report.used_by)} profile fields used; unused: {unused}")
    return EXIT_OK


def configure_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--industry", action="append", metavar="ID", help="only this industry (repeatable)")


def run_report(args: argparse.Namespace, root: Path) -> int:
    sources = load_sources(root)
    rendered = render_all(sources, sources.select(args.industry))
    pipeline = pipeline_fields(root)
    print(format_report([industry_coverage(i, e, pipeline) for i, e in rendered.items()]), end="")
    return EXIT_OK


CHECK = Command(
    "check", "validate profiles, modules and templates without writing anything", lambda parser: None, run_check
)
REPORT = Command(
    "report", "coverage: which profile fields each module used, and unused ones", configure_report, run_report
)
