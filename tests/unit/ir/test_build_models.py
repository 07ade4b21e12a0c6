"""Stage 3: the type decisions, on small inline documents."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import minimal_spec
from generator import ir
from generator.errors import SpecError
from generator.ir.build_models import SchemaBuilder
from generator.load.document import Document


def _build(schemas: dict[str, Any], openapi: str = "3.1.0") -> dict[str, ir.Definition]:
    data = {**minimal_spec(schemas), "openapi": openapi}
    builder = SchemaBuilder(Document("t.yaml", "", data))
    builder.build_components()
    return {d.name: d for d in builder.definitions()}


def _field(model: ir.Definition, wire: str) -> ir.Field:
    assert isinstance(model, ir.Model)
    return next(f for f in model.fields if f.wire_name == wire)


def test_object_fields_are_typed_and_optional_unless_required() -> None:
    defs = _build(
        {
            "Thing": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "when": {"type": "string", "format": "date-time"},
                    "day": {"type": "string", "format": "date"},
                    "count": {"type": "integer"},
                    "ratio": {"type": "number"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "meta": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "anything": {},
                },
            }
        }
    )
    thing = defs["Thing"]
    assert _field(thing, "id") == ir.Field(
        ir.Field.__annotations__ and _field(thing, "id").name, "id", ir.Primitive("str"), True
    )
    assert _field(thing, "when").type == ir.Nullable(ir.Primitive("datetime"))
    assert _field(thing, "day").type == ir.Nullable(ir.Primitive("date"))
    assert _field(thing, "count").type == ir.Nullable(ir.Primitive("int"))
    assert _field(thing, "ratio").type == ir.Nullable(ir.Primitive("float"))
    assert _field(thing, "tags").type == ir.Nullable(ir.ListOf(ir.Primitive("str")))
    assert _field(thing, "meta").type == ir.Nullable(ir.DictOf(ir.Primitive("int")))
    assert _field(thing, "anything").type == ir.Nullable(ir.Primitive("Any"))


@pytest.mark.parametrize(
    ("openapi", "schema"),
    [("3.0.3", {"type": "string", "nullable": True}), ("3.1.0", {"type": ["string", "null"]})],
)
def test_nullable_in_both_dialects(openapi: str, schema: dict[str, Any]) -> None:
    defs = _build({"Item": {"type": "object", "required": ["v"], "properties": {"v": schema}}}, openapi)
    field = _field(defs["Item"], "v")
    assert field.required and field.type == ir.Nullable(ir.Primitive("str"))


def test_const_is_a_literal_and_enums_are_classes() -> None:
    defs = _build(
        {
            "Status": {"type": "string", "enum": ["a-b", "c"]},
            "Level": {"type": "integer", "enum": [1, 2]},
            "Item": {
                "type": "object",
                "properties": {
                    "kind": {"const": "thing"},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "mixed": {"enum": [1.5, 2.5]},
                    "inline": {"type": "string", "enum": ["x", None]},
                },
            },
        }
    )
    status, level = defs["Status"], defs["Level"]
    assert isinstance(status, ir.Enum) and [m.name for m in status.members] == ["A_B", "C"]
    assert isinstance(level, ir.Enum) and level.base == "int"
    assert _field(defs["Item"], "kind").type == ir.Nullable(ir.LiteralOf(("thing",)))
    assert _field(defs["Item"], "status").type == ir.Nullable(ir.Named(status.name))
    assert _field(defs["Item"], "mixed").type == ir.Nullable(ir.Primitive("float"))  # Literal[1.5] is no type
    assert _field(defs["Item"], "inline").type == ir.Nullable(ir.Named(defs["ItemInline"].name))


def test_all_of_is_flattened_and_a_redefinition_keeps_its_place() -> None:
    defs = _build(
        {
            "Base": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "kind": {"type": "string"}, "n": {"type": "integer"}},
            },
            "Child": {
                "allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {
                        "type": "object",
                        "required": ["extra"],
                        "properties": {"kind": {"const": "child"}, "extra": {"type": "boolean"}},
                    },
                ]
            },
        }
    )
    child = defs["Child"]
    assert isinstance(child, ir.Model)
    assert [f.wire_name for f in child.fields] == ["id", "kind", "n", "extra"]
    assert _field(child, "kind").type == ir.Nullable(ir.LiteralOf(("child",)))
    assert [f.required for f in child.fields] == [True, False, False, True]


def test_discriminated_union_with_mapping_implicit_tags_and_fallback() -> None:
    defs = _build(
        {
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
            },
            "Cat": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"const": "cat"}, "lives": {"type": "integer"}, "name": {"type": "string"}},
            },
            "Dog": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"const": "dog"}, "good": {"type": "boolean"}, "name": {"type": "string"}},
            },
        }
    )
    pet = defs["Pet"]
    assert isinstance(pet, ir.UnionType) and pet.discriminator == "kind"
    assert [v.tags for v in pet.variants] == [("cat",), ("dog",)]
    assert pet.fallback == "PetUnknown"
    fallback = defs["PetUnknown"]
    assert isinstance(fallback, ir.Model) and fallback.fallback_for == "Pet"
    assert [(f.wire_name, f.type, f.required) for f in fallback.fields] == [
        ("kind", ir.Primitive("str"), True),
        ("name", ir.Nullable(ir.Primitive("str")), False),
    ]


def test_untagged_inline_union_and_named_union() -> None:
    defs = _build(
        {
            "A": {"type": "object", "properties": {"a": {"type": "string"}}},
            "Either": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]},
            "Item": {"type": "object", "properties": {"v": {"anyOf": [{"type": "integer"}, {"type": "string"}]}}},
        }
    )
    either = defs["Either"]
    assert isinstance(either, ir.UnionType) and either.discriminator is None and either.fallback is None
    assert _field(defs["Item"], "v").type == ir.Nullable(ir.UnionOf((ir.Primitive("int"), ir.Primitive("str"))))


def test_recursive_model_refers_to_itself() -> None:
    defs = _build(
        {
            "Node": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
            }
        }
    )
    assert _field(defs["Node"], "children").type == ir.Nullable(ir.ListOf(ir.Named(defs["Node"].name)))


def test_primitive_components_are_inlined() -> None:
    defs = _build(
        {
            "Limit": {"type": "integer", "minimum": 1},
            "Item": {"type": "object", "properties": {"limit": {"$ref": "#/components/schemas/Limit"}}},
        }
    )
    assert "Limit" not in defs
    assert _field(defs["Item"], "limit").type == ir.Nullable(ir.Primitive("int"))


def test_inline_objects_are_named_after_their_place() -> None:
    defs = _build(
        {
            "Task": {
                "type": "object",
                "properties": {"meta": {"type": "object", "properties": {"url": {"type": "string"}}}},
            }
        }
    )
    assert _field(defs["Task"], "meta").type == ir.Nullable(ir.Named(defs["TaskMeta"].name))


def test_name_collisions_are_resolved_by_key_not_by_spec_order() -> None:
    schemas = {
        "foo_bar": {"type": "object", "properties": {"a": {"type": "string"}}},
        "FooBar": {"type": "object", "properties": {"b": {"type": "string"}}},
    }
    for order in (schemas, dict(reversed(schemas.items()))):
        defs = _build(order)
        assert sorted(defs) == ["FooBar", "FooBar2"]
        assert [f.wire_name for f in defs["FooBar"].fields] == ["b"]  # type: ignore[union-attr]
        assert [f.wire_name for f in defs["FooBar2"].fields] == ["a"]  # type: ignore[union-attr]


def test_an_inline_schema_never_takes_a_component_name() -> None:
    schemas = {
        "Task": {"type": "object", "properties": {"meta": {"type": "object", "properties": {"u": {"type": "string"}}}}},
        "TaskMeta": {"type": "object", "properties": {"other": {"type": "string"}}},
    }
    for order in (schemas, dict(reversed(schemas.items()))):
        defs = _build(order)
        assert [f.wire_name for f in defs["TaskMeta"].fields] == ["other"]  # type: ignore[union-attr]
        assert _field(defs["Task"], "meta").type == ir.Nullable(ir.Named(defs["TaskMetaInline"].name))


def test_keywords_and_builtins_as_property_names() -> None:
    names = [
        "from",
        "class",
        "type",
        "id",
        "object",
        "json",
        "model_config",
        "17th",
        "with-dash",
        "ünïcode",
        "datetime",
    ]
    defs = _build({"Item": {"type": "object", "properties": {n: {"type": "string"} for n in names}}})
    fields = {f.wire_name: f.name for f in defs["Item"].fields}  # type: ignore[union-attr]
    assert fields == {
        "from": "from_",
        "class": "class_",
        "type": "type",
        "id": "id",
        "object": "object",
        "json": "json_",
        "model_config": "model_config_",
        "17th": "n17th",
        "with-dash": "with_dash",
        "ünïcode": "unicode",
        "datetime": "datetime_",
    }


def test_a_ref_cycle_without_an_object_is_an_error() -> None:
    with pytest.raises(SpecError) as caught:
        _build({"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}})
    assert "loops back" in str(caught.value)
