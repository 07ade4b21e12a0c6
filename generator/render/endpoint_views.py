"""Stage 4a', IR to runtime data: the `Endpoint(...)` constant of each operation and the `Scheme(...)`
of each security scheme, as Python source.

Everything the runtime needs to send an operation is decided here, once, and written as data
(parameter styles, body media types, parsers per status, security alternatives, `Accept`, the
operation's own server); the generated methods only pass their arguments along.
"""

from __future__ import annotations

from collections.abc import Callable

from generator import ir
from generator.ir.build_media import media_kind
from generator.render.constants import Code, Constant, call, code, separated
from generator.render.needs import NOTHING, Needs, uses
from generator.render.python_code import construct, literal

# Makes the parser constant of a body type read as `kind` (json, text, binary, empty).
Parser = Callable[[ir.TypeExpr | None, str], Constant]


def success_responses(op: ir.Operation) -> list[ir.Response]:
    """The operation's 2xx responses (or `default` when it documents none), in spec order."""
    found = [r for r in op.responses if r.status.startswith("2")]
    return found or [r for r in op.responses if r.status == "default"][:1]


def return_types(op: ir.Operation) -> tuple[ir.TypeExpr | None, ...]:
    """The distinct types a call can return, one per differently typed 2xx response (None: no body)."""
    return tuple(dict.fromkeys(r.type for r in success_responses(op))) or (None,)


def return_type(op: ir.Operation) -> ir.TypeExpr | None:
    """What the method returns: the one 2xx type, or their union (a body-less 2xx adds `None`)."""
    types = return_types(op)
    present = tuple(t for t in types if t is not None)
    if not present:
        return None
    joined = present[0] if len(present) == 1 else ir.UnionOf(present)
    return ir.Nullable(joined) if None in types else joined


def started_variants(api: ir.Api, op: ir.Operation) -> list[ir.TypeExpr]:
    """The variants of its status operation's union that a call with `x-async-action` yields."""
    assert op.starts is not None
    starts = op.starts
    status = next(o for g in api.groups for o in g.operations if o.operation_id == starts.operation_id)
    success = status.success.type if status.success else None
    union = next((d for d in api.definitions if isinstance(success, ir.Named) and d.name == success.name), None)
    variants = union.variants if isinstance(union, ir.UnionType) else ()
    return [v.type for v in variants if set(v.tags) & set(starts.types)]


def _tuple(items: list[str]) -> str:
    """A tuple literal without a magic trailing comma (so the formatter keeps it on one line when it fits)."""
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _param(p: ir.Parameter) -> str:
    return construct(
        "Param",
        name=literal(p.name),
        wire=literal(p.wire_name),
        location=literal(p.location),
        style=literal(p.style) if p.style else None,
        explode=repr(p.explode) if p.explode is not None else None,
        allow_reserved="True" if p.allow_reserved else None,
        content=literal(p.media_type) if p.media_type else None,
        nullable="True" if isinstance(p.type, ir.Nullable) and p.location != "path" else None,
    )


def _encoding(e: ir.PartEncoding) -> str:
    part = construct(
        "PartEncoding",
        content_type=literal(e.content_type) if e.content_type else None,
        style=literal(e.style) if e.style != "form" else None,
        explode=repr(e.explode) if e.explode is not None else None,
        allow_reserved="True" if e.allow_reserved else None,
    )
    return f"{literal(e.property)}: {part}"


def _body(b: ir.RequestBody) -> str:
    encoding = "{" + ", ".join(_encoding(e) for e in b.encodings) + "}" if b.encodings else None
    return construct("Body", media_type=literal(b.media_type), kind=literal(b.kind), encoding=encoding)


def accept_header(op: ir.Operation) -> str | None:
    """`Accept` from the media types the client can read the operation's answers in (2xx first): JSON ones
    first, the others (text read as `str`, binary as bytes) after them at `q=0.9`; None when none are declared."""
    ordered = sorted(op.responses, key=lambda r: not r.status.startswith("2"))
    media = list(dict.fromkeys(m for r in ordered for m in r.media_types))
    json = [m for m in media if media_kind(m) == "json"]
    others = [m for m in media if m not in json]
    return ", ".join([*json, *(f"{m};q=0.9" if json else m for m in others)]) or None


def stream_spec(stream: ir.StreamFormat) -> str:
    """`StreamSpec(...)`: how the runtime reads a streamed answer (see `_streaming.StreamSpec`)."""
    return construct(
        "StreamSpec",
        framing=literal(stream.framing) if stream.framing != "sse" else None,
        events="True" if stream.events else None,
        json_data="False" if not stream.json_data else None,
        terminator=literal(stream.terminator) if stream.terminator is not None else None,
    )


