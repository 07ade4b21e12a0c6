"""Typed request parameters: a body given as a dict is checked by mypy against its `Param` TypedDict and sent as
the model would be; an optional parameter left out is not sent, and `None` is accepted (and sent) only where
its schema admits null."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from recording_server import RecordingServer

from conftest import MakePackage, minimal_spec

TAG = {"type": "object", "required": ["label"], "properties": {"label": {"type": "string"}}}
WIDGET = {
    "type": "object",
    "required": ["name", "id"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string"},
        "kind": {"$ref": "#/components/schemas/Kind"},
        "made_at": {"type": "string", "format": "date-time"},
        "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
        "note": {"type": ["string", "null"]},
        "content-type": {"type": "string"},
        "shape": {"oneOf": [{"$ref": "#/components/schemas/Tag"}, {"type": "integer"}]},
    },
}
SPEC = minimal_spec(
    {"Kind": {"type": "string", "enum": ["round", "square"]}, "Tag": TAG, "Widget": WIDGET},
    {
        "/widgets": {
            "post": {
                "operationId": "createWidget",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}},
                },
                "responses": {"200": {"description": "ok"}},
            },
            "get": {
                "operationId": "listWidgets",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "cursor", "in": "query", "schema": {"type": ["string", "null"]}},
                ],
                "responses": {"200": {"description": "ok"}},
            },
        }
    },
)
BODY: dict[str, Any] = {
    "name": "w",
    "kind": "round",
    "made_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    "tags": [{"label": "a"}],
    "note": None,
    "content-type": "text/plain",
    "shape": {"label": "s"},
}


def test_a_dict_body_and_the_model_body_send_the_same_json(make_package: MakePackage) -> None:
    pkg = make_package(SPEC)
    with RecordingServer() as server:
        client = pkg.PkgClient(base_url=server.url)
        client.widgets.create(BODY)
        client.widgets.create(pkg.types.Widget.model_validate(BODY))
        client.widgets.create(pkg.types.Widget.model_validate({**BODY, "kind": pkg.types.Kind.ROUND}))
    sent = [json.loads(seen.body) for seen in server.recorder.to("/widgets")]
    assert sent[0] == {**BODY, "made_at": "2026-01-02T03:04:05Z"}
    assert sent[1] == sent[0] and sent[2] == sent[0]


def test_an_omitted_parameter_is_not_sent_and_none_is_null_where_the_schema_admits_it(
    make_package: MakePackage,
) -> None:
    pkg = make_package(SPEC)
    with RecordingServer() as server:
        client = pkg.PkgClient(base_url=server.url)
        client.widgets.list()
        client.widgets.list(cursor=None, limit=pkg.omit)
        client.widgets.list(limit=0, cursor="c")
    assert [seen.query for seen in server.recorder.to("/widgets")] == ["", "cursor=", "limit=0&cursor=c"]


def _mypy(program: str, out: Path) -> str:
    """mypy --strict's report on `program`, type-checked beside the generated package in `out`."""
    (out / "program.py").write_text(program)
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(out / ".mypy_cache"), "program.py"]
    return subprocess.run(command, cwd=out, capture_output=True, text=True, check=False).stdout


ACCEPTED = """
from datetime import datetime
from pkg import PkgClient
from pkg.types import Kind, WidgetParam

client = PkgClient()
body: WidgetParam = {"name": "w", "kind": "round", "made_at": "2026-01-02T03:04:05Z", "tags": [{"label": "a"}]}
client.widgets.create(body)
client.widgets.create({"name": "w", "kind": Kind.SQUARE, "made_at": datetime.now(), "content-type": "x"})
client.widgets.create({"name": "w", "note": None, "shape": 3})
client.widgets.list(limit=3, cursor=None)
"""
REJECTED = {
    "misspelt key": 'client.widgets.create({"nmae": "w"})',
    "wrong type": 'client.widgets.create({"name": 3})',
    "missing required key": 'client.widgets.create({"kind": "round"})',
    "value outside the enum": 'client.widgets.create({"name": "w", "kind": "oval"})',
    "read-only key": 'client.widgets.create({"name": "w", "id": "w_1"})',
    "nested misspelt key": 'client.widgets.create({"name": "w", "tags": [{"lable": "a"}]})',
    "null for a non-nullable key": 'client.widgets.create({"name": "w", "made_at": None})',
    "null for a non-nullable parameter": "client.widgets.list(limit=None)",
}


def test_mypy_checks_a_dict_body_against_its_typed_dict(make_package: MakePackage, tmp_path: Path) -> None:
    make_package(SPEC)
    out = tmp_path / "out"
    assert "Success: no issues found" in _mypy(ACCEPTED, out)
    header = "from pkg import PkgClient\n\nclient = PkgClient()\n"
    lines = list(REJECTED.values())
    report = _mypy(header + "\n".join(lines) + "\n", out)
    for number, (case, line) in enumerate(REJECTED.items(), start=4):
        assert f"program.py:{number}: error" in report, f"{case} ({line}) passed mypy:\n{report}"


@pytest.mark.parametrize("name", ["limit", "cursor"])
def test_an_optional_parameter_is_nullable_only_where_its_schema_is(make_package: MakePackage, name: str) -> None:
    pkg = make_package(SPEC)
    annotation = inspect.signature(pkg.PkgClient().widgets.list).parameters[name].annotation
    assert annotation == {"limit": "int | Omit", "cursor": "str | None | Omit"}[name]
