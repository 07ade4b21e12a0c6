"""Edits used to measure review noise: how much generated output one unrelated spec change touches.

Shared by the stability tests and `bench/review_noise.py`.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

# Shaped like the vendor's own objects: an `object` discriminator enum and a nested inline object.
NEW_SCHEMA = {
    "type": "object",
    "description": "A schema inserted to measure review noise.",
    "properties": {
        "id": {"type": "string"},
        "object": {"type": "string", "enum": ["inserted_object"]},
        "settings": {"type": "object", "properties": {"type": {"type": "string", "enum": ["A", "B"]}}},
    },
}


def _referenced(data: Any) -> set[str]:
    text = json.dumps(data)
    return {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}


def insert_first(data: dict[str, Any]) -> dict[str, Any]:
    """The spec with a new schema at the front of `components.schemas`."""
    schemas = data["components"]["schemas"]
    return {**data, "components": {**data["components"], "schemas": {"AaaInsertedSchema": NEW_SCHEMA, **schemas}}}


def delete_middle(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) for deleting an unreferenced schema from the middle of `components.schemas`.

    When every schema is referenced (as in the vendor's spec), `before` has one more, unreferenced
    schema in the middle, and `after` is the spec as it is.
    """
    schemas = data["components"]["schemas"]
    names = list(schemas)
    middle = len(names) // 2
    unreferenced = [n for n in names if n not in _referenced(data)]
    if not unreferenced:
        items = list(schemas.items())
        padded = dict([*items[:middle], ("MiddleUnusedSchema", NEW_SCHEMA), *items[middle:]])
        return {**data, "components": {**data["components"], "schemas": padded}}, data
    name = min(unreferenced, key=lambda n: abs(names.index(n) - middle))
    kept = {k: v for k, v in schemas.items() if k != name}
    return data, {**data, "components": {**data["components"], "schemas": kept}}


def reverse_order(data: dict[str, Any]) -> dict[str, Any]:
    """The spec with `components.schemas` in reverse order."""
    schemas = data["components"]["schemas"]
    return {**data, "components": {**data["components"], "schemas": dict(reversed(list(schemas.items())))}}


def diff_lines(before: dict[str, str], after: dict[str, str]) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) across two trees."""
    removed: list[str] = []
    added: list[str] = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name, "").splitlines(), after.get(name, "").splitlines()
        for line in difflib.unified_diff(old, new, lineterm="", n=0):
            if line.startswith(("+++", "---")):
                continue
            if line.startswith("-"):
                removed.append(line[1:])
            elif line.startswith("+"):
                added.append(line[1:])
    return removed, added


def changed_lines(before: dict[str, str], after: dict[str, str]) -> int:
    """Lines added plus lines removed across two trees."""
    removed, added = diff_lines(before, after)
    return len(removed) + len(added)
