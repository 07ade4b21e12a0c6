"""What every generated method offers besides its parsed result: per-call options, the raw
response (`.with_raw_response(...)`) and a streamed body (`.with_streaming_response(...)`).

Methods are wrapped once, by `@Operation`/`@AsyncOperation`; the wrapper keeps the method's
exact signature for type checkers (`ParamSpec`), so the variants are typed like the call.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Concatenate, Generic, TypeVar, overload

import httpx
from typing_extensions import ParamSpec, TypedDict

P = ParamSpec("P")
T = TypeVar("T")
# A resource method, as `Operation` and `AsyncOperation` wrap it: it returns its result, or an awaitable of it.
_Method = Callable[Concatenate[Any, P], T]
_AsyncMethod = Callable[Concatenate[Any, P], Awaitable[T]]

# The option under which `.with_raw_response`/`.with_streaming_response` hand their `Capture` to the call.
CAPTURE = "_capture"


class RequestOptions(TypedDict, total=False):
    """Per-call options every method accepts as keyword arguments."""

    extra_headers: Mapping[str, str]  # sent besides (or instead of) the generated ones
    extra_query: Mapping[str, Any]  # added to the query
    timeout: float | httpx.Timeout  # instead of the client's: seconds an attempt may take in all, or httpx's
    max_retries: int  # instead of the client's
    # The `Idempotency-Key` of this call (every retry sends the same), instead of one the client makes up; with
    # a key, a POST or PATCH is retried like an idempotent request.
    idempotency_key: str
    content: bytes  # a raw body, sent instead of the encoded `body` (set Content-Type in extra_headers)
    # A GET stream of server-sent events whose connection drops reconnects up to this many times, waiting what
    # the server's `retry:` says and sending `Last-Event-ID`, so it goes on after the last event received.
    max_reconnects: int


class RawResponse(Generic[T]):
    """A parsed result together with the HTTP response it came from."""

    def __init__(self, parsed: T, http_response: httpx.Response) -> None:
        self.parsed = parsed
        self.http_response = http_response

    @property
    def status_code(self) -> int:
        """The HTTP status of the answer."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The answer's headers."""
        return self.http_response.headers

    def __repr__(self) -> str:
        request = self.http_response.request
        return f"<RawResponse {request.method} {request.url.path} -> {self.status_code}: {type(self.parsed).__name__}>"


class Capture:
    """What `.with_raw_response`/`.with_streaming_response` asks of the one call it makes, as a per-call option
    (`CAPTURE`): the response of the call's request (its first, for a list: later pages are not taken), and
    whether that response's body is left unread. Other requests, made meanwhile or later, are not touched."""

    def __init__(self, *, stream: bool) -> None:
        self.stream = stream
        self.response: httpx.Response | None = None

    def take(self, response: httpx.Response) -> None:
        """Keep the call's successful response; for a stream, end the call here (`Streamed`)."""
        self.response = response
        if self.stream:
            raise Streamed(response)


class Streamed(Exception):
    """Ends a call made for `.with_streaming_response` once its response has arrived: what the method would
    build from the body (a page, a handle on an action) is never built from a body that was not read."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response)
        self.response = response


def capture_of(options: Mapping[str, object]) -> Capture | None:
    """The capture a call was given, while it has taken no response yet."""
    found = options.get(CAPTURE)
    return found if isinstance(found, Capture) and found.response is None else None


def _taken(capture: Capture) -> httpx.Response:
    if capture.response is None:
        raise RuntimeError("the call returned without a response")
    return capture.response


# Async twins: the sync ones are derived from them when a package is generated (render/runtime.py).


class AsyncBoundOperation(Generic[P, T]):
    """A generated method bound to its resource: call it, or ask for the raw or streamed response."""

    __slots__ = ("_fn", "_owner")

    def __init__(self, fn: _AsyncMethod[P, T], owner: Any) -> None:
        self._fn = fn
        self._owner = owner

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        return self._fn.__doc__

    @property
    def __signature__(self) -> inspect.Signature:
        """The method's signature without `self`, for `help()`, `inspect` and editors."""
        signature = inspect.signature(self._fn)
        return signature.replace(parameters=list(signature.parameters.values())[1:])

    def __repr__(self) -> str:
        return f"<operation {type(self._owner).__name__}.{self._fn.__name__}>"

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._fn(self._owner, *args, **kwargs)

    def _call(self, capture: Capture, args: Any, kwargs: Any) -> Any:
        fn: Callable[..., Any] = self._fn  # the capture rides along as one more option
        return fn(self._owner, *args, **kwargs, **{CAPTURE: capture})

    async def with_raw_response(self, *args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        """Call the method; return its parsed result with the `httpx.Response` (status, headers)."""
        capture = Capture(stream=False)
        parsed: T = await self._call(capture, args, kwargs)
        return RawResponse(parsed, _taken(capture))

    @contextlib.asynccontextmanager
    async def with_streaming_response(self, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[httpx.Response]:
        """Call the method without reading the body: use the response's `iter_bytes()` (or `aiter_bytes()`)
        inside the `with` block, for downloads too large for memory. Error statuses still raise."""
        capture = Capture(stream=True)
        try:
            await self._call(capture, args, kwargs)
        except Streamed as streamed:
            response = streamed.response
        else:
            raise RuntimeError("the call returned without a response")
        try:
            yield response
        finally:
            await response.aclose()


class AsyncOperation(Generic[P, T]):
    """A resource method made an operation (callable, `.with_raw_response`, `.with_streaming_response`): the
    decorator, and the descriptor that binds the method to its resource."""

    def __init__(self, fn: _AsyncMethod[P, T]) -> None:
        self._fn = fn
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__
        self.__wrapped__ = fn  # `inspect.signature` and `help()` show the method's own signature

    async def __call__(self, owner: Any, *args: P.args, **kwargs: P.kwargs) -> T:
        """Call the method on a resource given explicitly (`Resource.method(resource, ...)`)."""
        return await self._fn(owner, *args, **kwargs)

    @overload
    def __get__(self, owner: None, cls: type | None = None) -> AsyncOperation[P, T]: ...

    @overload
    def __get__(self, owner: object, cls: type | None = None) -> AsyncBoundOperation[P, T]: ...

    def __get__(self, owner: object | None, cls: type | None = None) -> Any:
        return self if owner is None else AsyncBoundOperation(self._fn, owner)
