"""Stage 3a, class bases: a model built as `allOf` of one named model plus additions subclasses that model.

Its instances must then be instances of the base for pydantic and for type checkers alike: every field of
the base is in the child, with the same wire and Python name, required where the base requires it, and of
the same type or a narrower one (a Literal of values the base's type admits, `X` for `X | None`). A child
that loosens, renames or retypes a field stays a flat class, as right as before. A Literal that narrows an
enum field is written with the enum's members (`Literal[Kind.A]`): mypy takes no `str` Literal for an enum.

The decision reads only finished definitions, each base decided before its children, so it never depends
on the order the schemas were built in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from generator import ir
from generator.ir import JsonScalar
from generator.ir.names import ClassName, ConstantName

_SCALARS: dict[str, type] = {"str": str, "int": int, "bool": bool}


def with_bases(
    definitions: tuple[ir.Definition, ...], candidates: Mapping[ClassName, ClassName]
) -> tuple[ir.Definition, ...]:
    """The definitions with each model subclassing its candidate (the one `$ref` of its `allOf`) where its
    fields allow, and each union's fallback subclassing the base all of the union's variants have."""
    by_name = {d.name: d for d in definitions}
    done: dict[ClassName, ir.Model] = {}
    for d in definitions:
        if isinstance(d, ir.Model) and d.fallback_for is None:
            _resolve(d.name, candidates, by_name, done)
    # Fallbacks last: their base is the one their variants ended up with.
    for d in definitions:
        if isinstance(d, ir.Model) and d.fallback_for is not None:
            done[d.name] = _fallback(d, by_name, done)
    return tuple(done.get(d.name, d) if isinstance(d, ir.Model) else d for d in definitions)


def _resolve(
    start: ClassName,
    candidates: Mapping[ClassName, ClassName],
    by_name: Mapping[ClassName, ir.Definition],
    done: dict[ClassName, ir.Model],
) -> None:
    """Decide `start` and the chain of candidates above it, top down, without recursion (chains may be long)."""
    chain: list[ClassName] = []
    name: ClassName | None = start
    while name is not None and name not in done and name not in chain:
        chain.append(name)
        up = candidates.get(name)
        name = up if up is not None and isinstance(by_name.get(up), ir.Model) else None
    looped = set(chain[chain.index(name) :]) if name in chain else set()  # bases in a circle: none of them gets one
    for child in reversed(chain):
        model = by_name[child]
        assert isinstance(model, ir.Model)
        base = candidates.get(child)
        parent = done.get(base) if base is not None and child not in looped else None
        done[child] = subclass(model, parent, by_name) if parent is not None else model


def subclass(child: ir.Model, base: ir.Model, definitions: Mapping[ClassName, ir.Definition]) -> ir.Model:
    """`child` as a subclass of `base`, narrowed enum Literals written as members; unchanged when some field
    of the base would not hold in it."""
    fields = {f.wire_name: f for f in child.fields}
    inherited = []
    for parent in base.fields:
        field = fields.get(parent.wire_name)
        if field is None or field.name != parent.name or (parent.required and not field.required):
            return child
        written = narrowed(field.type, parent.type, definitions)
        if written is None:
            return child
        if written != field.type:
            field = fields[field.wire_name] = replace(field, type=written, default=_as_member(field.default, written))
        if field == parent and field.default == parent.default:  # `Field` equality leaves the default out
            inherited.append(field.wire_name)
    return replace(
        child, fields=tuple(fields[f.wire_name] for f in child.fields), base=base.name, inherited=tuple(inherited)
    )


def narrowed(t: ir.TypeExpr, parent: ir.TypeExpr, definitions: Mapping[ClassName, ir.Definition]) -> ir.TypeExpr | None:
    """`t` as a subclass writes it when it is `parent` or narrower; None when it is not.

    Lists and maps must be equal (mypy's `list` is invariant); models and unions too.
    """
    if t == parent or parent == ir.Primitive("Any"):
        return t
    if isinstance(t, ir.LiteralOf):
        return _literal(t, parent, definitions)
    if isinstance(parent, ir.Nullable):
        if isinstance(t, ir.Nullable):
            inner = narrowed(t.inner, parent.inner, definitions)
            return ir.Nullable(inner) if inner is not None else None
        return narrowed(t, parent.inner, definitions)
    if isinstance(parent, ir.UnionOf):
        options = t.options if isinstance(t, ir.UnionOf) else (t,)
        found = [
            next((n for p in parent.options if (n := narrowed(o, p, definitions)) is not None), None) for o in options
        ]
        written = tuple(f for f in found if f is not None)
        if len(written) < len(found):
            return None
        return ir.UnionOf(written) if isinstance(t, ir.UnionOf) else written[0]
    return None


def _literal(
    t: ir.LiteralOf, parent: ir.TypeExpr, definitions: Mapping[ClassName, ir.Definition]
) -> ir.LiteralOf | None:
    """A Literal within `parent`: as it is when `parent` admits its every value, else as the members of the
    enum `parent` is (or narrows), when they are all that enum's."""
    if t.enum is None and all(_admits(parent, v) for v in t.values):
        return t
    inner = parent.inner if isinstance(parent, ir.Nullable) else parent
    for option in inner.options if isinstance(inner, ir.UnionOf) else (inner,):
        found = _members(option, definitions)
        if found is None:
            continue
        enum, members = found
        names = [_member(members, value) for value in t.values]
        if all(names):
            return ir.LiteralOf(t.values, enum, tuple(n for n in names if n))
    return None


def _member(members: list[tuple[JsonScalar, ConstantName]], value: object) -> ConstantName | None:
    """The member that has `value`, of the same type (`True` is no member valued 1)."""
    return next((n for v, n in members if type(v) is type(value) and v == value), None)


def _members(
    t: ir.TypeExpr, definitions: Mapping[ClassName, ir.Definition]
) -> tuple[ClassName, list[tuple[JsonScalar, ConstantName]]] | None:
    """The enum class a type is (or a Literal of its members), with its (value, member) pairs."""
    if isinstance(t, ir.LiteralOf) and t.enum:
        return t.enum, list(zip(t.values, t.members, strict=True))
    found = definitions.get(t.name) if isinstance(t, ir.Named) else None
    return (found.name, [(m.value, m.name) for m in found.members]) if isinstance(found, ir.Enum) else None


def _admits(t: ir.TypeExpr, value: JsonScalar) -> bool:
    """Whether a value of `t` may be `value`, for a type checker (`True` is no `int`, a `str` no enum member)."""
    if isinstance(t, ir.Nullable):
        return value is None or _admits(t.inner, value)
    if isinstance(t, ir.UnionOf):
        return any(_admits(o, value) for o in t.options)
    if isinstance(t, ir.LiteralOf):
        return t.enum is None and any(type(v) is type(value) and v == value for v in t.values)
    if isinstance(t, ir.Primitive):
        return t.name == "Any" or (t.name in _SCALARS and type(value) is _SCALARS[t.name])
    return False


def _as_member(default: tuple[object, ...], t: ir.TypeExpr) -> tuple[object, ...]:
    """A default value written as the member of the enum Literal it now has (`Kind.A`, not `'a'`)."""
    for part in ir.walk(t):
        if default and isinstance(part, ir.LiteralOf) and part.enum:
            member = _member(list(zip(part.values, part.members, strict=True)), default[0])
            if member is not None:
                return (ir.EnumDefault(part.enum, member),)
    return default


def _fallback(
    fallback: ir.Model, by_name: Mapping[ClassName, ir.Definition], done: Mapping[ClassName, ir.Model]
) -> ir.Model:
    """A union's fallback subclassing the base every variant has, when that base's tag takes unknown values.

    The fallback holds what the variants share, as raw JSON where they differ. Under the base, a field of the
    base is the base's (every variant's value fits it; its default too), unless all variants narrow it alike.
    """
    union = by_name.get(fallback.fallback_for) if fallback.fallback_for else None
    if not isinstance(union, ir.UnionType):
        return fallback
    variants = [done.get(v.type.name) if isinstance(v.type, ir.Named) else None for v in union.variants]
    bases = {v.base if v else None for v in variants}
    common = bases.pop() if len(bases) == 1 else None
    base = done.get(common) if common is not None else None
    if base is None:
        return fallback
    own = {f.wire_name: f for f in base.fields}
    fields = []
    for field in fallback.fields:
        parent = own.get(field.wire_name)
        written = narrowed(field.type, parent.type, by_name) if parent is not None else field.type
        if parent is None or written not in (None, parent.type):
            fields.append(field)
        elif written is None and field.wire_name == union.discriminator and not _open(parent.type, by_name):
            return fallback  # a tag the base closes (a Literal) would refuse the unknown values this class is for
        else:
            fields.append(parent)
    return subclass(replace(fallback, fields=tuple(fields)), base, by_name)


def _open(t: ir.TypeExpr, definitions: Mapping[ClassName, ir.Definition]) -> bool:
    """Whether a tag of type `t` takes any string: `str`, or an (open) string enum."""
    inner = t.inner if isinstance(t, ir.Nullable) else t
    found = definitions.get(inner.name) if isinstance(inner, ir.Named) else None
    return inner in (ir.Primitive("str"), ir.Primitive("Any")) or (isinstance(found, ir.Enum) and found.base == "str")
