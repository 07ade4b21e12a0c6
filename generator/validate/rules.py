"""Stage 2, validate: is this a well-formed OpenAPI 3.0/3.1 document we can generate from?

First our own checks, which must run before anything follows a `$ref`: every
reference is local and resolves (no network, no file system). Then the
structure against the OpenAPI schema: jsonschema-rs answers whether there is any
error in milliseconds; only a document that has one is validated again with the
Python validator, whose errors say precisely where and what. Then
openapi-spec-validator's semantic checks, which the schema cannot express.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
from jsonschema.exceptions import ValidationError
from jsonschema.validators import validator_for
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.schemas import schema_v30, schema_v31
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.exceptions import DuplicateOperationIDError

from generator.errors import Diagnostic, Severity, SpecError
from generator.load.document import Document, join_pointer, ref_pointer, split_pointer

_MAX_REPORTED = 10


def validate(doc: Document) -> list[Diagnostic]:
    """Raise SpecError listing the errors found (a few of each kind); return the warnings."""
    version = doc.data.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0.", "3.1.")):
        raise doc.error(
            "/openapi" if "openapi" in doc.data else "",
            f"this is not an OpenAPI 3.0 or 3.1 document (`openapi` is {version!r}).",
            "start the document with `openapi: 3.1.0` (or 3.0.x); Swagger 2.0 must be converted first.",
        )
    problems = list(_check_refs(doc))
    warnings: list[Diagnostic] = []
    if not problems:
        problems, warnings = _structure(doc, version)
    problems += _check_operation_ids(doc)
    if problems:
        # The 3.0 validator reports a bad schema value once per dialect it tries: keep one per place.
        unique = {d.location.pointer: d for d in reversed(problems)}
        raise SpecError([d for d in problems if unique[d.location.pointer] is d][:_MAX_REPORTED])
    from generator.validate.lint import lint  # it builds on this module's walk

    return warnings + lint(doc)


def walk_mappings(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every mapping of the document with its pointer, in document order."""
    stack = [(pointer, node)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            yield pointer, node
            stack.extend(reversed([(f"{pointer}{join_pointer(k)}", v) for k, v in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([(f"{pointer}/{i}", v) for i, v in enumerate(node)]))


def in_example(pointer: str) -> bool:
    """Whether a pointer leads into example data, where keys mean nothing to OpenAPI."""
    return "/examples/" in pointer or "/example/" in pointer or pointer.endswith("/example")


def _check_refs(doc: Document) -> Iterator[Diagnostic]:
    for pointer, node in walk_mappings(doc.data):
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
        try:
            doc.resolve(ref_pointer(ref))
        except KeyError:
            yield Diagnostic(
                Severity.ERROR,
                doc.locate(f"{pointer}/$ref"),
                f"`$ref` {ref!r} points at nothing in this document.",
                "correct the reference or add the schema it names.",
            )


def _tolerated(error: ValidationError) -> bool:
    """Deviations real specs make that change nothing for the generated code.

    OpenAPI 3.0 forbids an empty `required` list; vendors write one anyway, and it
    can only mean that no property is required.
    """
    return error.validator == "minItems" and list(error.absolute_path)[-1:] == ["required"] and error.instance == []


def _structure(doc: Document, version: str) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(errors, warnings) from the OpenAPI schema, then from the validator's semantic checks.

    The semantic checks run only on a document without structural errors: they
    assume the structure is right and crash on one that is not.
    """
    validator = (_V31SemanticValidator if version.startswith("3.1.") else _V30SemanticValidator)(
        _semantic_view(doc.data)
    )
    if _fast_validator(version[:3]).is_valid(doc.data):
        found: list[ValidationError] = []
        empty_required = _empty_required_lists(doc.data, version)
        empty_count, first_empty = len(empty_required), next(iter(empty_required), "")
    else:
        found = [_deepest(e) for e in _detailed_validator(version[:3]).iter_errors(doc.data)]
        tolerated = [e for e in found if _tolerated(e)]
        # The warning counts them and names the first: only that one is located.
        empty_count, first_empty = len(tolerated), _error_pointer(doc, tolerated[0]) if tolerated else ""
    errors: list[Exception] = [e for e in found if not _tolerated(e)][:_MAX_REPORTED]
    bad_defaults: list[ValidationError] = []
    foreign_patterns: list[ValidationError] = []  # ECMA-262 regexes Python's `re` cannot read
    skipped = False
    if not errors:
        # Duplicate operationIds are reported by `_check_operation_ids`, with their location.
        for error in _semantic_errors(doc, validator):
            if isinstance(error, RecursionError):
                skipped = True  # the structure is valid; the library cannot follow a reference cycle
                break
            if isinstance(error, ValidationError) and _tolerated(_deepest(error)):
                continue
            if isinstance(error, ValidationError) and _ecma_pattern(_deepest(error)):
                foreign_patterns.append(_deepest(error))
                continue
            if isinstance(error, ValidationError) and (not error.absolute_path or _default_pointer(doc, error)):
                # A `default` its schema rejects: the generated code never uses defaults, so only warn.
                bad_defaults.append(error)
                continue
            if not isinstance(error, DuplicateOperationIDError):
                errors.append(_deepest(error) if isinstance(error, ValidationError) else error)
            if len(errors) >= _MAX_REPORTED:
                break
    diagnostics = []
    for error in errors:
        hint = "correct this value as the OpenAPI specification describes it."
        if isinstance(error, ValidationError):
            pointer = _error_pointer(doc, error)
            message = error.message if len(error.message) < 300 else error.message[:300] + "..."
            if _unexpected_key(error):
                key = split_pointer(pointer)[-1]
                hint = f"remove `{key}`, or rename it `x-{key}` to keep it as an extension OpenAPI allows."
        else:
            pointer, message = "", str(error)
        diagnostics.append(
            Diagnostic(Severity.ERROR, doc.locate(pointer), f"not valid OpenAPI {version}: {message}", hint)
        )
    warnings = []
    if empty_count:
        warnings.append(
            Diagnostic(
                Severity.WARNING,
                doc.locate(first_empty),
                f"{empty_count} schema(s) have an empty `required` list, which OpenAPI {version} forbids; "
                "read as: no property is required. This is the first.",
                "delete the empty `required` lists.",
            )
        )
    if skipped:
        warnings.append(
            Diagnostic(
                Severity.WARNING,
                doc.locate(""),
                "the validator's semantic checks stopped at a reference cycle (a schema reached again through "
                "oneOf/allOf, as in polymorphism where each variant includes its parent); the structure is valid, "
                "and the rest of the semantic checks were skipped.",
                "nothing to do: a cycle is allowed; it is reported because fewer checks ran.",
            )
        )
    if foreign_patterns:
        warnings.append(
            Diagnostic(
                Severity.WARNING,
                doc.locate(_error_pointer(doc, foreign_patterns[0])),
                f"{len(foreign_patterns)} `pattern`(s) use ECMA-262 syntax Python's `re` does not read "
                f"(this one: {foreign_patterns[0].instance!r}); they are kept in the docs but not used to check "
                "examples. This is the first.",
                "nothing to do, unless the pattern was meant for Python: then write it in Python's syntax.",
            )
        )
    for error in bad_defaults[:3]:
        warnings.append(
            Diagnostic(
                Severity.WARNING,
                doc.locate(_default_pointer(doc, error)),
                f"the default {error.instance!r} does not fit its own schema ({error.message}); it is ignored.",
                "make the default one of the values the schema allows.",
            )
        )
    return diagnostics, warnings


class _IdSet(set[int]):
    """A set with the `append` of the list the library keeps its visited schemas in (see `_LinearVisits`)."""

    def append(self, schema_id: int) -> None:
        self.add(schema_id)


class _LinearVisits:
    """The library keeps the schemas it has visited in lists, so each visit scans every earlier one and the
    semantic pass grew with the square of the schemas (7.8 of GitHub's 10 s). Sets keep the same dedupe,
    each check in constant time."""

    visited_schema_ids: list[int] | None  # as the library declares them; a set stands in
    meta_checked_schema_ids: list[int] | None

    def __init__(self, registry: Any) -> None:
        super().__init__(registry)  # type: ignore[call-arg]
        self.visited_schema_ids = _IdSet()  # type: ignore[assignment]
        self.meta_checked_schema_ids = _IdSet()  # type: ignore[assignment]


class _V30SchemaChecks(_LinearVisits, keywords.OpenAPIV30SchemaValidator):
    """The semantic checks of a schema, without validating it against the 3.0 schema dialect once more.

    The structural pass has checked the whole document against the OpenAPI 3.0 schema, which
    contains that dialect; repeating it schema by schema was a third of the semantic pass.
    """

    def _validate_schema_meta(self, schema: Any, schema_value: Any) -> None:
        return None


class _V31SchemaChecks(_LinearVisits, keywords.OpenAPIV31SchemaValidator):
    """The library's 3.1 schema checks, its visits kept in sets."""


class _V30SemanticValidator(OpenAPIV30SpecValidator):
    # The library's own extension point: a class-level table of keyword validators.
    keyword_validators = {**OpenAPIV30SpecValidator.keyword_validators, "schema": _V30SchemaChecks}  # noqa: RUF012


class _V31SemanticValidator(OpenAPIV31SpecValidator):
    keyword_validators = {**OpenAPIV31SpecValidator.keyword_validators, "schema": _V31SchemaChecks}  # noqa: RUF012


@functools.cache
def _fast_validator(version: str) -> Any:
    """A jsonschema-rs validator of the OpenAPI schema, with the deviations `_tolerated` admits admitted."""
    if version == "3.1":
        return jsonschema_rs.validator_for(dict(schema_v31))
    schema = copy.deepcopy(dict(schema_v30))
    del schema["definitions"]["Schema"]["properties"]["required"]["minItems"]
    return jsonschema_rs.validator_for(schema)


def _detailed_validator(version: str) -> Any:
    """The Python validator of the OpenAPI schema, whose errors carry the context to explain them."""
    schema = dict(schema_v31 if version == "3.1" else schema_v30)
    return validator_for(schema)(schema)


def _empty_required_lists(data: Any, version: str) -> list[str]:
    """Where an OpenAPI 3.0 document has an empty `required` list (which 3.1 allows)."""
    if not version.startswith("3.0."):
        return []
    return [
        f"{p}/required"
        for p, node in walk_mappings(data)
        if node.get("required") == [] and not p.endswith("/properties") and not in_example(p)
    ]


def _semantic_view(data: dict[str, Any]) -> dict[str, Any]:
    """The document as the semantic pass can read it: without `x-` keys among the paths.

    OpenAPI allows extensions in the Paths Object; the library reads every key there as a path
    (a `KeyError` on `x-codegen-contextRoot: /apis`). The structural pass has checked them already.
    """
    paths = data.get("paths")
    if not isinstance(paths, dict) or not any(str(k).startswith("x-") for k in paths):
        return data
    return {**data, "paths": {k: v for k, v in paths.items() if not str(k).startswith("x-")}}


def _ecma_pattern(error: ValidationError) -> bool:
    """Whether an error is only that a pattern is not a Python regex (`\\p{L}` is valid ECMA-262)."""
    return bool(error.validator == "format" and error.validator_value == "regex")


def _semantic_errors(doc: Document, validator: Any) -> Iterator[Exception]:
    """The validator's semantic findings; its own crash on a malformed document becomes one error."""
    try:
        yield from validator.root_validator(validator.schema_path)
    except RecursionError as exc:
        yield exc
    except Exception as exc:  # a third-party library reading untrusted input: any crash is a clean error
        where = exc.args[0] if isinstance(exc, KeyError) and exc.args else ""
        raise SpecError.at(
            doc.locate(""),
            f"the document is malformed where the validator expected {where!r} "
            f"({type(exc).__name__}); it does not have the shape OpenAPI requires there.",
            f"check every `{where}` (and its parent) against the OpenAPI specification.",
        ) from None


def _default_pointer(doc: Document, error: ValidationError) -> str:
    """Where the part of a `default` the error is about is, or "" when no default holds it (the validator
    reports a default's errors by their path inside the default value, not in the document)."""
    inside = join_pointer(*error.absolute_path)
    for pointer, node in walk_mappings(doc.data):
        if "default" in node and not in_example(pointer):
            holder = Document(doc.name, "", {"default": node["default"]})
            if _leads_to(holder, f"/default{inside}", error.instance):
                return f"{pointer}/default{inside}"
    return ""


def _error_pointer(doc: Document, error: ValidationError) -> str:
    """Where in the document an error is.

    Errors inside a schema object carry a path relative to that schema, not to the
    document; find the node from which that path leads to the offending value.
    """
    relative = list(error.absolute_path)
    pointer = join_pointer(*relative)
    if _leads_to(doc, pointer, error.instance):
        return pointer + _unexpected_key(error)
    for base, _ in walk_mappings(doc.data):
        if _leads_to(doc, base + pointer, error.instance):
            return base + pointer
    return pointer


_UNEXPECTED = (
    re.compile(r"\('([^']*)'(?:, '[^']*')* (?:was|were) unexpected\)"),
    re.compile(r"^'([^']*)' does not match any"),
)


def _unexpected_key(error: ValidationError) -> str:
    """The pointer step to a key the schema does not allow (`source` at the top of a document), if that is
    the error: the validator reports the object, but the reader must look at the key."""
    if error.validator not in ("additionalProperties", "unevaluatedProperties") or not isinstance(error.instance, dict):
        return ""
    found = next((m for pattern in _UNEXPECTED if (m := pattern.search(error.message))), None)
    return join_pointer(found.group(1)) if found and found.group(1) in error.instance else ""


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
            if not isinstance(operation, dict) or not isinstance(operation.get("operationId"), str):
                continue  # a missing one is allowed; a non-string one is a structural error reported above
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
