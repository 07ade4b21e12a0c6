"""Stage 3a, schemas to IR: decide every Python type.

`SchemaBuilder.type_of` is the one place where a JSON Schema becomes a Python
type: objects become models, string and integer enums become open enums,
`oneOf`/`anyOf` with a discriminator become tagged unions with a fallback
variant (`build_unions`), `allOf` is flattened into one model (`build_objects`; it may
subclass the one model it `$ref`s: `model_bases`), and primitives stay inline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.ir.build_objects import ObjectBuilder
from generator.ir.build_unions import UnionBuilder
from generator.ir.model_bases import with_bases
from generator.ir.names import ClassName, ConstantName, apart, dedupe
from generator.ir.schema_names import component_names, unique_titles
from generator.ir.type_exprs import NULL, nullable
from generator.ir.untyped_objects import UntypedObjects
from generator.ir.values import values_type
from generator.load.document import Document, join_pointer, ref_pointer, split_pointer
from generator.validate.objects import Objects
from generator.validate.schema_shapes import (
    admits_null,
    enum_base,
    is_null_only,
    is_nullable,
    not_an_object,
    without_null,
)

_FORMATS: dict[str, ir.PrimitiveName] = {"date-time": "datetime", "date": "date", "binary": "FileInput"}
_TYPES: dict[str, ir.PrimitiveName] = {"integer": "int", "number": "float", "boolean": "bool"}
# Schemas nested in one another, inline or through `$ref`s, while a type is decided. Each level takes a
# few frames here, so a deeper spec would end in a RecursionError; real ones stay under 30. (Chains of
# models are held shorter still, to what the generated package can build: `type_depth.py`.)
MAX_NESTING = 120


class SchemaBuilder(ObjectBuilder, UnionBuilder):
    """Turns the schemas of one document into IR definitions, in spec order."""

    def __init__(
        self,
        doc: Document,
        conforms: Callable[[Any, Any], bool] = lambda schema, value: True,
        reserved: frozenset[str] = frozenset(),
        *,
        exact_objects: bool = False,
    ) -> None:
        """Reserve a class name for every component schema that becomes a class; `conforms(schema, value)`
        tells whether a `default` is valid against its schema (an invalid one is not used). No class is
        named as one of `reserved` (the client's classes, beside the types in the package's root).
        `exact_objects` types `properties` without a `type` as JSON Schema reads them: the class, or any
        non-object value."""
        self.doc = doc
        self._reserved = reserved
        self._untyped = UntypedObjects(doc, self.deref, exact_objects)  # classes that admit non-objects too
        self._objects = Objects(doc)
        self._conforms = conforms
        self._definitions: dict[str, ir.Definition | None] = {}
        self._bases: dict[str, str] = {}  # model pointer -> the pointer its `allOf`'s one `$ref` names
        self._names: dict[str, ClassName] = {}
        # Non-class schemas being resolved, with the number of classes begun when each was entered: reaching
        # one again is an endless type only if no class began in between (`list[Section]` inside `Section` is fine).
        self._resolving: dict[str, int] = {}
        self._classes_begun = 0
        self._nesting = 0  # type_of calls under way, kept under MAX_NESTING
        self.last_pointer = ""  # the schema being typed: where an internal error happened
        self.warnings: list[Diagnostic] = []  # what was built differently from what the spec says, and why
        components = doc.data.get("components", {}).get("schemas", {})
        pointers = [join_pointer("components", "schemas", key) for key in components]
        self._components = pointers
        targets = {p: self.deref(doc.resolve(p), p) for p in pointers}
        # A component that only refers to another component (`A: {$ref: B}`) is B itself, not a class of its own.
        classy = [
            p for p in pointers if self._is_class(*targets[p]) and (targets[p][1] == p or targets[p][1] not in targets)
        ]
        self._pointers: dict[str, str] = {}  # class name -> pointer, the inverse of _names
        for pointer, name in component_names(classy, reserved).items():
            self._register(pointer, name)
        self._unique_titles = unique_titles(doc.data, set(self._pointers))

    def build_components(self) -> None:
        """Build every component schema: unused ones are generated too, and every one is checked."""
        for pointer in self._components:
            self.type_of(self.doc.resolve(pointer), pointer, ClassName(split_pointer(pointer)[-1]))

    def definitions(self) -> tuple[ir.Definition, ...]:
        """All definitions built so far, parents before the inline types they hold; models subclass their
        `allOf`'s one `$ref` where they can (`model_bases.py`)."""
        built = tuple(d for d in self._definitions.values() if d is not None)
        return with_bases(built, {self._names[c]: self._names[b] for c, b in self._bases.items() if b in self._names})

    # --- the type decision -------------------------------------------------

    def type_of(self, schema: Any, pointer: str, hint: str = "") -> ir.TypeExpr:
        """The Python type of `schema` found at `pointer`; `hint` names inline classes."""
        if self._nesting >= MAX_NESTING:
            raise self.doc.error(
                pointer,
                f"schemas nest more than {MAX_NESTING} deep here, counting inline schemas and `$ref`s followed.",
                "shorten the chain: refer to the schema at its end directly, or break a long chain of models in two.",
            )
        self._nesting += 1
        try:
            return self._type_of(schema, pointer, hint)
        finally:
            self._nesting -= 1

    def _type_of(self, schema: Any, pointer: str, hint: str) -> ir.TypeExpr:
        self.last_pointer = pointer
        if not isinstance(schema, dict):
            return ir.Primitive("Any")
        if "$ref" in schema:
            target = self._ref(schema, pointer)
            # OpenAPI 3.0 writes a nullable reference as `$ref` with a `nullable: true` sibling.
            return nullable(target) if schema.get("nullable") is True else target
        if isinstance(schema.get("title"), str) and ClassName(schema["title"]) in self._unique_titles:
            hint = ClassName(schema["title"])  # an inline schema's own title, when no other schema has it
        if is_nullable(schema):
            return nullable(self.type_of(without_null(schema), pointer, hint))
        if is_null_only(schema):
            return NULL
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
            if self._objects.objectish(schema, pointer):
                model = self._model(schema, pointer, hint)
                return self._untyped.use(nullable(model) if admits_null(schema) else model, schema, pointer)
            return self._all_of(schema, pointer, hint)
        kind = schema.get("type")
        if kind == "object" or ("properties" in schema and not not_an_object(schema)):
            if schema.get("properties"):
                return self._untyped.use(self._model(schema, pointer, hint), schema, pointer)
            extra = schema.get("additionalProperties")
            if "patternProperties" in schema:
                self._widened(pointer, "`patternProperties` is not typed: the values are typed `Any`.")
            elif isinstance(extra, dict) and extra:
                return ir.DictOf(self.type_of(extra, f"{pointer}/additionalProperties", hint + "Value"))
            return ir.DictOf(ir.Primitive("Any"))
        if kind == "array":
            if "prefixItems" in schema or isinstance(schema.get("items"), list):
                self._widened(pointer, "a tuple (`prefixItems`, or a list of `items`) is typed `list[Any]`.")
                return ir.ListOf(ir.Primitive("Any"))
            item = self.type_of(schema.get("items", {}), f"{pointer}/items", hint + "Item")
            return ir.ListOf(item)
        media = schema.get("contentMediaType")
        if kind in ("string", None) and media is not None and "contentEncoding" not in schema:
            return ir.Primitive("FileInput")  # OpenAPI 3.1's file content: `{type: string, contentMediaType: text/csv}`
        if kind == "string":
            return ir.Primitive(_FORMATS.get(schema.get("format", ""), "str"))
        return ir.Primitive(_TYPES.get(kind, "Any")) if isinstance(kind, str) else ir.Primitive("Any")

    def _is_class(self, schema: Any, pointer: str) -> bool:
        """Whether a component schema becomes a class rather than an inline type."""
        if not isinstance(schema, dict):
            return False
        if "enum" in schema:
            return enum_base([v for v in schema["enum"] if v is not None]) is not None
        if "oneOf" in schema or "anyOf" in schema:
            return True
        if "allOf" in schema:
            several = len(schema["allOf"]) > 1 or bool(schema.get("properties"))
            return several and self._objects.objectish(schema, pointer)
        return bool(schema.get("properties")) and not not_an_object(schema)

    def untyped_note(self) -> Diagnostic | None:
        """One warning for every class typed as an object though its schema does not say `type: object`."""
        return self._untyped.note()

    def _widened(self, pointer: str, what: str) -> None:
        self.warnings.append(
            Diagnostic(
                Severity.WARNING,
                self.doc.locate(pointer),
                f"{what} The generated type is wider than the schema.",
                "nothing to do unless the exact type matters; values still parse and dump unchanged.",
            )
        )

    # --- references ----------------------------------------------------------

    def deref(self, schema: Any, pointer: str) -> tuple[Any, str]:
        """Follow `$ref`s to the schema they name; return it and its pointer."""
        start, seen = pointer, {pointer}
        while isinstance(schema, dict) and "$ref" in schema:
            pointer = ref_pointer(schema["$ref"])  # local and resolving: `validate` checked every `$ref`
            if pointer in seen:
                raise self.doc.error(
                    pointer, "this `$ref` chain loops back to itself.", "point the `$ref` at a real schema."
                )
            seen.add(pointer)
            if len(seen) > MAX_NESTING:
                raise self.doc.error(
                    start,
                    f"this `$ref` leads to a `$ref` more than {MAX_NESTING} times in a row.",
                    "refer to the schema at the end of the chain directly.",
                )
            schema = self.doc.resolve(pointer)
        return schema, pointer

    def _ref(self, schema: dict[str, Any], pointer: str) -> ir.TypeExpr:
        target = ref_pointer(schema["$ref"])
        if target in self._names:
            named = ir.Named(self._names[target])
            if target not in self._definitions:
                self.type_of(self.doc.resolve(target), target, ClassName(split_pointer(target)[-1]))
            # A class's own type is not nullable; a nullable component is so wherever it is used.
            found = self.doc.resolve(target)
            return self._untyped.use(nullable(named) if admits_null(found) else named, found, target)
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
            base = apart(ClassName(hint or split_pointer(pointer)[-1]), self._reserved)
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
        base = enum_base(values)
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
