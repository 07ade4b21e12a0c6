"""Stage 3a, `oneOf`/`anyOf` to IR: untagged unions, tagged unions and their fallback variant.

A mixin of `SchemaBuilder` (`build_models`), which holds the names and definitions these methods fill in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.ir.names import ClassName, indefinite
from generator.load.document import Document
from generator.validate.schema_shapes import implicit_tags, is_null_only, mapping_target


class UnionBuilder:
    """Builds unions and answers what a union type can be; the rest of `SchemaBuilder` supplies the state."""

    doc: Document
    warnings: list[Diagnostic]
    _definitions: dict[str, ir.Definition | None]
    _names: dict[str, ClassName]
    _pointers: dict[str, str]

    if TYPE_CHECKING:

        def type_of(self, schema: Any, pointer: str, hint: str = "") -> ir.TypeExpr: ...
        def deref(self, schema: Any, pointer: str) -> tuple[Any, str]: ...
        def _claim(self, pointer: str, hint: str) -> ClassName | None: ...

    def _mapping(self, discriminator: dict[str, Any], at: str) -> dict[str, str]:
        """{tag: schema pointer} of a discriminator's mapping. Entries naming another file (left unbundled,
        as in APIs.guru's DigitalOcean spec) are dropped with a warning: their variants' tags are implied."""
        mapping, foreign = {}, []
        for value, ref in discriminator.get("mapping", {}).items():
            target = mapping_target(ref)  # resolving: `validate` checked it
            if target is None:
                foreign.append(ref)
            else:
                mapping[value] = target
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
        """The union's type; a `{type: 'null'}` member makes it `| None` rather than a variant of its own."""
        key = "oneOf" if "oneOf" in schema else "anyOf"
        members = [(i, s) for i, s in enumerate(schema[key]) if not is_null_only(s)]
        nullable = len(members) < len(schema[key])
        if not members:
            return ir.LiteralOf((None,))
        built = self._variants(schema, key, members, pointer, hint)
        return ir.Nullable(built) if nullable and not isinstance(built, ir.Nullable) else built

    def _variants(
        self, schema: dict[str, Any], key: str, members: list[tuple[int, Any]], pointer: str, hint: str
    ) -> ir.TypeExpr:
        discriminator = schema.get("discriminator")
        if not discriminator and pointer not in self._names:
            options = tuple(self.type_of(s, f"{pointer}/{key}/{i}", f"{hint}Option{i + 1}") for i, s in members)
            return options[0] if len(options) == 1 else ir.UnionOf(options)
        name = self._claim(pointer, hint)
        if name is None:
            return ir.Named(self._names[pointer])
        tag_property = discriminator["propertyName"] if discriminator else None
        mapping = self._mapping(discriminator, f"{pointer}/discriminator/mapping") if discriminator else {}
        variants, targets = [], []
        for i, member in members:
            member_pointer = f"{pointer}/{key}/{i}"
            variant_type = self.type_of(member, member_pointer, f"{name}Option{i + 1}")
            target = self.deref(member, member_pointer)[1]
            tags = tuple(v for v, t in mapping.items() if t == target)
            if tag_property and not tags:
                tags = implicit_tags(self.deref(member, member_pointer)[0], tag_property, target)
            variants.append(ir.Variant(variant_type, tags))
            targets.append(target)
        fallback = self._default_variant(discriminator, pointer, variants, targets) if discriminator else None
        if tag_property and fallback is None:
            fallback = self._fallback(name, pointer, tag_property, variants)
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

    def _default_variant(
        self, discriminator: dict[str, Any], pointer: str, variants: list[ir.Variant], targets: list[str]
    ) -> ClassName | None:
        """The variant `defaultMapping` (OpenAPI 3.2) names, which takes the tags the mapping does not list; one
        that is not a model among the variants is warned about and ignored."""
        default = discriminator.get("defaultMapping")
        if not isinstance(default, str):
            return None
        target = mapping_target(default)
        found = [v.type for v, t in zip(variants, targets, strict=True) if t == target]
        if found and isinstance(found[0], ir.Named):
            return found[0].name
        self.warnings.append(
            Diagnostic(
                Severity.WARNING,
                self.doc.locate(f"{pointer}/discriminator/defaultMapping"),
                f"`defaultMapping` {default!r} is not a model among the union's variants, so it is ignored: unknown "
                "tags take the generated fallback variant, where the variants allow one.",
                "name one of the union's object variants as `defaultMapping`.",
            )
        )
        return None

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
            description=f"{indefinite(union, start=True)} whose `{tag}` this package does not know yet; every field is "
            "kept as sent.",
            fallback_for=union,
        )
        return name

    def event_union(
        self, events: list[tuple[Any, str, ir.TypeExpr]], pointer: str, tag: str | None
    ) -> tuple[ir.TypeExpr, list[tuple[str, ...]]]:
        """The union of the API's events ((schema, pointer, type) each, already built) at `pointer`, and each
        event's tags: tagged by `tag` with a fallback for tags added later, as a discriminated `oneOf` is;
        without `tag`, a plain union (pydantic tries each event in turn)."""
        if not tag:
            types = tuple(dict.fromkeys(t for _, _, t in events))
            return (types[0] if len(types) == 1 else ir.UnionOf(types)), [() for _ in events]
        name = self._claim(pointer, "Event")
        assert name is not None, "the events' union is built once"
        tags = [implicit_tags(self.deref(schema, at)[0], tag, "") for schema, at, _ in events]
        variants: dict[ir.TypeExpr, tuple[str, ...]] = {}
        for (_, _, event_type), event_tags in zip(events, tags, strict=True):
            variants[event_type] = tuple(dict.fromkeys(variants.get(event_type, ()) + event_tags))
        listed = [ir.Variant(t, variant_tags) for t, variant_tags in variants.items()]
        self._definitions[pointer] = ir.UnionType(
            name=name,
            pointer=pointer,
            variants=tuple(listed),
            discriminator=tag,
            fallback=self._fallback(name, pointer, tag, listed),
            description="Every event the API sends, told apart by its `" + tag + "`.",
        )
        return ir.Named(name), tags

    def models_of(self, t: ir.TypeExpr) -> list[ir.Model]:
        """The models a value of type `t` can be: the model itself, or every variant of a union."""
        pointer = self._pointer_of(t)
        found = self._definitions.get(pointer) if pointer is not None else None
        if isinstance(found, ir.Model):
            return [found]
        if isinstance(found, ir.UnionType):
            variants = [v.type for v in found.variants]
            if found.fallback and ir.Named(found.fallback) not in variants:  # not a variant (`defaultMapping`)
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
