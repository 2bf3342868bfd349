"""Benchmark builds on a Dask cluster (issue 19) against the process pool, and model 1,000 variants.

Run on an otherwise idle machine:  .venv/bin/python benchmarks/dask.py [--variants 100]

1. The cost of one job's trip, with jobs that do nothing: through a process pool of two, through the
   executor of a two-worker LocalCluster, and through trainkit's ClusterRunner (whose worker first
   hashes the files the output is made from); and the cost of sending a site-sized result back.
2. One variant, every edition, built in one process: the seconds each output takes.
3. ``--variants`` synthetic variants (copies of the minimal profile with their own ids and names)
   built with ``--jobs 2`` and with ``--scheduler local:2``, each build in a child process. Each
   variant gets its learner editions and its site (``--editions learner``, the default) or all of
   them (``--editions all``, about four times longer).
4. From those figures, a model of the wall time of 1,000 full variants on 1, 10 and 50 workers.

It rewrites its own section of results.md (between the markers) and leaves the rest as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This file bears the name of the package it measures: with its folder first on the import path,
# `import dask` (inside distributed) would find this file. Its folder goes to the end instead.
# The project folder goes first, for trainkit.
sys.path[:] = [str(HERE.parent)] + [entry for entry in sys.path if Path(entry or ".").resolve() != HERE] + [str(HERE)]

import argparse  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ProcessPoolExecutor, wait  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from multiprocessing import get_context  # noqa: E402

from run import ROOT, machine, make_project  # noqa: E402

from trainkit.cluster import ClusterRunner  # noqa: E402
from trainkit.schedule import Job, Task  # noqa: E402

PYTHON = sys.executable
MINIMAL = ROOT / "tests" / "fixtures" / "good" / "minimal.yaml"
RESULTS = HERE / "results.md"
BEGIN, END = "<!-- benchmarks/dask.py writes from here -->", "<!-- benchmarks/dask.py writes up to here -->"
#: A build in a child process; with "learner", each variant gets only the editions its site offers.
CHILD = """
import resource, sys
from pathlib import Path
import trainkit.pipeline
from trainkit.cli import main
from trainkit.editions import LEARNER_PDFS
if sys.argv[1] == "learner":
    trainkit.pipeline.PDF_EDITIONS = LEARNER_PDFS
status = main(sys.argv[2:], root=Path.cwd())
own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print("PEAK_RSS_KB", own.ru_maxrss, file=sys.stderr)
print("CPU_SECONDS", own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime, file=sys.stderr)
sys.exit(status)
"""
SITE_SIZED = 4 * 1024 * 1024  # bytes: one variant's site with its downloads is about 4.4 MB
MODEL_VARIANTS = 1000
MODEL_WORKERS = (1, 10, 50)
LAN_BYTES_PER_SECOND = 110e6  # an assumed 1 Gbit/s network between the client and the workers


@dataclass
class Build:
    seconds: float
    stages: dict[str, float]
    outputs: dict[str, float]  # output name → seconds its job took
    peak_rss_mb: float
    cpu_own: float  # CPU seconds of the build's process (with a LocalCluster: its scheduler too)
    cpu_workers: float  # CPU seconds of the processes it started (the pool's or the cluster's workers)
    load_before: str
    load_after: str


def load() -> str:
    """The load averages (1, 5, 15 minutes) as uptime shows them."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def child_build(project: Path, editions: str, *options: str) -> Build:
    """Build in a child process with --verbose; the wall time, the stages and each output's seconds."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    before = load()
    began = time.perf_counter()
    command = [PYTHON, "-c", CHILD, editions, "build", "--verbose", "--force", *options]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(options)}\n{done.stderr[-3000:]}")
    outputs = {m[1]: float(m[2]) for m in re.finditer(r"^  \[\d+/\d+\] (\S+) \(([\d.]+) s\)$", done.stdout, re.M)}
    stages = {m[1].strip(): float(m[2]) for m in re.finditer(r"^  ([a-zA-Z ,]+?)\s+([\d.]+) s$", done.stdout, re.M)}
    rss = int(re.findall(r"PEAK_RSS_KB (\d+)", done.stderr)[-1]) / 1024  # the build's own process
    own, workers = re.findall(r"CPU_SECONDS ([\d.]+) ([\d.]+)", done.stderr)[-1]
    return Build(seconds, stages, outputs, rss, float(own), float(workers), before, load())


def nothing(root: Path) -> None:
    """A job that does nothing: what is left is the trip there and back."""


def site_sized(root: Path) -> bytes:
    """A job whose result is as large as a variant's site."""
    return bytes(SITE_SIZED)


