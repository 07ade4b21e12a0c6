"""Credentials: which security scheme an operation can use, and where each credential goes.

An operation lists alternatives (OpenAPI `security`: any one entry, all schemes
of that entry together). The first alternative whose credentials the client has
is used; when none can be, the request is refused before it is sent. Secrets are
kept in a mapping whose repr hides them.
"""

from __future__ import annotations

import asyncio
import base64
import os
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._exceptions import MissingCredentialsError

TOKEN_EXPIRY_MARGIN = 30.0  # refresh an OAuth2 token this many seconds before it expires


@dataclass(frozen=True, kw_only=True)
class Scheme:
    """A security scheme: `kind` is apiKey, basic, bearer or oauth2; `arguments` are (client argument,
    environment variable) pairs of the credentials it takes, in order."""

    kind: str
    arguments: tuple[tuple[str, str], ...]
    location: str = "header"  # apiKey: header, query or cookie
    name: str = "Authorization"  # apiKey: the header, query parameter or cookie name
    token_url: str | None = None  # oauth2: the client-credentials flow's token endpoint
    client: tuple[tuple[str, str], ...] = ()  # oauth2: client id and secret arguments


class Secrets(dict[str, str]):
    """Credentials by argument name; never shown by repr()."""

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{k!r}: '***'" for k in self) + "}"


def read_credentials(values: Mapping[str, str | None], schemes: Mapping[str, Scheme]) -> Secrets:
    """The credentials given as arguments, else read from each one's environment variable."""
    env = {argument: var for s in schemes.values() for argument, var in (*s.arguments, *s.client)}
    found = Secrets()
    for argument, value in values.items():
        value = value if value is not None else os.environ.get(env.get(argument, ""))
        if value is not None:
            found[argument] = value
    return found


@dataclass
class Token:
    """An OAuth2 access token fetched by the client-credentials flow (its value never shown by repr)."""

    value: str = field(repr=False)
    expires_at: float
    margin: float = TOKEN_EXPIRY_MARGIN  # refreshed this long before it expires (at most half its lifetime)

    @property
    def fresh(self) -> bool:
        return time.monotonic() < self.expires_at - self.margin


class TokenCache:
    """The OAuth2 tokens a client fetched (shared with its `with_options` copies), and the locks that let one
    caller at a time fetch: callers that need a token at the same moment wait and reuse the one fetched.

    Threads share a `threading.Lock`. Tasks share an `asyncio.Lock` of their own event loop: such a lock
    belongs to one loop, and a client may be used from several, each then fetching at most one at a time.
    """

    def __init__(self) -> None:
        self.tokens: dict[str, Token] = {}
        self._thread_lock = threading.Lock()
        self._loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._guard = threading.Lock()  # held only for a few dict operations, never for a fetch

    def lock(self) -> threading.Lock:
        """The lock a thread holds while it fetches a token."""
        return self._thread_lock

    def async_lock(self) -> asyncio.Lock:
        """The lock a task of the running event loop holds while it fetches a token."""
        loop = asyncio.get_running_loop()
        with self._guard:
            return self._loop_locks.setdefault(loop, asyncio.Lock())

    def needs(self, name: str, seen: Token | None) -> bool:
        """Whether a caller that found `seen` must still fetch, now that it holds the lock: not when another
        caller fetched a token meanwhile."""
        current = self.tokens.get(name)
        return current is seen and (current is None or not current.fresh)

    def keep(self, name: str, token: Token) -> None:
        with self._guard:
            self.tokens[name] = token

    def revoke(self, used: Mapping[str, Token]) -> None:
        """Forget the tokens a request was refused with (401), but not one another caller already replaced."""
        with self._guard:
            for name, token in used.items():
                if self.tokens.get(name) is token:
                    del self.tokens[name]


@dataclass
class Placement:
    """Where the credentials of one request go."""

    headers: dict[str, str] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    cookies: list[tuple[str, str]] = field(default_factory=list)
    token_scheme: str | None = None  # the oauth2 scheme whose token must be fetched first


def usable(scheme: Scheme, secrets: Mapping[str, str]) -> bool:
    """Whether the client holds what `scheme` needs (a token, or the client credentials to fetch one)."""
    if all(argument in secrets for argument, _ in scheme.arguments):
        return True
    return bool(scheme.client) and all(argument in secrets for argument, _ in scheme.client)


def place(
    requirements: Sequence[Sequence[str]],
    schemes: Mapping[str, Scheme],
    secrets: Mapping[str, str],
    tokens: Mapping[str, Token],
    what: str,
    fetched: bool = False,
) -> Placement:
    """The credentials of the first alternative the client can satisfy; `MissingCredentialsError` if none.

    An empty alternative (`{}`: credentials optional) is taken only when no other can be. `fetched`: the
    OAuth2 tokens were just fetched, so they are used even if the server gave them a very short life.
    """
    for alternative in requirements:
        if alternative and all(usable(schemes[name], secrets) for name in alternative):
            placement = Placement()
            for name in alternative:
                _put(name, schemes[name], secrets, tokens, placement, fetched)
            return placement
    if not requirements or () in requirements:
        return Placement()
    raise MissingCredentialsError(what, _needed(requirements, schemes))


def _put(
    name: str,
    scheme: Scheme,
    secrets: Mapping[str, str],
    tokens: Mapping[str, Token],
    placement: Placement,
    fetched: bool,
) -> None:
    values = [secrets.get(argument, "") for argument, _ in scheme.arguments]
    if scheme.kind == "basic":
        pair = f"{values[0]}:{values[1] if len(values) > 1 else ''}".encode()
        placement.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    elif scheme.kind in ("bearer", "oauth2"):
        token = values[0] if all(argument in secrets for argument, _ in scheme.arguments) else None
        if token is None:
            cached = tokens.get(name)
            if cached is None or not (cached.fresh or fetched):
                placement.token_scheme = name
                return
            token = cached.value
        placement.headers["Authorization"] = f"Bearer {token}"
    elif scheme.location == "query":
        placement.query.append((scheme.name, values[0]))
    elif scheme.location == "cookie":
        placement.cookies.append((scheme.name, values[0]))
    else:
        placement.headers[scheme.name] = values[0]


def _needed(requirements: Sequence[Sequence[str]], schemes: Mapping[str, Scheme]) -> str:
    """`app_id (or $VF_APP_ID) and app_token (or $VF_APP_TOKEN)`, alternatives joined by `; or `."""
    options = []
    for alternative in requirements:
        arguments = [pair for name in alternative for pair in schemes[name].arguments]
        options.append(" and ".join(f"{argument} (or ${env})" for argument, env in arguments))
    return "; or ".join(options)


def token_request(scheme: Scheme, secrets: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The form fields and headers of a client-credentials token request (client authenticated by HTTP Basic)."""
    client_id, client_secret = (secrets.get(argument, "") for argument, _ in scheme.client)
    pair = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    return {"grant_type": "client_credentials"}, {"Authorization": f"Basic {pair}", "Accept": "application/json"}


def parse_token(body: Any) -> Token:
    """The token of a token endpoint's JSON answer; one without `expires_in` is kept for an hour."""
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise ValueError("the token endpoint's answer has no access_token")
    expires_in = body.get("expires_in")
    lifetime = float(expires_in) if isinstance(expires_in, (int, float, str)) and str(expires_in).strip() else 3600.0
    return Token(body["access_token"], time.monotonic() + lifetime, min(TOKEN_EXPIRY_MARGIN, lifetime / 2))
