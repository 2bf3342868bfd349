"""Builds on a Dask cluster (issue 19): the same bytes as the process pool, a killed worker's work
done elsewhere, a worker with other code or files refused, and a cluster that cannot finish reported
as a failed build that leaves the previous output as it was.

One local cluster of two worker processes serves the module; its workers' project folder is a
project with the minimal profile (``TRAINKIT_ROOT``), as a worker started in a checkout would have.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MINIMAL, copy_minimal_build, free_port, link_project, tree_digest
from distributed import Client, LocalCluster, get_task_stream

import trainkit.cluster
from trainkit.cache import FileHasher, edition_inputs
from trainkit.cli import main
from trainkit.editions import PDF_EDITIONS, WORKBOOK
from trainkit.pipeline import PROJECT_ROOT, build, load_sources

OUTPUTS = len(PDF_EDITIONS) + 1  # the PDFs and the site


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return link_project(tmp_path_factory.mktemp("dask") / "project", {"minimal.yaml": MINIMAL})


@pytest.fixture(scope="module")
def cluster(project: Path) -> Iterator[tuple[LocalCluster, Client]]:
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
            env={trainkit.cluster.ROOT_VARIABLE: str(project)},
        ) as local,
        Client(local, set_as_default=False) as client,
    ):
        yield local, client


def test_a_cluster_build_is_byte_identical_to_the_process_pool_build(project, cluster, minimal_build):
    local, client = cluster
    with get_task_stream(client) as stream:
        result = build(project, project / "dist-cluster", scheduler=local.scheduler_address)

    assert len(result.rebuilt) == OUTPUTS
    ran = [task for task in stream.data if str(task["key"]).startswith("run_on_worker")]
    assert len(ran) == OUTPUTS, "every output was made by a worker of the cluster"
    assert tree_digest(project / "dist-cluster") == tree_digest(minimal_build), "the same bytes as --jobs 2"


def kill_a_busy_worker(client: Client, killed: list[int], give_up: float) -> None:
    """Kill (SIGKILL) the process of the first worker seen running a job for a second."""
    pids = client.run(os.getpid)

    def executing(dask_worker) -> int:  # runs on each worker: how many jobs it is running now
        return len(dask_worker.state.executing)

    while time.monotonic() < give_up and not killed:
        busy = [worker for worker, count in client.run(executing).items() if count]
        if busy:
            time.sleep(1.0)  # into the middle of the job, not its first line
            if client.run(executing, workers=busy[:1])[busy[0]]:
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(pids[busy[0]])
        time.sleep(0.1)


def test_a_worker_killed_during_a_build_still_yields_a_complete_build(project, cluster, minimal_build):
    local, client = cluster
    out = copy_minimal_build(minimal_build, project / "dist-killed")
    for edition in ("roleplay-kit", "lead-workbook", "job-aid"):  # three PDFs and the site to make again
        (out / next(e for e in PDF_EDITIONS if e.id == edition).path("minimal")).unlink()
    killed: list[int] = []
    killer = threading.Thread(target=kill_a_busy_worker, args=(client, killed, time.monotonic() + 60))

    killer.start()
    try:
        result = build(project, out, scheduler=local.scheduler_address)
    finally:
        killer.join()

    assert killed, "a worker was killed while it ran a job"
    assert sorted(result.rebuilt) == [
        "minimal/job-aid",
        "minimal/lead-workbook",
        "minimal/roleplay-kit",
        "minimal/site",
    ]
    assert tree_digest(out) == tree_digest(minimal_build), "complete, and the same bytes as the process pool's"
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it, for the tests after this one


def changed_profile() -> bytes:
    return MINIMAL.read_bytes().replace(b"name: Library lending desk", b"name: Library desk", 1)


def test_a_worker_with_other_files_refuses_the_work_and_the_build_fails(tmp_path, cluster, minimal_build, capsys):
    local, client = cluster
    here = link_project(tmp_path / "edited", {"minimal.yaml": changed_profile()})
    out = copy_minimal_build(minimal_build, here / "dist")
    before = tree_digest(out)

    status = main(["build", "--scheduler", local.scheduler_address, "--quiet"], root=here)

    message = capsys.readouterr().err
    assert status == 1
    assert message.startswith("Build failed: the Dask worker tcp://"), message
    assert any(worker in message for worker in client.scheduler_info()["workers"]), "names the worker"
    assert "it differs from this build in industries/minimal.yaml;" in message
    assert "start the scheduler and every worker from the same checkout and lock file" in message
    assert "Traceback" not in message
    assert tree_digest(out) == before
    assert not [p for p in here.iterdir() if p.name.startswith((".staging-", ".retired-"))]


def test_a_worker_with_other_code_or_threads_is_refused_with_what_to_do(project):
    sources = load_sources(project)
    expected = edition_inputs(FileHasher(project), sources.industries[0].files, WORKBOOK)
    other_code = dataclasses.replace(expected, code="0" * 64)

    assert trainkit.cluster.refusal(expected, project, "tcp://w:1", 1) == ""
    code = trainkit.cluster.refusal(other_code, project, "tcp://w:1", 1)
    assert "the Dask worker tcp://w:1 (project folder" in code and "the trainkit code (hash " in code
    elsewhere = trainkit.cluster.refusal(expected, project / "nowhere", "tcp://w:1", 1)
    assert "industries/minimal.yaml (missing there)" in elsewhere and " more;" in elsewhere
    threads = trainkit.cluster.refusal(expected, project, "tcp://w:1", 4)
    assert "runs 4 threads" in threads and "--nthreads 1" in threads


def test_local_n_starts_its_own_cluster_whose_workers_use_this_project(make_project, minimal_build, capsys):
    root = make_project({"minimal.yaml": MINIMAL})
    out = copy_minimal_build(minimal_build, root / "dist")
    (out / "minimal" / "downloads" / "minimal-certificate.pdf").unlink()

    status = main(["build", "--scheduler", "local:2", "--quiet"], root=root)

    assert status == 0, capsys.readouterr().err
    assert tree_digest(out) == tree_digest(minimal_build)


def project_missing_one_pdf(make_project, minimal_build) -> tuple[Path, Path]:
    """A project and a copy of its build with one PDF deleted: a build has one job to send."""
    root = make_project({"minimal.yaml": MINIMAL})
    out = copy_minimal_build(minimal_build, root / "dist")
    (out / "staff" / "minimal" / "minimal-lead-certificate.pdf").unlink()
    return root, out


def test_an_unreachable_scheduler_fails_the_build_in_bounded_time(make_project, minimal_build, monkeypatch, capsys):
    monkeypatch.setattr(trainkit.cluster, "CONNECT_SECONDS", 2.0)
    root, out = project_missing_one_pdf(make_project, minimal_build)
    before = tree_digest(out)
    address = f"tcp://127.0.0.1:{free_port()}"

    began = time.monotonic()
    status = main(["build", "--scheduler", address, "--quiet"], root=root)

    message = capsys.readouterr().err
    assert status == 1
    assert message.startswith(f"Build failed: could not reach the Dask scheduler at {address}"), message
    assert "check that `dask scheduler` runs there" in message and "Traceback" not in message
    assert time.monotonic() - began < 30
    assert tree_digest(out) == before
    assert not [p for p in root.iterdir() if p.name.startswith((".staging-", ".retired-"))]


def test_a_cluster_without_workers_fails_the_build_instead_of_waiting(make_project, minimal_build, monkeypatch, capsys):
    monkeypatch.setattr(trainkit.cluster, "NO_WORKERS_SECONDS", 2.0)
    root, out = project_missing_one_pdf(make_project, minimal_build)
    before = tree_digest(out)

    with LocalCluster(n_workers=0, dashboard_address=":0", silence_logs=logging.ERROR) as empty:
        status = main(["build", "--scheduler", empty.scheduler_address, "--quiet"], root=root)

    message = capsys.readouterr().err
    assert status == 1
    assert f"the Dask scheduler at {empty.scheduler_address} has had no workers for " in message, message
    assert "start workers" in message and "Traceback" not in message
    assert tree_digest(out) == before


@pytest.mark.parametrize("given", ["tcp://", "10.0.0.5:8786", "http://10.0.0.5:8786", "tcp://host", "local:0", "lokal"])
def test_a_malformed_scheduler_address_is_bad_input_named_with_the_option(make_project, capsys, given):
    root = make_project({"minimal.yaml": MINIMAL})

    status = main(["build", "--scheduler", given], root=root)

    message = capsys.readouterr().err
    assert status == 2
    assert message.startswith("command line: --scheduler: Expected tcp://HOST:PORT"), message
    assert f"but received {given!r}" in message
    assert not (root / "dist").exists()


def test_scheduler_and_jobs_together_are_bad_input(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL})

    status = main(["build", "--scheduler", "local:2", "--jobs", "2"], root=root)

    assert status == 2
    assert "command line: --scheduler: not with --jobs: " in capsys.readouterr().err


def test_a_build_without_a_scheduler_never_imports_dask():
    code = "import sys, trainkit.cli, trainkit.pipeline; print('distributed' in sys.modules, 'dask' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr
