"""How schemas get class names that stay put when the spec changes elsewhere.

Component schemas are named by their key; keys that map to one class name are
told apart by sorted key order, never by spec order. Inline schemas use their
title only when no other schema has it (see `SchemaBuilder._claim` for the rest).
"""

from __future__ import annotations

from typing import Any

from generator.ir.names import ClassName
from generator.load.document import split_pointer


def component_names(pointers: list[str]) -> dict[str, ClassName]:
    """Class names for component schemas; keys that clash are told apart by their sorted order, not spec order."""
    groups: dict[ClassName, list[str]] = {}
    for pointer in pointers:
        groups.setdefault(ClassName(split_pointer(pointer)[-1]), []).append(pointer)
    names: dict[str, ClassName] = {}
    taken = set(groups)
    for base, members in groups.items():
        for rank, pointer in enumerate(sorted(members, key=lambda p: split_pointer(p)[-1])):
            name, counter = base, rank + 1
            while rank and (name == base or name in taken or name in names.values()):
                counter += 1
                name = ClassName(f"{base}{counter - 1}")
            names[pointer] = name
    return names


def unique_titles(data: Any, taken: set[str]) -> set[str]:
    """Titles of inline schemas that exactly one schema has and no component is called."""
    counts: dict[str, int] = {}
    stack: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            title = node.get("title")
            component = len(path) == 3 and path[:2] == ("components", "schemas")
            if isinstance(title, str) and title.strip() and not component:
                counts[ClassName(title)] = counts.get(ClassName(title), 0) + 1
            skip = ("example", "examples")  # data, not schemas
            stack.extend(((*path, str(k)), v) for k, v in node.items() if k not in skip and not str(k).startswith("x-"))
        elif isinstance(node, list):
            stack.extend(((*path, str(i)), v) for i, v in enumerate(node))
    return {title for title, count in counts.items() if count == 1 and title not in taken}
