"""Map JSON pointers to line and column in a YAML or JSON text.

Only used to report errors, so nothing is tracked while loading. A JSON text is
searched lazily: each lookup walks down the pointer, skipping sibling values at
C speed (`json`'s own decoder) and remembering the keys it passed, so a few
diagnostics in a 3 MB spec cost milliseconds. A YAML text is composed once with
PyYAML and every node's position recorded.
"""

from __future__ import annotations

import json
import re
from typing import Protocol

import yaml

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class SourceMap(Protocol):
    def position(self, parts: list[str]) -> tuple[int, int] | None:
        """(line, column), 1-based, of the node at `parts` or of its closest ancestor in the text."""


def for_text(text: str, is_json: bool) -> SourceMap:
    """The source map suited to a text: searched lazily for JSON, composed for YAML."""
    return JsonMap(text) if is_json else YamlMap(text)


class YamlMap:
    """Every node's position, from one compose of the text."""

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[str, ...], tuple[int, int]] = {}
        try:
            root = yaml.compose(text, Loader=_Loader)
        except yaml.YAMLError:
            return
        if root is None:
            return
        self._lines[()] = _mark(root)
        stack: list[tuple[tuple[str, ...], yaml.Node]] = [((), root)]
        while stack:
            parts, node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                children = [(str(key.value), key, value) for key, value in node.value]
            elif isinstance(node, yaml.SequenceNode):
                children = [(str(i), item, item) for i, item in enumerate(node.value)]
            else:
                continue
            for part, anchor, child in children:
                child_parts = (*parts, part)
                self._lines.setdefault(child_parts, _mark(anchor))
                stack.append((child_parts, child))

    def position(self, parts: list[str]) -> tuple[int, int] | None:
        """(line, column) of the node at `parts` or of its closest ancestor."""
        key = tuple(parts)
        while key not in self._lines:
            if not key:
                return None
            key = key[:-1]
        return self._lines[key]


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class JsonMap:
    """Positions found on demand by walking the JSON text down a pointer."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._containers: dict[int, _Container] = {}

    def position(self, parts: list[str]) -> tuple[int, int] | None:
        """(line, column) of the node at `parts` or of its closest ancestor; None if the text is not JSON."""
        try:
            offset = self._offset(parts)
        except (ValueError, IndexError):
            return None
        line = self._text.count("\n", 0, offset) + 1
        return line, offset - (self._text.rfind("\n", 0, offset) + 1) + 1

    def _offset(self, parts: list[str]) -> int:
        value = found = _skip_space(self._text, 0)
        for part in parts:
            if self._text[value] not in "{[":
                break
            container = self._containers.setdefault(value, _Container(value))
            member = container.find(self._text, part)
            if member is None:
                break
            found, value = member
        return found


class _Container:
    """An object or array of a JSON text, scanned only as far as lookups needed."""

    def __init__(self, start: int) -> None:
        self.start = start
        self.members: dict[str, tuple[int, int]] = {}  # key or index -> (where it starts, where its value starts)
        self.unskipped: int | None = None  # start of the last member's value, not yet skipped
        self.done = False

    def find(self, text: str, part: str) -> tuple[int, int] | None:
        """The member `part`: (its key or item offset, its value offset), scanning on from where we stopped."""
        is_object = text[self.start] == "{"
        while part not in self.members and not self.done:
            if self.unskipped is None:
                at = _skip_space(text, self.start + 1)
            else:
                at = _skip_space(text, _DECODER.raw_decode(text, self.unskipped)[1])
                if text[at] == ",":
                    at = _skip_space(text, at + 1)
            if text[at] in "}]":
                self.done = True
                break
            anchor = at
            key = str(len(self.members))
            if is_object:
                key, at = json.decoder.scanstring(text, at + 1)  # type: ignore[attr-defined]
                at = _skip_space(text, _skip_space(text, at) + 1)  # past the ':'
            self.members.setdefault(key, (anchor, at))
            self.unskipped = at
        return self.members.get(part)


def _skip_space(text: str, at: int) -> int:
    return at + len(_SPACE.match(text, at).group())  # type: ignore[union-attr]
