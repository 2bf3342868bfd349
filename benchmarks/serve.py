"""Save-to-reload of `build.py serve` against a bare `mkdocs build` of the same pages.

    .venv/bin/python benchmarks/serve.py [--industry hotel] [--rounds 5]   (about 8 minutes on 2 cores)

In a throwaway copy of the project (content, templates and the one profile copied; the code
linked), it starts `serve` on a free port and waits until every PDF of the first build is done.
Then, each round:

- lesson: append a marker sentence to the first module's lesson.md, and time from the write until
  the served module page (fetched over HTTP every 20 ms) contains it;
- profile: put a marker into the profile's `name`, and time until the served home page shows it;
- bare: `python -m mkdocs build` as a fresh process, on the same pages (rendered to Markdown and
  laid out beforehand, off the clock, as benchmarks/bare.py does).

Each kind of edit is measured twice per round: with the PDFs idle (the previous edit's PDFs all
rendered first), and "busy": right after the previous reload, while the PDFs it started render in
the worker process. It prints the table and rewrites its section at the end of results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trainkit.site import site_config, write_docs  # noqa: E402
from trainkit.sources import load_sources, render_all  # noqa: E402

SECTION_START = "<!-- benchmarks/serve.py writes from here -->"
SECTION_END = "<!-- benchmarks/serve.py writes up to here -->"
POLL_SECONDS = 0.02
TIMEOUT_SECONDS = 120.0


def make_project(industry_id: str) -> Path:
    """A throwaway project: content, templates and the profile copied (they are edited), code linked."""
    root = Path(tempfile.mkdtemp(prefix="trainkit-serve-bench-"))
    for folder in ("content", "templates"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copyfile(ROOT / "build.py", root / "build.py")
    (root / "trainkit").symlink_to(ROOT / "trainkit")
    (root / "industries").mkdir()
    shutil.copyfile(ROOT / "industries" / f"{industry_id}.yaml", root / "industries" / f"{industry_id}.yaml")
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
        body: bytes = response.read()
        return body.decode("utf-8")


def wait_until(probe: Callable[[], bool], what: str) -> float:
    """Seconds until ``probe`` holds, polling every 20 ms."""
    started = time.perf_counter()
    while time.perf_counter() - started < TIMEOUT_SECONDS:
        try:
            if probe():
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"timed out waiting for {what}")


def pdfs_idle(base: str) -> bool:
    status = json.loads(fetch(f"{base}/_preview/status.json"))
    return all(pdf["state"] in {"ready", "failed"} for pdf in status["pdfs"])


def timed_edit(path: Path, text: str, url: str, marker: str) -> float:
    """Write ``text`` to ``path``; seconds from the write until ``url`` contains ``marker``."""
    started = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    wait_until(lambda: marker in fetch(url), f"{marker} at {url}")
    return time.perf_counter() - started


def bare_mkdocs_seconds(project: Path, industry_id: str, work: Path) -> float:
    """A fresh `python -m mkdocs build` of the pages the project renders now (prepared off the clock)."""
    shutil.rmtree(work, ignore_errors=True)
    sources = load_sources(project)
    rendered = render_all(sources, sources.select([industry_id]))[industry_id]["site"]
    docs = work / "docs"
    write_docs(project, rendered, docs, [])
    config = site_config(project, rendered, docs, work / "site")
    config["strict"] = False  # bare MkDocs: the download links point at files it is not given
    (work / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    started = time.perf_counter()
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "mkdocs.yml")]
    subprocess.run(command, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return time.perf_counter() - started


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} | {min(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--industry", default="hotel")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    project = make_project(args.industry)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = project / "serve.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--industry", args.industry, "--port", str(port)],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    lesson = sorted((project / "content" / "modules").glob("*/lesson.md"))[0]
    module_url = f"{base}/modules/{lesson.parent.name}.html"
    profile = project / "industries" / f"{args.industry}.yaml"
    lesson_text, profile_text = lesson.read_text(encoding="utf-8"), profile.read_text(encoding="utf-8")
    name = re.search(r"^name: (.+)$", profile_text, re.MULTILINE)
    if name is None:
        raise SystemExit(f"{profile}: no `name:` line to edit")
    times: dict[str, list[float]] = {
        "lesson": [],
        "profile": [],
        "lesson, PDFs busy": [],
        "profile, PDFs busy": [],
        "bare": [],
    }
    try:
        first_page = wait_until(lambda: "<html" in fetch(f"{base}/index.html"), "the first page")
        first_pdfs = wait_until(lambda: pdfs_idle(base), "the first PDFs")
        for round_ in range(1, args.rounds + 1):
            for busy in (False, True):
                label = ", PDFs busy" if busy else ""
                marker = f"Serve benchmark marker {round_}{'b' if busy else 'i'}"
                if not busy:
                    wait_until(lambda: pdfs_idle(base), "the PDFs to finish")
                text = f"{lesson_text}\n\n{marker}.\n"
                times[f"lesson{label}"].append(timed_edit(lesson, text, module_url, marker))
                if not busy:
                    wait_until(lambda: pdfs_idle(base), "the PDFs to finish")
                text = profile_text.replace(name.group(0), f"name: {name.group(1)} {marker}", 1)
                times[f"profile{label}"].append(timed_edit(profile, text, f"{base}/index.html", marker))
            wait_until(lambda: pdfs_idle(base), "the PDFs to finish")
            times["bare"].append(bare_mkdocs_seconds(project, args.industry, project / "bare"))
            print(round_, {k: round(v[-1], 2) for k, v in times.items()}, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    write_results(args, times, first_page, first_pdfs, load_before)
    shutil.rmtree(project, ignore_errors=True)


def write_results(
    args: argparse.Namespace, times: dict[str, list[float]], first_page: float, first_pdfs: float, load: float
) -> None:
    bare = statistics.median(times["bare"])
    lines = [
        SECTION_START,
        "## serve: save to reload (benchmarks/serve.py)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"industry `{args.industry}`, {args.rounds} rounds, load average {load:.1f} before the run and "
        f"{os.getloadavg()[0]:.1f} after it. Seconds from the file write until the served page shows the "
        "change (polled over HTTP every 20 ms), against a fresh `python -m mkdocs build` of the same pages.",
        "",
        "| measurement | median s | best s | median ÷ bare median | target |",
        "|---|---:|---:|---:|---|",
    ]
    for label, values in times.items():
        ratio = "" if label == "bare" else f"{statistics.median(values) / bare:.2f} ×"
        target = "" if label == "bare" or "busy" in label else "≤ 1.5 × bare"
        lines.append(f"| {label} | {summary(values).replace(' | ', ' | ')} | {ratio} | {target} |")
    lines += [
        "",
        f"`serve` answered with the site {first_page:.1f} s after it started; every PDF was done "
        f"{first_pdfs:.1f} s after that (no dist/ to reuse).",
        "",
        "| round | " + " | ".join(times) + " |",
        "|---:|" + "---:|" * len(times),
    ]
    for index in range(args.rounds):
        lines.append(f"| {index + 1} | " + " | ".join(f"{v[index]:.2f}" for v in times.values()) + " |")
    lines.append(SECTION_END)
    section = "\n".join(lines)
    print(section)
    results = ROOT / "benchmarks" / "results.md"
    text = results.read_text(encoding="utf-8") if results.is_file() else ""
    if SECTION_START in text and SECTION_END in text:
        text = text[: text.index(SECTION_START)] + section + text[text.index(SECTION_END) + len(SECTION_END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
