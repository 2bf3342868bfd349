"""Hypothesis throws broken profiles at `build.py check`, run as a user runs it (a subprocess).

Mutations change the structure (any value replaced by any other), the scalar values (dates that
do not exist, huge and base-60 numbers, control characters, invisible and exotic Unicode) and the
raw text (characters and tokens pasted where YAML reads them unquoted). Every outcome must be
success, or exit 2 with `industries/minimal.yaml:N:` lines and nothing else: a traceback, a hang,
another exit status or a terminal control character in a message fails the test.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, link_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bad_input import TERMINAL_CONTROLS, run_build

MINIMAL = yaml.safe_load((FIXTURES / "good" / "minimal.yaml").read_text(encoding="utf-8"))
PLACEHOLDER = "fuzzplaceholder"

NASTY_CHARACTERS = "\0\a\b\v\f\r\x1b\x7f\x80\x85\x9f\u00ad\u200b\u200d\u2028\u202e\u2066\ufeff\u3164\U0001f600"
markup_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),  # every plane and category, control included
    st.text(alphabet=st.sampled_from(NASTY_CHARACTERS + "ab &<"), max_size=12),
    st.sampled_from(["<script>alert(1)</script>", "{{ 7*7 }}", "{% include 'x' %}", "[x](javascript:y)", "", "   "]),
)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=10**300, max_value=10**320),
    st.floats(allow_nan=True),
    st.booleans(),
    st.sampled_from([0, 1, 2, 4, 5, -1, 2.0]),
)
leaf = st.one_of(st.none(), numbers, st.dates(), st.datetimes(), markup_text)
value = st.recursive(
    leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=12,
)
#: Written into the YAML text unquoted, where PyYAML resolves them itself.
raw_tokens = st.one_of(
    st.sampled_from(["2026-02-30", "2026-13-01", "0000-01-01", "2026-02-29 25:61:00", "1:20:30", "190:20:30.15"]),
    st.sampled_from(["9" * 5000, "0x" + "f" * 5000, "1e99999", ".nan", "-.inf", "~", "yes", "0o17", "1_000"]),
    st.sampled_from(["!!binary AAAA", "!!binary ***", "!!timestamp x", "!!int x", "!!float x", "&a x", "*nowhere"]),
    st.sampled_from(['"\\e[2J"', '"\\0"', '"\\x85"', '"\\u200b"', '"\\U0010ffff"', "'unclosed", "{", "[", "|", ">-"]),
)


def paths(node: Any, prefix: tuple = ()) -> Any:
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from paths(child, (*prefix, index))


ALL_PATHS = [p for p in paths(MINIMAL) if p]


def replaced(document: Any, path: tuple, new: Any) -> Any:
    document = copy.deepcopy(document)
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return document


@st.composite
def broken_profiles(draw: st.DrawFn) -> bytes:
    """The minimal profile with one value replaced, one raw token pasted, or one character inserted."""
    path = draw(st.sampled_from(ALL_PATHS))
    how = draw(st.sampled_from(["value", "raw token", "raw character"]))
    if how == "value":
        text = yaml.safe_dump(replaced(MINIMAL, path, draw(value)), allow_unicode=draw(st.booleans()))
    elif how == "raw token":
        text = yaml.safe_dump(replaced(MINIMAL, path, PLACEHOLDER), allow_unicode=True)
        text = text.replace(PLACEHOLDER, draw(raw_tokens), 1)
    else:
        text = yaml.safe_dump(MINIMAL, allow_unicode=True)
        at = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + draw(st.sampled_from(NASTY_CHARACTERS)) + text[at:]
    return text.encode("utf-8", errors="surrogatepass")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile=broken_profiles())
def test_any_broken_profile_is_valid_or_reported_with_file_and_line(tmp_path_factory: pytest.TempPathFactory, profile):
    root = link_project(tmp_path_factory.mktemp("fuzz") / "project", {"minimal.yaml": profile})

    result = run_build(root, "check", timeout=30)

    if result.returncode == 0:
        return
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert not TERMINAL_CONTROLS.search(result.stderr), result.stderr
    assert any(re.match(r"^industries/minimal\.yaml:\d+: ", line) for line in lines), result.stderr
    assert all(re.match(r"^(industries/minimal\.yaml(:\d+)?: |\d+ problem\(s\) found)", line) for line in lines), (
        result.stderr
    )
