"""The `Param` TypedDicts of request bodies (`ir/build_params.py`) and how their module writes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from conftest import minimal_spec
from generator import ir
from generator.ir.names import ClassName
from generator.pipeline import build_api
from generator.render.param_views import param_dict_view

SCHEMAS: dict[str, Any] = {
    "Widget": {
        "type": "object",
        "required": ["id", "name", "secret"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "secret": {"type": "string", "writeOnly": True},
            "name": {"type": "string"},
            "note": {"type": "string", "nullable": True},
            "size": {"type": "integer"},
            "made": {"type": "string", "format": "date-time"},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "part": {"$ref": "#/components/schemas/Part"},
            "either": {"oneOf": [{"$ref": "#/components/schemas/Part"}, {"type": "string"}]},
            "any": {"type": "object", "additionalProperties": True},
        },
    },
    "Part": {"type": "object", "properties": {"label": {"type": "string"}}},
    "WidgetParam": {"type": "object", "properties": {"x": {"type": "string"}}},
    "Answer": {"type": "object", "properties": {"part": {"$ref": "#/components/schemas/Shown"}}},
    "Shown": {"type": "object", "properties": {"y": {"type": "string"}}},
}
PATHS = {
    "/widgets": {
        "post": {
            "operationId": "createWidget",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Answer"}}}}},
        }
    }
}  # fmt: skip


def _params(tmp_path: Path) -> dict[str, ir.Param]:
    path = tmp_path / "spec.yaml"
    spec = minimal_spec(SCHEMAS, PATHS)
    spec["openapi"] = "3.0.3"
    path.write_text(yaml.safe_dump(spec))
    return {str(p.of): p for p in build_api(path, "pkg").params}


def test_request_bodies_reach_params_and_responses_do_not(tmp_path: Path) -> None:
    params = _params(tmp_path)
    assert sorted(params) == ["Part", "Widget"]
    assert params["Widget"].name == "WidgetParam2"  # the spec has a `WidgetParam` of its own
    assert params["Part"].name == "PartParam"


def test_keys_are_typed_as_a_request_gives_them(tmp_path: Path) -> None:
    widget = _params(tmp_path)["Widget"]
    assert isinstance(widget, ir.ParamDict)
    keys = {k.wire_name: k for k in widget.keys}
    assert "id" not in keys  # readOnly: never sent
    assert keys["secret"].required and keys["name"].required and not keys["size"].required
    assert keys["size"].type == ir.Primitive("int")  # optional, but not nullable
    assert keys["note"].type == ir.Nullable(ir.Primitive("str"))
    assert keys["made"].type == ir.UnionOf((ir.Primitive("str"), ir.Primitive("datetime")))
    kind = keys["kind"].type
    assert isinstance(kind, ir.UnionOf) and kind.options[0] == ir.LiteralOf(("a", "b"))
    assert keys["part"].type == ir.Named(ClassName("PartParam"))
    assert keys["either"].type == ir.UnionOf((ir.Named(ClassName("PartParam")), ir.Primitive("str")))
    assert keys["any"].type == ir.DictOf(ir.Primitive("Any"))


def test_a_key_that_cannot_be_a_class_attribute_makes_the_functional_form() -> None:
    def view(*keys: str) -> str:
        param = ir.ParamDict(
            ClassName("TParam"),
            ClassName("T"),
            tuple(ir.ParamKey(k, ir.LiteralOf(("user",)), False) for k in keys),
        )
        return param_dict_view(param).functional

    assert view("user", "name") == ""  # a name inside a literal's text hides nothing
    assert view("content-type").startswith("TParam = TypedDict('TParam', {'content-type': \"Literal['user']\"}")
    for key in ("class", "__x", "Literal"):
        assert view(key), key
