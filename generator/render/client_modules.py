"""Stage 4a, the client's modules: `client.py` (the two client classes and the wait errors) and one
`resources/<name>.py` per outermost resource, with its nested resources and the constants they use.

A client attribute loads its resource's module the first time it is used, so importing the client of an
API with thousands of operations costs what it costs for one with ten.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import ir
from generator.render.client_context import ClientContext, FailedErrorView, Scope, parser
from generator.render.client_views import MODULE_NAMES, GroupView, methods_of_operation, shape_of
from generator.render.constants import Code, Constant, ConstantView, defined, names, source
from generator.render.endpoint_views import credentials, scheme_source
from generator.render.method_views import ASYNC, MODES, SYNC
from generator.render.needs import NOTHING, Needs, joined, uses
from generator.render.python_code import BUILTIN_TYPES, docstring, import_lines, literal

_RUNTIME_EXPORTS = {
    "._exceptions": [
        "APIConnectionError", "APIError", "APIResponseValidationError", "APIStatusError", "APITimeoutError",
        "AuthenticationError", "BadRequestError", "ConflictError", "InternalServerError", "InvalidRequestError",
        "MissingCredentialsError",
        "NotFoundError", "PaginationLoopError", "PermissionDeniedError", "RateLimitError", "UnexpectedActionError",
        "UnprocessableEntityError", "WaitFailedError", "WaitTimeoutError", "WebhookVerificationError",
    ],
    "._api_client": ["Middleware", "AsyncMiddleware"],
    "._encoding": ["Omit", "omit"],
    "._pagination": ["Page", "AsyncPage"],
    "._paginator": ["AsyncPaginator"],
    "._polling": ["Accepted", "AsyncAccepted", "ActionHandle", "AsyncActionHandle"],
    "._response": ["RawResponse", "RequestOptions"],
    "._runtime": ["FileInput"],
    "._streaming": ["Stream", "AsyncStream", "ServerSentEvent", "StreamInterruptedError"],
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
    named: dict[Constant, str]  # the constants its methods name, by the names `constants` gives them

    def source(self, line: Code) -> str:
        """A line of a method, with the module's names for the constants in it."""
        return source(line, self.named)


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
    webhooks_attribute: str = ""  # the client's `Webhooks` (`webhooks_attribute`); "" when the API sends none
    idempotency_header: str = "None"  # the default of the client's `idempotency_header`, a literal


