"""Errors the client raises.

APIError
├── APIConnectionError            the server could not be reached
│   ├── APITimeoutError           no answer in time (also a TimeoutError)
│   └── StreamInterruptedError    a streamed answer cut inside an item (`_streaming.py`)
├── MissingCredentialsError       the operation needs credentials the client was not given
├── InvalidRequestError           a header value or URL that HTTP cannot carry (also a ValueError)
├── APIResponseValidationError    a 2xx answer does not match what the spec documents
├── APIStatusError                the server answered with a non-2xx status
│   ├── BadRequestError           400
│   ├── AuthenticationError       401
│   ├── PermissionDeniedError     403
│   ├── NotFoundError             404
│   ├── ConflictError             409
│   ├── UnprocessableEntityError  422
│   ├── RateLimitError            429
│   └── InternalServerError       5xx
├── WaitFailedError               polled work ended in a failed state
├── UnexpectedActionError         started work turned out another type than the call promised
├── WebhookVerificationError      a webhook's signature is missing, malformed, wrong or out of its time window
└── WaitTimeoutError              polled work did not finish in time (also a TimeoutError)
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel

from ._redact import redact


class APIError(Exception):
    """Base of every error this client raises."""


class APIConnectionError(APIError):
    """The request never got an answer: DNS, refused connection, broken transport."""


class APITimeoutError(APIConnectionError, TimeoutError):
    """The server did not answer within the timeout."""


class MissingCredentialsError(APIError):
    """The operation needs credentials the client does not have; nothing was sent."""

    def __init__(self, what: str, needed: str) -> None:
        super().__init__(f"{what} needs credentials: pass {needed} to the client")


class InvalidRequestError(APIError, ValueError):
    """The request cannot be sent as given: a header value that is not ASCII or holds a line break, a URL
    that is not valid. Nothing was sent, and nothing is retried: it would fail the same way."""


class APIResponseValidationError(APIError):
    """A successful answer that does not match what the spec documents: its body's schema, or the header
    the call needs (a `Location` that is not a URL).

    `response` is the `httpx.Response`, `errors` pydantic's list of what did not match (empty for a header).
    """

    def __init__(self, response: httpx.Response, errors: list[Any], detail: str) -> None:
        self.response = response
        self.status_code = response.status_code
        self.errors = errors
        request = response.request
        super().__init__(f"{request.method} {redact(request.url)} -> {self.status_code}: {detail}")


class APIStatusError(APIError):
    """The server answered with a status outside 2xx.

    `body` is the error body parsed into the model the spec documents for that
    status (raw JSON, or text, when it does not fit); `request_id` comes from the
    body or the `X-Request-Id` header.
    """

    def __init__(self, response: httpx.Response, body: Any) -> None:
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.request_id = _field(body, "request_id") or response.headers.get("x-request-id")
        message = _field(body, "message") or _field(body, "title") or response.reason_phrase
        details = _field(body, "details") or _field(body, "detail")
        text = f"{response.request.method} {response.request.url.path} -> {self.status_code}: {message}"
        if details:
            text += f" ({details})"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        super().__init__(text)


class BadRequestError(APIStatusError):
    """400: the request was malformed."""


class AuthenticationError(APIStatusError):
    """401: credentials are missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials may not do this."""


class NotFoundError(APIStatusError):
    """404: no such resource."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was understood but not valid."""


class RateLimitError(APIStatusError):
    """429: too many requests; the client already retried as `Retry-After` asked."""


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(response: httpx.Response, body: Any) -> APIStatusError:
    """The most specific error class for a response's status."""
    if response.status_code >= 500:
        return InternalServerError(response, body)
    return STATUS_ERRORS.get(response.status_code, APIStatusError)(response, body)


class WaitFailedError(APIError):
    """Polled work ended in a failed state; `final` is the last status object."""

    def __init__(self, message: str, final: Any) -> None:
        super().__init__(message)
        self.final = final


class UnexpectedActionError(APIError):
    """The server reports started work as another type than the call promised; `action` is what it sent."""

    def __init__(self, message: str, action: Any) -> None:
        super().__init__(message)
        self.action = action


class PaginationLoopError(APIError):
    """A page points back at a page already fetched while iterating (its token or URL again, a self-link):
    going on would never end. `response` is that page's `httpx.Response`, `repeated` the token or URL."""

    def __init__(self, message: str, response: httpx.Response, repeated: str) -> None:
        super().__init__(message)
        self.response = response
        self.repeated = repeated


class WebhookVerificationError(APIError):
    """A received webhook could not be verified: its signature or timestamp header is missing or malformed,
    no signature matches any secret, or its timestamp is outside the tolerance (a replay, or a skewed clock);
    nothing was parsed. Also raised when a verified payload is not one of the API's events (not JSON, or a
    shape no event has): it is not trusted as one."""


class WaitTimeoutError(APIError, TimeoutError):
    """Polled work had not finished when the timeout passed; `last` is the last status object."""

    def __init__(self, message: str, last: Any) -> None:
        super().__init__(message)
        self.last = last


def _field(body: Any, key: str) -> str | None:
    if isinstance(body, dict):
        value = body.get(key)
    elif isinstance(body, BaseModel):
        value = getattr(body, key, None)
    else:
        value = None
    return str(value) if value is not None else None
