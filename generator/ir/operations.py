"""The IR's operations: parameters, bodies, responses, the extensions read into them, and resources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from generator.ir.names import ClassName, Identifier, async_name
from generator.ir.type_exprs import TypeExpr, examples_field

ParameterLocation = Literal["path", "query", "querystring", "header", "cookie"]  # querystring: OpenAPI 3.2
# How a request or response body is encoded: decided from its media type (see `build_operations.media_kind`).
MediaKind = Literal["json", "form", "multipart", "binary", "text", "stream", "empty"]
# How a stream's items are framed on the wire: server-sent events, JSON lines, or RFC 7464 JSON text sequences.
Framing = Literal["sse", "jsonl", "json-seq"]


@dataclass(frozen=True)
class Parameter:
    """An operation parameter; one with a `constant` is always sent and never asked for.

    `style`/`explode` are as the spec gives them ("" / None: the location's default); a parameter
    defined by `content` has its `media_type` (its value is sent as JSON).
    """

    name: Identifier
    wire_name: str
    location: ParameterLocation
    type: TypeExpr
    required: bool
    description: str = ""
    constant: str | None = None
    examples: tuple[Any, ...] = examples_field()  # the spec's, else one made up (`ir/example_values.py`)
    style: str = ""
    explode: bool | None = None
    allow_reserved: bool = False
    media_type: str | None = None


@dataclass(frozen=True)
class PartEncoding:
    """The `encoding` of one property of a form or multipart body."""

    property: str
    content_type: str | None = None
    style: str = "form"
    explode: bool | None = None
    allow_reserved: bool = False


@dataclass(frozen=True)
class RequestBody:
    """One media type of a request body: how it is encoded and the type of the value."""

    media_type: str
    kind: MediaKind
    type: TypeExpr
    encodings: tuple[PartEncoding, ...] = ()


@dataclass(frozen=True)
class StreamFormat:
    """A response read as a stream of items, each typed `item`, handed over as they arrive.

    `events`: an item is the whole server-sent event (`event`, `data`, `id`, `retry`), its `data` decoded as
    JSON when `json_data`; otherwise an item is one event's `data` (one line, one record) parsed as JSON.
    `terminator`: the `data` that ends the stream (`[DONE]`, or `x-stream-terminator`), None for none.
    """

    media_type: str
    framing: Framing
    item: TypeExpr
    events: bool = False
    json_data: bool = True
    terminator: str | None = None


@dataclass(frozen=True)
class Response:
    """A documented response: status code (or `default`/`2XX`), body type, headers."""

    status: str
    description: str
    type: TypeExpr | None
    headers: tuple[str, ...] = ()
    examples: tuple[Any, ...] = examples_field()
    media_types: tuple[str, ...] = ()  # the declared media types the client can read it in (what `Accept` offers)
    kind: MediaKind = "empty"  # how the body `type` describes is read (json, text, binary, stream or empty)
    # The stream it is read as: its only form (`kind` "stream", `type` its item), or offered beside JSON.
    stream: StreamFormat | None = None


@dataclass(frozen=True)
class Poll:
    """The `x-poll` extension: how to tell from a status object that work is finished."""

    status_field: str
    done: tuple[str, ...]
    failed: tuple[str, ...]
    progress_field: str | None = None
    error_path: tuple[str, ...] = ()  # wire names leading to the failure's message (`details.error.message`)
    result: TypeExpr | None = None  # the narrower shape of a done status object (`result`), `wait()` returns it


@dataclass(frozen=True)
class Pagination:
    """How a list operation pages: declared by `x-pagination`, or recognised from its shape (`detected`).

    `kind` is one of `PAGE_KINDS` (see the generated `_pagination.PageSpec` for what each does). The fields
    of the answer are dotted paths of wire names (`meta.next_cursor`), through nested objects.
    """

    items_field: str  # "" when the answer is the list itself
    has_more_field: str | None
    cursor_parameter: str | None  # the query parameter the next page is asked with (wire name)
    # The last item's field (item_cursor), the answer's (body_cursor, next_url) or a response header (header_cursor).
    cursor_field: str | None
    kind: str = "item_cursor"
    detected: bool = False


PAGE_KINDS = ("item_cursor", "body_cursor", "header_cursor", "next_url", "link_header", "page_number", "offset")


@dataclass(frozen=True)
class Follow:
    """The `x-poll-location` extension of a 2xx response: poll the URL in `header` with `operation_id`."""

    header: str
    operation_id: str


@dataclass(frozen=True)
class StartsAction:
    """The `x-async-action` extension: the answer's `id_field` names async work that `operation_id` polls,
    of one of `types` (discriminator values of that operation's response union)."""

    id_field: str
    operation_id: str
    types: tuple[str, ...]
    direct: bool = False  # the first 2xx answer is the result itself, not an ID (a small job done at once)


@dataclass(frozen=True)
class Operation:
    """One HTTP operation, rendered as a method on its tag's resource.

    `body` is the type of the body argument (every media type's type, as one union); `bodies` says how
    each media type is encoded, the first being the default. `security` lists the alternatives the
    operation accepts, each a tuple of `SecurityScheme.key`s used together; () needs no credentials.
    `path` is the template without a `#fragment` (some specs tell operations on one path apart with one).
    """

    operation_id: str
    name: Identifier
    group: Identifier
    method: str
    path: str
    pointer: str
    parameters: tuple[Parameter, ...]
    responses: tuple[Response, ...]
    body: TypeExpr | None = None
    body_required: bool = False
    summary: str = ""
    description: str = ""
    poll: Poll | None = None
    pagination: Pagination | None = None
    follow: Follow | None = None
    body_examples: tuple[Any, ...] = examples_field()  # the JSON body's: the spec's, else one made up
    security: tuple[tuple[str, ...], ...] = ()
    bodies: tuple[RequestBody, ...] = ()
    starts: StartsAction | None = None
    server: str | None = None  # its own server URL (path or operation `servers`), variables filled; None: the client's
    # The JSON body's boolean property that asks for the stream its first 2xx answer offers beside JSON (`stream`).
    stream_flag: str | None = None

    @property
    def success(self) -> Response | None:
        """The first 2xx response, whose body the method returns."""
        return next((r for r in self.responses if r.status.startswith("2")), None)

    @property
    def companions(self) -> tuple[Identifier, ...]:
        """The methods made beside this one on its resource: `wait` for a status operation (`x-poll`), then
        `handle` when it has one path parameter (the ID); named after it unless it is `get`."""
        if self.poll is None:
            return ()
        kinds = ("wait", "handle") if [p.location for p in self.parameters].count("path") == 1 else ("wait",)
        return tuple(Identifier(kind if self.name == "get" else f"{kind}_{self.name}") for kind in kinds)


@dataclass(frozen=True)
class Group:
    """Operations that share a tag (or, in an untagged spec, a path), rendered as one resource
    (`client.async_actions`); `parent` names the resources it is nested in (`client.accounts.bank_accounts`)."""

    name: Identifier
    class_name: ClassName
    description: str
    operations: tuple[Operation, ...]
    parent: tuple[Identifier, ...] = ()

    @property
    def qualified(self) -> str:
        """The resource's attribute path from the client: `accounts.bank_accounts`."""
        return ".".join([*self.parent, self.name])

    @property
    def async_class_name(self) -> str:
        """The async client's resource class (`names.async_name`): `AsyncVouchersResource`."""
        return async_name(self.class_name)
