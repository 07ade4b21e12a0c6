"""An OpenAPI 3.2 document's additions over real sockets: a `query` operation (retried like GET), an
`additionalOperations` method, a parameter `in: querystring`, tags nested by `parent`, `$self` references."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, unquote

import pytest
from recording_server import RecordingServer

from conftest import MakePackage, mypy_strict

SPEC = """\
openapi: 3.2.0
$self: https://example.com/specs/pets.yaml
info: {title: Pets, version: "1"}
servers: [{url: "http://127.0.0.1:1", name: nowhere}]
tags:
  - {name: pets, summary: The pets, kind: nav}
  - {name: toys, parent: pets}
paths:
  /pets:
    query:
      operationId: searchPets
      tags: [pets]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "https://example.com/specs/pets.yaml#/components/schemas/Filter"}
      responses:
        "200":
          summary: The pets found
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    additionalOperations:
      COPY:
        operationId: copyPets
        tags: [pets]
        responses: {"204": {description: copied}}
  /pets/find:
    get:
      operationId: findPets
      tags: [pets]
      parameters:
        - name: filter
          in: querystring
          required: true
          content:
            application/x-www-form-urlencoded:
              schema: {$ref: "#/components/schemas/Filter"}
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
  /pets/lookup:
    get:
      operationId: lookupPets
      tags: [pets]
      parameters:
        - name: where
          in: querystring
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Filter"}
      responses: {"204": {description: none}}
  /toys:
    get:
      operationId: listToys
      tags: [toys]
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: array, items: {type: string}}}}
components:
  schemas:
    Filter:
      type: object
      properties: {name: {type: string}, tags: {type: array, items: {type: string}}}
    Pet:
      type: object
      required: [name]
      properties: {name: {type: string}}
"""
PETS = [{"name": "Rex"}]


@pytest.fixture
def pkg(make_package: MakePackage) -> ModuleType:
    return make_package(SPEC, package="pets32")


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with RecordingServer() as running:
        yield running


def test_a_query_operation_sends_query_with_its_body_and_is_retried(pkg: ModuleType, server: RecordingServer) -> None:
    answers = iter([(503, {"error": "busy"}, {"Retry-After": "0"}), (200, PETS, {})])
    server.recorder.routes["/pets"] = lambda seen: next(answers)
    with pkg.Pets32Client(base_url=server.url) as client:
        (pet,) = client.pets.search({"name": "Rex"})
    assert pet.name == "Rex"
    first, second = server.recorder.to("/pets")
    assert (first.method, second.method) == ("QUERY", "QUERY")
    assert json.loads(second.body) == {"name": "Rex"}


def test_an_additional_operation_is_sent_with_its_own_method(pkg: ModuleType, server: RecordingServer) -> None:
    server.recorder.answers["/pets"] = [(204, b"", "application/json")]
    with pkg.Pets32Client(base_url=server.url) as client:
        assert client.pets.copy() is None
    (seen,) = server.recorder.to("/pets")
    assert seen.method == "COPY"


def test_a_querystring_parameter_is_the_whole_query(pkg: ModuleType, server: RecordingServer) -> None:
    server.recorder.answers["/pets/find"] = [(200, PETS)]
    with pkg.Pets32Client(base_url=server.url) as client:
        assert client.pets.find(filter={"name": "Rex & co", "tags": ["a", "b"]})[0].name == "Rex"
        client.pets.find(filter=pkg.Filter(name="Ida"), extra_query={"page": "2"})
        client.pets.lookup(where={"name": "Rex"})
        client.pets.lookup()
    form, with_extra = server.recorder.to("/pets/find")
    assert parse_qs(form.query) == {"name": ["Rex & co"], "tags": ["a", "b"]}
    assert with_extra.query == "name=Ida&page=2"
    as_json, without = server.recorder.to("/pets/lookup")
    assert json.loads(unquote(as_json.query)) == {"name": "Rex"}
    assert without.query == ""


def test_a_nested_tag_is_a_resource_of_its_parent_and_async_works_too(pkg: ModuleType, server: RecordingServer) -> None:
    server.recorder.answers["/toys"] = [(200, ["ball"])]
    server.recorder.answers["/pets"] = [(200, PETS)]

    async def main() -> tuple[Any, Any]:
        async with pkg.AsyncPets32Client(base_url=server.url) as client:
            return await client.pets.toys.list(), await client.pets.search({})

    toys, pets = asyncio.run(main())
    assert toys == ["ball"] and pets[0].name == "Rex"
    assert [s.method for s in server.recorder.seen] == ["GET", "QUERY"]


USE = """\
from typing_extensions import assert_type

import pets32
from pets32.types import Pet

client = pets32.Pets32Client(base_url="http://127.0.0.1:1")
assert_type(client.pets.search({"name": "Rex"}), list[Pet])
assert_type(client.pets.copy(), None)
assert_type(client.pets.find(filter=pets32.Filter(name="Rex")), list[Pet])
assert_type(client.pets.toys.list(), list[str])
client.pets.lookup(where={"name": "Rex"})
"""


def test_the_3_2_package_type_checks(pkg: ModuleType, tmp_path: Any) -> None:
    use = tmp_path / "out" / "use_pets32.py"
    use.write_text(USE)
    mypy_strict(["pets32", use.name], tmp_path / "cache", cwd=use.parent)
