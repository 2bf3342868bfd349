"""Read YAML sources as untrusted data, remembering the line of every value.

Safe loading only (no Python tags), with limits on file size, aliases and expanded size, and
duplicate keys reported rather than silently overwritten. Every failure is a
:class:`~trainkit.errors.Problem` naming the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 50_000

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its data and the 1-based line where each value starts."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int:
        """Line of the value at ``path``, or of its nearest ancestor that exists."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


class LoadFailed(Exception):
    """Raised with the one problem that stopped a file from loading."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


class _CountingLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with more aliases than any profile needs."""

    aliases_seen = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases_seen += 1
            if self.aliases_seen > MAX_ALIASES:
                event = self.peek_event()
                raise LoadFailed(
                    event.start_mark.line + 1,
                    f"more than {MAX_ALIASES} YAML aliases (*name); write the values out instead",
                )
        return super().compose_node(parent, index)


def load_yaml(path: Path, display_name: str) -> Document:
    """Parse one YAML file into a :class:`Document` or raise :class:`LoadFailed`."""
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise LoadFailed(None, f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}. Split it or trim it")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        bad_line = raw[: err.start].count(b"\n") + 1
        raise LoadFailed(bad_line, f"not valid UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8") from None
    if not text.strip():
        raise LoadFailed(1, "the file is empty; it must hold a YAML mapping of fields")

    loader = _CountingLoader(text)
    line: int | None
    try:
        root = loader.get_single_node()
        if root is None:
            raise LoadFailed(1, "the file holds no YAML document; it must hold a mapping of fields")
        lines: dict[PathKey, int] = {}
        _index_nodes(root, (), lines, [0])
        data = loader.construct_document(root)
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        detail = err.problem or "unsupported YAML"
        if "python/" in str(detail) or "could not determine a constructor" in str(detail):
            detail = f"{detail.strip()}; tags such as !!python/... are not allowed, profiles are plain data"
        raise LoadFailed(line, detail) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        started = ""
        if err.context and err.context_mark and err.problem_mark and err.context_mark.line != err.problem_mark.line:
            started = f" ({err.context} that starts at line {err.context_mark.line + 1})"
        hint = "check indentation and quoting"
        if err.problem and ("block end" in err.problem or "block mapping" in err.problem):
            hint = "this line is indented differently from the lines around it; line it up with its siblings"
        elif err.problem and "mapping values are not allowed" in err.problem:
            hint = "a value contains ': '; put the whole value in quotes"
        raise LoadFailed(line, f"YAML syntax error: {err.problem}{started}; {hint}") from None
    except yaml.YAMLError as err:
        raise LoadFailed(None, f"YAML error: {err}") from None
    except RecursionError:
        raise LoadFailed(None, "the YAML nests too deeply to be a profile") from None
    finally:
        loader.dispose()

    if not isinstance(data, dict):
        raise LoadFailed(1, f"expected a mapping of fields at the top level but found a {_yaml_kind(data)}")
    return Document(display_name, data, lines)


def _index_nodes(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], count: list[int]) -> None:
    """Record each value's line, refuse duplicate keys, and cap the expanded size (alias bombs)."""
    count[0] += 1
    if count[0] > MAX_NODES:
        raise LoadFailed(
            node.start_mark.line + 1,
            f"the document expands to more than {MAX_NODES:,} values (aliases nested in aliases?)",
        )
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line + 1
            if key in seen:
                where = ".".join(str(p) for p in (*path, key))
                raise LoadFailed(line, f"{where}: duplicate key (first at line {seen[key]}); keep one of them")
            seen[key] = line
            lines[(*path, key)] = line
            _index_nodes(value_node, (*path, key), lines, count)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_nodes(item, (*path, index), lines, count)


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if value is None:
        return "null"
    return type(value).__name__
