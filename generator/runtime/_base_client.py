"""What the sync and async clients share (`BaseClient`): settings, building a request, retry decisions,
parsing answers and errors. The clients that send (`_api_client.py`) are built on it.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import random
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast
from urllib.parse import quote, urljoin, urlsplit

import httpx
import pydantic

from ._auth import Placement, Scheme, TokenCache, parse_token, place, read_credentials, token_request
from ._deadline import Deadline, Timeout
from ._encoding import header_value, omit, path_value, query_pairs, query_string, querystring_value, text
from ._endpoint import Endpoint, body_spec, encode_body
from ._exceptions import APIError, APIResponseValidationError, APIStatusError, InvalidRequestError, status_error
from ._lenient import parse_leniently
from ._package import DIST_NAME, VERSION
from ._redact import redact
from ._response import RequestOptions
from ._runtime import ResponseType, retry_after
from ._transport import TRANSIENT_ERRORS

T = TypeVar("T")
C = TypeVar("C", bound="BaseClient")

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not waited for; backoff applies instead
RETRYABLE_STATUSES = frozenset({408, 409, 429})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", "QUERY"})
# Requests that change nothing need no idempotency key; every other one gets one when the client sends keys.
UNKEYED_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
IDEMPOTENCY_HEADER = "Idempotency-Key"  # where a key given per call goes when the client names no header
HTTPX_USER_AGENT = f"python-httpx/{httpx.__version__}"  # what httpx sends unless told otherwise
USER_AGENT = f"{DIST_NAME}/{VERSION} python/{sys.version_info[0]}.{sys.version_info[1]} httpx/{httpx.__version__}"

log = logging.getLogger(__package__)


def retry_delay(attempt: int, retry_after: float | None) -> float:
    """How long to sleep before retry number `attempt + 1`: `Retry-After` when sane, else backoff with jitter."""
    if retry_after is not None and retry_after <= MAX_RETRY_AFTER:
        return retry_after
    backoff = min(INITIAL_RETRY_DELAY * 2.0**attempt, MAX_RETRY_DELAY)
    return backoff * (1 - 0.25 * random.random())  # noqa: S311 - jitter, not cryptography


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
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        idempotency_header: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.lenient = lenient
        self.timeout = timeout
        self.max_retries = max_retries
        # Sent with every request: `default_headers` after the User-Agent (so they may replace it) and before
        # the operation's own headers; `default_query` where the call sends no parameter of that name.
        self.default_headers = dict(default_headers or {})
        self.default_query = dict(default_query or {})
        self.idempotency_header = idempotency_header  # sent with a new key on every call that changes something
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

    def _keyed(self, endpoint: Endpoint[Any], options: RequestOptions) -> RequestOptions:
        """`options` with the call's idempotency key: the caller's, else a new one (made once per call, so every
        retry sends the same) when the client sends keys and the request may change something."""
        if "idempotency_key" in options or self.idempotency_header is None or endpoint.method in UNKEYED_METHODS:
            return options
        return {**options, "idempotency_key": str(uuid.uuid4())}

    def _keyed_header(self) -> str:
        return self.idempotency_header or IDEMPOTENCY_HEADER

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
        whole = ""  # an `in: querystring` parameter's, before the other pairs
        reserved: set[str] = set()
        headers = {"Accept": endpoint.accept} if endpoint.accept else {}
        if http.headers.get("User-Agent") == HTTPX_USER_AGENT:  # a caller's own client keeps its own
            headers["User-Agent"] = USER_AGENT
        headers.update(self.default_headers)
        headers.update(endpoint.headers)
        headers.update(placement.headers)
        cookies = [(name, quote(value, safe="")) for name, value in placement.cookies]
        for param in endpoint.params:
            value = args.get(param.name, omit)
            if param.location == "path":
                path = path.replace("{" + param.wire + "}", path_value(param, None if value is omit else value))
            elif value is omit or (value is None and not param.nullable):
                continue
            elif param.location == "header":
                headers[param.wire] = header_value(param, value)
            elif param.location == "cookie":
                # OpenAPI 3.2's `style: cookie` is sent as written (RFC 6265's syntax, no percent-encoding).
                raw = param.style == "cookie"
                pairs = query_pairs(param, param.wire, value)
                cookies += [(name, v if raw else quote(v, safe="")) for name, v in pairs]
            elif param.location == "querystring":
                whole = querystring_value(param, value)
            else:
                pairs = query_pairs(param, param.wire, value)
                query += pairs
                if param.allow_reserved:
                    reserved.update(name for name, _ in pairs)
        given = {name for name, _ in query}
        query += _pairs({k: v for k, v in self.default_query.items() if k not in given})
        query += placement.query
        query += _pairs(options.get("extra_query") or {})
        url = self._url(endpoint, path)
        if parts := [part for part in (whole, query_string(query, frozenset(reserved))) if part]:
            url += ("&" if "?" in url else "?") + "&".join(parts)
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies)
        payload: dict[str, Any] = {}
        if "content" in options:
            payload = {"content": options["content"]}
        elif body is not None:
            payload = encode_body(body, body_spec(endpoint, content_type), headers)
        if "idempotency_key" in options:
            headers[self._keyed_header()] = options["idempotency_key"]
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

    def _idempotent(self, request: httpx.Request) -> bool:
        """Whether sending `request` twice does what sending it once does: by its method, or by its idempotency
        key (the server does what a key asks once)."""
        return request.method in IDEMPOTENT_METHODS or self._keyed_header() in request.headers

    def _retry_after_error(self, request: httpx.Request, error: Exception, attempt: int, retries: int) -> float | None:
        """Seconds to wait before retrying a request that got no answer, or None to give up (after `retries`)."""
        # A request that never connected was never seen by the server: safe to retry for any method.
        safe = self._idempotent(request) or isinstance(error, httpx.ConnectError)
        retryable = isinstance(error, TRANSIENT_ERRORS) and safe
        return retry_delay(attempt, None) if retryable and attempt < retries else None

    def _retry_after_status(self, response: httpx.Response, attempt: int, retries: int) -> float | None:
        """Seconds to wait before retrying a failed status, or None to give up (after `retries`). The server's
        `x-should-retry: true` or `false` decides over the status and the method."""
        status = response.status_code
        should = response.headers.get("x-should-retry", "").lower()
        retryable = (status in RETRYABLE_STATUSES or status >= 500) and self._idempotent(response.request)
        if attempt >= retries or should == "false" or not (retryable or should == "true"):
            return None
        return retry_delay(attempt, retry_after(response.headers, time.time()))

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


def _pairs(values: Mapping[str, object]) -> list[tuple[str, str]]:
    """Query pairs of a mapping the caller gives (`default_query`, `extra_query`): a list or tuple repeats its name."""
    return [
        (name, text(item))
        for name, value in values.items()
        for item in (value if isinstance(value, (list, tuple)) else (value,))
    ]
