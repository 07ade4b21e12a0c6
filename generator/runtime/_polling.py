"""Waiting for asynchronous work, as the spec's `x-poll` and `x-poll-location` declare it."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._exceptions import APIError, APIResponseValidationError, UnexpectedActionError, WaitFailedError, WaitTimeoutError
from ._redact import redact
from ._runtime import ResponseType, retry_after

if TYPE_CHECKING:
    from ._api_client import AsyncAPIClient
    from ._endpoint import Endpoint

T = TypeVar("T")
B = TypeVar("B")
U = TypeVar("U")
D = TypeVar("D")  # what waiting returns: the status object, or its narrower shape once done
Expected = TypeVar("Expected")  # the type a resumed handle is asked to be (`handle(id, SomeAction)`)

DEFAULT_WAIT_TIMEOUT = 600.0
DEFAULT_POLL_INTERVAL = 0.5
DEFAULT_MAX_POLL_INTERVAL = 10.0
POLL_BACKOFF = 1.5
MIN_POLL_INTERVAL = 0.05  # every round sleeps at least this long: no busy loop


@dataclass(frozen=True, kw_only=True)
class PollSpec(Generic[D]):
    """Which attribute holds the status, which values end the wait, and where progress lives.

    `result` parses the final answer once more into the shape the spec promises for done work
    (`x-poll`'s `result`); without it, waiting returns the status object as it came (then `D` is its type).
    """

    status: str
    done: frozenset[str]
    failed: frozenset[str]
    progress: str | None = None
    error: tuple[str, ...] = ()  # attributes leading to the failure's message, when the spec names it
    result: ResponseType[D] | None = None

    def failure(self, value: Any) -> str | None:
        """The failure's own message, if the status object carries one where `error` says."""
        for attribute in self.error:
            value = getattr(value, attribute, None)
        return value if self.error and isinstance(value, str) else None


@dataclass(frozen=True, kw_only=True)
class FollowSpec(Generic[T]):
    """How to poll the URL a `202 Accepted` answer names: the header, the status operation, its `x-poll`."""

    header: str
    endpoint: Endpoint[Any]
    poll: PollSpec[T]
    failed_error: type[WaitFailedError]


@dataclass(frozen=True, kw_only=True)
class ActionSpec(Generic[T]):
    """Async work started by a call (`x-async-action`) or resumed from its ID: the status operation and
    its path argument, what ends the wait, and the types `T` stands for (None: any the union holds)."""

    endpoint: Endpoint[Any]
    argument: str
    poll: PollSpec[Any]
    failed_error: type[WaitFailedError]
    expected: Callable[[], tuple[type[Any], ...]] | None = None
    types: tuple[str, ...] = ()  # the type names the call promises, for messages
    id_from: str = ""  # the attribute of the starting call's answer that holds the ID

    def expecting(self, tp: type[U]) -> ActionSpec[U]:
        """The same work, typed as `tp` (a variant of the status union)."""
        return ActionSpec(
            endpoint=self.endpoint,
            argument=self.argument,
            poll=self.poll,
            failed_error=self.failed_error,
            expected=lambda: (tp,),
            types=(tp.__name__,),
        )

    def check(self, work_id: str, value: Any) -> T:
        """`value` as `T`, or `UnexpectedActionError` when the server reports another type than promised."""
        if self.expected is not None and not isinstance(value, self.expected()):
            raise UnexpectedActionError(
                f"{work_id} is of type {getattr(value, 'type', type(value).__name__)}, not "
                f"{' or '.join(self.types)} as expected",
                value,
            )
        return value  # type: ignore[no-any-return]


def status_of(value: Any, spec: PollSpec[Any]) -> str:
    """The status of a status object as a plain string (open enums included)."""
    raw = getattr(value, spec.status, None)
    return str(raw.value if isinstance(raw, enum.Enum) else raw)


def check_status(
    value: Any, spec: PollSpec[Any], failed_error: type[WaitFailedError], elapsed: float, timeout: float
) -> bool:
    """True when the work is done; raise when it failed or time is up; False to poll again.

    The errors name the work by its `id` when the status object has one, and its last status.
    """
    state = status_of(value, spec)
    if state in spec.done:
        return True
    work_id = getattr(value, "id", None)
    what = f"{work_id} " if isinstance(work_id, str) and work_id else "the work "
    if state in spec.failed:
        why = spec.failure(value)
        raise failed_error(f"{what}ended as {state}" + (f": {why}" if why else ""), value)
    if elapsed >= timeout:
        raise WaitTimeoutError(f"{what}is still {state} after {timeout:g} s", value)
    return False


def next_delay(interval: float, response: httpx.Response, remaining: float) -> float:
    """Sleep before the next poll: what the server asks (`Retry-After`, `retry-after-ms`), else the interval; never
    past the deadline."""
    asked = retry_after(response.headers, time.time())
    delay = interval if asked is None else asked
    return max(MIN_POLL_INTERVAL, min(delay, remaining))


def location_of(response: httpx.Response, header: str) -> str:
    """The absolute URL in a `202 Accepted` answer's `header`, resolved against the request URL."""
    value = response.headers.get(header)
    if not value:
        raise APIError(f"{response.request.method} {response.request.url.path} answered without the {header} header")
    try:
        return str(response.url.join(value))
    except httpx.InvalidURL as exc:  # a control character, a bad port: read after the call itself succeeded
        raise APIResponseValidationError(response, [], f"its {header} header is not a valid URL") from exc


# Async twins: the sync ones are derived from them when a package is generated (render/runtime.py).


class AsyncAccepted(Generic[B, T]):
    """A `202 Accepted` answer: its `body` and `response`, and `wait()` to poll its `location`."""

    def __init__(
        self, client: AsyncAPIClient, body: B, response: httpx.Response, location: str, follow: FollowSpec[T]
    ) -> None:
        self.body = body
        self.response = response
        self.location = location
        self._client = client
        self._follow = follow

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.response.status_code}, polling {redact(self.location)}>"

    async def wait(
        self,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: Callable[[Any], object] | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
    ) -> T:
        """Poll `location` until the work is done and return its final state (see `wait_for`)."""
        return await self._client.wait_for(
            self._follow.endpoint.at(self.location),
            {},
            poll=self._follow.poll,
            failed_error=self._follow.failed_error,
            timeout=timeout,
            on_progress=on_progress,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
        )


class AsyncActionHandle(Generic[T]):
    """Async work on the server, by ID: `get()` fetches its state once, `wait()` polls until it is done.

    Both return it typed as the work the call started (`T`); a FAILED state raises the failed error
    carrying it, another type than promised raises `UnexpectedActionError` carrying it.
    """

    def __init__(self, client: AsyncAPIClient, work_id: str, spec: ActionSpec[T], started: Any = None) -> None:
        self.id = work_id
        self.started = started  # the parsed answer of the call that started it, if known
        self._client = client
        self._spec = spec

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} ({' or '.join(self._spec.types) or 'any type'})>"

    async def get(self) -> T:
        """The work's current state (one request)."""
        value = await self._client.request(self._spec.endpoint, {self._spec.argument: self.id})
        return self._spec.check(self.id, value)

    async def wait(
        self,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: Callable[[Any], object] | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
    ) -> T:
        """Poll until the work is done and return its final state (see `wait_for`)."""
        value = await self._client.wait_for(
            self._spec.endpoint,
            {self._spec.argument: self.id},
            poll=self._spec.poll,
            failed_error=self._spec.failed_error,
            timeout=timeout,
            on_progress=on_progress,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
        )
        return self._spec.check(self.id, value)
