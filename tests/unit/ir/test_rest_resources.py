"""Untagged specs: resources and REST method names from paths, and pagination recognised from shapes.

Stripe's public spec (no tags) is generated, imported and paged against a local server that pages the
way Stripe does; small inline specs pin each pagination shape and the naming rules.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs

import pytest
import yaml
from importing import imported
from recording_server import RecordingServer, Seen

from conftest import MakePackage, minimal_spec
from generator.config import load_project
from generator.errors import SpecError
from generator.ir.rest_names import Placement, place
from generator.pipeline import build_api, package_tree
from generator.write.files import write_tree
from testdata import STRIPE_SPEC

CUSTOMERS = [
    {"id": f"cus_{n}", "object": "customer", "email": f"c{n}@example.com", "created": 1700000000 + n, "livemode": False}
    for n in range(7)
]


def _imported(tmp_path_factory: pytest.TempPathFactory, spec: Path, package: str) -> Iterator[ModuleType]:
    """Generate `spec` as `package`, import it, and forget it afterwards."""
    out = tmp_path_factory.mktemp(package)
    write_tree(package_tree(spec, package), out / package)
    with imported(out, package) as module:
        yield module


@pytest.fixture(scope="module")
def stripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield from _imported(tmp_path_factory, STRIPE_SPEC, "stripe_sdk")


@pytest.mark.parametrize(
    ("path", "method", "expected"),
    [
        ("/v1/customers", "get", (("customers",), "list")),
        ("/v1/customers", "post", (("customers",), "create")),
        ("/v1/customers/{customer}", "get", (("customers",), "get")),
        ("/v1/customers/{customer}", "post", (("customers",), "update")),
        ("/v1/customers/{customer}", "delete", (("customers",), "delete")),
        ("/v1/customers/search", "get", (("customers",), "search")),
        ("/v1/invoices/{invoice}/pay", "post", (("invoices",), "pay")),
        ("/goals/{goal}/addFollowers", "post", (("goals",), "addFollowers")),  # lowerCamelCase: a verb, not a plural
        ("/goals/{goal}", "put", (("goals",), "replace")),  # beside PATCH's `update`
        ("/goals/{goal}", "patch", (("goals",), "update")),
        ("/v1/accounts/{account}/bank_accounts/{id}", "get", (("accounts", "bank_accounts"), "get")),
        ("/v1/accounts/{account}/bank_accounts", "post", (("accounts", "bank_accounts"), "create")),
        ("/v1/balance", "get", (("balance",), "get")),
        ("/v1/customers/{customer}/cash_balance", "get", (("customers", "cash_balance"), "get")),
        ("/v1/customers/{customer}/cash_balance", "post", (("customers", "cash_balance"), "update")),
        ("/v1/subscriptions/{id}/discount", "delete", (("subscriptions",), "delete_discount")),
    ],
)
def test_rest_names_from_paths(path: str, method: str, expected: tuple[tuple[str, ...], str]) -> None:
    routes = [(p, m) for p, ms in _STRIPE_LIKE.items() for m in ms]
    placements = dict(zip(routes, place(routes), strict=True))
    assert placements[(path, method)] == Placement(*expected)


_STRIPE_LIKE = {
    "/v1/customers": ["get", "post"],
    "/v1/customers/search": ["get"],
    "/v1/customers/{customer}": ["get", "post", "delete"],
    "/v1/customers/{customer}/cash_balance": ["get", "post"],
    "/v1/invoices": ["get"],
    "/v1/invoices/{invoice}/pay": ["post"],
    "/v1/accounts/{account}/bank_accounts": ["post"],
    "/v1/accounts/{account}/bank_accounts/{id}": ["get"],
    "/v1/balance": ["get"],
    "/v1/subscriptions/{id}": ["get"],
    "/v1/subscriptions/{id}/discount": ["delete"],
    "/goals/{goal}/addFollowers": ["post"],
    "/goals/{goal}": ["put", "patch"],
}


def test_twins_of_one_path_are_told_apart_by_their_method_not_a_counter() -> None:
    # AWS's query APIs: every action is a fragment `Action=Name`, declared as a GET and as a POST.
    routes = [
        ("/#Action=DescribeInstances", "post"),
        ("/#Action=DescribeInstances", "get"),
        ("/#Action=RunInstances", "post"),
    ]
    assert place(routes) == [
        Placement(("root",), "DescribeInstances_post"),
        Placement(("root",), "DescribeInstances"),  # the GET keeps the name, wherever it is declared
        Placement(("root",), "RunInstances"),
    ]
    assert place([("/things#sync", "put"), ("/things#sync", "post")]) == [
        Placement(("things",), "sync"),  # no GET: the first keeps it
        Placement(("things",), "sync_post"),
    ]


def test_adding_an_operation_renames_nothing_else() -> None:
    routes = [(p, m) for p, ms in _STRIPE_LIKE.items() for m in ms]
    before = dict(zip(routes, place(routes), strict=True))
    more = [*routes, ("/v1/invoices/{invoice}/void", "post"), ("/v1/prices", "get")]
    after = dict(zip(more, place(more), strict=True))
    assert all(after[r] == before[r] for r in routes)


def test_stripe_reads_like_a_hand_written_sdk(stripe: ModuleType) -> None:
    api = build_api(STRIPE_SPEC, "stripe_sdk")
    sizes = {g.qualified: len(g.operations) for g in api.groups}
    assert max(sizes.values()) <= 60 and len(sizes) > 100
    client = stripe.StripeSdkClient(bearer_token="sk_test", base_url="http://127.0.0.1:9")
    for name in ("create", "list", "get", "update", "delete"):
        assert callable(getattr(client.customers, name))
    assert next(iter(inspect.signature(client.customers.get).parameters)) == "customer"
    assert "body" in inspect.signature(client.customers.create).parameters
    assert callable(client.accounts.bank_accounts.get) and callable(client.invoices.pay)
    assert callable(client.billing_portal.sessions.create) and callable(client.customers.search)


def _stripe_pages(seen: Seen) -> tuple[int, Any, dict[str, str]]:
    """`GET /v1/customers` as Stripe pages it: `limit`, `starting_after` an object's id, `has_more`."""
    query = parse_qs(seen.query)
    limit = int(query.get("limit", ["10"])[0])
    start = 0
    if "starting_after" in query:
        start = [c["id"] for c in CUSTOMERS].index(query["starting_after"][0]) + 1
    data = CUSTOMERS[start : start + limit]
    page = {"object": "list", "url": "/v1/customers", "data": data, "has_more": start + limit < len(CUSTOMERS)}
    return 200, page, {}


