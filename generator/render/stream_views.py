"""Stage 4a, the methods of operations answered with a stream: `Stream[Item]` (`AsyncStream[Item]`) alone, or
beside JSON, as openai-python's `create(..., stream=True)`."""

from __future__ import annotations

from generator import ir
from generator.render.client_context import Scope
from generator.render.constants import code
from generator.render.endpoint_views import endpoint_constant
from generator.render.method_views import MethodView, Mode, Shape
from generator.render.needs import NOTHING, Needs, joined, uses
from generator.render.python_code import docstring, literal, typed

STREAM_DOC = (
    "\n\nThe answer is a stream: iterate it to get each item as it arrives, and use it in a `with` block (or "
    "iterate it to the end) so that its connection is closed."
)


def stream_returns(stream: ir.StreamFormat, scope: Scope, mode: Mode) -> tuple[str, Needs]:
    """`Stream[Item]` (`AsyncStream[Item]`): what a call answered with a stream returns."""
    item, item_needs = typed(stream.item, scope.shadowed)
    return f"{mode.prefix}Stream[{item}]", item_needs | uses("._streaming", f"{mode.prefix}Stream")


def offers_stream(op: ir.Operation) -> bool:
    """Whether the call may answer JSON or a stream, as it asks (`stream=True`)."""
    success = op.success
    taken = any(p.name == "stream" for p in op.parameters)
    return success is not None and success.kind == "json" and success.stream is not None and not taken


def json_or_stream(op: ir.Operation, shape: Shape, scope: Scope, mode: Mode, json: MethodView) -> list[MethodView]:
    """The method of a call answered with JSON or a stream, as openai-python's `create(..., stream=True)`: one
    overload per form, typed by `stream: Literal[...]`, and the method that sends either."""
    stream = op.success.stream if op.success is not None else None
    assert stream is not None
    item, item_needs = typed(stream.item, scope.shadowed)
    streamed = endpoint_constant(op, scope.parser, scope.ctx.default_error, (item, item_needs), as_stream=True)
    returns, returns_needs = stream_returns(stream, scope, mode)
    keyword = shape.signature + ("" if shape.keywords else ", *")
    options = ", **options: Unpack[RequestOptions]"
    body = shape.body
    if op.stream_flag is not None:
        body = body.replace("body=body", f"body=flagged(body, {literal(op.stream_flag)})")
    client = f"{mode.await_}self._client"
    send = (
        code("if stream:"),
        code(f"    return {client}.request_stream(", streamed, f", {shape.arguments}{body}, options=options)"),
        code(f"return {client}.request(", shape.endpoint, f", {shape.arguments}{shape.body}, options=options)"),
    )
    asks = f"sets the body's `{op.stream_flag}` and " if op.stream_flag is not None else ""
    text = f"{json.text}\n\n`stream=True` {asks}returns the answer as a stream (`{returns}`) of items as they arrive."
    literal_needs = uses("typing", "Literal", "overload")
    flag_needs = uses("._endpoint", "flagged") if op.stream_flag is not None else NOTHING
    both = joined([json.needs, returns_needs, literal_needs, flag_needs])
    return [
        MethodView(json.name, f"{keyword}, stream: Literal[False] = False{options}", json.returns, "", (("...",),),
                   "overload", mode.def_, needs=json.needs | literal_needs),
        MethodView(json.name, f"{keyword}, stream: Literal[True]{options}", returns, "", (("...",),), "overload",
                   mode.def_, needs=returns_needs | literal_needs),
        MethodView(json.name, f"{keyword}, stream: bool = False{options}", f"{json.returns} | {returns}",
                   docstring(text, 8), send, "", mode.def_, text, both),
    ]  # fmt: skip
