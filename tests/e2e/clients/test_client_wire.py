"""Where and how a call goes, over real sockets: path and operation `servers`, fragments in path templates,
the `Accept` header, and lenient parsing of answers that contradict their schema."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from recording_server import RecordingServer

import generated.voucherify as voucherify
from conftest import MakePackage
from generated.voucherify._lenient import loose
from generator.errors import Severity
from generator.pipeline import build_api

OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
COUNT = {
    "type": "object",
    "required": ["count", "child"],
    "properties": {
        "count": {"type": "integer"},
        "label": {"type": "string"},
        "child": {"$ref": "#/components/schemas/Child"},
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Child"}},
    },
}
CHILD = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}


def _spec(upload_url: str, files_port: int) -> dict[str, Any]:
    """The upload path goes to `upload_url`; `getFile` to a server whose port is a variable's default."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Wire", "version": "1"},
        "servers": [{"url": "http://127.0.0.1:1/api"}],
        "paths": {
            "/uploads": {
                "servers": [{"url": upload_url + "/up"}],
                "post": {"operationId": "upload", "tags": ["files"], "responses": OK},
            },
            "/content/{id}": {
                "get": {
                    "operationId": "getFile",
                    "tags": ["files"],
                    "servers": [
                        {"url": "http://127.0.0.1:{port}/{base}", "variables": {
                            "port": {"default": str(files_port)}, "base": {"default": "files", "enum": ["files"]}}},
                        {"url": "http://127.0.0.1:2/elsewhere"},
                    ],
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": OK,
                }
            },
            "/things": {
                "servers": [{"url": "/v2"}],
                "get": {"operationId": "listThings", "tags": ["files"], "responses": OK},
            },
            "/folders/{folder_id}": {
                "get": {
                    "operationId": "getFolder",
                    "tags": ["folders"],
                    "parameters": [{"name": "folder_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": OK,
                }
            },
            "/folders/{folder_id}#remove_shared_link": {
                "put": {
                    "operationId": "removeSharedLink",
                    "tags": ["folders"],
                    "parameters": [
                        {"name": "folder_id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "fields", "in": "query", "required": True, "schema": {"type": "string"}},
                    ],
                    "responses": OK,
                }
            },
            "/report": {
                "get": {
                    "operationId": "getReport",
                    "tags": ["folders"],
                    "responses": {
                        "200": {"description": "ok", "content": {
                            "application/xml": {"schema": {"$ref": "#/components/schemas/Count"}},
                            "application/json": {"schema": {"$ref": "#/components/schemas/Count"}}}},
                        "404": {"description": "missing", "content": {"text/plain": {"schema": {"type": "string"}}}},
                    },
                }
            },
            "/count": {
                "get": {
                    "operationId": "getCount",
                    "tags": ["folders"],
                    "responses": {"200": {"description": "ok", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Count"}}}}},
                }
            },
        },
        "components": {"schemas": {"Count": COUNT, "Child": CHILD}},
    }  # fmt: skip


@pytest.fixture
def servers() -> Iterator[tuple[RecordingServer, RecordingServer, RecordingServer]]:
    """The API's server, the upload host and the file host."""
    with RecordingServer() as api, RecordingServer() as upload, RecordingServer() as files:
        yield api, upload, files


@pytest.fixture
def pkg(make_package: MakePackage, servers: tuple[RecordingServer, RecordingServer, RecordingServer]) -> ModuleType:
    _, upload, files = servers
    return make_package(_spec(upload.url, int(files.url.rsplit(":", 1)[1])), package="wirepkg")


def test_path_and_operation_servers_override_the_documents(
    pkg: ModuleType, servers: tuple[RecordingServer, RecordingServer, RecordingServer]
) -> None:
    api, upload, files = servers
    with pkg.WirepkgClient(base_url=api.url) as client:
        client.files.uploads.create()  # the path's absolute server: kept, whatever `base_url` says
        client.files.content.get("f1")  # the operation's, its variables at their defaults
        client.files.things.list()  # relative: resolved against `base_url`
        client.folders.get("d1")  # no server of its own: `base_url`
    assert [s.path for s in upload.recorder.seen] == ["/up/uploads"]
    assert [s.path for s in files.recorder.seen] == ["/files/content/f1"]
    assert [s.path for s in api.recorder.seen] == ["/v2/things", "/folders/d1"]


def test_a_fragment_in_the_path_is_never_sent(pkg: ModuleType, servers: tuple[RecordingServer, ...]) -> None:
    api = servers[0]
    with pkg.WirepkgClient(base_url=api.url) as client:
        client.folders.remove_shared_link("d1", fields="shared_link")
    (seen,) = api.recorder.seen
    assert (seen.method, seen.path, seen.query) == ("PUT", "/folders/d1", "fields=shared_link")


def test_accept_lists_what_the_client_reads_json_first(pkg: ModuleType, servers: tuple[RecordingServer, ...]) -> None:
    api = servers[0]
    api.recorder.answers["/report"] = [(200, {"count": 1, "child": {"id": 2}})]
    with pkg.WirepkgClient(base_url=api.url) as client:
        assert client.folders.report.get().count == 1
    assert api.recorder.seen[0].headers["Accept"] == "application/json, text/plain;q=0.9"


def test_what_is_not_honoured_is_reported_where_it_is(tmp_path: Path) -> None:
    spec = tmp_path / "wire.yaml"
    spec.write_text(yaml.safe_dump(_spec("http://127.0.0.1:3", 4), sort_keys=False), encoding="utf-8")
    warnings: list[Any] = []
    api = build_api(spec, "wirepkg", warnings=warnings)
    found = {(w.severity, w.location.pointer) for w in warnings}
    assert (Severity.WARNING, "/paths/~1report/get/responses/200/content") in found  # xml left out of Accept
    assert (Severity.WARNING, "/paths/~1content~1{id}/get/servers") in found  # only the first server is used
    assert (Severity.NOTE, "/paths/~1content~1{id}/get/servers/0/variables/port") in found
    ops = {op.operation_id: op for g in api.groups for op in g.operations}
    assert ops["removeSharedLink"].path == "/folders/{folder_id}" and ops["getFolder"].server is None
    assert ops["getFile"].server == "http://127.0.0.1:4/files" and ops["listThings"].server == "/v2"


CONTRADICTING = {"count": "many", "label": "x", "child": {"id": "c1", "name": "n"}, "items": [{"id": 1}, {}], "new": 1}


def _check_lenient(count: Any, pkg: ModuleType) -> None:
    assert isinstance(count, pkg.Count) and isinstance(count.child, pkg.Child)
    assert count.count == "many" and count.label == "x"  # the field that fails keeps its raw value
    assert count.child.id == "c1" and count.child.name == "n"
    assert count.items[0] == pkg.Child(id=1) and count.items[1].id is None  # missing: None
    assert count.new == 1  # unknown keys are kept, as always


def test_lenient_parses_a_contradicting_answer_strict_raises(
    pkg: ModuleType, servers: tuple[RecordingServer, ...], caplog: pytest.LogCaptureFixture
) -> None:
    api = servers[0]
    api.recorder.answers["/count"] = [(200, CONTRADICTING)]
    caplog.set_level(logging.WARNING)
    with pkg.WirepkgClient(base_url=api.url) as client:
        with pytest.raises(pkg.APIResponseValidationError):
            client.folders.count.get()
        assert not caplog.records
        _check_lenient(client.with_options(lenient=True).folders.count.get(), pkg)
        with pytest.raises(pkg.APIResponseValidationError):
            client.folders.count.get()  # `with_options` changed a copy only
    with pkg.WirepkgClient(base_url=api.url, lenient=True) as lenient:
        _check_lenient(lenient.folders.count.get(), pkg)
    (record, _) = caplog.records
    assert record.name == "wirepkg" and record.levelno == logging.WARNING
    assert record.getMessage().startswith("GET /count: the answer does not match its schema (count: Input should be")
    assert "many" not in record.getMessage()  # the input is never logged


def test_lenient_async(pkg: ModuleType, servers: tuple[RecordingServer, ...]) -> None:
    api = servers[0]
    api.recorder.answers["/count"] = [(200, CONTRADICTING)]

    async def main() -> tuple[Any, Any]:
        async with pkg.AsyncWirepkgClient(base_url=api.url) as client:
            with pytest.raises(pkg.APIResponseValidationError):
                await client.folders.count.get()
            return await client.with_options(lenient=True).folders.count.get(), None

    count, _ = asyncio.run(main())
    _check_lenient(count, pkg)


def test_lenient_takes_the_variant_a_tag_names() -> None:
    """A tagged union is built as the variant its tag names (the unknown fallback for a new tag)."""
    action = {
        "id": "aa_1",
        "type": "SKUS.IMPORT_CSV",
        "status": "DONE",
        "created_at": "later",
        "object": "async_action",
    }
    known = loose(voucherify.AsyncAction, {**action, "result": {"message": "m", "failed": [{"row": "x"}]}})
    assert isinstance(known, voucherify.SkusImportCsvAction) and known.created_at == "later"
    assert isinstance(known.result, voucherify.SkuCsvImportResult) and known.result.failed[0].row == "x"
    unknown = loose(voucherify.AsyncAction, {**action, "type": "NEW.KIND"})
    assert isinstance(unknown, voucherify.AsyncActionUnknown) and unknown.status is voucherify.AsyncActionStatus.DONE


def test_a_fragment_names_the_operation_in_a_spec_without_tags(
    make_package: MakePackage, servers: tuple[RecordingServer, ...]
) -> None:
    folder = [{"name": "folder_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Folders", "version": "1"},
        "paths": {
            "/folders/{folder_id}": {"put": {"parameters": folder, "responses": OK}},
            "/folders/{folder_id}#remove_shared_link": {"put": {"parameters": folder, "responses": OK}},
        },
    }
    pkg = make_package(spec, package="fragpkg")
    api = servers[0]
    with pkg.FragpkgClient(base_url=api.url) as client:
        client.folders.remove_shared_link("d1")
        client.folders.update("d2")
    assert [(s.method, s.path) for s in api.recorder.seen] == [("PUT", "/folders/d1"), ("PUT", "/folders/d2")]
