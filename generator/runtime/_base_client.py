"""The HTTP machinery behind every generated method: build, send, retry, parse,
and the three higher-level calls built on it: `paginate`, `wait_for` and
`request_accepted`. The sync and async clients are rendered from one source;
only the transport call and the sleep differ.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, TypeVar, cast
from urllib.parse import quote, urlencode, urljoin, urlsplit

import httpx
import pydantic

from ._auth import Placement, Scheme, TokenCache, parse_token, place, read_credentials, token_request
from ._deadline import Deadline, Timeout, async_bound_reads, too_late
from ._encoding import (
    Body,
    Param,
    form_fields,
    header_value,
    json_bytes,
    multipart_parts,
    path_value,
    query_pairs,
    query_string,
    raw_bytes,
    text,
)
from ._exceptions import (
    APIError,
    APIResponseValidationError,
    APIStatusError,
    InvalidRequestError,
    WaitFailedError,
    status_error,
)
from ._lenient import parse_leniently
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
from ._redact import redact
from ._response import RequestOptions, capture_of
from ._runtime import ResponseType, parse_retry_after
from ._transport import SEND_ERRORS, TRANSIENT_ERRORS, async_send, send_error

T = TypeVar("T")
B = TypeVar("B")
D = TypeVar("D")  # what waiting returns (see `PollSpec.result`)
Item = TypeVar("Item")
C = TypeVar("C", bound="BaseClient")

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not waited for; backoff applies instead
RETRYABLE_STATUSES = frozenset({408, 409, 429})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
NO_OPTIONS: RequestOptions = {}

log = logging.getLogger(__package__)


@dataclass(frozen=True, kw_only=True)
class Endpoint(Generic[T]):
    """One operation as the runtime sends it: everything the spec says about its request and answers.

    `response` parses the first documented 2xx body; `responses` holds other 2xx statuses whose bodies
    differ; `security` lists the alternatives of scheme names (empty: no credentials needed); `server` is
    the operation's own server (its `servers` or its path's), absolute or relative to the client's `base_url`.
    """

    method: str
    path: str
    response: ResponseType[T]
    params: tuple[Param, ...] = ()
    bodies: tuple[Body, ...] = ()
    responses: Mapping[str, ResponseType[Any]] = field(default_factory=dict)
    errors: Mapping[str, ResponseType[Any]] = field(default_factory=dict)
    security: tuple[tuple[str, ...], ...] = ()
    accept: str | None = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)  # constant header parameters
    server: str | None = None

    def at(self, url: str) -> Endpoint[T]:
        """The same operation sent to a URL the server handed out (a `Location`)."""
        return dataclasses.replace(self, path=url, params=())


def expand_url(template: str, variables: Mapping[str, str]) -> str:
    """Fill a server URL's `{variables}`; unknown braces are left alone."""
    for name, value in variables.items():
        template = template.replace("{" + name + "}", value)
    return template.rstrip("/")


def retry_delay(attempt: int, retry_after: float | None) -> float:
    """How long to sleep before retry number `attempt + 1`: `Retry-After` when sane, else backoff with jitter."""
    if retry_after is not None and retry_after <= MAX_RETRY_AFTER:
        return retry_after
    backoff = min(INITIAL_RETRY_DELAY * 2.0**attempt, MAX_RETRY_DELAY)
    return backoff * (1 - 0.25 * random.random())  # noqa: S311 - jitter, not cryptography


def _body_spec(endpoint: Endpoint[Any], content_type: str | None) -> Body:
    for spec in endpoint.bodies:
        if content_type is None or spec.media_type == content_type:
            return spec
    return Body(media_type=content_type or "application/json", kind="json")


def _concrete(media_type: str) -> str:
    """A Content-Type for a declared media type: a wildcard range (`*/*`, `image/*`) becomes octet-stream."""
    return "application/octet-stream" if "*" in media_type else media_type


def encode_body(body: Any, spec: Body, headers: dict[str, str]) -> dict[str, Any]:
    """httpx's `content`/`files` arguments for a body in its media type; sets Content-Type where httpx does not."""
    if spec.kind == "multipart":
        data, files = multipart_parts(body, spec)
        if not files:  # httpx url-encodes `data` alone: send the text fields as parts of their own
            files, data = [(key, (None, value.encode())) for key, values in data.items() for value in values], {}
        if files:
            return {"data": data, "files": files}  # httpx writes the boundary into Content-Type
        headers["Content-Type"] = spec.media_type
        return {"content": b""}
    headers["Content-Type"] = _concrete(spec.media_type)
    if spec.kind == "form":
        return {"content": urlencode(form_fields(body, spec)).encode()}
    if spec.kind in ("binary", "text"):
        return {"content": raw_bytes(body[1] if isinstance(body, tuple) else body)}
    return {"content": json_bytes(body)}


