"""Stage 4a, IR to template context for the client's methods: every method, decided here.

A method is computed once per mode (sync, async) from one description, so the
two clients cannot drift apart; the template only prints the lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator import ir
from generator.ir.names import Identifier, indefinite
from generator.render.client_context import FailedErrorView, Scope
from generator.render.constants import Constant, call, code
from generator.render.endpoint_views import endpoint_constant, return_type
from generator.render.format import LINE_LENGTH
from generator.render.method_views import ASYNC, MethodView, Mode, Shape
from generator.render.needs import NOTHING, Needs, joined, uses
from generator.render.python_code import docstring, literal, typed
from generator.render.stream_views import STREAM_DOC, json_or_stream, offers_stream, stream_returns


@dataclass(frozen=True)
class GroupView:
    """A resource class per mode (`AsyncActionsResource`, `AsyncActionsResourceAsync`), its attribute on the
    client, and its methods per mode."""

    attribute: str
    class_names: dict[str, str]  # by mode kind
    docstring: str
    methods: dict[str, tuple[MethodView, ...]]
    children: tuple[tuple[str, dict[str, str]], ...] = ()  # (attribute, class names) of the resources nested in it
    top_level: bool = True  # an attribute of the client itself, not of another resource
    qualified: str = ""  # its attribute path from the client: `accounts.bank_accounts`
    module: str = ""  # the `resources/` module it is defined in: its outermost resource's attribute


_WAIT_KEYWORDS = (
    "timeout: float = DEFAULT_WAIT_TIMEOUT",
    "on_progress: Callable[[{t}], object] | None = None",
    "poll_interval: float = DEFAULT_POLL_INTERVAL",
    "max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL",
)
_WAIT_ARGUMENTS = (
    "failed_error={error}, timeout=timeout, on_progress=on_progress, "
    "poll_interval=poll_interval, max_poll_interval=max_poll_interval"
)


# Names the client's modules may bind besides the package's types (runtime names, `typing`'s): a type with
# one of these names is written `types.X` there. Each node reports what it imports (`Needs`); this only keeps
# a type from being imported under a name the module gives something else (tests/test_render_plan.py checks
# that it holds every class name they import).
MODULE_NAMES = frozenset(
    {"Callable", "Unpack", "Scheme", "Endpoint", "Body", "Param", "PartEncoding", "ResponseType", "FileInput"}
    | {"Omit", "omit", "Sequence"}
    | {"overload", "WaitFailedError", "TYPE_CHECKING", "Any", "Literal", "Webhooks"}
    | {"AsyncOperation", "Operation", "RequestOptions", "AsyncPage", "Page", "PageSpec"}
    | {"AsyncPagedOperation", "AsyncPaginator", "Mapping", "Sequence", "Middleware", "AsyncMiddleware"}
    | {"AsyncStream", "Stream", "StreamSpec", "flagged"}
    | {"DEFAULT_MAX_POLL_INTERVAL", "DEFAULT_POLL_INTERVAL", "DEFAULT_WAIT_TIMEOUT", "Accepted", "AsyncAccepted"}
    | {"ActionHandle", "ActionSpec", "AsyncActionHandle", "Expected", "FollowSpec", "PollSpec"}
    | {"APIClient", "AsyncAPIClient", "DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "expand_url"}
)
_WAIT_NEEDS = uses("._polling", "DEFAULT_WAIT_TIMEOUT", "DEFAULT_POLL_INTERVAL", "DEFAULT_MAX_POLL_INTERVAL") | uses(
    "collections.abc", "Callable"
)
_OPTIONS_NEEDS = uses("typing_extensions", "Unpack") | uses("._response", "RequestOptions")
_OMIT_NEEDS = uses("._encoding", "Omit", "omit")


def shape_of(op: ir.Operation, scope: Scope) -> Shape:
    """What both modes of `op`'s method share, and every call that polls it (as a status operation)."""
    path_params = sorted(
        (p for p in op.parameters if p.location == "path"), key=lambda p: op.path.find("{" + p.wire_name + "}")
    )
    keyword = sorted(
        (p for p in op.parameters if p.location != "path" and p.constant is None), key=lambda p: not p.required
    )
    shadowed = scope.shadowed
    hints = [NOTHING]
    body_hint = ""
    if op.body is not None:
        body_hint, needs = _body_hint(op.body, scope)
        hints.append(needs)

    def argument(p: ir.Parameter) -> str:
        text, needs = scope.argument_hint(p.type)
        hints.append(needs)
        text += " | None" if isinstance(p.type, ir.Nullable) else ""  # None is sent only where the schema admits it
        if p.required or p.location == "path":
            return _param(p.name, text)
        hints.append(_OMIT_NEEDS)  # left out, it is not sent at all
        return _param(p.name, f"{text} | Omit", " = omit")

    positional = [argument(p) for p in path_params]
    if op.body is not None and op.body_required:
        positional.append(_param("body", body_hint))
    keywords = [argument(p) for p in keyword if p.required]
    if op.body is not None and not op.body_required:
        keywords.append(_param("body", f"{body_hint} | None", " = None"))
    keywords += [argument(p) for p in keyword if not p.required]
    media_types = list(dict.fromkeys(b.media_type for b in op.bodies))
    body = ", body=body" if op.body is not None else ""
    if len(media_types) > 1:
        choices, needs = typed(ir.LiteralOf(tuple(media_types)), shadowed)
        hints.append(needs)
        keywords.append(_param("content_type", choices, f" = {literal(media_types[0])}"))
        body += ", content_type=content_type"
    signature = ", ".join(["self", *positional, *(["*", *keywords] if keywords else [])])
    first = op.success.type if op.success and op.success.type is not None else None
    direct = op.starts is not None and op.starts.direct and first is not None
    returns, returns_needs = _returns(op, shadowed)
    typed_hint, typed_needs = typed(first, shadowed) if direct and first is not None else (returns, returns_needs)
    endpoint = endpoint_constant(op, scope.parser, scope.ctx.default_error, (typed_hint, typed_needs))
    arguments = "{" + ", ".join(f"{literal(p.name)}: {p.name}" for p in op.parameters if p.constant is None) + "}"
    return Shape(signature, bool(keywords), endpoint, arguments, body, returns, joined(hints), returns_needs)


