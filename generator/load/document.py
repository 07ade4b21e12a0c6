"""Stage 1, load: read a spec file into plain data, safely.

YAML is read with PyYAML's safe loader, so tags that would build Python objects
are refused; JSON with the standard library. Line numbers are not tracked while
loading (that would slow every run down); `Document.locate` finds them again
only when a diagnostic needs one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from generator.errors import Diagnostic, Location, Severity, SpecError
from generator.load import limits, sourcemap, yaml_errors

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(Exception):
    """A mapping with the same key twice (PyYAML would silently keep the last)."""

    def __init__(self, key: object, first: Any, second: Any) -> None:
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


class _Loader(_SafeLoader):  # type: ignore[misc]
    """The safe loader, refusing duplicate keys instead of keeping the last one, and documents over `limits`."""

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None:
            limits.check_tree(node)  # before building: a billion laughs is refused before it is built
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.setdefault(key, key_node.start_mark)
            except TypeError:
                continue  # an unhashable key: PyYAML's own error explains it
            if first is not key_node.start_mark:
                raise _DuplicateKey(key, first, key_node.start_mark)
        return super().construct_mapping(node, deep)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Document:
    """A loaded spec: its data, its text (for locating errors) and its display name."""

    name: str
    text: str
    data: Any
    # Parts of `data` that came from elsewhere: (prefix here, the document it came from, prefix there).
    mounts: tuple[tuple[str, Document, str], ...] = ()

    @cached_property
    def _source_map(self) -> sourcemap.SourceMap:
        return sourcemap.for_text(self.text, is_json=self.name.endswith(".json"))

    def locate(self, pointer: str) -> Location:
        """Return the location of `pointer`, with the line and column of its nearest node."""
        for prefix, source, source_prefix in self.mounts:
            if pointer == prefix or pointer.startswith(prefix + "/"):
                return source.locate(source_prefix + pointer[len(prefix) :])
        line_col = self._source_map.position(split_pointer(pointer))
        if line_col is None:
            return Location(self.name, pointer)
        return Location(self.name, pointer, *line_col)

    def error(self, pointer: str, message: str, hint: str) -> SpecError:
        """Build a one-diagnostic SpecError located at `pointer`."""
        return SpecError.at(self.locate(pointer), message, hint)

    def resolve(self, pointer: str) -> Any:
        """Return the value at a JSON pointer (without the leading '#')."""
        node = self.data
        for part in split_pointer(pointer):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise KeyError(pointer)
        return node


def ref_pointer(ref: str) -> str:
    """The JSON pointer a local `$ref` (`#/a/b`) names: its fragment, percent-decoded (RFC 6901, section 6).

    `#/paths/~1pets~1%7Bid%7D` names the path `/pets/{id}`, as a URI fragment must spell it.
    """
    return unquote(ref[1:])


def split_pointer(pointer: str) -> list[str]:
    """Split a JSON pointer into unescaped parts (RFC 6901)."""
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]


def join_pointer(*parts: str | int) -> str:
    """Join parts into a JSON pointer, escaping '~' and '/'."""
    return "".join("/" + escape(str(p)) for p in parts)


def escape(part: str) -> str:
    """One pointer part, escaped (RFC 6901: `~` as `~0`, `/` as `~1`)."""
    return part.replace("~", "~0").replace("/", "~1") if "~" in part or "/" in part else part


def load(path: Path, name: str | None = None, *, quote: bool = True) -> Document:
    """Load a YAML or JSON spec file; raise SpecError with a location when it cannot be read.

    `quote=False` for a file the spec only refers to: its errors then never repeat its text (a key, a
    tag, a character), only where it is wrong, so a `$ref` cannot make the generator print a file.
    """
    shown = name or path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError.at(
            Location(shown), f"cannot read the file ({exc.strerror}).", "check the path and that the file is readable."
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError.at(
            Location(shown), f"the file is not UTF-8 (bad byte at offset {exc.start}).", "save the spec as UTF-8."
        ) from None
    try:
        data = _parse_json(text, shown) if path.suffix == ".json" else _parse_yaml(text, shown, quote)
    except limits.LimitExceeded as exc:
        where = _mark_location(shown, exc.mark) if exc.offset is None else _offset_location(shown, text, exc.offset)
        raise SpecError.at(where, exc.message, exc.fix) from None
    if not isinstance(data, dict):
        raise SpecError.at(
            Location(shown, "", 1, 1),
            "the document is not a mapping, so it cannot be an OpenAPI document.",
            "start the file with `openapi: 3.1.0` and the other top-level keys.",
        )
    return Document(shown, text, data)


def _parse_json(text: str, name: str) -> Any:
    try:
        return limits.loads_json(text, json.loads)
    except json.JSONDecodeError as exc:
        raise SpecError.at(
            Location(name, "", exc.lineno, exc.colno),
            f"invalid JSON: {exc.msg}.",
            "correct the JSON syntax at that position.",
        ) from None


def _parse_yaml(text: str, name: str, quote: bool) -> Any:
    try:
        limits.check_yaml_depth(text, _Loader)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except _DuplicateKey as exc:
        key = f"the key {exc.key!r}" if quote else "a key"
        message = (
            f"{key} appears twice in one mapping (lines {exc.first.line + 1} and "
            f"{exc.second.line + 1}); YAML would keep only the second and lose the first without a word."
        )
        fix = "remove one of the two, or merge them into one entry."
        raise SpecError(
            [
                Diagnostic(Severity.ERROR, _mark_location(name, exc.first), message, fix),
                Diagnostic(Severity.ERROR, _mark_location(name, exc.second), message, fix),
            ]
        ) from None
    except yaml.constructor.ConstructorError as exc:
        raise SpecError.at(
            _mark_location(name, exc.problem_mark),
            f"YAML tag refused: {exc.problem}." if quote else "YAML tag refused.",
            "remove the tag; a spec holds plain data only, never Python objects.",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        meaning = yaml_errors.explain(problem, getattr(exc, "context", None) or "")
        message = f"invalid YAML: {problem}." if quote else "invalid YAML."
        raise SpecError.at(_mark_location(name, mark), message, f"{meaning}.") from None


def _offset_location(name: str, text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    return Location(name, "", line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _mark_location(name: str, mark: Any) -> Location:
    if mark is None:
        return Location(name)
    return Location(name, "", mark.line + 1, mark.column + 1)
