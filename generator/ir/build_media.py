"""Stage 3d, media types to IR: how each request body and response is encoded, and its Python type.

JSON (and `+json`) bodies are models; form and multipart bodies are models too, each property sent as
its `encoding` says; binary bodies are file content, text bodies `str`. A media type the client cannot
encode gets a located warning and is sent as raw bytes. An answer in a sequential media type (server-sent
events, JSON lines, JSON text sequences) is a stream of items (`build_streams.py`); as a request body, bytes.
"""

from __future__ import annotations

from typing import Any

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.ir.build_models import SchemaBuilder
from generator.ir.build_streams import stream_format
from generator.load.document import join_pointer, ref_pointer
from generator.validate.objects import is_stream

_FILE = ir.Primitive("FileInput")


def media_kind(media_type: str) -> ir.MediaKind | None:
    """How a media type is encoded, or None for one the client does not know (sent as raw bytes)."""
    essence = media_type.split(";")[0].strip().lower()
    if is_stream(essence):
        return "stream"
    if essence == "application/json" or essence.endswith("+json"):
        return "json"
    if essence == "application/x-www-form-urlencoded":
        return "form"
    if essence == "multipart/form-data" or essence.startswith("multipart/"):
        return "multipart"
    if essence.startswith("text/") or essence in ("application/xml", "application/csv") or essence.endswith("+xml"):
        return "text"
    if essence.startswith(("image/", "audio/", "video/", "font/")) or essence in (
        "application/octet-stream", "application/pdf", "application/zip", "application/gzip", "*/*",
    ):  # fmt: skip
        return "binary"
    return None


def _encodings(content: dict[str, Any]) -> tuple[ir.PartEncoding, ...]:
    return tuple(
        ir.PartEncoding(
            str(name),
            spec.get("contentType"),
            str(spec.get("style", "form")),
            spec.get("explode"),
            bool(spec.get("allowReserved")),
        )
        for name, spec in content.get("encoding", {}).items()
    )


def _part_types(
    schemas: SchemaBuilder, schema: dict[str, Any], pointer: str, encoded: set[str]
) -> tuple[ir.PartEncoding, ...]:
    """A multipart part's default Content-Type from its property's `contentMediaType` (OpenAPI 3.1)."""
    if "$ref" in schema:
        schema = schemas.doc.resolve(ref_pointer(schema["$ref"]))
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}  # `true` is a schema too
    return tuple(
        ir.PartEncoding(str(name), prop["contentMediaType"])
        for name, prop in properties.items()
        if name not in encoded and isinstance(prop, dict) and "contentMediaType" in prop
    )


def request_bodies(
    schemas: SchemaBuilder, body: dict[str, Any], pointer: str, hint: str, warnings: list[Diagnostic]
) -> tuple[ir.RequestBody, ...]:
    """Every media type of a request body, the default first: JSON when there is one, else the first listed."""
    bodies = []
    for media, content in body["content"].items():
        kind = media_kind(media)
        at = pointer + join_pointer("content", media)
        if kind is None:
            warnings.append(
                Diagnostic(
                    Severity.WARNING,
                    schemas.doc.locate(at),
                    f"request media type {media!r} is not one the client can encode; the body is sent as raw bytes.",
                    "pass `bytes` as the body, or use a media type such as application/json.",
                )
            )
            kind = "binary"
        if kind == "stream":
            kind = "binary"  # a sequence sent is bytes the caller frames
        schema = content.get("schema")
        if kind in ("binary", "text") or not isinstance(schema, (dict, bool)):
            body_type: ir.TypeExpr = ir.Primitive("str") if kind == "text" else _FILE
            if kind in ("json", "form", "multipart"):
                body_type = ir.Primitive("Any")
        else:
            body_type = schemas.type_of(schema, f"{at}/schema", hint)
        encodings = _encodings(content)
        if kind == "multipart" and isinstance(schema, dict):
            encodings += _part_types(schemas, schema, f"{at}/schema", {e.property for e in encodings})
        bodies.append(ir.RequestBody(media, kind, body_type, encodings))
    bodies.sort(key=lambda b: b.kind != "json")  # stable: JSON first, others in spec order
    return tuple(bodies)


def response_media(
    schemas: SchemaBuilder, response: dict[str, Any], pointer: str, hint: str
) -> tuple[tuple[str, ...], ir.MediaKind, ir.TypeExpr | None, ir.StreamFormat | None]:
    """A response's readable media types, how its body is read, its type, and the stream it offers: JSON
    preferred, else a stream, else the first.

    Readable means the client parses an answer in it: a JSON body only as JSON (an XML alternative would
    fail to parse, so it is left out of `Accept`, with a located warning); a text body as `str`; a
    binary one as bytes, whatever its media type. A stream beside JSON is offered too (the call chooses
    with `Accept`); a stream alone is the answer, typed by its item.
    """
    content = response.get("content", {})
    media_types = tuple(str(m) for m in content)
    if not media_types:
        return (), "empty", None, None
    streamed = next((m for m in media_types if media_kind(m) == "stream"), None)
    stream = None
    if streamed is not None:
        at = pointer + join_pointer("content", streamed)
        stream = stream_format(schemas, content[streamed], streamed, at, hint)
    chosen = next((m for m in media_types if media_kind(m) == "json"), streamed or media_types[0])
    kind = media_kind(chosen)
    if kind == "stream" and stream is not None:
        return (chosen,), "stream", stream.item, stream
    if kind not in ("json", "text"):  # form, multipart and unknown answers are handed over as bytes
        return media_types, "binary", ir.Primitive("bytes"), None
    readable = tuple(m for m in media_types if media_kind(m) == kind)
    unread = [m for m in media_types if m not in readable and m != streamed]
    if unread:
        schemas.warnings.append(
            Diagnostic(
                Severity.WARNING,
                schemas.doc.locate(pointer + "/content"),
                f"the client reads this response as {chosen!r} only; {', '.join(map(repr, unread))} "
                "cannot be parsed alongside it and is left out of the Accept header.",
                "to get another one, send `extra_headers={'Accept': ...}` and read the body "
                "with `.with_streaming_response(...)`.",
            )
        )
    if kind == "json":
        at = pointer + join_pointer("content", chosen, "schema")
        return readable, "json", schemas.type_of(content[chosen].get("schema", {}), at, hint), stream
    return readable, "text", ir.Primitive("str"), None
