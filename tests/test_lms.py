"""LMS packages: SCORM 1.2 and cmi5 zips of a built site.

The manifests are validated against the official schemas in fixtures/xsd/, the zips must be
byte-identical run to run, and the launch page is driven in Chromium against a fake SCORM API and
a fake cmi5 LMS (xAPI endpoint) on 127.0.0.1 to prove completion is really reported.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import xmlschema
from conftest import FIXTURES, copy_minimal_build, link_project

import trainkit.lms
from trainkit.cli import main

MINIMAL = FIXTURES / "good" / "minimal.yaml"
XSD = FIXTURES / "xsd"
# The official ims_xml.xsd binds the XML namespace as a default namespace, which XML forbids and
# every current parser rejects; its three attributes (xml:lang, xml:base, xml:link) are the W3C's
# own, so imports of it are served the W3C schema that xmlschema ships.
W3C_XML_XSD = Path(xmlschema.__file__).parent / "schemas" / "XML" / "xml.xsd"


@pytest.fixture(scope="module")
def site(minimal_build: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A project holding a copy of the shared minimal build: building it is the slow part."""
    root = link_project(tmp_path_factory.mktemp("lms") / "project", {"minimal.yaml": MINIMAL})
    out = copy_minimal_build(minimal_build, root / "out")
    return {"root": root, "out": out}


def package(site: dict[str, Path], fmt: str) -> Path:
    assert (
        main(["package", "--industry", "minimal", "--format", fmt, "--out", str(site["out"])], root=site["root"]) == 0
    )
    return site["out"] / "minimal" / "downloads" / f"minimal-{fmt}.zip"


def scorm12_schema() -> xmlschema.XMLSchemaBase:
    def uri_mapper(uri: str) -> str:
        return W3C_XML_XSD.as_uri() if uri.endswith("/ims_xml.xsd") else uri

    # XSD 1.1 because imsmd_rootv1p2p1.xsd breaks XSD 1.0's Unique Particle Attribution rule
    # (an optional element beside a wildcard); 1.1 resolves that ambiguity and checks the rest alike.
    names = ["imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd"]
    return xmlschema.XMLSchema11([str(XSD / "scorm12" / n) for n in names], uri_mapper=uri_mapper)


def test_scorm12_manifest_is_valid_and_lists_the_site(site):
    with zipfile.ZipFile(package(site, "scorm12")) as archive:
        names = set(archive.namelist())
        manifest = archive.read("imsmanifest.xml").decode()
    schema = scorm12_schema()
    schema.validate(manifest)
    # The schemas really are enforced: a wrong SCORM type or a misspelt metadata element fails.
    assert not schema.is_valid(manifest.replace('adlcp:scormtype="sco"', 'adlcp:scormtype="page"'))
    assert not schema.is_valid(manifest.replace("imsmd:title>", "imsmd:titel>"))

    data = schema.to_dict(manifest)
    resource = data["resources"]["resource"][0]
    assert resource["@href"] == "launch.html" and resource["@adlcp:scormtype"] == "sco"
    assert data["organizations"]["organization"][0]["item"][0]["@identifierref"] == resource["@identifier"]
    listed = {f["@href"] for f in resource["file"]}
    site_pages = {p.relative_to(site["out"] / "minimal").as_posix() for p in (site["out"] / "minimal").rglob("*.html")}
    assert site_pages <= listed <= names
    assert {"launch.html", "launch.js", "scorm-api.js", "index.html", "modules/10-internal-service.html"} <= names
    assert "Library lending desk" in data["organizations"]["organization"][0]["title"]


def test_cmi5_course_structure_is_valid(site):
    with zipfile.ZipFile(package(site, "cmi5")) as archive:
        names = set(archive.namelist())
        structure = archive.read("cmi5.xml").decode()
    schema = xmlschema.XMLSchema(str(XSD / "cmi5" / "cmi5_v1_CourseStructure.xsd"))
    schema.validate(structure)
    assert not schema.is_valid(structure.replace('moveOn="Completed"', 'moveOn="Eventually"'))
    au = schema.to_dict(structure)["au"][0]
    assert (au["@moveOn"], au["@launchMethod"], au["url"]) == ("Completed", "AnyWindow", "launch.html")
    assert {
        "cmi5.xml",
        "launch.html",
        "launch.js",
        "cmi5-au.js",
        "index.html",
        "modules/10-internal-service.html",
    } <= names
    assert "imsmanifest.xml" not in names and "scorm-api.js" not in names


