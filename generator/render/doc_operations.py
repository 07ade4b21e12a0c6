"""Stage 4a for the docs: the entry of each operation (parameters, auth, responses, behaviour, examples)."""

from __future__ import annotations

from generator import ir
from generator.ir.names import indefinite
from generator.render import markdown as md
from generator.render.client_modules import ClientView
from generator.render.doc_parts import TYPES_DIR, Docs, Entry, Row, Section
from generator.render.endpoint_views import credentials, started_variants
from generator.render.example_calls import example_call, imports, path_arguments
from generator.render.method_views import MethodView


def _examples(api: ir.Api, group: ir.Group, op: ir.Operation, streamed: bool = False) -> tuple[str, str]:
    """A short runnable example of the operation with the sync and the async client; `streamed`: of the
    stream it answers with."""
    needs: set[str] = set()
    method = example_call(api, group, op, needs, streamed=streamed)
    wait = "wait" if op.name == "get" else f"wait_{op.name}"
    path_args = "".join(f"{a}, " for a in path_arguments(api, op, needs))

    def lines(aw: str) -> list[str]:
        if streamed:
            opened = f"async with await {method} as stream:" if aw else f"with {method} as stream:"
            body = [opened, f"    {'async ' if aw else ''}for item in stream:", "        print(item)"]
        elif op.pagination is not None:
            loop = f"async for item in {method}:" if aw else f"for item in {method}:"
            body = [loop, "    print(item)"]
        elif op.follow is not None:
            body = [f"accepted = {aw}{method}", "print(accepted.body)", f"final = {aw}accepted.wait(timeout=300)"]
            body.append("print(final)")
        elif op.starts is not None and not op.starts.direct:  # start -> wait -> the typed result
            body = [f"handle = {aw}{method}", "print(handle.id)", f"action = {aw}handle.wait(timeout=300)"]
            body.append("print(action.status, action.result)")
        else:
            body = [f"result = {aw}{method}", "print(result)"]
        if op.poll is not None:
            body += [f"final = {aw}client.{group.qualified}.{wait}({path_args}timeout=300)", "print(final)"]
        return body

    comment = credentials_comment(api)
    sync_body = "".join(f"    {line}\n" for line in lines(""))
    async_body = "".join(f"        {line}\n" for line in lines("await "))
    sync = imports(api, needs | {api.client_name}) + f"with {api.client_name}() as client:{comment}\n{sync_body}"
    async_ = (
        imports(api, needs | {api.async_client_name}, "asyncio")
        + f"\nasync def main() -> None:\n    async with {api.async_client_name}() as client:{comment}\n{async_body}"
        "\n\nasyncio.run(main())\n"
    )
    return sync, async_


def credentials_comment(api: ir.Api) -> str:
    """The comment after `with Client() as client:` that says where the credentials come from."""
    env = ", ".join(c.env_var for c in credentials(api))
    return f"  # credentials from {env}" if env else ""


def _streaming_section(docs: Docs, op: ir.Operation, examples: tuple[str, str]) -> Section:
    """How the operation's stream is read, with examples: what an item is, what ends it, what closes it."""
    success = op.success
    assert success is not None and success.stream is not None
    stream = success.stream
    item = docs.type_md(stream.item, f"../{TYPES_DIR}/")
    unit = {"sse": "server-sent event", "jsonl": "JSON line", "json-seq": "JSON text (RFC 7464)"}[stream.framing]
    what = f"each {unit}" if stream.events or stream.framing != "sse" else "each server-sent event's `data`"
    asked = "" if success.kind == "stream" else " With `stream=True`, the call"
    text = (
        f"{asked or 'The call'} answers `{stream.media_type}`: a `Stream` (`AsyncStream` on the async client) that "
        f"hands over {what} as it arrives, as {item}."
    )
    if stream.terminator is not None:
        text += f" `{stream.terminator}` ends the stream."
    text += (
        " The connection is closed when the `with` block ends, or the loop does; a stream cut inside an item "
        "raises `StreamInterruptedError`."
    )
    sync, async_ = examples
    return Section("Streaming", f"{text.strip()}\n\n```python\n{sync}```\n\n```python\n{async_}```")


