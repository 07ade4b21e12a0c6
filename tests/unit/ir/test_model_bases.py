"""A model built as `allOf` of one named model plus additions subclasses it, when its fields allow
(`ir/model_bases.py`): the decision on small documents, then a generated package that imports, parses and
passes `mypy --strict`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import MakePackage, minimal_spec, mypy_strict
from generator import ir
from generator.ir.build_models import SchemaBuilder
from generator.ir.names import ClassName, ConstantName
from generator.load.document import Document

REF = {"$ref": "#/components/schemas/Base"}
BASE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "kind"],
    "properties": {
        "id": {"type": "string"},
        "kind": {"$ref": "#/components/schemas/Kind"},
        "label": {"type": "string"},
        "count": {"type": "integer", "default": 1},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}
KIND = {"type": "string", "enum": ["a.one", "b.two"]}


def _build(schemas: dict[str, Any]) -> dict[str, ir.Definition]:
    builder = SchemaBuilder(Document("t.yaml", "", minimal_spec(schemas)))
    builder.build_components()
    return {d.name: d for d in builder.definitions()}


def _child(*members: dict[str, Any], **schemas: Any) -> ir.Model:
    """`Child: allOf [members...]` beside Base and Kind (and `schemas`)."""
    found = _build({"Base": BASE, "Kind": KIND, "Child": {"allOf": list(members)}, **schemas})["Child"]
    assert isinstance(found, ir.Model)
    return found


def _adds(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": properties}


def test_a_child_that_adds_and_narrows_subclasses_its_ref() -> None:
    child = _child(
        REF,
        _adds({"label": {"const": "x"}, "count": {"type": "integer"}, "result": {"type": "boolean"}}, ("label",)),
    )
    assert child.base == "Base"
    assert [f.wire_name for f in child.fields] == ["id", "kind", "label", "count", "tags", "result"]  # all of them
    assert child.inherited == ("id", "kind", "tags")
    declared = {f.wire_name: f for f in child.declared}
    assert list(declared) == ["label", "count", "result"]
    assert declared["label"].type == ir.LiteralOf(("x",)) and declared["label"].required  # `str | None`, narrowed
    assert declared["count"].default == ()  # the redefinition has no default: declared again, without it


def test_a_literal_of_an_enum_field_is_written_with_its_members() -> None:
    child = _child(REF, _adds({"kind": {"const": "b.two"}}))
    assert child.base == "Base"
    kind = child.declared[0]
    assert kind.wire_name == "kind" and kind.type == ir.LiteralOf(
        ("b.two",), ClassName("Kind"), (ConstantName("B_TWO"),)
    )


@pytest.mark.parametrize(
    ("why", "properties"),
    [
        ("a value the enum does not list", {"kind": {"const": "c.three"}}),
        ("a required field made nullable", {"id": {"type": ["string", "null"]}}),
        # Required but nullable in the base; readOnly makes it optional in the child, of the same type.
        ("a required field made optional", {"stamp": {"type": ["string", "null"], "readOnly": True}}),
        ("a field retyped", {"label": {"type": "integer"}}),
        ("a list's items narrowed (lists are invariant)", {"tags": {"type": "array", "items": {"const": "t"}}}),
        ("a field renamed in Python (`foo_bar` takes the name of `fooBar`)", {"foo_bar": {"type": "string"}}),
    ],
)
def test_a_child_that_loosens_or_retypes_a_field_stays_flat(why: str, properties: dict[str, Any]) -> None:
    stamp = {"type": ["string", "null"]}
    base = {
        **BASE,
        "required": ["stamp", *BASE["required"]],
        "properties": {**BASE["properties"], "fooBar": {"type": "string"}, "stamp": stamp},
    }
    found = _build({"Base": base, "Kind": KIND, "Child": {"allOf": [REF, _adds(properties)]}})["Child"]
    assert isinstance(found, ir.Model)
    assert found.base is None and found.inherited == () and found.declared == found.fields, why


def test_two_refs_give_no_base() -> None:
    other = {"type": "object", "properties": {"extra": {"type": "string"}}}
    child = _child(REF, {"$ref": "#/components/schemas/Other"}, Other=other)
    assert child.base is None and [f.wire_name for f in child.fields][-1] == "extra"


def test_a_ref_to_a_union_gives_no_base() -> None:
    either = {"oneOf": [REF, {"type": "object", "properties": {"z": {"type": "string"}}}]}
    child = _child({"$ref": "#/components/schemas/Either"}, _adds({"c": {"type": "string"}}), Either=either)
    assert child.base is None and [f.wire_name for f in child.fields] == ["c"]


def test_bases_are_decided_alike_whatever_the_spec_order() -> None:
    schemas = {
        "Base": BASE,
        "Kind": KIND,
        "Middle": {"allOf": [REF, _adds({"kind": {"const": "a.one"}, "m": {"type": "string"}})]},
        "Leaf": {"allOf": [{"$ref": "#/components/schemas/Middle"}, _adds({"leaf": {"type": "string"}})]},
        "Loop1": {"allOf": [{"$ref": "#/components/schemas/Loop2"}, _adds({"x": {"type": "string"}})]},
        "Loop2": {"allOf": [{"$ref": "#/components/schemas/Loop1"}, _adds({"y": {"type": "string"}})]},
    }
    seen = []
    for order in (schemas, dict(reversed(schemas.items()))):
        defs = _build(order)
        seen.append({name: (d.base, d.fields) for name, d in defs.items() if isinstance(d, ir.Model)})
    assert seen[0] == seen[1]
    bases = {name: base for name, (base, _) in seen[0].items()}
    # Leaf's `kind` is Middle's (its schema's Literal["a.one"], as Middle writes it). Bases in a circle get none.
    assert bases == {"Base": None, "Middle": "Base", "Leaf": "Middle", "Loop1": None, "Loop2": None}
    leaf_kind = next(f for f in seen[0]["Leaf"][1] if f.wire_name == "kind")
    assert leaf_kind.type == ir.LiteralOf(("a.one",), ClassName("Kind"), (ConstantName("A_ONE"),))


def _variant(tag: str, result: dict[str, Any]) -> dict[str, Any]:
    return {"allOf": [REF, _adds({"kind": {"const": tag}, "result": result}, ("kind",))]}


def _union(base: dict[str, Any], variants: dict[str, Any]) -> dict[str, ir.Definition]:
    refs = [{"$ref": f"#/components/schemas/{name}"} for name in variants]
    pick = {"oneOf": refs, "discriminator": {"propertyName": "kind"}}
    return _build({"Base": base, "Kind": KIND, **variants, "Pick": pick})


def test_a_fallback_subclasses_the_base_its_variants_share() -> None:
    defs = _union(BASE, {"One": _variant("a.one", {"type": "integer"}), "Two": _variant("b.two", {"type": "string"})})
    fallback = defs["PickUnknown"]
    assert isinstance(fallback, ir.Model) and fallback.base == "Base"
    # The base's own `kind` (an open enum) takes unknown tags; only `result`, which the variants type apart, is raw.
    assert [(f.wire_name, f.type) for f in fallback.declared] == [("result", ir.Primitive("Any"))]


def test_a_fallback_stays_flat_when_the_base_closes_its_tag() -> None:
    closed = {**BASE, "properties": {**BASE["properties"], "kind": {"const": "a.one"}}}  # Literal["a.one"]
    defs = _union(closed, {"One": _variant("a.one", {"type": "integer"})})
    assert [defs[n].base for n in ("One", "PickUnknown")] == ["Base", None]  # type: ignore[union-attr]
    tag = next(f for f in defs["PickUnknown"].fields if f.wire_name == "kind")  # type: ignore[union-attr]
    assert tag.type == ir.Primitive("str")  # so a tag this package does not know still parses


SPEC = minimal_spec(
    {
        "Zeta": {
            "type": "object",
            "required": ["id", "kind"],
            "properties": {
                "id": {"type": "string"},
                "kind": {"$ref": "#/components/schemas/Kind"},
                "note": {"type": "string"},
            },
        },
        "Kind": KIND,
        "Alpha": {
            "allOf": [
                {"$ref": "#/components/schemas/Zeta"},
                _adds({"kind": {"const": "a.one"}, "note": {"const": "n"}, "size": {"type": "integer"}}, ("note",)),
            ]
        },
        "Beta": {"allOf": [{"$ref": "#/components/schemas/Zeta"}, _adds({"kind": {"const": "b.two"}})]},
        "Loose": {"allOf": [{"$ref": "#/components/schemas/Zeta"}, _adds({"id": {"type": ["string", "null"]}})]},
        "Either": {
            "oneOf": [{"$ref": "#/components/schemas/Alpha"}, {"$ref": "#/components/schemas/Beta"}],
            "discriminator": {"propertyName": "kind"},
        },
        # Omega and Gamma refer to each other, so they share a module, where Omega sorts after Gamma: the base
        # must still come first.
        "Omega": {
            "type": "object",
            "properties": {"o": {"type": "string"}, "next": {"$ref": "#/components/schemas/Gamma"}},
        },
        "Gamma": {"allOf": [{"$ref": "#/components/schemas/Omega"}, _adds({"g": {"type": "integer"}})]},
        "Holder": {
            "type": "object",
            "properties": {
                "either": {"type": "array", "items": {"$ref": "#/components/schemas/Either"}},
                "loose": {"$ref": "#/components/schemas/Loose"},
                "gamma": {"$ref": "#/components/schemas/Gamma"},
            },
        },
    }
)


def test_subclasses_import_parse_round_trip_and_type_check(make_package: MakePackage, tmp_path: Path) -> None:
    pkg = make_package(SPEC, package="bases_pkg")
    assert all(issubclass(c, pkg.Zeta) for c in (pkg.Alpha, pkg.Beta, pkg.EitherUnknown))
    assert issubclass(pkg.Gamma, pkg.Omega) and pkg.Gamma.__module__ == pkg.Omega.__module__
    sent = {
        "either": [
            {"id": "1", "kind": "a.one", "note": "n", "size": 2, "extra": [1]},
            {"id": "2", "kind": "b.two"},
            {"id": "3", "kind": "c.new", "note": "x"},
        ],
        "loose": {"id": None, "kind": "a.one"},
        "gamma": {"o": "x", "g": 1},
    }
    holder = pkg.Holder.model_validate(sent)
    assert [type(e).__name__ for e in holder.either] == ["Alpha", "Beta", "EitherUnknown"]
    assert all(isinstance(e, pkg.Zeta) for e in holder.either) and holder.either[0].kind is pkg.Kind.A_ONE
    assert holder.model_dump(mode="json", by_alias=True, exclude_unset=True) == sent
    with pytest.raises(ValueError, match="kind"):
        pkg.Alpha.model_validate({"id": "1", "kind": "b.two", "note": "n"})  # narrowed, still checked
    out = Path(str(pkg.__file__)).parent
    mypy_strict(out, tmp_path / ".mypy_cache", cwd=out.parent)


def test_a_child_that_loosens_a_field_does_not_subclass(make_package: MakePackage) -> None:
    """`Loose` makes Zeta's required `id` nullable: a Zeta whose `id` is None would break Zeta's promise."""
    pkg = make_package(SPEC, package="bases_loose")
    assert not issubclass(pkg.Loose, pkg.Zeta)
    assert pkg.Loose.model_validate({"id": None, "kind": "a.one"}).id is None
