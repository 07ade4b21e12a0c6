"""Stage 4a for the docs: IR to Markdown page contexts, every string decided here.

Pages: one per module of `types/` (its models, enums and unions, each a section),
one per resource group (each operation a section), and an index per package.
Fewer, fuller pages than one per type: the full Voucherify spec has 1,679 types.
Type references are links to their sections; spec text goes through `markdown`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from generator import ir
from generator.ir.modules import partition
from generator.render import markdown as md
from generator.render.endpoint_views import credentials, started_variants
from generator.render.python_code import literal

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


class _Docs:
    """Lookups shared by the pages of one package."""

    def __init__(self, api: ir.Api) -> None:
        self.api = api
        self.models = {d.name: d for d in api.definitions if isinstance(d, ir.Model)}
        self.definitions = {d.name: d for d in api.definitions}
        self.homes = {str(name): str(module) for name, module in partition(api.definitions).items()}
        self.starters: dict[str, list[str]] = {}  # async-action type -> links to the calls that start it
        for group in api.groups:
            for op in group.operations:
                title = f"{group.name}.{op.name}"
                for action_type in op.starts.types if op.starts else ():
                    link = f"[`{title}`](../{OPERATIONS_DIR}/{group.name}.md#{md.slug(title)})"
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


FIELD_HEADER = ("Python name", "Wire name", "Type", "Required", "Description", "Example")


def model_entry(docs: _Docs, model: ir.Model) -> Entry:
    """A model: its attribute table."""
    intro = md.text(model.description or model.title)
    if model.fallback_for:
        intro += f"\n\nThis is the fallback variant of [{model.fallback_for}]({docs.link(model.fallback_for, '')})."
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


def union_entry(docs: _Docs, union: ir.UnionType) -> Entry:
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


def _argument(param: ir.Parameter) -> str:
    example = param.examples[0] if param.examples else None
    inner = param.type.inner if isinstance(param.type, ir.Nullable) else param.type
    if isinstance(inner, ir.Primitive) and inner.name in ("str", "int", "float", "bool"):
        if example is not None and type(example).__name__ == inner.name:
            return literal(example)
        return {"str": literal(f"<{param.name}>"), "int": "1", "float": "1.0", "bool": "True"}[inner.name]
    return literal(example if isinstance(example, str) else f"<{param.name}>")


def _examples(api: ir.Api, group: ir.Group, op: ir.Operation) -> tuple[str, str]:
    """A short runnable example of the operation with the sync and the async client."""
    args = [_argument(p) for p in op.parameters if p.location == "path"]
    if op.body is not None and op.body_required:
        args.append(
            literal(op.body_examples[0]) if op.body_examples else "[]" if isinstance(op.body, ir.ListOf) else "{}"
        )
    args += [
        f"{p.name}={_argument(p)}" for p in op.parameters if p.location != "path" and p.required and not p.constant
    ]
    method = f"client.{group.name}.{op.name}({', '.join(args)})"
    wait = "wait" if op.name == "get" else f"wait_{op.name}"
    path_args = "".join(f"{_argument(p)}, " for p in op.parameters if p.location == "path")

    def lines(aw: str) -> list[str]:
        if op.pagination is not None:
            loop = f"async for item in await {method}:" if aw else f"for item in {method}:"
            body = [loop, "    print(item)"]
        elif op.follow is not None:
            body = [f"accepted = {aw}{method}", "print(accepted.body)", f"final = {aw}accepted.wait(timeout=300)"]
            body.append("print(final)")
        elif op.starts is not None and not op.starts.direct:  # start -> wait -> the typed result
            body = [f"handle = {aw}{method}", "print(handle.id)", f"action = {aw}handle.wait(timeout=300)"]
            body.append("print(action.status, action.result)")
        else:
            body = [f"result = {aw}{method}", "print(result)"]
        if op.poll is not None:
            body += [f"final = {aw}client.{group.name}.{wait}({path_args}timeout=300)", "print(final)"]
        return body

    env = ", ".join(c.env_var for c in credentials(api))
    comment = f"  # credentials from {env}" if env else ""
    sync_body = "".join(f"    {line}\n" for line in lines(""))
    async_body = "".join(f"        {line}\n" for line in lines("await "))
    sync = (
        f"from {api.import_name} import {api.client_name}\n\nwith {api.client_name}() as client:{comment}\n{sync_body}"
    )
    async_ = (
        f"import asyncio\n\nfrom {api.import_name} import Async{api.client_name}\n\n\n"
        f"async def main() -> None:\n    async with Async{api.client_name}() as client:{comment}\n{async_body}"
        "\n\nasyncio.run(main())\n"
    )
    return sync, async_


def _security_section(api: ir.Api, op: ir.Operation) -> Section:
    """Which credentials the operation needs: one row per alternative, any one of which will do."""
    schemes = {s.key: s for s in api.auth}
    rows = []
    for alternative in op.security:
        used = [schemes[name] for name in alternative]
        sent = " and ".join(
            f"{s.kind} {md.code(s.name)} in {s.location}" if s.kind == "apiKey" else s.kind for s in used
        )
        arguments = ", ".join(f"`{c.name}=` or `{c.env_var}`" for s in used for c in (*s.credentials, *s.client))
        rows.append(Row((sent or "nothing", arguments or "none")))
    text = "Any one row is enough; the client uses the first whose credentials it has." if len(rows) > 1 else ""
    return Section("Authentication", text, ("Sent as", "Client argument or environment variable"), tuple(rows))


def operation_entry(
    docs: _Docs, group: ir.Group, op: ir.Operation, error_classes: dict[int, str], examples: dict[str, tuple[str, str]]
) -> Entry:
    """An operation: request, auth, responses, errors, and examples."""
    prefix = f"../{TYPES_DIR}/"
    sections = []
    params = [p for p in op.parameters if p.constant is None]
    if params or op.body is not None:
        rows = [
            Row((f"`{p.name}`", md.code(p.wire_name), p.location, docs.type_md(p.type, prefix),
                 "yes" if p.required else "no", md.cell(p.description)))
            for p in params
        ]  # fmt: skip
        if op.body is not None:
            required = "yes" if op.body_required else "no"
            media = ", ".join(b.media_type for b in op.bodies) or "JSON"
            text = "The request body." + (" `content_type=` chooses the media type." if len(op.bodies) > 1 else "")
            body_type = docs.type_md(op.body, prefix)
            rows.append(Row(("`body`", "", f"body ({md.cell(media)})", body_type, required, text)))
        header = ("Argument", "Wire name", "In", "Type", "Required", "Description")
        sections.append(Section("Parameters", "", header, tuple(rows)))
    constants = [p for p in op.parameters if p.constant is not None]
    if constants:
        rows = [Row((md.code(p.wire_name), md.code(p.constant), md.cell(p.description))) for p in constants]
        sections.append(Section("Headers sent for you", "", ("Header", "Value", "Why"), tuple(rows)))
    if op.security:
        sections.append(_security_section(docs.api, op))
    rows = []
    for r in op.responses:
        code = int(r.status) if r.status.isdigit() else 0
        outcome = "returned" if r.status.startswith("2") else f"raises `{error_classes.get(code, _error_for(code))}`"
        rows.append(Row((md.code(r.status), md.cell(r.description), docs.type_md(r.type, prefix), outcome)))
    sections.append(Section("Responses", "", ("Status", "Description", "Body", "Outcome"), tuple(rows)))
    behaviour = []
    if op.pagination:
        page = op.pagination
        behaviour.append(
            "Paginated: the method returns a page; iterating it fetches the next pages, passing the last item's "
            f"`{page.cursor_field}` as `{page.cursor_parameter}` while `{page.has_more_field}` is true."
        )
    if op.poll:
        done, failed = (", ".join(md.code(v) for v in values) for values in (op.poll.done, op.poll.failed))
        shape = f" and returns it as {docs.type_md(op.poll.result, prefix)}" if op.poll.result is not None else ""
        behaviour.append(
            f"Reports the status of asynchronous work: `{op.poll.status_field}` is done at {done} and failed at "
            f"{failed}; the resource's `wait` method polls it{shape}."
        )
    if op.follow:
        target = next(o for g in docs.api.groups for o in g.operations if o.operation_id == op.follow.operation_id)
        waited = target.poll.result if target.poll and target.poll.result else target.success and target.success.type
        behaviour.append(
            f"Starts asynchronous work: the result's `.wait()` polls the URL in the `{op.follow.header}` header "
            f"with `{op.follow.operation_id}` and returns {docs.type_md(waited or None, prefix)}."
        )
    if op.starts:
        kinds = " or ".join(md.code(t) for t in op.starts.types)
        behaviour.append(
            f"Starts a {kinds} async action: the method returns a handle (`.id`, `.get()`, `.wait()`) on it, "
            f"whose `.wait()` polls `{op.starts.operation_id}` and returns the action as "
            f"{' or '.join(docs.type_md(t, prefix) for t in started_variants(docs.api, op))}."
        )
    if behaviour:
        sections.append(Section("Behaviour", "\n\n".join(behaviour)))
    sync, async_ = examples[op.operation_id]
    sections.append(Section("Example", f"```python\n{sync}```"))
    sections.append(Section("Async example", f"```python\n{async_}```"))
    intro = f"`{op.method} {md.text(op.path)}`\n\n" + md.text("\n\n".join(t for t in (op.summary, op.description) if t))
    title, summary = f"{group.name}.{op.name}", f"`{op.method} {md.cell(op.path)}` {md.cell(op.summary)}"
    return Entry(title, "Operation", summary, intro, tuple(sections))


def _error_for(status: int) -> str:
    if status >= 500:
        return "InternalServerError"
    return "APIStatusError"


ERROR_CLASSES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}


def index_page(api: ir.Api, linked: list[tuple[Entry, str]]) -> Page:
    """The package index: how to start, then every operation and type, linked to its section."""
    sections = [
        Section(
            "Getting started",
            f"```python\nfrom {api.import_name} import {api.client_name}\n\nclient = {api.client_name}()\n```\n\n"
            f"`Async{api.client_name}` has the same methods, to be awaited. Errors are typed: see `APIStatusError` "
            "and its subclasses, `APIConnectionError`, `WaitFailedError` and `WaitTimeoutError`.",
        )
    ]
    for kind, heading in (("Operation", "Operations"), ("Model", "Models"), ("Enum", "Enums"), ("Union", "Unions")):
        rows = tuple(Row((f"[{e.title}]({link})", e.summary)) for e, link in linked if e.kind == kind)
        if rows:
            sections.append(Section(heading, "", ("Name", "Summary"), rows))
    intro = md.text("\n\n".join(t for t in (api.title, api.description) if t))
    return Page("index.md", f"{api.import_name} reference", "Index", intro, tuple(sections))


def _page(path: str, title: str, kind: str, intro: str, entries: list[Entry]) -> Page:
    """A page holding several entries: each a level-2 section, its own sections one level down."""
    sections: list[Section] = []
    for entry in entries:
        text = "\n\n".join(t for t in (f"*{entry.kind}*", entry.intro) if t)
        sections.append(Section(entry.title, text))
        sections += [replace(section, level=3) for section in entry.sections]
    return Page(path, title, kind, intro, tuple(sections))


def doc_examples(api: ir.Api) -> dict[str, str]:
    """The Python examples of every operation, unformatted: {`<operation id>.sync` / `.async`: source}."""
    return {
        f"{op.operation_id}.{kind}": code
        for group in api.groups
        for op in group.operations
        for kind, code in zip(("sync", "async"), _examples(api, group, op), strict=True)
    }


def doc_pages(api: ir.Api, formatted_examples: dict[str, str]) -> list[Page]:
    """Every page of a package's reference docs, index last; examples as `doc_examples` keys them, formatted."""
    docs = _Docs(api)
    examples = {
        op.operation_id: (formatted_examples[f"{op.operation_id}.sync"], formatted_examples[f"{op.operation_id}.async"])
        for group in api.groups
        for op in group.operations
    }
    pages: list[Page] = []
    linked: list[tuple[Entry, str]] = []
    for group in api.groups:
        entries = [operation_entry(docs, group, op, ERROR_CLASSES, examples) for op in group.operations]
        path = f"{OPERATIONS_DIR}/{group.name}.md"
        intro = md.text(group.description) + f"\n\nMethods of `client.{group.name}` (and of the async client's)."
        pages.append(_page(path, f"client.{group.name}", "Operations", intro.strip(), entries))
        linked += [(e, f"{path}#{md.slug(e.title)}") for e in entries]
    by_module: dict[str, list[Entry]] = {}
    for definition in sorted(api.definitions, key=lambda d: d.name):
        if isinstance(definition, ir.Model):
            entry = model_entry(docs, definition)
        elif isinstance(definition, ir.Enum):
            entry = enum_entry(definition)
        else:
            entry = union_entry(docs, definition)
        by_module.setdefault(docs.homes[definition.name], []).append(entry)
        linked.append((entry, docs.link(definition.name, f"{TYPES_DIR}/")))
    for module, entries in sorted(by_module.items()):
        title = f"{api.import_name}.types.{module}"
        pages.append(_page(f"{TYPES_DIR}/{module}.md", title, "Types", f"Import from `{api.import_name}`.", entries))
    return [*pages, index_page(api, linked)]
