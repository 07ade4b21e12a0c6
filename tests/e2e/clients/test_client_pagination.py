"""Pagination: a page iterates lazily across all pages, sync and async; tokens are followed only from where the
answer carries them, and a page pointing back at one already fetched ends the iteration with a typed error."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs

import pytest
from recording_server import RecordingServer, Seen

import generated.voucherify as voucherify
from apiserver import APP_ID, APP_TOKEN, APIServer
from conftest import MakePackage, minimal_spec

LIST_PATH = "/v1/async-actions"


def _fill(server: APIServer, count: int) -> None:
    for n in range(count):
        server.state.add_action(
            f"aa_p{n}", "VOUCHERS.IMPORT", [(0, {"created_at": f"2024-01-{n + 1:02d}T10:00:00.123Z"})]
        )


def test_iteration_walks_every_page_lazily(server: APIServer) -> None:
    _fill(server, 5)  # plus aa_1 and aa_2 from the fixture: 7 actions, newest first
    with voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as client:
        page = client.async_actions.list(limit=3)
        assert [a.id for a in page.items] == ["aa_p4", "aa_p3", "aa_p2"] and page.has_more
        assert len(server.state.requests_to(LIST_PATH)) == 1
        seen = []
        for action in page:
            seen.append(action.id)
            if len(seen) == 4:
                assert len(server.state.requests_to(LIST_PATH)) == 2  # the second page, only once it was reached
        ids = [a.id for a in page]
    assert seen == ids == ["aa_p4", "aa_p3", "aa_p2", "aa_p1", "aa_p0", "aa_2", "aa_1"]
    requests = server.state.requests_to(LIST_PATH)
    # The cursor is the last action's created_at, sent as end_date; the limit is kept.
    assert requests[1].query == {"limit": ["3"], "end_date": ["2024-01-03T10:00:00.123000Z"]}
    assert requests[2].query["end_date"] == ["2022-06-24T00:00:00Z"]  # aa_2 closed the second page


def test_pages_and_the_last_page(server: APIServer) -> None:
    _fill(server, 2)
    with voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as client:
        pages = list(client.async_actions.list(limit=2).iter_pages())
    assert [len(p.items) for p in pages] == [2, 2]
    assert isinstance(pages[0].body, voucherify.AsyncActionList)
    assert not pages[-1].has_more and pages[-1].next_page() is None


def test_async_iteration(server: APIServer) -> None:
    _fill(server, 3)

    async def collect() -> list[str]:
        async with voucherify.AsyncVoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as c:
            page = await c.async_actions.list(limit=2)
            return [action.id async for action in page]

    assert asyncio.run(collect()) == ["aa_p2", "aa_p1", "aa_p0", "aa_2", "aa_1"]
    assert len(server.state.requests_to(LIST_PATH)) == 3


# Inline specs, paged the ways public APIs page, against a scripted server on 127.0.0.1.

THINGS = [{"id": f"t{n}"} for n in range(5)]


def _obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
ITEMS = {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}


def _things_spec(
    query: dict[str, Any], answer: dict[str, Any], headers: tuple[str, ...] = (), **extensions: Any
) -> dict[str, Any]:
    """`GET /things` with the `query` parameters, answering a `ThingList` of the `answer` schema."""
    response: dict[str, Any] = {
        "description": "a page",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingList"}}},
        "headers": {name: {"schema": STRING} for name in headers},
    }
    parameters = [{"name": name, "in": "query", "schema": schema} for name, schema in query.items()]
    operation = {"operationId": "listThings", "parameters": parameters, "responses": {"200": response}}
    schemas = {"Thing": _obj(id=STRING), "ThingList": answer}
    return minimal_spec(schemas, {"/things": {"get": {**operation, **extensions}}})


Route = Callable[[Seen], tuple[int, Any, dict[str, str]]]


def _tokens(answer: Callable[[list[dict[str, str]], str | None], dict[str, Any]], parameter: str) -> Route:
    """Two things a page; the token of page n is `tok{n}`, and `answer(items, next_token)` shapes the body."""

    def route(seen: Seen) -> tuple[int, Any, dict[str, str]]:
        token = parse_qs(seen.query).get(parameter, ["tok0"])[0]
        page = int(token.removeprefix("tok"))
        following = f"tok{page + 1}" if (page + 1) * 2 < len(THINGS) else None
        return 200, answer(THINGS[page * 2 : page * 2 + 2], following), {}

    return route


def _walk(module: ModuleType, route: Route, **arguments: Any) -> tuple[list[str], list[dict[str, list[str]]]]:
    """Every thing's id across the pages, and the query of every request."""
    with RecordingServer() as server:
        server.recorder.routes["/things"] = route
        with getattr(module, f"{module.__name__.capitalize()}Client")(base_url=server.url) as client:
            page = client.things.list(**arguments)
            assert isinstance(page, module.Page)
            ids = [thing.id for thing in page]
    return ids, [parse_qs(s.query) for s in server.recorder.to("/things")]