def test_customers_list_walks_every_page_like_stripe(stripe: ModuleType) -> None:
    with RecordingServer() as server:
        server.recorder.routes["/v1/customers"] = _stripe_pages
        with stripe.StripeSdkClient(bearer_token="sk_test", base_url=server.url) as client:
            page = client.customers.list(limit=3)
            assert [c.id for c in page.items] == ["cus_0", "cus_1", "cus_2"] and page.has_more
            ids = [c.id for c in page]
            assert "has_more=True" in repr(page) and "3 item(s)" in repr(page)
    assert ids == [c["id"] for c in CUSTOMERS]
    queries = [parse_qs(s.query) for s in server.recorder.to("/v1/customers")]
    assert [q.get("starting_after") for q in queries] == [None, ["cus_2"], ["cus_5"]]
    assert all(q["limit"] == ["3"] for q in queries)


def _list_spec(query: list[str], answer: dict[str, Any], headers: dict[str, Any] | None = None) -> dict[str, Any]:
    params = [{"name": n, "in": "query", "schema": {"type": "integer" if n in INTS else "string"}} for n in query]
    response: dict[str, Any] = {"description": "a page", "content": {"application/json": {"schema": answer}}}
    if headers:
        response["headers"] = headers
    paths = {"/things": {"get": {"parameters": params, "responses": {"200": response}}}}
    return minimal_spec({"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}, paths)


INTS = {"page", "per_page", "offset", "limit"}
STR = {"type": "string"}
THINGS = {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}


def _obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


@pytest.mark.parametrize(
    ("query", "answer", "headers", "expected"),
    [
        (["per_page", "page"], THINGS, {"Link": {"schema": {"type": "string"}}}, ("link_header", "", None, None)),
        (["starting_after", "limit"], _obj(data=THINGS, has_more={"type": "boolean"}), None,
         ("item_cursor", "data", "starting_after", "id")),
        (["cursor"], _obj(items=THINGS, next_cursor={"type": "string"}), None,
         ("body_cursor", "items", "cursor", "next_cursor")),
        ([], _obj(results=THINGS, next={"type": ["string", "null"], "format": "uri"}), None,
         ("next_url", "results", None, "next")),
        (["page", "per_page"], THINGS, None, ("page_number", "", "page", None)),
        (["offset", "limit"], _obj(data=THINGS), None, ("offset", "data", "offset", None)),
        (["page"], THINGS, None, None),  # a page number without a page size: not sure enough
        (["marker"], _obj(items=THINGS, next_marker=STR), None, ("body_cursor", "items", "marker", "next_marker")),
        (["cursor"], _obj(data=THINGS, cursor=_obj(next=STR)), None, ("body_cursor", "data", "cursor", "cursor.next")),
        (["cursor"], _obj(data=THINGS, meta=_obj(next_cursor=STR), links=_obj(next=STR)), None,
         ("body_cursor", "data", "cursor", "meta.next_cursor")),
        (["pageToken"], _obj(data=THINGS), {"X-Next-Page-Token": {"schema": STR}},
         ("header_cursor", "data", "pageToken", "X-Next-Page-Token")),
        (["limit"], _obj(data=THINGS, links=_obj(next=STR)), None, ("next_url", "data", None, "links.next")),
        (["marker", "limit"], _obj(data=THINGS), None, None),  # no next marker in the answer: not paged
        (["offset", "limit"], _obj(a=THINGS, b=THINGS), None, None),  # which array holds the items?
    ],
)  # fmt: skip
def test_pagination_is_recognised_where_unambiguous(
    tmp_path: Path, query: list[str], answer: Any, headers: Any, expected: Any
) -> None:
    path = tmp_path / "things.yaml"
    path.write_text(yaml.safe_dump(_list_spec(query, answer, headers), sort_keys=False))
    (group,) = build_api(path, "things").groups
    page = group.operations[0].pagination
    found = (page.kind, page.items_field, page.cursor_parameter, page.cursor_field) if page else None
    assert found == expected
    assert page is None or page.detected


def test_link_header_page_number_and_offset_pages_are_walked(make_package: MakePackage) -> None:
    link = make_package(_list_spec(["per_page", "page"], THINGS, {"Link": {"schema": {"type": "string"}}}), "linked")
    numbered = make_package(_list_spec(["page", "per_page"], THINGS), "numbered")
    offsets = make_package(_list_spec(["offset", "limit"], _obj(data=THINGS)), "offsets")
    things = [{"id": f"t{n}"} for n in range(5)]

    def by_link(seen: Seen) -> tuple[int, Any, dict[str, str]]:
        page = int(parse_qs(seen.query).get("page", ["1"])[0])
        following = {"Link": f'</things?page={page + 1}&per_page=2>; rel="next"'} if page * 2 < len(things) else {}
        return 200, things[(page - 1) * 2 : page * 2], following

    def by_number(seen: Seen) -> tuple[int, Any, dict[str, str]]:
        page = int(parse_qs(seen.query).get("page", ["1"])[0])
        return 200, things[(page - 1) * 2 : page * 2], {}

    def by_offset(seen: Seen) -> tuple[int, Any, dict[str, str]]:
        query = parse_qs(seen.query)
        offset, limit = int(query.get("offset", ["0"])[0]), int(query["limit"][0])
        return 200, {"data": things[offset : offset + limit]}, {}

    walked = {}
    for module, route in ((link, by_link), (numbered, by_number), (offsets, by_offset)):
        with RecordingServer() as server:
            server.recorder.routes["/things"] = route
            client_class = getattr(module, f"{module.__name__.capitalize()}Client")
            with client_class(base_url=server.url) as client:
                size = {"per_page": 2} if module is not offsets else {"limit": 2}
                walked[module.__name__] = ([t.id for t in client.things.list(**size)], server.recorder.to("/things"))
    expected = [t["id"] for t in things]
    assert all(ids == expected for ids, _ in walked.values())
    link_queries = [parse_qs(s.query) for s in walked["linked"][1]]
    assert [q.get("page") for q in link_queries] == [None, ["2"], ["3"]]  # the server's URLs, followed as given
    assert [parse_qs(s.query).get("page") for s in walked["numbered"][1]] == [None, ["2"], ["3"], ["4"]]
    assert [parse_qs(s.query).get("offset") for s in walked["offsets"][1]] == [None, ["2"], ["4"], ["5"]]


def _tagged(tmp_path: Path) -> Path:
    thing = {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}
    paths = {
        "/v1/widgets": {"get": {"operationId": "listWidgets", "tags": ["Everything"], "responses": {"200": thing}}},
        "/v1/widgets/{id}/spin": {
            "post": {
                "operationId": "spinWidget",
                "tags": ["Everything"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": thing},
            }
        },
    }
    path = tmp_path / "tagged.yaml"
    path.write_text(yaml.safe_dump(minimal_spec({}, paths), sort_keys=False))
    return path


def test_the_project_can_name_resources_by_tag_and_override_any_method(tmp_path: Path) -> None:
    spec = _tagged(tmp_path)
    by_paths = build_api(spec, "w")  # one tag covers everything: it says nothing, the paths do
    assert [(g.qualified, [o.name for o in g.operations]) for g in by_paths.groups] == [("widgets", ["list", "spin"])]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sdk-generator.naming."tagged.yaml"]\nresources = "tags"\n'
        'methods = { spinWidget = "widgets.twirl", listWidgets = "all" }\n'
    )
    project = load_project(tmp_path)
    by_tags = build_api(spec, "w", naming=project.naming_for(spec))
    assert [(g.qualified, [o.name for o in g.operations]) for g in by_tags.groups] == [
        ("everything", []),
        ("everything.widgets", ["all"]),
        ("widgets", ["twirl"]),
    ]
    assert project.settings["naming"] == {
        "tagged.yaml": [False, [("listWidgets", "all"), ("spinWidget", "widgets.twirl")]]
    }


@pytest.mark.parametrize(
    "table",
    ['resources = "folders"', 'methods = { a = "not a name" }', "colour = 3"],
)
def test_a_malformed_naming_table_is_a_located_error(tmp_path: Path, table: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.sdk-generator.naming."api.yaml"]\n{table}\n')
    with pytest.raises(SpecError) as caught:
        load_project(tmp_path)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.file == "pyproject.toml" and "`naming` of 'api.yaml' is malformed" in diagnostic.message


GITHUB_SPEC = STRIPE_SPEC.parent.parent / "github" / "api.github.com.excerpt.json"


@pytest.fixture(scope="module")
def github(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield from _imported(tmp_path_factory, GITHUB_SPEC, "github_sdk")


def _github_issues(seen: Seen) -> tuple[int, Any, dict[str, str]]:
    """Issues as GitHub pages them: `per_page`, `page`, and a `Link` header to the next page (the spec's example
    issue, renumbered)."""
    spec = json.loads(GITHUB_SPEC.read_text())
    example = spec["components"]["examples"]["issue-items"]["value"][0]
    issues = [{**example, "id": n, "number": n} for n in range(1, 6)]
    query = parse_qs(seen.query)
    page, size = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["30"])[0])
    headers = {}
    if page * size < len(issues):
        headers["Link"] = (
            f'<{seen.path}?per_page={size}&page={page + 1}>; rel="next", <{seen.path}?page=1>; rel="first"'
        )
    return 200, issues[(page - 1) * size : page * size], headers


