"""What an async list method returns: an `AsyncPaginator`, awaited for its first page or iterated directly
(`async for item in client.things.list()`), as in openai-python. A sync list method returns its first page
(`Page`), which iterates as it is, so nothing here has a sync twin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Concatenate, Generic, TypeVar, overload

from typing_extensions import ParamSpec

from ._pagination import AsyncPage
from ._response import AsyncBoundOperation, AsyncOperation

Item = TypeVar("Item")
P = ParamSpec("P")
Q = ParamSpec("Q")


class AsyncPaginator(Generic[Item]):
    """A list call not yet sent: `await` it for the first page (`AsyncPage`), or iterate it (`async for`) for
    every item of every page, each page fetched when it is reached. Each await or iteration sends the call
    anew."""

    def __init__(self, first: Callable[Q, Awaitable[AsyncPage[Item]]], *args: Q.args, **kwargs: Q.kwargs) -> None:
        # Called when awaited or iterated: a paginator left unused sends nothing (and leaves no coroutine unawaited).
        self._first: Callable[[], Awaitable[AsyncPage[Item]]] = lambda: first(*args, **kwargs)

    def __await__(self) -> Generator[Any, None, AsyncPage[Item]]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[Item]:
        async for item in await self:
            yield item


# The async list method `AsyncPagedOperation` wraps: it returns the paginator of its call.
_PagedMethod = Callable[Concatenate[Any, P], AsyncPaginator[Item]]


class AsyncBoundPagedOperation(AsyncBoundOperation[P, AsyncPage[Item]]):
    """An async list method bound to its resource: call it for an `AsyncPaginator`; `.with_raw_response(...)`
    and `.with_streaming_response(...)` are the first page's, as for any other method."""

    __slots__ = ("_paged",)

    def __init__(self, fn: _PagedMethod[P, Item], owner: Any) -> None:
        super().__init__(fn, owner)
        self._paged = fn

    # Not a coroutine, as other methods' calls are: an awaitable that also iterates, without an `await` first.
    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> AsyncPaginator[Item]:  # type: ignore[override]
        return self._paged(self._owner, *args, **kwargs)


class AsyncPagedOperation(AsyncOperation[P, AsyncPage[Item]]):
    """`@AsyncPagedOperation`: an async list method made an operation, its call an `AsyncPaginator`."""

    def __init__(self, fn: _PagedMethod[P, Item]) -> None:
        super().__init__(fn)
        self._paged = fn

    @overload
    def __get__(self, owner: None, cls: type | None = None) -> AsyncPagedOperation[P, Item]: ...

    @overload
    def __get__(self, owner: object, cls: type | None = None) -> AsyncBoundPagedOperation[P, Item]: ...

    def __get__(self, owner: object | None, cls: type | None = None) -> Any:
        return self if owner is None else AsyncBoundPagedOperation(self._paged, owner)