class BaseClient:
    """What the sync and async clients share: settings, requests, retry decisions, errors."""

    _owns_http: bool = False

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Mapping[str, str | None],
        schemes: Mapping[str, Scheme],
        timeout: Timeout,
        max_retries: int,
        default_error: ResponseType[Any] | None,
        lenient: bool = False,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.lenient = lenient
        self.timeout = timeout
        self.max_retries = max_retries
        self._schemes = schemes
        self._secrets = read_credentials(credentials, schemes)
        self._tokens = TokenCache()  # OAuth2 tokens fetched with the client credentials
        self._default_error = default_error  # the body of an error status no operation documents otherwise

    def __repr__(self) -> str:
        # The names of the credentials it holds, never their values.
        return f"{type(self).__name__}(base_url={redact(self.base_url)!r}, credentials={sorted(self._secrets)})"

    def with_options(
        self: C, *, timeout: Timeout | None = None, max_retries: int | None = None, lenient: bool | None = None
    ) -> C:
        """A client with other settings that shares this one's connection pool (use it per call).

        `timeout`: seconds one attempt may take in all (see `_deadline.py`), or an `httpx.Timeout`.
        """
        clone = copy.copy(self)
        clone.timeout = self.timeout if timeout is None else timeout
        clone.max_retries = self.max_retries if max_retries is None else max_retries
        clone.lenient = self.lenient if lenient is None else lenient
        clone._owns_http = False
        clone._bind_resources()
        return clone

    def _bind_resources(self) -> None:
        """Create the resource attributes; generated clients override this."""

    def _url(self, endpoint: Endpoint[Any], path: str) -> str:
        # `base_url` replaces the document's server only: an operation's own absolute server is kept.
        base = self.base_url if endpoint.server is None else urljoin(self.base_url + "/", endpoint.server).rstrip("/")
        if path.startswith(("http://", "https://")):
            # A URL the server handed out (a Location header): never send credentials elsewhere.
            if urlsplit(path)[:2] != urlsplit(base)[:2]:
                raise APIError(f"refusing to follow {redact(path)!r}: it is not on {redact(base)!r}")
            return path
        return base + path

    def _placement(self, endpoint: Endpoint[Any], fetched: bool = False) -> Placement:
        what = f"{endpoint.method} {endpoint.path}"
        return place(endpoint.security, self._schemes, self._secrets, self._tokens.tokens, what, fetched)

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        endpoint: Endpoint[Any],
        args: Mapping[str, Any],
        body: Any,
        content_type: str | None,
        options: RequestOptions,
        placement: Placement,
        deadline: Deadline,
    ) -> httpx.Request:
        path = endpoint.path
        query: list[tuple[str, str]] = []
        reserved: set[str] = set()
        headers: dict[str, str] = {"Accept": endpoint.accept} if endpoint.accept else {}
        headers.update(endpoint.headers)
        headers.update(placement.headers)
        cookies = list(placement.cookies)
        for param in endpoint.params:
            value = args.get(param.name)
            if param.location == "path":
                path = path.replace("{" + param.wire + "}", path_value(param, value))
            elif value is None:
                continue
            elif param.location == "header":
                headers[param.wire] = header_value(param, value)
            elif param.location == "cookie":
                cookies += query_pairs(param, param.wire, value)
            else:
                pairs = query_pairs(param, param.wire, value)
                query += pairs
                if param.allow_reserved:
                    reserved.update(name for name, _ in pairs)
        query += placement.query
        for name, value in (options.get("extra_query") or {}).items():
            query += [(name, text(v)) for v in value] if isinstance(value, (list, tuple)) else [(name, text(value))]
        url = self._url(endpoint, path)
        if query:
            url += ("&" if "?" in url else "?") + query_string(query, frozenset(reserved))
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={quote(value, safe='')}" for name, value in cookies)
        payload: dict[str, Any] = {}
        if "content" in options:
            payload = {"content": options["content"]}
        elif body is not None:
            payload = encode_body(body, _body_spec(endpoint, content_type), headers)
        headers.update(options.get("extra_headers") or {})
        try:
            request = http.build_request(endpoint.method, url, headers=headers, timeout=deadline.timeout(), **payload)
        except (httpx.InvalidURL, UnicodeEncodeError) as exc:  # a value httpx cannot put on the wire
            raise InvalidRequestError(
                f"{endpoint.method} {endpoint.path} was not sent: {type(exc).__name__}: {exc}"
            ) from exc
        deadline.watch(request, isinstance(http, httpx.AsyncClient))
        return request

    def _parse(self, endpoint: Endpoint[T], answer: httpx.Response) -> T:
        """The body of a 2xx answer as the spec documents it for that status."""
        parser = cast(ResponseType[T], endpoint.responses.get(str(answer.status_code), endpoint.response))
        return self._parse_as(parser, answer, endpoint)

    def _parse_as(self, parser: ResponseType[T], answer: httpx.Response, endpoint: Endpoint[Any]) -> T:
        """The body of a 2xx answer parsed by `parser`; when it does not match, `APIResponseValidationError`,
        or, for a lenient client, what of it matches (`_lenient.py`) and a warning."""
        try:
            return parser.parse(answer.content, answer.encoding)
        except pydantic.ValidationError as exc:
            if self.lenient and parser.kind == "json":
                # A body that is not JSON has nothing to build from.
                with contextlib.suppress(ValueError, RecursionError):
                    return cast(
                        T, parse_leniently(parser.target, answer.content, f"{endpoint.method} {endpoint.path}", exc)
                    )
            raise APIResponseValidationError(
                answer, exc.errors(), f"the body does not match its schema: {exc}"
            ) from None

    def _retry_after_error(self, request: httpx.Request, error: Exception, attempt: int) -> float | None:
        """Seconds to wait before retrying a request that got no answer, or None to give up."""
        # A request that never connected was never seen by the server: safe to retry for any method.
        safe = request.method in IDEMPOTENT_METHODS or isinstance(error, httpx.ConnectError)
        retryable = isinstance(error, TRANSIENT_ERRORS) and safe
        return retry_delay(attempt, None) if retryable and attempt < self.max_retries else None

    def _retry_after_status(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before retrying a failed status, or None to give up."""
        status = response.status_code
        retryable = status in RETRYABLE_STATUSES or status >= 500
        if not retryable or response.request.method not in IDEMPOTENT_METHODS or attempt >= self.max_retries:
            return None
        return retry_delay(attempt, parse_retry_after(response.headers.get("retry-after"), time.time()))

    def _status_error(self, response: httpx.Response, errors: Mapping[str, ResponseType[Any]]) -> APIStatusError:
        """The typed error for a non-2xx answer, its body parsed as the spec documents it."""
        status = str(response.status_code)
        parser = errors.get(status) or errors.get(f"{status[0]}XX") or errors.get("default") or self._default_error
        readers: list[Callable[[], Any]] = [response.json]
        if parser is not None:
            readers.insert(0, lambda: parser.parse(response.content))
        failure: Exception | None = None
        for read in readers:
            try:
                return status_error(response, read())
            except (ValueError, RecursionError) as exc:
                failure = exc
        error = status_error(response, response.text)  # not JSON, or nested too deep to read: kept as text
        error.__cause__ = failure
        return error

    def _token_request(self, http: httpx.Client | httpx.AsyncClient, name: str, deadline: Deadline) -> httpx.Request:
        scheme = self._schemes[name]
        fields, headers = token_request(scheme, self._secrets)
        token_url = scheme.token_url or ""
        # An absolute token URL is often on another host (an identity provider); a relative one is on the API's.
        url = token_url if token_url.startswith(("http://", "https://")) else self.base_url + token_url
        request = http.build_request("POST", url, data=fields, headers=headers, timeout=deadline.timeout())
        deadline.watch(request, isinstance(http, httpx.AsyncClient))
        return request

    def _keep_token(self, name: str, answer: httpx.Response) -> None:
        if not answer.is_success:
            raise status_error(answer, answer.text)
        try:
            self._tokens.keep(name, parse_token(answer.json()))
        except ValueError as exc:
            raise APIError(
                f"the OAuth2 token endpoint {redact(answer.request.url)} answered without a usable token: {exc}"
            ) from None

    @staticmethod
    def _log(request: httpx.Request, outcome: str, started: float) -> None:
        # Method, path and outcome only: headers (credentials) and bodies are never logged.
        elapsed = (time.monotonic() - started) * 1000
        log.debug("%s %s -> %s (%.0f ms)", request.method, request.url.path, outcome, elapsed)


# Async twins: the sync ones are derived from them when a package is generated (render/runtime.py).


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
    ) -> None:
        super().__init__(
            base_url=base_url,
            credentials=credentials or {},
            schemes=schemes or {},
            timeout=timeout,
            max_retries=max_retries,
            default_error=default_error,
            lenient=lenient,
        )
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
        placement = self._placement(endpoint)
        refreshed = False
        capture = capture_of(options)
        stream = capture is not None and capture.stream
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
                answer = await self._send(request, deadline, stream, placement)
            except SEND_ERRORS as exc:
                self._log(request, type(exc).__name__, started)
                delay = self._retry_after_error(request, exc, attempt)
                if delay is None or too_late(until, delay):
                    raise send_error(request, exc) from exc
            else:
                self._log(request, str(answer.status_code), started)
                if answer.is_success:
                    if capture is not None:
                        capture.take(answer)
                    return self._parse(endpoint, answer), answer
                if stream:
                    await answer.aread()
                if answer.status_code == 401 and used and not refreshed:
                    # A token we fetched may have been revoked early: fetch a new one, once.
                    refreshed = True
                    self._tokens.revoke(used)
                    placement = self._placement(endpoint)
                    continue
                delay = self._retry_after_status(answer, attempt)
                if delay is None or too_late(until, delay):
                    raise self._status_error(answer, endpoint.errors)
            attempt += 1
            await asyncio.sleep(delay)

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
