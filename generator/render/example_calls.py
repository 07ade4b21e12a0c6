"""Stage 4a for the examples of the docs and the README: a call of an operation with example arguments,
each written as its parameter's Python type wants it (`datetime.date(2024, 1, 2)`, `Kind.CAT`, `[1]`), and
the imports those need.

The values are the IR's (`ir/example_values.py`: the spec's examples, else made up from the schema); one
that cannot be written as its type falls back to a placeholder of that type.
"""

from __future__ import annotations

import datetime
from typing import Any

from generator import ir
from generator.render.python_code import literal

_SCALARS: dict[str, type | tuple[type, ...]] = {"str": str, "int": int, "float": (int, float), "bool": bool}
_PLACEHOLDERS = {"int": "1", "float": "1.0", "bool": "True"}


def _typed(api: ir.Api, type_: ir.TypeExpr, value: Any, needs: set[str]) -> str | None:
    """`value` written as a `type_` (its imports added to `needs`: `datetime`, the package's class names), or
    None when it is not one."""
    inner = type_.inner if isinstance(type_, ir.Nullable) else type_
    if isinstance(inner, ir.Primitive):
        if (
            inner.name in _SCALARS
            and isinstance(value, _SCALARS[inner.name])
            and not (isinstance(value, bool) and inner.name != "bool")
        ):
            return literal(value)
        if inner.name in ("datetime", "date") and isinstance(value, str):
            try:
                parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return None
            needs.add("datetime")
            return repr(parsed if inner.name == "datetime" else parsed.date())  # `datetime.date(2024, 1, 2)`
        return literal(value) if inner.name == "Any" else None
    if isinstance(inner, ir.LiteralOf) and value in inner.values:
        return literal(value)
    if isinstance(inner, ir.Named):
        enum = next((d for d in api.definitions if isinstance(d, ir.Enum) and d.name == inner.name), None)
        member = next((m for m in enum.members if m.value == value), None) if enum else None
        if enum is not None and member is not None:
            needs.add(enum.name)
            return f"{enum.name}.{member.name}"
        return None
    if isinstance(inner, ir.ListOf):
        items = [_typed(api, inner.item, item, needs) for item in (value if isinstance(value, list) else [value])]
        return None if None in items else f"[{', '.join(str(i) for i in items)}]"
    if isinstance(inner, ir.UnionOf):
        return next((c for o in inner.options if (c := _typed(api, o, value, needs)) is not None), None)
    return None


def _argument(api: ir.Api, param: ir.Parameter, needs: set[str]) -> str:
    """A parameter's example value as its type, else a placeholder of its type."""
    for example in param.examples[:1]:
        written = _typed(api, param.type, example, needs)
        if written is not None:
            return written
    inner = param.type.inner if isinstance(param.type, ir.Nullable) else param.type
    if isinstance(inner, ir.Primitive) and inner.name in _PLACEHOLDERS:
        return _PLACEHOLDERS[inner.name]
    return literal(f"<{param.name}>")


def path_arguments(api: ir.Api, op: ir.Operation, needs: set[str]) -> list[str]:
    """The operation's path arguments, in order, as example values."""
    return [_argument(api, p, needs) for p in op.parameters if p.location == "path"]


def example_call(
    api: ir.Api, group: ir.Group, op: ir.Operation, needs: set[str], *extra: str, streamed: bool = False, then: str = ""
) -> str:
    """A call of the operation with example arguments (`client.x.y(...)`): the required ones; what they import
    goes to `needs` (see `imports`). `then` goes after the method (`.with_raw_response`), `extra` after the
    arguments; `streamed`: asking for the stream (`stream=True` where it answers JSON too)."""
    args = path_arguments(api, op, needs)
    if op.body is not None and op.body_required:
        args.append(
            literal(op.body_examples[0]) if op.body_examples else "[]" if isinstance(op.body, ir.ListOf) else "{}"
        )
    args += [
        f"{p.name}={_argument(api, p, needs)}"
        for p in op.parameters
        if p.location != "path" and p.required and not p.constant
    ]
    if streamed and op.success is not None and op.success.kind != "stream":
        args.append("stream=True")
    return f"client.{group.qualified}.{op.name}{then}({', '.join((*args, *extra))})"


def imports(api: ir.Api, needs: set[str], *modules: str) -> str:
    """The import lines of an example: standard-library and third-party `modules` (and `datetime` when the
    arguments need it), then the package's names in `needs`, each group sorted and followed by a blank line."""
    names = sorted(needs - {"datetime"})
    plain = sorted({*modules, *(needs & {"datetime"})}, key=lambda m: (m == "httpx", m))  # httpx: third-party
    groups = [[f"import {m}" for m in plain if m != "httpx"], [f"import {m}" for m in plain if m == "httpx"]]
    groups.append([f"from {api.import_name} import {', '.join(names)}"] if names else [])
    return "".join("\n".join(group) + "\n\n" for group in groups if group)
