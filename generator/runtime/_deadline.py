"""Timeouts as deadlines. httpx's timeouts bound each phase and each read separately, so a server that
trickles its body a byte at a time keeps a request going forever; a `timeout` given in seconds is instead
the time one attempt may take in all: connecting, sending, and reading the whole body.

Every phase is given at most the time left when it starts, and the body is read chunk by chunk, checking
the deadline after each one. Response headers are read by httpcore with one read timeout for every read and
no hook in between, so on the package's own httpx client every read of a connection is cut at the deadline
of the request being sent (`bound_reads`); a caller's own `http_client` bounds header reads one read at a
time. An `httpx.Timeout` keeps httpx's own per-phase, per-read meaning. A streamed answer (`Stream`) is bounded
by the deadline until its headers arrive, then by the timeout per read (`Deadline.release`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpx

Timeout = float | httpx.Timeout  # seconds for a whole attempt, or httpx's per-phase timeouts
EXPIRED = 0.001  # the timeout of a phase that starts past the deadline: a socket timeout of 0 would not block


# The deadline of the request this thread or task is sending (a monotonic time), for `bound_reads`.
_SENDING: ContextVar[float | None] = ContextVar("_SENDING", default=None)


def _capped(phase: float | None, until: float | None) -> float | None:
    """A phase's timeout, cut to the time left before `until` (if any)."""
    if until is None:
        return phase
    left = max(until - time.monotonic(), EXPIRED)
    return left if phase is None else min(phase, left)


def too_late(until: float | None, delay: float) -> bool:
    """Whether a retry after `delay` seconds would start at or past `until` (a monotonic time), if any."""
    return until is not None and time.monotonic() + delay >= until


class Deadline:
    """When one attempt must be over: `timeout` seconds from now (a float), and by `until` in any case (a
    monotonic time, such as the end of a wait). `until` is None when neither bounds it."""

    def __init__(self, timeout: Timeout, until: float | None = None) -> None:
        self.phases = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        own = None if isinstance(timeout, httpx.Timeout) else time.monotonic() + timeout
        ends = [end for end in (own, until) if end is not None]
        self.until = min(ends) if ends else None

    def timeout(self) -> httpx.Timeout:
        """The httpx timeouts for a request sent now."""
        phases, until = self.phases, self.until
        return httpx.Timeout(
            connect=_capped(phases.connect, until),
            read=_capped(phases.read, until),
            write=_capped(phases.write, until),
            pool=_capped(phases.pool, until),
        )

    @contextmanager
    def sending(self) -> Iterator[None]:
        """While a request is sent: reads on the package's own connections end by this deadline."""
        token = _SENDING.set(self.until)
        try:
            yield
        finally:
            _SENDING.reset(token)

    def watch(self, request: httpx.Request, asynchronous: bool) -> None:
        """Give each phase of `request` (connect, send, receive) at most the time left when it starts.

        httpcore reads the request's timeouts as each phase starts and calls its `trace` extension just
        before, so the trace is where they are brought up to date.
        """
        if self.until is None:
            return
        timeouts: dict[str, Any] = request.extensions["timeout"]

        def trace(event: str, info: Any) -> None:
            if event.endswith(".started"):
                timeouts.update(self.timeout().as_dict())

        async def atrace(event: str, info: Any) -> None:
            trace(event, info)

        request.extensions["trace"] = atrace if asynchronous else trace

    def release(self, request: httpx.Request) -> None:
        """Once a stream's headers are in: its reads are no longer cut at the deadline. A stream may last as
        long as the server sends, so the timeout bounds the wait for the headers and then each read (the
        silence between two chunks), never the stream's whole length."""
        request.extensions.pop("trace", None)  # httpcore reads both when the body's first read starts
        request.extensions["timeout"] = self.phases.as_dict()

    def guard(self, response: httpx.Response) -> None:
        """Make reading `response`'s body raise `httpx.ReadTimeout` once the deadline has passed."""
        if self.until is not None:
            response.stream = _GuardedStream(response.stream, self.until, response.request)


class _GuardedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that checks the deadline after every chunk it hands on."""

    def __init__(self, stream: Any, until: float, request: httpx.Request) -> None:
        self._stream = stream
        self._until = until
        self._request = request

    def _check(self) -> None:
        if time.monotonic() >= self._until:
            raise httpx.ReadTimeout("the body was not read before the deadline", request=self._request)

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            self._check()
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            self._check()
            yield chunk

    def close(self) -> None:
        self._stream.close()

    async def aclose(self) -> None:
        await self._stream.aclose()


def _pools(http: httpx.Client | httpx.AsyncClient) -> list[Any]:
    """The connection pools of `http` whose httpcore network backend can be wrapped (`bound_reads`).

    They are reached through httpx's and httpcore's private attributes (the same from httpx 0.23 to 0.28, tested
    at both); where those are missing, there is none, and reads keep httpx's own bounds.
    """
    pools = [getattr(transport, "_pool", None) for transport in [http._transport, *http._mounts.values()]]
    return [pool for pool in pools if getattr(pool, "_network_backend", None) is not None]


# Async twins: the sync ones are derived from them when a package is generated (render/runtime.py).


def async_bound_reads(http: httpx.AsyncClient) -> None:
    """Cut every read on the connections of `http` (a client the package made, never a caller's) at the
    deadline of the request being sent (`Deadline.sending`), headers included."""
    for pool in _pools(http):
        pool._network_backend = _AsyncBoundedBackend(pool._network_backend)


class _AsyncBoundedBackend:
    """An httpcore network backend whose connections' reads end by the deadline of the request being sent."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> Any:
        return _AsyncBoundedStream(await self._backend.connect_tcp(*args, **kwargs))

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
        return _AsyncBoundedStream(await self._backend.connect_unix_socket(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)


class _AsyncBoundedStream:
    """A connection whose reads wait no longer than the time left before the deadline being sent under."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = await self._stream.read(max_bytes, _capped(timeout, _SENDING.get()))
        return data

    async def start_tls(self, *args: Any, **kwargs: Any) -> Any:
        return _AsyncBoundedStream(await self._stream.start_tls(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
