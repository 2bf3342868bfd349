"""Every problem of a run is reported at once: a profile the schema refuses still gets the
cross-checks its references can have (module ids, channel names), so one `check` shows them all."""

from __future__ import annotations

import contextlib
import io

from conftest import MINIMAL

from trainkit.cli import main


def check(root) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["check"], root=root)
    return status, err.getvalue()


def test_a_schema_error_and_the_cross_checks_are_reported_in_the_same_run(make_project):
    text = MINIMAL.read_text(encoding="utf-8")
    broken = (
        text.replace("plural: patrons}", "plural: 42}", 1)  # a schema error
        .replace("modules: [questioning, positive", "modules: [questionnig, positive", 1)  # an unknown module
        .replace("channel: Lending desk", "channel: Front counter", 1)  # a channel the profile lacks
    )
    assert broken.count("questionnig") == 1 and broken.count("Front counter") == 1
    root = make_project({"minimal.yaml": broken.encode()})
    status, report = check(root)
    lines = report.splitlines()
    assert status == 2
    assert any(
        line.startswith("industries/minimal.yaml:") and "terms.customer.plural: Expected text but received 42" in line
        for line in lines
    ), report
    assert any(
        "difficult_situations[0].modules[0]: no module has id 'questionnig'; did you mean 'questioning'?" in line
        for line in lines
    ), report
    assert any(
        "difficult_situations[0].channel: Expected one of the profile's channels" in line
        and "but received 'Front counter'" in line
        for line in lines
    ), report


def test_the_cross_checks_of_a_refused_profile_skip_values_of_the_wrong_type(make_project):
    text = MINIMAL.read_text(encoding="utf-8")
    broken = text.replace("modules: [questioning, positive", "modules: [7, positive", 1)
    root = make_project({"minimal.yaml": broken.encode()})
    status, report = check(root)
    assert status == 2
    assert "difficult_situations[0].modules[0]: Expected text but received 7 (number)" in report
    assert "no module has id" not in report, "a number is the schema's to report, once"
    assert "Traceback" not in report
