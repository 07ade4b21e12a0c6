"""Stage 4a, IR to template context: every string a template prints, decided here.

Templates only place these strings; they hold no logic beyond loops. One view
dataclass per thing a template renders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator import ir
from generator.python_code import docstring, hint, imports_for, literal, named_in


@dataclass(frozen=True)
class FieldView:
    """`name: annotation = default` in a model body."""

    name: str
    annotation: str
    default: str


@dataclass(frozen=True)
class ModelView:
    """A pydantic model class."""

    name: str
    docstring: str
    fields: tuple[FieldView, ...]


@dataclass(frozen=True)
class EnumView:
    """An open enum class and its members as (name, value literal)."""

    name: str
    base: str
    docstring: str
    members: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AliasView:
    """A union type alias, with the docstring placed after it."""

    name: str
    expression: str
    docstring: str


@dataclass(frozen=True)
class Mode:
    """Sync or async: what differs between the two renderings of one client source."""

    prefix: str
    kind: str
    def_: str
    await_: str
    http_client: str
    close: str
    dunder: str  # "a" for __aenter__/__aexit__


MODES = (
    Mode("", "sync", "def", "", "httpx.Client", "close", ""),
    Mode("Async", "async", "async def", "await ", "httpx.AsyncClient", "aclose", "a"),
)


@dataclass(frozen=True)
class OperationView:
    """A resource method: signature, return hint, docstring, and the request call's arguments."""

    name: str
    signature: str
    returns: str
    docstring: str
    call: str


@dataclass(frozen=True)
class GroupView:
    """A resource class (`AsyncActionsResource`) and the attribute that holds it."""

    attribute: str
    class_name: str
    docstring: str
    operations: tuple[OperationView, ...]


@dataclass(frozen=True)
class ParserView:
    """A module-level response parser: `NAME: ResponseType[hint] = ResponseType(expr)`."""

    name: str
    hint: str


@dataclass(frozen=True)
class ClientView:
    """Everything the client module needs."""

    name: str
    docstring: str
    arguments: tuple[str, ...]
    base_url: str
    server_variables: str
    auth: tuple[tuple[str, str, str], ...]  # (argument, header literal, env var literal)
    groups: tuple[GroupView, ...]
    parsers: tuple[ParserView, ...]
    imports: tuple[str, ...]


