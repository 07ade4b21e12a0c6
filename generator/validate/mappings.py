"""Stage 2, the document walked once: every mapping with its pointer, read by the checks of `rules` and `lint`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.load.document import escape


def walk_mappings(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every mapping of the document with its pointer, in document order."""
    stack = [(pointer, node)]
    push = stack.append
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            yield pointer, node
            for key in reversed(node):  # only containers get a pointer: most values are scalars
                if isinstance(child := node[key], (dict, list)):
                    push((f"{pointer}/{escape(str(key))}", child))
        elif isinstance(node, list):
            for index in range(len(node) - 1, -1, -1):
                if isinstance(child := node[index], (dict, list)):
                    push((f"{pointer}/{index}", child))


def in_example(pointer: str) -> bool:
    """Whether a pointer leads into example data, where keys mean nothing to OpenAPI."""
    return "/examples/" in pointer or "/example/" in pointer or pointer.endswith("/example")
