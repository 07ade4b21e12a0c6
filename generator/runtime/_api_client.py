"""The clients that send: `APIClient` and `AsyncAPIClient` send, retry and parse every generated method's
request, and the three higher-level calls built on it: `paginate`, `wait_for` and `request_accepted`. The
sync client is derived from the async one; only the transport call and the sleep differ.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar, cast

import httpx

from ._auth import Placement, Scheme
from ._base_client import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, BaseClient
from ._deadline import Deadline, Timeout, async_bound_reads, too_late
from ._endpoint import Endpoint
from ._exceptions import APIError, WaitFailedError
from ._pagination import AsyncPage, NextPage, PageSpec
from ._polling import (
    DEFAULT_MAX_POLL_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_WAIT_TIMEOUT,
    MIN_POLL_INTERVAL,
    POLL_BACKOFF,
    ActionSpec,
    AsyncAccepted,
    AsyncActionHandle,
    FollowSpec,
    PollSpec,
    check_status,
    location_of,
    next_delay,
)
from ._response import Capture, RequestOptions, capture_of
from ._runtime import ResponseType
from ._streaming import AsyncStream
from ._transport import SEND_ERRORS, async_send, send_error

T = TypeVar("T")
B = TypeVar("B")
D = TypeVar("D")  # what waiting returns (see `PollSpec.result`)
Item = TypeVar("Item")

NO_OPTIONS: RequestOptions = {}

# Middleware (the client's `middleware=`) runs on every attempt of every request, retries included: it gets the
# request and the function that sends it on (to the next middleware, the last one to the network), and returns
# the response. It may change the request, time it, log it, sign it, or answer without sending it on.
Send = Callable[[httpx.Request], httpx.Response]
AsyncSend = Callable[[httpx.Request], Awaitable[httpx.Response]]
Middleware = Callable[[httpx.Request, Send], httpx.Response]
AsyncMiddleware = Callable[[httpx.Request, AsyncSend], Awaitable[httpx.Response]]


# Async twins: the sync ones are derived from them when a package is generated (render/runtime.py).


def _async_layered(layer: AsyncMiddleware, send_on: AsyncSend) -> AsyncSend:
    """`send_on` behind one middleware."""
    return lambda request: layer(request, send_on)


class AsyncAPIClient(BaseClient):
    """The transport of a generated client: sends its requests with an httpx client, retrying as configured."""

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Mapping[str, str | None] | None = None,
        schemes: Mapping[str, Scheme] | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_error: ResponseType[Any] | None = None,
        lenient: bool = False,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        idempotency_header: str | None = None,
        middleware: Sequence[AsyncMiddleware] = (),
    ) -> None:
        super().__init__(
            base_url=base_url,
            credentials=credentials or {},
            schemes=schemes or {},
            timeout=timeout,
            max_retries=max_retries,
            default_error=default_error,
            lenient=lenient,
            default_headers=default_headers,
            default_query=default_query,
            idempotency_header=idempotency_header,
        )
        self._middleware = tuple(middleware)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient()
        if self._owns_http:
            async_bound_reads(self._http)
        self._bind_resources()

    async def request(
        self,
        endpoint: Endpoint[T],
        args: Mapping[str, Any],
        body: Any = None,
        content_type: str | None = None,
        options: RequestOptions = NO_OPTIONS,
    ) -> T:
        """Send one request (retrying as configured) and parse its answer; raise an `APIError` when it fails."""
        value, _ = await self.request_with_response(endpoint, args, body, content_type, options)
        return value

    async def request_with_response(
        self,
        endpoint: Endpoint[T],
        args: Mapping[str, Any],
        body: Any = None,
        content_type: str | None = None,
        options: RequestOptions = NO_OPTIONS,
        until: float | None = None,
    ) -> tuple[T, httpx.Response]:
        """Like `request`, but also return the `httpx.Response` (for its headers).

        A float `timeout` is a deadline per attempt, as in openai-python: each retry has the whole timeout
        again. `until` (a `time.monotonic()` value) bounds the attempts and the sleeps between them too: a
        retry that could not start before it is not waited for, the error is raised at once.
        """
        capture = capture_of(options)
        answer, _ = await self._answer(endpoint, args, body, content_type, options, until, capture)
        return self._parse(endpoint, answer), answer

    async def request_stream(
        self,
        endpoint: Endpoint[T],
        args: Mapping[str, Any],
        body: Any = None,
        content_type: str | None = None,
        options: RequestOptions = NO_OPTIONS,
    ) -> AsyncStream[T]:
        """Send one request for a streamed answer; return it once its headers are in, its items unread.

        Retries and errors are as for `request` until the headers arrive (an error status raises before the
        stream starts); then the timeout bounds each read, not the whole stream (`Deadline.release`). A GET
        stream of server-sent events resumes after a dropped connection when `max_reconnects` asks it to.
        """
        if endpoint.stream is None:
            raise TypeError(f"{endpoint.method} {endpoint.path} does not answer with a stream")
        answer, deadline = await self._answer(endpoint, args, body, content_type, options, None, capture_of(options))
        deadline.release(answer.request)

        async def reconnect(last_event_id: str) -> httpx.Response:
            headers = {**options.get("extra_headers", {}), "Last-Event-ID": last_event_id}
            again, its_deadline = await self._answer(
                endpoint, args, body, content_type, {**options, "extra_headers": headers}, None, None
            )
            its_deadline.release(again.request)
            return again

        resumable = endpoint.method == "GET" and endpoint.stream.framing == "sse"
        return AsyncStream(
            response=answer,
            item=endpoint.response,
            spec=endpoint.stream,
            reconnect=reconnect if resumable else None,
            max_reconnects=options.get("max_reconnects", 0),
        )

    async def _answer(
        self,
        endpoint: Endpoint[Any],
        args: Mapping[str, Any],
        body: Any,
        content_type: str | None,
        options: RequestOptions,
        until: float | None,
        capture: Capture | None,
    ) -> tuple[httpx.Response, Deadline]:
        """The successful answer to `endpoint` (retrying as configured), and the deadline of its attempt; its
        body is read unless the caller streams it (a `Stream`, or `.with_streaming_response`)."""
        placement = self._placement(endpoint)
        refreshed = False
        stream = endpoint.stream is not None or (capture is not None and capture.stream)
        options = self._keyed(endpoint, options)
        retries = options.get("max_retries", self.max_retries)
        attempt = 0
        while True:
            if placement.token_scheme is not None:
                await self._fetch_token(placement.token_scheme)
                placement = self._placement(endpoint, fetched=True)
            used = dict(self._tokens.tokens)
            deadline = Deadline(options.get("timeout", self.timeout), until)
            request = self._build_request(self._http, endpoint, args, body, content_type, options, placement, deadline)
            started = time.monotonic()
            try:
                answer = await self._send_through_middleware(request, deadline, stream, placement)
            except SEND_ERRORS as exc:
                self._log(request, type(exc).__name__, started)
                delay = self._retry_after_error(request, exc, attempt, retries)
                if delay is None or too_late(until, delay):
                    raise send_error(request, exc) from exc
            else:
                self._log(request, str(answer.status_code), started)
                if answer.is_success:
                    if capture is not None:
                        capture.take(answer)
                    return answer, deadline
                if stream:
                    await answer.aread()
                if answer.status_code == 401 and used and not refreshed:
                    # A token we fetched may have been revoked early: fetch a new one, once.
                    refreshed = True
                    self._tokens.revoke(used)
                    placement = self._placement(endpoint)
                    continue
                delay = self._retry_after_status(answer, attempt, retries)
                if delay is None or too_late(until, delay):
                    raise self._status_error(answer, endpoint.errors)
            attempt += 1
            await asyncio.sleep(delay)

    async def _send_through_middleware(
        self, request: httpx.Request, deadline: Deadline, stream: bool, credentials: Placement
    ) -> httpx.Response:
        """Send `request` through the client's middleware, the first given outermost, then `_send`."""

        async def send(sent: httpx.Request) -> httpx.Response:
            return await self._send(sent, deadline, stream, credentials)

        send_on: AsyncSend = send
        for layer in reversed(self._middleware):
            send_on = _async_layered(layer, send_on)
        return await send_on(request)

    async def _send(
        self, request: httpx.Request, deadline: Deadline, stream: bool, credentials: Placement
    ) -> httpx.Response:
        """Send `request` (see `_transport.py`) and, unless the caller streams it, read the whole body before
        the deadline."""
        with deadline.sending():
            answer = await async_send(self._http, request, True, credentials)
        if stream:
            return answer
        deadline.guard(answer)
        try:
            await answer.aread()
        except BaseException:
            await answer.aclose()
            raise
        return answer

    async def _fetch_token(self, name: str) -> None:
        """Fetch an OAuth2 access token with the client-credentials flow and keep it until it expires; callers
        that need one meanwhile wait for it instead of fetching their own."""
        seen = self._tokens.tokens.get(name)
        async with self._tokens.async_lock():
            if self._tokens.needs(name, seen):
                await self._fetch_token_now(name)

    async def _fetch_token_now(self, name: str) -> None:
        deadline = Deadline(self.timeout)
        request = self._token_request(self._http, name, deadline)
        try:
            answer = await self._send(request, deadline, False, Placement())
        except SEND_ERRORS as exc:
            raise send_error(request, exc) from exc
        self._keep_token(name, answer)

    async def paginate(
        self,
        endpoint: Endpoint[Any],
        args: Mapping[str, Any],
        pages: PageSpec[Item],
        options: RequestOptions = NO_OPTIONS,
    ) -> AsyncPage[Item]:
        """The first page of a list; iterating the page fetches the following ones as needed."""

        async def fetch(following: NextPage) -> tuple[Any, httpx.Response, Mapping[str, Any]]:
            if following.url is not None:  # a URL the server handed out carries every argument itself
                value, answer = await self.request_with_response(endpoint.at(following.url), {}, options=options)
                return value, answer, {}
            at = {**args, **following.arguments}
            value, answer = await self.request_with_response(endpoint, at, options=options)
            return value, answer, at

        return AsyncPage(*(await fetch(NextPage())), fetch, pages)

    async def wait_for(
        self,
        endpoint: Endpoint[T],
        args: Mapping[str, Any],
        *,
        poll: PollSpec[D],
        failed_error: type[WaitFailedError],
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: Callable[[T], object] | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
    ) -> D:
        """Poll until the status object is done (return it, in `poll.result`'s shape if it has one) or
        failed (raise `failed_error`).

        The interval starts at `poll_interval` and grows to `max_poll_interval`; a
        `Retry-After` on the status response is honoured; every round sleeps; the
        deadline is `timeout` seconds from now. The last poll is made at the deadline and,
        like every status request (retries included), must be over one poll interval after
        it: a wait never overruns its timeout by more (`APITimeoutError` if a request does).
        """
        started = time.monotonic()
        interval = poll_interval
        while True:
            until = started + timeout + max(interval, MIN_POLL_INTERVAL)
            value, answer = await self.request_with_response(endpoint, args, until=until)
            if check_status(value, poll, failed_error, time.monotonic() - started, timeout):
                # Without a result shape, `D` is the status object's own type (the generated specs say so).
                return cast(D, value) if poll.result is None else self._parse_as(poll.result, answer, endpoint)
            if on_progress is not None:
                on_progress(value)
            await asyncio.sleep(next_delay(interval, answer, timeout - (time.monotonic() - started)))
            interval = min(interval * POLL_BACKOFF, max_poll_interval)

    async def request_accepted(
        self,
        endpoint: Endpoint[B],
        args: Mapping[str, Any],
        follow: FollowSpec[T],
        body: Any = None,
        content_type: str | None = None,
        options: RequestOptions = NO_OPTIONS,
    ) -> AsyncAccepted[B, T]:
        """Start asynchronous work; the result's `.wait()` polls the URL the answer's header names."""
        accepted, answer = await self.request_with_response(endpoint, args, body, content_type, options)
        return AsyncAccepted(self, accepted, answer, location_of(answer, follow.header), follow)

    async def request_action(
        self,
        endpoint: Endpoint[Any],
        args: Mapping[str, Any],
        action: ActionSpec[T],
        body: Any = None,
        content_type: str | None = None,
        options: RequestOptions = NO_OPTIONS,
    ) -> AsyncActionHandle[T]:
        """Start async work; return a handle on it, by the ID the answer holds (`x-async-action`)."""
        started = await self.request(endpoint, args, body, content_type, options)
        handle = self._handle(started, action)
        if handle is None:
            raise APIError(f"{endpoint.method} {endpoint.path} answered without the {action.id_from!r} it promises")
        return handle

    async def request_action_or_result(
        self,
        endpoint: Endpoint[B],
        args: Mapping[str, Any],
        action: ActionSpec[T],
        body: Any = None,
        content_type: str | None = None,
        options: RequestOptions = NO_OPTIONS,
    ) -> AsyncActionHandle[T] | B:
        """Start work the server may also finish at once: a handle when the answer holds an ID, else the answer."""
        started = await self.request(endpoint, args, body, content_type, options)
        handle = self._handle(started, action)
        return started if handle is None else handle

    def _handle(self, started: Any, action: ActionSpec[T]) -> AsyncActionHandle[T] | None:
        work_id = getattr(started, action.id_from, None)
        return AsyncActionHandle(self, work_id, action, started) if isinstance(work_id, str) and work_id else None

    async def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        if self._owns_http:
            # httpx 0.23 complains when other threads' requests are in flight; they fail on their own, as APIErrors.
            with contextlib.suppress(RuntimeError):
                await self._http.aclose()

    async def __aenter__(self: T) -> T:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
