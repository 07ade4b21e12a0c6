"""Stage 1c, JSON Schema input: a standalone JSON Schema document becomes an OpenAPI 3.1 one.

Draft 2020-12 and draft-07 documents are checked against their meta-schema, then
their `$defs` / `definitions` become `components.schemas` (and the root schema
one more, named by its title or the file name), with references rewritten to
match. Locations in errors still point into the original file.
"""

from __future__ import annotations

import copy
from typing import Any

from jsonschema import Draft7Validator, Draft202012Validator

from generator.errors import Diagnostic, Severity, SpecError
from generator.ir.names import ClassName
from generator.load.document import Document, join_pointer

_SCHEMA_KEYS = {"$schema", "$defs", "definitions", "type", "properties", "oneOf", "anyOf", "allOf", "enum"}


def is_json_schema(doc: Document) -> bool:
    """A document that is a JSON Schema rather than an OpenAPI description."""
    return "openapi" not in doc.data and "swagger" not in doc.data and bool(_SCHEMA_KEYS & set(doc.data))


def to_openapi(doc: Document, stem: str) -> Document:
    """Check a JSON Schema document and wrap it as OpenAPI 3.1 components."""
    dialect = str(doc.data.get("$schema", ""))
    validator = Draft7Validator if "draft-07" in dialect else Draft202012Validator
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
    root_name = str(ClassName(str(data.get("title") or stem)))
    has_root = bool({"type", "properties", "oneOf", "anyOf", "allOf", "enum"} & set(data))
    if has_root:
        schemas[root_name] = {k: v for k, v in data.items() if k not in ("$schema", "$id")}
        mounts.append((join_pointer("components", "schemas", root_name), doc, ""))
    _rewrite_refs(schemas, "#" + join_pointer("components", "schemas", root_name))
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


def _rewrite_refs(node: Any, root_ref: str) -> None:
    """`#/$defs/X` and `#/definitions/X` become `#/components/schemas/X`; `#` becomes the root schema."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                if ref == "#":
                    current["$ref"] = root_ref
                for prefix in ("#/$defs/", "#/definitions/"):
                    if ref.startswith(prefix):
                        current["$ref"] = "#/components/schemas/" + ref[len(prefix) :]
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
