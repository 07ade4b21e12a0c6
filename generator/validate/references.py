"""Stage 2a, references: what must hold before anything follows a `$ref` or reads an operation.

Every reference is local and resolves (no network, no file system), every discriminator mapping (and
OpenAPI 3.2's `defaultMapping`) names a schema, and no two operations share an operationId.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.errors import Diagnostic, Severity
from generator.load.document import Document, join_pointer, ref_pointer
from generator.validate.mappings import in_example
from generator.validate.schema_shapes import mapping_target
from generator.validate.view import item_operations


def ref_errors(doc: Document, mappings: list[tuple[str, Any]]) -> Iterator[Diagnostic]:
    """Every `$ref` that leaves the document or points at nothing in it."""
    for pointer, node in mappings:
        ref = node.get("$ref")
        if ref is None or pointer.endswith("/properties") or in_example(pointer):
            continue
        if not isinstance(ref, str) or not ref.startswith("#"):
            yield Diagnostic(
                Severity.ERROR,
                doc.locate(f"{pointer}/$ref"),
                f"`$ref` {ref!r} leaves this document; only local references (`#/...`) are followed.",
                "copy the referenced schema into `components` and refer to it as `#/components/...`.",
            )
            continue
        if not resolves(doc, ref_pointer(ref)):
            yield Diagnostic(
                Severity.ERROR,
                doc.locate(f"{pointer}/$ref"),
                f"`$ref` {ref!r} points at nothing in this document.",
                "correct the reference or add the schema it names.",
            )


def dangling_mappings(doc: Document, mappings: list[tuple[str, Any]]) -> Iterator[Diagnostic]:
    """A union's discriminator mapping value naming no schema of this document (one naming another file is a
    warning where the union is built). Only a `oneOf`/`anyOf`'s mapping is read: one beside `allOf` is not
    (DigitalOcean's point at nothing)."""
    for pointer, node in mappings:
        if (
            not pointer.endswith("/discriminator")
            or pointer.endswith("/properties/discriminator")
            or in_example(pointer)
            or not doc.resolve(pointer.rsplit("/", 1)[0]).keys() & {"oneOf", "anyOf"}
        ):
            continue
        mapping = node.get("mapping", {})
        named = [(join_pointer("mapping", tag), f"maps {tag!r} to", ref) for tag, ref in mapping.items()]
        if "defaultMapping" in node:  # OpenAPI 3.2: the variant for every other tag
            named.append(("/defaultMapping", "maps every other tag to", node["defaultMapping"]))
        for at, what, ref in named:
            target = mapping_target(ref) if isinstance(ref, str) else None
            if target is not None and not resolves(doc, target):
                yield Diagnostic(
                    Severity.ERROR,
                    doc.locate(pointer + at),
                    f"the discriminator {what} {ref!r}, which points at nothing in this document.",
                    "correct the reference or add the schema it names.",
                )


def resolves(doc: Document, pointer: str) -> bool:
    """Whether a JSON pointer names a node of the document."""
    try:
        doc.resolve(pointer)
    except KeyError:
        return False
    return True


def operation_id_errors(doc: Document) -> list[Diagnostic]:
    """Every operationId an earlier operation has (those of `query` and `additionalOperations` included)."""
    seen: dict[str, str] = {}
    problems = []
    for path, item in (doc.data.get("paths") or {}).items():
        for _, operation, at in item_operations(item, join_pointer("paths", path)):
            if not isinstance(operation, dict) or not isinstance(operation.get("operationId"), str):
                continue  # a missing one is allowed; a non-string one is a structural error reported above
            pointer = f"{at}/operationId"
            operation_id = operation["operationId"]
            if operation_id in seen:
                problems.append(
                    Diagnostic(
                        Severity.ERROR,
                        doc.locate(pointer),
                        f"operationId {operation_id!r} is already used at #{seen[operation_id]}.",
                        "give every operation its own operationId.",
                    )
                )
            else:
                seen[str(operation_id)] = pointer
    return problems
