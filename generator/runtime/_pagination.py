"""Pages that iterate lazily across all pages, as the spec declares (`x-pagination`) or its shape shows."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from ._encoding import omit
from ._exceptions import PaginationLoopError
from ._redact import redact

Item = TypeVar("Item")


@dataclass(frozen=True, kw_only=True)
class PageSpec(Generic[Item]):
    """Where a page keeps its items, and how to ask for the next one (`kind`):

    - `item_cursor`: the same call with argument `parameter` set to attribute `source` of the last item
      (Stripe's `starting_after` = the last object's `id`), while `has_more` is true;
    - `body_cursor`: `parameter` set to the token at the answer's attribute path `source` (`next_marker`,
      `meta.next_cursor`), while it has one;
    - `header_cursor`: `parameter` set to the token in the answer's header `source`, while it has one;
    - `next_url`: a GET of the URL at the answer's attribute path `source`, while it has one;
    - `link_header`: a GET of the `Link: <...>; rel="next"` URL (RFC 8288), while the answer has one;
    - `page_number`: `parameter` (the page number, first page 1) plus one, until a page comes back empty;
    - `offset`: `parameter` plus the number of items, until a page comes back empty.

    `items` and `has_more` are attribute paths too; `items` is "" when the answer is the list itself.
    """

    items: str = ""
    has_more: str | None = None
    parameter: str | None = None
    source: str | None = None
    kind: str = "item_cursor"


@dataclass(frozen=True)
class NextPage:
    """How to fetch a page: the call's arguments with `arguments` changed, or a GET of `url`."""

    arguments: Mapping[str, Any] = field(default_factory=dict)
    url: str | None = None

    def key(self) -> str:
        """What tells this page apart from the others of an iteration: its URL, or the token it sends."""
        return url_key(self.url) if self.url is not None else "&".join(f"{k}={v}" for k, v in self.arguments.items())


def url_key(url: str) -> str:
    """A URL as a page key: without its fragment (never sent) and with its query in order, so that one page
    named two ways is still one page."""
    parts = urlsplit(url)
    return urlunsplit(
        parts._replace(query=urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True))), fragment="")
    )


class History:
    """The pages one iteration fetched, shared by all its pages: each key with the depth (page number from 0)
    where it was first fetched. A page may point at a key first fetched deeper (its next page asked for
    again); one fetched at its own depth or before is a loop."""

    def __init__(self) -> None:
        self._depths: dict[str, int] = {}

    def record(self, keys: Iterable[str], depth: int) -> None:
        for key in keys:
            self._depths[key] = min(depth, self._depths.get(key, depth))

    def repeated(self, keys: Iterable[str], depth: int) -> str | None:
        """The first of `keys` fetched at `depth` or before, if any."""
        return next((key for key in keys if self._depths.get(key, depth + 1) <= depth), None)


def dig(value: Any, path: str) -> Any:
    """The value at the dotted attribute `path` (keys inside untyped objects), None where it stops."""
    for name in path.split(".") if path else ():
        value = value.get(name) if isinstance(value, Mapping) else getattr(value, name, None)
        if value is None:
            return None
    return value


def fetched_with(response: httpx.Response, at: Mapping[str, Any], spec: PageSpec[Any]) -> list[str]:
    """The keys (`NextPage.key`) of the page `response` answered: its URL, the token it was asked with, and for
    counted pages (whose numbers never repeat) its body, which repeats when the server ignores the number."""
    keys = [url_key(str(response.request.url))]
    if spec.parameter and at.get(spec.parameter, omit) not in (None, omit):  # the first page asks without one
        keys.append(NextPage({spec.parameter: at[spec.parameter]}).key())
    if spec.kind in ("page_number", "offset"):
        keys.append("body:" + hashlib.sha256(response.content).hexdigest())
    return keys


