"""The IR's type expressions: the Python type of a value, as the generated code spells it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.ir.names import ClassName, ConstantName

JsonScalar = str | int | float | bool | None

PrimitiveName = Literal["str", "int", "float", "bool", "datetime", "date", "bytes", "FileInput", "Any"]


def examples_field() -> Any:
    """A field of example values: spec data (lists, mappings), kept out of equality and hashing, so IR nodes
    stay hashable and an edited example is no change for callers."""
    return field(default=(), compare=False)


@dataclass(frozen=True)
class Primitive:
    """A builtin or standard-library type, or `Any`."""

    name: PrimitiveName


@dataclass(frozen=True)
class ListOf:
    """A JSON array."""

    item: TypeExpr


@dataclass(frozen=True)
class DictOf:
    """A JSON object used as a map from string keys to values."""

    value: TypeExpr


@dataclass(frozen=True)
class Named:
    """A model, enum or union defined in the generated package."""

    name: ClassName


@dataclass(frozen=True)
class LiteralOf:
    """One or more constant values (`const`, or an enum that gets no class).

    With `enum`, the values are those of that enum class's `members`, written `Literal[Kind.A]`: a field
    that narrows an enum field of its base class (a `str` Literal is no subtype of the enum for type checkers).
    """

    values: tuple[JsonScalar, ...]
    enum: ClassName | None = None
    members: tuple[ConstantName, ...] = ()


@dataclass(frozen=True)
class UnionOf:
    """Any one of several types, tried in order (an untagged, inline `oneOf`/`anyOf`)."""

    options: tuple[TypeExpr, ...]


@dataclass(frozen=True)
class Nullable:
    """A type that also admits JSON `null`."""

    inner: TypeExpr


TypeExpr = Primitive | ListOf | DictOf | Named | LiteralOf | UnionOf | Nullable


def walk(t: TypeExpr) -> Iterator[TypeExpr]:
    """The type and every type nested in it."""
    yield t
    if isinstance(t, ListOf):
        yield from walk(t.item)
    elif isinstance(t, DictOf):
        yield from walk(t.value)
    elif isinstance(t, UnionOf):
        for option in t.options:
            yield from walk(option)
    elif isinstance(t, Nullable):
        yield from walk(t.inner)


def named_in(types: list[TypeExpr]) -> set[str]:
    """The names of package-defined types used by `types` (an enum whose members a Literal names, too)."""
    parts = [part for t in types for part in walk(t)]
    return {str(p.name) for p in parts if isinstance(p, Named)} | {
        str(p.enum) for p in parts if isinstance(p, LiteralOf) and p.enum
    }


NULL = LiteralOf((None,))  # `{type: 'null'}`, `{const: null}`, `{enum: [null]}`: admits null already


def nullable(t: TypeExpr) -> TypeExpr:
    """`t` that also admits null, not wrapped twice."""
    return t if isinstance(t, Nullable) or t == NULL else Nullable(t)
