"""Stage 3b, operations into resources: by first tag, or by path where the tags say nothing useful.

A tagged spec gets one resource per tag, its methods named as `tag_names` decides (REST names from the paths,
or the operationIds where they read better); a tag with a `parent` (OpenAPI 3.2) is a resource nested in its
parent's (`client.pets.toys`). An untagged one, one whose tags do not partition its operations (or any, when
the project asks) gets nested resources and REST names from its paths (see `rest_names`). `x-python-method`
(or `x-method-name`) on an operation wins over both. Two operations that would share a method name are told
apart by a counter, the first in path order keeping the name, and the rename is reported as a located warning.
"""

from __future__ import annotations

from dataclasses import replace

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.ir.build_models import SchemaBuilder
from generator.ir.build_operations import build_operation
from generator.ir.names import CLIENT_ATTRIBUTES, RESOURCE_ATTRIBUTES, ClassName, Identifier, async_name, dedupe
from generator.ir.rest_names import place
from generator.ir.tag_names import Named, fallback, first_tag, name_in_tags
from generator.load.document import Document, join_pointer
from generator.validate import view

_Key = tuple[str, ...]  # a resource: its tags' or path segments' identifiers, outermost first


def build_groups(
    doc: Document,
    schemas: SchemaBuilder,
    auth: tuple[ir.SecurityScheme, ...] = (),
    by_paths: bool | None = None,
    methods: dict[str, str] | None = None,
) -> tuple[ir.Group, ...]:
    """Every operation of the document, grouped into resources, in spec order (a parent before its children).

    `by_paths` forces resources from paths (True) or from tags (False); None decides (`tag_names.fallback`).
    `methods` (operationId -> `resource.sub.method` or `method`) wins over both. The choice is noted when the spec
    has tags.
    """
    routes = view.operations(doc)
    reason = fallback(routes) if by_paths is None else None
    by_paths = by_paths if by_paths is not None else reason is not None
    placements = place([(route.path, route.method.lower()) for route in routes])
    nesting = {} if by_paths else _tag_nesting(doc, schemas.warnings)
    if by_paths:
        named = [Named(p.resource, Identifier(p.method)) for p in placements]
        from_ids: list[str] = []
    else:
        named, from_ids = name_in_tags(routes, placements, nesting)
    if any(route.spec.get("tags") for route in routes):  # an untagged spec had nothing to choose
        schemas.warnings.append(_naming_note(doc, by_paths, reason, from_ids, len(set(map(first_tag, routes)))))
    grouped: dict[_Key, list[ir.Operation]] = {}
    labels: dict[_Key, tuple[str, ...]] = {}  # each resource's tags or segments as the spec spells them
    for route, (raw, default) in zip(routes, named, strict=True):
        override = (methods or {}).get(str(route.spec.get("operationId")), "").split(".")
        if override != [""]:  # the project's choice: `resource.sub.method` moves it, `method` renames it
            raw, default = tuple(override[:-1]) or raw, Identifier(override[-1])
        key = _key(raw)  # by identifiers, so that an override naming a tag's resource adds to it
        labels.update({key[:depth]: raw[:depth] for depth in range(1, len(key) + 1) if key[:depth] not in labels})
        operation = build_operation(doc, schemas, auth, route, Identifier(key[-1]), default)
        if override != [""]:
            operation = replace(operation, name=default)
        grouped.setdefault(key, []).append(operation)
    operations = [op for ops in grouped.values() for op in ops]
    if any(op.pagination and op.pagination.detected for op in operations):
        schemas.warnings.append(_paging_note(doc, grouped))
    docs = _path_docs(grouped)
    if not by_paths:  # a tag's own resource is described by the tag, the resources nested in it by their paths
        docs = {key: text for key, text in docs.items() if labels[key] != nesting.get(labels[key][-1])}
        for tag in doc.data.get("tags", []):
            docs[_key(nesting.get(str(tag["name"]), (str(tag["name"]),)))] = tag.get("description") or tag.get(
                "summary", ""
            )
    return _assemble(doc, schemas, _nested(grouped), docs, labels)


def _key(raw: tuple[str, ...]) -> _Key:
    return tuple(map(str, map(Identifier, raw)))


def _naming_note(doc: Document, by_paths: bool, reason: str | None, from_ids: list[str], tags: int) -> Diagnostic:
    """How the resources and methods were named, and why: the generator's choice, for the generation's output."""
    if by_paths:
        chosen = f"resources from paths: {reason}" if reason else "resources from paths, as configured"
    else:
        chosen = "resources by tag, method names from paths"
        if from_ids:
            shown = ", ".join(map(repr, from_ids[:3])) + (", ..." if len(from_ids) > 3 else "")
            chosen += f" (from operationIds in {len(from_ids)} of {tags} tags, whose names read better: {shown})"
    return Diagnostic(
        Severity.NOTE,
        doc.locate("/paths"),
        f"{chosen}.",
        f'set `resources = "tags"` or `"paths"` in `[tool.sdk-generator.naming."{doc.name}"]` of pyproject.toml.',
    )


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
    doc: Document,
    schemas: SchemaBuilder,
    grouped: dict[_Key, list[ir.Operation]],
    docs: dict[_Key, str],
    labels: dict[_Key, tuple[str, ...]],
) -> tuple[ir.Group, ...]:
    """The groups: attributes unique among siblings and apart from the client's (or resource's) own, method
    names unique within a resource and apart from its children and the methods made beside its operations,
    and class names apart from the types' (resource classes share client.py with them)."""
    type_names = {str(d.name) for d in schemas.definitions()}
    taken_classes: set[str] = set()
    attributes: dict[_Key, Identifier] = {}
    nested: dict[_Key, list[_Key]] = {}  # each resource's children (the client's: `()`), indexed once
    for key in grouped:
        nested.setdefault(key[:-1], []).append(key)
    for outer, siblings in nested.items():
        reserved = RESOURCE_ATTRIBUTES if outer else CLIENT_ATTRIBUTES
        attributes.update(zip(siblings, dedupe([Identifier(key[-1], reserved) for key in siblings]), strict=True))
    groups = []
    for key, operations in grouped.items():
        children = [attributes[k] for k in nested.get(key, [])]
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
        base, counter = ClassName(f"{ClassName('_'.join(labels[key]))}Resource"), 1
        class_name = base
        # Both classes, sync and async, apart from the types and from both classes of every other resource.
        while any(name in type_names or name in taken_classes for name in (class_name, async_name(class_name))):
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
