"""Endless pagination: a server that hands out the page just fetched again, by any paging kind, ends the
iteration with `PaginationLoopError` after one repeat instead of being followed forever."""

from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs

import pytest
from e2e.clients.test_client_pagination import INTEGER, ITEMS, STRING, THINGS, _obj, _things_spec
from recording_server import RecordingServer, Seen

from conftest import MakePackage

GIVE_UP = 50  # the scripted servers end the list after this many requests, so a failing test cannot hang


def _walk(module: ModuleType, answer: Any, headers: dict[str, str] | None = None, **arguments: Any) -> tuple[Any, int]:
    """Iterate every page of `GET /things` against a server answering `answer` each time (the same page):
    the error that ended it (None if the list ended), and the number of requests made."""

    def route(seen: Seen) -> tuple[int, Any, dict[str, str]]:
        if len(server.recorder.seen) > GIVE_UP:
            return 200, {"data": [], "items": []} if isinstance(answer, dict) else [], {}
        return 200, answer, dict(headers or {})

    with RecordingServer() as server:
        server.recorder.routes["/things"] = route
        with getattr(module, f"{module.__name__.capitalize()}Client")(base_url=server.url) as client:
            try:
                list(client.things.list(**arguments))
            except module.PaginationLoopError as exc:
                return exc, len(server.recorder.seen)
    return None, len(server.recorder.seen)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("parameter", ["page", "offset"])
def test_a_server_ignoring_the_page_number_or_offset_ends_the_iteration(
    make_package: MakePackage, parameter: str
) -> None:
    module = make_package(_things_spec({parameter: INTEGER, "limit": INTEGER}, _obj(data=ITEMS)), f"counted{parameter}")
    error, requests = _walk(module, {"data": THINGS[:2]}, limit=2)
    assert isinstance(error, module.PaginationLoopError) and requests == 2
    assert "already fetched (the same body)" in str(error)


@pytest.mark.timeout(60)
def test_a_repeated_header_cursor_ends_the_iteration(make_package: MakePackage) -> None:
    module = make_package(_things_spec({"page_token": STRING}, _obj(data=ITEMS), ("X-Next-Page-Token",)), "hcursor")
    error, requests = _walk(module, {"data": THINGS[:2]}, {"X-Next-Page-Token": "same"})
    assert isinstance(error, module.PaginationLoopError) and error.repeated == "page_token=same" and requests == 2


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("itself", "arguments"), [("/things#again", {}), ("/things?b=2&a=1", {"a": "1", "b": "2"})])
def test_a_next_url_naming_the_same_page_differently_ends_the_iteration(
    make_package: MakePackage, itself: str, arguments: dict[str, str]
) -> None:
    module = make_package(_things_spec({"a": STRING, "b": STRING}, _obj(data=ITEMS, next=STRING)), "renamed")
    error, requests = _walk(module, {"data": THINGS[:2], "next": itself}, **arguments)
    assert isinstance(error, module.PaginationLoopError) and requests == 1


@pytest.mark.timeout(60)
def test_a_link_header_naming_the_first_page_again_ends_the_iteration(make_package: MakePackage) -> None:
    module = make_package(_things_spec({}, ITEMS, ("Link",)), "relinked")
    # Page 1 links to page 2, page 2 back to page 1 (then, were it followed, to page 2 again, and so on).
    links = {None: "/things?page=2", "2": "/things"}

    def route(seen: Seen) -> tuple[int, Any, dict[str, str]]:
        page = parse_qs(seen.query).get("page", [None])[0]
        return 200, THINGS[:2], {"Link": f'<{links[page]}>; rel="next"'} if len(server.recorder.seen) < GIVE_UP else {}

    with RecordingServer() as server:
        server.recorder.routes["/things"] = route
        with module.RelinkedClient(base_url=server.url) as client, pytest.raises(module.PaginationLoopError):
            list(client.things.list())
    assert [parse_qs(s.query).get("page") for s in server.recorder.seen] == [None, ["2"]]


@pytest.mark.timeout(30)
def test_async_pages_that_never_advance_end_the_iteration(make_package: MakePackage) -> None:
    module = make_package(_things_spec({"page": INTEGER, "limit": INTEGER}, _obj(items=ITEMS)), "acounted")

    async def walk(url: str) -> None:
        async with module.AsyncAcountedClient(base_url=url) as client:
            [thing async for thing in client.things.list()]

    with RecordingServer() as server:
        server.recorder.routes["/things"] = lambda seen: (200, {"items": THINGS[:2]}, {})
        with pytest.raises(module.PaginationLoopError):
            asyncio.run(walk(server.url))
        assert len(server.recorder.seen) == 2


@pytest.mark.timeout(60)
def test_asking_for_the_same_next_page_twice_is_not_a_loop(make_package: MakePackage) -> None:
    module = make_package(_things_spec({"page": INTEGER, "limit": INTEGER}, _obj(data=ITEMS)), "twice")
    with RecordingServer() as server:
        server.recorder.routes["/things"] = lambda seen: (
            200,
            {"data": THINGS[:2] if "page=2" not in seen.query else THINGS[2:4]},
            {},
        )
        with module.TwiceClient(base_url=server.url) as client:
            first = client.things.list()
            again = [first.next_page(), first.next_page()]
    assert [[t.id for t in page.items] for page in again if page] == [["t2", "t3"]] * 2