def _item_kind(stream: ir.StreamFormat) -> str:
    """How one item is parsed: validated (JSON, or an event's fields), or handed over as text."""
    return "json" if stream.events or stream.json_data else "text"


def streamed(op: ir.Operation) -> ir.StreamFormat | None:
    """The stream the operation's first 2xx answer offers (alone, or beside JSON)."""
    success = op.success
    return success.stream if success is not None else None


def endpoint_constant(
    op: ir.Operation,
    parser: Parser,
    default_error: ir.TypeExpr | None,
    returns: tuple[str, Needs],
    as_stream: bool = False,
) -> Constant:
    """`Endpoint(method=..., path=..., response=..., params=..., ...)`, leaving out what is the runtime's default:
    the constant of `op`, typed `Endpoint[returns]`. `as_stream`: the endpoint of the stream its first 2xx
    answer offers beside JSON (its items parsed, that media type accepted)."""
    successes = success_responses(op)
    first = successes[0] if successes else None
    stream = first.stream if first is not None and (as_stream or first.kind == "stream") else None
    params = [p for p in op.parameters if p.constant is None]
    others = [
        r
        for r in successes[1:]
        if first is not None and stream is None and (r.type, r.kind) != (first.type, first.kind)
    ]
    needs = uses("._endpoint", "Endpoint")
    error_parsers = [
        (r.status, parser(r.type, r.kind))
        for r in op.responses
        if not r.status.startswith("2") and r.type is not None and r.type != default_error and r not in successes
    ]
    accept = stream.media_type if stream is not None else accept_header(op)
    response = parser(first.type, first.kind) if first else parser(None, "empty")
    if stream is not None:
        response = parser(stream.item, _item_kind(stream))
        needs |= uses("._streaming", "StreamSpec")
    constants = [p for p in op.parameters if p.constant is not None]
    needs |= uses("._encoding", *(["Param"] if params else []), *(["Body"] if op.bodies else []))
    needs |= uses("._encoding", "PartEncoding") if any(b.encodings for b in op.bodies) else NOTHING
    value = call(
        "Endpoint",
        method=literal(op.method),
        path=literal(op.path),
        response=response,
        params=_tuple([_param(p) for p in params]) if params else None,
        bodies=_tuple([_body(b) for b in op.bodies]) if op.bodies else None,
        responses=_parsers([(r.status, parser(r.type, r.kind)) for r in others]) if others else None,
        errors=_parsers(error_parsers) if error_parsers else None,
        security=_tuple([_tuple([literal(n) for n in a]) for a in op.security]) if op.security else None,
        accept=literal(accept) if accept != "application/json" else None,
        server=literal(op.server) if op.server is not None else None,
        headers="{" + ", ".join(f"{literal(p.wire_name)}: {literal(p.constant)}" for p in constants) + "}"
        if constants
        else None,
        stream=stream_spec(stream) if stream is not None else None,
    )
    hint_text, hint_needs = returns
    first_named = tuple(p for _, p in error_parsers)
    name = f"op {op.operation_id}{' stream' if as_stream else ''}"
    return Constant(f"Endpoint[{hint_text}]", value, name, needs | hint_needs, first_named)


def _parsers(by_status: list[tuple[str, Constant]]) -> Code:
    """`{"404": _NOT_FOUND, ...}`: the parser of each status."""
    return code("{", separated(", ", [code(f"{literal(status)}: ", p) for status, p in by_status]), "}")


def _pairs(credentials: tuple[ir.Credential, ...]) -> str:
    return _tuple([f"({literal(c.name)}, {literal(c.env_var)})" for c in credentials])


def scheme_source(s: ir.SecurityScheme) -> str:
    """`Scheme(kind=..., arguments=..., ...)` for one security scheme."""
    api_key = s.kind == "apiKey"
    oauth = s.token_url is not None
    return construct(
        "Scheme",
        kind=literal(s.kind),
        arguments=_pairs(s.credentials),
        location=literal(s.location) if api_key else None,
        name=literal(s.name) if api_key else None,
        token_url=literal(s.token_url) if oauth else None,
        client=_pairs(s.client) if oauth else None,
    )


def credentials(api: ir.Api) -> list[ir.Credential]:
    """Every distinct credential argument of the client, in scheme order."""
    found = [c for s in api.auth for c in (*s.credentials, *s.client)]
    return list(dict.fromkeys(found))
