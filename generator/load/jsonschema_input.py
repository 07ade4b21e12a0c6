"""Stage 1c, JSON Schema input: a standalone JSON Schema document becomes an OpenAPI 3.1 one.

A document is checked against the meta-schema of the dialect its `$schema` names (draft-04 to
2020-12; 2020-12 when it names none), then its `$defs` / `definitions` become
`components.schemas` (and the root schema one more, named by its title or the file name), with
references rewritten to match: `#/$defs/X`, `#` and 2019-09's `$recursiveRef`, plain-name anchors
(draft-07 `$id: "#name"`, `$anchor: name`), and `discriminator.mapping` values. Locations in errors
still point into the original file.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

from generator.errors import Diagnostic, Severity, SpecError
from generator.load.document import Document, join_pointer

_SCHEMA_KEYS = {"$schema", "$defs", "definitions", "type", "properties", "oneOf", "anyOf", "allOf", "enum"}


def is_json_schema(doc: Document) -> bool:
    """A document that is a JSON Schema rather than an OpenAPI description."""
    return "openapi" not in doc.data and "swagger" not in doc.data and bool(_SCHEMA_KEYS & set(doc.data))


def to_openapi(doc: Document, stem: str) -> Document:
    """Check a JSON Schema document and wrap it as OpenAPI 3.1 components."""
    validator = validator_for(doc.data, default=Draft202012Validator)
    errors = sorted(validator(validator.META_SCHEMA).iter_errors(doc.data), key=lambda e: list(e.absolute_path))
    if errors:
        raise SpecError(
            [
                Diagnostic(
                    Severity.ERROR,
                    doc.locate(join_pointer(*e.absolute_path)),
                    f"not a valid JSON Schema ({validator.__name__.removesuffix('Validator')}): {e.message}",
                    "correct this keyword as the JSON Schema specification describes it.",
                )
                for e in errors[:10]
            ]
        )
    data = copy.deepcopy(doc.data)
    schemas: dict[str, Any] = {}
    mounts = []
    for key in ("$defs", "definitions"):
        for name, schema in (data.pop(key, None) or {}).items():
            schemas[name] = schema
            mounts.append((join_pointer("components", "schemas", name), doc, join_pointer(key, name)))
    # The root is one more schema, keyed by its title in the characters a key may have (the IR makes class
    # names of keys), apart from the others.
    root_name = re.sub(r"[^A-Za-z0-9._-]+", "_", str(data.get("title") or stem)).strip("_") or "Root"
    while root_name in schemas:
        root_name += "_root"
    has_root = bool({"type", "properties", "oneOf", "anyOf", "allOf", "enum"} & set(data))
    if has_root:
        schemas[root_name] = {k: v for k, v in data.items() if k not in ("$schema", "$id")}
        mounts.append((join_pointer("components", "schemas", root_name), doc, ""))
    _rewrite_refs(schemas, "#" + join_pointer("components", "schemas", root_name), _anchors(schemas))
    openapi = {
        "openapi": "3.1.0",
        "info": {
            "title": str(data.get("title") or stem),
            "version": "0",
            "description": str(data.get("description", "")),
        },
        "paths": {},
        "components": {"schemas": schemas},
    }
    return Document(doc.name, doc.text, openapi, tuple(mounts))


def _anchors(schemas: dict[str, Any]) -> dict[str, str]:
    """Plain-name anchors of the definitions ({anchor: definition name}); draft-07 spells them `$id: "#name"`.

    The draft-07 spelling is removed: OpenAPI 3.1's dialect (2020-12) forbids a fragment in `$id`.
    """
    anchors = {}
    for name, schema in schemas.items():
        if not isinstance(schema, dict):
            continue
        if isinstance(schema.get("$anchor"), str):
            anchors[schema["$anchor"]] = name
        if isinstance(schema.get("$id"), str) and schema["$id"].startswith("#"):
            anchors[schema.pop("$id")[1:]] = name
    return anchors


def _local(ref: str, root_ref: str, anchors: dict[str, str]) -> str:
    """A reference of the JSON Schema document, as one into `components.schemas`."""
    if ref == "#":
        return root_ref
    for prefix in ("#/$defs/", "#/definitions/"):
        if ref.startswith(prefix):
            return "#/components/schemas/" + ref[len(prefix) :]
    if ref.startswith("#") and ref[1:] in anchors:
        return "#/components/schemas/" + anchors[ref[1:]]
    return ref


def _rewrite_refs(node: Any, root_ref: str, anchors: dict[str, str]) -> None:
    """Every reference (`$ref`, 2019-09's `$recursiveRef`, discriminator mappings) rewritten by `_local`."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if isinstance(current.get("$recursiveRef"), str):
                current["$ref"] = current.pop("$recursiveRef")  # `#`: the root (we keep no dynamic scope)
            if isinstance(current.get("$ref"), str):
                current["$ref"] = _local(current["$ref"], root_ref, anchors)
            mapping = (
                current.get("discriminator", {}).get("mapping")
                if isinstance(current.get("discriminator"), dict)
                else None
            )
            if isinstance(mapping, dict):
                for tag, target in mapping.items():
                    if isinstance(target, str):
                        mapping[tag] = _local(target, root_ref, anchors)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
