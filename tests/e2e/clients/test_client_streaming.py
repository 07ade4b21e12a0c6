"""Streamed answers over real sockets: server-sent events, JSON lines and JSON text sequences, sync and async,
handed over as they arrive; a stream cut inside an item, a `break`, an error status before the stream starts."""

from __future__ import annotations

import asyncio
import gc
import importlib
import json
import threading
from collections.abc import Iterator
from operator import attrgetter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from streaming_server import CUT, HANG_UP, WAIT_CLOSED, StreamingServer

from conftest import MakePackage, mypy_strict

CHUNK = {
    "type": "object",
    "required": ["id", "delta"],
    "properties": {"id": {"type": "integer"}, "delta": {"type": "string"}},
}
ERROR = {"type": "object", "properties": {"message": {"type": "string"}}}


def _stream_op(operation_id: str, media: str, schema: Any, **extra: Any) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "tags": ["default"],
            "responses": {
                "200": {"description": "a stream", "content": {media: {"schema": schema, **extra}}},
                "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        }
    }  # fmt: skip


TYPED_EVENTS = {
    "oneOf": [
        {
            "type": "object",
            "required": ["event", "data"],
            "properties": {"event": {"const": "delta"}, "data": {"$ref": "#/components/schemas/Chunk"}},
        },
        {
            "type": "object",
            "required": ["event", "data"],
            "properties": {"event": {"const": "usage"}, "data": {"type": "object", "properties": {"tokens": {"type": "integer"}}}},
        },
    ]
}  # fmt: skip
CHUNK_REF = {"$ref": "#/components/schemas/Chunk"}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Streams", "version": "1"},
    "servers": [{"url": "http://127.0.0.1:1"}],
    "paths": {
        "/events": _stream_op("streamEvents", "text/event-stream", CHUNK_REF),
        "/lines": _stream_op("streamLines", "application/x-ndjson", CHUNK_REF),
        "/jsonl": _stream_op("streamJsonl", "application/jsonl", CHUNK_REF),
        "/seq": _stream_op("streamSeq", "application/json-seq", CHUNK_REF),
        "/typed": _stream_op("streamTyped", "text/event-stream", TYPED_EVENTS),
        "/text": _stream_op("streamText", "text/event-stream", {"type": "string"}),
        "/ends": _stream_op("streamEnds", "text/event-stream", CHUNK_REF, **{"x-stream-terminator": "END"}),
        "/named": _stream_op("streamNamed", "text/event-stream", {"$ref": "#/components/schemas/Event"}),
    },
    "components": {
        "schemas": {
            "Chunk": CHUNK,
            "Error": ERROR,
            "Delta": TYPED_EVENTS["oneOf"][0],
            "Usage": TYPED_EVENTS["oneOf"][1],
            "Event": {
                "oneOf": [{"$ref": "#/components/schemas/Delta"}, {"$ref": "#/components/schemas/Usage"}],
                "discriminator": {"propertyName": "event"},
            },
        }
    },
}


def _sse(n: int, event: str = "") -> bytes:
    named = f"event: {event}\n" if event else ""
    return f"{named}id: {n}\ndata: {json.dumps({'id': n, 'delta': f'd{n}'})}\n\n".encode()


def _line(n: int) -> bytes:
    return json.dumps({"id": n, "delta": f"d{n}"}).encode() + b"\n"


@pytest.fixture
def pkg(make_package: MakePackage) -> ModuleType:
    return make_package(SPEC, package="streampkg")


@pytest.fixture
def server() -> Iterator[StreamingServer]:
    with StreamingServer() as running:
        yield running


