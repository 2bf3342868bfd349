"""One strict Jinja environment factory, and compile caches that a long `serve` cannot grow."""

from __future__ import annotations

import jinja2
import pytest

from trainkit.editions import WORKBOOK
from trainkit.environment import BoundedStore, TemplateCaches, strict_environment
from trainkit.pipeline import PROJECT_ROOT
from trainkit.render import compile_text, make_environment


def test_a_store_keeps_only_its_most_recently_used_entries():
    store: BoundedStore[str, int] = BoundedStore(limit=2)
    store.put("a", 1)
    store.put("b", 2)
    assert store.get("a", lambda: 0) == 1  # "a" is now the most recent
    store.put("c", 3)
    assert len(store) == 2
    assert "b" not in store and "a" in store and "c" in store


def test_compiled_module_texts_stay_within_the_limit_and_still_render():
    caches = TemplateCaches(limit=3)
    env = make_environment(PROJECT_ROOT, WORKBOOK, caches)
    for number in range(10):
        assert compile_text(env, f"{{{{ {number} + 1 }}}}").render() == str(number + 1)
    assert len(caches.texts) == 3


def test_environments_sharing_caches_compile_a_text_once():
    caches = TemplateCaches()
    first = make_environment(PROJECT_ROOT, WORKBOOK, caches)
    second = make_environment(PROJECT_ROOT, WORKBOOK, caches)
    compile_text(first, "{{ 6 * 7 }}")
    assert len(caches.texts) == 1
    assert compile_text(second, "{{ 6 * 7 }}").render() == "42"
    assert len(caches.texts) == 1


def test_every_environment_is_strict_and_escapes_and_neither_can_be_turned_off():
    env = strict_environment([PROJECT_ROOT / "templates"])
    assert env.from_string("{{ value }}").render(value="<b>") == "&lt;b&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    for loosened in ({"autoescape": False}, {"undefined": jinja2.Undefined}):
        with pytest.raises(TypeError):
            strict_environment([PROJECT_ROOT / "templates"], **loosened)
