"""Reading YAML: libyaml's fast parser and PyYAML's own read every file alike.

Plain documents are composed by libyaml (about eight times faster); a document with aliases, or one
libyaml cannot read, goes through PyYAML's parser, which counts aliases and words every error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainkit import load
from trainkit.pipeline import PROJECT_ROOT

EVERY_YAML = sorted(
    p
    for folder in ("industries", "organisations", "content", "tests/fixtures")
    for p in (PROJECT_ROOT / folder).rglob("*.yaml")
    if p.is_file()
)


def read(path: Path) -> tuple[object, ...]:
    try:
        document = load.load_yaml(path, path.name)
    except load.LoadFailed as failed:
        return ("failed", failed.line, failed.message)
    return (document.data, document.lines)


def test_libyaml_and_pyyaml_read_every_shipped_and_fixture_file_alike(monkeypatch):
    assert len(EVERY_YAML) > 40 and any("bad" in p.parts for p in EVERY_YAML)
    fast = {path: read(path) for path in EVERY_YAML}
    monkeypatch.setattr(load, "_composed_by_libyaml", lambda text: None)
    assert {path: read(path) for path in EVERY_YAML} == fast


def test_plain_documents_take_the_fast_path_and_aliases_the_counting_one(tmp_path):
    plain = "id: x\nlist: [a, b]\nmap:\n  key: value\n"
    assert load._composed_by_libyaml(plain) is not None
    shared = "base: &b {key: value}\nagain: *b\n"
    assert load._composed_by_libyaml(shared) is None
    broken = "id: x\n  bad: indent\n"
    assert load._composed_by_libyaml(broken) is None


def test_too_many_aliases_are_still_refused_at_the_line_of_the_one_too_many(tmp_path):
    count = load.MAX_ALIASES + 1
    lines = ["base: &b value", *(f"k{i}: *b" for i in range(count))]
    path = tmp_path / "aliases.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(load.LoadFailed) as failed:
        load.load_yaml(path, "aliases.yaml")
    assert failed.value.line == count + 1 and "aliases" in failed.value.message
