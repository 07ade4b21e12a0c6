"""Stage 4a for the docs: the entry of each model, enum and union (its fields, values or variants)."""

from __future__ import annotations

from generator import ir
from generator.render import markdown as md
from generator.render.doc_parts import Docs, Entry, Row, Section

FIELD_HEADER = ("Python name", "Wire name", "Type", "Required", "Description", "Example")


def model_entry(docs: Docs, model: ir.Model) -> Entry:
    """A model: its attribute table."""
    intro = md.text(model.description or model.title)
    if model.fallback_for:
        intro += f"\n\nThis is the fallback variant of [{model.fallback_for}]({docs.link(model.fallback_for, '')})."
    if model.base:
        base = f"[{model.base}]({docs.link(model.base, '')})"
        intro += f"\n\nA subclass of {base}: every `{model.name}` is a `{model.base}` too."
    if param := docs.params.get(model.name):
        intro += (
            "\n\nA request may give it as plain data instead, keyed by the wire names, which the `TypedDict` "
            f"`{docs.api.import_name}.types.{param}` types."
        )
    section = Section("Attributes", "", FIELD_HEADER, docs.field_rows(model, ""))
    summary = md.cell(model.title or model.description.split(".")[0])
    return Entry(model.name, "Model", summary, intro, (section,))


def enum_entry(enum: ir.Enum) -> Entry:
    """An enum's page: its values and what they mean."""
    rows = tuple(Row((md.code(m.value), f"`{m.name}`", md.cell(m.description))) for m in enum.members)
    note = (
        "The enum is open: a value the server adds later parses too, keeps its value, "
        "and equals none of the members below."
    )
    section = Section("Values", note, ("Value", "Python member", "Meaning"), rows)
    intro = md.text(enum.description or enum.title)
    summary = ", ".join(md.code(m.value) for m in enum.members)
    return Entry(enum.name, "Enum", summary, intro, (section,))


def union_entry(docs: Docs, union: ir.UnionType) -> Entry:
    """A union: how a variant is chosen, and each variant's own shape."""
    variants = [(v, docs.models.get(v.type.name) if isinstance(v.type, ir.Named) else None) for v in union.variants]
    models = [m for _, m in variants if m is not None]
    shared = _shared_fields(models) if len(models) == len(variants) else set()
    intro = md.text(union.description or union.title)
    summary = md.cell(union.title or union.description.split(".")[0])
    if union.discriminator is None:
        rows = tuple(Row((docs.type_md(v.type, ""), md.cell(m.description if m else ""))) for v, m in variants)
        text = "Any one of these; the one that fits the payload is chosen."
        section = Section("Variants", text, ("Variant", "Description"), rows)
        return Entry(union.name, "Union", summary, intro, (section,))

    def own_fields(model: ir.Model | None) -> list[ir.Field]:
        return [f for f in model.fields if f.wire_name not in shared] if model else []

    started = any(t in docs.starters for v, _ in variants for t in v.tags)
    tag_rows: list[Row] = []
    for variant, model in variants:
        shape = ", ".join(f"`{f.wire_name}`: {docs.type_md(f.type, '')}" for f in own_fields(model)) or "(none)"
        for t in variant.tags:
            cells = (f"[{md.code(t)}](#{md.slug(t)})", docs.type_md(variant.type, ""), shape)
            tag_rows.append(Row(cells + ((", ".join(docs.starters.get(t, [])) or "",) if started else ())))
    text = f"The variant is chosen by the value of `{union.discriminator}`."
    if union.fallback:
        fallback = f"[{union.fallback}]({docs.link(union.fallback, '')})"
        text += f" Any other value parses as {fallback}, keeping every field as sent."
    header = (md.code(union.discriminator), "Variant", "Its own fields") + (("Started by",) if started else ())
    sections = [Section("Variants", text, header, tuple(tag_rows))]
    if shared:
        sections.append(Section("Fields every variant has", ", ".join(f"`{w}`" for w in sorted(shared))))
    for variant, model in variants:
        own = own_fields(model)
        nested = list(dict.fromkeys(m for f in own for m in docs.nested_models(f.type)))
        text = f"Variant {docs.type_md(variant.type, '')}." + "".join(
            f" Its `{f.wire_name}` is {docs.type_md(f.type, '')}." for f in own
        )
        for tag in variant.tags:
            sections.append(Section(tag, text))
            sections += [
                Section(f"{tag}: {m.name}", md.text(m.description), FIELD_HEADER, docs.field_rows(m, ""))
                for m in nested
            ]
    return Entry(union.name, "Union", summary, intro, tuple(sections))


def _shared_fields(models: list[ir.Model]) -> set[str]:
    """Wire names of fields that every model has with the same type."""
    if not models:
        return set()
    first = {f.wire_name: f.type for f in models[0].fields}
    return {w for w, t in first.items() if all(any(f.wire_name == w and f.type == t for f in m.fields) for m in models)}
