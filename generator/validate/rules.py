"""Stage 2, validate: is this a well-formed OpenAPI 3.0/3.1/3.2 document we can generate from?

First our own checks, which must run before anything follows a `$ref` (`references.py`): every
reference is local and resolves (no network, no file system). Then the
structure against the OpenAPI schema: jsonschema-rs answers whether there is any
error in milliseconds; only a document that has one is validated again with the
Python validator, whose errors say precisely where and what. Then the semantic
checks the schema cannot express (`semantic.py`), each finding located, and our `x-` extensions
(`extensions.py`).
"""

from __future__ import annotations

import copy
import functools
import re
import sys
from typing import Any

import jsonschema_rs
from jsonschema.exceptions import ValidationError
from jsonschema.validators import validator_for
from openapi_schema_validator import OAS31_BASE_DIALECT_ID, OAS32_BASE_DIALECT_ID
from openapi_schema_validator._specifications import REGISTRY as DIALECTS
from openapi_spec_validator.schemas import schema_v30, schema_v31, schema_v32

from generator.errors import Diagnostic, Location, Severity, SpecError
from generator.load.document import Document, join_pointer, split_pointer
from generator.validate.extensions import extension_errors
from generator.validate.lint import lint
from generator.validate.mappings import in_example, walk_mappings
from generator.validate.references import dangling_mappings, operation_id_errors, ref_errors
from generator.validate.semantic import Finding, semantic_findings

_MAX_REPORTED = 10
# Structural errors (not tolerated ones) looked at to choose those: each takes ~1.5 ms to find.
_MAX_EXAMINED = 200
# The OpenAPI 3.1 and 3.2 base dialects and their vocabularies: JSON Schema 2020-12's own meta-schemas
# jsonschema-rs knows.
_DIALECT_PARTS = (
    OAS31_BASE_DIALECT_ID,
    "https://spec.openapis.org/oas/3.1/meta/base",
    OAS32_BASE_DIALECT_ID,
    "https://spec.openapis.org/oas/3.2/meta/2025-09-17",
)
# Each version's schema and the dialect its Schema Objects are of unless `jsonSchemaDialect` says otherwise.
_SCHEMAS = {"3.1": (schema_v31, OAS31_BASE_DIALECT_ID), "3.2": (schema_v32, OAS32_BASE_DIALECT_ID)}


def validate(doc: Document) -> list[Diagnostic]:
    """Raise SpecError listing the errors found (a few of each kind); return the warnings."""
    version = doc.data.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0.", "3.1.", "3.2.")):
        raise doc.error(
            "/openapi" if "openapi" in doc.data else "",
            f"this is not an OpenAPI 3.0, 3.1 or 3.2 document (`openapi` is {version!r}).",
            "start the document with `openapi: 3.2.0` (or 3.1.x, 3.0.x); Swagger 2.0 must be converted first.",
        )
    mappings = list(walk_mappings(doc.data))  # walked once, read by several checks
    problems = list(ref_errors(doc, mappings))
    warnings: list[Diagnostic] = []
    if not problems:
        problems, warnings = _structure(doc, version, mappings)
    problems += operation_id_errors(doc)
    if not problems:
        problems = (list(dangling_mappings(doc, mappings)) + extension_errors(doc))[:_MAX_REPORTED]
    if problems:
        # The 3.0 validator reports a bad schema value once per dialect it tries: keep one per place.
        unique = {d.location.pointer: d for d in reversed(problems)}
        raise SpecError([d for d in problems if unique[d.location.pointer] is d][:_MAX_REPORTED])
    return warnings + lint(doc, mappings)


# Deviations real specs make that change nothing for the generated code, each read as its warning says;
# one warning per kind counts them and locates the first.
_TOLERATED = {
    "empty_required": (
        "schema(s) have an empty `required` list, which OpenAPI {version} forbids; read as: no property is required",
        "delete the empty `required` lists.",
    ),
    "examples_map": (
        "schema(s) have `examples` as a map, OpenAPI 3.0's form for a media type's; a schema's is a list "
        "(JSON Schema 2020-12), and these are ignored",
        "write a schema's `examples` as a list of values.",
    ),
}


def _tolerated(error: ValidationError) -> str | None:
    """The kind of tolerated deviation an error is (a key of `_TOLERATED`), or None."""
    last = list(error.absolute_path)[-1:]
    if error.validator == "minItems" and last == ["required"] and error.instance == []:
        return "empty_required"
    if error.validator == "type" and error.validator_value == "array" and last == ["examples"]:
        return "examples_map" if isinstance(error.instance, dict) else None
    return None


