"""Stage 4a for the docs: IR to Markdown page contexts, every string decided here.

Pages: one per module of `types/` (its models, enums and unions, each a section),
one per resource (each operation a section; a nested resource has its own page), and an index per
package. Fewer, fuller pages than one per type: the full Voucherify spec has 1,679 types.
Type references are links to their sections; spec text goes through `markdown`.
"""

from __future__ import annotations

from dataclasses import replace

from generator import ir
from generator.render import markdown as md
from generator.render.doc_events import EVENTS_PAGE, events_page
from generator.render.doc_operations import ERROR_CLASSES, method_entry, operation_entry, signature_key
from generator.render.doc_parts import OPERATIONS_DIR, TYPES_DIR, Docs, Entry, Page, Row, Section
from generator.render.doc_types import enum_entry, model_entry, union_entry
from generator.render.method_views import MethodView


def index_page(api: ir.Api, linked: list[tuple[Entry, str]], resources: tuple[Row, ...]) -> Page:
    """The package index: how to start, the resources, then every operation, method and type, linked."""
    sections = [
        Section(
            "Getting started",
            f"```python\nfrom {api.import_name} import {api.client_name}\n\nclient = {api.client_name}()\n```\n\n"
            f"`{api.async_client_name}` has the same methods, to be awaited. Errors are typed: see `APIStatusError` "
            "and its subclasses, `APIConnectionError`, `WaitFailedError` and `WaitTimeoutError`.",
        )
    ]
    sections.append(Section("Resources", "", ("Resource", "Methods", "Description"), resources))
    if api.webhooks:
        count = len(api.webhooks.events)
        sections.append(Section("Webhooks", f"[The {count} events the API sends]({EVENTS_PAGE}), verified and parsed."))
    kinds = (("Operation", "Operations"), ("Method", "Other methods"), ("Model", "Models"), ("Enum", "Enums"))
    for kind, heading in (*kinds, ("Union", "Unions")):
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


# The examples of an operation: with each client, then of its stream (when it answers with one).
_EXAMPLES = ("sync", "async", "stream_sync", "stream_async")


def doc_pages(api: ir.Api, formatted: dict[str, str], methods: dict[str, tuple[MethodView, ...]]) -> list[Page]:
    """Every page of a package's reference docs, index last; `formatted` holds the sources `doc_examples`
    made of `methods`, formatted."""
    docs = Docs(api)
    examples = {}
    for op in (op for group in api.groups for op in group.operations):
        sync, async_, stream_sync, stream_async = (formatted.get(f"{op.operation_id}.{kind}", "") for kind in _EXAMPLES)
        examples[op.operation_id] = (sync, async_, stream_sync, stream_async)
    pages: list[Page] = []
    linked: list[tuple[Entry, str]] = []
    resources: list[Row] = []
    for group in api.groups:
        views = [m for m in methods[group.qualified] if m.decorator != "overload"]
        signature = {m.name: formatted[signature_key(group.qualified, m.name)] for m in views}
        entries = [
            operation_entry(docs, group, op, ERROR_CLASSES, examples, signature[op.name]) for op in group.operations
        ]
        names = {op.name for op in group.operations}
        entries += [method_entry(group, m, signature[m.name]) for m in views if m.name not in names]
        path = f"{OPERATIONS_DIR}/{group.qualified}.md"
        intro = md.text(group.description) + f"\n\nMethods of `client.{group.qualified}` (and of the async client's)."
        pages.append(_page(path, f"client.{group.qualified}", "Operations", intro.strip(), entries))
        linked += [(e, f"{path}#{md.slug(e.title)}") for e in entries]
        link = f"[client.{group.qualified}]({path})"
        resources.append(Row((link, str(len(entries)), md.cell(group.description))))
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
    events = events_page(api, docs)
    return [*pages, *([events] if events else []), index_page(api, linked, tuple(resources))]
