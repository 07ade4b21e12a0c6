"""Map JSON pointers to line and column in a YAML or JSON text.

Only used to report errors, so it may be slow: it composes the text with PyYAML
(JSON is YAML) and records where each mapping key and sequence item starts.
"""

from __future__ import annotations

import yaml

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def build(text: str) -> dict[str, tuple[int, int]]:
    """Return {pointer: (line, column)} for every node of the document (1-based)."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return {}
    if root is None:
        return {}
    lines = {"": _position(root)}
    stack: list[tuple[str, yaml.Node]] = [("", root)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            children = [(str(key.value).replace("~", "~0").replace("/", "~1"), key, value) for key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [(str(i), item, item) for i, item in enumerate(node.value)]
        else:
            continue
        for part, anchor, child in children:
            child_pointer = f"{pointer}/{part}"
            lines.setdefault(child_pointer, _position(anchor))
            stack.append((child_pointer, child))
    return lines


def nearest(lines: dict[str, tuple[int, int]], pointer: str) -> tuple[int, int] | None:
    """Position of `pointer`, or of its closest ancestor that exists in the text."""
    while pointer not in lines:
        if not pointer:
            return None
        pointer = pointer.rsplit("/", 1)[0]
    return lines[pointer]
