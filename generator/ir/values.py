"""The type of a schema's listed values (`enum`, `const`), when they are not an enum class.

`Literal[...]` holds only what type checkers accept in one (str, int, bool, None); floats, arrays and
objects are typed by their JSON type instead.
"""

from __future__ import annotations

from typing import Any

from generator import ir


def _spellable(value: Any) -> bool:
    """Whether `Literal[value]` is valid for type checkers: str, int, bool or None (not float, list, dict)."""
    return value is None or isinstance(value, (str, int))


def _json_type(value: Any) -> ir.TypeExpr:
    """The Python type of a JSON value."""
    if isinstance(value, list):
        return ir.ListOf(ir.Primitive("Any"))
    if isinstance(value, dict):
        return ir.DictOf(ir.Primitive("Any"))
    kinds: list[tuple[type, ir.PrimitiveName]] = [(bool, "bool"), (int, "int"), (float, "float"), (str, "str")]
    return ir.Primitive(next((name for kind, name in kinds if isinstance(value, kind)), "Any"))


def values_type(values: list[Any], *, open_: bool) -> ir.TypeExpr:
    """A `Literal` of the values Python can spell, with the JSON types of the others (and, when `open_`,
    of the spelled ones too, so a value added later still parses)."""
    spelled = tuple(v for v in values if _spellable(v))
    options: list[ir.TypeExpr] = [ir.LiteralOf(spelled)] if spelled else []
    for value in values:
        kind = _json_type(value)
        if (open_ or not _spellable(value)) and value is not None and kind not in options:
            options.append(kind)
    return options[0] if len(options) == 1 else ir.UnionOf(tuple(options))
