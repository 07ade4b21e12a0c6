"""Stage 3, request parameters: the `TypedDict` each object a request body sends may be given as.

A body argument takes the model or plain data; typed as `dict[str, Any]`, plain data let a misspelt key or a
wrong value through the type checker. So every model a request body reaches gets a `<Model>Param` TypedDict
(openai-python's `types/*_params.py`) keyed by wire names (plain data is sent as given), and every union that
reaches one an alias of its variants' request types. Only what requests reach: responses keep the models alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from generator import ir
from generator.ir.names import ClassName

# The media kinds whose bodies are objects given as data (JSON, and the form and multipart fields).
_DATA_KINDS = frozenset({"json", "form", "multipart"})
_ANY_OBJECT = ir.DictOf(ir.Primitive("Any"))
_TEXT_FORMS = {"datetime", "date"}  # what a request may give as ISO text instead (pydantic reads both)


class ParamTypes:
    """How a request may give a value of each type: a model as its `Param`, an enum also as its values, a date
    also as ISO text; `names` are the `Param` names of models and unions, by the name of the type."""

    def __init__(self, definitions: Iterable[ir.Definition], names: Mapping[ClassName, ClassName]) -> None:
        self._by_name = {d.name: d for d in definitions}
        self._names = names

    def of(self, t: ir.TypeExpr) -> ir.TypeExpr:
        """The type a request may give where the model's type is `t`."""
        if isinstance(t, ir.Primitive) and t.name in _TEXT_FORMS:
            return ir.UnionOf((ir.Primitive("str"), t))
        if isinstance(t, ir.ListOf):
            return ir.ListOf(self.of(t.item))
        if isinstance(t, ir.DictOf):
            return ir.DictOf(self.of(t.value))
        if isinstance(t, ir.UnionOf):
            return ir.UnionOf(tuple(self.of(o) for o in t.options))
        if isinstance(t, ir.Nullable):
            return ir.Nullable(self.of(t.inner))
        if isinstance(t, ir.LiteralOf) and t.enum is not None:  # `Literal[Kind.A]`: also the value itself
            return ir.UnionOf((ir.LiteralOf(t.values), t))
        if not isinstance(t, ir.Named):
            return t
        if t.name in self._names:
            return ir.Named(self._names[t.name])
        found = self._by_name.get(t.name)
        if isinstance(found, ir.Enum):  # an open enum's members, or its values as literals
            return ir.UnionOf((ir.LiteralOf(tuple(m.value for m in found.members)), t))
        if isinstance(found, ir.Model):  # no properties to check: any object, as the schema says
            return _ANY_OBJECT
        return t


def build_params(
    definitions: tuple[ir.Definition, ...], groups: Iterable[ir.Group], taken: frozenset[str]
) -> tuple[ir.Param, ...]:
    """The `Param` of every model and union the data bodies of `groups` reach, named apart from `taken` and
    from the types (`Foo` gives `FooParam`; `FooParam2` when the spec has a `FooParam` of its own)."""
    by_name = {d.name: d for d in definitions}
    bodies = [b.type for g in groups for op in g.operations for b in op.bodies if b.kind in _DATA_KINDS]
    reached = _reached(bodies, by_name)
    used = set(taken) | set(by_name)
    names: dict[ClassName, ClassName] = {}
    for of in sorted(reached):
        name, counter = ClassName(f"{of}Param"), 1
        while name in used:
            counter += 1
            name = ClassName(f"{of}Param{counter}")
        names[of] = name
        used.add(name)
    types = ParamTypes(definitions, names)
    params: list[ir.Param] = []
    for of in sorted(reached):
        found = by_name[of]
        if isinstance(found, ir.Model):
            keys = tuple(
                ir.ParamKey(f.wire_name, types.of(f.sent or f.type), f.required or f.in_request == "required",
                            f.description)
                for f in found.fields
                if f.in_request != "never"
            )  # fmt: skip
            params.append(ir.ParamDict(names[of], of, keys, found.description or found.title))
        else:
            params.append(ir.ParamUnion(names[of], of, types.of(ir.UnionOf(tuple(v.type for v in _variants(found))))))
    return tuple(params)


def _variants(found: ir.Definition) -> tuple[ir.Variant, ...]:
    return found.variants if isinstance(found, ir.UnionType) else ()


def _reached(bodies: list[ir.TypeExpr], by_name: Mapping[ClassName, ir.Definition]) -> set[ClassName]:
    """The models (with properties) that `bodies` reach through request fields and union variants, and the unions
    on the way that reach one of them, an enum or a date (those a request gives otherwise)."""
    models: set[ClassName] = set()
    unions: set[ClassName] = set()
    stack = list(bodies)
    while stack:
        for part in ir.walk(stack.pop()):
            if not isinstance(part, ir.Named) or part.name in models or part.name in unions:
                continue
            found = by_name.get(part.name)
            if isinstance(found, ir.Model) and found.fields:
                models.add(part.name)
                stack += [f.sent or f.type for f in found.fields if f.in_request != "never"]
            elif isinstance(found, ir.UnionType):
                unions.add(part.name)
                stack += [v.type for v in found.variants]
    return models | {u for u in unions if _differs(u, by_name, models, set())}


def _differs(
    union: ClassName, by_name: Mapping[ClassName, ir.Definition], models: set[ClassName], seen: set[ClassName]
) -> bool:
    """Whether a request may give the union otherwise than its own type says (a loop counts as no)."""
    seen.add(union)
    for part in (p for v in _variants(by_name[union]) for p in ir.walk(v.type)):
        if isinstance(part, ir.Primitive) and part.name in _TEXT_FORMS:
            return True
        if isinstance(part, ir.LiteralOf) and part.enum is not None:
            return True
        if isinstance(part, ir.Named):
            found = by_name.get(part.name)
            if part.name in models or isinstance(found, (ir.Enum, ir.Model)):
                return True
            if isinstance(found, ir.UnionType) and part.name not in seen and _differs(part.name, by_name, models, seen):
                return True
    return False