def next_page_of(
    body: Any, items: list[Any], response: httpx.Response, at: Mapping[str, Any], spec: PageSpec[Any]
) -> NextPage | None:
    """How to fetch the page after this one, or None when this is the last page."""
    if spec.kind == "link_header":
        url = response.links.get("next", {}).get("url")
        return NextPage(url=str(response.url.join(url))) if url else None
    if spec.has_more and not dig(body, spec.has_more):
        return None
    # An empty page ends counting (and leaves no last item); a token or URL the server hands out is followed
    # even past an empty page, as the server decides.
    if spec.kind in ("page_number", "offset", "item_cursor") and not items:
        return None
    if spec.kind == "next_url":
        url = dig(body, spec.source or "")
        return NextPage(url=str(response.url.join(str(url)))) if url else None
    if spec.kind == "page_number":
        value: Any = int(at.get(spec.parameter or "") or 1) + 1
    elif spec.kind == "offset":
        value = int(at.get(spec.parameter or "") or 0) + len(items)
    elif spec.kind == "header_cursor":
        value = response.headers.get(spec.source or "")
    else:
        value = dig(items[-1] if spec.kind == "item_cursor" else body, spec.source or "")
    if value is None or value == "":
        return None
    return NextPage({spec.parameter or "": value})


def loop_error(response: httpx.Response, repeated: str) -> PaginationLoopError:
    """The error for a page that leads back to one already fetched (`repeated`: the key they share)."""
    what = "the same body" if repeated.startswith("body:") else redact(repeated) if "://" in repeated else repeated
    return PaginationLoopError(
        f"the page from {redact(response.request.url)} points back at a page already fetched ({what}); "
        "the iteration stops here instead of going round again",
        response,
        repeated,
    )


# How a page fetches the next: the parsed answer, the response, and the arguments it was asked with.
_Fetched = tuple[Any, httpx.Response, Mapping[str, Any]]
_Fetch = Callable[[NextPage], _Fetched]
_AsyncFetch = Callable[[NextPage], Awaitable[_Fetched]]


# Async twins: the sync ones are derived from them when a package is generated (render/runtime.py).


class AsyncPage(Generic[Item]):
    """One page: `body` is the parsed answer, `items` its items, `response` the `httpx.Response`; iterating
    goes through every page, fetching each when it is reached."""

    def __init__(
        self,
        body: Any,
        response: httpx.Response,
        at: Mapping[str, Any],
        fetch: _AsyncFetch,
        spec: PageSpec[Item],
        history: History | None = None,
        depth: int = 0,
    ) -> None:
        self.body = body
        self.response = response
        self.items: list[Item] = list(dig(body, spec.items) or [])
        self._at = at
        self._fetch = fetch
        self._spec = spec
        self._depth = depth
        self._history = History() if history is None else history
        self._history.record(fetched_with(response, at, spec), depth)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} of {len(self.items)} item(s) from {redact(self.response.request.url)}, "
            f"has_more={self.has_more}>"
        )

    @property
    def has_more(self) -> bool:
        """Whether there is a page after this one."""
        return next_page_of(self.body, self.items, self.response, self._at, self._spec) is not None

    async def next_page(self) -> AsyncPage[Item] | None:
        """Fetch the page after this one, or None on the last page.

        Raises `PaginationLoopError` when this page points back at one already fetched in this iteration
        (the same token or URL again), rather than going round forever.
        """
        following = next_page_of(self.body, self.items, self.response, self._at, self._spec)
        if following is None:
            return None
        repeated = self._history.repeated([following.key()], self._depth)
        if repeated is None:
            body, response, at = await self._fetch(following)
            repeated = self._history.repeated(fetched_with(response, at, self._spec), self._depth)
            if repeated is None:
                return AsyncPage(body, response, at, self._fetch, self._spec, self._history, self._depth + 1)
        raise loop_error(self.response, repeated)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[Item]]:
        """This page and every page after it, fetched one at a time."""
        page: AsyncPage[Item] | None = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[Item]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item
