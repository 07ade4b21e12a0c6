"""Stage 2b, examples: check the spec's own examples against its schemas, and yield where they disagree.

A vendor's examples show what its server really sends. Where an example
contradicts its schema (a "required" property it omits, a value of another
type), a generated model that follows the schema would reject real payloads, so
the generator relaxes exactly that spot: the property becomes optional, or the
type also admits what the example holds. Each relaxation is reported as a
warning; nothing is relaxed where the examples agree with the schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jsonschema import FormatChecker, validators
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator, OAS31Validator

from generator.errors import Diagnostic, Severity
from generator.load.document import Document, escape, join_pointer, ref_pointer
from generator.validate.view import item_operations

_ROUNDS = 20  # each round relaxes what one validation found; an example needs few
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
_FORMATS = FormatChecker(["date-time", "date"])  # the formats the generated models parse strictly


def _unchecked(validator: Any, value: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """`pattern` checks nothing here: no relaxation depends on it and the generated models do not enforce it,
    while a spec's regex may be ECMA-262 that `re` cannot read (`\\p{L}`), or backtrack for minutes on the
    spec's own example (beezup.com's spec did)."""
    return iter(())


_VALIDATORS = {
    version: validators.extend(base, {"pattern": _unchecked})
    for version, base in (("3.0", OAS30Validator), ("3.1", OAS31Validator))
}


@dataclass
class Relaxations:
    """What the generator relaxed because an example contradicted its schema."""

    optional: set[tuple[str, str]] = field(default_factory=set)  # (schema pointer, property) made optional
    widened: dict[str, set[str]] = field(default_factory=dict)  # schema pointer -> JSON types it also admits
    warnings: list[Diagnostic] = field(default_factory=list)


def _json_type(value: Any) -> str:
    return "null" if value is None else _JSON_TYPES.get(type(value), "object")


def _examples(doc: Document) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(example pointer, schema, value) for every media-type and component-schema example."""
    for path, item in (doc.data.get("paths") or {}).items():
        for _, operation, at in item_operations(item, join_pointer("paths", path)):
            if not isinstance(operation, dict):
                continue
            holders = [(f"{at}/requestBody", operation.get("requestBody"))]
            holders += [
                (at + join_pointer("responses", status), response)
                for status, response in (operation.get("responses") or {}).items()
            ]
            for pointer, holder in holders:
                if not isinstance(holder, dict):
                    continue
                for media, content in (holder.get("content") or {}).items():
                    if not isinstance(content, dict) or not isinstance(content.get("schema"), dict):
                        continue
                    base = pointer + join_pointer("content", media)
                    if "example" in content:
                        yield f"{base}/example", content["schema"], content["example"]
                    for name, example in (content.get("examples") or {}).items():
                        # `dataValue`: OpenAPI 3.2's name for the value as data (beside `serializedValue`)
                        for key in ("value", "dataValue") if isinstance(example, dict) else ():
                            if key in example:
                                yield base + join_pointer("examples", name, key), content["schema"], example[key]
    for name, schema in ((doc.data.get("components") or {}).get("schemas") or {}).items():
        yield from _schema_examples(schema, join_pointer("components", "schemas", name))


