"""Streamed answers: server-sent events (`text/event-stream`), JSON lines (`application/jsonl`,
`application/x-ndjson`) and JSON text sequences (`application/json-seq`, RFC 7464), handed over item by item
as they arrive, in memory that does not grow with the stream.

The decoders work on bytes as they come off the connection, so a chunk may end anywhere: inside an event,
inside a line ending (`\\r` then `\\n`), inside a multi-byte UTF-8 character. A stream that ends inside an
item raises `StreamInterruptedError`. `Stream` / `AsyncStream` close the connection when the `with` block
ends, when a loop over them ends (`break` included), and when they are collected.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx
from pydantic import ValidationError

from ._exceptions import APIConnectionError, APIResponseValidationError
from ._redact import redact
from ._runtime import ResponseType

T = TypeVar("T")
_RS = b"\x1e"  # the record separator that starts each JSON text of a sequence
DEFAULT_RECONNECTION_TIME = 1.0  # seconds before reconnecting when the server sent no `retry:`
# A new request for the events after a `Last-Event-ID` (sync, async).
Reconnect = Callable[[str], httpx.Response]
AsyncReconnect = Callable[[str], Awaitable[httpx.Response]]


class StreamInterruptedError(APIConnectionError):
    """The stream ended inside an item: the connection dropped, or the server stopped mid-event. The items
    before it were handed over; `response` is the stream's `httpx.Response`."""

    def __init__(self, response: httpx.Response, detail: str) -> None:
        self.response = response
        request = response.request
        super().__init__(f"{request.method} {redact(request.url)}: the stream was cut inside an item ({detail})")


@dataclass(slots=True)
class ServerSentEvent:
    """One server-sent event: its type (`message` when it names none), data, ID and reconnection delay."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None

    def fields(self, json_data: bool) -> dict[str, Any]:
        """The event as the object an item schema describes: `data` decoded when it holds JSON."""
        data: Any = self.data
        if json_data:
            with contextlib.suppress(ValueError):  # a variant whose data is text stays text
                data = json.loads(self.data)
        found = {"event": self.event, "data": data, "id": self.id, "retry": self.retry}
        return {key: value for key, value in found.items() if value is not None}


@dataclass(frozen=True, kw_only=True)
class StreamSpec:
    """How an operation's streamed answer is framed and what one item is.

    `framing`: sse, jsonl or json-seq. `events`: an item is the whole event (`ServerSentEvent.fields`), its
    `data` decoded as JSON when `json_data`; otherwise an item is one event's `data`, one line or one record.
    `terminator`: the data (or line) that ends the stream, such as `[DONE]`.
    """

    framing: str = "sse"
    events: bool = False
    json_data: bool = True
    terminator: str | None = None

    def decoder(self) -> SSEDecoder | LineDecoder:
        if self.framing == "sse":
            return SSEDecoder(terminator=self.terminator)
        return LineDecoder(_RS if self.framing == "json-seq" else b"\n", terminator=self.terminator)


class SSEDecoder:
    """Server-sent events from bytes, as the HTML standard's event-stream parser reads them: lines end with
    `\\r\\n`, `\\n` or `\\r`; `:` starts a comment (a heartbeat); a blank line dispatches the event. An event whose
    data is `terminator` ends the stream (`done`)."""

    def __init__(self, *, terminator: str | None = None) -> None:
        self._terminator = terminator
        self.done = False
        self._rest = b""
        self._data: list[bytes] = []
        self._event: str | None = None
        self._retry: int | None = None
        self._pending = False  # a field seen since the last blank line
        self.last_event_id: str | None = None
        self.reconnection_time: int | None = None  # milliseconds, from the last `retry:` field

    def restart(self) -> None:
        """Forget the event being received: the connection dropped, a new one starts with a fresh event."""
        self._rest, self._data, self._event, self._retry, self._pending = b"", [], None, None, False

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        lines = (self._rest + chunk).splitlines(keepends=True)
        # A last line without its `\n` is unfinished; so is a lone `\r`, which may be half of `\r\n`.
        self._rest = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        events = []
        for ended in lines:
            line = ended.rstrip(b"\r\n")
            if line.startswith(b"data:"):  # most lines: one loop, no call, for a stream of millions
                self._data.append(line[6:] if line[5:6] == b" " else line[5:])
                self._pending = True
            elif line:
                self._field(line)
            elif (event := self._dispatch()) is not None:
                events.append(event)
            elif self.done:
                break
        return events

    def end(self) -> list[ServerSentEvent]:
        """The events the end of the stream completes; raises `ValueError` when it ends inside one."""
        rest, self._rest = self._rest, b""
        if self.done:
            return []
        if rest and not rest.endswith(b"\r"):
            raise ValueError("the stream ended inside a line")
        events = self.feed(b"\n") if rest else []  # its `\r` ended the line
        if self._pending and not self.done:
            raise ValueError("the last event has no blank line after it")
        return events

    def _field(self, line: bytes) -> None:
        if line.startswith(b":"):
            return
        name, _, value = line.partition(b":")
        value = value[1:] if value.startswith(b" ") else value
        self._pending = True
        if name == b"data":
            self._data.append(value)
        elif name == b"event":
            self._event = value.decode("utf-8", "replace")
        elif name == b"id" and b"\0" not in value:
            self.last_event_id = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():
            self._retry = self.reconnection_time = int(value)

    def _dispatch(self) -> ServerSentEvent | None:
        data, event, retry = self._data, self._event, self._retry
        self._data, self._event, self._retry, self._pending = [], None, None, False
        if not data:  # an event without data is not dispatched (the standard's rule)
            return None
        text = (data[0] if len(data) == 1 else b"\n".join(data)).decode("utf-8", "replace")
        if text == self._terminator:
            self.done = True
            return None
        return ServerSentEvent(event or "message", text, self.last_event_id, retry)


class LineDecoder:
    """JSON lines (`separator` `\\n`; `\\r\\n` too) or RFC 7464 JSON text sequences (`separator` RS): each
    non-blank record, as bytes."""

    def __init__(self, separator: bytes, *, terminator: str | None = None) -> None:
        self._separator = separator
        self._terminator = None if terminator is None else terminator.encode()
        self.done = False
        self._rest = b""
        self.last_event_id: str | None = None  # lines have none: a line stream is never resumed
        self.reconnection_time: int | None = None

    def restart(self) -> None:
        self._rest = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        records = (self._rest + chunk).split(self._separator)
        self._rest = records.pop()
        found = [record for record in records if record.strip()]
        if self._terminator is not None and self._terminator in (stripped := [r.strip() for r in found]):
            self.done = True
            return found[: stripped.index(self._terminator)]
        return found

    def end(self) -> list[bytes]:
        """The last record; raises `ValueError` when the stream ended inside it."""
        rest, self._rest = self._rest, b""
        if self.done or not rest.strip() or rest.strip() == self._terminator:
            return []
        if self._separator == _RS and not rest.endswith(b"\n"):
            raise ValueError("the last record has no line feed after it")  # RFC 7464's truncated record
        try:
            json.loads(rest)
        except ValueError:
            raise ValueError("the last line is not complete JSON") from None
        return [rest]


def _text(raw: ServerSentEvent | bytes) -> Any:
    """An item handed over as text: an event's data, or a line."""
    return raw.data if isinstance(raw, ServerSentEvent) else raw.decode("utf-8", "replace")


