"""What the sync and async clients share (`BaseClient`): settings, building a request, retry decisions,
parsing answers and errors. The clients that send (`_api_client.py`) are built on it.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import random
import time
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
from ._redact import redact
from ._response import RequestOptions
from ._runtime import ResponseType, parse_retry_after
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
        whole = ""  # an `in: querystring` parameter's, before the other pairs
        reserved: set[str] = set()
        headers: dict[str, str] = {"Accept": endpoint.accept} if endpoint.accept else {}
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
        query += placement.query
        for name, value in (options.get("extra_query") or {}).items():
            query += [(name, text(v)) for v in value] if isinstance(value, (list, tuple)) else [(name, text(value))]
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
