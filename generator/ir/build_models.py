"""Stage 3a, schemas to IR: decide every Python type.

`SchemaBuilder.type_of` is the one place where a JSON Schema becomes a Python
type: objects become models, string and integer enums become open enums,
`oneOf`/`anyOf` with a discriminator become tagged unions with a fallback
variant, `allOf` is flattened into one model, and primitives stay inline.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.ir.names import ClassName, ConstantName, Identifier, dedupe
from generator.ir.schema_names import component_names, unique_titles
from generator.ir.values import values_type
from generator.load.document import Document, join_pointer, ref_pointer, split_pointer

_SCHEMAS = "/components/schemas"

# Names a model field may not take: BaseModel's own attributes, and the names
# the models module imports for its annotations.
RESERVED_FIELDS = frozenset(n for n in dir(BaseModel) if not n.startswith("_")) | {
    "datetime",
    "date",
    "Any",
    "Literal",
    "Field",
    "Annotated",
    "Tag",
    "Discriminator",
    "TypeAlias",
}

_FORMATS: dict[str, ir.PrimitiveName] = {"date-time": "datetime", "date": "date", "binary": "FileInput"}
_TYPES: dict[str, ir.PrimitiveName] = {"integer": "int", "number": "float", "boolean": "bool"}


class SchemaBuilder:
    """Turns the schemas of one document into IR definitions, in spec order."""

    def __init__(self, doc: Document) -> None:
        """Reserve a class name for every component schema that becomes a class."""
        self.doc = doc
        self._definitions: dict[str, ir.Definition | None] = {}
        self._names: dict[str, ClassName] = {}
        # Non-class schemas being resolved, with the number of classes begun when each was entered: reaching
        # one again is an endless type only if no class began in between (`list[Section]` inside `Section` is fine).
        self._resolving: dict[str, int] = {}
        self._classes_begun = 0
        self.last_pointer = ""  # the schema being typed: where an internal error happened
        self.warnings: list[Diagnostic] = []  # what was built differently from what the spec says, and why
        components = doc.data.get("components", {}).get("schemas", {}) or {}
        pointers = [join_pointer("components", "schemas", key) for key in components]
        self._components = pointers
        targets = {p: self._deref(doc.resolve(p), p) for p in pointers}
        # A component that only refers to another component (`A: {$ref: B}`) is B itself, not a class of its own.
        classy = [
            p for p in pointers if _is_class(targets[p][0]) and (targets[p][1] == p or targets[p][1] not in targets)
        ]
        self._pointers: dict[str, str] = {}  # class name -> pointer, the inverse of _names
        for pointer, name in component_names(classy).items():
            self._register(pointer, name)
        self._unique_titles = unique_titles(doc.data, set(self._pointers))

    def build_components(self) -> None:
        """Build every component schema: unused ones are generated too, and every one is checked."""
        for pointer in self._components:
            self.type_of(self.doc.resolve(pointer), pointer, ClassName(split_pointer(pointer)[-1]))

    def definitions(self) -> tuple[ir.Definition, ...]:
        """All definitions built so far, parents before the inline types they hold."""
        return tuple(d for d in self._definitions.values() if d is not None)

    # --- the type decision -------------------------------------------------

    def type_of(self, schema: Any, pointer: str, hint: str = "") -> ir.TypeExpr:
        """The Python type of `schema` found at `pointer`; `hint` names inline classes."""
        self.last_pointer = pointer
        if not isinstance(schema, dict):
            return ir.Primitive("Any")
        if "$ref" in schema:
            target = self._ref(schema, pointer)
            # OpenAPI 3.0 writes a nullable reference as `$ref` with a `nullable: true` sibling.
            return (
                ir.Nullable(target)
                if schema.get("nullable") is True and not isinstance(target, ir.Nullable)
                else target
            )
        if isinstance(schema.get("title"), str) and ClassName(schema["title"]) in self._unique_titles:
            hint = ClassName(schema["title"])  # an inline schema's own title, when no other schema has it
        if _is_nullable(schema):
            inner = self.type_of(_without_null(schema), pointer, hint)
            return inner if isinstance(inner, ir.Nullable) else ir.Nullable(inner)
        if "const" in schema:
            return values_type([schema["const"]], open_=False)
        if "enum" in schema:
            return self._enum(schema, pointer, hint)
        if "oneOf" in schema or "anyOf" in schema:
            return self._union(schema, pointer, hint)
        if "allOf" in schema:
            members = schema["allOf"]
            own = {k for k in schema if k not in {"allOf", "description", "title", "examples", "example"}}
            if len(members) == 1 and not own:
                return self.type_of(members[0], f"{pointer}/allOf/0", hint)
            return self._model(schema, pointer, hint)
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            if schema.get("properties"):
                return self._model(schema, pointer, hint)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return ir.DictOf(self.type_of(extra, f"{pointer}/additionalProperties", hint + "Value"))
            return ir.DictOf(ir.Primitive("Any"))
        if kind == "array":
            item = self.type_of(schema.get("items", {}), f"{pointer}/items", hint + "Item")
            return ir.ListOf(item)
        media = schema.get("contentMediaType")
        if kind in ("string", None) and isinstance(media, str) and "contentEncoding" not in schema:
            return ir.Primitive("FileInput")  # OpenAPI 3.1's file content: `{type: string, contentMediaType: text/csv}`
        if kind == "string":
            return ir.Primitive(_FORMATS.get(schema.get("format", ""), "str"))
        return ir.Primitive(_TYPES.get(kind, "Any")) if isinstance(kind, str) else ir.Primitive("Any")

    # --- references ----------------------------------------------------------

    def _deref(self, schema: Any, pointer: str) -> tuple[Any, str]:
        """Follow `$ref`s to the schema they name; return it and its pointer."""
        seen = {pointer}
        while isinstance(schema, dict) and "$ref" in schema:
            pointer = self.ref_target(schema["$ref"], pointer)
            if pointer in seen:
                raise self.doc.error(
                    pointer, "this `$ref` chain loops back to itself.", "point the `$ref` at a real schema."
                )
            seen.add(pointer)
            schema = self.doc.resolve(pointer)
        return schema, pointer

    def ref_target(self, ref: Any, at: str) -> str:
        """The pointer a local `$ref` found at `at` names; SpecError when it is not local or dangles."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise self.doc.error(
                f"{at}/$ref",
                f"`$ref` {ref!r} is not a local reference.",
                "refer to a schema in this document, such as `#/components/schemas/Name`.",
            )
        pointer = ref_pointer(ref)
        try:
            self.doc.resolve(pointer)
        except KeyError:
            raise self.doc.error(
                f"{at}/$ref",
                f"`$ref` {ref!r} points at nothing in this document.",
                "correct the reference or add the schema it names.",
            ) from None
        return pointer

    def _ref(self, schema: dict[str, Any], pointer: str) -> ir.TypeExpr:
        target = self.ref_target(schema["$ref"], pointer)
        if target in self._names:
            if target not in self._definitions:
                self.type_of(self.doc.resolve(target), target, ClassName(split_pointer(target)[-1]))
            return ir.Named(self._names[target])
        entered = self._resolving.get(target)
        if entered == self._classes_begun:
            raise self.doc.error(
                target,
                "this schema refers to itself without an object in between, so it has no Python type.",
                "give the recursion an object schema (a class) or remove it.",
            )
        self._resolving[target] = self._classes_begun
        try:
            return self.type_of(self.doc.resolve(target), target, ClassName(split_pointer(target)[-1]))
        finally:
            if entered is None:
                del self._resolving[target]
            else:
                self._resolving[target] = entered

    # --- named definitions ----------------------------------------------------

    def _owner_name(self, property_pointer: str, default: str) -> str:
        """The class name of the schema that defines a property, found from the property's own place.

        A property reached through `allOf` is named after the schema that declares it, not after each
        model that includes it, so its name does not depend on which model was built first.
        """
        pointer = property_pointer.rsplit("/properties/", 1)[0]
        while pointer and pointer not in self._names:
            pointer = pointer.rsplit("/", 1)[0]
        return self._names.get(pointer, default)

    def _register(self, pointer: str, name: ClassName) -> None:
        self._names[pointer] = name
        self._pointers[name] = pointer

    def _claim(self, pointer: str, hint: str) -> ClassName | None:
        """Name the class for `pointer`; None when it is already built or being built."""
        if pointer in self._definitions:
            return None
        if pointer not in self._names:
            # Names come from the schema's place (or unique title); a clash gets a suffix made from the
            # place too, never from a counter, so unrelated schemas never rename each other.
            base = ClassName(hint or split_pointer(pointer)[-1])
            digest = hashlib.sha256(pointer.encode()).hexdigest()[:6].upper()
            candidates = [base, ClassName(f"{base}Inline"), ClassName(f"{base}X{digest}")]
            self._register(pointer, next((c for c in candidates if c not in self._pointers), candidates[-1]))
        self._definitions[pointer] = None  # keeps spec order; filled in when built
        self._classes_begun += 1
        return self._names[pointer]

    def _enum(self, schema: dict[str, Any], pointer: str, hint: str) -> ir.TypeExpr:
        values = list(schema["enum"])
        if None in values:
            rest = [v for v in values if v is not None]
            if not rest:
                return ir.LiteralOf((None,))
            return ir.Nullable(self._enum({**schema, "enum": rest}, pointer, hint))
        base = _enum_base(values)
        if base is None:
            # Mixed or non-string values: a Literal of those Python can spell, open to the rest of their types.
            return values_type(values, open_=True)
        name = self._claim(pointer, hint)
        if name is not None:
            members = dedupe([ConstantName(v) for v in values])
            meanings = schema.get("x-enum-descriptions")
            if not (isinstance(meanings, list) and len(meanings) == len(values)):
                meanings = [""] * len(values)
            self._definitions[pointer] = ir.Enum(
                name=name,
                pointer=pointer,
                base=base,
                members=tuple(
                    ir.EnumMember(m, v, str(d or "")) for m, v, d in zip(members, values, meanings, strict=True)
                ),
                title=schema.get("title", ""),
                description=schema.get("description", ""),
            )
        return ir.Named(self._names[pointer])

    def _mapping(self, discriminator: dict[str, Any], at: str) -> dict[str, str]:
        """{tag: schema pointer} of a discriminator's mapping. Entries naming another file (left unbundled,
        as in APIs.guru's DigitalOcean spec) are dropped with a warning: their variants' tags are implied."""
        mapping, foreign = {}, []
        for value, ref in (discriminator.get("mapping") or {}).items():
            target = ref if "/" in ref else f"#{_SCHEMAS}/{ref}"
            if isinstance(ref, str) and not target.startswith("#"):
                foreign.append(ref)
                continue
            mapping[value] = self.ref_target(target, at)
        if foreign:
            self.warnings.append(
                Diagnostic(
                    Severity.WARNING,
                    self.doc.locate(at),
                    f"{len(foreign)} discriminator mapping value(s) name other files ({foreign[0]!r}, ...), which are "
                    "not part of this document; those tags are taken from the variants instead.",
                    "point the mapping at schemas in this document (`#/components/schemas/...`).",
                )
            )
        return mapping

    def _union(self, schema: dict[str, Any], pointer: str, hint: str) -> ir.TypeExpr:
        key = "oneOf" if "oneOf" in schema else "anyOf"
        discriminator = schema.get("discriminator")
        if not discriminator and pointer not in self._names:
            options = tuple(
                self.type_of(s, f"{pointer}/{key}/{i}", f"{hint}Option{i + 1}") for i, s in enumerate(schema[key])
            )
            return options[0] if len(options) == 1 else ir.UnionOf(options)
        name = self._claim(pointer, hint)
        if name is None:
            return ir.Named(self._names[pointer])
        tag_property = discriminator["propertyName"] if discriminator else None
        mapping = self._mapping(discriminator or {}, f"{pointer}/discriminator/mapping")
        variants = []
        for i, member in enumerate(schema[key]):
            member_pointer = f"{pointer}/{key}/{i}"
            variant_type = self.type_of(member, member_pointer, f"{name}Option{i + 1}")
            target = self._deref(member, member_pointer)[1]
            tags = tuple(v for v, t in mapping.items() if t == target)
            if tag_property and not tags:
                tags = _implicit_tags(self._deref(member, member_pointer)[0], tag_property, target)
            variants.append(ir.Variant(variant_type, tags))
        fallback = self._fallback(name, pointer, tag_property, variants) if tag_property else None
        self._definitions[pointer] = ir.UnionType(
            name=name,
            pointer=pointer,
            variants=tuple(variants),
            discriminator=tag_property,
            fallback=fallback,
            title=schema.get("title", ""),
            description=schema.get("description", ""),
        )
        return ir.Named(name)

    def _fallback(self, union: ClassName, pointer: str, tag: str, variants: list[ir.Variant]) -> ClassName | None:
        """Build the catch-all model for tags the spec does not list (forward compatibility).

        It has the fields every variant shares: with the variants' type where they
        agree, as raw JSON (`Any`) where they differ, and the tag as a plain string.
        """
        models = [m for v in variants if (m := self._model_of(v.type)) is not None]
        if not models or len(models) != len(variants):
            return None
        tables = [{f.wire_name: f for f in m.fields} for m in models]
        shared = []
        for field in models[0].fields:
            if not all(field.wire_name in t for t in tables):
                continue
            same = [t[field.wire_name] for t in tables]
            field_type: ir.TypeExpr = field.type if all(f.type == field.type for f in same) else ir.Primitive("Any")
            required = all(f.required for f in same)
            if field.wire_name == tag:
                field_type = ir.Primitive("str") if required else ir.Nullable(ir.Primitive("str"))
            shared.append(ir.Field(field.name, field.wire_name, field_type, required, field.description))
        fallback_pointer = f"{pointer}/x-fallback"
        name = self._claim(fallback_pointer, f"{union}Unknown")
        assert name is not None, "a union is built once, so its fallback is too"
        self._definitions[fallback_pointer] = ir.Model(
            name=name,
            pointer=fallback_pointer,
            fields=tuple(shared),
            description=f"A {union} whose `{tag}` this package does not know yet; every field is kept as sent.",
            fallback_for=union,
        )
        return name

    def models_of(self, t: ir.TypeExpr) -> list[ir.Model]:
        """The models a value of type `t` can be: the model itself, or every variant of a union."""
        pointer = self._pointer_of(t)
        found = self._definitions.get(pointer) if pointer is not None else None
        if isinstance(found, ir.Model):
            return [found]
        if isinstance(found, ir.UnionType):
            variants = [v.type for v in found.variants]
            if found.fallback:
                variants.append(ir.Named(found.fallback))
            return [m for v in variants for m in self.models_of(v)]
        return []

    def tags_of(self, t: ir.TypeExpr | None) -> dict[str, ir.TypeExpr]:
        """The discriminator values of a tagged union type, each with the variant it selects."""
        pointer = self._pointer_of(t) if t is not None else None
        found = self._definitions.get(pointer) if pointer is not None else None
        if not isinstance(found, ir.UnionType):
            return {}
        return {tag: v.type for v in found.variants for tag in v.tags}

    def _pointer_of(self, t: ir.TypeExpr) -> str | None:
        if isinstance(t, ir.Nullable):
            t = t.inner
        if not isinstance(t, ir.Named):
            return None
        return self._pointers.get(t.name)

    def _model_of(self, t: ir.TypeExpr) -> ir.Model | None:
        models = self.models_of(t)
        return models[0] if len(models) == 1 and isinstance(t, ir.Named) and models[0].name == t.name else None

    def _model(self, schema: dict[str, Any], pointer: str, hint: str) -> ir.TypeExpr:
        name = self._claim(pointer, hint)
        if name is None:
            return ir.Named(self._names[pointer])
        properties: dict[str, tuple[Any, str]] = {}
        required: set[str] = set()
        self._collect(schema, pointer, properties, required, set())
        wire_names = list(properties)
        py_names = dedupe([Identifier(w, RESERVED_FIELDS) for w in wire_names])
        fields = []
        for py_name, wire in zip(py_names, wire_names, strict=True):
            prop, prop_pointer = properties[wire]
            prop_type = self.type_of(prop, prop_pointer, f"{self._owner_name(prop_pointer, name)}{ClassName(wire)}")
            if wire not in required and not isinstance(prop_type, ir.Nullable):
                prop_type = ir.Nullable(prop_type)
            description = prop.get("description", "") if isinstance(prop, dict) else ""
            fields.append(ir.Field(py_name, wire, prop_type, wire in required, description, examples_of(prop)))
        self._definitions[pointer] = ir.Model(
            name=name,
            pointer=pointer,
            fields=tuple(fields),
            title=schema.get("title", ""),
            description=schema.get("description", ""),
        )
        return ir.Named(name)

    def _collect(
        self, schema: Any, pointer: str, properties: dict[str, tuple[Any, str]], required: set[str], seen: set[str]
    ) -> None:
        """Flatten `allOf` members and own properties into one table; a redefinition wins but keeps its place."""
        schema, pointer = self._deref(schema, pointer)
        if pointer in seen or not isinstance(schema, dict):
            return
        seen.add(pointer)
        for i, member in enumerate(schema.get("allOf", [])):
            self._collect(member, f"{pointer}/allOf/{i}", properties, required, seen)
        for wire, prop in (schema.get("properties") or {}).items():
            properties[wire] = (prop, join_pointer(*split_pointer(pointer), "properties", wire))
        required.update(schema.get("required", []))


