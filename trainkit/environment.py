"""The one way this package makes a Jinja environment, and the compile caches a build passes down.

Every environment is strict (StrictUndefined: a missing value is an error naming template and
line) and autoescaping (profile values are data). The caches live in a :class:`TemplateCaches`
object that a build creates and hands to the stages that render; each store is bounded, so a
long ``build.py serve`` keeps the recent templates and forgets the rest.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from types import CodeType
from typing import Any, Generic, TypeVar

import jinja2

Key = TypeVar("Key")
Value = TypeVar("Value")

#: Compiled templates kept per store: the content, page, macro and print templates (about 40)
#: and every text field of every module.yaml (about 600) fit with room for a few edits.
MAX_ENTRIES = 2048


class BoundedStore(Generic[Key, Value]):
    """A mapping that keeps at most ``limit`` entries, forgetting the least recently used."""

    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Key, Value] = OrderedDict()
        self._limit = limit

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key, make: Callable[[], Value]) -> Value:
        """The value for ``key``, made with ``make()`` (and remembered) when it is not here."""
        if key in self._entries:
            self._entries.move_to_end(key)
            return self._entries[key]
        value = make()
        self.put(key, value)
        return value

    def put(self, key: Key, value: Value) -> None:
        """Remember ``value`` for ``key`` as the most recently used entry."""
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self._limit:
            self._entries.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._entries


class TemplateCaches(jinja2.BytecodeCache):
    """Compiled templates shared by every environment a build makes, and the print environments.

    The content environments of the editions differ only in their globals (the edition and its
    macros), so one compiled template serves them all; compiling afresh per edition and industry
    was the largest cost of rendering in the py-spy profile. Jinja keys each bytecode entry by the
    template's name and source, so an edited template is compiled again.
    """

    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        self.bytecode: BoundedStore[str, bytes] = BoundedStore(limit)
        #: module.yaml text → compiled code, for every edition's environment
        self.texts: BoundedStore[str, CodeType] = BoundedStore(limit)
        #: one print environment per project: its template cache spares recompiling book.html
        self.print_environments: BoundedStore[Path, jinja2.Environment] = BoundedStore(8)
        #: templates compiled another way (a spelling variety respells them): separate stores
        self.variants: BoundedStore[str, TemplateCaches] = BoundedStore(8)
        self.limit = limit

    def variant(self, name: str) -> TemplateCaches:
        """The caches for one spelling variety; US English, the source variety, uses these ones."""
        if name == "en-US":
            return self
        return self.variants.get(name, lambda: TemplateCaches(self.limit))

    def load_bytecode(self, bucket: Any) -> None:
        if bucket.key in self.bytecode:
            bucket.bytecode_from_string(self.bytecode.get(bucket.key, bytes))

    def dump_bytecode(self, bucket: Any) -> None:
        self.bytecode.put(bucket.key, bucket.bytecode_to_string())

    def compiled_text(self, env: jinja2.Environment, source: str) -> jinja2.Template:
        """``env.from_string(source)``, compiled once for every environment that shares these caches."""
        code = self.texts.get(source, lambda: env.compile(source))
        return env.template_class.from_code(env, code, env.make_globals(None))


def strict_environment(folders: Sequence[Path], **options: Any) -> jinja2.Environment:
    """A Jinja environment loading from ``folders``: StrictUndefined and autoescape always on.

    ``options`` are further :class:`jinja2.Environment` settings (``finalize``,
    ``bytecode_cache``, whitespace control); strictness and escaping cannot be turned off.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(folders)),
        **options,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
    )
