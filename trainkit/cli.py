"""Command line: parse arguments, call the library, map errors to exit codes.

Exit status: 0 success, 1 the build failed, 2 bad input (nothing was written).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .coverage import industry_coverage
from .errors import BuildError, ContentQualityError, InputError, Problem
from .pipeline import PROJECT_ROOT, Progress, build, certificates, check, load_sources, module_handout, render_all

EXIT_OK, EXIT_BUILD_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    """The argument parser; `--help` text is the CLI reference."""
    # Build options work with or without the word `build` (`build.py --industry hotel`).
    # SUPPRESS keeps a subcommand's unset option from overwriting one given before it.
    build_options = argparse.ArgumentParser(add_help=False)
    build_options.add_argument(
        "--industry",
        action="append",
        metavar="ID",
        default=argparse.SUPPRESS,
        help="build only this industry (repeatable)",
    )
    build_options.add_argument(
        "--out", type=Path, metavar="DIR", default=argparse.SUPPRESS, help="output folder (default: dist/)"
    )
    build_options.add_argument("--quiet", action="store_true", default=argparse.SUPPRESS, help="print only errors")
    build_options.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        default=argparse.SUPPRESS,
        help="worker processes (default: number of CPUs; 1 builds in this process)",
    )
    build_options.add_argument(
        "--verbose", action="store_true", default=argparse.SUPPRESS, help="print each output and per-stage timings"
    )
    build_options.add_argument(
        "--module",
        type=int,
        metavar="NN",
        default=argparse.SUPPRESS,
        help="with one --industry: print only this module's workbook pages (into --out, default handouts/)",
    )
    build_options.add_argument(
        "--force", action="store_true", default=argparse.SUPPRESS, help="ignore the cache and rebuild every output"
    )

    top = argparse.ArgumentParser(
        prog="build.py",
        parents=[build_options],
        description="Build tailored customer-service training (a site and printable PDFs) for every industry profile.",
        epilog="With no command, builds everything into dist/.\nExit status: 0 ok, 1 build failed, 2 bad input.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"trainkit {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("build", parents=[build_options], help="build sites, PDFs and the portal (the default)")

    commands.add_parser("check", help="validate profiles, modules and templates without writing anything")
    commands.add_parser("list", help="list the industry profiles and the modules")
    report_cmd = commands.add_parser("report", help="coverage: which profile fields each module used, and unused ones")
    report_cmd.add_argument("--industry", action="append", metavar="ID", help="only this industry (repeatable)")

    serve_cmd = commands.add_parser("serve", help="build one industry and serve it with live reload")
    serve_cmd.add_argument("--industry", required=True, metavar="ID", help="industry to serve")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port on localhost (default: 8000)")

    certificate_cmd = commands.add_parser("certificate", help="certificates of completion with learner names filled in")
    certificate_cmd.add_argument("--industry", required=True, metavar="ID", help="industry of the program")
    names = certificate_cmd.add_mutually_exclusive_group(required=True)
    names.add_argument("--name", action="append", metavar="NAME", help="a learner's name (repeatable)")
    names.add_argument("--names", type=Path, metavar="CSV", help="CSV file with a 'name' column (or names in column 1)")
    certificate_cmd.add_argument(
        "--out",
        type=Path,
        default=Path("certificates"),
        metavar="DIR",
        help="folder for the PDFs (default: certificates/)",
    )

    package_cmd = commands.add_parser("package", help="zip one industry's site as a SCORM 1.2 or cmi5 LMS package")
    package_cmd.add_argument("--industry", required=True, metavar="ID", help="industry to package")
    package_cmd.add_argument("--format", required=True, metavar="FORMAT", help="scorm12 or cmi5")
    package_cmd.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="built output folder (default: dist/); the zip goes to DIR/ID/downloads/, building ID first if missing",
    )

    new_cmd = commands.add_parser("new", help="start a new industry profile from an existing one")
    new_cmd.add_argument("id", metavar="ID", help="id of the new industry, e.g. cruise-line")
    new_cmd.add_argument("--from", dest="source", default="hotel", metavar="ID", help="profile to start from (hotel)")

    schema_cmd = commands.add_parser("schema", help="print the profile JSON Schema")
    schema_cmd.add_argument("--write", action="store_true", help="write it to industries/schema.json instead")
    return top


@contextmanager
def progress_reporter(quiet: bool, verbose: bool) -> Iterator[Progress]:
    """A progress bar on a terminal, one plain line per output elsewhere (CI logs), or nothing."""
    if quiet:
        yield lambda done, total, name, seconds: None
    elif verbose or not sys.stdout.isatty():
        yield lambda done, total, name, seconds: print(f"  [{done}/{total}] {name} ({seconds:.1f} s)", flush=True)
    else:
        from tqdm import tqdm

        with tqdm(unit="output", leave=False) as bar:

            def update(done: int, total: int, name: str, seconds: float) -> None:
                bar.total = total
                bar.set_description(name)
                bar.update(1)

            yield update


def read_names(path: Path) -> list[str]:
    """Learner names from a CSV: the 'name' column if there is a header with one, else column 1."""
    import csv

    try:
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError) as err:
        raise InputError([Problem(str(path), None, "", f"cannot read the names file: {err}")]) from None
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    column = header.index("name") if "name" in header else 0
    body = rows[1:] if "name" in header else rows
    names = [row[column].strip() for row in body if len(row) > column and row[column].strip()]
    if not names:
        raise InputError([Problem(str(path), 1, "", "no names found; put one name per line or a 'name' column")])
    return names


def main(argv: list[str] | None = None, root: Path = PROJECT_ROOT) -> int:
    """Run the CLI; return the exit status instead of exiting, so tests can call it in-process."""
    args = parser().parse_args(argv)
    command = args.command or "build"
    try:
        if command == "build" and getattr(args, "module", None) is not None:
            industries = getattr(args, "industry", None) or []
            if len(industries) != 1:
                raise InputError(
                    [Problem("command line", None, "--module", "give exactly one --industry with --module")]
                )
            target = module_handout(root, industries[0], args.module, getattr(args, "out", None) or Path("handouts"))
            print(f"Wrote {target}")
        elif command == "build":
            quiet, verbose = getattr(args, "quiet", False), getattr(args, "verbose", False)
            log = (lambda _m: None) if quiet else (lambda m: print(f"  {m}", flush=True))
            with progress_reporter(quiet, verbose) as progress:
                result = build(
                    root,
                    getattr(args, "out", None),
                    getattr(args, "industry", None),
                    log,
                    jobs_count=getattr(args, "jobs", None),
                    force=getattr(args, "force", False),
                    progress=progress,
                )
            if verbose:
                for stage, seconds in result.stages.items():
                    print(f"  {stage:24} {seconds:6.2f} s")
            if not quiet:
                print(f"Rebuilt {len(result.rebuilt)} output(s), reused {len(result.reused)} unchanged.")
                print(
                    f"Built {len(result.industries)} industr{'y' if len(result.industries) == 1 else 'ies'} "
                    f"and {len(result.pdfs)} PDFs into {result.out} in {result.seconds:.1f} s"
                )
        elif command == "check":
            sources, reports = check(root)
            print(f"OK: {len(sources.industries)} profiles and {len(sources.modules)} modules are valid and render.")
            for report in reports:
                used = sum(1 for pages in report.used_by.values() if pages)
                unused = ", ".join(f.removeprefix("profile.") for f in report.unused) or "none"
                print(f"  {report.industry_id:28} {used}/{len(report.used_by)} profile fields used; unused: {unused}")
        elif command == "report":
            from .coverage import format_report

            sources = load_sources(root)
            selected = sources.select(args.industry)
            rendered = render_all(sources, selected)
            print(format_report([industry_coverage(i, e) for i, e in rendered.items()]), end="")
        elif command == "list":
            sources = load_sources(root)
            print("Industries:")
            for industry in sources.industries:
                print(f"  {industry.profile.id:28} {industry.profile.name} ({industry.profile.terms.customer.plural})")
            for course, heading in (("frontline", "Frontline course"), ("leads", "Team-lead workshop")):
                print(f"{heading} modules (id, title, minutes, role-play kinds):")
                for module in sources.course_modules(course):
                    title = re.sub(r"\{\{\s*(\w+)[^}]*\}\}", r"\1", module.spec.title)  # {{ customers }} → customers
                    kinds = "/".join(module.spec.roleplay.kinds)
                    print(f"  {module.number:02d} {module.id:26} {title} ({module.spec.minutes} min; {kinds})")
        elif command == "schema":
            from .schema import profile_schema_json

            text = profile_schema_json()
            if args.write:
                (root / "industries" / "schema.json").write_text(text, encoding="utf-8")
                print("Wrote industries/schema.json")
            else:
                print(text, end="")
        elif command == "certificate":
            learners = args.name or read_names(args.names)
            written = certificates(root, args.industry, learners, args.out)
            print(f"Wrote {len(written)} certificate(s) into {args.out}")
        elif command == "package":
            from .lms import package_industry

            package = package_industry(root, args.out, args.industry, args.format, lambda m: print(f"  {m}"))
            print(f"Wrote {package}")
        elif command == "new":
            from .scaffold import scaffold

            target = scaffold(root, args.id, args.source)
            print(f"Wrote {target.relative_to(root)}. Edit it, then run: python build.py check")
        elif command == "serve":
            from .serve import serve

            serve(root, args.industry, args.port)
    except InputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"{len(err.problems)} problem(s) found; nothing was written.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ContentQualityError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"Build failed: {len(err.problems)} content problem(s); nothing was written.", file=sys.stderr)
        return EXIT_BUILD_FAILED
    except BuildError as err:
        print(f"Build failed: {err}", file=sys.stderr)
        return EXIT_BUILD_FAILED
    except KeyboardInterrupt:
        print("Interrupted; the previous output is unchanged.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`build.py report | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
