"""Schemas with `properties` and no `type`: JSON Schema lets every non-object value through them too.

By default their classes stay plain classes, as their authors mean, and one warning per spec says so;
`untyped-properties = "exact"` types each use as JSON Schema reads it, the class or any non-object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.load.document import Document

Deref = Callable[[Any, str], tuple[Any, str]]

# Keywords that limit which JSON types a schema admits (`type`, or a choice among values or schemas).
_LIMITING = frozenset({"type", "enum", "const", "oneOf", "anyOf", "not"})
# What such a schema admits besides objects, typed exactly.
_NON_OBJECTS: tuple[ir.TypeExpr, ...] = (
    *(ir.Primitive(n) for n in ("str", "int", "float", "bool")),
    ir.ListOf(ir.Primitive("Any")),
)


def untyped_object(schema: Any, pointer: str, deref: Deref) -> bool:
    """Whether a schema with `properties` says nothing else of its type, through `$ref`s and `allOf`:
    JSON Schema then lets every non-object value through it (`properties` only constrain objects)."""
    seen: set[str] = set()
    pending = [(schema, pointer)]
    has_properties = False
    while pending:
        node, at = deref(*pending.pop())
        if not isinstance(node, dict) or at in seen:
            continue
        seen.add(at)
        if node.keys() & _LIMITING:
            return False
        has_properties = has_properties or bool(node.get("properties"))
        members = node["allOf"] if isinstance(node.get("allOf"), list) else []
        pending.extend((m, f"{at}/allOf/{i}") for i, m in enumerate(members))
    return has_properties


class UntypedObjects:
    """The uses of classes whose schemas have `properties` and no `type`, in one document."""

    def __init__(self, doc: Document, deref: Deref, exact: bool) -> None:
        self._doc, self._deref, self._exact = doc, deref, exact
        self._pointers: dict[str, None] = {}  # the schemas seen, in spec order

    def use(self, t: ir.TypeExpr, schema: Any, pointer: str) -> ir.TypeExpr:
        """`t` (the class, perhaps nullable) as a use of `schema` is typed: widened to every non-object
        value when exact, else as it is (and noted)."""
        if not untyped_object(schema, pointer, self._deref):
            return t
        self._pointers.setdefault(pointer)
        return ir.Nullable(ir.UnionOf((t, *_NON_OBJECTS))) if self._exact else t

    def note(self) -> Diagnostic | None:
        """One warning for every class typed as an object though its schema does not say `type: object`."""
        if not self._pointers or self._exact:
            return None
        first, count = next(iter(self._pointers)), len(self._pointers)
        return Diagnostic(
            Severity.WARNING,
            self._doc.locate(first),
            f"{count} schema(s) with `properties` but no `type`, this one first, are typed as objects (as their "
            "authors surely mean); JSON Schema would also let any non-object value (a string, a number, an "
            "array, null) through them, which their classes refuse.",
            'add `type: object` to them, or set `untyped-properties = "exact"` in [tool.sdk-generator] to type '
            "them `Class | str | int | float | bool | list[Any] | None`.",
        )
