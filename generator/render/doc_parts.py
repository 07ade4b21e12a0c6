"""Stage 4a for the docs, the building blocks: rows, sections, entries and pages, and the lookups
(`Docs`) every page of a package shares (type links, field rows, the calls that start each action type)."""

from __future__ import annotations

from dataclasses import dataclass

from generator import ir
from generator.ir.modules import partition
from generator.render import markdown as md

TYPES_DIR, OPERATIONS_DIR = "types", "operations"


@dataclass(frozen=True)
class Row:
    """One table row: already escaped cells."""

    cells: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A titled block of a page: optional text and an optional table."""

    title: str
    text: str
    header: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    level: int = 2  # the heading level: 2 on a page of its own, 3 inside an entry


@dataclass(frozen=True)
class Entry:
    """One documented thing (a model, enum, union or operation): a section of its page, with subsections."""

    title: str
    kind: str
    summary: str  # one line, for the index
    intro: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Page:
    """One Markdown page."""

    path: str
    title: str
    kind: str
    intro: str
    sections: tuple[Section, ...]

    @property
    def nav(self) -> str:
        """The line under the title: what the page is, and the way back to the index."""
        if self.path == "index.md":
            return self.kind
        return f"{self.kind} · [index]({'../' * self.path.count('/')}index.md)"


class Docs:
    """Lookups shared by the pages of one package."""

    def __init__(self, api: ir.Api) -> None:
        self.api = api
        self.models = {d.name: d for d in api.definitions if isinstance(d, ir.Model)}
        self.definitions = {d.name: d for d in api.definitions}
        self.params = {p.of: p.name for p in api.params}  # a model's `Param` TypedDict
        self.homes = {str(name): str(module) for name, module in partition(api.definitions).items()}
        self.starters: dict[str, list[str]] = {}  # async-action type -> links to the calls that start it
        for group in api.groups:
            for op in group.operations:
                title = f"{group.qualified}.{op.name}"
                for action_type in op.starts.types if op.starts else ():
                    link = f"[`{title}`](../{OPERATIONS_DIR}/{group.qualified}.md#{md.slug(title)})"
                    self.starters.setdefault(action_type, []).append(link)

    def link(self, name: str, prefix: str) -> str:
        """The link target of a type's section, from a page `prefix` away from `types/`."""
        return f"{prefix}{self.homes[name]}.md#{md.slug(name)}"

    def type_md(self, t: ir.TypeExpr | None, prefix: str) -> str:
        """A type as Markdown with links to the sections of named types (e.g. `list[Item]` linked)."""
        if t is None:
            return "none"
        if isinstance(t, ir.Primitive):
            return {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}.get(t.name, t.name)
        if isinstance(t, ir.ListOf):
            return f"list of {self.type_md(t.item, prefix)}"
        if isinstance(t, ir.DictOf):
            return f"map of string to {self.type_md(t.value, prefix)}"
        if isinstance(t, ir.Named):
            return f"[{t.name}]({self.link(t.name, prefix)})"
        if isinstance(t, ir.LiteralOf):
            return " or ".join(md.code(v) for v in t.values)
        if isinstance(t, ir.UnionOf):
            return " or ".join(self.type_md(o, prefix) for o in t.options)
        return f"{self.type_md(t.inner, prefix)} or null"

    def describe(self, field: ir.Field) -> str:
        """A field's description, else that of the type it refers to."""
        t = field.type.inner if isinstance(field.type, ir.Nullable) else field.type
        if field.description or not isinstance(t, ir.Named) or t.name not in self.definitions:
            return field.description
        target = self.definitions[t.name]
        return target.description or target.title

    def field_rows(self, model: ir.Model, prefix: str) -> tuple[Row, ...]:
        return tuple(
            Row(
                (
                    f"`{f.name}`",
                    md.code(f.wire_name),
                    self.type_md(f.type, prefix),
                    "yes" if f.required else "no",
                    md.cell(self.describe(f)),
                    md.code(f.examples[0]) if f.examples else "",
                )
            )
            for f in model.fields
        )

    def nested_models(self, t: ir.TypeExpr, depth: int = 2) -> list[ir.Model]:
        """The models inside a type, and the models inside those, `depth` levels deep."""
        while isinstance(t, (ir.Nullable, ir.ListOf)):
            t = t.inner if isinstance(t, ir.Nullable) else t.item
        model = self.models.get(t.name) if isinstance(t, ir.Named) else None
        if model is None or depth == 0:
            return []
        return [model] + [m for f in model.fields for m in self.nested_models(f.type, depth - 1)]
