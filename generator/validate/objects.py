"""Stage 2, what the `x-` extensions can name: the objects a schema's values are, and their properties.

Read from the raw document (its structure and references already checked), the way `ir/build_models`
will type it: through `$ref`s, an `allOf` flattened into one object, and the variants of a named or tagged
`oneOf`/`anyOf` (an inline union of several untagged types is no object an extension can reach into).
`objectish` is the one answer to whether an `allOf` describes an object, for `ir/` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.load.document import Document, join_pointer, ref_pointer, split_pointer
from generator.validate.schema_shapes import SCHEMAS, implicit_tags, is_null_only, mapping_target, not_an_object

# Keywords that only document a schema: an `allOf` of one member with nothing else is that member.
_ANNOTATIONS = frozenset({"allOf", "description", "title", "examples", "example"})


@dataclass(frozen=True)
class Object:
    """One object a value can be: what the spec calls it, and its properties."""

    name: str
    properties: dict[str, tuple[Any, str]]  # wire name -> the property's schema and pointer


def is_json(media_type: str) -> bool:
    """Whether a media type is JSON (`application/json`, or any `+json`)."""
    essence = media_type.split(";")[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


# Sequential media types: a body of items, each handed over as it arrives (`ir.StreamFormat`).
STREAM_MEDIA_TYPES = frozenset(
    {"text/event-stream", "application/jsonl", "application/x-ndjson", "application/x-jsonlines"}
    | {"application/json-seq"}
)


def is_stream(media_type: str) -> bool:
    """Whether a media type is a sequence of items: server-sent events, JSON lines, JSON text sequences."""
    return media_type.split(";")[0].strip().lower() in STREAM_MEDIA_TYPES


class Objects:
    """The objects of one document's schemas."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def deref(self, schema: Any, pointer: str) -> tuple[Any, str]:
        """Follow `$ref`s to the schema they name (a loop names nothing: `ir/` reports it)."""
        seen = {pointer}
        while isinstance(schema, dict) and "$ref" in schema:
            pointer = ref_pointer(schema["$ref"])
            if pointer in seen:
                return None, pointer
            seen.add(pointer)
            schema = self.doc.resolve(pointer)
        return schema, pointer

    def of(self, schema: Any, pointer: str, seen: frozenset[str] = frozenset()) -> list[Object]:
        """The objects a value of `schema` can be; [] when it is no object."""
        schema, pointer = self.deref(schema, pointer)
        if not isinstance(schema, dict) or pointer in seen or "enum" in schema or "const" in schema:
            return []
        seen |= {pointer}
        for key in ("oneOf", "anyOf"):
            if key in schema:
                members = [(f"{pointer}/{key}/{i}", m) for i, m in enumerate(schema[key]) if not is_null_only(m)]
                if "discriminator" in schema or _component(pointer) or len(members) == 1:
                    return [o for at, member in members for o in self.of(member, at, seen)]
                return []
        if "allOf" in schema:
            if len(schema["allOf"]) == 1 and not schema.keys() - _ANNOTATIONS:
                return self.of(schema["allOf"][0], f"{pointer}/allOf/0", seen)
            return [self._object(schema, pointer)] if self.objectish(schema, pointer) else []
        return [self._object(schema, pointer)] if schema.get("properties") and not not_an_object(schema) else []

    def array_items(self, schema: Any, pointer: str) -> tuple[Any, str] | None:
        """The `items` schema of an array (through `$ref`s and `null` alternatives), None for no array."""
        schema, pointer = self.deref(schema, pointer)
        if not isinstance(schema, dict):
            return None
        for key in ("oneOf", "anyOf"):
            members = [(f"{pointer}/{key}/{i}", m) for i, m in enumerate(schema.get(key, ())) if not is_null_only(m)]
            if key in schema:
                return self.array_items(members[0][1], members[0][0]) if len(members) == 1 else None
        if "allOf" in schema and len(schema["allOf"]) == 1 and not schema.keys() - _ANNOTATIONS:
            return self.array_items(schema["allOf"][0], f"{pointer}/allOf/0")
        kinds = schema.get("type")
        kinds = [k for k in kinds if k != "null"] if isinstance(kinds, list) else [kinds]
        if kinds != ["array"] or "prefixItems" in schema or isinstance(schema.get("items"), list):
            return None
        return schema.get("items", {}), f"{pointer}/items"

    def tags(self, schema: Any, pointer: str) -> list[str]:
        """The discriminator values of a tagged union: its mapping's, and those its variants imply."""
        schema, pointer = self.deref(schema, pointer)
        discriminator = schema.get("discriminator") if isinstance(schema, dict) else None
        key = next((k for k in ("oneOf", "anyOf") if isinstance(schema, dict) and k in schema), None)
        if not isinstance(discriminator, dict) or key is None:
            return []
        mapping = {tag: mapping_target(ref) for tag, ref in discriminator.get("mapping", {}).items()}
        found: list[str] = []
        for i, member in enumerate(schema[key]):
            if is_null_only(member):
                continue
            target, at = self.deref(member, f"{pointer}/{key}/{i}")
            tags = [tag for tag, to in mapping.items() if to == at]
            found += tags or implicit_tags(target, discriminator["propertyName"], at)
        return found

    def objectish(self, schema: Any, pointer: str, seen: frozenset[str] = frozenset()) -> bool:
        """Whether a schema (through `$ref`s and `allOf`) describes an object: only then is an `allOf` one."""
        schema, pointer = self.deref(schema, pointer)
        if not isinstance(schema, dict) or pointer in seen:
            return False
        if schema.get("properties") or schema.get("type") == "object":
            return True
        members = enumerate(schema.get("allOf", ()))
        return any(self.objectish(m, f"{pointer}/allOf/{i}", seen | {pointer}) for i, m in members)

    def _object(self, schema: dict[str, Any], pointer: str) -> Object:
        properties: dict[str, tuple[Any, str]] = {}
        self._collect(schema, pointer, properties, set())
        name = split_pointer(pointer)[-1] if _component(pointer) else f"the object at #{pointer}"
        return Object(name, properties)

    def _collect(self, schema: Any, pointer: str, properties: dict[str, tuple[Any, str]], seen: set[str]) -> None:
        """Own properties and those of `allOf` members, each with its pointer."""
        schema, pointer = self.deref(schema, pointer)
        if pointer in seen or not isinstance(schema, dict):
            return
        seen.add(pointer)
        for i, member in enumerate(schema.get("allOf", ())):
            self._collect(member, f"{pointer}/allOf/{i}", properties, seen)
        for wire, prop in schema.get("properties", {}).items():
            properties[wire] = (prop, pointer + join_pointer("properties", wire))


def _component(pointer: str) -> bool:
    return pointer.startswith(f"{SCHEMAS}/") and len(split_pointer(pointer)) == 3
