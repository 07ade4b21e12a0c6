"""Stage 3a, object schemas to IR: models, their fields flattened from `allOf`, and `allOf`s of no object.

A mixin of `SchemaBuilder` (`build_models`), which holds the names and definitions these methods fill in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from generator import ir
from generator.errors import Diagnostic
from generator.ir.defaults import default_of
from generator.ir.names import ClassName, Identifier, dedupe
from generator.ir.type_exprs import nullable
from generator.load.document import join_pointer, split_pointer
from generator.validate.schema_shapes import examples_of, keyword_only, one_way

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


class ObjectBuilder:
    """Builds models; the rest of `SchemaBuilder` supplies the state and the type decision."""

    warnings: list[Diagnostic]
    _definitions: dict[str, ir.Definition | None]
    _names: dict[str, ClassName]
    _pointers: dict[str, str]
    _bases: dict[str, str]
    _conforms: Callable[[Any, Any], bool]

    if TYPE_CHECKING:

        def type_of(self, schema: Any, pointer: str, hint: str = "") -> ir.TypeExpr: ...
        def deref(self, schema: Any, pointer: str) -> tuple[Any, str]: ...
        def _claim(self, pointer: str, hint: str) -> ClassName | None: ...
        def _owner_name(self, property_pointer: str, default: str) -> str: ...
        def _widened(self, pointer: str, what: str) -> None: ...

    def _all_of(self, schema: dict[str, Any], pointer: str, hint: str) -> ir.TypeExpr:
        """An `allOf` of no object: the type of one member (a `$ref` if there is one), the others only
        narrowing it (`maxLength`, `format`...), so that type is at worst wider than the intersection."""
        own = {k: v for k, v in schema.items() if k != "allOf"}
        members = [(pointer, own)] + [(f"{pointer}/allOf/{i}", m) for i, m in enumerate(schema["allOf"])]
        typed = [(p, m) for p, m in members if isinstance(m, dict) and not keyword_only(m)]
        typed.sort(key=lambda pm: "$ref" not in pm[1])
        if len(typed) > 1:
            self._widened(pointer, "an `allOf` of several non-object types is typed as its first `$ref` or type.")
        found = self.type_of(typed[0][1], typed[0][0], hint) if typed else ir.Primitive("Any")
        null = any(keyword_only(m) and m.get("nullable") is True for _, m in members)
        return nullable(found) if null else found

    def _model(self, schema: dict[str, Any], pointer: str, hint: str) -> ir.TypeExpr:
        name = self._claim(pointer, hint)
        if name is None:
            return ir.Named(self._names[pointer])
        properties: dict[str, tuple[Any, str]] = {}
        required: set[str] = set()
        self._collect(schema, pointer, properties, required, set())
        refs = [i for i, m in enumerate(schema.get("allOf", [])) if isinstance(m, dict) and "$ref" in m]
        if len(refs) == 1:
            self._bases[pointer] = self.deref(schema["allOf"][refs[0]], f"{pointer}/allOf/{refs[0]}")[1]
        wire_names = list(properties)
        py_names = dedupe([_field_name(w, properties) for w in wire_names])
        fields = []
        for py_name, wire in zip(py_names, wire_names, strict=True):
            prop, prop_pointer = properties[wire]
            prop_type = self.type_of(prop, prop_pointer, f"{self._owner_name(prop_pointer, name)}{ClassName(wire)}")
            target = self.deref(prop, prop_pointer)[0]
            # One model serves requests and responses: a readOnly property is absent from requests, a
            # writeOnly one from responses, so neither is required (a widening).
            is_required = wire in required and not (one_way(prop) or (target is not prop and one_way(target)))
            read_only = one_way(prop, ("readOnly",)) or (target is not prop and one_way(target, ("readOnly",)))
            in_request: Literal["", "never", "required"] = (
                "never" if read_only else "required" if wire in required and not is_required else ""
            )
            sent = prop_type
            if not is_required:
                prop_type = nullable(prop_type)
            description = prop.get("description", "") if isinstance(prop, dict) else ""
            # A required property's default would let a request leave it out (unset fields are not sent).
            default = () if is_required else self._default(prop, target, prop_type)
            fields.append(
                ir.Field(
                    py_name, wire, prop_type, is_required, description, examples_of(prop), default,
                    in_request=in_request, sent=sent if sent != prop_type else None,
                )
            )  # fmt: skip
        self._definitions[pointer] = ir.Model(
            name=name,
            pointer=pointer,
            fields=tuple(fields),
            title=schema.get("title", ""),
            description=schema.get("description", ""),
        )
        return ir.Named(name)

    def _default(self, prop: Any, target: Any, t: ir.TypeExpr) -> tuple[Any, ...]:
        """The field's default from the property's `default` (or its `$ref` target's), when it is valid."""
        source = next((s for s in (prop, target) if isinstance(s, dict) and "default" in s), None)
        if source is None:
            return ()
        found = default_of(t, source["default"], lambda name: self._definitions.get(self._pointers.get(name, "")))
        # Validated last, only when usable: an invalid default is left out (validate/rules.py reports it).
        return found if found and self._conforms(prop, source["default"]) else ()

    def _collect(
        self, schema: Any, pointer: str, properties: dict[str, tuple[Any, str]], required: set[str], seen: set[str]
    ) -> None:
        """Flatten `allOf` members and own properties into one table; a redefinition wins but keeps its place."""
        schema, pointer = self.deref(schema, pointer)
        if pointer in seen or not isinstance(schema, dict):
            return
        seen.add(pointer)
        for i, member in enumerate(schema.get("allOf", [])):
            self._collect(member, f"{pointer}/allOf/{i}", properties, required, seen)
        for wire, prop in schema.get("properties", {}).items():
            properties[wire] = (prop, join_pointer(*split_pointer(pointer), "properties", wire))
        required.update(schema.get("required", []))


def _field_name(wire: str, properties: dict[str, Any]) -> Identifier:
    """A property's Python name, never another property's wire name: with `populate_by_name`, that key
    would fill both fields (`fooBar` beside `foo_bar` is `foo_bar_`)."""
    name = Identifier(wire, RESERVED_FIELDS)
    return Identifier(wire, RESERVED_FIELDS | {name}) if name != wire and name in properties else name
