"""Shapes real specs have that once crashed the generator or its output (issue 12): each one generates,
imports, parses a value and passes `mypy --strict`."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest

from conftest import MakePackage, minimal_spec, mypy_strict


def _ok(schema: str) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return {"200": {"description": "ok", "content": content}}


CASES: dict[str, dict[str, Any]] = {
    # No model class at all: the types package exports nothing.
    "no_models": minimal_spec(paths={"/": {"get": {"responses": {"200": {"description": "ok"}}}}}),
    # A component that is only a reference to another.
    "ref_only_component": minimal_spec(
        {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "object", "properties": {"x": {"type": "string"}}},
            "C": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
        }
    ),
    # Enums and consts Python's Literal cannot spell, and enums mixing value types.
    "odd_enums": minimal_spec(
        {
            "OnlyNull": {"enum": [None]},
            "M": {
                "type": "object",
                "properties": {
                    "null_only": {"enum": [None]},
                    "mixed": {"enum": [1, "a", None]},
                    "flag_or_auto": {"enum": [True, "auto"]},
                    "floats": {"enum": [1.5, 2]},
                    "arrays": {"enum": [["abuse"], ["spam"]]},
                    "const_object": {"const": {"enabled": True}},
                    "const_array": {"const": [1, 2]},
                    "const_float": {"const": 1.5},
                },
            },
        }
    ),
    # A union that contains itself.
    "self_union": minimal_spec(
        {
            "Json": {
                "oneOf": [
                    {"type": "array", "items": {"$ref": "#/components/schemas/Json"}},
                    {"type": "string"},
                    {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Json"}},
                ]
            },
            "Holder": {"type": "object", "properties": {"j": {"$ref": "#/components/schemas/Json"}}},
        }
    ),
    # Properties named after the builtins their own annotations use (SendGrid's spec has them).
    "builtin_names": minimal_spec(
        {
            "S": {
                "type": "object",
                "properties": {
                    "bool": {"type": "boolean"},
                    "list": {"type": "array", "items": {"type": "string"}},
                    "str": {"type": "string"},
                    "int": {"type": "integer"},
                    "float": {"type": "number"},
                    "when": {"type": "string", "format": "date"},
                },
            }
        }
    ),
    # Two apiKey schemes on one header, and a server variable named like a client argument.
    "shared_header": {
        **minimal_spec(paths={"/": {"get": {"responses": {"200": {"description": "ok"}}}}}),
        "servers": [{"url": "http://127.0.0.1/{timeout}", "variables": {"timeout": {"default": "v1"}}}],
        "components": {
            "securitySchemes": {
                "a": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "b": {"type": "apiKey", "in": "header", "name": "x-key"},
                "c": {"type": "apiKey", "in": "header", "name": "Key"},
            }
        },
        "security": [{"a": []}, {"b": []}, {"c": []}],
    },
    # Schemas named like the client module's own classes (the runtime's `Page`, a `<Tag>Resource`), two tags
    # that name one attribute, and a discriminator that is not required.
    "client_names": {
        **minimal_spec(
            {
                "Page": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "WidgetsResource": {"type": "object", "properties": {"p": {"$ref": "#/components/schemas/Page"}}},
                "A": {"type": "object", "properties": {"kind": {"type": "string"}, "a": {"type": "string"}}},
                "B": {"type": "object", "properties": {"kind": {"type": "string"}, "b": {"type": "string"}}},
                "AB": {
                    "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                    "discriminator": {"propertyName": "kind"},
                },
            },
            {
                "/w": {"get": {"tags": ["widgets"], "operationId": "listWidgets", "responses": _ok("WidgetsResource")}},
                "/p": {"get": {"tags": ["Widgets"], "operationId": "getPage", "responses": _ok("Page")}},
                "/ab": {"get": {"tags": ["widgets"], "operationId": "getAb", "responses": _ok("AB")}},
            },
        ),
    },
    # Tags whose resource classes start with `Async` (the async twin is `...ResourceAsync`, never `AsyncAsync...`),
    # one whose class is the async twin of another's, and a schema named like the methods' decorator.
    "async_names": minimal_spec(
        {"Operation": {"type": "object", "properties": {"id": {"type": "string"}}}},
        {
            "/aw": {
                "get": {"tags": ["async widgets"], "operationId": "listAsyncWidgets", "responses": _ok("Operation")}
            },
            "/w": {"get": {"tags": ["widgets"], "operationId": "listWidgets", "responses": _ok("Operation")}},
            "/a": {"get": {"tags": ["async"], "operationId": "getAsync", "responses": _ok("Operation")}},
        },
    ),
    # Classic polymorphism: a discriminated oneOf whose variants allOf the parent (a reference cycle).
    "polymorphism": minimal_spec(
        {
            "Pet": {
                "type": "object",
                "required": ["petType"],
                "properties": {"petType": {"type": "string"}},
                "discriminator": {"propertyName": "petType"},
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            },
            "Cat": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"properties": {"meow": {"type": "boolean"}}}]},
            "Dog": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"properties": {"bark": {"type": "boolean"}}}]},
            "Owner": {"type": "object", "properties": {"pet": {"$ref": "#/components/schemas/Pet"}}},
        }
    ),
    # An ECMA-262 pattern Python's `re` cannot read, with an example to check (3.0 and 3.1 take different paths).
    **{
        f"ecma_pattern_{version[:3].replace('.', '')}": {
            **minimal_spec(
                {
                    "N": {
                        "type": "object",
                        "properties": {"name": {"type": "string", "pattern": "^\\p{L}+$", "example": "abc"}},
                        "example": {"name": "abc"},
                    }
                }
            ),
            "openapi": version,
        }
        for version in ("3.0.3", "3.1.0")
    },
    # A list type that reaches itself through a class (apideck's ProfitAndLossRecords), entered from outside.
    "recursion_through_a_list": minimal_spec(
        {
            "Report": {"type": "object", "properties": {"records": {"$ref": "#/components/schemas/Records"}}},
            "Records": {
                "type": "array",
                "items": {"anyOf": [{"$ref": "#/components/schemas/Section"}, {"$ref": "#/components/schemas/Row"}]},
            },
            "Section": {
                "type": "object",
                "required": ["title"],
                "properties": {"title": {"type": "string"}, "records": {"$ref": "#/components/schemas/Records"}},
            },
            "Row": {"type": "object", "required": ["value"], "properties": {"value": {"type": "number"}}},
        }
    ),
    # An extension among the paths (apicurio's `x-codegen-contextRoot`), which the validator library misreads.
    "paths_extension": minimal_spec(
        paths={
            "x-codegen-contextRoot": "/apis/registry/v2",
            "/": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}},
        }
    ),
    # A list-valued example on a model inside a discriminated-union variant (the docs list nested models).
    "variant_list_example": minimal_spec(
        {
            "Inner": {
                "type": "object",
                "properties": {"tags": {"type": "array", "items": {"type": "string"}, "example": ["a", "b"]}},
            },
            "Cat": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string"}, "inner": {"$ref": "#/components/schemas/Inner"}},
            },
            "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
                },
            },
        }
    ),
    # A `$ref` whose pointer is percent-encoded, as a URI fragment spells `{` and `}` (brex.io's spec).
    "percent_encoded_ref": minimal_spec(
        {"Pet": {"type": "object", "properties": {"id": {"type": "string"}}}},
        {
            "/pets/{id}": {
                "get": {
                    "operationId": "getPet",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": _ok("Pet"),
                }
            },
            "/pet": {
                "get": {
                    "operationId": "anyPet",
                    "responses": {"200": {"$ref": "#/paths/~1pets~1%7Bid%7D/get/responses/200"}},
                }
            },
        },
    ),
    # OpenAPI 3.0 ignores a `$ref`'s siblings; a malformed one (dnd5eapi.co's `allOf: {"3": ...}`) must not crash.
    "ref_with_malformed_sibling": {
        **minimal_spec(
            {"Monster": {"type": "object", "properties": {"name": {"type": "string"}}, "example": {"name": "orc"}}},
            {
                "/monster": {
                    "get": {
                        "operationId": "getMonster",
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Monster", "allOf": {"3": {}}},
                                        "example": {"name": "orc"},
                                    }
                                },
                            }
                        },
                    }
                }
            },
        ),
        "openapi": "3.0.3",
    },
    # A discriminator mapping into files the document does not hold (APIs.guru's DigitalOcean spec).
    "foreign_discriminator_mapping": minimal_spec(
        {
            "A": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"const": "A"}, "ip": {"type": "string"}},
            },
            "MX": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"const": "MX"}, "host": {"type": "string"}},
            },
            "Record": {
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/MX"}],
                "discriminator": {
                    "propertyName": "type",
                    "mapping": {"A": "models/types.yml#/a", "MX": "models/types.yml#/mx"},
                },
            },
            "Zone": {
                "type": "object",
                "properties": {"records": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}},
            },
        }
    ),
}

VALUES: dict[str, tuple[str, dict[str, Any]]] = {
    "foreign_discriminator_mapping": (
        "Zone",
        {"records": [{"type": "MX", "host": "mail"}, {"type": "A", "ip": "1.2.3.4"}]},
    ),
    "recursion_through_a_list": ("Report", {"records": [{"title": "A", "records": [{"value": 1.5}]}, {"value": 2.5}]}),
    "client_names": ("WidgetsResource", {"p": {"n": 1}}),
    "polymorphism": ("Owner", {"pet": {"petType": "Cat", "meow": True}}),
    "ecma_pattern_30": ("N", {"name": "é"}),
    "ref_only_component": ("C", {"a": {"x": "y"}}),
    "odd_enums": (
        "M",
        {"null_only": None, "mixed": "new", "flag_or_auto": True, "floats": 3.25, "arrays": ["x"], "const_object": {}},
    ),
    "self_union": ("Holder", {"j": [["a"], {"k": ["v"]}, "s"]}),
    "builtin_names": ("S", {"bool": True, "list": ["a"], "str": "s", "int": 1, "float": 1.5, "when": "2024-01-02"}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_shape_generates_imports_parses_and_type_checks(
    case: str, make_package: MakePackage, tmp_path: Path
) -> None:
    package = make_package(CASES[case], package=f"shape_{case}")
    types = importlib.import_module(f"shape_{case}.types")
    for name in types.__all__:
        getattr(types, name)  # every lazy export resolves, so every types/ module imports
    if case in VALUES:
        model, data = VALUES[case]
        parsed = getattr(package, model).model_validate(data)
        assert parsed.model_dump(mode="json", by_alias=True, exclude_none=True) == {
            k: v for k, v in data.items() if v is not None
        }
    out = Path(package.__file__).parent
    mypy_strict(out, tmp_path / ".mypy_cache", cwd=out.parent)


def test_a_shared_header_is_one_argument_and_arguments_stay_apart(make_package: MakePackage) -> None:
    package = make_package(CASES["shared_header"], package="shape_header_args")
    client = package.ShapeHeaderArgsClient(key="k", key_2="k2", timeout=3.0)
    assert client is not None
    arguments = list(inspect.signature(package.ShapeHeaderArgsClient.__init__).parameters)
    assert arguments.count("key") == 1 and "timeout_2" in arguments and "key_2" in arguments


def test_client_module_names_stay_apart_from_type_names(make_package: MakePackage) -> None:
    package = make_package(CASES["client_names"], package="shape_client_names_apart")
    resources = importlib.import_module("shape_client_names_apart.resources.widgets")
    assert resources.WidgetsResource2.__name__ == "WidgetsResource2"  # the schema kept `WidgetsResource`
    assert package.WidgetsResource.__module__.endswith(".types.widgets_resource")
    client = package.ShapeClientNamesApartClient()
    assert type(client.widgets).__name__ == "WidgetsResource2"
    assert not hasattr(client, "widgets_2")  # the tags `widgets` and `Widgets` name one resource
    unknown = package.ABUnknown.model_validate({"b": "x"})  # no tag at all: the fallback, tag None
    assert unknown.kind is None


def test_async_resource_classes_never_double_the_prefix(make_package: MakePackage) -> None:
    package = make_package(CASES["async_names"], package="shape_async_names_apart")
    sync, async_ = package.ShapeAsyncNamesApartClient(), package.AsyncShapeAsyncNamesApartClient()
    names = {attribute: (type(getattr(sync, attribute)).__name__, type(getattr(async_, attribute)).__name__)
             for attribute in ("async_widgets", "widgets", "async_")}  # fmt: skip
    assert names == {
        "async_widgets": ("AsyncWidgetsResource", "AsyncWidgetsResourceAsync"),
        "widgets": ("WidgetsResource2", "AsyncWidgetsResource2"),  # `AsyncWidgetsResource` is taken
        "async_": ("AsyncResource", "AsyncResourceAsync"),
    }
    assert package.Operation.model_validate({"id": "x"}).id == "x"


def test_a_foreign_mapping_takes_its_tags_from_the_variants(make_package: MakePackage) -> None:
    package = make_package(CASES["foreign_discriminator_mapping"], package="shape_foreign_tags")
    zone = package.Zone.model_validate({"records": [{"type": "MX", "host": "mail"}, {"type": "A", "ip": "1.2.3.4"}]})
    assert [type(r).__name__ for r in zone.records] == ["MX", "A"]
