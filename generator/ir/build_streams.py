"""Stage 3d', stream media types to IR: what one item of a `text/event-stream`, JSON-lines or JSON-sequence
answer is, and what ends the stream.

OpenAPI 3.2 says it with `itemSchema`: the item as described (for server-sent events, the event object with
`event`, `data`, `id`, `retry`; a `data` with `contentMediaType: application/json` and a `contentSchema` is
decoded and typed). Before 3.2, specs put the item's schema under `schema`, and that is how it is read, with
a located note: each event's `data` (each line, each record) parsed as that schema, unless the schema
describes the event object itself. A string schema, or none, hands over each event's `data` as text.
"""

from __future__ import annotations

from typing import Any

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.ir.build_models import SchemaBuilder
from generator.ir.read_extensions import read_stream_terminator

# Where the item's own fields are: an event object has its `data` and at least one other SSE field.
_EVENT_FIELDS = frozenset({"event", "id", "retry"})
# The `data` of OpenAI's and most streaming APIs that say nothing else.
DEFAULT_TERMINATOR = "[DONE]"


def framing(media_type: str) -> ir.Framing:
    essence = media_type.split(";")[0].strip().lower()
    return "sse" if essence == "text/event-stream" else "json-seq" if essence == "application/json-seq" else "jsonl"


def stream_format(schemas: SchemaBuilder, content: dict[str, Any], media: str, at: str, hint: str) -> ir.StreamFormat:
    """How the media type `media` (its media type object `content`, found at `at`) is read as a stream."""
    framed = framing(media)
    default = DEFAULT_TERMINATOR if framed == "sse" else None
    terminator = read_stream_terminator(content, default)
    if "itemSchema" in content:
        item_schema, where = content["itemSchema"], f"{at}/itemSchema"
        events = framed == "sse"
    else:
        item_schema, where = content.get("schema", {"type": "string"} if framed == "sse" else {}), f"{at}/schema"
        events = framed == "sse" and _event_shaped(schemas, item_schema)
        if "schema" in content:
            schemas.warnings.append(_how_read(schemas, where, media, framed, events, item_schema))
    if not events:
        text = framed == "sse" and _resolved(schemas, item_schema).get("type") == "string"
        item = ir.Primitive("str") if text else schemas.type_of(item_schema, where, f"{hint}Item")
        return ir.StreamFormat(media, framed, item, json_data=not text, terminator=terminator)
    typed, json_data = _with_typed_data(schemas, item_schema)
    item = schemas.type_of(typed, where, f"{hint}Event")
    return ir.StreamFormat(media, framed, item, events=True, json_data=json_data, terminator=terminator)


def _how_read(
    schemas: SchemaBuilder, pointer: str, media: str, framed: ir.Framing, events: bool, schema: Any
) -> Diagnostic:
    if events:
        how = "each server-sent event is read as the event object this schema describes"
    elif framed == "sse" and _resolved(schemas, schema).get("type") == "string":
        how = "each server-sent event's `data` is handed over as text"
    else:
        unit = {"sse": "server-sent event's `data`", "jsonl": "line", "json-seq": "record"}[framed]
        how = f"each {unit} is parsed as JSON of this schema, as an item of the stream"
    return Diagnostic(
        Severity.NOTE,
        schemas.doc.locate(pointer),
        f"{media!r} is a stream: {how}.",
        "describe one item with `itemSchema` (OpenAPI 3.2) to say so explicitly.",
    )


def _resolved(schemas: SchemaBuilder, schema: Any) -> dict[str, Any]:
    """The schema a `$ref` chain names, as a mapping (`{}` for `true` or none)."""
    schema = schemas.deref(schema, "")[0]
    return schema if isinstance(schema, dict) else {}


def _variants(schemas: SchemaBuilder, schema: Any) -> list[dict[str, Any]]:
    resolved = _resolved(schemas, schema)
    members = resolved.get("oneOf", resolved.get("anyOf"))
    return [_resolved(schemas, m) for m in members] if isinstance(members, list) else [resolved]


def _event_shaped(schemas: SchemaBuilder, schema: Any) -> bool:
    """Whether a schema describes the event object (every variant has `data` and `event`, `id` or `retry`)."""
    variants = _variants(schemas, schema)
    return all("data" in v.get("properties", {}) and _EVENT_FIELDS & set(v.get("properties", {})) for v in variants)


def _with_typed_data(schemas: SchemaBuilder, schema: Any) -> tuple[Any, bool]:
    """The event schema with each `data` typed by its `contentSchema`, and whether `data` is decoded as JSON
    (it has JSON `contentMediaType`, or is not described as a string)."""
    resolved = _resolved(schemas, schema)
    members = resolved.get("oneOf", resolved.get("anyOf"))
    if not isinstance(members, list):
        data = resolved.get("properties", {}).get("data", {})
        typed = _typed(schemas, data)
        if typed is data:
            return schema, _json(schemas, data)
        return {**resolved, "properties": {**resolved["properties"], "data": typed}}, True
    variants = [_with_typed_data(schemas, m) for m in members]
    if all(typed is member for (typed, _), member in zip(variants, members, strict=True)):
        return schema, any(j for _, j in variants)  # named variants and their discriminator kept
    key = "oneOf" if "oneOf" in resolved else "anyOf"
    rewritten = {k: v for k, v in resolved.items() if k not in (key, "discriminator")}
    return {**rewritten, key: [s for s, _ in variants]}, any(j for _, j in variants)


def _typed(schemas: SchemaBuilder, data: Any) -> Any:
    """`data`'s `contentSchema` where its content is JSON (any JSON without one), else `data` itself."""
    resolved = _resolved(schemas, data)
    media = str(resolved.get("contentMediaType", "")).split(";")[0].strip().lower()
    is_json = media == "application/json" or media.endswith("+json")
    return resolved.get("contentSchema", {}) if is_json else data


def _json(schemas: SchemaBuilder, data: Any) -> bool:
    return _resolved(schemas, data).get("type") != "string"


def stream_flag(schemas: SchemaBuilder, body: dict[str, Any]) -> str | None:
    """The boolean property of a JSON request body that asks for the stream (`stream`, as OpenAI's), if any."""
    json_media = next(
        (m for m in body.get("content", {}) if m.split(";")[0].strip().lower() == "application/json"), None
    )
    schema = body["content"][json_media].get("schema") if json_media is not None else None
    flag = _resolved(schemas, _property(schemas, schema, "stream"))
    types = flag.get("type")
    alternatives = [_resolved(schemas, s).get("type") for s in flag.get("anyOf", flag.get("oneOf", []))]
    boolean = types == "boolean" or (isinstance(types, list) and "boolean" in types) or "boolean" in alternatives
    return "stream" if boolean else None


def _property(schemas: SchemaBuilder, schema: Any, name: str) -> Any:
    """The schema of property `name` of an object schema, its own or an `allOf` part's (OpenAI's chat request
    declares `stream` in the second part of an `allOf`)."""
    stack, seen = [schema], set()
    while stack:
        part = _resolved(schemas, stack.pop())
        if id(part) in seen:
            continue
        seen.add(id(part))
        if name in (part.get("properties") or {}):
            return part["properties"][name]
        stack.extend(reversed(part.get("allOf") or []))
    return None