def test_sse_items_arrive_before_the_server_finishes(pkg: ModuleType, server: StreamingServer) -> None:
    go_on = threading.Event()
    server.scripts["/events"] = [
        b": heartbeat\n\n",
        _sse(1),
        go_on,
        _sse(2)[:9],
        _sse(2)[9:] + _sse(3),
        b"data: [DONE]\n\n",
    ]
    with pkg.StreampkgClient(base_url=server.url) as client, client.events.list() as stream:
        assert stream.response.status_code == 200 and stream.response.headers["content-type"] == "text/event-stream"
        items = iter(stream)
        first = next(items)
        assert isinstance(first, pkg.Chunk) and (first.id, first.delta) == (1, "d1")
        assert not server.finished.is_set()  # the first item is in hand, the server still sending
        go_on.set()
        assert [c.id for c in items] == [2, 3]
        assert stream.last_event_id == "3"
    assert server.seen[0][1]["Accept"] == "text/event-stream"


@pytest.mark.parametrize(
    ("path", "method", "media", "script"),
    [
        ("/lines", "lines.list", "application/x-ndjson", [_line(1), _line(2)[:5], _line(2)[5:] + b"\r\n", b"\n", _line(3)[:-1]]),
        ("/jsonl", "jsonl.get", "application/jsonl", [_line(1) + _line(2), _line(3)]),
        ("/seq", "seq.get", "application/json-seq", [b"\x1e" + _line(1), b"\x1e" + _line(2)[:3], _line(2)[3:] + b"\x1e" + _line(3)]),
    ],
)  # fmt: skip
def test_json_lines_and_sequences_sync_and_async(
    pkg: ModuleType, server: StreamingServer, path: str, method: str, media: str, script: list[bytes]
) -> None:
    server.scripts[path] = script
    server.content_types[path] = media
    with pkg.StreampkgClient(base_url=server.url) as client, attrgetter(method)(client)() as stream:
        assert [(c.id, c.delta) for c in stream] == [(1, "d1"), (2, "d2"), (3, "d3")]

    async def main() -> list[int]:
        async with pkg.AsyncStreampkgClient(base_url=server.url) as client:
            async with await attrgetter(method)(client)() as stream:
                return [c.id async for c in stream]

    assert asyncio.run(main()) == [1, 2, 3]
    assert server.seen[0][1]["Accept"] == media


def test_async_sse_first_item_before_the_end(pkg: ModuleType, server: StreamingServer) -> None:
    go_on = threading.Event()
    server.scripts["/events"] = [_sse(1), go_on, _sse(2), b"data: [DONE]\n\n", _sse(3)]

    async def main() -> list[int]:
        async with pkg.AsyncStreampkgClient(base_url=server.url) as client:
            stream = await client.events.list()
            seen = []
            async for chunk in stream:
                if not seen:  # the first item is in hand, the server still sending
                    assert not server.finished.is_set()
                    go_on.set()
                seen.append(chunk.id)
            assert stream.response.is_closed
            return seen

    assert asyncio.run(main()) == [1, 2]  # `[DONE]` ends it: what follows is never read


@pytest.mark.parametrize("end", [CUT, HANG_UP])
def test_a_stream_cut_inside_an_item_raises_the_typed_error(pkg: ModuleType, server: StreamingServer, end: str) -> None:
    server.scripts["/events"] = [_sse(1), b'data: {"id": 2, "del', end]
    with pkg.StreampkgClient(base_url=server.url) as client:
        stream = client.events.list()
        got = []
        with pytest.raises(pkg.StreamInterruptedError) as raised:
            got.extend(c.id for c in stream)
    assert got == [1] and isinstance(raised.value, pkg.APIError) and raised.value.response is stream.response
    assert "/events" in str(raised.value)


def test_break_closes_the_connection(pkg: ModuleType, server: StreamingServer) -> None:
    server.scripts["/events"] = [_sse(1), _sse(2), WAIT_CLOSED]
    with pkg.StreampkgClient(base_url=server.url) as client:
        stream = client.events.list()
        for chunk in stream:
            assert chunk.id == 1
            break
        assert server.closed.wait(10) and stream.response.is_closed


