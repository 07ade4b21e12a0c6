"""Mistakes a valid spec can still hold, reported as located warnings (generation goes on).

- a `format` no one defines (`format: datetime`) silently means a plain string;
- a `required` name with no property of that name (a typo, or a property renamed) requires nothing real.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.errors import Diagnostic, Severity
from generator.load.document import Document, join_pointer
from generator.validate.mappings import in_example

# JSON Schema's formats and the OpenAPI Format Registry's: any other is the spec's own invention.
KNOWN_FORMATS = frozenset(
    [
        "date-time",
        "date",
        "time",
        "duration",
        "email",
        "idn-email",
        "hostname",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "uri",
        "uri-reference",
        "iri",
        "iri-reference",
        "uuid",
        "uri-template",
        "json-pointer",
        "relative-json-pointer",
        "regex",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "float",
        "double",
        "decimal",
        "decimal128",
        "byte",
        "binary",
        "base64url",
        "password",
        "char",
        "commonmark",
        "html",
        "http-date",
        "media-range",
        "sf-binary",
        "sf-boolean",
        "sf-decimal",
        "sf-integer",
        "sf-string",
        "sf-token",
    ]
)
_COMPOSED = ("allOf", "oneOf", "anyOf", "$ref", "additionalProperties", "patternProperties")
_MAX_FORMATS = 5  # distinct unknown formats reported; a spec with a house style of its own gets the gist
_MAX_REQUIRED = 5  # `required` names reported one by one; the rest are counted


def lint(doc: Document, mappings: list[tuple[str, Any]]) -> list[Diagnostic]:
    """Warnings for unknown formats (one per format, at its first use) and `required` names with no property.

    `mappings`: every mapping of the document with its pointer (`mappings.walk_mappings`).
    """
    schemas = [
        (pointer, node)
        for pointer, node in mappings
        if not in_example(pointer) and not pointer.endswith("/properties") and ("type" in node or "properties" in node)
    ]
    missing = list(_required_without_property(doc, schemas))
    if len(missing) > _MAX_REQUIRED:
        first = missing[_MAX_REQUIRED]
        rest = len(missing) - _MAX_REQUIRED
        summary = f"... and {rest} more `required` name(s) with no property of that name; this is the next."
        missing[_MAX_REQUIRED:] = [Diagnostic(Severity.WARNING, first.location, summary, first.hint)]
    return [*_unknown_formats(doc, schemas), *missing]


def _unknown_formats(doc: Document, schemas: list[tuple[str, Any]]) -> Iterator[Diagnostic]:
    first: dict[str, str] = {}
    uses: dict[str, int] = {}
    for pointer, node in schemas:
        found = node.get("format")
        if isinstance(found, str) and found not in KNOWN_FORMATS:
            first.setdefault(found, f"{pointer}/format")
            uses[found] = uses.get(found, 0) + 1
    for found, pointer in list(first.items())[:_MAX_FORMATS]:
        close = sorted(f for f in KNOWN_FORMATS if f.replace("-", "") == found.replace("-", "").replace("_", ""))
        suggestion = f"did you mean {close[0]!r}? " if close else ""
        yield Diagnostic(
            Severity.WARNING,
            doc.locate(pointer),
            f"unknown format {found!r} ({uses[found]} use(s)); such values are typed by their `type` alone.",
            f"{suggestion}use a known format (date-time, date, time, email, uri, uuid, int32, int64, binary, ...) "
            "or leave `format` out.",
        )


def _required_without_property(doc: Document, schemas: list[tuple[str, Any]]) -> Iterator[Diagnostic]:
    for pointer, node in schemas:
        properties, required = node.get("properties"), node.get("required")
        if not isinstance(properties, dict) or not isinstance(required, list) or "/allOf/" in pointer:
            continue
        if any(key in node for key in _COMPOSED):
            continue  # the name may be defined by a composed schema, or allowed as an extra property
        for index, name in enumerate(required):
            if isinstance(name, str) and name not in properties:
                yield Diagnostic(
                    Severity.WARNING,
                    doc.locate(f"{pointer}/required{join_pointer(index)}"),
                    f"`required` names {name!r}, but this schema has no property {name!r} "
                    f"(it has {', '.join(map(repr, sorted(properties)[:6]))}).",
                    "correct the name, add the property, or remove it from `required`.",
                )
