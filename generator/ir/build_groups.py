"""Stage 3b, operations into resources: by first tag, or, in a spec without tags, by path.

A tagged spec gets one resource per tag and method names from the operationIds (`list-async-actions`
in `Async Actions` -> `async_actions.list`); a tag with a `parent` (OpenAPI 3.2) is a resource nested in its
parent's (`client.pets.toys`). An untagged one (or any, when the project asks) gets nested
resources and REST names from its paths (see `rest_names`). `x-python-method` (or `x-method-name`) on an
operation wins over both. Two operations that would share a method name are told apart by a counter, the
first in path order keeping the name, and the rename is reported as a located warning.
"""

from __future__ import annotations

from dataclasses import replace

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.ir.build_models import SchemaBuilder
from generator.ir.build_operations import build_operation
from generator.ir.names import CLIENT_ATTRIBUTES, RESOURCE_ATTRIBUTES, ClassName, Identifier, async_name, dedupe, words
from generator.ir.rest_names import place
from generator.load.document import Document, join_pointer
from generator.validate import view

_Key = tuple[str, ...]  # a resource: its tag, or its path segments outermost first


def build_groups(
    doc: Document,
    schemas: SchemaBuilder,
    auth: tuple[ir.SecurityScheme, ...] = (),
    by_paths: bool | None = None,
    methods: dict[str, str] | None = None,
) -> tuple[ir.Group, ...]:
    """Every operation of the document, grouped into resources, in spec order (a parent before its children).

    `by_paths` forces resources from paths (True) or from tags (False); None decides: paths when no
    operation has a tag. `methods` (operationId -> `resource.sub.method` or `method`) wins over both.
    """
    routes = view.operations(doc)
    if by_paths is None:
        by_paths = not any(route.spec.get("tags") for route in routes)
    placements = place([(route.path, route.method.lower()) for route in routes]) if by_paths else []
    nesting = {} if by_paths else _tag_nesting(doc, schemas.warnings)
    grouped: dict[_Key, list[ir.Operation]] = {}
    for i, route in enumerate(routes):
        if by_paths:
            key, default = placements[i].resource, Identifier(placements[i].method)
        else:
            tag = str((route.spec.get("tags") or ["default"])[0])  # `tags: []` is no tag
            key, default = nesting.get(tag, (tag,)), method_name(route.operation_id, tag)
        override = (methods or {}).get(str(route.spec.get("operationId")), "").split(".")
        if override != [""]:  # the project's choice: `resource.sub.method` moves it, `method` renames it
            key, default = tuple(override[:-1]) or key, Identifier(override[-1])
        operation = build_operation(doc, schemas, auth, route, Identifier(key[-1]), default)
        if override != [""]:
            operation = replace(operation, name=default)
        grouped.setdefault(key, []).append(operation)
    operations = [op for ops in grouped.values() for op in ops]
    if any(op.pagination and op.pagination.detected for op in operations):
        schemas.warnings.append(_paging_note(doc, grouped))
    tag_docs = {t["name"]: t.get("description") or t.get("summary", "") for t in doc.data.get("tags", [])}
    docs: dict[_Key, str] = {nesting.get(str(tag), (str(tag),)): str(text) for tag, text in tag_docs.items()}
    if by_paths:
        docs = _path_docs(grouped)
    return _assemble(doc, schemas, _nested(grouped), docs)


def _tag_nesting(doc: Document, warnings: list[Diagnostic]) -> dict[str, _Key]:
    """Each tag's resource, its `parent` tags (OpenAPI 3.2) outermost first: `("pets", "toys")`. A parent that
    is not a declared tag, or one of a loop of parents, is warned about and not nested in."""
    tags = doc.data.get("tags") or []
    index = {str(t["name"]): i for i, t in enumerate(tags)}
    parents = {str(t["name"]): str(t["parent"]) for t in tags if isinstance(t.get("parent"), str)}
    looped = {name for name in parents if name in _ancestors(name, parents)}
    kept = {}
    for name, parent in parents.items():
        if parent in index and name not in looped:
            kept[name] = parent
            continue
        problem = "is not a declared tag" if parent not in index else "is nested in it"
        warnings.append(
            Diagnostic(
                Severity.WARNING,
                doc.locate(join_pointer("tags", str(index[name]), "parent")),
                f"the tag {name!r} has the parent {parent!r}, which {problem}; it is not nested in it.",
                "name a tag of the document's `tags` as `parent`, and nest no tag in itself.",
            )
        )
    return {name: (*reversed(_ancestors(name, kept)), name) for name in index}


def _ancestors(name: str, parents: dict[str, str]) -> list[str]:
    """A tag's parent, its parent's and so on, until one has none or the chain comes back to one already met."""
    found: list[str] = []
    while name in parents and parents[name] not in found:
        name = parents[name]
        found.append(name)
    return found


