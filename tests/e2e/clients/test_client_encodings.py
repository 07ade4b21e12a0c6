"""Request and response encodings over real sockets: what the generated methods put on the wire for
styled parameters, form, multipart, binary and text bodies, and how they read text, binary, empty,
several-2xx and malformed answers; raw and streamed responses."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import pytest
from recording_server import RecordingServer

from conftest import MakePackage, mypy_strict

JSON_OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
CUSTOMER = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "email": {"type": "string"}},
}
CUSTOMER_FIELDS = {
    "type": "object",
    "required": ["email"],
    "properties": {
        "email": {"type": "string"},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "expand": {"type": "array", "items": {"type": "string"}},
    },
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Enc", "version": "1"},
    "servers": [{"url": "http://127.0.0.1:1"}],
    "paths": {
        "/imports": {
            "post": {
                "operationId": "importCsv",
                "tags": ["default"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "meta": {"type": "object", "properties": {"n": {"type": "integer"}}},
                                    "tags": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                            "encoding": {"file": {"contentType": "text/csv"}},
                        }
                    },
                },
                "responses": JSON_OK,
            }
        },
        "/customers": {
            "post": {
                "operationId": "createCustomer",
                "tags": ["default"],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {"$ref": "#/components/schemas/CustomerFields"},
                            "encoding": {
                                "metadata": {"style": "deepObject", "explode": True},
                                "expand": {"style": "deepObject", "explode": True},
                            },
                        },
                        "application/json": {"schema": {"$ref": "#/components/schemas/CustomerFields"}},
                    },
                },
                "responses": {
                    "200": {"description": "found", "content": {"application/json": {"schema": CUSTOMER}}},
                    "201": {
                        "description": "created",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}},
                    },
                },
            }
        },
        "/search/{ids}": {
            "get": {
                "operationId": "search",
                "tags": ["default"],
                "parameters": [
                    {"name": "ids", "in": "path", "required": True, "style": "label",
                     "schema": {"type": "array", "items": {"type": "integer"}}},
                    {"name": "filters", "in": "query", "style": "deepObject", "explode": True,
                     "schema": {"type": "object", "properties": {"junction": {"type": "string"},
                                "created": {"type": "object", "properties": {"gt": {"type": "integer"}}}}}},
                    {"name": "tags", "in": "query", "style": "pipeDelimited", "explode": False,
                     "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "trace", "in": "cookie", "schema": {"type": "string"}},
                    {"name": "X-Tags", "in": "header", "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "q", "in": "query",
                     "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "integer"}}}}}},
                ],
                "responses": JSON_OK,
            }
        },
        "/exports/{id}": {
            "get": {
                "operationId": "downloadExport",
                "tags": ["default"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "csv", "content": {"text/csv": {"schema": {"type": "string"}}}}},
            }
        },
        "/files/{id}": {
            "get": {
                "operationId": "getFile",
                "tags": ["default"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "bytes",
                        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                    }
                },
            },
            "put": {
                "operationId": "putFile",
                "tags": ["default"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/octet-stream": {}}},
                "responses": {"204": {"description": "stored"}},
            },
        },
        "/strict": {
            "get": {
                "operationId": "strict",
                "tags": ["default"],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Count"}}},
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "CustomerFields": CUSTOMER_FIELDS,
            "Created": {"type": "object", "required": ["created"], "properties": {"created": {"type": "boolean"}}},
            "Count": {"type": "object", "required": ["count"], "properties": {"count": {"type": "integer"}}},
        }
    },
}  # fmt: skip


@pytest.fixture
def pkg(make_package: MakePackage) -> ModuleType:
    return make_package(SPEC, package="encpkg")


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with RecordingServer() as running:
        yield running


def test_multipart_upload_of_a_file_object(pkg: ModuleType, server: RecordingServer) -> None:
    upload = io.BytesIO(b"code\nA1\n")
    upload.name = "vouchers.csv"
    with pkg.EncpkgClient(base_url=server.url) as client:
        client.imports.create({"file": upload, "meta": {"n": 1}, "tags": ["x", "y"]})
        client.imports.create(pkg.ImportCsvBody(file=("named.csv", b"a,b\n", "text/plain")))
    first, second = server.recorder.seen
    assert first.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    body = first.body.decode()
    assert 'name="file"; filename="vouchers.csv"\r\nContent-Type: text/csv\r\n\r\ncode\nA1\n' in body
    assert 'name="meta"\r\nContent-Type: application/json\r\n\r\n{"n":1}' in body
    assert body.count('name="tags"') == 2
    assert 'filename="named.csv"\r\nContent-Type: text/plain\r\n\r\na,b\n' in second.body.decode()


def test_form_body_with_deep_objects_and_a_chosen_media_type(pkg: ModuleType, server: RecordingServer) -> None:
    server.recorder.answers["/customers"] = [(200, {"id": "cus_1"}), (201, {"created": True})]
    with pkg.EncpkgClient(base_url=server.url) as client:
        body = pkg.CustomerFields(email="a@b.c", metadata={"plan": "pro"}, expand=["x"])
        found = client.customers.create(body, content_type="application/x-www-form-urlencoded")
        created = client.customers.create({"email": "a@b.c"})
    assert isinstance(found, pkg.CreateCustomerResponse200) and found.id == "cus_1"
    assert isinstance(created, pkg.Created) and created.created is True  # the 201's own type
    form, as_json = server.recorder.seen
    assert form.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert unquote(form.body.decode()) == "email=a@b.c&metadata[plan]=pro&expand[0]=x"
    assert as_json.headers["Content-Type"] == "application/json" and as_json.body == b'{"email":"a@b.c"}'


def test_styled_parameters_cookies_and_headers(pkg: ModuleType, server: RecordingServer) -> None:
    with pkg.EncpkgClient(base_url=server.url) as client:
        client.search.get(
            [1, 2],
            filters={"junction": "and", "created": {"gt": 5}},
            tags=["a", "b"],
            trace="t-1",
            x_tags=["p", "q"],
            q={"a": 1},
        )
    (seen,) = server.recorder.seen
    assert seen.path == "/search/.1,2"
    assert unquote(seen.query) == 'filters[junction]=and&filters[created][gt]=5&tags=a|b&q={"a":1}'
    assert seen.headers["Cookie"] == "trace=t-1" and seen.headers["X-Tags"] == "p,q"


def test_text_binary_and_empty_answers_and_accept(pkg: ModuleType, server: RecordingServer) -> None:
    server.recorder.answers["/exports/e1"] = [(200, b"code\nA1\n", "text/csv; charset=utf-8")]
    server.recorder.answers["/files/f1"] = [(200, b"\x00\x01\xff", "application/octet-stream")]
    with pkg.EncpkgClient(base_url=server.url) as client:
        assert client.exports.get("e1") == "code\nA1\n"
        assert client.files.get("f1") == b"\x00\x01\xff"
        with client.files.get.with_streaming_response("f1") as streamed:
            assert b"".join(streamed.iter_bytes()) == b"\x00\x01\xff"
        assert client.files.update("f1", b"raw bytes") is None
    export, file, _, put = server.recorder.seen
    assert export.headers["Accept"] == "text/csv" and file.headers["Accept"] == "application/octet-stream"
    assert put.headers["Content-Type"] == "application/octet-stream" and put.body == b"raw bytes"


def test_raw_response_and_options(pkg: ModuleType, server: RecordingServer) -> None:
    server.recorder.answers["/strict"] = [(200, {"count": 3})]
    with pkg.EncpkgClient(base_url=server.url) as client:
        raw = client.strict.get.with_raw_response(extra_headers={"X-Trace": "1"}, extra_query={"debug": True})
    assert raw.status_code == 200 and raw.parsed.count == 3 and raw.headers["content-type"] == "application/json"
    (seen,) = server.recorder.seen
    assert seen.headers["X-Trace"] == "1" and seen.query == "debug=true"


def test_a_body_that_does_not_match_its_schema_is_an_api_error(pkg: ModuleType, server: RecordingServer) -> None:
    server.recorder.answers["/strict"] = [(200, {"count": "many"})]
    with pkg.EncpkgClient(base_url=server.url) as client, pytest.raises(pkg.APIError) as raised:
        client.strict.get()
    error = raised.value
    assert isinstance(error, pkg.APIResponseValidationError) and error.status_code == 200
    assert "/strict -> 200" in str(error) and "count" in str(error) and error.errors[0]["loc"] == ("count",)


def test_async_upload_download_and_raw_response(pkg: ModuleType, server: RecordingServer) -> None:
    server.recorder.answers["/files/f2"] = [(200, b"abc", "application/octet-stream")]

    async def main() -> None:
        async with pkg.AsyncEncpkgClient(base_url=server.url) as client:
            await client.imports.create({"file": b"x,y\n"})
            raw = await client.files.get.with_raw_response("f2")
            assert raw.parsed == b"abc" and raw.status_code == 200
            async with client.files.get.with_streaming_response("f2") as streamed:
                assert b"".join([chunk async for chunk in streamed.aiter_bytes()]) == b"abc"

    asyncio.run(main())
    assert 'name="file"; filename="file"' in server.recorder.seen[0].body.decode()


USE = """
import io
from typing import assert_type

from encpkg import Created, CreateCustomerResponse200, EncpkgClient, RawResponse
from encpkg.types import CustomerFields

client = EncpkgClient()
result = client.customers.create(CustomerFields(email="a"), content_type="application/json")
assert_type(result, CreateCustomerResponse200 | Created)
assert_type(client.exports.get("e"), str)
assert_type(client.files.get("f"), bytes)
assert_type(client.files.get.with_raw_response("f"), RawResponse[bytes])
client.imports.create({"file": io.BytesIO(b"")}, timeout=3.0)
client.search.get([1], filters={"junction": "and"}, extra_headers={"X": "1"})
"""


def test_the_encodings_type_check(pkg: ModuleType, tmp_path: Any) -> None:
    use = tmp_path / "out" / "use_encpkg.py"
    use.write_text(USE)
    mypy_strict(use.name, tmp_path / "cache", cwd=use.parent)
