"""Example arguments (`ir/example_values.py`): the spec's own first, else made up from the schema, and valid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openapi_schema_validator as oas
import pytest
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from conftest import ROOT, minimal_spec
from generator.ir.example_values import EXAMPLE_BYTES, example_value
from generator.load.document import Document, load
from generator.pipeline import build_api
from testdata import DATA, STRIPE_SPEC

SCHEMAS = {
    "Pet": {
        "type": "object",
        "required": ["name", "kind", "id", "born"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string", "minLength": 5},
            "kind": {"type": "string", "enum": [None, "cat", "dog"]},
            "born": {"type": "string", "format": "date"},
            "age": {"type": "integer"},
        },
    },
    "Order": {"type": "object", "properties": {"note": {"type": "string"}, "count": {"type": "integer"}, "x": {}}},
    "Tagged": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"required": ["tag"], "properties": {"tag": {}}}]},
    "Node": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
}


def _value(schema: Any, **options: Any) -> Any:
    return example_value(Document("t.yaml", "", minimal_spec(SCHEMAS)), schema, **options)


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"type": "string", "examples": ["a", "b"], "default": "c"}, "a"),
        ({"type": "string", "example": "e"}, "e"),
        ({"type": "integer", "default": 7}, 7),
        ({"const": "fixed"}, "fixed"),
        ({"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 3}, 12),
        ({"type": "number", "exclusiveMinimum": 4}, 5.0),
        ({"type": "integer", "maximum": 0}, 0),
        ({"type": "string", "format": "uuid"}, "123e4567-e89b-12d3-a456-426614174000"),
        ({"type": "string", "maxLength": 3}, "str"),
        ({"type": ["null", "boolean"]}, True),
        ({"oneOf": [{"type": "null"}, {"type": "array", "items": {"type": "integer"}}]}, [1]),
    ],
)
def test_the_spec_s_example_comes_first_then_a_value_made_up_from_the_schema(schema: Any, value: Any) -> None:
    assert _value(schema) == value


def test_an_object_holds_its_required_properties_but_read_only_ones() -> None:
    assert _value({"$ref": "#/components/schemas/Pet"}) == {"name": "namex", "kind": "cat", "born": "2024-01-02"}
    assert _value({"$ref": "#/components/schemas/Order"}) == {"note": "note", "count": 1}  # none required: two
    assert _value({"$ref": "#/components/schemas/Tagged"})["tag"] == "tag"  # allOf: merged
    # A `required` list beside an `allOf` asks for the members' properties, typed as they declare them.
    assert _value({"type": "object", "allOf": [{"$ref": "#/components/schemas/Order"}], "required": ["count"]}) == {
        "count": 1
    }
    assert _value({"$ref": "#/components/schemas/Node"}) is not None  # a recursive schema ends


def test_a_multipart_file_is_bytes() -> None:
    schema = {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}
    assert _value(schema, files=True) == {"file": EXAMPLE_BYTES}
    assert _value(schema) == {"file": "file"}  # in JSON, a string


def test_operations_get_the_made_up_values_where_the_spec_has_none() -> None:
    api = build_api(ROOT / "spec" / "voucherify.yaml", "voucherify")
    ops = {op.operation_id: op for group in api.groups for op in group.operations}
    assert ops["get-async-action"].parameters[0].examples == ("aa_0afb3d009a55814a48",)  # the spec's
    assert ops["import-vouchers-using-csv"].body_examples == ({"file": EXAMPLE_BYTES},)
    assert all(op.body_examples for op in ops.values() if op.body_required)


def _absolute(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: "urn:doc" + v if k == "$ref" and v.startswith("#") else _absolute(v) for k, v in schema.items()}
    return [_absolute(s) for s in schema] if isinstance(schema, list) else schema


@pytest.mark.parametrize(
    "spec",
    [ROOT / "spec" / "voucherify.yaml", ROOT / "spec" / "postman.yaml", DATA / "third_party" / "github" /
     "api.github.com.excerpt.json", STRIPE_SPEC],
    ids=["voucherify", "postman", "github", "stripe"],
)  # fmt: skip
def test_every_made_up_body_is_valid_against_its_schema(spec: Path) -> None:
    doc = load(spec)
    oas31 = str(doc.data["openapi"]).startswith("3.1")
    registry = Registry().with_resource("urn:doc", (DRAFT202012 if oas31 else DRAFT4).create_resource(doc.data))
    validator = oas.OAS31Validator if oas31 else oas.OAS30WriteValidator
    checked, invalid = 0, []
    for path, item in doc.data["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody") if isinstance(op, dict) else None
            body = doc.resolve(body["$ref"][1:]) if body and "$ref" in body else body
            for content in (body or {}).get("content", {}).values():
                schema = _absolute(content["schema"])
                value = example_value(doc, content["schema"])
                errors = list(
                    validator(schema, registry=registry, format_checker=validator.FORMAT_CHECKER).iter_errors(value)
                )
                checked += 1
                invalid += [f"{method} {path}: {errors[0].message}"] if errors else []
    assert checked and invalid == []