def test_a_stream_never_iterated_is_closed_when_collected(pkg: ModuleType, server: StreamingServer) -> None:
    server.scripts["/events"] = [_sse(1), WAIT_CLOSED]
    with pkg.StreampkgClient(base_url=server.url) as client:
        stream = client.events.list()
        response = stream.response
        del stream
        gc.collect()
        assert server.closed.wait(10) and response.is_closed


def test_raw_and_streaming_responses_of_a_stream(pkg: ModuleType, server: StreamingServer) -> None:
    server.scripts["/events"] = [_sse(1), b"data: [DONE]\n\n"]
    with pkg.StreampkgClient(base_url=server.url) as client:
        raw = client.events.list.with_raw_response()
        assert raw.status_code == 200 and [c.id for c in raw.parsed] == [1]
        with client.events.list.with_streaming_response() as response:
            assert b"".join(response.iter_bytes()) == _sse(1) + b"data: [DONE]\n\n"


def test_an_error_status_raises_before_the_stream_starts(pkg: ModuleType, server: StreamingServer) -> None:
    server.errors["/events"] = (400, {"message": "no"})
    with pkg.StreampkgClient(base_url=server.url, max_retries=0) as client:
        with pytest.raises(pkg.BadRequestError) as raised:
            client.events.list()
    assert raised.value.body.message == "no"


def test_events_named_by_event_are_union_variants(pkg: ModuleType, server: StreamingServer) -> None:
    usage = b'event: usage\ndata: {"tokens": 7}\n\n'
    server.scripts["/typed"] = [_sse(1, "delta"), usage, b"data: [DONE]\n\n"]
    with pkg.StreampkgClient(base_url=server.url) as client, client.typed.get() as stream:
        delta, used = list(stream)
    assert delta.event == "delta" and isinstance(delta.data, pkg.Chunk) and delta.data.id == 1
    assert used.event == "usage" and used.data.tokens == 7


def test_a_discriminated_union_of_named_events(pkg: ModuleType, server: StreamingServer) -> None:
    server.scripts["/named"] = [b'event: usage\ndata: {"tokens": 2}\n\n', _sse(1, "delta"), b"data: [DONE]\n\n"]
    with pkg.StreampkgClient(base_url=server.url) as client, client.named.get() as stream:
        used, delta = list(stream)
    assert isinstance(used, pkg.Usage) and used.data.tokens == 2
    assert isinstance(delta, pkg.Delta) and delta.data == pkg.Chunk(id=1, delta="d1")


def test_text_data_and_a_terminator_of_the_spec(pkg: ModuleType, server: StreamingServer) -> None:
    server.scripts["/text"] = [b"data: line one\r\ndata: line two\r\n\r\n", b"data: [DONE]\n\n"]
    server.scripts["/ends"] = [_sse(1), b"data: END\n\n", _sse(2)]
    with pkg.StreampkgClient(base_url=server.url) as client:
        with client.text.get() as text:
            assert list(text) == ["line one\nline two"]
        with client.ends.list() as ends:
            assert [c.id for c in ends] == [1]


def test_a_stream_outlives_the_deadline_of_its_attempt(pkg: ModuleType, server: StreamingServer) -> None:
    """The timeout bounds the wait for the headers, then each read: not what was left of the attempt's deadline
    when the headers came (0.4 s here), nor the whole stream."""
    server.header_delays["/events"] = 0.6
    server.scripts["/events"] = [_sse(1), 0.6, _sse(2), 0.6, _sse(3)]
    with pkg.StreampkgClient(base_url=server.url, timeout=1.0) as client, client.events.list() as stream:
        assert [c.id for c in stream] == [1, 2, 3]


