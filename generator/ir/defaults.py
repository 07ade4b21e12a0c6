"""A property's schema `default` as the generated field's default, when its literal has the field's type.

The default is written as the JSON value itself (`'asc'`, `10`, `['a']`), or as the enum member of that
value: type checkers then accept it. A default only a conversion could give the field's type (an object
for a model, a string for a `datetime`) is left out; the field is optional either way, and dumps that
exclude unset fields are unchanged by it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator import ir


def default_of(t: ir.TypeExpr, value: Any, definition: Callable[[str], ir.Definition | None]) -> tuple[Any, ...]:
    """`(value,)` (or `(EnumDefault,)`) for a field of type `t`; `()` when the value cannot be written as one."""
    inner = t.inner if isinstance(t, ir.Nullable) else t
    if value is None:
        return ()  # an optional field's default is `None` already
    if isinstance(inner, ir.Named):
        found = definition(inner.name)
        members = [m for m in found.members if _same(m.value, value)] if isinstance(found, ir.Enum) else []
        return (ir.EnumDefault(found.name, members[0].name),) if members and isinstance(found, ir.Enum) else ()
    if inner == ir.Primitive("int") and isinstance(value, float) and value.is_integer():
        return (int(value),)  # JSON Schema's integer 1.0, as Python's int
    return (value,) if _fits(t, value) else ()


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _fits(t: ir.TypeExpr, value: Any) -> bool:
    """Whether the JSON value, as written, already has type `t` for a type checker."""
    if isinstance(t, ir.Nullable):
        return value is None or _fits(t.inner, value)
    if isinstance(t, ir.UnionOf):
        return any(_fits(o, value) for o in t.options)
    if isinstance(t, ir.LiteralOf):
        return any(_same(v, value) for v in t.values)
    if isinstance(t, ir.ListOf):
        return isinstance(value, list) and all(_fits(t.item, v) for v in value)
    if isinstance(t, ir.DictOf):
        return isinstance(value, dict) and all(_fits(t.value, v) for v in value.values())
    if isinstance(t, ir.Primitive):
        kinds: dict[str, tuple[type, ...]] = {"str": (str,), "bool": (bool,), "int": (int,), "float": (int, float)}
        if t.name == "Any":
            return True
        return t.name in kinds and isinstance(value, kinds[t.name]) and (t.name == "bool") == isinstance(value, bool)
    return False
