"""Values that a JSON Schema of an OpenAPI document accepts, made up deterministically.

`value_for(schema, doc)` is what the conformance harness sends (request values) and answers
(response bodies) when the spec gives no example. It prefers the spec's own `example`/`examples`/
`default` when they validate, takes the first workable `oneOf`/`anyOf` option, merges `allOf`, and
fills every property, optional ones too: the point is to exercise styled parameters and bodies.
Each value is checked with the OpenAPI flavour of `jsonschema` (openapi-schema-validator), so
`nullable`, boolean `exclusiveMinimum` and `readOnly`/`writeOnly` mean what OpenAPI 3.0 says.
"""

from __future__ import annotations

import copy
import functools
import math
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import hypothesis
import openapi_schema_validator as oas
from hypothesis import strategies
from jsonschema.exceptions import best_match
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from generator.ir.example_values import EXAMPLE_BYTES as BINARY
from generator.ir.example_values import FORMAT_EXAMPLES

DOC_URI = "urn:sdk-generator:conformance:doc"
# Below SOFT_DEPTH every property is filled in; deeper, only required ones; at HARD_DEPTH recursion stops.
SOFT_DEPTH = 5
HARD_DEPTH = 12


def value_for(schema: Any, doc: dict[str, Any], *, response: bool = False) -> Any:
    """A JSON value `schema` (part of the OpenAPI document `doc`) accepts; `bytes` for `format: binary`.

    Request values leave out `readOnly` properties, response values `writeOnly` ones. The same input
    gives the same output on every run.
    """
    return synthesizer(doc).value(schema, response=response)


def synthesizer(doc: dict[str, Any]) -> Synthesizer:
    """The (cached) synthesizer of one document."""
    cached = _LAST.get("synth")
    if cached is None or cached.doc is not doc:
        cached = _LAST["synth"] = Synthesizer(doc)
    return cached


_LAST: dict[str, Synthesizer] = {}


