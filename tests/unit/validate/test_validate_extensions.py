"""Stage 2: our `x-` extensions (and discriminator mappings, which no `$ref` names) are checked by `validate`, before
any IR is built, each error located."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, minimal_spec
from generator.errors import SpecError
from generator.load.document import load
from generator.pipeline import package_tree
from generator.validate.rules import validate

_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
_BASE = {"type": "object", "properties": {"id": {"type": "string"}}}
# A status object whose fields come partly from an `allOf` member reached through a `$ref`.
_JOB = {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"state": {"type": "string"}}}]}
_EVENT = {
    "oneOf": [{"$ref": "#/components/schemas/Job"}],
    "discriminator": {"propertyName": "state", "mapping": {"done": "#/components/schemas/Job"}},
}


def _answer(schema: str) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return {"200": {"description": "ok", "content": content}}


def _spec(get_job: dict[str, Any], start: dict[str, Any] | None = None) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/jobs/{id}": {"get": {"operationId": "getJob", "parameters": [_ID], "responses": _answer("Event"), **get_job}}
    }
    if start is not None:
        paths["/jobs"] = {"post": {"operationId": "startJob", "responses": _answer("Job"), **start}}
    return minimal_spec({"Base": _BASE, "Job": _JOB, "Event": _EVENT}, paths)


def _validate(tmp_path: Path, spec: dict[str, Any]) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    validate(load(path))


_POLL = {"x-poll": {"status": "state", "done": ["done"]}}


def test_fields_are_found_through_refs_all_of_and_union_variants(tmp_path: Path) -> None:
    _validate(tmp_path, _spec(_POLL, {"x-async-action": {"id": "id", "operation": "getJob", "types": ["done"]}}))


@pytest.mark.parametrize(
    ("get_job", "start", "pointer", "words"),
    [
        ({"x-poll": {"status": "phase", "done": ["done"]}}, None, "/paths/~1jobs~1{id}/get/x-poll", "'phase', which Job"),
        ({"x-pagination": {"items": "id", "link_header": True}}, None, "/paths/~1jobs~1{id}/get/x-pagination/items",
         "not an array"),
        ({}, {"x-async-action": {"id": "id", "operation": "getJob", "types": ["done"]}},
         "/paths/~1jobs/post/x-async-action", "not an operation with `x-poll`"),
        (_POLL, {"x-async-action": {"id": "id", "operation": "getJob", "types": ["gone"]}},
         "/paths/~1jobs/post/x-async-action", "it knows done"),
        (_POLL, {"x-async-action": {"id": "key", "operation": "getJob", "types": ["done"]}},
         "/paths/~1jobs/post/x-async-action", "names the field 'key', which Job does not have"),
        (_POLL, {"x-python-method": " "}, "/paths/~1jobs/post/x-python-method", "must be a name"),
    ],
)  # fmt: skip
def test_an_extension_naming_what_is_not_there_is_a_validation_error(
    tmp_path: Path, get_job: dict[str, Any], start: dict[str, Any] | None, pointer: str, words: str
) -> None:
    with pytest.raises(SpecError) as caught:
        _validate(tmp_path, _spec(get_job, start))
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.pointer == pointer and words in diagnostic.message
    assert diagnostic.location.line is not None


def test_each_operation_reports_its_own_extension_error(tmp_path: Path) -> None:
    spec = _spec({"x-poll": {"status": "phase", "done": ["done"]}}, {"x-pagination": {"items": "id"}})
    with pytest.raises(SpecError) as caught:
        _validate(tmp_path, spec)
    assert [d.location.pointer for d in caught.value.diagnostics] == [
        "/paths/~1jobs~1{id}/get/x-poll",
        "/paths/~1jobs/post/x-pagination",
    ]


def test_our_specs_extensions_are_valid(tmp_path: Path) -> None:
    for spec in sorted((ROOT / "spec").glob("*.yaml")):
        validate(load(spec))


@pytest.mark.parametrize(
    "extension",
    [{"x-poll": 3}, {"x-pagination": {"items": "id"}}, {"x-async-action": ["id"]}, {"x-python-method": 7}],
)
def test_while_the_ir_is_built_beside_validation_a_malformed_extension_is_its_error(
    tmp_path: Path, extension: dict[str, Any]
) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(_spec({}, extension), sort_keys=False), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        package_tree(path, "pkg")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.pointer.startswith(f"/paths/~1jobs/post/{next(iter(extension))}")


def test_a_discriminator_mapping_to_nothing_is_a_validation_error(tmp_path: Path) -> None:
    event = {**_EVENT, "discriminator": {"propertyName": "state", "mapping": {"done": "Jobb"}}}
    spec = minimal_spec({"Base": _BASE, "Job": _JOB, "Event": event})
    with pytest.raises(SpecError) as caught:
        _validate(tmp_path, spec)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.pointer == "/components/schemas/Event/discriminator/mapping/done"
    assert "'Jobb', which points at nothing" in diagnostic.message


@pytest.mark.parametrize(
    ("media", "terminator", "words"),
    [
        ("application/json", "END", "applies to a stream; 'application/json' is not one"),
        ("text/event-stream", 3, "one line of text, or null"),
        ("text/event-stream", "a\nb", "one line of text, or null"),
    ],
)
def test_a_stream_terminator_is_one_line_on_a_stream(tmp_path: Path, media: str, terminator: Any, words: str) -> None:
    content = {media: {"schema": {"type": "object"}, "x-stream-terminator": terminator}}
    paths = {"/s": {"get": {"operationId": "s", "responses": {"200": {"description": "ok", "content": content}}}}}
    with pytest.raises(SpecError) as raised:
        _validate(tmp_path, minimal_spec({}, paths))
    (error,) = raised.value.diagnostics
    assert words in error.message and error.location.pointer.endswith("/x-stream-terminator")


def test_a_stream_terminator_may_be_null(tmp_path: Path) -> None:
    content = {"application/jsonl": {"schema": {"type": "object"}, "x-stream-terminator": None}}
    paths = {"/s": {"get": {"operationId": "s", "responses": {"200": {"description": "ok", "content": content}}}}}
    _validate(tmp_path, minimal_spec({}, paths))
