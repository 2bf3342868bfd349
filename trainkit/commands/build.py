"""`build.py build`: sites, PDFs and the portal; with `--module`, one module's handout."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import InputError, Problem
from ..pipeline import build, module_handout
from ..schedule import Progress
from . import EXIT_OK, Command


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """The build's options. SUPPRESS keeps a subcommand's unset option from overwriting one given
    before it, so they work with or without the word `build` (`build.py --industry hotel`)."""
    unset = argparse.SUPPRESS
    parser.add_argument(
        "--industry", action="append", metavar="ID", default=unset, help="build only this industry (repeatable)"
    )
    parser.add_argument("--out", type=Path, metavar="DIR", default=unset, help="output folder (default: dist/)")
    parser.add_argument("--quiet", action="store_true", default=unset, help="print only errors")
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        default=unset,
        help="worker processes (default: number of CPUs; 1 builds in this process)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=unset,
        help="render on a Dask cluster: tcp://HOST:PORT of a running `dask scheduler`, or local[:N] "
        "to start N workers on this machine (default: one per CPU); see the README",
    )
    parser.add_argument("--verbose", action="store_true", default=unset, help="print each output and per-stage timings")
    parser.add_argument(
        "--module",
        metavar="NN|ID",
        default=unset,
        help="with one --industry: print only this module's workbook pages, by number or id "
        "(into --out, default handouts/)",
    )
    parser.add_argument("--force", action="store_true", default=unset, help="ignore the cache and rebuild every output")


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


def run(args: argparse.Namespace, root: Path) -> int:
    option = vars(args).get
    if option("scheduler") is not None:
        check_scheduler_options(args)
    if option("module") is not None:
        return run_handout(args, root)
    quiet, verbose = option("quiet", False), option("verbose", False)
    log = (lambda _m: None) if quiet else (lambda m: print(f"  {m}", flush=True))
    with progress_reporter(quiet, verbose) as progress:
        result = build(
            root,
            option("out"),
            option("industry"),
            log,
            jobs_count=option("jobs"),
            force=option("force", False),
            progress=progress,
            scheduler=option("scheduler"),
        )
    if verbose:
        for stage, seconds in result.stages.items():
            print(f"  {stage:24} {seconds:6.2f} s")
    if not quiet:
        count, organisations = len(result.industries) - len(result.organisations), len(result.organisations)
        built = [f"{count} industr{'y' if count == 1 else 'ies'}"] if count or not organisations else []
        built += [f"{organisations} organisation{'' if organisations == 1 else 's'}"] if organisations else []
        print(f"Rebuilt {len(result.rebuilt)} output(s), reused {len(result.reused)} unchanged.")
        print(f"Built {', '.join(built)} and {len(result.pdfs)} PDFs into {result.out} in {result.seconds:.1f} s")
    return EXIT_OK


def check_scheduler_options(args: argparse.Namespace) -> None:
    """``--scheduler`` is the address of a cluster that does the work, which excludes the options
    that set where the work runs otherwise; a malformed address is reported before anything runs."""
    from ..cluster import parse_scheduler

    option = vars(args).get
    parse_scheduler(args.scheduler)
    clash = {
        "--jobs": "--jobs sets the processes of this machine; with --scheduler the cluster's workers do the "
        "work: leave --jobs out (local:N starts N workers here)",
        "--module": "a handout is one PDF, rendered here: leave --scheduler out",
    }
    given = [name for name in clash if option(name.lstrip("-")) is not None]
    if given:
        raise InputError([Problem("command line", None, "--scheduler", f"not with {n}: {clash[n]}") for n in given])


def run_handout(args: argparse.Namespace, root: Path) -> int:
    industries = vars(args).get("industry") or []
    if len(industries) != 1:
        raise InputError([Problem("command line", None, "--module", "give exactly one --industry with --module")])
    target = module_handout(root, industries[0], str(args.module), vars(args).get("out") or Path("handouts"))
    print(f"Wrote {target}")
    return EXIT_OK


BUILD = Command("build", "build sites, PDFs and the portal (the default)", add_build_options, run)