class Synthesizer:
    """Makes up values for the schemas of one OpenAPI document (local `$ref`s resolved against it)."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.oas31 = str(doc.get("openapi", "")).startswith("3.1")
        specification = DRAFT202012 if self.oas31 else DRAFT4
        self.registry: Registry[Any] = Registry().with_resource(DOC_URI, specification.create_resource(doc))
        # Values of `$ref` schemas, by (ref, depth, response, minimal): nested unions make the
        # validation quadratic otherwise, and big specs reach the same schema from many places.
        self._by_ref: dict[tuple[str, int, bool, bool], Any] = {}

    # --- the public part ---------------------------------------------------

    def value(self, schema: Any, *, response: bool = False) -> Any:
        """A value for `schema`, checked; when the full value fails, a required-only one is tried."""
        full = self._value(schema, 0, response, minimal=False)
        if self.valid(full, schema, response=response) is not False:
            return full
        repaired = self._without_invalid_optionals(full, schema, response)
        if repaired is not None:
            return repaired
        minimal = self._value(schema, 0, response, minimal=True)
        return minimal if self.valid(minimal, schema, response=response) else full

    def _without_invalid_optionals(self, value: Any, schema: Any, response: bool) -> Any:
        """`value` without the optional top-level properties that fail their own schema, if that makes it valid."""
        s = self.merged(schema)
        if not isinstance(value, dict) or not isinstance(s.get("properties"), dict):
            return None
        required = set(s.get("required") or [])
        kept = {
            k: v
            for k, v in value.items()
            if k in required
            or k not in s["properties"]
            or self.valid(v, s["properties"][k], response=response) is not False
        }
        return kept if len(kept) < len(value) and self.valid(kept, schema, response=response) else None

    def valid(self, value: Any, schema: Any, *, response: bool = False) -> bool | None:
        """Whether `value` validates against `schema`; None when the validator cannot tell (a broken schema)."""
        if not isinstance(schema, dict):
            return None
        if isinstance(value, bytes):
            return None  # a binary string is no JSON value: nothing to check
        try:
            return bool(self._validator(schema, response).is_valid(value))
        except Exception:  # a schema the validator cannot read (bad $ref, bad pattern): no verdict
            return None

    def check(self, value: Any, schema: Any, *, response: bool = False) -> tuple[bool | None, str | None]:
        """`valid`, with the validator's most relevant error (`path: message`) when the value is not valid."""
        verdict = self.valid(value, schema, response=response)
        if verdict is not False:
            return verdict, None
        error = best_match(self._validator(schema, response).iter_errors(value))
        return False, _described(error) if error else "invalid"

    def resolve(self, schema: Any) -> dict[str, Any]:
        """`schema` with its local `$ref` chain followed (3.1 sibling keys kept over the target)."""
        seen: set[str] = set()
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if ref in seen or not ref.startswith("#"):
                return {}  # a cycle of bare refs, or another file: anything goes
            seen.add(ref)
            target = self.pointer(ref[1:])
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **siblings} if siblings and isinstance(target, dict) else target
        return schema if isinstance(schema, dict) else {}

    def pointer(self, pointer: str) -> Any:
        """The part of the document at a JSON pointer (percent-encoding and ~0/~1 undone)."""
        node: Any = self.doc
        for token in unquote(pointer).split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node.get(token, {})
        return node

    # --- validation ----------------------------------------------------------

    def _validator(self, schema: dict[str, Any], response: bool) -> Any:
        absolute = _absolute_refs(schema)
        if self.oas31:
            return oas.OAS31Validator(absolute, registry=self.registry, format_checker=oas.oas31_format_checker)
        cls = oas.OAS30ReadValidator if response else oas.OAS30WriteValidator
        return cls(absolute, registry=self.registry, format_checker=oas.oas30_format_checker)

    # --- generation ------------------------------------------------------------

    def merged(self, schema: Any) -> dict[str, Any]:
        """`schema` resolved, with its `allOf` parts folded into one schema."""
        resolved = self.resolve(schema)
        if "allOf" not in resolved:
            return resolved
        result = {k: v for k, v in resolved.items() if k != "allOf"}
        for part in resolved["allOf"] or []:
            result = _merge(result, self.merged(part))
        return result

    def _value(self, schema: Any, depth: int, response: bool, *, minimal: bool) -> Any:
        ref = schema.get("$ref") if isinstance(schema, dict) and len(schema) == 1 else None
        if not isinstance(ref, str):
            return self._made(schema, depth, response, minimal=minimal)
        key = (ref, depth, response, minimal)
        if key not in self._by_ref:
            self._by_ref[key] = self._made(schema, depth, response, minimal=minimal)
        return copy.deepcopy(self._by_ref[key])

    def _made(self, schema: Any, depth: int, response: bool, *, minimal: bool) -> Any:
        s = self.merged(schema)
        if depth >= HARD_DEPTH:
            return _shallow(s)
        if _is_binary(s):
            return BINARY
        for candidate in _candidates(s):
            if self.valid(candidate, s, response=response):
                return copy.deepcopy(candidate)
        options = s.get("oneOf") or s.get("anyOf")
        if isinstance(options, list) and options:
            return self._option(s, options, depth, response, minimal=minimal)
        kind = _type_of(s)
        if kind == "object":
            return self._object(s, depth, response, minimal=minimal)
        if kind == "array":
            return self._array(s, depth, response, minimal=minimal)
        if kind in ("integer", "number"):
            return _number(s, integer=kind == "integer")
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return _string(s)

    def _option(self, s: dict[str, Any], options: list[Any], depth: int, response: bool, *, minimal: bool) -> Any:
        """The value of the first option that validates against the whole schema (a non-null one first)."""
        rest = {k: v for k, v in s.items() if k not in ("oneOf", "anyOf")}
        ordered = sorted(options, key=lambda o: _type_of(self.merged(o)) == "null")
        first: Any = None
        for index, option in enumerate(ordered):
            value = self._value(_merge(rest, self.merged(option)), depth, response, minimal=minimal)
            if index == 0:
                first = value
            if self.valid(value, s, response=response) is not False:
                return value
        return first

    def _object(self, s: dict[str, Any], depth: int, response: bool, *, minimal: bool) -> dict[str, Any]:
        required = [r for r in s.get("required") or [] if isinstance(r, str)]
        properties = s.get("properties") or {}
        result: dict[str, Any] = {}
        for name, sub in properties.items():
            resolved = self.merged(sub)
            skipped = resolved.get("writeOnly") if response else resolved.get("readOnly")
            if name not in required and (skipped or minimal or depth >= SOFT_DEPTH):
                continue
            result[name] = self._value(sub, depth + 1, response, minimal=minimal)
        for name in required:
            result.setdefault(name, "example")  # required but never described
        extra = s.get("additionalProperties", True)
        if not properties and extra is not False and not minimal:  # a free-form map: one entry, to exercise it
            result["key"] = self._value(extra, depth + 1, response, minimal=minimal) if extra is not True else "example"
        return result

    def _array(self, s: dict[str, Any], depth: int, response: bool, *, minimal: bool) -> list[Any]:
        # Two distinct items unless the schema says otherwise: one item cannot show a delimiter.
        count = max(int(s.get("minItems") or 0), 1 if minimal else 2)
        if isinstance(s.get("maxItems"), int):
            count = min(count, s["maxItems"])
        if depth >= SOFT_DEPTH and not s.get("minItems"):
            # Deep down, one item: an empty array is no array on the wire (RFC 6570), so a required one would be lost.
            count = min(count, 1)
        items = s.get("items") if isinstance(s.get("items"), dict) else {}
        enum = self.merged(items).get("enum")
        if isinstance(enum, list):  # no more items than distinct allowed values
            count = min(count, max(int(s.get("minItems") or 0), len([v for v in enum if v is not None])))
        first = self._value(items, depth + 1, response, minimal=minimal) if count else None
        values = [first] if count else []
        for index in range(1, count):
            if isinstance(enum, list) and index < len(enum) and enum[index] is not None:
                values.append(enum[index])
            else:
                values.append(copy.deepcopy(first))
        return _distinct(values)