def _body_hint(body: ir.TypeExpr, scope: Scope) -> tuple[str, Needs]:
    """A body's annotation: the model, or plain data its `Param` TypedDict checks (`ir/build_params.py`); a list
    of them as a `Sequence` of either (mypy types no list literal of TypedDicts against `list[A] | list[B]`)."""
    texts, needs = [], []
    for option in body.options if isinstance(body, ir.UnionOf) else (body,):
        given = scope.ctx.param_types.of(option)
        if isinstance(option, ir.ListOf) and isinstance(given, ir.ListOf) and given != option:
            text, item_needs = typed(ir.UnionOf((option.item, given.item)), scope.shadowed)
            texts.append(f"Sequence[{text}]")
            needs.append(item_needs | uses("collections.abc", "Sequence"))
            continue
        for t in (option, given):
            text, found = typed(t, scope.shadowed)
            texts.append(text)
            needs.append(found)
    return " | ".join(dict.fromkeys(texts)), joined(needs)


def _returns(op: ir.Operation, shadowed: frozenset[str]) -> tuple[str, Needs]:
    returned = return_type(op)
    return typed(returned, shadowed) if returned is not None else ("None", NOTHING)


def _param(name: str, annotation: str, default: str = "") -> str:
    """`name: annotation = default`, the annotation parenthesised when it cannot fit on its own line.

    That is where black puts parentheses itself; ruff keeps explicit ones, so both format it alike.
    """
    too_long = 8 + len(name) + 2 + len(annotation) + len(default) + 1 > LINE_LENGTH
    top_level_union = " | " in _innermost_out(annotation)  # `list[A | B]` is no union
    return f"{name}: ({annotation}){default}" if too_long and top_level_union else f"{name}: {annotation}{default}"


def _innermost_out(text: str) -> str:
    """`text` with every bracketed part removed, innermost first."""
    while True:
        stripped = re.sub(r"\[[^\[\]]*\]", "", text)
        if stripped == text:
            return text
        text = stripped


def _doc(op: ir.Operation) -> str:
    return "\n\n".join(t for t in (op.summary, op.description) if t) or f"{op.method} {op.path}"