def _group_view(api: ir.Api, group: ir.Group, scope: Scope, module: str) -> GroupView:
    shapes = [(op, shape_of(op, scope)) for op in group.operations]
    methods = {
        mode.kind: tuple(m for op, s in shapes for m in methods_of_operation(op, s, scope, mode)) for mode in MODES
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


def import_plan(
    needs: Needs, up: str, modules: tuple[str, ...] = (), checking: dict[str, set[str]] | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The import lines of a module `up` from the package's top (`.` for client.py, `..` in `resources/`) that
    uses `needs`: those run at import time, and those under `if TYPE_CHECKING:` (the package's types, which
    the parsers look up when first needed, and the `checking` names). `modules` are plain imports it makes."""
    by_module: dict[str, set[str]] = {}
    for module, name in needs.names:
        by_module.setdefault(_relative(module, up), set()).add(name)
    checked = {f"{up}types": set(needs.types), **(checking or {})}
    if any(checked.values()):
        by_module.setdefault("typing", set()).add("TYPE_CHECKING")
    return import_lines(by_module, tuple(sorted(needs.modules | set(modules)))), import_lines(checked)


def _relative(module: str, up: str) -> str:
    """A module written for the package's top (`._runtime`, `.`) as seen from a module `up` away (`.._runtime`)."""
    return up + module[1:] if module.startswith(".") else module


def raised(groups: tuple[GroupView, ...]) -> tuple[FailedErrorView, ...]:
    """The wait errors the methods of `groups` raise, each once, in the order they are first raised."""
    found: dict[str, FailedErrorView] = {}
    for error in (e for g in groups for ms in g.methods.values() for m in ms for e in m.failed_errors):
        found.setdefault(error.name, error)
    return tuple(found.values())


# The resource classes' `__init__` takes the client (templates/package/resources/module.py.jinja).
_RESOURCE_NEEDS = uses("._api_client", "APIClient", "AsyncAPIClient")


def resource_module(api: ir.Api, top: ir.Group, ctx: ClientContext) -> ResourceModuleView:
    """The module of an outermost resource: its classes and those nested in it, and the constants they use.

    Every module defines the constants it uses, those of a status operation that several resources poll
    included: no module imports another's private names."""
    members = [g for g in api.groups if g is top or g.parent[:1] == (top.name,)]
    groups = tuple(_group_view(api, g, Scope(ctx, _shadowed(g, ctx)), top.name) for g in members)
    methods = [m for g in groups for ms in g.methods.values() for m in ms]
    named = names(line for m in methods for line in m.body)
    constants = defined(named)
    imports, type_imports = import_plan(
        joined([_RESOURCE_NEEDS, *(m.needs for m in methods), *(c.needs for c in constants)]), ".."
    )
    clients = f"{api.client_name} and {api.async_client_name}"
    return ResourceModuleView(
        top.name,
        docstring(f"`client.{top.name}` of {clients}, and the resources nested in it."),
        groups,
        constants,
        imports,
        type_imports,
        named,
    )


def _shadowed(group: ir.Group, ctx: ClientContext) -> frozenset[str]:
    """The names a resource's annotations write qualified: builtins its methods hide, and the reserved types."""
    return (frozenset(op.name for op in group.operations) & BUILTIN_TYPES) | ctx.reserved


def webhook_env(api: ir.Api) -> str:
    """Where the webhook secret is read from when it is not given: `<PACKAGE>_WEBHOOK_SECRET`."""
    return f"{api.package.upper()}_WEBHOOK_SECRET"


def webhooks_attribute(api: ir.Api) -> str:
    """The client attribute holding its `Webhooks`: `webhooks`, or `webhook_events` where a resource (the
    operations that manage webhook subscriptions, often) is called `webhooks`; "" when the API sends none."""
    if api.webhooks is None:
        return ""
    taken = any(g.name == "webhooks" and not g.parent for g in api.groups)
    return "webhook_events" if taken else "webhooks"


def _init_doc(api: ir.Api, secrets: list[ir.Credential]) -> str:
    """The docstring of the client's `__init__`: every argument, credentials with their environment variables."""
    lines = [f"- `{c.name}`: or the environment variable `{c.env_var}`" for c in secrets]
    lines += [f"- `{v.name}`: the server's `{{{v.wire_name}}}` (default {v.default!r})" for v in api.server_variables]
    lines += [
        f"- `base_url`: instead of {api.server_url or 'the spec server'!r}"
        + (_OWN_SERVERS if any(op.server is not None for g in api.groups for op in g.operations) else ""),
        "- `timeout`: seconds one attempt of a request may take in all, reading the body included (or an\n"
        "  `httpx.Timeout`: httpx's per-phase timeouts); `max_retries`: retries of failed idempotent requests\n"
        "  (both may also be given per call)",
        "- `http_client`: an httpx client of your own (its pool is left open on close): for proxies, transports,\n"
        "  certificates, limits, as `httpx.Client(proxy=..., transport=...)` takes them",
        *_OPTION_DOCS,
        f"- `idempotency_header`: the header {_idempotency_doc(api)}",
        *(
            [
                f"- `webhook_secret`: verifies `client.{webhooks_attribute(api)}`, or the environment variable "
                f"`{webhook_env(api)}`"
            ]
            if api.webhooks
            else []
        ),
        "- `lenient`: parse answers that contradict their schema as far as they match (with a logged warning)\n"
        "  rather than raise `APIResponseValidationError`",
    ]
    return "Create a client; every argument is optional.\n\n" + "\n".join(lines)


_OPTION_DOCS = (
    "- `default_headers`: sent with every request (a `User-Agent` here replaces the package's own);\n"
    "  `default_query`: query parameters sent with every request that does not set them itself",
    "- `middleware`: functions that see every attempt of every request, retries included:\n"
    "  `(request, send_on) -> response`, the first given outermost",
)


def _idempotency_doc(api: ir.Api) -> str:
    """What the client's `idempotency_header` does, and where its default comes from."""
    default = (
        f"by default {api.idempotency_header!r}, as the spec declares" if api.idempotency_header else "off by default"
    )
    return (
        "that carries a new key on every call that may change something, the same on each of its retries, so a "
        f"POST or PATCH is retried too ({default})"
    )


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
    ctx = ClientContext(api, MODULE_NAMES)
    modules = tuple(resource_module(api, top, ctx) for top in api.groups if not top.parent)
    failed = raised(tuple(g for m in modules for g in m.groups))
    # client.py's own constants: the default error's parser and the schemes
    error_parser = parser(ctx.default_error, "json", ctx.reserved) if ctx.default_error is not None else None
    secrets = credentials(api)
    arguments = [f"{c.name}: str | None = None" for c in secrets]
    arguments += [f"{v.name}: str = {literal(v.default)}" for v in api.server_variables]
    arguments += ["webhook_secret: str | None = None"] if api.webhooks else []
    schemes = None
    if api.auth:
        value = "{" + ", ".join(f"{literal(s.key)}: {scheme_source(s)}" for s in api.auth) + "}"
        schemes = Constant("dict[str, Scheme]", (value,), "schemes", uses("._auth", "Scheme"))
    named = names([(c,) for c in (error_parser, schemes) if c is not None])
    constants = defined(named)
    tops = [g for m in modules for g in m.groups if g.top_level]
    needs = joined([_CLIENT_NEEDS, *(c.needs for c in constants), *(e.needs for e in failed)])
    needs |= uses("functools", "cached_property") if tops or api.webhooks else NOTHING
    needs |= uses("._exceptions", "WaitFailedError") if failed else NOTHING
    # The resources are imported when first used: their classes are named here for type checkers only.
    resources = {
        f".resources.{m.name}": {g.class_names[mode.kind] for g in m.groups if g.top_level for mode in MODES}
        for m in modules
    }
    if api.webhooks:
        resources[".webhooks"] = {"Webhooks"}
    imports, type_imports = import_plan(needs, ".", ("httpx",), resources)
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
        schemes=named[schemes] if schemes is not None else "{}",
        default_error=named[error_parser] if error_parser is not None else "",
        groups=tuple(g for m in modules for g in m.groups),
        resource_modules=modules,
        constants=constants,
        failed_errors=failed,
        imports=imports,
        type_imports=type_imports,
        exports={
            ".client": [api.client_name, api.async_client_name, *(e.name for e in failed)],
            **({".webhooks": ["Webhooks"]} if api.webhooks else {}),
            **_RUNTIME_EXPORTS,
        },
        webhooks_attribute=webhooks_attribute(api),
        idempotency_header=literal(api.idempotency_header),
    )


# What the client classes' `__init__` names (templates/package/client.py.jinja).
_CLIENT_NEEDS = joined(
    [
        uses("._api_client", "APIClient", "AsyncAPIClient", "Middleware", "AsyncMiddleware"),
        uses("collections.abc", "Mapping", "Sequence"),
        uses("._base_client", "DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT"),
        uses("._endpoint", "expand_url"),
    ]
)
