"""Sending one request: redirects that keep credentials on their origin, the package's error for
whatever a send raises, and which of those failures are worth retrying.

Redirects are followed here, hop by hop, when the caller's httpx client asks for them (`follow_redirects=True`):
httpx itself would forward every header but `Authorization` to another origin, API keys included.
"""

from __future__ import annotations

import httpx

from ._auth import Placement
from ._exceptions import APIConnectionError, APIError, APITimeoutError, InvalidRequestError
from ._redact import redact

# What sending can raise: httpx's errors, and the RuntimeError of a client closed (by another thread).
SEND_ERRORS = (httpx.HTTPError, RuntimeError)
# Failures that may not happen again (a timeout, a refused or reset connection, a proxy down): worth another
# attempt. The rest would recur as they are: an invalid header or URL, an undecodable body, a redirect loop.
TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError)


def send_error(request: httpx.Request, error: Exception) -> APIError:
    """The package's error for what sending `request` raised; its message shows no credential."""
    what = f"{request.method} {redact(request.url)}"
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"{what} timed out ({type(error).__name__})")
    if isinstance(error, (httpx.LocalProtocolError, httpx.UnsupportedProtocol)):
        # Not `error` itself: h11 quotes the offending header value, which may be a credential.
        return InvalidRequestError(f"{what} was not sent: a header value or the URL is not valid HTTP")
    return APIConnectionError(f"{what} failed: {type(error).__name__}: {error}")


def without_credentials(request: httpx.Request, origin: httpx.URL, credentials: Placement) -> httpx.Request:
    """A redirect's next request; when it leaves `origin`, the credentials placed on the first are taken off."""
    url = request.url
    if (url.scheme, url.host, url.port) == (origin.scheme, origin.host, origin.port):
        return request
    for name in credentials.headers:  # httpx never carries a Cookie header over: its cookie jar decides
        request.headers.pop(name, None)
    for name, _ in credentials.query:  # a moved server's redirect often repeats the query, keys included
        request.url = request.url.copy_remove_param(name)
    return request


# Async twins: the sync ones are derived from them when a package is generated (render/runtime.py).


async def async_send(
    http: httpx.AsyncClient, request: httpx.Request, stream: bool, credentials: Placement
) -> httpx.Response:
    """Send `request`, following redirects as `http` is configured to; `credentials` (where the request's
    credentials went) are dropped from the first hop that leaves the request's origin on."""
    origin = request.url
    answer = await http.send(request, stream=stream, follow_redirects=False)
    hops = 0
    while http.follow_redirects and answer.next_request is not None:
        await answer.aclose()
        if hops == http.max_redirects:
            raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=answer.request)
        answer = await http.send(
            without_credentials(answer.next_request, origin, credentials), stream=stream, follow_redirects=False
        )
        hops += 1
    return answer
