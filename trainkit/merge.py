"""Merge an organisation's file over the industry profile it extends, remembering where every value came from.

The rules (README "Add an organisation", docs/organisations.md):

- a mapping merges key by key, at every depth (``terms: {manager_role: duty manager}`` keeps every
  other term of the industry);
- a list replaces the inherited list;
- ``{add: [...]}`` appends to the inherited list, ``{remove: [...]}`` drops inherited items by their
  ``id`` (or ``name``; or, in a list of texts, by the exact text); both together remove first;
- anything else replaces the inherited value.

The result is a :class:`~trainkit.load.Document` like any profile's, whose ``lines`` and ``files``
say which file and line each value came from, so every check of a profile reports a problem in the
file that holds the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import Problem
from .load import Document, PathKey

LIST_EDITS = frozenset({"add", "remove"})
_MISSING = object()


def merge_documents(base: Document, over: Document) -> tuple[Document, list[Problem]]:
    """``over`` merged onto ``base``: the merged document (named after ``over``) and any problem
    with an ``add``/``remove`` edit. Both documents keep their own lines and files."""
    merger = _Merger(base, over)
    data = merger.merge(base.data, over.data, (), ())
    return Document(over.file, data, merger.lines, merger.files, merger.labels), merger.problems


def is_list_edit(value: Any) -> bool:
    """``{add: [...]}``, ``{remove: [...]}`` or both: an edit of an inherited list."""
    return isinstance(value, dict) and bool(value) and set(value) <= LIST_EDITS


def item_key(item: Any) -> str | None:
    """What ``remove`` names an inherited item by: its id, else its name, else its own text."""
    if isinstance(item, dict):
        for key in ("id", "name"):
            if isinstance(item.get(key), str):
                return str(item[key])
        return None
    return item if isinstance(item, str) else None


@dataclass
class _Merger:
    base: Document
    over: Document
    lines: dict[PathKey, int] = field(default_factory=dict)
    files: dict[PathKey, str] = field(default_factory=dict)
    labels: dict[PathKey, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def merge(self, inherited: Any, given: Any, base_path: PathKey, path: PathKey) -> Any:
        """The merged value at ``path`` (``base_path`` is where the inherited value sits in its file)."""
        if is_list_edit(given) and (inherited is _MISSING or isinstance(inherited, list)):
            self.note(self.over, path, path)
            return self.edit_list(inherited if isinstance(inherited, list) else [], given, base_path, path)
        if isinstance(given, dict) and isinstance(inherited, dict):
            self.note(self.over, path, path)
            merged = {}
            for key, value in inherited.items():
                if key not in given:
                    merged[key] = self.adopt(self.base, value, (*base_path, key), (*path, key))
            for key, value in given.items():
                merged[key] = self.merge(inherited.get(key, _MISSING), value, (*base_path, key), (*path, key))
            return merged
        if isinstance(given, dict) and isinstance(inherited, list) and LIST_EDITS & set(given):
            self.report(
                path,
                f"{self.base.file} holds a list here: write a list (it replaces the inherited one), or only "
                f"add: and remove: to edit it, not {', '.join(sorted(set(given) - LIST_EDITS))}",
            )
        return self.adopt(self.over, given, path, path)

    def edit_list(self, inherited: list[Any], edit: dict[str, Any], base_path: PathKey, path: PathKey) -> list[Any]:
        """The inherited list with ``edit['remove']`` dropped and ``edit['add']`` appended."""
        removals = self.list_in(edit, "remove", path)
        additions = self.list_in(edit, "add", path)
        keys = [item_key(item) for item in inherited]
        for index, wanted in enumerate(removals):
            where = (*path, "remove", index)
            if not isinstance(wanted, str):
                self.report(where, "name an inherited item by its id (or name, or exact text)")
            elif inherited and all(key is None for key in keys):
                self.report(where, "the items of this list have no id or name; replace the whole list instead")
            elif wanted not in keys:
                known = ", ".join(key for key in keys if key is not None)[:300]
                self.report(where, f"no inherited item is '{wanted}' ({self.base.file}); inherited: {known}")
        dropped = {wanted for wanted in removals if isinstance(wanted, str)}
        merged: list[Any] = []
        kept: dict[str, int] = {}
        for old_index, (item, key) in enumerate(zip(inherited, keys, strict=True)):
            if key is not None and key in dropped:
                continue
            if key is not None:
                kept[key] = old_index
            merged.append(self.adopt(self.base, item, (*base_path, old_index), (*path, len(merged))))
        for index, item in enumerate(additions):
            key = item_key(item)
            if key is not None and key in kept:
                file, line = self.base.where((*base_path, kept[key]))
                self.report(
                    (*path, "add", index),
                    f"'{key}' is already inherited ({file}:{line}); to change it, also write remove: [{key}], "
                    "or give the new item another id",
                )
            merged.append(self.adopt(self.over, item, (*path, "add", index), (*path, len(merged))))
        return merged

    def list_in(self, edit: dict[str, Any], key: str, path: PathKey) -> list[Any]:
        value = edit.get(key, [])
        if isinstance(value, list):
            return value
        self.report((*path, key), f"{key}: takes a list (lines starting with '- ')")
        return []

    def adopt(self, doc: Document, value: Any, old: PathKey, new: PathKey) -> Any:
        """Keep ``value`` as it is, recording where it and everything inside it came from."""
        self.note(doc, old, new)
        if isinstance(value, dict):
            for key, inner in value.items():
                self.adopt(doc, inner, (*old, key), (*new, key))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                self.adopt(doc, inner, (*old, index), (*new, index))
        return value

    def note(self, doc: Document, old: PathKey, new: PathKey) -> None:
        file, line = doc.where(old)
        self.lines[new] = line
        self.files[new] = file
        if old in doc.labels:
            self.labels[new] = doc.labels[old]

    def report(self, where: PathKey, message: str) -> None:
        file, line = self.over.where(where)
        self.problems.append(Problem(file, line, ".".join(str(part) for part in where), message))


def provenance(doc: Document, loc: PathKey) -> str:
    """For a problem with a merged list or mapping: which of its parts came from which file
    ("" when the value came from one file)."""
    if not doc.files:
        return ""
    value: Any = doc.data
    for part in loc:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return ""
    if isinstance(value, list):
        parts: list[tuple[str, str]] = [(f"[{i}]", doc.where((*loc, i))[0]) for i in range(len(value))]
    elif isinstance(value, dict):
        parts = [(str(key), doc.where((*loc, key))[0]) for key in value]
    else:
        return ""
    if len({file for _, file in parts}) < 2:
        return ""
    runs: list[tuple[str, str, str]] = []  # (first part, last part, file)
    for name, file in parts:
        if runs and runs[-1][2] == file:
            runs[-1] = (runs[-1][0], name, file)
        else:
            runs.append((name, name, file))
    shown = ", ".join(f"{first if first == last else f'{first}–{last}'} from {file}" for first, last, file in runs)
    return f" (merged value: {shown})"
