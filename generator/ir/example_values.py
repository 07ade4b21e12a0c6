"""Example values for the calls the docs and the README show: the spec's own where it gives one
(`example`, `examples`, `default`, `const`, the first `enum` value), else a value made up from the schema
(its type, `format` and bounds), so an example call sends what the API accepts: never `{}` for a body
whose properties are required.

Made-up objects hold their required properties only (never `readOnly` ones), arrays one item; the same
spec gives the same values on every run.
"""

from __future__ import annotations

import base64
from typing import Any

from generator.load.document import Document, ref_pointer
from generator.validate.schema_shapes import examples_of

EXAMPLE_BYTES = b"example bytes"  # a file's content, or a binary body's

# Deeper than this, a made-up value stops (a recursive schema would never end).
_MAX_DEPTH = 8

# A value of each string format the README, docs and tests may meet, valid for its format checker.
FORMAT_EXAMPLES: dict[str, str] = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "time": "03:04:05",  # the format checker wants no offset
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/path",
    "url": "https://example.com/path",
    "iri": "https://example.com/path",
    "uri-reference": "/path",
    "uri-template": "https://example.com/{id}",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": base64.b64encode(b"example").decode(),
    "password": "secret",
    "duration": "P1D",
    "json-pointer": "/a",
    "regex": "^a$",
}


def example_value(doc: Document, schema: Any, name: str = "", depth: int = 0, *, files: bool = False) -> Any:
    """A JSON value `schema` accepts, for an example call; `name` (the property's or parameter's) words a
    made-up string; `files`: a multipart body's, whose binary strings are file contents (bytes)."""
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return name or "string"
    if isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#"):
        return example_value(doc, doc.resolve(ref_pointer(schema["$ref"])), name, depth + 1, files=files)
    given = examples_of(schema) or tuple(schema[k] for k in ("default", "const") if k in schema)
    if given:
        return given[0]
    enum = [v for v in schema.get("enum", ()) if v is not None]
    if enum:
        return enum[0]
    if files and _type_of(schema) == "string" and (schema.get("format") == "binary" or "contentMediaType" in schema):
        return EXAMPLE_BYTES
    if schema.get("allOf"):
        return _all_of(doc, schema, name, depth, files)
    options = [o for o in (*schema.get("oneOf", ()), *schema.get("anyOf", ())) if _type_of(o) != "null"]
    if options:
        return example_value(doc, options[0], name, depth + 1, files=files)
    kind = _type_of(schema)
    if kind == "object" or (kind == "" and isinstance(schema.get("properties"), dict)):
        return _object(doc, schema, depth, files)
    if kind == "array":
        return [example_value(doc, schema.get("items", {}), name, depth + 1, files=files)]
    if kind in ("integer", "number"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return True
    return _string(schema, name)


def _all_of(doc: Document, schema: dict[str, Any], name: str, depth: int, files: bool) -> Any:
    """An `allOf`: one object of its members' properties and required names together, when they describe
    objects; else the first member's value."""
    merged: dict[str, Any] = {"properties": {}, "required": []}
    others = _gather(doc, schema, merged, depth)
    if merged["properties"] or merged["required"]:
        return _object(doc, merged, depth, files)
    return example_value(doc, others[0] if others else {}, name, depth + 1, files=files)


def _gather(doc: Document, schema: Any, merged: dict[str, Any], depth: int) -> list[Any]:
    """Add the properties and required names of `schema` and its `allOf` members (through `$ref`s) to
    `merged`; return the members that describe no object."""
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#"):
        schema = doc.resolve(ref_pointer(schema["$ref"]))
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return []
    others = [o for member in schema.get("allOf", ()) for o in _gather(doc, member, merged, depth + 1)]
    if isinstance(schema.get("properties"), dict) or schema.get("required") or _type_of(schema) == "object":
        merged["properties"].update(schema.get("properties") or {})
        merged["required"] += [key for key in schema.get("required") or () if key not in merged["required"]]
    elif any(k not in ("allOf", "description", "title") for k in schema):
        others.append({k: v for k, v in schema.items() if k != "allOf"})
    return others


def _object(doc: Document, schema: dict[str, Any], depth: int, files: bool) -> dict[str, Any]:
    """The object's required properties, else its first two (an empty object shows nothing), each made up;
    never `readOnly` ones, which requests leave out."""
    properties = schema.get("properties") or {}
    writable = [k for k, p in properties.items() if not (isinstance(p, dict) and p.get("readOnly"))]
    keys = [k for k in schema.get("required") or () if k in writable or k not in properties] or writable[:2]
    return {key: example_value(doc, properties.get(key, {}), key, depth + 1, files=files) for key in keys}


def _type_of(schema: Any) -> str:
    """The schema's type, the first but `null` of a list; "" when it has none."""
    kind = schema.get("type", "") if isinstance(schema, dict) else ""
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    return str(kind)


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    """1 (or 1.0), moved into the schema's bounds and onto its `multipleOf`."""
    low, high = schema.get("minimum"), schema.get("maximum")
    exclusive = schema.get("exclusiveMinimum")
    if isinstance(exclusive, (int, float)) and not isinstance(exclusive, bool):  # 3.1: the bound itself
        low = exclusive + 1
    elif exclusive is True and low is not None:
        low = low + 1
    value: int | float = 1 if low is None or low <= 1 else low
    if high is not None and value > high:
        value = high
    step = schema.get("multipleOf")
    if isinstance(step, (int, float)) and step > 0 and value % step:
        value = step * (value // step + 1)
    return int(value) if integer else float(value)


def _string(schema: dict[str, Any], name: str) -> str:
    """The format's value, else `name` (or "string"), padded to `minLength` and cut to `maxLength`."""
    value = FORMAT_EXAMPLES.get(str(schema.get("format", "")), name or "string")
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if isinstance(low, int) and len(value) < low:
        value = value + "x" * (low - len(value))
    if isinstance(high, int) and len(value) > high:
        value = value[:high]
    return value