def _security_section(api: ir.Api, op: ir.Operation) -> Section:
    """Which credentials the operation needs: one row per alternative, any one of which will do."""
    schemes = {s.key: s for s in api.auth}
    rows = []
    for alternative in op.security:
        used = [schemes[name] for name in alternative]
        sent = " and ".join(
            f"{s.kind} {md.code(s.name)} in {s.location}" if s.kind == "apiKey" else s.kind for s in used
        )
        arguments = ", ".join(f"`{c.name}=` or `{c.env_var}`" for s in used for c in (*s.credentials, *s.client))
        rows.append(Row((sent or "nothing", arguments or "none")))
    text = "Any one row is enough; the client uses the first whose credentials it has." if len(rows) > 1 else ""
    return Section("Authentication", text, ("Sent as", "Client argument or environment variable"), tuple(rows))


def page_rule(page: ir.Pagination) -> str:
    """How the next page is asked for, in words."""
    more = f" while `{page.has_more_field}` is true" if page.has_more_field else ""
    return {
        "item_cursor": f"passing the last item's `{page.cursor_field}` as `{page.cursor_parameter}`{more}",
        "body_cursor": f"passing the answer's `{page.cursor_field}` as `{page.cursor_parameter}` while it has one",
        "header_cursor": f"passing the answer's `{page.cursor_field}` header as `{page.cursor_parameter}` while it "
        "has one",
        "next_url": f"following the URL in the answer's `{page.cursor_field}` while it has one",
        "link_header": 'following the `Link: <...>; rel="next"` header while the answer has one',
        "page_number": f"counting `{page.cursor_parameter}` up from 1 until a page comes back empty",
        "offset": f"moving `{page.cursor_parameter}` on by the items received until a page comes back empty",
    }[page.kind]


def operation_entry(
    docs: Docs,
    group: ir.Group,
    op: ir.Operation,
    error_classes: dict[int, str],
    examples: dict[str, tuple[str, str, str, str]],
    signature: str,
) -> Entry:
    """An operation: its signature, request, auth, responses, errors, and examples."""
    prefix = f"../{TYPES_DIR}/"
    sections = [Section("Signature", f"```python\n{signature}```")]
    params = [p for p in op.parameters if p.constant is None]
    if params or op.body is not None:
        rows = [
            Row((f"`{p.name}`", md.code(p.wire_name), p.location, docs.type_md(p.type, prefix),
                 "yes" if p.required else "no", md.cell(p.description)))
            for p in params
        ]  # fmt: skip
        if op.body is not None:
            required = "yes" if op.body_required else "no"
            media = ", ".join(b.media_type for b in op.bodies) or "JSON"
            text = "The request body." + (" `content_type=` chooses the media type." if len(op.bodies) > 1 else "")
            body_type = docs.type_md(op.body, prefix)
            rows.append(Row(("`body`", "", f"body ({md.cell(media)})", body_type, required, text)))
        header = ("Argument", "Wire name", "In", "Type", "Required", "Description")
        sections.append(Section("Parameters", "", header, tuple(rows)))
    constants = [p for p in op.parameters if p.constant is not None]
    if constants:
        rows = [Row((md.code(p.wire_name), md.code(p.constant), md.cell(p.description))) for p in constants]
        sections.append(Section("Headers sent for you", "", ("Header", "Value", "Why"), tuple(rows)))
    if op.security:
        sections.append(_security_section(docs.api, op))
    rows = []
    for r in op.responses:
        code = int(r.status) if r.status.isdigit() else 0
        outcome = "returned" if r.status.startswith("2") else f"raises `{error_classes.get(code, _error_for(code))}`"
        rows.append(Row((md.code(r.status), md.cell(r.description), docs.type_md(r.type, prefix), outcome)))
    sections.append(Section("Responses", "", ("Status", "Description", "Body", "Outcome"), tuple(rows)))
    behaviour = []
    if op.pagination:
        behaviour.append(
            "Paginated: the method returns a page; iterating it fetches the next pages, "
            + page_rule(op.pagination)
            + (" (recognised from the operation's shape)." if op.pagination.detected else ".")
        )
    if op.poll:
        done, failed = (", ".join(md.code(v) for v in values) for values in (op.poll.done, op.poll.failed))
        shape = f" and returns it as {docs.type_md(op.poll.result, prefix)}" if op.poll.result is not None else ""
        behaviour.append(
            f"Reports the status of asynchronous work: `{op.poll.status_field}` is done at {done} and failed at "
            f"{failed}; the resource's `wait` method polls it{shape}."
        )
    if op.follow:
        target = next(o for g in docs.api.groups for o in g.operations if o.operation_id == op.follow.operation_id)
        waited = target.poll.result if target.poll and target.poll.result else target.success and target.success.type
        behaviour.append(
            f"Starts asynchronous work: the result's `.wait()` polls the URL in the `{op.follow.header}` header "
            f"with `{op.follow.operation_id}` and returns {docs.type_md(waited or None, prefix)}."
        )
    if op.starts:
        kinds = " or ".join(md.code(t) for t in op.starts.types)
        behaviour.append(
            f"Starts {indefinite(kinds)} async action: the method returns a handle (`.id`, `.get()`, `.wait()`) on it, "
            f"whose `.wait()` polls `{op.starts.operation_id}` and returns the action as "
            f"{' or '.join(docs.type_md(t, prefix) for t in started_variants(docs.api, op))}."
        )
    if behaviour:
        sections.append(Section("Behaviour", "\n\n".join(behaviour)))
    sync, async_, stream_sync, stream_async = examples[op.operation_id]
    if op.success is None or op.success.kind != "stream":
        sections.append(Section("Example", f"```python\n{sync}```"))
        sections.append(Section("Async example", f"```python\n{async_}```"))
    if op.success is not None and op.success.stream is not None:
        sections.append(_streaming_section(docs, op, (stream_sync, stream_async)))
    intro = f"`{op.method} {md.text(op.path)}`\n\n" + md.text("\n\n".join(t for t in (op.summary, op.description) if t))
    title, summary = f"{group.qualified}.{op.name}", f"`{op.method} {md.cell(op.path)}` {md.cell(op.summary)}"
    return Entry(title, "Operation", summary, intro, tuple(sections))


