"""Stage 2's typed view of a validated document: the operations `ir/` builds from."""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import minimal_spec
from generator.load.document import load
from generator.validate import view
from generator.validate.rules import validate

_LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer"}}


def test_operations_in_path_then_method_order_with_their_parameters_and_responses(tmp_path: Path) -> None:
    paths = {
        "/b/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}, _LIMIT],
            "post": {"responses": {"204": {"description": "done"}}},
            "get": {
                "operationId": "getB",
                "parameters": [{"$ref": "#/components/parameters/Limit"}],
                "responses": {"200": {"$ref": "#/components/responses/Ok"}},
            },
        },
        "x-note": {"get": "an extension of the Paths Object, no path"},
    }
    spec = minimal_spec(paths=paths)
    spec["components"]["parameters"] = {"Limit": {**_LIMIT, "description": "the shared one"}}
    spec["components"]["responses"] = {"Ok": {"description": "ok"}}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    doc = load(path)
    validate(doc)
    get, post = view.operations(doc)
    assert (get.operation_id, post.operation_id) == ("getB", "post /b/{id}")
    assert get.pointer == "/paths/~1b~1{id}/get" and get.item is doc.data["paths"]["/b/{id}"]
    parameters = get.parameters(doc)
    assert list(parameters) == [("path", "id"), ("query", "limit")]
    # The operation's declaration replaces its path item's, and its `$ref` is followed.
    assert parameters[("query", "limit")].pointer == "/components/parameters/Limit"
    assert parameters[("query", "limit")].spec["description"] == "the shared one"
    assert [(s, r["description"], at) for s, r, at in get.responses(doc)] == [("200", "ok", "/components/responses/Ok")]
    assert [s for s, _, _ in post.responses(doc)] == ["204"]
