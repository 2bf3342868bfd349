"""The command line as a user runs it: help, list, check, schema, build, serve; exit codes 0/1/2."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, SHIPPED_IDS

from trainkit.cli import COMMANDS, main
from trainkit.editions import PDF_EDITIONS
from trainkit.pipeline import PROJECT_ROOT
from trainkit.schema import profile_schema_json

MINIMAL = FIXTURES / "good" / "minimal.yaml"


def run(*args: str, cwd: Path = PROJECT_ROOT, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "build.py", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_help_lists_every_command_with_its_help_and_each_has_its_own_help():
    result = run("--help")
    assert result.returncode == 0
    assert len(COMMANDS) == 10
    for command in COMMANDS.values():
        assert re.search(rf"^    {command.name} +{re.escape(command.help[:30])}", result.stdout, re.MULTILINE), (
            command.name
        )
        assert run(command.name, "--help").returncode == 0
    assert "Exit status: 0 ok, 1 build failed, 2 bad input" in result.stdout


def test_every_command_of_the_readme_exists():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^python build\.py ([\w-]+)", readme, re.MULTILINE))
    assert named and named <= set(COMMANDS), named - set(COMMANDS)
    assert set(COMMANDS) <= named, f"the README does not show {set(COMMANDS) - named}"


def test_report_lists_each_field_with_the_pages_that_read_it(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL})
    assert main(["report", "--industry", "minimal"], root=root) == 0
    rows = dict(
        line.split(maxsplit=1)
        for line in capsys.readouterr().out.splitlines()[1:]
        if line.startswith("  ") and "unused" not in line
    )
    assert rows["print.paper"] == "pipeline"
    assert "certificate.md" in rows["terms.manager_role"]
    assert "certificate.md" not in rows["terms.customer.plural"], "the certificate never names {{ customers }}"
    assert "empathy" in rows["terms.customer.plural"]
    assert "schema_version" not in rows, "a format marker is not content"


def test_schema_write_replaces_the_schema_file(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL})
    target = root / "industries" / "schema.json"
    target.write_text("stale")
    assert main(["schema", "--write"], root=root) == 0
    assert target.read_text(encoding="utf-8") == profile_schema_json()
    assert "Wrote industries/schema.json" in capsys.readouterr().out


def test_list_names_every_shipped_industry_and_module(sources):
    result = run("list")
    assert result.returncode == 0
    for industry_id in SHIPPED_IDS:
        assert industry_id in result.stdout
    for module in sources.modules:
        assert module.id in result.stdout


def test_check_passes_on_the_shipped_sources_and_writes_nothing(tmp_path):
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK:")


def test_committed_schema_matches_the_model():
    committed = (PROJECT_ROOT / "industries" / "schema.json").read_text(encoding="utf-8")
    assert committed == profile_schema_json(), "run `python build.py schema --write`"
    assert json.loads(committed)["additionalProperties"] is False


def test_build_one_industry_into_a_chosen_folder(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL})
    out = root / "site-out"
    assert main(["build", "--industry", "minimal", "--out", str(out)], root=root) == 0
    assert (out / "minimal" / "index.html").is_file()
    assert (out / "minimal" / "downloads" / "minimal-workbook.pdf").is_file()
    printed = capsys.readouterr().out
    assert f"Built 1 industry and {len(PDF_EDITIONS)} PDFs" in printed
    total = len(PDF_EDITIONS) + 1
    assert f"[{total}/{total}] minimal/site" in printed, "outside a terminal, progress is one plain line per output"


def test_check_of_one_industry_ignores_a_broken_profile_it_was_not_asked_for(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL, "broken.yaml": FIXTURES / "bad" / "missing-required-field.yaml"})
    assert main(["check"], root=root) == 2
    assert "industries/broken.yaml:" in capsys.readouterr().err
    for argv in (["check", "--industry", "minimal"], ["--industry", "minimal", "check"]):
        assert main(argv, root=root) == 0, argv
        printed = capsys.readouterr().out
        assert printed.startswith("OK: 1 profile and "), printed
        assert "  minimal " in printed and "broken" not in printed


def test_unknown_industry_is_bad_input(make_project, capsys):
    root = make_project({"minimal.yaml": MINIMAL})
    assert main(["build", "--industry", "nope", "--out", str(root / "out")], root=root) == 2
    assert "no profile with id 'nope'" in capsys.readouterr().err
    assert not (root / "out").exists()


def test_a_build_failure_exits_1_with_a_message(make_project, capsys, monkeypatch):
    from trainkit import write

    monkeypatch.setattr(write, "LOCK_WAIT_SECONDS", 0.2)  # the failure: the lock stays held
    root = make_project({"minimal.yaml": MINIMAL})
    out = root / "out"
    out.mkdir()
    lock = root / ".out.lock"
    import fcntl

    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert main(["build", "--out", str(out)], root=root) == 1
    assert "another build is writing" in capsys.readouterr().err


def test_bad_input_through_the_real_entry_point_has_no_traceback(make_project):
    root = make_project({"wrong-type.yaml": FIXTURES / "bad" / "wrong-type.yaml"})
    (root / "build.py").symlink_to(PROJECT_ROOT / "build.py")
    (root / "trainkit").symlink_to(PROJECT_ROOT / "trainkit")
    result = run("check", cwd=root)
    assert result.returncode == 2
    assert result.stderr.startswith("industries/wrong-type.yaml:")
    assert "Traceback" not in result.stderr
