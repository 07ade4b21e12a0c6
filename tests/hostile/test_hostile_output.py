"""Hostile output: names that collide with the runtime, hand-written files, interrupted writes."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from recording_server import RecordingServer

from conftest import minimal_spec, mypy_strict
from generator.pipeline import package_tree
from generator.write.files import write_tree

# Tags named like the client's own attributes, and schemas named like what the generated modules import.
CLASHING_TAGS = ["Request", "close", "with_options", "base_url", "timeout", "max_retries", "_client"]
CLASHING_SCHEMAS = [
    "BaseModel", "Client", "APIError", "Field", "Any", "APIClient", "Endpoint", "ResponseType", "Page",
    "NotFoundError", "RequestOptions", "FileInput", "HostileClient", "RequestResource", "Literal", "TYPE_CHECKING",
]  # fmt: skip


def _clashing_spec() -> dict[str, Any]:
    schemas = {name: {"type": "object", "properties": {"id": {"type": "string"}}} for name in CLASHING_SCHEMAS}
    paths = {
        f"/t{index}/{{id}}": {
            "get": {
                "tags": [tag],
                "operationId": f"get-{tag}",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{CLASHING_SCHEMAS[index]}"}}
                        },
                    }
                },
            }
        }
        for index, tag in enumerate(CLASHING_TAGS)
    }
    return minimal_spec(schemas, paths)


@pytest.fixture
def hostile_package(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    """The package generated from `_clashing_spec`, imported, and the directory it is in."""
    spec = tmp_path / "hostile.yaml"
    spec.write_text(yaml.safe_dump(_clashing_spec(), sort_keys=False))
    out = tmp_path / "out"
    write_tree(package_tree(spec, "hostile"), out / "hostile")
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("hostile"), out
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n.split(".")[0] == "hostile"]:
            del sys.modules[name]


@pytest.mark.timeout(300)
def test_tags_and_schemas_named_like_the_runtime_leave_it_working(
    hostile_package: tuple[Any, Path], tmp_path: Path
) -> None:
    package, out = hostile_package
    client_attributes = {"request", "close", "with_options", "base_url", "timeout", "max_retries"}
    with RecordingServer() as server:
        client = package.HostileClient(base_url=server.url, timeout=7.0, max_retries=0)
        assert (client.base_url, client.timeout, client.max_retries) == (server.url, 7.0, 0)
        resources = {name: value for name, value in vars(type(client)).items() if not name.startswith("_")}
        assert len(resources) == len(CLASHING_TAGS) and not resources.keys() & client_attributes
        for attribute in resources:
            assert getattr(client, attribute).get("x").id is None  # parsed as the schema: `{"ok": true}`
        assert sorted(s.path for s in server.recorder.seen) == [f"/t{i}/x" for i in range(len(CLASHING_TAGS))]
        copy = client.with_options(timeout=3.0)
        assert copy.timeout == 3.0 and callable(copy.request)
        client.close()
    exported = {name: getattr(package, name).__module__ for name in package.__all__}
    assert sum(module.startswith("hostile.types.") for module in exported.values()) == len(CLASHING_SCHEMAS)
    assert (exported["APIError"], exported["Page"]) == ("hostile._exceptions", "hostile._pagination")
    mypy_strict(out / "hostile", tmp_path / ".mypy_cache", cwd=out)