def _path_docs(grouped: dict[_Key, list[ir.Operation]]) -> dict[_Key, str]:
    """What a resource made from paths is about: the paths it covers."""
    docs = {}
    for key, operations in grouped.items():
        paths = list(dict.fromkeys(op.path for op in operations))
        more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
        docs[key] = f"Operations on {', '.join(f'`{p}`' for p in paths[:3])}{more}."
    return docs


def _nested(grouped: dict[_Key, list[ir.Operation]]) -> dict[_Key, list[ir.Operation]]:
    """The resources with every parent present (an empty one if it has no operations), each before its children."""
    ordered: dict[_Key, list[ir.Operation]] = {}
    for key in grouped:
        for depth in range(1, len(key) + 1):
            ordered.setdefault(key[:depth], grouped.get(key[:depth], []))
    return ordered


def _assemble(
    doc: Document, schemas: SchemaBuilder, grouped: dict[_Key, list[ir.Operation]], docs: dict[_Key, str]
) -> tuple[ir.Group, ...]:
    """The groups: attributes unique among siblings and apart from the client's (or resource's) own, method
    names unique within a resource and apart from its children and the methods made beside its operations,
    and class names apart from the types' (resource classes share client.py with them)."""
    type_names = {str(d.name) for d in schemas.definitions()}
    taken_classes: set[str] = set()
    attributes: dict[_Key, Identifier] = {}
    for outer in dict.fromkeys(key[:-1] for key in grouped):
        siblings = [key for key in grouped if key[:-1] == outer]
        reserved = RESOURCE_ATTRIBUTES if outer else CLIENT_ATTRIBUTES
        attributes.update(zip(siblings, dedupe([Identifier(key[-1], reserved) for key in siblings]), strict=True))
    groups = []
    for key, operations in grouped.items():
        children = [attributes[k] for k in grouped if k[:-1] == key]
        # Taken first: sub-resources, and the methods made beside status operations (`wait`, `handle`).
        taken = [*children, *(name for op in operations for name in op.companions)]
        wanted = [Identifier(op.name, RESOURCE_ATTRIBUTES) for op in operations]
        names = dedupe([*taken, *wanted])[len(taken) :]
        renamed = []
        for op, own, name in zip(operations, wanted, names, strict=True):
            if name != own:
                schemas.warnings.append(_collision(doc, op, name))
            if name != op.name:
                op = ir.Operation(**{**op.__dict__, "name": name})
            renamed.append(op)
        base, counter = ClassName(f"{ClassName('_'.join(key))}Resource"), 1
        class_name = base
        # Both classes, sync and async, apart from the types and from both classes of every other resource.
        while {class_name, async_name(class_name)} & (type_names | taken_classes):
            counter += 1
            class_name = ClassName(f"{base}{counter}")
        taken_classes |= {class_name, async_name(class_name)}
        parent = tuple(attributes[key[:depth]] for depth in range(1, len(key)))
        groups.append(ir.Group(attributes[key], class_name, docs.get(key, ""), tuple(renamed), parent))
    return tuple(groups)


def _paging_note(doc: Document, grouped: dict[_Key, list[ir.Operation]]) -> Diagnostic:
    """Which operations page by a recognised shape, and how: the generator's summary of what it decided."""
    kinds: dict[str, list[str]] = {}
    for key, operations in grouped.items():
        for op in operations:
            if op.pagination and op.pagination.detected:
                kinds.setdefault(op.pagination.kind, []).append(f"{'.'.join(key)}.{op.name}")
    listed = "; ".join(
        f"{kind.replace('_', ' ')}: {len(ops)} ({', '.join(ops[:3])}{', ...' if len(ops) > 3 else ''})"
        for kind, ops in sorted(kinds.items())
    )
    return Diagnostic(
        Severity.NOTE,
        doc.locate("/paths"),
        f"pagination recognised from the operations' shapes, by kind: {listed}.",
        "declare `x-pagination` on an operation to page it otherwise (docs/extensions.md).",
    )


def _collision(doc: Document, op: ir.Operation, name: Identifier) -> Diagnostic:
    return Diagnostic(
        Severity.WARNING,
        doc.locate(op.pointer),
        f"{op.method} {op.path} would be named {op.name!r}, like another method of its resource; it is named {name!r}.",
        "name it with `x-python-method: <name>` on the operation.",
    )


def method_name(operation_id: str, tag: str) -> Identifier:
    """`list-async-actions` in tag `Async Actions` -> `list`; keeps the full name if nothing is left."""
    op_words = [w.lower() for w in words(operation_id)]
    tag_words = [w.lower() for w in words(tag)]
    for form in (tag_words, [*tag_words[:-1], tag_words[-1].rstrip("s")] if tag_words else []):
        for start in range(len(op_words) - len(form) + 1):
            if form and op_words[start : start + len(form)] == form and len(form) < len(op_words):
                return Identifier("_".join(op_words[:start] + op_words[start + len(form) :]))
    return Identifier(operation_id)
