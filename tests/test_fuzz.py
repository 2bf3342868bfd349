"""Hypothesis throws broken profiles at the CLI: every outcome is success or exit 2 with file:line."""

from __future__ import annotations

import copy
import re

import yaml
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MINIMAL = yaml.safe_load((FIXTURES / "good" / "minimal.yaml").read_text(encoding="utf-8"))

markup_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "{{ 7*7 }}",
            "{% include 'x' %}",
            "**b**",
            "[x](javascript:y)",
            "ünïcødé ✓ 漢字",
            "",
            "   ",
            "\u202e",
            "a\nb\n\n# heading",
        ]
    ),
)
leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), markup_text)
value = st.recursive(
    leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=12,
)


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from paths(child, (*prefix, index))


ALL_PATHS = [p for p in paths(MINIMAL) if p]


def replaced(document, path, new):
    document = copy.deepcopy(document)
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return document


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(ALL_PATHS), new=value, as_text=st.booleans())
def test_any_broken_profile_is_valid_or_reported_with_file_and_line(make_project_factory, path, new, as_text):
    document = replaced(MINIMAL, path, new)
    raw = yaml.safe_dump(document, allow_unicode=True).encode() if as_text else yaml.safe_dump(document).encode()
    root = make_project_factory({"minimal.yaml": raw})
    status, err = make_project_factory.run(root)
    assert status in (0, 1, 2)
    assert "Traceback" not in err
    if status == 2:
        assert all(re.match(r"^(industries/minimal\.yaml:\d+: |\d+ problem)", line) for line in err.splitlines()), err