def _import_lines(needed: dict[str, set[str]], modules: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Import lines in isort order: standard library, third party, then local.

    `needed` holds `from module import names`; `modules` are plain `import module` lines.
    """

    def group(module: str) -> int:
        return 2 if module.startswith(".") else 1 if module in ("pydantic", "httpx") else 0

    entries = [(group(m), 0, m, f"import {m}") for m in modules]
    entries += [(group(m), 1, m, f"from {m} import {', '.join(sorted(n))}") for m, n in needed.items() if n]
    lines: list[str] = []
    previous = None
    for rank, _, _, line in sorted(entries):
        if previous is not None and rank != previous:
            lines.append("")
        lines.append(line)
        previous = rank
    return tuple(lines)


def field_view(field: ir.Field) -> FieldView:
    """Decide a field's annotation and its `Field(...)` default."""
    args = [] if field.required else ["default=None"]
    if field.wire_name != field.name:
        args += [f"validation_alias={literal(field.wire_name)}", f"serialization_alias={literal(field.wire_name)}"]
    if field.description:
        args.append(f"description={literal(field.description)}")
    default = "None" if args == ["default=None"] else (f"Field({', '.join(args)})" if args else "")
    return FieldView(field.name, hint(field.type), default)


def model_view(model: ir.Model) -> ModelView:
    """The view of one model class."""
    text = model.description or model.title or f"The {model.name} object."
    return ModelView(model.name, docstring(text), tuple(field_view(f) for f in model.fields))


def enum_view(enum: ir.Enum) -> EnumView:
    """The view of one enum class."""
    base = "OpenStrEnum" if enum.base == "str" else "OpenIntEnum"
    text = enum.description or enum.title or f"The {enum.name} values."
    return EnumView(enum.name, base, docstring(text), tuple((m.name, literal(m.value)) for m in enum.members))


def union_view(union: ir.UnionType, models: dict[str, ir.Model]) -> AliasView:
    """A union alias; a tagged union picks its variant from the tag, unknown tags take the fallback."""
    text = union.description or union.title or f"One of the {union.name} variants."
    if union.discriminator is None:
        return AliasView(union.name, " | ".join(hint(v.type) for v in union.variants), docstring(text))
    tags: dict[str, str] = {}
    members = []
    for variant in union.variants:
        tag = hint(variant.type)
        members.append(f"Annotated[{tag}, Tag({literal(tag)})]")
        tags.update({value: tag for value in variant.tags})
    if union.fallback:
        members.append(f"Annotated[{union.fallback}, Tag({literal(str(union.fallback))})]")
    first = models.get(hint(union.variants[0].type))
    attribute = next((f.name for f in first.fields if f.wire_name == union.discriminator), None) if first else None
    chooser = (
        f"tag_by({literal(union.discriminator)}, {literal(attribute or union.discriminator)}, "
        f"{literal(tags)}, {literal(union.fallback)})"
    )
    expression = f"Annotated[Union[{', '.join(members)}], Discriminator({chooser})]"
    return AliasView(union.name, expression, docstring(text))


def union_order(unions: list[ir.UnionType]) -> list[ir.UnionType]:
    """Unions ordered so that an alias is defined before an alias that uses it (spec order otherwise)."""
    by_name: dict[str, ir.UnionType] = {str(u.name): u for u in unions}
    done: dict[str, ir.UnionType] = {}

    def visit(union: ir.UnionType, trail: frozenset[str]) -> None:
        if union.name in done or union.name in trail:
            return
        for used in sorted(named_in([v.type for v in union.variants])):
            if used in by_name:
                visit(by_name[used], trail | {union.name})
        done[union.name] = union

    for union in unions:
        visit(union, frozenset())
    return list(done.values())


def operation_view(op: ir.Operation, parsers: dict[str, str]) -> OperationView:
    """Decide a method's signature and the arguments of its one `request` call."""
    path_params = sorted(
        (p for p in op.parameters if p.location == "path"),
        key=lambda p: op.path.find("{" + p.wire_name + "}"),
    )
    keyword = [p for p in op.parameters if p.location != "path" and p.constant is None]
    keyword.sort(key=lambda p: not p.required)
    positional = [f"{p.name}: {hint(p.type)}" for p in path_params]
    if op.body is not None and op.body_required:
        positional.append(f"body: {hint(op.body)} | dict[str, Any]")
    keywords = [f"{p.name}: {hint(p.type)}" for p in keyword if p.required]
    if op.body is not None and not op.body_required:
        keywords.append(f"body: {hint(op.body)} | dict[str, Any] | None = None")
    keywords += [f"{p.name}: {hint(ir.Nullable(p.type))} = None" for p in keyword if not p.required]
    signature = ", ".join(["self", *positional, *(["*", *keywords] if keywords else [])])

    success = op.success
    body_type = success.type if success and success.type is not None else None
    returns = hint(body_type) if body_type is not None else "None"
    parser = parsers.setdefault(returns, _parser_name(returns))
    call = [literal(op.method), literal(op.path)]
    for location in ("path", "query", "header"):
        pairs = [
            f"{literal(p.wire_name)}: {literal(p.constant) if p.constant is not None else p.name}"
            for p in op.parameters
            if p.location == location
        ]
        if pairs:
            call.append(f"{location}={{{', '.join(pairs)}}}")
    if op.body is not None:
        call.append("body=body")
    call.append(f"response={parser}")
    text = "\n\n".join(t for t in (op.summary, op.description) if t) or f"{op.method} {op.path}"
    return OperationView(op.name, signature, returns, docstring(text), ", ".join(call))


def _parser_name(returns: str) -> str:
    return "_" + "_".join(re.findall(r"[A-Za-z0-9]+", returns)).upper()


_ERRORS = ("APIConnectionError", "APIError", "APIStatusError", "APITimeoutError")


def client_view(api: ir.Api, enum_names: set[str]) -> ClientView:
    """The client module: resources, the two client classes, and their response parsers."""
    parsers: dict[str, str] = {}
    groups = tuple(
        GroupView(
            g.name,
            g.class_name,
            docstring(g.description or f"Operations tagged {g.name}."),
            tuple(operation_view(op, parsers) for op in g.operations),
        )
        for g in api.groups
    )
    arguments = [f"{a.name}: str | None = None" for a in api.auth]
    arguments += [f"{v.name}: str = {literal(v.default)}" for v in api.server_variables]
    variables = "{" + ", ".join(f"{literal(v.wire_name)}: {v.name}" for v in api.server_variables) + "}"
    types = [op.success.type for g in api.groups for op in g.operations if op.success and op.success.type]
    types += [p.type for g in api.groups for op in g.operations for p in op.parameters]
    types += [op.body for g in api.groups for op in g.operations if op.body is not None]
    needed = imports_for(types)
    if any(op.body is not None for g in api.groups for op in g.operations):
        needed.setdefault("typing", set()).add("Any")
    used = named_in(types)
    needed[".enums"] = used & enum_names
    needed[".models"] = used - enum_names
    needed["._base_client"] = {"DEFAULT_TIMEOUT", "APIClient", "AsyncAPIClient", "expand_url", "secret"}
    needed["._runtime"] = {"ResponseType"}
    return ClientView(
        name=api.client_name,
        docstring=docstring(f"Client for the {api.title} API." if api.title else "API client."),
        arguments=tuple(arguments),
        base_url=literal(api.server_url),
        server_variables=variables,
        auth=tuple((a.name, literal(a.header), literal(a.env_var)) for a in api.auth),
        groups=groups,
        parsers=tuple(ParserView(name, returns) for returns, name in parsers.items()),
        imports=_import_lines(needed, modules=("httpx",)),
    )


@dataclass(frozen=True)
class PackageView:
    """The context every package template receives."""

    api: ir.Api
    header: str
    enums: tuple[EnumView, ...]
    models: tuple[ModelView, ...]
    unions: tuple[AliasView, ...]
    model_imports: tuple[str, ...]
    client: ClientView
    exports: tuple[str, ...]
    model_exports: tuple[str, ...]
    init_docstring: str
    spec_sha256: str
    modes: tuple[Mode, ...] = MODES


def package_view(api: ir.Api) -> PackageView:
    """Build the whole context for one generated package."""
    models = [d for d in api.definitions if isinstance(d, ir.Model)]
    enums = [d for d in api.definitions if isinstance(d, ir.Enum)]
    unions = union_order([d for d in api.definitions if isinstance(d, ir.UnionType)])
    field_types = [f.type for m in models for f in m.fields]
    union_types = [v.type for u in unions for v in u.variants]
    model_views = tuple(model_view(m) for m in models)
    union_views = tuple(union_view(u, {m.name: m for m in models}) for u in unions)
    enum_names = tuple(e.name for e in enums)
    needed = imports_for(field_types + union_types)
    needed[".enums"] = named_in(field_types + union_types) & set(enum_names)
    needed["._runtime"] = {"APIModel"} if models else set()
    needed["pydantic"] = (
        {"Field"} if any(f.default.startswith("Field(") for m in model_views for f in m.fields) else set()
    )
    if unions:
        needed.setdefault("typing", set()).add("TypeAlias")
    if any(u.discriminator for u in unions):
        needed["typing"].update({"Annotated", "Union"})
        needed["pydantic"].update({"Discriminator", "Tag"})
        needed["._runtime"].add("tag_by")
    client = client_view(api, set(enum_names))
    exports: list[str] = sorted({*enum_names, *(m.name for m in models), *(u.name for u in unions)})
    exports += sorted([client.name, f"Async{client.name}", *_ERRORS])
    return PackageView(
        api=api,
        header=f"# Generated by `python -m generator` from {literal(api.source_name)}; do not edit.",
        enums=tuple(enum_view(e) for e in enums),
        models=model_views,
        unions=union_views,
        model_imports=_import_lines(needed),
        client=client,
        exports=tuple(exports),
        model_exports=tuple(sorted({*(m.name for m in models), *(u.name for u in unions)})),
        init_docstring=docstring("\n\n".join(t for t in (api.title, api.description) if t) or api.package),
        spec_sha256=literal(api.source_sha256),
    )