def test_github_lists_follow_the_link_header(github: ModuleType) -> None:
    api = build_api(GITHUB_SPEC, "github_sdk")
    kinds = {f"{g.qualified}.{o.name}": o.pagination.kind for g in api.groups for o in g.operations if o.pagination}
    assert kinds["issues.list"] == kinds["issues.comments.list"] == kinds["repos.list"] == "link_header"
    path = "/repos/octo/hello/issues"
    with RecordingServer() as server:
        server.recorder.routes[path] = _github_issues
        with github.GithubSdkClient(base_url=server.url) as client:
            numbers = [issue.number for issue in client.issues.list("octo", "hello", per_page=2)]

        async def walk() -> list[int]:
            async with github.AsyncGithubSdkClient(base_url=server.url) as client:
                return [issue.number async for issue in client.issues.list("octo", "hello", per_page=2)]

        async_numbers = asyncio.run(walk())
    assert numbers == async_numbers == [1, 2, 3, 4, 5]
    pages = [parse_qs(s.query).get("page") for s in server.recorder.to(path)]
    assert pages == [None, ["2"], ["3"]] * 2  # the Link URLs, followed as the server wrote them


def test_third_party_docs_have_no_escaped_html(github: ModuleType, stripe: ModuleType) -> None:
    for module in (github, stripe):
        docs = Path(module.__file__ or "").parent / "docs"
        for page in docs.rglob("*.md"):
            text = page.read_text()
            assert "&lt;p&gt;" not in text and "&lt;a href" not in text and "&lt;code&gt;" not in text, page
