"""The intermediate representation: what a generated package contains.

Frozen dataclasses only, built by `build_models` and `build_operations` from a
validated spec and read by `views`. Names in the IR are already safe Python
names (see `names`); spec text is kept as plain strings and only ever leaves
Python as an escaped literal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.ir.names import ClassName, ConstantName, Identifier, async_name

JsonScalar = str | int | float | bool | None

# --- Types -------------------------------------------------------------------

PrimitiveName = Literal["str", "int", "float", "bool", "datetime", "date", "bytes", "FileInput", "Any"]


def _examples() -> Any:
    """A field of example values: spec data (lists, mappings), kept out of equality and hashing, so IR nodes
    stay hashable and an edited example is no change for callers."""
    return field(default=(), compare=False)


@dataclass(frozen=True)
class Primitive:
    """A builtin or standard-library type, or `Any`."""

    name: PrimitiveName


@dataclass(frozen=True)
class ListOf:
    """A JSON array."""

    item: TypeExpr


@dataclass(frozen=True)
class DictOf:
    """A JSON object used as a map from string keys to values."""

    value: TypeExpr


@dataclass(frozen=True)
class Named:
    """A model, enum or union defined in the generated package."""

    name: ClassName


@dataclass(frozen=True)
class LiteralOf:
    """One or more constant values (`const`, or an enum that gets no class).

    With `enum`, the values are those of that enum class's `members`, written `Literal[Kind.A]`: a field
    that narrows an enum field of its base class (a `str` Literal is no subtype of the enum for type checkers).
    """

    values: tuple[JsonScalar, ...]
    enum: ClassName | None = None
    members: tuple[ConstantName, ...] = ()


@dataclass(frozen=True)
class UnionOf:
    """Any one of several types, tried in order (an untagged, inline `oneOf`/`anyOf`)."""

    options: tuple[TypeExpr, ...]


@dataclass(frozen=True)
class Nullable:
    """A type that also admits JSON `null`."""

    inner: TypeExpr


TypeExpr = Primitive | ListOf | DictOf | Named | LiteralOf | UnionOf | Nullable


def walk(t: TypeExpr) -> Iterator[TypeExpr]:
    """The type and every type nested in it."""
    yield t
    if isinstance(t, ListOf):
        yield from walk(t.item)
    elif isinstance(t, DictOf):
        yield from walk(t.value)
    elif isinstance(t, UnionOf):
        for option in t.options:
            yield from walk(option)
    elif isinstance(t, Nullable):
        yield from walk(t.inner)


def named_in(types: list[TypeExpr]) -> set[str]:
    """The names of package-defined types used by `types` (an enum whose members a Literal names, too)."""
    parts = [part for t in types for part in walk(t)]
    return {str(p.name) for p in parts if isinstance(p, Named)} | {
        str(p.enum) for p in parts if isinstance(p, LiteralOf) and p.enum
    }


# --- Named types -------------------------------------------------------------


@dataclass(frozen=True)
class EnumDefault:
    """A default that is a member of an enum class."""

    enum: ClassName
    member: ConstantName


@dataclass(frozen=True)
class Field:
    """A property of a model; `default` is `(value,)` when the schema's valid `default` becomes the field's."""

    name: Identifier
    wire_name: str
    type: TypeExpr
    required: bool
    description: str = ""
    examples: tuple[Any, ...] = _examples()
    default: tuple[Any, ...] = field(default=(), compare=False)  # JSON data (lists, mappings), like examples


@dataclass(frozen=True)
class Model:
    """An object schema, rendered as a pydantic model that keeps unknown keys."""

    name: ClassName
    pointer: str
    fields: tuple[Field, ...]
    title: str = ""
    description: str = ""
    fallback_for: ClassName | None = None  # set on a union's catch-all variant
    # The class it subclasses (`ir/model_bases.py`), and the wire names of the fields it takes from it unchanged.
    base: ClassName | None = None
    inherited: tuple[str, ...] = ()

    @property
    def declared(self) -> tuple[Field, ...]:
        """The fields its class body declares: all of them, but for those inherited unchanged from its base."""
        return tuple(f for f in self.fields if f.wire_name not in self.inherited)


@dataclass(frozen=True)
class EnumMember:
    """One allowed value of an enum."""

    name: ConstantName
    value: str | int
    description: str = ""  # from `x-enum-descriptions`


@dataclass(frozen=True)
class Enum:
    """A string or integer enum, rendered open: unknown values parse and round-trip."""

    name: ClassName
    pointer: str
    base: Literal["str", "int"]
    members: tuple[EnumMember, ...]
    title: str = ""
    description: str = ""


@dataclass(frozen=True)
class Variant:
    """One member of a union; `tags` are the discriminator values that select it."""

    type: TypeExpr
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnionType:
    """A named `oneOf`/`anyOf`; tagged when it has a discriminator property."""

    name: ClassName
    pointer: str
    variants: tuple[Variant, ...]
    discriminator: str | None = None  # the wire name of the tag property
    fallback: ClassName | None = None  # the model that takes unknown tags
    title: str = ""
    description: str = ""


Definition = Model | Enum | UnionType

# --- Operations --------------------------------------------------------------

ParameterLocation = Literal["path", "query", "header", "cookie"]
# How a request or response body is encoded: decided from its media type (see `build_operations.media_kind`).
MediaKind = Literal["json", "form", "multipart", "binary", "text", "empty"]


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
    examples: tuple[Any, ...] = _examples()
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
class Response:
    """A documented response: status code (or `default`/`2XX`), body type, headers."""

    status: str
    description: str
    type: TypeExpr | None
    headers: tuple[str, ...] = ()
    examples: tuple[Any, ...] = _examples()
    media_types: tuple[str, ...] = ()  # the declared media types the client can read it in (what `Accept` offers)
    kind: MediaKind = "empty"  # how the body `type` describes is read (json, text, binary or empty)


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
    body_examples: tuple[Any, ...] = _examples()
    security: tuple[tuple[str, ...], ...] = ()
    bodies: tuple[RequestBody, ...] = ()
    starts: StartsAction | None = None
    server: str | None = None  # its own server URL (path or operation `servers`), variables filled; None: the client's

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


# --- The package -------------------------------------------------------------


@dataclass(frozen=True)
class Credential:
    """A client argument holding a secret, also read from the environment variable `env_var`."""

    name: Identifier
    env_var: str


SchemeKind = Literal["apiKey", "basic", "bearer", "oauth2"]


@dataclass(frozen=True)
class SecurityScheme:
    """A security scheme the client can satisfy, and the credentials it asks for.

    apiKey: one credential sent as header, query parameter or cookie `name`; basic: user name and
    password; bearer (also openIdConnect): a token; oauth2: an access token, or with a
    client-credentials flow, a client id and secret traded for one at `token_url`.
    """

    key: str  # the scheme's name in the spec
    kind: SchemeKind
    credentials: tuple[Credential, ...]
    location: str = "header"
    name: str = "Authorization"
    token_url: str | None = None
    client: tuple[Credential, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class ServerVariable:
    """A `{variable}` of the server URL, asked for as a client argument."""

    name: Identifier
    wire_name: str
    default: str
    choices: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Api:
    """Everything one generated package holds."""

    package: Identifier
    import_name: str  # how users import the package, e.g. `generated.voucherify`
    source_name: str
    source_sha256: str
    title: str
    description: str
    version: str
    client_name: ClassName
    server_url: str
    server_variables: tuple[ServerVariable, ...]
    auth: tuple[SecurityScheme, ...]
    definitions: tuple[Definition, ...]
    groups: tuple[Group, ...]

    @property
    def async_client_name(self) -> str:
        """The async client class (`names.async_name`): `AsyncVoucherifyClient`."""
        return async_name(self.client_name)