def _schema_examples(schema: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """A schema's own `example` (3.0) and `examples` (3.1), and those of the schemas nested in it."""
    if not isinstance(schema, dict):
        return
    if "example" in schema:
        yield f"{pointer}/example", schema, schema["example"]
    if isinstance(schema.get("examples"), list):
        for i, example in enumerate(schema["examples"]):
            yield f"{pointer}/examples/{i}", schema, example
    for key in ("items", "additionalProperties", "not"):
        yield from _schema_examples(schema.get(key), f"{pointer}/{key}")
    for key in ("properties", "patternProperties"):
        for name, sub in (schema.get(key) or {}).items() if isinstance(schema.get(key), dict) else ():
            yield from _schema_examples(sub, pointer + join_pointer(key, name))
    for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
        for i, sub in enumerate(schema.get(key) or []) if isinstance(schema.get(key), list) else ():
            yield from _schema_examples(sub, f"{pointer}/{key}/{i}")


def _leaf_errors(error: ValidationError) -> list[ValidationError]:
    """The errors to act on: for a failed `oneOf`/`anyOf`, those of the variant that came closest."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        by_variant: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            by_variant.setdefault(sub.relative_schema_path[0], []).append(sub)
        closest = min(by_variant.values(), key=len)
        return [leaf for sub in closest for leaf in _leaf_errors(sub)]
    return [error]


def _errors(root: Any, schema: Any, value: Any) -> list[ValidationError]:
    """What the validator finds wrong with one example; nothing when it cannot read the schema.

    The schema has passed the OpenAPI structural check, which ignores a `$ref`'s siblings in 3.0; the
    JSON Schema validator reads them, and crashes on a malformed one (`allOf: {"3": ...}` beside a `$ref`,
    in dnd5eapi.co's spec). An example it cannot judge is left as it is.
    """
    try:
        return list(root.evolve(schema=schema).iter_errors(value))
    except Exception:  # a third-party validator on untrusted input: its crash only means "cannot judge"
        return []


def conformance(doc: Document) -> Callable[[Any, Any], bool]:
    """`conforms(schema, value)`: whether a value is valid against a schema of `doc` (a `default`, say);
    a value the validator cannot judge passes."""
    version = str(doc.data.get("openapi", ""))
    root = _VALIDATORS["3.0" if version.startswith("3.0") else "3.1"](doc.data, format_checker=_FORMATS)
    return lambda schema, value: not _errors(root, schema, value)


def reconcile(doc: Document) -> tuple[Document, Relaxations]:
    """Validate every example; return the document with its schemas relaxed where an example contradicts them.

    The document is copied before anything changes; one whose examples all agree is returned as it is.
    """
    relax = Relaxations()
    version = str(doc.data.get("openapi", ""))
    validator_class = _VALIDATORS["3.0" if version.startswith("3.0") else "3.1"]  # 3.2's schemas are 3.1's
    root = validator_class(doc.data, format_checker=_FORMATS)
    if all(not _errors(root, schema, value) for _, schema, value in _examples(doc)):
        return doc, relax
    pointers: dict[int, str] = {}
    doc = Document(doc.name, doc.text, _copy(doc.data, "", pointers))
    root = validator_class(doc.data, format_checker=_FORMATS)
    relaxed_examples = 0
    for example_pointer, schema, value in list(_examples(doc)):  # listed first: relaxing rewrites schemas
        rounds = 0
        while rounds < _ROUNDS:
            errors = [leaf for e in _errors(root, schema, value) for leaf in _leaf_errors(e)]
            plans = [p for p in (_plan(pointers, doc, schema, error) for error in errors) if p is not None]
            # Plan on the unchanged schemas first: applying one plan moves what the next one points at.
            if not any([_apply(relax, pointers, plan, version.startswith("3.0")) for plan in plans]):
                break
            rounds += 1
        if rounds:
            relaxed_examples += 1
            if len(relax.warnings) < 3:
                relax.warnings.append(
                    Diagnostic(
                        Severity.WARNING,
                        doc.locate(example_pointer),
                        "this example contradicts its schema, so the generated types were relaxed to admit it.",
                        "make the example and the schema agree.",
                    )
                )
    if relaxed_examples:
        relax.warnings.append(
            Diagnostic(
                Severity.WARNING,
                doc.locate(""),
                f"{relaxed_examples} example(s) contradict their schemas: {len(relax.optional)} required "
                f"propert(ies) generated as optional, {len(relax.widened)} type(s) widened.",
                "make the examples and the schemas agree.",
            )
        )
    return doc, relax


def _plan(
    pointers: dict[int, str], doc: Document, root: dict[str, Any], error: ValidationError
) -> tuple[str, dict[str, Any], str, str] | None:
    """The relaxation that makes `error` go away: (kind, schema to change, its pointer, detail), or None."""
    pointer = pointers.get(id(error.schema))
    if pointer is None:
        return None
    if error.validator == "required" and "'" in error.message:
        return "optional", error.schema, pointer, error.message.split("'")[1]
    if error.validator in ("type", "format", "const", "nullable") or (
        error.validator == "enum" and not all(isinstance(v, str) for v in error.schema.get("enum", []))
    ):
        site = _use_site(doc, root, list(error.absolute_schema_path)) or error.schema
        return "widen", site, pointers.get(id(site), pointer), _json_type(error.instance)
    return None


def _apply(
    relax: Relaxations, pointers: dict[int, str], plan: tuple[str, dict[str, Any], str, str], openapi_30: bool
) -> bool:
    """Change the schema as planned; False when it was already done."""
    kind, schema, pointer, detail = plan
    if kind == "optional":
        if (pointer, detail) in relax.optional:
            return False
        relax.optional.add((pointer, detail))
        schema["required"] = [r for r in schema.get("required", []) if r != detail]
        return True
    admitted = relax.widened.setdefault(pointer, set())
    if detail in admitted:
        return False
    admitted.add(detail)
    if detail == "null" and openapi_30:
        schema["nullable"] = True  # OpenAPI 3.0 has no `null` type
    else:
        _admit(schema, detail)
        pointers[id(schema["anyOf"][0])] = f"{pointer}/anyOf/0"  # the original schema, moved
    return True


def _use_site(doc: Document, root: dict[str, Any], path: list[Any]) -> dict[str, Any] | None:
    """Where to widen: the property, item or body schema the failing value sits in, as written there.

    Widening there (`Customer | str` for one property) leaves a shared or composed
    schema such as `Customer` itself intact.
    """
    node: Any = root
    site: Any = root
    previous: Any = None
    try:
        for step in path[:-1]:
            while isinstance(node, dict) and "$ref" in node and step not in node:
                node = doc.resolve(ref_pointer(str(node["$ref"])))  # the validator's paths pass through $refs silently
            node = node[step]
            if previous == "properties" or step in ("items", "additionalProperties"):
                site = node
            previous = step if previous != "properties" else None
    except (KeyError, IndexError, TypeError):
        return None
    return site if isinstance(site, dict) else None


def _admit(schema: dict[str, Any], observed: str) -> None:
    """Let a schema also accept values of JSON type `observed`, in place, keeping its documentation."""
    kept: dict[str, Any] = {k: schema[k] for k in ("description", "title", "example", "examples") if k in schema}
    alternatives = [dict(schema), {"type": observed}]
    schema.clear()
    schema.update({"anyOf": alternatives, **kept})


def _copy(node: Any, pointer: str, pointers: dict[int, str]) -> Any:
    """A deep copy of JSON data that records the pointer of every mapping in it, in one walk."""
    if isinstance(node, dict):
        copied = {k: _copy(v, f"{pointer}/{escape(str(k))}", pointers) for k, v in node.items()}
        pointers[id(copied)] = pointer
        return copied
    if isinstance(node, list):
        return [_copy(v, f"{pointer}/{i}", pointers) for i, v in enumerate(node)]
    return node  # scalars (YAML dates included) are immutable
