"""Read YAML sources as untrusted data, remembering the line of every value.

Safe loading only (no Python tags), with limits on file size, aliases and expanded size, and
duplicate keys reported rather than silently overwritten. Every failure is a
:class:`~trainkit.errors.Problem` naming the file and line.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .text import character_name, first_control

MAX_FILE_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 50_000
#: Larger numbers are kept as the text they are: no profile counts that high, and Python will not
#: print an int of over 4,300 digits.
MAX_INTEGER_BITS = 128

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its data and the 1-based line where each value starts.

    A merged document (an organisation over its industry, trainkit/merge.py) also records, in
    ``files``, the file each value came from when it is not ``file``, and in ``labels`` the field
    as that file spells it when it differs (``brand.color.primary`` for ``branding.accent_colour``).
    """

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    files: dict[PathKey, str] = field(default_factory=dict)
    labels: dict[PathKey, str] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int:
        """Line of the value at ``path``, or of its nearest ancestor that exists."""
        return self.where(path)[1]

    def where(self, path: PathKey) -> tuple[str, int]:
        """File and line of the value at ``path``, or of its nearest ancestor that exists."""
        for end in range(len(path), -1, -1):
            key = tuple(path[:end])
            line = self.lines.get(key)
            if line is not None:
                return self.files.get(key, self.file), line
        return self.file, 1

    def label(self, path: PathKey, shown: str) -> str:
        """The field name to show for ``path``: ``shown`` unless its file spells it otherwise."""
        return self.labels.get(tuple(path), shown)


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


def load_yaml(path: Path, display_name: str, within: Path | None = None) -> Document:
    """Parse one YAML file into a :class:`Document` or raise :class:`LoadFailed`.

    With ``within``, a link that leads outside that folder is refused before it is read.
    """
    text = decode(read_bounded(path, within))
    if not text.strip():
        raise LoadFailed(1, "the file is empty; it must hold a YAML mapping of fields")
    try:
        loader = _CountingLoader(text)
    except yaml.reader.ReaderError as err:  # the reader refuses noncharacters such as U+FFFE as it starts
        line = text.count("\n", 0, err.position) + 1
        bad = chr(err.character) if isinstance(err.character, int) else "?"
        raise LoadFailed(
            line, f"holds the character {character_name(bad)}, which YAML does not allow; delete it"
        ) from None
    fast = _composed_by_libyaml(text)
    try:
        data, lines = _parse(fast or loader)
    finally:
        loader.dispose()
        if fast is not None:
            fast.dispose()
    if not isinstance(data, dict):
        raise LoadFailed(1, f"expected a mapping of fields at the top level but found a {_yaml_kind(data)}")
    return Document(display_name, data, lines)


class _FastLoader(yaml.CSafeLoader):
    """The same safe loading through libyaml's parser, about eight times faster than PyYAML's own."""

    aliases_seen = 0
    composed: yaml.Node | None = None

    def get_single_node(self) -> Any:
        return self.composed


def _composed_by_libyaml(text: str) -> _FastLoader | None:
    """A loader holding the document as libyaml composed it, when that is plain: one document
    without aliases. Anything else (aliases, a syntax error, no libyaml) returns None, and PyYAML's
    own parser, which counts aliases as it goes and words every error, reads the file instead."""
    if not yaml.__with_libyaml__:
        return None
    loader = _FastLoader(text)
    try:
        loader.composed = yaml.CSafeLoader.get_single_node(loader)
    except Exception:  # PyYAML's parser reports the same problem in the words this module expects
        loader.dispose()
        return None
    if loader.composed is None or _shares_nodes(loader.composed):
        loader.dispose()
        return None
    return loader


def _shares_nodes(root: yaml.Node) -> bool:
    """Whether a node is reached twice (an alias), walking each node once however it is shared."""
    seen: set[int] = set()
    waiting = [root]
    while waiting:
        node = waiting.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            waiting.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for pair in node.value:
                waiting.extend(pair)
    return False


