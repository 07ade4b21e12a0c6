"""Stage 4a, the client's modules: `client.py` (the two client classes and the wait errors) and one
`resources/<name>.py` per outermost resource, with its nested resources and the constants they use.

A client attribute loads its resource's module the first time it is used, so importing the client of an
API with thousands of operations costs what it costs for one with ten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator import ir
from generator.render.client_context import ClientContext, ConstantView, FailedErrorView
from generator.render.client_views import (
    ASYNC,
    MODES,
    MODULE_NAMES,
    RUNTIME_IMPORTS,
    SYNC,
    GroupView,
    methods_of_operation,
)
from generator.render.endpoint_views import credentials, scheme_source
from generator.render.python_code import BUILTIN_TYPES, docstring, import_lines, imports_for, literal

_RUNTIME_EXPORTS = {
    "._exceptions": [
        "APIConnectionError", "APIError", "APIResponseValidationError", "APIStatusError", "APITimeoutError",
        "AuthenticationError", "BadRequestError", "ConflictError", "InternalServerError", "InvalidRequestError",
        "MissingCredentialsError",
        "NotFoundError", "PaginationLoopError", "PermissionDeniedError", "RateLimitError", "UnexpectedActionError",
        "UnprocessableEntityError", "WaitFailedError", "WaitTimeoutError",
    ],
    "._pagination": ["Page", "AsyncPage"],
    "._polling": ["Accepted", "AsyncAccepted", "ActionHandle", "AsyncActionHandle"],
    "._response": ["RawResponse", "RequestOptions"],
    "._runtime": ["FileInput"],
}  # fmt: skip


_OWN_SERVERS = " (operations with servers of their own keep them when absolute; relative ones are resolved against it)"


@dataclass(frozen=True)
class ResourceModuleView:
    """One `resources/` module: an outermost resource and the resources nested in it, sync and async."""

    name: str
    docstring: str
    groups: tuple[GroupView, ...]
    constants: tuple[ConstantView, ...]
    imports: tuple[str, ...]
    type_imports: tuple[str, ...]  # under `if TYPE_CHECKING:`


@dataclass(frozen=True)
class ClientView:
    """Everything the client's modules need."""

    names: dict[str, str]  # the client class by mode kind: `VoucherifyClient`, `AsyncVoucherifyClient`
    module_docstring: str
    resources_docstring: str  # of `resources/__init__.py`
    docstring: str
    init_docstring: str
    arguments: tuple[str, ...]
    base_url: str
    server_variables: str
    credentials: str  # `{"app_id": app_id, ...}`
    schemes: str  # the name of the schemes constant, or `{}`
    default_error: str  # the constant parsing an undocumented error status's body; "" for none
    groups: tuple[GroupView, ...]  # every resource, outermost first
    resource_modules: tuple[ResourceModuleView, ...]
    constants: tuple[ConstantView, ...]
    failed_errors: tuple[FailedErrorView, ...]
    imports: tuple[str, ...]
    type_imports: tuple[str, ...]  # under `if TYPE_CHECKING:`
    exports: dict[str, list[str]]  # public names by the module that defines them


def _group_view(api: ir.Api, group: ir.Group, ctx: ClientContext, module: str) -> GroupView:
    ctx.shadowed = (frozenset(op.name for op in group.operations) & BUILTIN_TYPES) | ctx.reserved
    methods = {
        mode.kind: tuple(m for op in group.operations for m in methods_of_operation(op, ctx, mode)) for mode in MODES
    }
    text = group.description or (
        f"Operations tagged {group.name}." if group.operations else f"The resources nested in `{group.qualified}`."
    )
    children = tuple((g.name, class_names(g)) for g in api.groups if g.parent == (*group.parent, group.name))
    return GroupView(
        group.name, class_names(group), docstring(text, 4), methods, children, not group.parent, group.qualified, module
    )


def class_names(group: ir.Group) -> dict[str, str]:
    """A resource's class in each mode: `VouchersResource`, `AsyncVouchersResource`."""
    return {SYNC.kind: group.class_name, ASYNC.kind: group.async_class_name}