def test_a_string_offset_is_a_token_followed_from_the_answer(make_package: MakePackage) -> None:
    spec = _things_spec({"offset": STRING, "limit": INTEGER}, _obj(data=ITEMS, next_page=_obj(offset=STRING)))
    module = make_package(spec, "tokens")
    route = _tokens(lambda items, token: {"data": items, "next_page": {"offset": token} if token else None}, "offset")
    ids, queries = _walk(module, route, limit=2)
    assert ids == [t["id"] for t in THINGS]
    assert [q.get("offset") for q in queries] == [None, ["tok1"], ["tok2"]]
    ids, queries = _walk(module, route, offset="tok1")  # a token handed out earlier is sent as it is
    assert ids == ["t2", "t3", "t4"] and [q.get("offset") for q in queries] == [["tok1"], ["tok2"]]


def test_marker_nested_cursor_and_header_tokens_are_followed(make_package: MakePackage) -> None:
    marker = make_package(_things_spec({"marker": STRING}, _obj(items=ITEMS, next_marker=STRING)), "markers")
    nested = make_package(_things_spec({"cursor": STRING}, _obj(data=ITEMS, cursor=_obj(next=STRING))), "nested")
    header = ("X-Next-Page-Token",)
    headed = make_package(_things_spec({"page_token": STRING}, _obj(data=ITEMS), header), "headed")
    by_marker = _tokens(lambda items, token: {"items": items, "next_marker": token}, "marker")
    by_cursor = _tokens(lambda items, token: {"data": items, "cursor": {"next": token}}, "cursor")
    by_body = _tokens(lambda items, token: {"data": items, "token": token}, "page_token")

    def by_header(seen: Seen) -> tuple[int, Any, dict[str, str]]:
        _, body, _ = by_body(seen)
        token = body.pop("token")
        return 200, body, {"X-Next-Page-Token": token} if token else {}

    for module, route, parameter in ((marker, by_marker, "marker"), (nested, by_cursor, "cursor"), (headed, by_header, "page_token")):  # fmt: skip
        ids, queries = _walk(module, route)
        assert ids == [t["id"] for t in THINGS], module.__name__
        assert [q.get(parameter) for q in queries] == [None, ["tok1"], ["tok2"]], module.__name__


def test_an_answer_naming_no_next_token_is_not_paged(make_package: MakePackage) -> None:
    module = make_package(_things_spec({"offset": STRING, "limit": INTEGER}, _obj(data=ITEMS)), "unpaged")
    with RecordingServer() as server:
        server.recorder.answers["/things"] = [(200, {"data": THINGS[:2]})]
        with module.UnpagedClient(base_url=server.url) as client:
            answer = client.things.list(offset="opaque-token", limit=2)
    assert isinstance(answer, module.ThingList) and [t.id for t in answer.data] == ["t0", "t1"]
    assert [parse_qs(s.query) for s in server.recorder.seen] == [{"offset": ["opaque-token"], "limit": ["2"]}]


