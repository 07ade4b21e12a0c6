"""The HTTP transports of the conformance run: OAuth2 token requests go to the validating server's `/__token`,
a request for an operation's own absolute server (Stripe's `https://files.stripe.com/` upload host) goes to
the validating server (which validates every operation against its own URL), and nothing else leaves
127.0.0.1 (a spec's real hosts must never be called)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import httpx
from validating_server import METHODS, ValidatingServer


def token_urls(doc: dict[str, Any], base_url: str) -> set[str]:
    """Every OAuth2 token (and refresh) URL of the spec's security schemes, made absolute."""
    schemes = ((doc.get("components") or {}).get("securitySchemes") or {}).values()
    urls = set()
    for scheme in schemes:
        for flow in ((scheme or {}).get("flows") or {}).values() if isinstance(scheme, dict) else []:
            for key in ("tokenUrl", "refreshUrl"):
                if isinstance(flow, dict) and isinstance(flow.get(key), str):
                    urls.add(urljoin(base_url + "/", flow[key]))
    return urls


def own_servers(doc: dict[str, Any]) -> list[str]:
    """The absolute URLs of the spec's path- and operation-level servers (the first of each list, variables
    at their defaults, as the client sends them), without a trailing slash, longest first."""
    holders = [item for item in (doc.get("paths") or {}).values() if isinstance(item, dict)]
    holders += [item[m] for item in holders for m in METHODS if isinstance(item.get(m), dict)]
    urls = set()
    for holder in holders:
        servers = holder.get("servers")
        if isinstance(servers, list) and servers and isinstance(servers[0], dict):
            url = str(servers[0].get("url", ""))
            for name, variable in (servers[0].get("variables") or {}).items():
                url = url.replace("{" + name + "}", str((variable or {}).get("default", "")))
            if "://" in url:
                urls.add(url.rstrip("/"))
    return sorted(urls, key=len, reverse=True)


def _rerouted(request: httpx.Request, server: ValidatingServer, tokens: set[str], servers: list[str]) -> httpx.Request:
    """Token requests go to the server's `/__token`, those for an operation's own server to the server's URL;
    anything for another host is refused (tests talk to 127.0.0.1 only)."""
    url = str(request.url.copy_with(query=None))
    headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "host"]
    if url in tokens:
        return httpx.Request(request.method, server.token_url, headers=headers, content=request.content)
    own = next((s for s in servers if url == s or url.startswith(s + "/")), None)
    if own is not None:
        moved = httpx.URL(server.url + str(request.url)[len(own) :])
        return httpx.Request(request.method, moved, headers=headers, content=request.content)
    if request.url.host != "127.0.0.1":
        raise httpx.ConnectError(f"the conformance run talks to 127.0.0.1 only, not {request.url.host}")
    return request


class LocalTransport(httpx.BaseTransport):
    """An HTTP transport that sends token requests to the server's `/__token`, those for an operation's own
    server to the server, and nothing else off 127.0.0.1."""

    def __init__(self, server: ValidatingServer, tokens: set[str]) -> None:
        self._inner, self._server, self._tokens = httpx.HTTPTransport(), server, tokens
        self._servers = own_servers(server.source)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return self._inner.handle_request(_rerouted(request, self._server, self._tokens, self._servers))

    def close(self) -> None:
        self._inner.close()


class AsyncLocalTransport(httpx.AsyncBaseTransport):
    """`LocalTransport` for the async client."""

    def __init__(self, server: ValidatingServer, tokens: set[str]) -> None:
        self._inner, self._server, self._tokens = httpx.AsyncHTTPTransport(), server, tokens
        self._servers = own_servers(server.source)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return await self._inner.handle_async_request(_rerouted(request, self._server, self._tokens, self._servers))

    async def aclose(self) -> None:
        await self._inner.aclose()