def methods_of_operation(op: ir.Operation, shape: Shape, scope: Scope, mode: Mode) -> list[MethodView]:
    """The method for `op` in `mode`, plus `wait` when the operation reports a status.

    Every method is one call on the client: `request`, `paginate`, `request_accepted` or `wait_for`.
    """
    returns, returns_needs, text = shape.returns, shape.returns_needs, _doc(op)
    request = code("request(", shape.endpoint, f", {shape.arguments}{shape.body}, options=options)")
    raises: tuple[FailedErrorView, ...] = ()
    decorator, home, def_, awaited = f"{mode.prefix}Operation", "._response", mode.def_, mode.await_
    if op.success is not None and op.success.kind == "stream" and op.success.stream is not None:
        request = code("request_stream(", shape.endpoint, f", {shape.arguments}{shape.body}, options=options)")
        returns, returns_needs = stream_returns(op.success.stream, scope, mode)
        text += STREAM_DOC
    elif op.pagination is not None and mode is ASYNC:
        # Not a coroutine: an `AsyncPaginator`, awaited for the first page or iterated without an `await`.
        item, item_needs, spec = scope.page_spec(op)
        request = code("paginate, ", shape.endpoint, f", {shape.arguments}, ", spec, ", options=options)")
        returns, returns_needs = f"AsyncPaginator[{item}]", item_needs | uses("._paginator", "AsyncPaginator")
        decorator, home, def_, awaited = "AsyncPagedOperation", "._paginator", "def", "AsyncPaginator("
        text += (
            "\n\nIterate the call (`async for`) to go through every page, each fetched when reached; await it for the "
            "first page."
        )
    elif op.pagination is not None:
        item, item_needs, spec = scope.page_spec(op)
        request = code("paginate(", shape.endpoint, f", {shape.arguments}, ", spec, ", options=options)")
        returns, returns_needs = f"{mode.prefix}Page[{item}]", item_needs | uses("._pagination", f"{mode.prefix}Page")
        text += "\n\nIterate the returned page to go through every page; each is fetched when reached."
    elif op.starts is not None:
        action = scope.action_spec(op, shape_of(scope.ctx.operations[op.starts.operation_id], scope).endpoint)
        raises = (action.failed_error,)
        verb = "request_action_or_result" if op.starts.direct else "request_action"
        request = code(
            f"{verb}(", shape.endpoint, f", {shape.arguments}, ", action.constant, shape.body, ", options=options)"
        )
        returns = f"{mode.prefix}ActionHandle[{action.hint}]"
        returns_needs = action.needs | uses("._polling", f"{mode.prefix}ActionHandle")
        if op.starts.direct and op.success and op.success.type is not None:  # or the result, done at once
            result, result_needs = typed(op.success.type, scope.shadowed)
            returns, returns_needs = f"{returns} | {result}", returns_needs | result_needs
            text += "\n\nWhen the server does the work at once, the method returns its result instead of a handle."
        text += (
            "\n\nReturns a handle on the async action it starts: `.wait()` polls it until it is done and returns "
            f"it as {indefinite(f'`{action.hint}`')}; `.id` is its ID."
        )
    elif op.follow is not None:
        follow, target_hint, target_needs, raised = _follow_spec(op, scope)
        raises = (raised,)
        request = code(
            "request_accepted(", shape.endpoint, f", {shape.arguments}, ", follow, shape.body, ", options=options)"
        )
        returns = f"{mode.prefix}Accepted[{shape.returns}, {target_hint}]"
        returns_needs |= target_needs | uses("._polling", f"{mode.prefix}Accepted")
        text += f"\n\nCall `.wait()` on the result to poll the URL in its `{op.follow.header}` until the work is done."
    signature = f"{shape.signature}, **options: Unpack[RequestOptions]"
    body = (code(f"return {awaited}self._client.", request),)
    needs = joined([shape.signature_needs, _OPTIONS_NEEDS, returns_needs, uses(home, decorator)])
    methods = [MethodView(op.name, signature, returns, docstring(text, 8), body, decorator, def_, text, needs, raises)]
    if offers_stream(op) and not raises and op.pagination is None:
        methods = json_or_stream(op, shape, scope, mode, methods[0])
    if op.poll is not None:
        wait, *handle = op.companions
        methods.append(_wait_method(op, scope, mode, shape, wait))
        if handle:
            methods += _handle_methods(op, scope, mode, shape, handle[0])
    return methods