def _imports(
    rendered: str, types: list[ir.TypeExpr], ctx: ClientContext, up: str
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """What a module's code mentions, to import: (at run time, for type checkers only), by module. `up` is
    the package's relative prefix from the module (`.` for client.py, `..` in `resources/`)."""
    tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", re.sub(r"\btypes\.\w+", "", rendered)))
    needed = {_relative(module, up): names & tokens for module, names in imports_for(types).items()}
    needed.setdefault("typing", set()).update({"Any", "Literal"} & tokens)
    # Types are imported for type checkers only: at run time the parsers look them up when first needed.
    checking = {f"{up}types": (ir.named_in(types) & tokens) - ctx.reserved}
    if checking[f"{up}types"]:
        needed["typing"].add("TYPE_CHECKING")
    if "types." in rendered:
        needed[up] = {"types"}
    for module, names in RUNTIME_IMPORTS.items():
        needed[_relative(module, up)] = needed.get(_relative(module, up), set()) | (set(names) & tokens)
    return needed, checking


def _relative(module: str, up: str) -> str:
    """A module written for the package's top (`._runtime`) as seen from a module `up` away (`.._runtime`)."""
    return up + module[1:] if module.startswith(".") else module


def _types_of(operations: list[ir.Operation]) -> list[ir.TypeExpr]:
    """The types the operations' responses, parameters and bodies name."""
    return [
        t
        for op in operations
        for t in [*(r.type for r in op.responses), *(p.type for p in op.parameters if p.constant is None), op.body]
        if t is not None
    ]


def _rendered(groups: list[GroupView], constants: tuple[ConstantView, ...]) -> str:
    return " ".join(
        [f"{m.decorator} {m.signature} {m.returns} {' '.join(m.body)}" for g in groups for ms in g.methods.values()
         for m in ms]
        + [f"{c.hint} {c.value}" for c in constants]
    )  # fmt: skip


def _resource_module(api: ir.Api, top: ir.Group, ctx: ClientContext) -> ResourceModuleView:
    """The module of an outermost resource: its classes and those nested in it, and their constants."""
    failed = ctx.failed_errors
    members = [g for g in api.groups if g is top or g.parent[:1] == (top.name,)]
    groups = [_group_view(api, g, ctx, top.name) for g in members]
    # The status operations' too: a module that polls one defines its constants itself.
    polled = [op for g in api.groups for op in g.operations if op.poll is not None]
    types = _types_of([op for g in members for op in g.operations] + polled) + ctx.item_types
    constants = tuple(ctx.constants.by_value.values())
    rendered = _rendered(groups, constants)
    needed, checking = _imports(rendered, types, ctx, "..")
    needed["..client"] = {name for name in failed if re.search(rf"\b{name}\b", rendered)}
    needed[".._base_client"] = needed.get(".._base_client", set()) | {"APIClient", "AsyncAPIClient"}
    clients = f"{api.client_name} and {api.async_client_name}"
    return ResourceModuleView(
        top.name,
        docstring(f"`client.{top.name}` of {clients}, and the resources nested in it."),
        tuple(groups),
        constants,
        import_lines(needed, modules=("builtins",) if "builtins." in rendered else ()),
        import_lines(checking),
    )


def _init_doc(api: ir.Api, secrets: list[ir.Credential]) -> str:
    """The docstring of the client's `__init__`: every argument, credentials with their environment variables."""
    lines = [f"- `{c.name}`: or the environment variable `{c.env_var}`" for c in secrets]
    lines += [f"- `{v.name}`: the server's `{{{v.wire_name}}}` (default {v.default!r})" for v in api.server_variables]
    lines += [
        f"- `base_url`: instead of {api.server_url or 'the spec server'!r}"
        + (_OWN_SERVERS if any(op.server is not None for g in api.groups for op in g.operations) else ""),
        "- `timeout`: seconds one attempt of a request may take in all, reading the body included (or an\n"
        "  `httpx.Timeout`: httpx's per-phase timeouts); `max_retries`: retries of failed idempotent requests",
        "- `http_client`: an httpx client of your own (its pool is left open on close)",
        "- `lenient`: parse answers that contradict their schema as far as they match (with a logged warning)\n"
        "  rather than raise `APIResponseValidationError`",
    ]
    return "Create a client; every argument is optional.\n\n" + "\n".join(lines)


def _client_doc(api: ir.Api, secrets: list[ir.Credential]) -> str:
    """The client's docstring: what it is for, and every credential with its environment variable."""
    title = api.title.removesuffix(" API").removesuffix(" api")
    text = f"Client for the {title} API." if title else "API client."
    if secrets:
        listed = "\n".join(f"- `{c.name}` (or the environment variable `{c.env_var}`)" for c in secrets)
        text += f"\n\nCredentials, each needed only by the operations whose security asks for it:\n\n{listed}"
    return text


def client_view(api: ir.Api) -> ClientView:
    """The client's modules: the client classes with their wait errors, and the resources, one module each."""
    ctx = ClientContext(api, MODULE_NAMES)  # the client module's; each resource module gets its own constants
    failed = ctx.failed_errors
    modules = tuple(_resource_module(api, top, ctx.for_module()) for top in api.groups if not top.parent)
    default_error = ctx.constants.parser(ctx.default_error) if ctx.default_error is not None else ""
    secrets = credentials(api)
    arguments = [f"{c.name}: str | None = None" for c in secrets]
    arguments += [f"{v.name}: str = {literal(v.default)}" for v in api.server_variables]
    schemes = "{}"
    if api.auth:
        schemes = ctx.constants.add(
            "schemes",
            "dict[str, Scheme]",
            "{" + ", ".join(f"{literal(s.key)}: {scheme_source(s)}" for s in api.auth) + "}",
        )
    constants = tuple(ctx.constants.by_value.values())
    # The wait errors name the status operations' types; the default error is parsed here too.
    types = _types_of([op for g in api.groups for op in g.operations if op.poll is not None]) + ctx.item_types
    types += [ctx.default_error] if ctx.default_error is not None else []
    rendered = " ".join([f"{c.hint} {c.value}" for c in constants] + [e.type for e in failed.values()])
    needed, checking = _imports(rendered, types, ctx, ".")
    needed["._base_client"] |= {"DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "APIClient", "AsyncAPIClient", "expand_url"}
    tops = [g for m in modules for g in m.groups if g.top_level]
    if tops:
        needed["functools"] = {"cached_property"}
        needed["typing"].add("TYPE_CHECKING")
        for module in modules:
            checking[f".resources.{module.name}"] = {
                g.class_names[mode.kind] for g in module.groups if g.top_level for mode in MODES
            }
    if failed:
        needed["._exceptions"].add("WaitFailedError")
    return ClientView(
        names={SYNC.kind: api.client_name, ASYNC.kind: api.async_client_name},
        module_docstring=docstring(
            f"The {api.client_name} and {api.async_client_name} clients; each resource is loaded from `resources/` "
            "when first used."
        ),
        resources_docstring=docstring(
            f"The resources of the {api.client_name}, one module per outermost resource, each loaded when first used."
        ),
        docstring=docstring(_client_doc(api, secrets), 4),
        init_docstring=docstring(_init_doc(api, secrets), 8),
        arguments=tuple(arguments),
        base_url=literal(api.server_url),
        server_variables="{" + ", ".join(f"{literal(v.wire_name)}: {v.name}" for v in api.server_variables) + "}",
        credentials="{" + ", ".join(f"{literal(c.name)}: {c.name}" for c in secrets) + "}",
        schemes=schemes,
        default_error=default_error,
        groups=tuple(g for m in modules for g in m.groups),
        resource_modules=modules,
        constants=constants,
        failed_errors=tuple(failed.values()),
        imports=import_lines(needed, modules=("httpx",)),
        type_imports=import_lines(checking),
        exports={".client": [api.client_name, api.async_client_name, *failed], **_RUNTIME_EXPORTS},
    )
