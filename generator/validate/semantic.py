"""The semantic checks the OpenAPI schema cannot express, in one walk that reaches each schema once.

These are openapi-spec-validator's (0.8) checks, done again on the plain document: the library reaches
every schema through jsonschema-path, whose reference resolution took 14 of Microsoft Graph's 16 s of
validation, and it reports its findings without saying where they are. Here every finding carries the
JSON pointer it is about. The walk visits what the library visits, in its order, with its dedupe by
identity, so it finds what the library finds (`bench/semantic_parity.py` compares the two over the corpus):

- tags: a name declared twice;
- every path item and operation: a parameter declared twice in one list, a path parameter the template
  and the parameters do not agree on, an `in: querystring` parameter (OpenAPI 3.2) beside another or
  beside `in: query` ones;
- the schemas of parameters, responses and `components/schemas`, with everything inline or referenced
  below them: a `default` its schema rejects, a `required` name that neither a schema nor its `allOf`
  parts define, and (OpenAPI 3.1 and 3.2, where the structural pass cannot see inside schemas) the schema
  against its JSON Schema dialect.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.validators import validator_for
from openapi_schema_validator import (
    OAS31_BASE_DIALECT_ID,
    OAS32_BASE_DIALECT_ID,
    oas30_format_checker,
    oas31_format_checker,
)
from openapi_schema_validator.validators import OAS30Validator, OAS31Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from generator.load.document import Document, join_pointer, ref_pointer
from generator.validate.view import item_operations

Kind = Literal[
    "meta",
    "not_a_schema",
    "path_template",
    "default",
    "required",
    "duplicate_tag",
    "duplicate_parameter",
    "path_parameter",
    "querystring",
    "empty_enum",
]


@dataclass(frozen=True)
class Finding:
    """One semantic problem: what kind, where (a JSON pointer), and what; `error` when jsonschema found it,
    its path relative to `pointer`."""

    kind: Kind
    pointer: str
    message: str
    error: ValidationError | None = None


def semantic_findings(doc: Document) -> list[Finding]:
    """Every semantic finding in a structurally valid OpenAPI 3.0/3.1/3.2 document whose references resolve."""
    walk = _Walk(doc)
    walk.tags()
    walk.paths()
    schemas = (doc.data.get("components") or {}).get("schemas") or {}
    for name, schema in schemas.items():
        walk.schema(schema, join_pointer("components", "schemas", name))
    return walk.found


class _Walk:
    def __init__(self, doc: Document) -> None:
        self.doc, self.data = doc, doc.data
        self.found: list[Finding] = []
        version = str(doc.data.get("openapi", ""))
        self.v31 = not version.startswith("3.0.")  # 3.2's schemas are 3.1's: JSON Schema 2020-12
        self.dialect = OAS32_BASE_DIALECT_ID if version.startswith("3.2.") else OAS31_BASE_DIALECT_ID
        self._visited: set[int] = set()
        self._meta_checked: set[int] = set()
        self._resolver: Any = None  # built when a first `default` needs it
        self._ends: dict[str, tuple[Any, str]] = {}  # `$ref` -> the node its chain ends at, and its pointer

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow `$ref`s (as jsonschema-path does, ignoring their siblings) to the node they name.

        Where a chain ends (not in a loop) is kept for every `$ref` on it, so a chain is followed once, not
        once from each of its links."""
        seen: dict[str, None] = {}
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
            ref = node["$ref"]
            if ref in self._ends:
                node, pointer = self._ends[ref]
                break
            seen[ref] = None
            pointer = ref_pointer(ref)
            node = self.doc.resolve(pointer)  # every reference resolves: `rules` checked them first
        if not (isinstance(node, dict) and "$ref" in node):
            self._ends.update(dict.fromkeys(seen, (node, pointer)))
        return node, pointer

    def tags(self) -> None:
        first: dict[str, int] = {}
        for index, tag in enumerate(self.data.get("tags") or []):
            name = tag.get("name")
            if name in first:
                message = f"tag {name!r} is declared again (first at #/tags/{first[name]})"
                self.found.append(Finding("duplicate_tag", f"/tags/{index}/name", message))
            first.setdefault(name, index)

    def paths(self) -> None:
        for url, item in (self.data.get("paths") or {}).items():
            if str(url).startswith("x-"):
                continue  # an extension in the Paths Object
            item_pointer = join_pointer("paths", url)
            item, item_pointer = self.resolve(item, item_pointer)
            shared = self.parameters(item.get("parameters"), f"{item_pointer}/parameters")
            for method, operation, pointer in item_operations(item, join_pointer("paths", url)):
                self.operation(url, method, operation, pointer, shared)

    def operation(
        self, url: str, method: str, operation: Any, pointer: str, shared: list[tuple[str, str, str]]
    ) -> None:
        for status, response in (operation.get("responses") or {}).items():
            response, response_pointer = self.resolve(response, pointer + join_pointer("responses", status))
            for media, holder in (response.get("content") or {}).items():
                holder, holder_pointer = self.resolve(holder, response_pointer + join_pointer("content", media))
                for keyword in ("schema", "itemSchema"):  # itemSchema: OpenAPI 3.2, each item of a sequence
                    if keyword in holder:
                        self.schema(holder[keyword], f"{holder_pointer}/{keyword}")
        own = self.parameters(operation.get("parameters"), f"{pointer}/parameters")
        self._querystring({(n, i): w for n, i, w in [*shared, *own]})  # the operation's replace the path item's
        declared = [(name, where) for name, location, where in own + shared if location == "path"]
        names = {name for name, _ in declared}
        try:
            in_url = set(filter(None, (field for _, field, _, _ in string.Formatter().parse(url))))
        except ValueError as exc:  # an unmatched brace
            self.found.append(Finding("path_template", join_pointer("paths", url), f"the path template {url!r}: {exc}"))
            return
        for name in sorted(in_url - names):
            message = f"{{{name}}} in {url!r} is declared by no parameter of `{method}` (`in: path`)"
            self.found.append(Finding("path_parameter", pointer, message))
        for name in sorted(names - in_url):
            where = next(p for n, p in declared if n == name)
            message = f"path parameter {name!r} of `{method}` does not appear in {url!r}"
            self.found.append(Finding("path_parameter", where, message))

    def _querystring(self, parameters: dict[tuple[str, str], str]) -> None:
        """The whole query is one parameter: no second `in: querystring` one, and no `in: query` ones."""
        whole = [where for (_, location), where in parameters.items() if location == "querystring"]
        beside = whole[1:] + [where for (_, location), where in parameters.items() if location == "query"]
        if whole and beside:
            message = f"the operation's query string is the `in: querystring` parameter at #{whole[0]}: no other "
            self.found.append(Finding("querystring", beside[0], message + "query parameter can be sent beside it"))

    def parameters(self, parameters: Any, pointer: str) -> list[tuple[str, str, str]]:
        """Check one `parameters` list; return each parameter's name, location and pointer."""
        first: dict[tuple[str, str], str] = {}
        found = []
        for index, parameter in enumerate(parameters or []):
            parameter, where = self.resolve(parameter, f"{pointer}/{index}")
            if "schema" in parameter:
                self.schema(parameter["schema"], f"{where}/schema")
            key = (parameter["name"], parameter["in"])
            if key in first:
                message = f"parameter {key[0]!r} in {key[1]} is declared again in this list (first at #{first[key]})"
                self.found.append(Finding("duplicate_parameter", where, message))
            first.setdefault(key, where)
            found.append((parameter["name"], parameter["in"], where))
        return found

    def schema(self, node: Any, pointer: str) -> None:
        """Check a schema reached from outside any schema, and once each the schemas below it.

        Depth first, in the library's order, with a stack rather than recursion: a chain of references
        can be deeper than Python's recursion limit.
        """
        stack: list[tuple[Any, str, bool]] = [(node, pointer, True)]
        while stack:
            node, pointer, top = stack.pop()
            schema, pointer = self.resolve(node, pointer)
            if not isinstance(schema, (Mapping, bool)):
                self.found.append(Finding("not_a_schema", pointer, f"{schema!r} is not of type 'object', 'boolean'"))
                continue
            if top and self.v31 and id(schema) not in self._meta_checked:
                self._meta_checked.add(id(schema))
                if (finding := self._meta(schema, pointer)) is not None:
                    self.found.append(finding)
                    continue
            if isinstance(schema, bool) or id(schema) in self._visited:
                continue
            self._visited.add(id(schema))
            if top and "allOf" in schema:
                self._required(schema, pointer)
            if schema.get("enum") == []:  # 3.1 allows it (3.0 does not), though no value can then match
                self.found.append(Finding("empty_enum", f"{pointer}/enum", "`enum` lists no value: nothing matches"))
            if "default" in schema and (schema["default"] is not None or schema.get("nullable") is not True):
                self._default(schema, pointer)
            below = [
                (part, f"{pointer}/{keyword}/{i}")
                for keyword in ("allOf", "anyOf", "oneOf")
                for i, part in enumerate(schema.get(keyword, ()))
            ]
            below += [(schema[keyword], f"{pointer}/{keyword}") for keyword in ("not", "items") if keyword in schema]
            if isinstance(schema.get("additionalProperties"), Mapping):  # `true`/`false` hold no schema to check
                below.append((schema["additionalProperties"], f"{pointer}/additionalProperties"))
            below += [
                (part, pointer + join_pointer("properties", name))
                for name, part in (schema.get("properties") or {}).items()
            ]
            stack.extend((part, where, False) for part, where in reversed(below))

    def _required(self, schema: Mapping[str, Any], pointer: str) -> None:
        """`required` names that neither the schema nor its `allOf` parts (and what they compose) define."""
        defined = set(schema.get("properties") or ())
        stack, seen = list(schema["allOf"]), set()
        while stack:
            part, _ = self.resolve(stack.pop(), pointer)
            if isinstance(part, dict) and id(part) not in seen:
                seen.add(id(part))
                defined.update(part.get("properties") or ())
                stack += [*part.get("allOf", ()), *part.get("anyOf", ()), *part.get("oneOf", ())]
                stack += [part[keyword] for keyword in ("items", "not") if keyword in part]
        if undefined := set(schema.get("required") or ()) - defined:
            message = f"`required` names {sorted(undefined)}, which neither this schema nor its allOf parts define"
            self.found.append(Finding("required", f"{pointer}/required", message))

    def _default(self, schema: Mapping[str, Any], pointer: str) -> None:
        cls, checker = (OAS31Validator, oas31_format_checker) if self.v31 else (OAS30Validator, oas30_format_checker)
        if self._resolver is None:
            self._resolver = Registry().with_resource("", DRAFT202012.create_resource(self.data)).resolver("")
        for error in cls(schema, _resolver=self._resolver, format_checker=checker).iter_errors(schema["default"]):
            self.found.append(Finding("default", f"{pointer}/default", error.message, error))

    def _meta(self, schema: Mapping[str, Any] | bool, pointer: str) -> Finding | None:
        """The schema against its JSON Schema dialect (`$schema`, else the document's `jsonSchemaDialect`)."""
        dialect = schema.get("$schema") if isinstance(schema, Mapping) and "$schema" in schema else None
        if dialect is None:
            dialect = self.data.get("jsonSchemaDialect", self.dialect)
        if dialect == self.dialect:
            return None  # the OpenAPI schema checked it already (`rules.py`)
        check = _schema_checker(dialect) if isinstance(dialect, str) else None
        if check is None:
            return Finding("meta", pointer, f"Unknown JSON Schema dialect: {dialect!r}")
        try:
            check(schema)
        except (SchemaError, ValidationError) as error:
            return Finding("meta", pointer, error.message, error)
        return None


@functools.cache
def _schema_checker(dialect: str) -> Callable[[Any], None] | None:
    validator = validator_for({"$schema": dialect}, default=None)
    if validator is None:
        return None
    return partial(validator.check_schema, format_checker=oas31_format_checker)