def _close_when_collected(owner: object, response: httpx.Response) -> None:
    """Close a synchronous response when `owner` is collected (an async one needs its event loop)."""
    if isinstance(response.stream, httpx.SyncByteStream):
        weakref.finalize(owner, response.close)


# Async twins: the sync ones are derived from them when a package is generated (render/runtime.py).


class AsyncStream(Generic[T]):
    """A streamed answer: iterate it (`for`, or `async for` on the async client) to get each item as it
    arrives. Use it in a `with` block to close the connection however the block ends; a loop that ends
    (`break` included) closes it too. `response` is the `httpx.Response` (status, headers).
    """

    def __init__(
        self,
        *,
        response: httpx.Response,
        item: ResponseType[T],
        spec: StreamSpec,
        reconnect: AsyncReconnect | None = None,
        max_reconnects: int = 0,
    ) -> None:
        self.response = response
        self._item = item
        self._spec = spec
        self._decoder = spec.decoder()
        self._reconnect = reconnect
        self._reconnects_left = max_reconnects
        _close_when_collected(self, response)

    @property
    def last_event_id(self) -> str | None:
        """The ID of the last server-sent event received (what `Last-Event-ID` resumes after)."""
        return self._decoder.last_event_id

    async def __aiter__(self) -> AsyncIterator[T]:
        decoder, parse = self._decoder, self._parser()
        try:
            async for chunk in self._chunks():
                for raw in decoder.feed(chunk):
                    yield parse(raw)
                if decoder.done:
                    return
            try:
                ended = decoder.end()
            except ValueError as exc:
                raise StreamInterruptedError(self.response, str(exc)) from None
            for raw in ended:
                yield parse(raw)
        except ValidationError as exc:
            raise APIResponseValidationError(self.response, exc.errors(), f"a streamed item: {exc}") from exc
        finally:
            await self.aclose()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while True:
            try:
                async for chunk in self.response.aiter_bytes():
                    yield chunk
                return
            except httpx.TransportError as exc:
                if not await self._resumed():
                    raise StreamInterruptedError(self.response, type(exc).__name__) from exc

    async def _resumed(self) -> bool:
        """After a dropped connection, reconnect (when asked to) after the server's reconnection time, asking
        for the events after the last one received; whether the stream goes on."""
        last = self._decoder.last_event_id
        if self._reconnect is None or self._reconnects_left <= 0 or last is None:
            return False
        self._reconnects_left -= 1
        await self.response.aclose()
        waited = self._decoder.reconnection_time
        await asyncio.sleep(DEFAULT_RECONNECTION_TIME if waited is None else waited / 1000)
        self._decoder.restart()
        self.response = await self._reconnect(last)
        return True

    def _parser(self) -> Callable[[Any], T]:
        """What one decoded item (an event, a line, a record) becomes, chosen once per stream."""
        item, spec = self._item, self._spec
        if spec.events:
            return lambda event: item.validate(event.fields(spec.json_data))
        if item.kind == "text":
            return _text
        validate = item.json_validator()
        return (lambda event: validate(event.data)) if spec.framing == "sse" else validate

    async def aclose(self) -> None:
        """Close the connection (what is left of the stream is not read)."""
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