def _described(error: Any) -> str:
    """`at path: message`, the instance's repr (whole answers, in a oneOf) shortened, and for a oneOf/anyOf
    that no option fits, the closest option's own error."""
    where = "/".join(map(str, error.absolute_path)) or "(root)"
    message = str(error.message)
    if len(repr(error.instance)) > 60:  # a whole object in the message hides what is wrong with it
        message = message.replace(repr(error.instance), "the value", 1)
    closest = best_match(error.context) if error.context else None
    if closest is not None and error.validator in ("oneOf", "anyOf"):
        message += f"; closest option: {_described(closest)}"
    return f"at {where}: {message[:400]}"


def _absolute_refs(schema: Any) -> Any:
    """A copy of an inline schema whose local `$ref`s point into the registered document."""
    if isinstance(schema, dict):
        return {
            k: (DOC_URI + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _absolute_refs(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_absolute_refs(v) for v in schema]
    return schema


def _merge(base: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """Two schemas that both apply, as one: properties and `required` unite, other keys keep the first."""
    result = dict(base)
    for key, value in part.items():
        if key == "properties" and isinstance(value, dict):
            properties = dict(result.get("properties") or {})
            for name, sub in value.items():
                properties[name] = {"allOf": [properties[name], sub]} if name in properties else sub
            result["properties"] = properties
        elif key == "required" and isinstance(value, list):
            result["required"] = list(dict.fromkeys([*(result.get("required") or []), *value]))
        else:
            result.setdefault(key, value)
    return result


def _candidates(s: dict[str, Any]) -> Iterator[Any]:
    """The values the schema names itself, best first: const, enum, example(s), default."""
    if "const" in s:
        yield s["const"]
    enum = s.get("enum")
    if isinstance(enum, list):
        yield from sorted(enum, key=lambda v: v is None)  # null last: exercise a real value
    if "example" in s:
        yield s["example"]
    examples = s.get("examples")
    if isinstance(examples, list):
        yield from examples
    elif isinstance(examples, dict):  # an OpenAPI `examples` map put on a schema
        yield from (e["value"] for e in examples.values() if isinstance(e, dict) and "value" in e)
    if "default" in s:
        yield s["default"]


def _type_of(s: dict[str, Any]) -> str:
    kind = s.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if isinstance(kind, str):
        return kind
    if "properties" in s or "additionalProperties" in s or "required" in s:
        return "object"
    if "items" in s:
        return "array"
    if any(k in s for k in ("minimum", "maximum", "multipleOf")):
        return "number"
    return "string"


def _is_binary(s: dict[str, Any]) -> bool:
    """File content: OpenAPI 3.0's `format: binary`, or 3.1's untyped `contentMediaType`."""
    if _type_of(s) in ("string", None) and isinstance(s.get("contentMediaType"), str) and "contentEncoding" not in s:
        return True
    return _type_of(s) == "string" and s.get("format") == "binary"


def _shallow(s: dict[str, Any]) -> Any:
    """The smallest value of the schema's type, where recursion has to stop."""
    return {"object": {}, "array": [], "integer": 1, "number": 1, "boolean": True, "null": None}.get(
        _type_of(s), "example"
    )


def _number(s: dict[str, Any], *, integer: bool) -> int | float:
    low, high = s.get("minimum"), s.get("maximum")
    low_open, high_open = s.get("exclusiveMinimum"), s.get("exclusiveMaximum")
    if isinstance(low_open, (int, float)) and not isinstance(low_open, bool):  # 3.1: the bound itself
        low, low_open = low_open, True
    if isinstance(high_open, (int, float)) and not isinstance(high_open, bool):
        high, high_open = high_open, True
    step = 1 if integer else 0.5
    value: float = 1 if integer else 1.5
    if low is not None and (value < low or (low_open and value <= low)):
        value = low + step if low_open else low
    if high is not None and (value > high or (high_open and value >= high)):
        value = high - step if high_open else high
        if low is not None and (value < low or (low_open and value <= low)):
            value = (low + high) / 2
    multiple = s.get("multipleOf")
    if isinstance(multiple, (int, float)) and multiple > 0:
        value = math.ceil(value / multiple) * multiple
    return math.ceil(value) if integer else float(value)


def _string(s: dict[str, Any]) -> str:
    low = int(s.get("minLength") or 0)
    high = s.get("maxLength") if isinstance(s.get("maxLength"), int) else None
    pattern = s.get("pattern") if isinstance(s.get("pattern"), str) else None
    base = FORMAT_EXAMPLES.get(str(s.get("format")), "example")
    if base == "example" and not pattern:  # free text can be stretched or cut to length
        return (base + "x" * max(0, low - len(base)))[:high]
    candidates = [base, "example", "1"]
    for candidate in candidates:
        if _fits(candidate, low, high, pattern):
            return candidate
    found = _matching(pattern or ".*", low, high if high is not None else max(low, 64))
    return found if found is not None else candidates[0]


def _fits(value: str, low: int, high: int | None, pattern: str | None) -> bool:
    if len(value) < low or (high is not None and len(value) > high):
        return False
    try:
        return pattern is None or re.search(pattern, value) is not None
    except re.error:
        return True  # a pattern Python cannot read: the validator decides


@functools.cache
def _matching(pattern: str, low: int, high: int) -> str | None:
    """The simplest string that matches `pattern` and the length bounds.

    `hypothesis.find` rather than `.example()`: derandomized and shrunk, it gives the same string every run.
    """
    try:
        strategy = strategies.from_regex(pattern, fullmatch=True)
    except (re.error, hypothesis.errors.InvalidArgument):
        return None
    settings = hypothesis.settings(
        database=None, derandomize=True, max_examples=500, suppress_health_check=list(hypothesis.HealthCheck)
    )
    try:
        return str(hypothesis.find(strategy, lambda s: low <= len(s) <= high, settings=settings))
    except (hypothesis.errors.NoSuchExample, hypothesis.errors.Unsatisfiable, re.error):
        return None


def _distinct(values: list[Any]) -> list[Any]:
    """Items made different (strings and numbers get their index), so `uniqueItems` holds and a delimiter shows."""
    result: list[Any] = []
    for index, value in enumerate(values):
        if value in result:
            if isinstance(value, str):
                value = f"{value}{index}"
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                value = value + index
        result.append(value)
    return result
