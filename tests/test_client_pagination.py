"""Pagination: a page iterates lazily across all pages, sync and async."""

from __future__ import annotations

import asyncio

import generated.voucherify as voucherify
from apiserver import APP_ID, APP_TOKEN, APIServer

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