def _structure(
    doc: Document, version: str, mappings: list[tuple[str, Any]]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(errors, warnings) from the OpenAPI schema, then from the semantic checks.

    The semantic checks run only on a document without structural errors: they
    assume the structure is right.
    """
    tolerated: dict[str, list[str]] = {}
    schema = version[:3]
    if schema in _SCHEMAS and doc.data.get("jsonSchemaDialect", _SCHEMAS[schema][1]) != _SCHEMAS[schema][1]:
        schema += "-dialect"
    if _fast_validator(schema).is_valid(doc.data):
        found: list[ValidationError] = []
        if empty := _empty_required_lists(mappings, version):
            tolerated["empty_required"] = empty
    else:
        found = []
        for error in map(_deepest, _detailed_validator(schema).iter_errors(doc.data)):
            if kind := _tolerated(error):  # every one counted, however many: the warning says how many
                tolerated.setdefault(kind, []).append(_error_pointer(doc, error))
            elif len(found) < _MAX_EXAMINED:
                found.append(error)
            else:
                break
    # In document order, not the validator's (which follows the hash seed): the same errors on every run.
    # One a place: a bad schema value is met once for each way the dialect reaches it.
    pointers = [(_error_pointer(doc, e), e) for e in reversed(found)]
    invalid = {pointer: _invalid(doc, version, pointer, e) for pointer, e in pointers}
    diagnostics = sorted(invalid.values(), key=lambda d: _document_order(d.location))[:_MAX_REPORTED]
    firsts = {kind: min((doc.locate(p) for p in pointers), key=_document_order) for kind, pointers in tolerated.items()}
    warnings = [
        Diagnostic(
            Severity.WARNING,
            firsts[kind],
            f"{len(pointers)} {_TOLERATED[kind][0].format(version=version)}. This is the first.",
            _TOLERATED[kind][1],
        )
        for kind, pointers in tolerated.items()
    ]
    if not diagnostics:
        errors, more = _semantic(doc, version)
        diagnostics += errors[:_MAX_REPORTED]
        warnings += more
    return diagnostics, warnings


def _document_order(location: Location) -> tuple[int, int, str]:
    """Sorts locations as they appear in the file (those without a line last)."""
    return (location.line or sys.maxsize, location.column or 0, location.pointer)


def _invalid(
    doc: Document, version: str, pointer: str, error: ValidationError | None, message: str = "", hint: str = ""
) -> Diagnostic:
    """An error against the OpenAPI specification at `pointer`, with the hint its kind calls for."""
    message = error.message if error is not None else message
    message = message if len(message) < 300 else message[:300] + "..."
    hint = hint or "correct this value as the OpenAPI specification describes it."
    if error is not None and _unexpected_key(error):
        key = split_pointer(pointer)[-1]
        hint = f"remove `{key}`, or rename it `x-{key}` to keep it as an extension OpenAPI allows."
    return Diagnostic(Severity.ERROR, doc.locate(pointer), f"not valid OpenAPI {version}: {message}", hint)


# The fix for each kind of semantic warning; one warning per kind, at the first, counting the others.
_WARNINGS = {
    "duplicate_tag": "give each tag its own name, or merge the two.",
    "duplicate_parameter": "keep one declaration of each (name, in) pair per list; the generated method uses the last.",
    "path_parameter": "declare every `{name}` of the path as a parameter with `in: path`, and only those.",
    "required": "correct the name, or add the property to the schema or one of its `allOf` parts.",
}
# The fix for a semantic error whose kind has one of its own.
_FIXES = {
    "empty_enum": "list the values the schema allows (JSON Schema says `enum` SHOULD hold one), or remove it.",
    "querystring": "declare the whole query as one `in: querystring` parameter, or its parts as `in: query` ones.",
}


def _semantic(doc: Document, version: str) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(errors, warnings) from the semantic walk."""
    errors: list[Diagnostic] = []
    bad_defaults: list[Diagnostic] = []
    foreign_patterns: list[tuple[str, ValidationError]] = []  # ECMA-262 regexes Python's `re` cannot read
    by_kind: dict[str, list[Finding]] = {}
    for finding in semantic_findings(doc):
        if finding.kind == "default" and finding.error is not None:
            # A `default` its schema rejects: the generated code never uses defaults, so only warn.
            bad_defaults.append(
                Diagnostic(
                    Severity.WARNING,
                    doc.locate(finding.pointer + join_pointer(*finding.error.absolute_path)),
                    f"the default {finding.error.instance!r} does not fit its own schema ({finding.message}); "
                    "it is ignored.",
                    "make the default one of the values the schema allows.",
                )
            )
            continue
        error = _deepest(finding.error) if finding.error is not None else None
        pointer = finding.pointer + (join_pointer(*error.absolute_path) if error is not None else "")
        if error is not None and _ecma_pattern(error):
            foreign_patterns.append((pointer, error))
        elif finding.kind in _WARNINGS:
            by_kind.setdefault(finding.kind, []).append(finding)
        else:
            where = pointer + (_unexpected_key(error) if error else "")
            errors.append(_invalid(doc, version, where, error, finding.message, _FIXES.get(finding.kind, "")))
    warnings = bad_defaults[:3]
    for kind, (first, *others) in by_kind.items():
        more = f" ({len(others)} more like it)" if others else ""
        warnings.append(
            Diagnostic(Severity.WARNING, doc.locate(first.pointer), f"{first.message}{more}.", _WARNINGS[kind])
        )
    if foreign_patterns:
        pointer, error = foreign_patterns[0]
        warnings.append(
            Diagnostic(
                Severity.WARNING,
                doc.locate(pointer),
                f"{len(foreign_patterns)} `pattern`(s) use ECMA-262 syntax Python's `re` does not read "
                f"(this one: {error.instance!r}); they are kept in the docs but not used to check "
                "examples. This is the first.",
                "nothing to do, unless the pattern was meant for Python: then write it in Python's syntax.",
            )
        )
    return errors, warnings


def _openapi_schema(version: str) -> dict[str, Any]:
    """The JSON Schema of an OpenAPI `version` document.

    3.1's and 3.2's own schemas check only that a Schema Object is an object or a boolean; like the official
    `schema-base.json`, this one checks each against the OpenAPI base dialect too, so no later stage meets
    `properties: true` or `items: "file"`. A document of another `jsonSchemaDialect` ("3.1-dialect",
    "3.2-dialect") is checked against that by `semantic.py`.
    """
    if version in _SCHEMAS:
        openapi, dialect = _SCHEMAS[version]
        schema = copy.deepcopy(dict(openapi))
        schema["$defs"]["schema"] = {"$dynamicAnchor": "meta", "$ref": dialect}
        if version == "3.2":
            _header_names_are_tokens(schema["$defs"])
        return schema
    return dict(_SCHEMAS[version[:3]][0] if version.endswith("-dialect") else schema_v30)


# RFC 9110's `token`, which a header's name must be (OpenAPI 3.2, the Header and Parameter Objects).
_TOKEN = {"type": "string", "pattern": "^[0-9A-Za-z!#$%&'*+.^_`|~-]+$"}


def _header_names_are_tokens(defs: dict[str, Any]) -> None:
    """Header names as the OpenAPI 3.2 schema's later revisions check them (the OAI's own test suite has a
    `Bad=Header` fail): the revision openapi-spec-validator ships lets any string through."""
    for holder in ("response", "encoding"):
        defs[holder]["properties"]["headers"]["propertyNames"] = _TOKEN
    in_header = {"properties": {"in": {"const": "header"}}, "required": ["in"]}
    defs["parameter"]["allOf"].append({"if": in_header, "then": {"properties": {"name": _TOKEN}}})


@functools.cache
def _fast_validator(version: str) -> Any:
    """A jsonschema-rs validator of the OpenAPI schema, with the deviations `_tolerated` admits admitted."""
    schema = _openapi_schema(version)
    if version == "3.0":
        schema = copy.deepcopy(schema)
        del schema["definitions"]["Schema"]["properties"]["required"]["minItems"]
    registry = jsonschema_rs.Registry([(uri, DIALECTS.contents(uri)) for uri in _DIALECT_PARTS])
    return jsonschema_rs.validator_for(schema, registry=registry)


def _detailed_validator(version: str) -> Any:
    """The Python validator of the OpenAPI schema, whose errors carry the context to explain them."""
    schema = _openapi_schema(version)
    return validator_for(schema)(schema, registry=DIALECTS)


def _empty_required_lists(mappings: list[tuple[str, Any]], version: str) -> list[str]:
    """Where an OpenAPI 3.0 document has an empty `required` list (which 3.1 allows)."""
    if not version.startswith("3.0."):
        return []
    return [
        f"{p}/required"
        for p, node in mappings
        if node.get("required") == [] and not p.endswith("/properties") and not in_example(p)
    ]


def _ecma_pattern(error: ValidationError) -> bool:
    """Whether an error is only that a pattern is not a Python regex (`\\p{L}` is valid ECMA-262)."""
    return bool(error.validator == "format" and error.validator_value == "regex")


def _error_pointer(doc: Document, error: ValidationError) -> str:
    """Where in the document an error is.

    Errors inside a schema object carry a path relative to that schema, not to the
    document; find the node from which that path leads to the offending value.
    """
    relative = list(error.absolute_path)
    pointer = join_pointer(*relative)
    if "propertyNames" in error.absolute_schema_path and _has_key(doc, pointer, error.instance):
        return pointer + join_pointer(error.instance)  # a key the object may not have (`GET` in additionalOperations)
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


def _has_key(doc: Document, pointer: str, key: Any) -> bool:
    try:
        node = doc.resolve(pointer)
    except KeyError:
        return False
    return isinstance(node, dict) and isinstance(key, str) and key in node


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
