"""Tagged specs: REST names within tags, operationIds where they read better, paths where the tags say
nothing, project overrides that add to a resource, and the note that says which was chosen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import minimal_spec
from generator.config import Naming
from generator.errors import Diagnostic, Severity
from generator.pipeline import NO_OVERRIDES, build_api

ANSWER = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}


def _op(operation_id: str | None, tag: str | None, **extra: Any) -> dict[str, Any]:
    operation: dict[str, Any] = {"responses": ANSWER, **extra}
    if operation_id:
        operation["operationId"] = operation_id
    if tag:
        operation["tags"] = [tag]
    return operation


def _names(tmp_path: Path, paths: dict[str, Any], naming: Naming = NO_OVERRIDES) -> tuple[list[str], list[Diagnostic]]:
    """`resource.method` of every operation of a spec with `paths`, and the naming note."""
    spec = tmp_path / "api.yaml"
    spec.write_text(yaml.safe_dump(minimal_spec({}, paths), sort_keys=False))
    warnings: list[Diagnostic] = []
    api = build_api(spec, "api", warnings=warnings, naming=naming)
    notes = [w for w in warnings if w.severity is Severity.NOTE and "resources" in w.message]
    return [f"{g.qualified}.{op.name}" for g in api.groups for op in g.operations], notes


ID = {"parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]}
PROJECT = {"parameters": [{"name": "project", "in": "path", "required": True, "schema": {"type": "string"}}]}
ASANA_LIKE = {  # operationIds that name a list and an item alike: `getTasks`, `getTask`
    "/tasks": {"get": _op("getTasks", "Tasks"), "post": _op("createTask", "Tasks")},
    "/tasks/{id}": {
        **ID,
        "get": _op("getTask", "Tasks"),
        "put": _op("updateTask", "Tasks"),
        "delete": _op("deleteTask", "Tasks"),
    },
    "/tasks/{id}/subtasks": {**ID, "get": _op("getSubtasksForTask", "Tasks")},
    "/tasks/{id}/addFollowers": {**ID, "post": _op("addFollowersForTask", "Tasks")},
    "/projects/{project}/tasks": {**PROJECT, "get": _op("getTasksForProject", "Tasks")},
    "/projects": {"get": _op("getProjects", "Projects")},
}


def test_methods_within_a_tag_get_rest_names_from_their_paths(tmp_path: Path) -> None:
    names, (note,) = _names(tmp_path, ASANA_LIKE)
    assert names == [
        "tasks.list",
        "tasks.create",
        "tasks.get",
        "tasks.update",
        "tasks.delete",
        "tasks.add_followers",  # an action: a lowerCamelCase segment, though plural
        "tasks.list_for_project",  # beside `GET /tasks`, told apart by the path's scope
        "tasks.subtasks.list",  # a sub-resource nested in the tag's
        "projects.list",
    ]
    assert note.message == "resources by tag, method names from paths."


def test_operation_ids_name_a_tag_whose_paths_would_name_it_worse(tmp_path: Path) -> None:
    rpc = {  # RPC-style paths without operationIds would be `post_...`; the operationIds read as verbs
        "/vouchers/bulk/async": {"post": _op("update-vouchers-in-bulk", "Vouchers")},
        "/vouchers/metadata/async": {"post": _op("update-vouchers-metadata-in-bulk", "Vouchers")},
        "/vouchers/{id}": {**ID, "get": _op("get-voucher", "Vouchers")},
        "/orders": {"get": _op("list-orders", "Orders")},
    }
    names, (note,) = _names(tmp_path, rpc)
    # `vouchers.bulk.async_` by the paths: a keyword made safe is an awkward name, the operationIds have none
    assert names == ["vouchers.update_in_bulk", "vouchers.update_metadata_in_bulk", "vouchers.get", "orders.list"]
    assert note.message == (
        "resources by tag, method names from paths (from operationIds in 1 of 2 tags, whose names read better: "
        "'Vouchers')."
    )


def test_an_operation_the_spec_names_stays_in_its_tags_resource(tmp_path: Path) -> None:
    paths = {
        "/apis/{id}/versions": {**ID, "post": _op("createApiVersion", "APIs", **{"x-python-method": "add_version"})},
        "/apis/{id}": {**ID, "get": _op("getApi", "APIs")},
        "/tasks/{id}": {**ID, "get": _op("getTask", "Tasks")},
    }
    names, _ = _names(tmp_path, paths)
    assert names == ["apis.add_version", "apis.get", "tasks.get"]


@pytest.mark.parametrize(
    ("tags", "reason"),
    [
        (["OpenAI"] * 4, "one tag ('OpenAI') covers every operation"),
        (["Files", None, None, None], "3 of 4 operations have no tag"),
        (["Files", "Models", "Chat", "Misc"], "no tag holds more than one operation"),
    ],
)
def test_tags_that_do_not_partition_the_operations_give_way_to_paths(
    tmp_path: Path, tags: list[str | None], reason: str
) -> None:
    routes = [("/files", "get", "listFiles"), ("/files/{id}", "get", "retrieveFile")]
    routes += [("/models", "get", "listModels"), ("/chat/completions", "post", "createChatCompletion")]
    paths: dict[str, Any] = {}
    for (path, method, operation_id), tag in zip(routes, tags, strict=True):
        paths.setdefault(path, dict(ID) if "{id}" in path else {})[method] = _op(operation_id, tag)
    names, (note,) = _names(tmp_path, paths)
    assert names == ["files.list", "files.get", "models.list", "chat.completions.create"]
    assert note.message == f"resources from paths: {reason}."
    assert 'resources = "tags"' in note.hint


def test_an_untagged_spec_is_named_from_its_paths_without_a_note(tmp_path: Path) -> None:
    names, notes = _names(tmp_path, {"/files": {"get": _op("listFiles", None)}})
    assert (names, notes) == (["files.list"], [])  # nothing was chosen: nothing to note


def test_the_project_can_keep_tags_that_would_give_way(tmp_path: Path) -> None:
    paths = {"/files": {"get": _op("listFiles", "OpenAI")}, "/models": {"get": _op("listModels", "OpenAI")}}
    names, (note,) = _names(tmp_path, paths, Naming(by_paths=False))
    assert names == ["open_ai.files.list", "open_ai.models.list"]
    assert note.message == "resources by tag, method names from paths."
    names, (note,) = _names(tmp_path, paths, Naming(by_paths=True))
    assert note.message == "resources from paths, as configured."


def test_an_override_naming_an_existing_resource_adds_to_it(tmp_path: Path) -> None:
    naming = Naming(methods={"getTasksForProject": "tasks.for_project", "getProjects": "tasks.projects.all"})
    names, _ = _names(tmp_path, ASANA_LIKE, naming)
    # `tasks` is the tag `Tasks`'s resource, `tasks.projects` a new one nested in it: no `tasks_2`
    by_paths, _ = _names(tmp_path, ASANA_LIKE)
    moved = {"tasks.list_for_project": "tasks.for_project", "projects.list": "tasks.projects.all"}
    assert names == [moved.get(name, name) for name in by_paths]
