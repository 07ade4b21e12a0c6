"""The schema side of `bench/fidelity.py`: which schemas an OpenAPI document's operations carry, OAS
schemas as JSON Schema for hypothesis-jsonschema, the spec's own validator, and JSON compared by value.

Nothing here knows about generated code: it is the independent oracle the generated types are judged by.
"""

from __future__ import annotations

import base64
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Keywords that hold one schema, a list of schemas, or a map of name -> schema (the walk must not take a
# property *called* `example` for the keyword).
ONE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else")
MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
BY_NAME = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# Annotations that mean nothing to a generator of instances (and `discriminator`, which draft 7 does not know).
DROPPED = ("example", "examples", "discriminator", "xml", "externalDocs", "nullable", "deprecated")
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Target:
    """One schema an operation carries: a JSON response of a status, or a JSON request body."""

    operation: str  # "GET /pets/{id}"
    method: str
    path: str
    where: str  # "200", "default", or "body"
    pointer: str  # JSON pointer of the schema in the document
    schema: dict[str, Any]

    @property
    def component(self) -> str | None:
        """The component schema's name when the schema is only a `$ref` to one (what the peers can be mapped by)."""
        ref = self.schema.get("$ref", "")
        prefix = "#/components/schemas/"
        return ref[len(prefix) :] if ref.startswith(prefix) and "/" not in ref[len(prefix) :] else None


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _json_media(content: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for media_type, media in (content or {}).items():
        base = media_type.split(";")[0].strip().lower()
        json_like = base == "application/json" or base.endswith("+json")
        if json_like and isinstance(media, dict) and isinstance(media.get("schema"), dict):
            yield media_type, media["schema"]


def resolve(document: dict[str, Any], node: Any) -> Any:
    """`node` with a `$ref` to a response or request body followed (schemas keep their `$ref`)."""
    for _ in range(20):  # a chain of references, but never a loop
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/")):
            return node
        node = pointer_get(document, node["$ref"][1:])
    return node


def pointer_get(document: Any, pointer: str) -> Any:
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        document = document[int(token)] if isinstance(document, list) else document[token]
    return document


def targets(document: dict[str, Any]) -> Iterator[Target]:
    """Every JSON response schema (each status) and JSON request body schema of every operation, in spec order."""
    for path, item in (document.get("paths") or {}).items():
        item = resolve(document, item)
        for method in METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict):
                continue
            name = f"{method.upper()} {path}"
            base = f"#/paths/{_escape(path)}/{method}"
            body = resolve(document, operation.get("requestBody"))
            if isinstance(body, dict):
                for media_type, schema in list(_json_media(body.get("content")))[:1]:
                    where = f"{base}/requestBody/content/{_escape(media_type)}/schema"
                    yield Target(name, method.upper(), path, "body", where, schema)
            for status, response in (operation.get("responses") or {}).items():
                response = resolve(document, response)
                if isinstance(response, dict):
                    for media_type, schema in list(_json_media(response.get("content")))[:1]:
                        where = f"{base}/responses/{_escape(str(status))}/content/{_escape(media_type)}/schema"
                        yield Target(name, method.upper(), path, str(status), where, schema)


def to_json_schema(node: Any, oas30: bool) -> Any:
    """An OAS schema as draft-7 JSON Schema: `nullable` as a type list, boolean `exclusiveMinimum` as a
    number, annotations dropped; `format: int32/int64` as bounds (hypothesis-jsonschema knows no such
    formats, so it would draw integers the validator refuses)."""
    if isinstance(node, list):
        return [to_json_schema(n, oas30) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROPPED or key.startswith("x-"):
            continue
        if key in ONE or key in MANY:
            out[key] = to_json_schema(value, oas30)
        elif key in BY_NAME and isinstance(value, dict):
            out[key] = {name: to_json_schema(v, oas30) for name, v in value.items()}
        else:
            out[key] = value
    if oas30:
        _numbers_30(out)
        if node.get("nullable") is True and "$ref" not in node:
            out = _nullable(out)
    if out.get("type") == "integer" and node.get("format") in ("int32", "int64"):
        low, high = INT32 if node["format"] == "int32" else INT64
        out.setdefault("minimum", low)
        out.setdefault("maximum", high)
    return out


def _numbers_30(schema: dict[str, Any]) -> None:
    """OAS 3.0's booleans `exclusiveMinimum`/`exclusiveMaximum` (draft 4) as draft 7's numbers."""
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if isinstance(schema.get(flag), bool) and schema.pop(flag) and bound in schema:
            schema[flag] = schema.pop(bound)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if isinstance(schema.get("type"), str):
        schema["type"] = [schema["type"], "null"]
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def drawable(document: dict[str, Any], schema: dict[str, Any], oas30: bool) -> dict[str, Any]:
    """A self-contained schema for hypothesis-jsonschema: `schema`, with the document's components beside it
    so that `#/components/...` references resolve (within `allOf`, as draft 7 ignores a `$ref`'s siblings)."""
    components = to_json_schema_components(document, oas30)
    return {"allOf": [to_json_schema(schema, oas30)], "components": components}


_COMPONENTS: dict[int, dict[str, Any]] = {}


def to_json_schema_components(document: dict[str, Any], oas30: bool) -> dict[str, Any]:
    """The document's component schemas as JSON Schema, converted once per document."""
    key = id(document)
    if key not in _COMPONENTS:
        schemas = (document.get("components") or {}).get("schemas") or {}
        _COMPONENTS.clear()  # one document at a time: never keep a previous one alive
        _COMPONENTS[key] = {"schemas": {name: to_json_schema(s, oas30) for name, s in schemas.items()}}
    return _COMPONENTS[key]


def _byte() -> st.SearchStrategy[str]:
    return st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode())


FORMATS = {"byte": _byte(), "binary": st.text(max_size=24), "password": st.text(max_size=24)}


class _OldMany:
    """hypothesis-jsonschema 0.23.1 draws objects with `while many(...).more()`, an API hypothesis 6.170
    replaced by a context manager you iterate: the old loop on top of the new one (no other use of it)."""

    _END = object()

    def __init__(self, data: Any, **sizes: Any) -> None:
        from hypothesis.internal.conjecture.utils import many

        self._many = many(data, **sizes)
        self._many.__enter__()
        self._elements = iter(self._many)

    def more(self) -> bool:
        if next(self._elements, self._END) is self._END:
            self._many.__exit__(None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


def _from_schema() -> Any:
    """hypothesis-jsonschema's `from_schema`, its object strategy working with the pinned hypothesis."""
    import hypothesis_jsonschema._from_schema as module  # imported late: it costs 0.3 s

    module.cu = SimpleNamespace(many=_OldMany)  # type: ignore[attr-defined]
    return module.from_schema


def draw(schema: dict[str, Any], examples: int, seed_value: int) -> list[Any]:
    """Up to `examples` distinct instances of `schema` (seeded, no shrinking, no database); raises when
    hypothesis-jsonschema cannot handle the schema (recursive references, unsatisfiable, ...)."""
    from_schema = _from_schema()
    found: dict[str, Any] = {}

    @seed(seed_value)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(from_schema(schema, custom_formats=FORMATS))
    def collect(instance: Any) -> None:
        found.setdefault(_key(instance), instance)

    with warnings.catch_warnings():  # its RefResolver is deprecated by jsonschema; not our concern here
        warnings.simplefilter("ignore")
        collect()
    return list(found.values())


def _key(instance: Any) -> str:
    import json

    return json.dumps(instance, sort_keys=True)


def validator(document: dict[str, Any], pointer: str, oas30: bool, reading: bool) -> Callable[[Any], bool]:
    """The spec's own judgement of an instance: openapi-schema-validator with formats checked, the schema at
    `pointer` resolved against the whole document (a response is read, a request body written: `readOnly`
    and `writeOnly` count in 3.0)."""
    root = {**document, "$ref": pointer}  # draft 4 (3.0) ignores a $ref's siblings; 2020-12 (3.1) has no such keys
    if oas30:
        cls = OAS30ReadValidator if reading else OAS30WriteValidator
        checker = oas30_format_checker
    else:
        cls, checker = OAS31Validator, oas31_format_checker
    check = cls(root, format_checker=checker)

    def accepts(instance: Any) -> bool:
        try:
            return bool(check.is_valid(instance))
        except Exception:  # a validator crash (bad regex, broken $ref) is no acceptance
            return False

    return accepts


def _instant(value: str) -> datetime | None:
    if len(value) < 19 or value[4:5] != "-" or value[10:11] not in "Tt ":
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def difference(dumped: Any, original: Any, path: str = "$") -> tuple[str, str] | None:
    """(kind, JSON path) of the first way `dumped` differs from `original`, or None: numbers by value
    (1 == 1.0, not True), date-times by instant, key order ignored."""
    if isinstance(original, dict):
        if not isinstance(dumped, dict):
            return "object became " + type(dumped).__name__, path
        if missing := [k for k in original if k not in dumped]:
            return "key dropped", f"{path}.{missing[0]}"
        if added := [k for k in dumped if k not in original]:
            return "key added", f"{path}.{added[0]}"
        return next((d for k in original if (d := difference(dumped[k], original[k], f"{path}.{k}"))), None)
    if isinstance(original, list):
        if not isinstance(dumped, list):
            return "array became " + type(dumped).__name__, path
        if len(dumped) != len(original):
            return "array length changed", path
        pairs = enumerate(zip(dumped, original, strict=True))
        return next((d for i, (a, b) in pairs if (d := difference(a, b, f"{path}[{i}]"))), None)
    return _scalar_difference(dumped, original, path)


def _scalar_difference(dumped: Any, original: Any, path: str) -> tuple[str, str] | None:
    number = (int, float)
    if isinstance(original, bool) or isinstance(dumped, bool):
        return None if dumped is original else (f"{json_kind(original)} became {json_kind(dumped)}", path)
    if isinstance(original, number) and isinstance(dumped, number):
        return None if dumped == original else ("number changed", path)
    if isinstance(original, str) and isinstance(dumped, str):
        if dumped == original:
            return None
        instants = _instant(original), _instant(dumped)
        if instants[0] is not None and instants[1] is not None:
            return None if instants[0] == instants[1] else ("date-time changed", path)
        return "string changed", path
    if type(original) is not type(dumped):
        return f"{json_kind(original)} became {json_kind(dumped)}", path
    return None if dumped == original else ("value changed", path)


def json_kind(value: Any) -> str:
    """The JSON type of a value (an `object`/`array` for dicts and lists)."""
    names = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null", dict: "object"}
    names[list] = "array"
    return names.get(type(value), type(value).__name__)