def test_x_pagination_false_switches_recognition_off(make_package: MakePackage) -> None:
    counted = {"offset": INTEGER, "limit": INTEGER}  # an offset page, unless switched off
    on_operation = make_package(_things_spec(counted, _obj(data=ITEMS), **{"x-pagination": False}), "switched")
    on_document = make_package({**_things_spec(counted, _obj(data=ITEMS)), "x-pagination": False}, "whole")
    for module in (on_operation, on_document):
        with RecordingServer() as server:
            server.recorder.answers["/things"] = [(200, {"data": THINGS[:2]})]
            with getattr(module, f"{module.__name__.capitalize()}Client")(base_url=server.url) as client:
                assert isinstance(client.things.list(limit=2), module.ThingList), module.__name__
        assert len(server.recorder.seen) == 1


def test_a_repeated_token_ends_in_a_typed_error_after_one_repeat(make_package: MakePackage) -> None:
    module = make_package(_things_spec({"cursor": STRING}, _obj(data=ITEMS, next_cursor=STRING)), "stuck")
    again = (200, {"data": THINGS[:2], "next_cursor": "c1"})
    with RecordingServer() as server:
        server.recorder.answers["/things"] = [again, again, (200, {"data": [], "next_cursor": None})]
        with module.StuckClient(base_url=server.url) as client:
            with pytest.raises(module.PaginationLoopError) as caught:
                list(client.things.list())
    assert caught.value.repeated == "cursor=c1" and isinstance(caught.value, module.APIError)
    assert [parse_qs(s.query).get("cursor") for s in server.recorder.seen] == [None, ["c1"]]


def test_a_next_url_or_link_pointing_at_itself_ends_in_a_typed_error(make_package: MakePackage) -> None:
    in_body = make_package(_things_spec({}, _obj(data=ITEMS, next=STRING)), "selfish")
    in_link = make_package(_things_spec({}, ITEMS, ("Link",)), "linked")
    itself, end = {"data": THINGS[:2], "next": "/things"}, {"data": [], "next": None}
    for module, answers in ((in_body, [itself, itself, end]), (in_link, [THINGS[:2]] * 2 + [[]])):
        with RecordingServer() as server:
            link = {"Link": f'<{server.url}/things>; rel="next"'}
            served = iter([(200, answer, link) for answer in answers])
            server.recorder.routes["/things"] = lambda seen, served=served: next(served)
            with getattr(module, f"{module.__name__.capitalize()}Client")(base_url=server.url) as client:
                with pytest.raises(module.PaginationLoopError) as caught:
                    list(client.things.list())
        assert caught.value.repeated == f"{server.url}/things" and len(server.recorder.seen) == 1, module.__name__


def test_async_tokens_and_loops(make_package: MakePackage) -> None:
    module = make_package(_things_spec({"marker": STRING}, _obj(items=ITEMS, next_marker=STRING)), "amarkers")

    async def walk(url: str) -> list[str]:
        async with module.AsyncAmarkersClient(base_url=url) as client:
            return [thing.id async for thing in client.things.list()]

    with RecordingServer() as server:
        server.recorder.routes["/things"] = _tokens(
            lambda items, token: {"items": items, "next_marker": token}, "marker"
        )
        assert asyncio.run(walk(server.url)) == [t["id"] for t in THINGS]
    with RecordingServer() as server:
        server.recorder.answers["/things"] = [(200, {"items": THINGS[:2], "next_marker": "again"})]
        with pytest.raises(module.PaginationLoopError):
            asyncio.run(walk(server.url))
        assert len(server.recorder.seen) == 2


def test_a_declared_token_at_a_dotted_path_is_followed_while_has_more_says_so(make_package: MakePackage) -> None:
    answer = _obj(results=ITEMS, paging=_obj(more=BOOLEAN, last=STRING))  # no shape the detector reads
    declared = {"items": "results", "has_more": "paging.more", "cursor": {"parameter": "from", "next": "paging.last"}}
    module = make_package(_things_spec({"from": STRING}, answer, **{"x-pagination": declared}), "declared")

    def body(items: list[dict[str, str]], token: str | None) -> dict[str, Any]:
        return {"results": items, "paging": {"more": token is not None, "last": token or "tok0"}}

    ids, queries = _walk(module, _tokens(body, "from"))
    assert ids == [t["id"] for t in THINGS] and [q.get("from") for q in queries] == [None, ["tok1"], ["tok2"]]