def _is_class(schema: Any) -> bool:
    """Whether a component schema becomes a class rather than an inline type."""
    if not isinstance(schema, dict):
        return False
    if "enum" in schema:
        return _enum_base([v for v in schema["enum"] if v is not None]) is not None
    if "oneOf" in schema or "anyOf" in schema:
        return True
    if "allOf" in schema:
        return len(schema["allOf"]) > 1 or bool(schema.get("properties"))
    return bool(schema.get("properties"))


def _enum_base(values: list[Any]) -> Any:
    if values and all(isinstance(v, str) for v in values):
        return "str"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    return None


def _is_nullable(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind)


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
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


def _implicit_tags(schema: Any, tag_property: str, target: str) -> tuple[str, ...]:
    """A variant's tags when the mapping does not list it: its `const`, else its schema name."""
    for source in [schema, *schema.get("allOf", [])] if isinstance(schema, dict) else []:
        prop = (source.get("properties") or {}).get(tag_property) if isinstance(source, dict) else None
        if isinstance(prop, dict) and "const" in prop:
            return (str(prop["const"]),)
        if isinstance(prop, dict) and len(prop.get("enum", [])) == 1:
            return (str(prop["enum"][0]),)
    return (split_pointer(target)[-1],) if target.startswith(_SCHEMAS) else ()


def examples_of(schema: Any) -> tuple[Any, ...]:
    if not isinstance(schema, dict):
        return ()
    if isinstance(schema.get("examples"), list):
        return tuple(schema["examples"])
    return (schema["example"],) if "example" in schema else ()