def test_a_dropped_get_stream_resumes_after_the_last_event_when_asked(
    pkg: ModuleType, server: StreamingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    waited: list[float] = []
    monkeypatch.setattr(
        importlib.import_module("streampkg._streaming").time, "sleep", waited.append
    )  # the reconnection time, not waited here
    server.queued["/events"] = [[b"retry: 2500\n\n", _sse(1), _sse(2), b"data: {", CUT], [_sse(3), CUT], [_sse(4)]]
    with pkg.StreampkgClient(base_url=server.url) as client:
        with client.events.list(max_reconnects=1) as stream:
            got = []
            with pytest.raises(pkg.StreamInterruptedError):  # one reconnection asked for: the second drop ends it
                got.extend(c.id for c in stream)
    assert got == [1, 2, 3] and [w for w in waited if w] == [2.5]  # (the server sleeps 0 s before its headers)
    first, second = server.seen
    assert "Last-Event-ID" not in first[1] and second[1]["Last-Event-ID"] == "2"


def test_streams_are_not_resumed_unless_asked(pkg: ModuleType, server: StreamingServer) -> None:
    server.queued["/events"] = [[_sse(1), CUT], [_sse(2)]]
    with pkg.StreampkgClient(base_url=server.url) as client, pytest.raises(pkg.StreamInterruptedError):
        list(client.events.list())
    assert len(server.seen) == 1


EVENT_32 = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string"},
        "id": {"type": "string"},
        "data": {"type": "string", "contentMediaType": "application/json",
                 "contentSchema": {"$ref": "#/components/schemas/Chunk"}},
    },
}  # fmt: skip
SPEC_32: dict[str, Any] = {
    **SPEC,
    "openapi": "3.2.0",
    "paths": {
        "/events": _stream_op("streamEvents", "text/event-stream", None),
        "/lines": _stream_op("streamLines", "application/jsonl", None),
    },
}
SPEC_32["paths"]["/events"]["get"]["responses"]["200"]["content"]["text/event-stream"] = {"itemSchema": EVENT_32}
SPEC_32["paths"]["/lines"]["get"]["responses"]["200"]["content"]["application/jsonl"] = {"itemSchema": CHUNK_REF}


def test_an_openapi_32_item_schema_types_each_item(make_package: MakePackage, server: StreamingServer) -> None:
    """3.2's `itemSchema`: the whole event for server-sent events, its JSON `data` typed by `contentSchema`."""
    pkg32 = make_package(SPEC_32, package="stream32pkg")
    server.scripts["/events"] = [_sse(1, "delta"), b": ping\n\n", _sse(2), b"data: [DONE]\n\n"]
    server.scripts["/lines"] = [_line(1), _line(2)]
    server.content_types["/lines"] = "application/jsonl"
    with pkg32.Stream32pkgClient(base_url=server.url) as client:
        with client.events.list() as stream:
            first, second = list(stream)
        with client.lines.list() as lines:
            assert [c.id for c in lines] == [1, 2]
    assert (first.event, first.id, first.data) == ("delta", "1", pkg32.Chunk(id=1, delta="d1"))
    assert (second.event, second.id) == ("message", "2") and isinstance(second.data, pkg32.Chunk)


USE = """
from typing import assert_type

from streampkg import AsyncStream, AsyncStreampkgClient, Chunk, Stream, StreampkgClient

client = StreampkgClient()
stream = client.events.list()
assert_type(stream, Stream[Chunk])
for chunk in stream:
    assert_type(chunk, Chunk)
with client.text.get() as text:
    for line in text:
        assert_type(line, str)


async def main() -> None:
    async with AsyncStreampkgClient() as aclient:
        streamed = await aclient.lines.list()
        assert_type(streamed, AsyncStream[Chunk])
        async for item in streamed:
            assert_type(item, Chunk)
"""


def test_streams_type_check(pkg: ModuleType, tmp_path: Any) -> None:
    use = tmp_path / "out" / "use_streampkg.py"
    use.write_text(USE)
    mypy_strict(use.name, tmp_path / "cache", cwd=use.parent)


