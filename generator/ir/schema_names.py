"""How schemas get class names that stay put when the spec changes elsewhere.

Component schemas are named by their key; keys that map to one class name are
told apart by sorted key order, never by spec order. Inline schemas use their
title only when no other schema has it (see `SchemaBuilder._claim` for the rest).
"""

from __future__ import annotations

from typing import Any

from generator.ir.names import ClassName, apart
from generator.load.document import split_pointer


def component_names(pointers: list[str], reserved: frozenset[str] = frozenset()) -> dict[str, ClassName]:
    """Class names for component schemas, none in `reserved`; keys that clash are told apart by their sorted
    order, not spec order."""
    groups: dict[ClassName, list[str]] = {}
    for pointer in pointers:
        groups.setdefault(apart(ClassName(split_pointer(pointer)[-1]), reserved), []).append(pointer)
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
    # Each node with where it is: 0 the root, 1 `components`, 2 `components/schemas`, 3 a component, 4 else.
    stack: list[tuple[int, Any]] = [(0, data)]
    skip = ("example", "examples")  # data, not schemas
    while stack:
        level, node = stack.pop()
        if isinstance(node, dict):
            title = node.get("title")
            if level != 3 and isinstance(title, str) and title.strip():
                name = ClassName(title)
                counts[name] = counts.get(name, 0) + 1
            for key, value in node.items():
                if isinstance(value, (dict, list)) and key not in skip and not str(key).startswith("x-"):
                    stack.append((3 if level == 2 else _LEVELS.get((level, key), 4), value))
        elif isinstance(node, list):
            stack.extend((4, value) for value in node if isinstance(value, (dict, list)))
    return {title for title, count in counts.items() if count == 1 and title not in taken}


_LEVELS = {(0, "components"): 1, (1, "schemas"): 2}
