"""What a schema is, read from its keywords alone: nullability, enum bases, keyword-only members, examples.

Pure functions of schema data (no `$ref` is followed here): `ir/build_models` and `build_unions` decide types from
them, `extensions` checks what the `x-` extensions name.
"""

from __future__ import annotations

from typing import Any

from generator.load.document import ref_pointer, split_pointer

SCHEMAS = "/components/schemas"

# Keywords that give a schema a type of its own; a schema with none of them (`{nullable: false}`,
# `{maxLength: 256, description: ...}`) only constrains or documents the type beside it.
TYPING_KEYS = frozenset(
    {"$ref", "type", "enum", "const", "oneOf", "anyOf", "allOf", "properties", "items", "prefixItems",
     "additionalProperties", "patternProperties", "contentMediaType"}
)  # fmt: skip


def keyword_only(schema: Any) -> bool:
    """Whether a schema only adds keywords (`nullable`, `maxLength`, `description`...) to the type beside it."""
    return isinstance(schema, dict) and not TYPING_KEYS & schema.keys()


def not_an_object(schema: dict[str, Any]) -> bool:
    """Whether an explicit `type` rules objects out: `properties` beside `type: array` constrain nothing."""
    kind = schema.get("type")
    return (isinstance(kind, str) and kind != "object") or (isinstance(kind, list) and "object" not in kind)


def is_nullable(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind)


def is_null_only(schema: Any) -> bool:
    """Whether a schema admits JSON `null` and nothing else (`{type: 'null'}`, `{enum: [null]}`, `{const: null}`)."""
    if not isinstance(schema, dict):
        return False
    return (
        schema.get("type") == "null"
        or ("enum" in schema and schema["enum"] == [None])
        or ("const" in schema and schema["const"] is None)
    )


def without_null(schema: dict[str, Any]) -> dict[str, Any]:
    rest = {k: v for k, v in schema.items() if k != "nullable"}
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        if len(kinds) == 1:
            rest["type"] = kinds[0]
        elif kinds:
            rest.pop("type")
            rest["anyOf"] = [{**rest, "type": k} for k in kinds]
        else:
            rest.pop("type")
    return rest


def enum_base(values: list[Any]) -> Any:
    if values and all(isinstance(v, str) for v in values):
        return "str"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    return None


def implicit_tags(schema: Any, tag_property: str, target: str) -> tuple[str, ...]:
    """A variant's tags when the mapping does not list it: its `const`, else its schema name."""
    for source in [schema, *schema.get("allOf", [])] if isinstance(schema, dict) else []:
        prop = source.get("properties", {}).get(tag_property) if isinstance(source, dict) else None
        if isinstance(prop, dict) and "const" in prop:
            return (str(prop["const"]),)
        if isinstance(prop, dict) and len(prop.get("enum", [])) == 1:
            return (str(prop["enum"][0]),)
    return (split_pointer(target)[-1],) if target.startswith(SCHEMAS) else ()


def mapping_target(ref: str) -> str | None:
    """The pointer a discriminator's mapping value names (a bare name: that component schema); None when it
    names another file."""
    target = ref if "/" in ref else f"#{SCHEMAS}/{ref}"
    return ref_pointer(target) if target.startswith("#") else None


def examples_of(schema: Any) -> tuple[Any, ...]:
    if not isinstance(schema, dict):
        return ()
    if isinstance(schema.get("examples"), list):
        return tuple(schema["examples"])
    return (schema["example"],) if "example" in schema else ()


def admits_null(schema: Any) -> bool:
    """Whether a class's schema also admits `null` (`nullable`, a `null` type, enum value or union member, or an
    `allOf` member adding `nullable: true`): its uses are then `X | None`."""
    if not isinstance(schema, dict):
        return False
    members = [m for key in ("oneOf", "anyOf") for m in schema.get(key, [])]
    return (
        is_nullable(schema)
        or None in schema.get("enum", [])
        or any(is_null_only(m) for m in members)
        or any(keyword_only(m) and m.get("nullable") is True for m in schema.get("allOf", []))
    )


def one_way(schema: Any, keywords: tuple[str, ...] = ("readOnly", "writeOnly")) -> bool:
    """Whether a property is `readOnly` or `writeOnly` (one of `keywords`), by itself or by an `allOf` member
    adding it."""
    if not isinstance(schema, dict):
        return False
    if any(schema.get(k) is True for k in keywords):
        return True
    members = schema.get("allOf") or ()
    return any(keyword_only(m) and any(m.get(k) is True for k in keywords) for m in members)