COMPLETION = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
CHAT_BODY = {
    "type": "object",
    "required": ["prompt"],
    "properties": {"prompt": {"type": "string"}, "stream": {"type": ["boolean", "null"], "default": False}},
}
CHAT_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Chat", "version": "1"},
    "paths": {
        "/chat": {
            "post": {
                "operationId": "createCompletion",
                "tags": ["completions"],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChatBody"}}},
                },
                "responses": {
                    "200": {
                        "description": "the completion, or its chunks as they are made",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Completion"}},
                            "text/event-stream": {"schema": {"$ref": "#/components/schemas/Chunk"}},
                        },
                    }
                },
            }
        }
    },
    "components": {"schemas": {"ChatBody": CHAT_BODY, "Completion": COMPLETION, "Chunk": CHUNK}},
}


@pytest.fixture
def chat(make_package: MakePackage) -> ModuleType:
    return make_package(CHAT_SPEC, package="chatpkg")


def test_one_operation_answers_json_or_a_stream_as_asked(chat: ModuleType, server: StreamingServer) -> None:
    server.scripts["/chat"] = [_sse(1), _sse(2), b"data: [DONE]\n\n"]
    with chat.ChatpkgClient(base_url=server.url) as client:
        with client.chat.create({"prompt": "hi"}, stream=True) as stream:
            assert [c.delta for c in stream] == ["d1", "d2"]
        server.content_types["/chat"] = "application/json"
        server.scripts["/chat"] = [b'{"text": "hello"}']
        done = client.chat.create(chat.ChatBody(prompt="hi"))
    assert isinstance(done, chat.Completion) and done.text == "hello"
    (_, streamed, sent), (_, answered, plain) = server.seen
    assert streamed["Accept"] == "text/event-stream" and json.loads(sent) == {"prompt": "hi", "stream": True}
    assert answered["Accept"] == "application/json" and json.loads(plain) == {"prompt": "hi"}

    async def main() -> list[str]:
        server.content_types["/chat"] = "text/event-stream"
        server.scripts["/chat"] = [_sse(3), b"data: [DONE]\n\n"]
        async with chat.AsyncChatpkgClient(base_url=server.url) as client:
            stream = await client.chat.create(chat.ChatBody(prompt="hi"), stream=True)
            return [c.delta async for c in stream]

    assert asyncio.run(main()) == ["d3"]


CHAT_USE = """
from typing import assert_type

from chatpkg import AsyncChatpkgClient, AsyncStream, ChatpkgClient, Chunk, Completion, Stream

client = ChatpkgClient()
assert_type(client.chat.create({"prompt": "hi"}), Completion)
assert_type(client.chat.create({"prompt": "hi"}, stream=False), Completion)
assert_type(client.chat.create({"prompt": "hi"}, stream=True), Stream[Chunk])


async def main() -> None:
    aclient = AsyncChatpkgClient()
    assert_type(await aclient.chat.create({"prompt": "hi"}, stream=True), AsyncStream[Chunk])
    assert_type(await aclient.chat.create({"prompt": "hi"}), Completion)
"""


def test_both_forms_type_check(chat: ModuleType, tmp_path: Any) -> None:
    use = tmp_path / "out" / "use_chatpkg.py"
    use.write_text(CHAT_USE)
    mypy_strict(use.name, tmp_path / "cache", cwd=use.parent)


def test_the_docs_show_each_stream_with_both_clients(pkg: ModuleType, chat: ModuleType) -> None:
    pages = sorted((Path(pkg.__file__).parent / "docs" / "operations").glob("*.md"))
    page = "".join(page.read_text() for page in pages)
    assert page.count("### Streaming") == len(SPEC["paths"]) and "### Example" not in page  # the stream is the example
    assert "with client.events.list() as stream:\n        for item in stream:" in page
    assert "async with await client.events.list() as stream:\n            async for item in stream:" in page
    chat_page = (Path(chat.__file__).parent / "docs" / "operations" / "chat.md").read_text()
    assert "### Example" in chat_page and "With `stream=True`, the call answers `text/event-stream`" in chat_page
    assert 'client.chat.create({"prompt": "prompt"}, stream=True) as stream:' in chat_page  # its required key
