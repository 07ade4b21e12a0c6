"""Stage 3d': what one item of a streamed answer is (`ir/build_streams.py`), from 3.2's `itemSchema` or, before
3.2, from the media type's `schema`, with a located note saying how it was read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from conftest import minimal_spec
from generator import ir
from generator.errors import Severity
from generator.pipeline import NO_OVERRIDES, _ir, _read, build_api
from generator.render.endpoint_views import stream_spec

CHUNK = {"type": "object", "properties": {"x": {"type": "integer"}}}
EVENT = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "event": {"type": "string"},
        "id": {"type": "string"},
        "data": {"type": "string", "contentMediaType": "application/json",
                 "contentSchema": {"$ref": "#/components/schemas/Chunk"}},
    },
}  # fmt: skip


def _spec(media: str, content: dict[str, Any]) -> dict[str, Any]:
    ok = {"description": "ok", "content": {media: content}}
    return minimal_spec({"Chunk": CHUNK}, {"/s": {"get": {"operationId": "streamIt", "responses": {"200": ok}}}})


def _success(tmp_path: Path, spec: dict[str, Any], validated: bool = True) -> tuple[ir.Response, list[Any]]:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    warnings: list[Any] = []
    if validated:
        api = build_api(path, "s", warnings=warnings)
    else:  # OpenAPI 3.1's schema refuses `itemSchema` (3.2's): the IR builder reads it all the same
        api, warnings = _ir(_read(path, None), path, "s", None, NO_OVERRIDES, False)
    (op,) = [o for g in api.groups for o in g.operations]
    assert op.success is not None
    return op.success, warnings


def test_item_schema_types_the_event_and_its_json_data(tmp_path: Path) -> None:
    spec = _spec("text/event-stream", {"itemSchema": EVENT, "x-stream-terminator": "END"})
    success, warnings = _success(tmp_path, spec, validated=False)
    stream = success.stream
    assert success.kind == "stream" and stream is not None and stream.events and stream.json_data
    assert stream.framing == "sse" and stream.terminator == "END" and success.type == stream.item
    assert not [w for w in warnings if "stream" in w.message]  # said explicitly: no note
    assert stream_spec(stream) == "StreamSpec(events=True, terminator='END')"


def test_item_schema_of_json_lines_is_each_line(tmp_path: Path) -> None:
    spec = _spec("application/jsonl", {"itemSchema": {"$ref": "#/components/schemas/Chunk"}})
    success, _ = _success(tmp_path, spec, validated=False)
    assert success.stream is not None and success.type == ir.Named("Chunk") and not success.stream.events
    assert success.stream.terminator is None and success.media_types == ("application/jsonl",)


def test_a_31_schema_types_each_events_data_with_a_located_note(tmp_path: Path) -> None:
    success, warnings = _success(
        tmp_path, _spec("text/event-stream", {"schema": {"$ref": "#/components/schemas/Chunk"}})
    )
    assert success.stream is not None and success.type == ir.Named("Chunk") and not success.stream.events
    assert success.stream.terminator == "[DONE]"
    (note,) = [w for w in warnings if "is a stream" in w.message]
    assert note.severity is Severity.NOTE and "each server-sent event's `data` is parsed as JSON" in note.message
    assert note.location.pointer.endswith("/content/text~1event-stream/schema") and "itemSchema" in (note.hint or "")


def test_a_stream_beside_json_is_offered_not_chosen(tmp_path: Path) -> None:
    spec = _spec("application/json", {"schema": {"$ref": "#/components/schemas/Chunk"}})
    content = spec["paths"]["/s"]["get"]["responses"]["200"]["content"]
    content["text/event-stream"] = {"schema": {"type": "object", "properties": {"delta": {"type": "string"}}}}
    success, _ = _success(tmp_path, spec)
    assert success.kind == "json" and success.type == ir.Named("Chunk") and success.media_types == ("application/json",)
    assert success.stream is not None and success.stream.media_type == "text/event-stream"


def test_a_discriminated_union_of_named_events_keeps_its_variants(tmp_path: Path) -> None:
    def event(name: str) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["event", "data"],
            "properties": {"event": {"const": name}, "data": {"$ref": "#/components/schemas/Chunk"}},
        }

    union = {
        "oneOf": [{"$ref": "#/components/schemas/Delta"}, {"$ref": "#/components/schemas/Done"}],
        "discriminator": {"propertyName": "event"},
    }
    spec = _spec("text/event-stream", {"schema": {"$ref": "#/components/schemas/Event"}})
    spec["components"]["schemas"].update({"Delta": event("delta"), "Done": event("done"), "Event": union})
    success, warnings = _success(tmp_path, spec)
    assert success.stream is not None and success.stream.events and success.stream.json_data
    assert success.type == ir.Named("Event")  # the spec's own union, its variants by `event`
    assert any("read as the event object" in w.message for w in warnings)


def test_the_stream_flag_is_found_in_an_all_of_part(tmp_path: Path) -> None:
    # OpenAI's CreateChatCompletionRequest: `allOf: [$ref: CreateModelResponseProperties, {properties: {stream}}]`.
    base = {"type": "object", "properties": {"model": {"type": "string"}}}
    request = {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {
        "stream": {"type": "boolean", "nullable": True, "default": False}}}]}  # fmt: skip
    ok = {"description": "ok", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Chunk"}},
        "text/event-stream": {"schema": {"$ref": "#/components/schemas/Chunk"}}}}  # fmt: skip
    create = {
        "operationId": "create",
        "responses": {"200": ok},
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Request"}}}},
    }
    spec = minimal_spec({"Chunk": CHUNK, "Base": base, "Request": request}, {"/c": {"post": create}})
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    (op,) = [o for g in build_api(path, "s").groups for o in g.operations]
    assert op.stream_flag == "stream"