def _error_for(status: int) -> str:
    if status >= 500:
        return "InternalServerError"
    return "APIStatusError"


ERROR_CLASSES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}


def methods_of(client: ClientView) -> dict[str, tuple[MethodView, ...]]:
    """Each resource's methods as the sync client has them (overload stubs included), by its qualified name."""
    return {group.qualified: group.methods["sync"] for group in client.groups}


def signature_key(qualified: str, name: str) -> str:
    """The key of a method's signature among the sources `doc_examples` returns."""
    return f"{qualified}.{name}.signature"


def doc_examples(api: ir.Api, methods: dict[str, tuple[MethodView, ...]]) -> dict[str, str]:
    """The Python sources of the docs, unformatted: every operation's examples (`<operation id>.sync` /
    `.async`) and every method's signature, as the client declares it (`signature_key`)."""
    sources = {
        f"{op.operation_id}.{kind}": code
        for group in api.groups
        for op in group.operations
        for kind, code in zip(("sync", "async"), _examples(api, group, op), strict=True)
    }
    for group in api.groups:
        for op in group.operations:
            if op.success is not None and op.success.stream is not None:
                streamed = _examples(api, group, op, streamed=True)
                sources.update(
                    zip((f"{op.operation_id}.stream_sync", f"{op.operation_id}.stream_async"), streamed, strict=True)
                )
    for qualified, views in methods.items():
        stubs = [m for m in views if m.decorator == "overload"]
        for m in views:
            shown = [s for s in stubs if s.name == m.name] or [m]  # the overloads say more than their implementation
            if m.decorator != "overload":
                sources[signature_key(qualified, m.name)] = "".join(
                    f"def {s.name}({s.signature.removeprefix('self').removeprefix(', ')}) -> {s.returns}: ...\n"
                    for s in shown
                )
    return sources


def method_entry(group: ir.Group, method: MethodView, signature: str) -> Entry:
    """A method that is not an operation of the spec (`wait`, `handle`): what it does and its signature."""
    summary = method.text.split("\n")[0].split(": ")[0]
    sections = (Section("Signature", f"```python\n{signature}```"),)
    return Entry(f"{group.qualified}.{method.name}", "Method", md.cell(summary), md.text(method.text), sections)