def run_jobs(runner: ClusterRunner, job: Job, count: int) -> None:
    """Run ``count`` copies of ``job`` through ``runner`` until all are done."""
    for number in range(count):
        runner.submit(Task(f"job-{number}", "benchmark", ""), job)
    while runner.pending():
        for task, _, error in runner.finished():
            if error is not None:
                raise SystemExit(f"{task.name}: {error}")


def per_job_seconds(project: Path, count: int) -> dict[str, float]:
    """Seconds per job of doing nothing: pool, Dask executor, ClusterRunner; and per site-sized result."""
    from distributed import Client, LocalCluster

    from trainkit.cache import FileHasher, edition_inputs
    from trainkit.cluster import ClusterRunner, Scheduler
    from trainkit.editions import WORKBOOK

    figures = {}
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        wait([pool.submit(abs, n) for n in range(20)])  # started and warm
        began = time.perf_counter()
        wait([pool.submit(abs, n) for n in range(count)])
        figures["process pool"] = (time.perf_counter() - began) / count
    env = {"TRAINKIT_ROOT": str(project), "SOURCE_DATE_EPOCH": "1767225600"}
    options = {"threads_per_worker": 1, "dashboard_address": ":0", "silence_logs": 40, "env": env}
    with LocalCluster(n_workers=2, **options) as cluster, Client(cluster, set_as_default=False) as client:
        executor = client.get_executor()
        wait([executor.submit(abs, n) for n in range(20)])
        began = time.perf_counter()
        wait([executor.submit(abs, n) for n in range(count)])
        figures["Dask executor"] = (time.perf_counter() - began) / count
        profile = next((project / "industries").glob("*.yaml")).relative_to(project).as_posix()
        inputs = edition_inputs(FileHasher(project), (profile,), WORKBOOK)
        for name, work, jobs in (("ClusterRunner", nothing, count // 4), ("site-sized result", site_sized, 40)):
            with ClusterRunner(project, Scheduler(cluster.scheduler_address)) as runner:
                run_jobs(runner, Job(work, (), inputs), 10)  # each worker imports trainkit at its first job
                began = time.perf_counter()
                run_jobs(runner, Job(work, (), inputs), jobs)
                figures[name] = (time.perf_counter() - began) / jobs
    return figures


def cpu_total(build: Build) -> float:
    """CPU seconds of the build's process and every process it started."""
    return build.cpu_own + build.cpu_workers


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def model(
    one: Build, subset_pool: Build, subset_cluster: Build, variants: int, per_job: dict[str, float], size: int
) -> list[str]:
    """The wall time of 1,000 full variants on n single-threaded workers, with its terms."""
    cpu = sum(one.outputs.values())  # seconds of work per full variant
    jobs_per_variant = len(one.outputs)
    render = subset_pool.stages.get("load, render and check", 0.0) / variants  # on the client, before any job
    # The cluster's share of the pool's speed: the worse of the wall-time ratio and the CPU ratio,
    # since other work on a shared machine can flatter the one and never the other.
    efficiency = min(subset_pool.seconds / subset_cluster.seconds, cpu_total(subset_pool) / cpu_total(subset_cluster))
    trip = per_job["ClusterRunner"] + per_job["site-sized result"] * size / SITE_SIZED / jobs_per_variant
    client_per_variant = jobs_per_variant * trip + size / LAN_BYTES_PER_SECOND
    longest = max(one.outputs.values()) + one.outputs.get("minimal-000/site", 0.0)
    lines = [
        "| workers | render on the client | jobs (work ÷ workers ÷ efficiency) | client-bound floor | "
        "wall time | per variant |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for workers in MODEL_WORKERS:
        upfront = render * MODEL_VARIANTS
        work = MODEL_VARIANTS * cpu / workers / min(efficiency, 1.0)
        floor = MODEL_VARIANTS * client_per_variant
        total = upfront + max(work, floor) + longest
        lines.append(
            f"| {workers} | {upfront / 60:.1f} min | {work / 60:.1f} min | {floor / 60:.1f} min | "
            f"{total / 3600:.2f} h ({total / 60:.0f} min) | {total / MODEL_VARIANTS:.2f} s |"
        )
    terms = (
        f"Terms, all measured above: {cpu:.1f} s of work per full variant ({jobs_per_variant} jobs, from the "
        f"one-variant build), {render:.2f} s per variant of loading, rendering and checking on the client "
        f"(from the {variants}-variant build), a cluster efficiency of {min(efficiency, 1.0):.2f} "
        f"(the {variants}-variant pool build's time, or CPU time, over the cluster build's, whichever is "
        f"lower), {trip * 1000:.1f} ms per job "
        f"of trip and check (ClusterRunner, with the share of sending {size / 1e6:.1f} MB of output back), "
        f"and a tail of {longest:.0f} s (the longest PDF, then its site)."
    )
    return [*lines, "", terms]


def report(
    args: argparse.Namespace, per_job: dict[str, float], one: Build, builds: list[tuple[str, Build]], size: int
) -> list[str]:
    pool = next(b for name, b in builds if name == "pool")
    cluster = next(b for name, b in builds if name == "cluster")
    ratio = cluster.seconds / pool.seconds
    subset = "learner editions and site" if args.editions == "learner" else "every edition and site"
    lines = [
        "## Dask: the same build on a cluster (benchmarks/dask.py)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}. Load averages (1, 5, 15 min) are given with "
        "each figure.",
        "",
        "| one job that does nothing, through | ms per job |",
        "|---|---:|",
        *(f"| {name} | {seconds * 1000:.2f} |" for name, seconds in per_job.items() if name != "site-sized result"),
        f"| ClusterRunner, returning {SITE_SIZED / 2**20:.0f} MiB (a site) | "
        f"{per_job['site-sized result'] * 1000:.1f} |",
        "",
        f"| {args.variants} variants ({subset} of each) | seconds | load, render and check | CPU s, build "
        "process | CPU s, workers | peak RSS of the build's process (MB) | load before | load after |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, build in builds:
        label = "process pool, `--jobs 2`" if name == "pool" else "two-worker LocalCluster, `--scheduler local:2`"
        lines.append(
            f"| {label} | {build.seconds:.1f} | {build.stages.get('load, render and check', 0):.1f} | "
            f"{build.cpu_own:.1f} | {build.cpu_workers:.1f} | {build.peak_rss_mb:.0f} | {build.load_before} | "
            f"{build.load_after} |"
        )
    lines += [
        "",
        f"Overhead ratio, cluster over pool: **{ratio:.3f}** in wall time (goal ≤ 1.10), "
        f"{cpu_total(cluster) / cpu_total(pool):.3f} in CPU time (the build's process and its workers).",
        "",
        f"One full variant in one process took {one.seconds:.1f} s ({sum(one.outputs.values()):.1f} s in its "
        f"{len(one.outputs)} jobs; load {one.load_before}); its output is {size / 1e6:.1f} MB.",
        "",
        f"### Model: {MODEL_VARIANTS:,} full variants",
        "",
        *model(one, pool, cluster, args.variants, per_job, size),
    ]
    return lines


def write_results(lines: list[str]) -> None:
    """Replace this benchmark's section of results.md (or add it at the end)."""
    text = RESULTS.read_text(encoding="utf-8")
    section = f"{BEGIN}\n" + "\n".join(lines) + f"\n{END}"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=100, help="synthetic variants to build each way")
    parser.add_argument("--editions", choices=("learner", "all"), default="learner", help="editions per variant")
    parser.add_argument("--jobs-that-do-nothing", type=int, default=2000, dest="count", help="for the per-job cost")
    args = parser.parse_args()

    single = make_project([MINIMAL], 1)
    per_job = per_job_seconds(single, args.count)
    print(per_job, flush=True)
    one = child_build(single, "all", "--jobs", "1")
    size = folder_bytes(single / "dist")
    print(f"one variant: {one.seconds:.1f} s, {size / 1e6:.1f} MB, {one.outputs}", flush=True)
    shutil.rmtree(single, ignore_errors=True)

    project = make_project([MINIMAL], args.variants)
    builds = []
    for name, options in (("pool", ("--jobs", "2")), ("cluster", ("--scheduler", "local:2"))):
        builds.append((name, child_build(project, args.editions, "--out", name, *options)))
        print(name, builds[-1][1].seconds, builds[-1][1].load_before, builds[-1][1].load_after, flush=True)
    shutil.rmtree(project, ignore_errors=True)

    lines = report(args, per_job, one, builds, size)
    print("\n".join(lines))
    write_results(lines)


if __name__ == "__main__":
    main()
