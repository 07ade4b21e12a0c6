"""Inline specs rendered into packages that are imported and run."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from apiserver import APIServer, ManualClock, Scheduled
from conftest import MakePackage, minimal_spec
from jsoncompare import assert_same_json

PET_SCHEMAS: dict[str, Any] = {
    "Pet": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind"},
    },
    "Cat": {
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {"const": "cat"},
            "lives": {"type": "integer"},
            "born": {"type": "string", "format": "date"},
        },
    },
    "Dog": {
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {"const": "dog"},
            "good": {"type": "boolean"},
            "owner": {"$ref": "#/components/schemas/Owner"},
        },
    },
    "Owner": {
        "type": "object",
        "properties": {
            "firstName": {"type": "string"},
            "pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
            "level": {"type": "integer", "enum": [1, 2, 3]},
        },
    },
}


def test_tagged_union_with_implicit_tags_and_recursion(make_package: MakePackage) -> None:
    pkg = make_package(minimal_spec(PET_SCHEMAS))
    adapter: TypeAdapter[Any] = TypeAdapter(pkg.Pet)
    payload = {
        "kind": "dog",
        "good": True,
        "owner": {"firstName": "Ann", "level": 9, "pets": [{"kind": "cat", "lives": 9}]},
    }
    dog = adapter.validate_python(payload)
    assert isinstance(dog, pkg.Dog) and isinstance(dog.owner.pets[0], pkg.Cat)
    assert dog.owner.first_name == "Ann"
    assert dog.owner.level.value == 9 and dog.owner.level not in list(pkg.OwnerLevel)
    assert_same_json(adapter.dump_python(dog, mode="json", by_alias=True, exclude_unset=True), payload)
    unknown = adapter.validate_python({"kind": "parrot", "words": 12})
    assert isinstance(unknown, pkg.PetUnknown) and unknown.kind == "parrot"
    assert unknown.model_dump(mode="json", by_alias=True, exclude_unset=True) == {"kind": "parrot", "words": 12}


def test_keyword_property_names_round_trip(make_package: MakePackage) -> None:
    names = ["from", "class", "json", "model_config", "17th", "with-dash", "datetime", "schema", "copy"]
    pkg = make_package(
        minimal_spec({"Weird": {"type": "object", "properties": {n: {"type": "string"} for n in names}}})
    )
    payload = {n: f"value of {n}" for n in names}
    weird = pkg.Weird.model_validate(payload)
    assert weird.from_ == "value of from" and weird.model_config_ == "value of model_config"
    assert weird.model_dump(mode="json", by_alias=True, exclude_unset=True) == payload
    assert pkg.Weird(from_="x").from_ == "x"


def test_openapi_30_nullable_and_all_of(make_package: MakePackage) -> None:
    spec = minimal_spec(
        {
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Item": {
                "allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {"type": "object", "properties": {"note": {"type": "string", "nullable": True}}},
                ]
            },
        }
    )
    pkg = make_package({**spec, "openapi": "3.0.3"})
    item = pkg.Item.model_validate({"id": "1", "note": None})
    assert item.id == "1" and item.note is None
    assert item.model_dump(mode="json", by_alias=True, exclude_unset=True) == {"id": "1", "note": None}
    with pytest.raises(ValueError, match="id"):
        pkg.Item.model_validate({"note": "no id"})


def test_hostile_text_never_runs(make_package: MakePackage, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    evil = f'"""\nimport os; os.system("touch {canary}")\n"""'
    spec = minimal_spec(
        {
            "Evil": {
                "type": "object",
                "description": evil + " {{ 7 * 7 }} {% if true %}x{% endif %} \\ \x00 \u2028",
                "properties": {
                    "'; import os #": {"type": "string", "description": evil, "enum": [evil, "__init__"]},
                    "__class__": {"type": "string", "const": evil},
                },
            }
        }
    )
    spec["info"]["title"] = evil
    pkg = make_package(spec)
    assert not canary.exists()
    assert "import os" in pkg.Evil.__doc__ and "{{ 7 * 7 }}" in pkg.Evil.__doc__
    enum_class = next(getattr(pkg, n) for n in pkg.__all__ if n.startswith("Evil") and n != "Evil")
    assert evil in [m.value for m in enum_class]
    assert not canary.exists()


def test_operations_render_and_constant_headers_are_not_arguments(make_package: MakePackage) -> None:
    paths = {
        "/things/{thingId}": {
            "get": {
                "operationId": "getThing",
                "tags": ["Things"],
                "parameters": [
                    {"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "Accept", "in": "header", "required": True, "schema": {"const": "application/x+json"}},
                    {"name": "class", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}
                        },
                    }
                },
            }
        }
    }
    pkg = make_package(minimal_spec(paths=paths))
    resources = importlib.import_module(f"{pkg.__name__}.resources.things")  # loaded when first used, or so
    signature = inspect.signature(resources.ThingsResource.get)
    assert list(signature.parameters) == ["self", "thing_id", "class_", "options"]
    assert signature.return_annotation == "GetThingResponse200"


JOBS_SPEC = """
openapi: 3.1.0
info: {title: Jobs, version: "1"}
servers: [{url: "http://127.0.0.1:1"}]
paths:
  /jobs/{jobId}:
    get:
      operationId: getJob
      tags: [Jobs]
      x-poll: {status: state, done: [succeeded], failed: [errored, cancelled], progress: percent}
      parameters:
        - {name: jobId, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The job.
          content:
            application/json:
              schema:
                type: object
                title: Job
                required: [id, state]
                properties:
                  id: {type: string}
                  state: {type: string, enum: [queued, running, succeeded, errored, cancelled]}
                  percent: {type: number}
"""


def test_a_third_api_waits_by_its_own_status_words(make_package: MakePackage, server: APIServer) -> None:
    """Waiting is declared by `x-poll` alone: other status words, another progress field, two failed states."""
    jobs = make_package(JOBS_SPEC, package="jobs")
    # Each job moves one step a poll: its clock is advanced by the wait's own progress callback.
    clocks = {"j1": ManualClock(), "j2": ManualClock()}
    steps = [(0, {"state": "queued", "percent": 0}), (1, {"state": "running", "percent": 50.0})]
    server.state.jobs["j1"] = Scheduled(
        {"id": "j1"}, [*steps, (2, {"state": "succeeded", "percent": 100.0})], clocks["j1"]
    )
    server.state.jobs["j2"] = Scheduled({"id": "j2"}, [*steps, (2, {"state": "cancelled"})], clocks["j2"])
    progress: list[float] = []

    def seen(job: Any) -> None:
        progress.append(job.percent)
        clocks[job.id].advance(1)

    with jobs.JobsClient(base_url=server.url) as client:
        job = client.jobs.wait("j1", timeout=5, on_progress=seen, poll_interval=0.01)
        assert progress == [0.0, 50.0]
        with pytest.raises(jobs.JobFailedError) as caught:
            client.jobs.wait("j2", timeout=5, on_progress=seen, poll_interval=0.01)
    assert job.state == jobs.JobState.SUCCEEDED and job.percent == 100.0
    assert progress == [0.0, 50.0, 0.0, 50.0]
    assert caught.value.job.state.value == "cancelled"


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_dialect_constructs(make_package: MakePackage, version: str) -> None:
    """exclusiveMinimum in both forms, $ref with siblings, additionalProperties beside properties, anyOf, non-ASCII."""
    nullable_ref = (
        {"$ref": "#/components/schemas/Money", "nullable": True}
        if version.startswith("3.0")
        else {"anyOf": [{"$ref": "#/components/schemas/Money"}, {"type": "null"}]}
    )
    minimum = {"exclusiveMinimum": True, "minimum": 0} if version.startswith("3.0") else {"exclusiveMinimum": 0}
    schemas = {
        "Money": {
            "type": "object",
            "properties": {"amount": {"type": "number", **minimum}, "currency": {"type": "string"}},
        },
        "Invoice": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "properties": {
                "total": {"$ref": "#/components/schemas/Money", "description": "Total due."},
                "discount": nullable_ref,
                "ref": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
                "größe": {"type": "string"},
            },
        },
    }
    pkg = make_package({**minimal_spec(schemas), "openapi": version})
    invoice = pkg.Invoice.model_validate(
        {"total": {"amount": 9.5, "currency": "EUR"}, "discount": None, "ref": 7, "größe": "L", "note": "extra"}
    )
    assert isinstance(invoice.total, pkg.Money) and invoice.discount is None and invoice.ref == 7
    assert invoice.grosse == "L"
    assert invoice.model_dump(mode="json", by_alias=True, exclude_unset=True)["note"] == "extra"
    assert pkg.Invoice.model_fields["total"].description == "Total due."
