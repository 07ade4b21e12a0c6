"""Stage 3: operations, their names, parameters, auth, servers and `x-poll`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, minimal_spec
from generator import ir
from generator.errors import SpecError
from generator.ir.names import ClassName
from generator.ir.tag_names import method_name
from generator.pipeline import build_api

STATUS = {
    "type": "object",
    "properties": {"state": {"type": "string", "enum": ["running", "ok", "broken"]}, "pct": {"type": "integer"}},
}


def _api_with_poll(tmp_path: Path, poll: Any) -> Any:
    paths = {
        "/jobs/{id}": {
            "get": {
                "operationId": "getJob",
                "tags": ["Jobs"],
                "x-poll": poll,
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}},
                    }
                },
            }
        }
    }
    path = tmp_path / "jobs.yaml"
    other = {"type": "object", "properties": {"id": {"type": "string"}}}
    path.write_text(yaml.safe_dump(minimal_spec({"Job": STATUS, "Other": other}, paths), sort_keys=False))
    return build_api(path, "jobs")


@pytest.mark.parametrize(
    ("operation_id", "tag", "expected"),
    [
        ("list-async-actions", "Async Actions", "list"),
        ("get-async-action", "Async Actions", "get"),
        ("createApiVersion", "API Versions", "create"),
        ("getStatusOfAnAsyncTask", "Tasks", "get_status_of_an_async"),
        ("listPets", "pets", "list"),
        ("pets", "pets", "pets"),
        ("doThing", "Other", "do_thing"),
    ],
)
def test_method_names_drop_the_tag(operation_id: str, tag: str, expected: str) -> None:
    assert method_name(operation_id, tag) == expected


def test_our_specs_operations() -> None:
    voucherify = build_api(ROOT / "spec" / "voucherify.yaml", "voucherify")
    group, vouchers, *_ = voucherify.groups
    assert (group.name, [op.name for op in group.operations]) == ("async_actions", ["list", "get"])
    assert [(op.name, op.starts and op.starts.types) for op in vouchers.operations] == [
        ("import_csv", ("VOUCHERS.IMPORT_CSV",)),
        ("update_in_bulk", ("VOUCHERS.BULK_UPDATE",)),
        ("update_metadata_in_bulk", ("VOUCHERS.METADATA_UPDATE",)),
        ("import_vouchers", ("VOUCHERS.IMPORT",)),
    ]
    starting = [op for g in voucherify.groups for op in g.operations if op.starts]
    assert len(starting) == 17  # every call of the vendor's spec that answers with an async action
    assert [g.name for g in voucherify.groups] == [
        "async_actions", "vouchers", "campaigns", "loyalties", "customers", "orders", "products", "skus",
    ]  # fmt: skip
    get = group.operations[1]
    assert get.poll is not None and (get.poll.status_field, get.poll.done, get.poll.failed) == (
        "status",
        ("DONE",),
        ("FAILED",),
    )
    assert [c.env_var for a in voucherify.auth for c in a.credentials] == ["VOUCHERIFY_APP_ID", "VOUCHERIFY_APP_TOKEN"]
    assert get.security == (("X-App-Id", "X-App-Token"),)
    assert voucherify.server_url == "https://{cluster}.voucherify.io"
    assert voucherify.server_variables[0].choices[:2] == ("api", "us1.api")

    postman = build_api(ROOT / "spec" / "postman.yaml", "postman")
    tasks, apis, versions = postman.groups
    assert (apis.name, versions.parent, [op.name for op in versions.operations]) == ("apis", ("apis",), ["create"])
    accept = next(p for p in tasks.operations[0].parameters if p.wire_name == "Accept")
    assert accept.constant == "application/vnd.api.v10+json"
    create = versions.operations[0]
    assert create.body_required and create.success is not None and create.success.status == "202"
    assert create.success.headers == ("Location",)


@pytest.mark.parametrize("key", ["x-python-method", "x-method-name"])
def test_the_spec_names_a_method_over_every_heuristic(tmp_path: Path, key: str) -> None:
    ok = {"200": {"description": "ok"}}
    paths = {"/v1/widgets/{id}": {"get": {"operationId": "getWidget", key: "fetch", "responses": ok}}}
    path = tmp_path / "named.yaml"
    path.write_text(yaml.safe_dump(minimal_spec({}, paths), sort_keys=False))
    (group,) = build_api(path, "named").groups  # untagged: the resource comes from the path
    assert (group.qualified, [op.name for op in group.operations]) == ("widgets", ["fetch"])
    bad = {"/v1/widgets": {"get": {key: " ", "responses": ok}}}
    path.write_text(yaml.safe_dump(minimal_spec({}, bad), sort_keys=False))
    with pytest.raises(SpecError) as caught:
        build_api(path, "named")
    assert caught.value.diagnostics[0].location.pointer == f"/paths/~1v1~1widgets/get/{key}"


def test_x_poll_is_read(tmp_path: Path) -> None:
    api = _api_with_poll(tmp_path, {"status": "state", "done": ["ok"], "failed": ["broken"], "progress": "pct"})
    poll = api.groups[0].operations[0].poll
    assert (poll.status_field, poll.done, poll.failed, poll.progress_field) == ("state", ("ok",), ("broken",), "pct")
    assert poll.result is None


def test_x_poll_result_names_the_done_shape(tmp_path: Path) -> None:
    api = _api_with_poll(tmp_path, {"status": "state", "done": ["ok"], "result": "#/components/schemas/Job"})
    assert api.groups[0].operations[0].poll.result == ir.Named(ClassName("Job"))


@pytest.mark.parametrize(
    ("poll", "words"),
    [
        ({"status": "state"}, "malformed"),
        ({"status": "state", "done": "ok"}, "malformed"),
        ({"status": "state", "done": ["ok"], "sleep": 3}, "malformed"),
        ({"status": "phase", "done": ["ok"]}, "names the field 'phase', which Job does not have"),
        ({"status": "state", "done": ["ok"], "progress": "percent"}, "names the field 'percent'"),
        ({"status": "state", "done": ["ok"], "result": 3}, "malformed"),
        ({"status": "state", "done": ["ok"], "result": "#/components/schemas/Nope"}, "which is not a schema"),
        ({"status": "state", "done": ["ok"], "result": "#/paths"}, "which is not a schema"),
        ({"status": "state", "done": ["ok"], "result": "#/components/schemas/Other"}, "which Other does not have"),
    ],
)
def test_bad_x_poll_is_an_error_at_its_place(tmp_path: Path, poll: Any, words: str) -> None:
    with pytest.raises(SpecError) as caught:
        _api_with_poll(tmp_path, poll)
    (diagnostic,) = caught.value.diagnostics
    where = "/result" if isinstance(poll.get("result"), str) else ""
    assert diagnostic.location.pointer == "/paths/~1jobs~1{id}/get/x-poll" + where
    assert diagnostic.location.line is not None
    assert words in diagnostic.message


def test_what_the_client_cannot_send_is_a_located_warning(tmp_path: Path) -> None:
    spec = minimal_spec(
        paths={
            "/things/{id}": {
                "post": {
                    "operationId": "makeThing",
                    "security": [{"digest": []}, {"token": []}],
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "when", "in": "cookie", "schema": {"type": "array"}},
                    ],
                    "requestBody": {"content": {"application/vnd.acme.thing": {"schema": {"type": "string"}}}},
                    "responses": {"204": {"description": "made"}},
                }
            }
        }
    )
    spec["components"]["securitySchemes"] = {
        "digest": {"type": "http", "scheme": "digest"},
        "token": {"type": "http", "scheme": "bearer"},
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    warnings: list[Any] = []
    api = build_api(path, "pkg", warnings=warnings)
    pointers = sorted(w.location.pointer for w in warnings)
    assert pointers == [
        "/components/securitySchemes/digest",
        "/paths/~1things~1{id}/post/requestBody/content/application~1vnd.acme.thing",
    ]
    (op,) = api.groups[0].operations
    assert [(p.location, p.style) for p in op.parameters] == [("path", ""), ("cookie", "")]
    assert [(b.media_type, b.kind) for b in op.bodies] == [("application/vnd.acme.thing", "binary")]
    # The digest alternative keeps no scheme the client can send; the bearer one still works.
    assert op.security == ((), ("token",))
    assert [s.key for s in api.auth] == ["token"]


@pytest.mark.parametrize(
    ("extension", "words"),
    [
        ({"id": "async_action_id", "operation": "get-async-action"}, "malformed"),
        ({"id": "action", "operation": "get-async-action", "types": ["SKUS.IMPORT_CSV"]}, "names the field 'action'"),
        ({"id": "async_action_id", "operation": "list-async-actions", "types": ["SKUS.IMPORT_CSV"]}, "with `x-poll`"),
        ({"id": "async_action_id", "operation": "get-async-action", "types": ["SKUS.EXPORT"]}, "'SKUS.EXPORT'"),
    ],
)
def test_bad_x_async_action_is_an_error_at_its_place(tmp_path: Path, extension: Any, words: str) -> None:
    spec = yaml.safe_load((ROOT / "spec" / "voucherify.yaml").read_text())
    spec["paths"]["/v1/vouchers/importCSV"]["post"]["x-async-action"] = extension
    path = tmp_path / "voucherify.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    with pytest.raises(SpecError) as caught:
        build_api(path, "voucherify")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.pointer == "/paths/~1v1~1vouchers~1importCSV/post/x-async-action"
    assert diagnostic.location.line is not None
    assert words in diagnostic.message


KEY_HEADER = {"name": "idempotency-KEY", "in": "header", "schema": {"type": "string"}}
OTHER_HEADER = {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}}


@pytest.mark.parametrize(
    ("parameters", "components", "header"),
    [
        ([KEY_HEADER, OTHER_HEADER], {}, "idempotency-KEY"),  # on the operation
        ([{"$ref": "#/components/parameters/Key"}, OTHER_HEADER], {"Key": KEY_HEADER}, "idempotency-KEY"),
        ([OTHER_HEADER], {"Key": KEY_HEADER}, "idempotency-KEY"),  # declared among the components only
        ([OTHER_HEADER, {**KEY_HEADER, "in": "query"}], {}, None),  # a query parameter is an argument
    ],
)
def test_an_idempotency_key_header_is_the_clients_to_send_not_an_argument(
    tmp_path: Path, parameters: list[Any], components: dict[str, Any], header: str | None
) -> None:
    operation = {"operationId": "createWidget", "parameters": parameters, "responses": {"200": {"description": "ok"}}}
    spec = minimal_spec({}, {"/widgets": {"post": operation}})
    spec["components"]["parameters"] = components
    path = tmp_path / "keyed.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    api = build_api(path, "keyed")
    (created,) = api.groups[0].operations
    arguments = [p.wire_name for p in created.parameters]
    assert api.idempotency_header == header
    assert arguments == (["X-Request-Id"] if header else ["X-Request-Id", "idempotency-KEY"])