def _follow_spec(op: ir.Operation, scope: Scope) -> tuple[Constant, str, Needs, FailedErrorView]:
    """The `FollowSpec` constant of a call answered with the URL of its status, the type waiting on it
    returns (and what its hint needs), and the error waiting raises."""
    assert op.follow is not None
    target = scope.ctx.operations[op.follow.operation_id]
    target_hint, target_needs = typed(scope.ctx.waited_type(target), scope.shadowed)
    endpoint = shape_of(target, scope).endpoint
    poll = scope.poll_spec(target)
    follow = Constant(
        f"FollowSpec[{target_hint}]",
        call(
            "FollowSpec",
            header=literal(op.follow.header),
            endpoint=endpoint,
            poll=poll.constant,
            failed_error=poll.failed_error.name,
        ),
        f"follow {op.operation_id}",
        target_needs | uses("._polling", "FollowSpec") | uses(".client", poll.failed_error.name),
    )
    return follow, target_hint, target_needs, poll.failed_error


def _handle_methods(op: ir.Operation, scope: Scope, mode: Mode, shape: Shape, name: Identifier) -> list[MethodView]:
    """`handle(id)` and `handle(id, SomeAction)`: a handle on work started earlier, typed as asked."""
    (path,) = [p for p in op.parameters if p.location == "path"]
    poll = scope.poll_spec(op, narrow=False)
    spec = Constant(
        f"ActionSpec[{shape.returns}]",
        call(
            "ActionSpec",
            endpoint=shape.endpoint,
            argument=literal(path.name),
            poll=poll.constant,
            failed_error=poll.failed_error.name,
        ),
        f"handle {op.operation_id}",
        shape.returns_needs | uses("._polling", "ActionSpec") | uses(".client", poll.failed_error.name),
    )
    handle = f"{mode.prefix}ActionHandle"
    argument = f"self, {path.name}: str"
    text = (
        f"A handle on work started earlier, from its ID alone (after a restart, say): `.get()` or `.wait()` "
        f"it. Name its type (`handle(id, SomeType)`) to have them return that type; they return the whole "
        f"`{shape.returns}` otherwise."
    )
    body = (
        code("spec = ", spec, " if expect is None else ", spec, ".expecting(expect)"),
        code(f"return {handle}(client=self._client, work_id={path.name}, spec=spec)"),
    )
    typed_handle = shape.returns_needs | uses("._polling", handle) | uses("typing", "overload")
    expecting = uses("._polling", handle, "Expected") | uses("typing", "overload")
    untyped = uses("._polling", handle) | uses("typing", "Any")
    raises = (poll.failed_error,)
    return [
        MethodView(name, argument, f"{handle}[{shape.returns}]", "", (("...",),), "overload", needs=typed_handle),
        MethodView(
            name, f"{argument}, expect: type[Expected]", f"{handle}[Expected]", "", (("...",),), "overload",
            needs=expecting,
        ),
        MethodView(
            name, f"{argument}, expect: type[Any] | None = None", f"{handle}[Any]", docstring(text, 8), body,
            text=text, needs=untyped, failed_errors=raises,
        ),
    ]  # fmt: skip


def _wait_method(op: ir.Operation, scope: Scope, mode: Mode, shape: Shape, name: Identifier) -> MethodView:
    assert op.poll is not None
    keywords = [k.format(t=shape.returns) for k in _WAIT_KEYWORDS]
    signature = shape.signature + ", " + ("" if shape.keywords else "*, ") + ", ".join(keywords)
    error = scope.failed_error(op)
    poll = scope.poll_spec(op)
    arguments = code("poll=", poll.constant, f", {_WAIT_ARGUMENTS.format(error=error.name)}")
    body = (
        code(f"return {mode.await_}self._client.wait_for(", shape.endpoint, f", {shape.arguments}, ", arguments, ")"),
    )
    done, failed = " or ".join(op.poll.done), " or ".join(op.poll.failed) or "never"
    waited, waited_needs = poll.hint, poll.needs
    returned = "return it" if waited == shape.returns else f"return it as {indefinite(f'`{waited}`')}"
    text = (
        f"Wait until the {shape.returns} is {done}: poll `{op.name}` (the interval grows from `poll_interval` to "
        f"`max_poll_interval`, honouring `Retry-After`) and {returned}.\n\n"
        f"`on_progress` receives every intermediate {shape.returns}. Raises `{error.name}` when it is {failed}, "
        f"and `WaitTimeoutError` (a `TimeoutError`) when `timeout` seconds pass first."
    )
    needs = joined([shape.signature_needs, shape.returns_needs, _WAIT_NEEDS, waited_needs, uses(".client", error.name)])
    return MethodView(name, signature, waited, docstring(text, 8), body, def_=mode.def_, text=text, needs=needs,
                      failed_errors=(error,))  # fmt: skip