@pytest.mark.parametrize("fmt", ["scorm12", "cmi5"])
def test_packages_are_byte_identical_run_to_run(site, fmt, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = package(site, fmt).read_bytes()
    # New modification times on every site file must not reach the zip.
    for path in (site["out"] / "minimal").rglob("*"):
        os.utime(path, (time.time() + 3600, time.time() + 3600))
    second = package(site, fmt)
    assert first == second.read_bytes()
    with zipfile.ZipFile(second) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    # An earlier package in downloads/ is never packed into the next one.
    assert not [i.filename for i in infos if i.filename.endswith(".zip")]


def test_source_date_epoch_sets_the_zip_timestamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert trainkit.lms.zip_timestamp() == (2026, 1, 1, 0, 0, 0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # before 1980, which zip cannot store
    assert trainkit.lms.zip_timestamp() == (1980, 1, 1, 0, 0, 0)


def test_bad_format_and_unknown_industry_are_bad_input(site, capsys):
    root, out = site["root"], str(site["out"])
    assert main(["package", "--industry", "minimal", "--format", "scorm2004", "--out", out], root=root) == 2
    assert "unknown LMS format 'scorm2004'" in capsys.readouterr().err
    assert main(["package", "--industry", "atlantis", "--format", "cmi5", "--out", out], root=root) == 2
    assert "atlantis" in capsys.readouterr().err


def test_a_missing_site_is_built_before_packaging(site, tmp_path, monkeypatch):
    built: list[tuple[Path, Path, list[str]]] = []

    def fake_build(root: Path, out: Path, industry_ids: list[str], log: Any) -> None:
        # The real build is exercised by the fixture; here it only matters that it is asked for.
        built.append((root, out, industry_ids))
        (out / "minimal").mkdir(parents=True)
        for path in (site["out"] / "minimal").rglob("*"):
            target = out / "minimal" / path.relative_to(site["out"] / "minimal")
            if path.is_dir():
                target.mkdir(exist_ok=True)
            elif not path.name.endswith(".zip"):
                target.write_bytes(path.read_bytes())

    monkeypatch.setattr(trainkit.lms, "build", fake_build)
    fresh = tmp_path / "fresh-dist"
    args = ["package", "--industry", "minimal", "--format", "scorm12", "--out", str(fresh)]
    assert main(args, root=site["root"]) == 0
    assert built == [(site["root"], fresh.resolve(), ["minimal"])]
    assert (fresh / "minimal" / "downloads" / "minimal-scorm12.zip").is_file()


# ------------------------------------------------------------------ in a browser


class FakeLms(http.server.SimpleHTTPRequestHandler):
    """Serves the unpacked package, and plays a cmi5 LMS: a fetch URL and a tiny xAPI endpoint."""

    token = "dG9rZW4tZm9yLXRlc3Rz"
    launch_data = {
        "contextTemplate": {"extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "session-1"}},
        "launchMode": "Normal",
        "moveOn": "Completed",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def _reply(self, status: int, body: object = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _xapi(self, method: str) -> bool:
        url = urlsplit(self.path)
        if url.path == "/fetch" and method == "POST":
            self.server.log.append({"what": "fetch"})  # type: ignore[attr-defined]
            self._reply(200, {"auth-token": self.token})
            return True
        if not url.path.startswith("/xapi/"):
            return False
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.server.log.append(  # type: ignore[attr-defined]
            {
                "what": f"{method} {url.path}",
                "params": params,
                "body": body,
                "auth": self.headers.get("Authorization"),
                "version": self.headers.get("X-Experience-API-Version"),
            }
        )
        if self.headers.get("Authorization") != f"Basic {self.token}":
            self._reply(401)
        elif url.path == "/xapi/statements" and method == "POST":
            self._reply(200, [body["id"]])
        elif url.path == "/xapi/activities/state" and method == "GET":
            document = self.server.state.get(params["stateId"])  # type: ignore[attr-defined]
            self._reply(404) if document is None else self._reply(200, document)
        elif url.path == "/xapi/activities/state" and method == "PUT":
            self.server.state[params["stateId"]] = body  # type: ignore[attr-defined]
            self._reply(204)
        else:
            self._reply(400)
        return True

    def do_GET(self) -> None:
        if not self._xapi("GET"):
            super().do_GET()

    def do_POST(self) -> None:
        self._xapi("POST")

    def do_PUT(self) -> None:
        self._xapi("PUT")


FAKE_SCORM_LMS = """<!doctype html><meta charset="utf-8"><title>Fake SCORM 1.2 LMS</title>
<script>
  window.calls = [];
  window.cmi = {"cmi.core.lesson_status": "not attempted"};
  function record(name, value) { calls.push([name].concat(Array.prototype.slice.call(arguments, 1))); return value; }
  window.API = {
    LMSInitialize: function (a) { return record("LMSInitialize", "true"); },
    LMSFinish: function (a) { return record("LMSFinish", "true"); },
    LMSGetValue: function (k) { record("LMSGetValue", k); return cmi[k] || ""; },
    LMSSetValue: function (k, v) { cmi[k] = v; calls.push(["LMSSetValue", k, v]); return "true"; },
    LMSCommit: function (a) { return record("LMSCommit", "true"); },
    LMSGetLastError: function () { return "0"; },
    LMSGetErrorString: function () { return ""; },
    LMSGetDiagnostic: function () { return ""; },
  };
</script>
<iframe id="sco" src="scorm12/launch.html" style="width: 1300px; height: 800px"></iframe>
"""


@pytest.fixture(scope="module")
def unpacked(site) -> Path:
    """Both packages unpacked side by side, as an LMS or a learner with the zip would, beside a fake
    SCORM LMS page."""
    served = site["root"] / "served"
    for fmt in ("scorm12", "cmi5"):
        with zipfile.ZipFile(package(site, fmt)) as archive:
            archive.extractall(served / fmt)
    (served / "lms.html").write_text(FAKE_SCORM_LMS, encoding="utf-8")
    return served


@pytest.fixture
def lms_server(unpacked) -> Iterator[tuple[str, http.server.ThreadingHTTPServer]]:
    """The unpacked packages on 127.0.0.1."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(FakeLms, directory=str(unpacked)))
    httpd.log = []  # type: ignore[attr-defined]
    httpd.state = {"LMS.LaunchData": FakeLms.launch_data}  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd
    httpd.shutdown()
    httpd.server_close()


def content_frame(launch_frame: Any) -> Any:
    """The site's frame inside the launch page, once its first page has loaded."""
    for _ in range(100):
        frames = [f for f in launch_frame.child_frames if f.url.endswith("/index.html")]
        if frames:
            return frames[0]
        time.sleep(0.05)
    raise AssertionError("the launch page never showed the site's index.html")


@pytest.mark.browser
def test_scorm12_reports_completion_to_the_lms(browser, lms_server):
    server, _ = lms_server
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/lms.html")
    page.wait_for_function("calls.some(c => c[0] === 'LMSInitialize')")
    sco = page.frame(url=lambda u: u.endswith("/scorm12/launch.html"))
    site_frame = content_frame(sco)
    sco.wait_for_selector("#lms-status:has-text('In progress')")
    assert page.evaluate("cmi['cmi.core.lesson_status']") == "incomplete"

    site_frame.evaluate("location.href = 'modules/10-internal-service.html'")  # the learner reaches the last module
    page.wait_for_function("cmi['cmi.core.lesson_status'] === 'completed'")
    calls = page.evaluate("calls")
    completed_at = calls.index(["LMSSetValue", "cmi.core.lesson_status", "completed"])
    assert ["LMSCommit", "true"] in calls[completed_at:]
    assert sco.inner_text("#lms-complete") == "Completed"

    page.evaluate("document.getElementById('sco').src = 'about:blank'")  # the learner leaves
    page.wait_for_function("calls.some(c => c[0] === 'LMSFinish')")
    calls = page.evaluate("calls")
    assert ["LMSSetValue", "cmi.core.exit", ""] in calls
    assert any(c[:2] == ["LMSSetValue", "cmi.core.session_time"] for c in calls)
    assert errors == []


@pytest.mark.browser
def test_scorm12_mark_complete_button(browser, lms_server):
    server, _ = lms_server
    page = browser.new_page()
    page.goto(f"{server}/lms.html")
    sco = page.frame_locator("#sco")
    sco.locator("#lms-status:has-text('In progress')").wait_for()
    assert page.evaluate("cmi['cmi.core.lesson_status']") == "incomplete"
    sco.locator("#lms-complete").click()
    page.wait_for_function("cmi['cmi.core.lesson_status'] === 'completed'")
    assert sco.locator("#lms-complete").is_disabled()


@pytest.mark.browser
def test_cmi5_sends_initialized_completed_and_terminated(browser, lms_server):
    server, httpd = lms_server
    registration = "5b1c2f3e-1d2c-4b5a-8e9f-0a1b2c3d4e5f"
    actor = {"objectType": "Agent", "account": {"homePage": "https://lms.example", "name": "learner-1"}}
    au_id = "urn:trainkit:course:minimal:au"
    query = urlencode(
        {
            "endpoint": f"{server}/xapi/",
            "fetch": f"{server}/fetch",
            "actor": json.dumps(actor),
            "registration": registration,
            "activityId": au_id,
        }
    )
    page = browser.new_page()
    page.goto(f"{server}/cmi5/launch.html?{query}")
    page.wait_for_selector("#lms-status:has-text('In progress')")

    def statements() -> list[dict[str, Any]]:
        return [e["body"] for e in httpd.log if e["what"] == "POST /xapi/statements"]

    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in statements()] == ["initialized"]
    content_frame(page.main_frame).evaluate("location.href = 'modules/10-internal-service.html'")
    page.wait_for_selector("#lms-complete:disabled")
    page.goto("about:blank")  # leaving the AU sends "terminated"
    deadline = time.monotonic() + 5
    while len(statements()) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)

    sent = statements()
    assert [s["verb"]["id"] for s in sent] == [
        f"http://adlnet.gov/expapi/verbs/{v}" for v in ("initialized", "completed", "terminated")
    ]
    for statement in sent:
        assert statement["actor"] == actor and statement["object"]["id"] == au_id
        assert statement["context"]["registration"] == registration
        assert statement["context"]["extensions"] == FakeLms.launch_data["contextTemplate"]["extensions"]
        categories = [c["id"] for c in statement["context"]["contextActivities"]["category"]]
        assert "https://w3id.org/xapi/cmi5/context/categories/cmi5" in categories
    completed = sent[1]
    assert completed["result"]["completion"] is True
    assert "https://w3id.org/xapi/cmi5/context/categories/moveon" in [
        c["id"] for c in completed["context"]["contextActivities"]["category"]
    ]
    xapi_calls = [e for e in httpd.log if e["what"] != "fetch"]
    assert [e for e in httpd.log if e["what"] == "fetch"] == [{"what": "fetch"}]  # the token is fetched once
    assert {e["auth"] for e in xapi_calls} == {f"Basic {FakeLms.token}"}
    assert {e["version"] for e in xapi_calls} == {"1.0.3"}
    assert httpd.state["trainkit.progress"] == {"completed": True}

    # A relaunch in the same registration knows it is complete and sends no second "completed".
    page.goto(f"{server}/cmi5/launch.html?{query}")
    page.wait_for_selector("#lms-complete:disabled")
    page.goto("about:blank")
    assert [s["verb"]["id"] for s in statements()].count("http://adlnet.gov/expapi/verbs/completed") == 1


@pytest.mark.browser
@pytest.mark.parametrize("fmt", ["scorm12", "cmi5"])
def test_search_works_from_disk_inside_the_unzipped_package(browser, unpacked, fmt):
    # Opened from disk there is no LMS: the launch page says progress is not recorded (and offers
    # no "Mark complete" that could only fail), and the site in its frame still navigates and
    # searches, with no console error.
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((unpacked / fmt / "launch.html").as_uri())
    page.wait_for_selector("#lms-status:has-text('progress is not recorded')")
    assert not page.locator("#lms-complete").is_visible()
    site_frame = page.frame_locator("#lms-content")
    site_frame.locator("nav.md-nav >> text=Agenda").click()
    site_frame.locator("article h1:has-text('Agenda')").wait_for()
    site_frame.locator(".md-search__input").click()
    site_frame.locator(".md-search__input").press_sequentially("patrons", delay=40)
    site_frame.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    assert "patrons" in site_frame.locator(".md-search-result").inner_text().lower()
    page.close()
    assert errors == []
