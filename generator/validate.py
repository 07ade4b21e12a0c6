"""Stage 2, validate: is this a well-formed OpenAPI 3.0/3.1 document we can generate from?

First our own checks, which must run before anything follows a `$ref`: every
reference is local and resolves (no network, no file system). Then
openapi-spec-validator for the structure, then semantic checks the
structural validator cannot make.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation.exceptions import DuplicateOperationIDError

from generator.errors import Diagnostic, Severity, SpecError
from generator.load import Document, join_pointer

_MAX_REPORTED = 10


def validate(doc: Document) -> None:
    """Raise SpecError listing every problem found (at most a few of each kind)."""
    version = doc.data.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0.", "3.1.")):
        raise doc.error(
            "/openapi" if "openapi" in doc.data else "",
            f"this is not an OpenAPI 3.0 or 3.1 document (`openapi` is {version!r}).",
            "start the document with `openapi: 3.1.0` (or 3.0.x); Swagger 2.0 must be converted first.",
        )
    problems = list(_check_refs(doc))
    if not problems:
        problems = list(_structure(doc, version))
    problems += _check_operation_ids(doc)
    if problems:
        # The 3.0 validator reports a bad schema value once per dialect it tries: keep one per place.
        unique = {d.location.pointer: d for d in reversed(problems)}
        raise SpecError([d for d in problems if unique[d.location.pointer] is d][:_MAX_REPORTED])


def _walk(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    stack = [(pointer, node)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            yield pointer, node
            stack.extend((f"{pointer}{join_pointer(k)}", v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in enumerate(node))


def _check_refs(doc: Document) -> Iterator[Diagnostic]:
    for pointer, node in _walk(doc.data):
        ref = node.get("$ref")
        if ref is None or (pointer.endswith("/properties") or "/examples/" in pointer or pointer.endswith("/example")):
            continue
        if not isinstance(ref, str) or not ref.startswith("#"):
            yield Diagnostic(
                Severity.ERROR,
                doc.locate(f"{pointer}/$ref"),
                f"`$ref` {ref!r} leaves this document; only local references (`#/...`) are followed.",
                "copy the referenced schema into `components` and refer to it as `#/components/...`.",
            )
            continue
        try:
            doc.resolve(ref[1:])
        except KeyError:
            yield Diagnostic(
                Severity.ERROR,
                doc.locate(f"{pointer}/$ref"),
                f"`$ref` {ref!r} points at nothing in this document.",
                "correct the reference or add the schema it names.",
            )


def _structure(doc: Document, version: str) -> Iterator[Diagnostic]:
    """The OpenAPI schema first; the validator's semantic checks only on a well-formed document.

    (Its semantic checks assume the structure is right and crash on a document that is not.)
    """
    validator = (OpenAPIV31SpecValidator if version.startswith("3.1.") else OpenAPIV30SpecValidator)(doc.data)
    errors: list[Exception] = list(islice(validator.schema_validator.iter_errors(doc.data), _MAX_REPORTED))
    if not errors:
        semantic = validator.root_validator(validator.schema_path)
        # Duplicate operationIds are reported by `_check_operation_ids`, with their location.
        errors = [e for e in islice(semantic, _MAX_REPORTED) if not isinstance(e, DuplicateOperationIDError)]
    for error in errors:
        if isinstance(error, ValidationError):
            detail = _deepest(error)
            pointer = _error_pointer(doc, detail)
            message = detail.message if len(detail.message) < 300 else detail.message[:300] + "..."
        else:
            pointer, message = "", str(error)
        yield Diagnostic(
            Severity.ERROR,
            doc.locate(pointer),
            f"not valid OpenAPI {version}: {message}",
            "correct this value as the OpenAPI specification describes it.",
        )


def _error_pointer(doc: Document, error: ValidationError) -> str:
    """Where in the document an error is.

    Errors inside a schema object carry a path relative to that schema, not to the
    document; find the node from which that path leads to the offending value.
    """
    relative = list(error.absolute_path)
    pointer = join_pointer(*relative)
    if _leads_to(doc, pointer, error.instance):
        return pointer
    for base, _ in _walk(doc.data):
        if _leads_to(doc, base + pointer, error.instance):
            return base + pointer
    return pointer


def _leads_to(doc: Document, pointer: str, value: Any) -> bool:
    try:
        return bool(doc.resolve(pointer) == value)
    except KeyError:
        return False


def _deepest(error: ValidationError) -> ValidationError:
    """The most specific sub-error: the one that says what is really wrong."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error


def _check_operation_ids(doc: Document) -> list[Diagnostic]:
    seen: dict[str, str] = {}
    problems = []
    for path, item in (doc.data.get("paths") or {}).items():
        for method, operation in item.items() if isinstance(item, dict) else ():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            pointer = join_pointer("paths", path, method, "operationId")
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