def read_bounded(path: Path, within: Path | None = None) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_FILE_BYTES`, checked before reading.

    Opened without blocking (a FIFO would wait forever for a writer) and measured on the open
    file, so a device such as ``/dev/zero`` or a file that grows is never read past the limit.
    """
    try:
        if within is not None and not path.resolve(strict=True).is_relative_to(within.resolve()):
            raise LoadFailed(None, "is a link to a file outside the project; copy the file here instead of linking it")
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise LoadFailed(None, "is a link to a file that does not exist; remove the link or fix its target") from None
    except (RuntimeError, OSError) as err:  # RuntimeError: pathlib's report of a link loop
        if isinstance(err, RuntimeError) or err.errno == errno.ELOOP:
            raise LoadFailed(None, "is a link that leads back to itself (a link loop); remove it") from None
        raise LoadFailed(None, f"cannot be read ({err.strerror}); check its permissions") from None
    try:
        kind = _file_kind(os.fstat(handle).st_mode)
        if kind:
            raise LoadFailed(None, f"is a {kind}, not a file; remove it or give it a name that does not end in .yaml")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES and (chunk := os.read(handle, MAX_FILE_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(handle)
    if size > MAX_FILE_BYTES:
        raise LoadFailed(None, f"file is over {MAX_FILE_BYTES:,} bytes, the limit; split it or trim it")
    return b"".join(chunks)


def decode(raw: bytes) -> str:
    """UTF-8 text without control characters (YAML reads carriage returns as line breaks)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        bad_line = raw[: err.start].count(b"\n") + 1
        raise LoadFailed(bad_line, f"not valid UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8") from None
    # Word processors paste vertical tabs and form feeds; editors do not show them. Name the line.
    for number, line in enumerate(text.split("\n"), 1):
        bad = first_control(line.replace("\r", ""))
        if bad is not None:
            column = line.index(bad) + 1
            raise LoadFailed(
                number,
                f"column {column} holds the invisible control character {character_name(bad)}, "
                "often pasted from a word processor; delete it",
            )
    return text


def _parse(loader: _CountingLoader | _FastLoader) -> tuple[Any, dict[PathKey, int]]:
    """Compose, index and construct the single document, turning every YAML error into a problem."""
    line: int | None
    try:
        root = loader.get_single_node()
        if root is None:
            raise LoadFailed(1, "the file holds no YAML document; it must hold a mapping of fields")
        lines: dict[PathKey, int] = {}
        _Indexer(loader, lines).visit(root, ())
        return loader.construct_document(root), lines
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        detail = err.problem or "unsupported YAML"
        if "python/" in str(detail) or "could not determine a constructor" in str(detail):
            detail = f"{detail.strip()}; tags such as !!python/... are not allowed, profiles are plain data"
        raise LoadFailed(line, detail) from None
    except yaml.MarkedYAMLError as err:
        raise LoadFailed(*_syntax_problem(err)) from None
    except yaml.YAMLError as err:
        raise LoadFailed(None, f"YAML error: {err}") from None
    except RecursionError:
        raise LoadFailed(None, "the YAML nests too deeply to be a profile") from None
    except (ValueError, OverflowError, TypeError) as err:  # a value PyYAML recognised but cannot build
        raise LoadFailed(None, f"a value YAML cannot read ({err}); write it as plain text in quotes") from None


def _syntax_problem(err: yaml.MarkedYAMLError) -> tuple[int | None, str]:
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
    return line, f"YAML syntax error: {err.problem}{started}; {hint}"


class _Indexer:
    """Walks the composed document before it is built: records each value's line, refuses
    duplicate keys, caps the expanded size (alias bombs), and reads as text the plain scalars that
    YAML 1.1 would turn into something the writer did not mean or that cannot be built."""

    def __init__(self, loader: _CountingLoader | _FastLoader, lines: dict[PathKey, int]) -> None:
        self.loader = loader
        self.lines = lines
        self.count = 0

    def visit(self, node: yaml.Node, path: PathKey) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            if self.loader.aliases_seen:
                message = f"the document expands to more than {MAX_NODES:,} values (aliases nested in aliases?)"
            else:
                message = f"the document holds more than {MAX_NODES:,} values, far more than a profile needs"
            raise LoadFailed(node.start_mark.line + 1, f"{message}; shorten the lists")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            self._plain_scalar_as_text(node)
        elif isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                line = key_node.start_mark.line + 1
                if key in seen:
                    where = ".".join(str(p) for p in (*path, key))
                    raise LoadFailed(line, f"{where}: duplicate key (first at line {seen[key]}); keep one of them")
                seen[key] = line
                self.lines[(*path, key)] = line
                if isinstance(key_node, yaml.ScalarNode):
                    self._plain_scalar_as_text(key_node)
                    if key_node.tag != _STR:  # `~:` or `5:` is reported as key 'None' or '5': find it there too
                        self.lines.setdefault((*path, str(self.loader.construct_object(key_node))), line)
                self.visit(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.visit(item, (*path, index))

    def _plain_scalar_as_text(self, node: yaml.ScalarNode) -> None:
        """Keep ``1:20:30`` (YAML 1.1 base 60: 4830), ``2026-02-30`` (no such day) and numbers
        too long to print as the text they are; validation then says what it expected. A value
        that does not fit the tag written on it (``!!bool maybe``) is refused here, with its line."""
        if node.tag in (_INT, _FLOAT) and ":" in node.value:
            node.tag = _STR
            return
        if node.tag not in _SCALAR_TAGS:
            return
        try:
            built = self.loader.yaml_constructors[node.tag](self.loader, node)
        except (ValueError, OverflowError):
            node.tag = _STR
            return
        except Exception:  # PyYAML fails in many ways on an explicit tag that does not fit
            raise LoadFailed(
                node.start_mark.line + 1,
                f"{node.value[:40]!r} cannot be read as {node.tag.rsplit(':', 1)[-1]}; remove the !! tag",
            ) from None
        if isinstance(built, int) and built.bit_length() > MAX_INTEGER_BITS:  # 0xfff…: too long to print
            node.tag = _STR


_STR, _INT, _FLOAT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{kind}" for kind in ("null", "bool", "int", "float", "binary", "timestamp")
)


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if value is None:
        return "null"
    return type(value).__name__


def _file_kind(mode: int) -> str:
    """What a path is when it is not a regular file ("" when it is one)."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"
