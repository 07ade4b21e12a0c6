"""The semantic change summary: what changed for callers, breaking or not."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, minimal_spec
from generator.diff.semantic_diff import Change, as_text, compare
from generator.pipeline import build_api

ITEM = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string"},
        "size": {"type": "integer"},
        "state": {"$ref": "#/components/schemas/State"},
    },
}
STATE = {"type": "string", "enum": ["on", "off"]}
GET_ITEM = {
    "get": {
        "operationId": "getItem",
        "tags": ["Items"],
        "parameters": [
            {"name": "itemId", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
        ],
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
            }
        },
    }
}


def _compare(tmp_path: Path, before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "api.yaml").write_text(yaml.safe_dump(before))
    (tmp_path / "b" / "api.yaml").write_text(yaml.safe_dump(after))
    return compare("api", build_api(tmp_path / "a" / "api.yaml", "api"), build_api(tmp_path / "b" / "api.yaml", "api"))


def _changes(tmp_path: Path, before: dict[str, Any], after: dict[str, Any]) -> set[tuple[str, str, str, bool]]:
    return {(c.kind, c.subject, c.change, c.breaking) for c in _compare(tmp_path, before, after)}


def _spec(item: dict[str, Any] = ITEM, state: dict[str, Any] = STATE, get: dict[str, Any] = GET_ITEM) -> dict[str, Any]:
    return minimal_spec({"Item": item, "State": state}, {"/items/{itemId}": get})


def test_no_change(tmp_path: Path) -> None:
    assert _changes(tmp_path, _spec(), _spec()) == set()


def test_field_changes(tmp_path: Path) -> None:
    properties = {k: v for k, v in ITEM["properties"].items() if k != "size"}
    properties["color"] = {"type": "string"}
    properties["weight"] = {"type": "number"}
    properties["id"] = {"type": ["string", "integer"]}
    after = {**ITEM, "properties": properties, "required": ["id", "weight"]}
    assert _changes(tmp_path, _spec(), _spec(item=after)) == {
        ("field", "Item.size", "removed", True),
        ("field", "Item.color", "added", False),
        ("field", "Item.weight", "added", True),
        ("field", "Item.id", "changed", False),  # str -> str | int widens
    }


def test_narrowed_type_and_enum_values(tmp_path: Path) -> None:
    properties = {**ITEM["properties"], "size": {"type": "string"}}
    changes = _changes(
        tmp_path, _spec(), _spec(item={**ITEM, "properties": properties}, state={**STATE, "enum": ["on", "dim"]})
    )
    assert changes == {
        ("field", "Item.size", "changed", True),
        ("enum value", "State.'off'", "removed", True),
        ("enum value", "State.'dim'", "added", False),
    }


def test_operation_and_parameter_changes(tmp_path: Path) -> None:
    operation = json.loads(json.dumps(GET_ITEM))
    parameters = operation["get"]["parameters"]
    parameters[1] = {"name": "verbose", "in": "query", "required": True, "schema": {"type": "boolean"}}
    parameters.append({"name": "lang", "in": "query", "schema": {"type": "string"}})
    after = minimal_spec({"Item": ITEM, "State": STATE}, {"/items/{itemId}": operation, "/health": {"get": {
        "operationId": "health", "tags": ["Items"], "responses": {"204": {"description": "ok"}}}}})  # fmt: skip
    assert _changes(tmp_path, _spec(), after) == {
        ("parameter", "items.get(verbose)", "changed", True),
        ("parameter", "items.get(lang)", "added", False),
        ("operation", "health.get()", "added", False),
    }
    (tmp_path / "removed").mkdir()
    removed = _changes(tmp_path / "removed", after, minimal_spec({"Item": ITEM, "State": STATE}))
    assert ("operation", "items.get()", "removed", True) in removed


ACTIONS = ("ExportAction", "ImportAction", "PurgeAction", "UpdateAction")  # sorted, as `also` lists them


def _shared_base(**base_properties: dict[str, Any]) -> dict[str, Any]:
    """A base schema that four others `allOf`, each adding a property of its own."""
    base = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, "progress": {"type": "integer"}, **base_properties},
    }
    schemas: dict[str, Any] = {"Summary": base}
    for name in ACTIONS:
        own = {"type": "object", "properties": {"kind": {"const": name}}}
        schemas[name] = {"allOf": [{"$ref": "#/components/schemas/Summary"}, own]}
    return minimal_spec(schemas)


def test_an_optional_field_added_to_a_shared_base_is_one_non_breaking_change(tmp_path: Path) -> None:
    changes = _compare(tmp_path, _shared_base(), _shared_base(priority={"type": "integer"}))
    assert changes == [Change("api", "field", "Summary.priority", "added", False, "optional", ACTIONS)]
    assert as_text(changes) == (
        "1 change(s) for callers, 0 breaking:\n"
        "  ok       api: field Summary.priority added (optional; also in the 4 model(s) that include it)\n"
    )


def test_a_required_field_added_to_a_shared_base_is_one_breaking_change(tmp_path: Path) -> None:
    after = _shared_base(priority={"type": "integer"})
    after["components"]["schemas"]["Summary"]["required"].append("priority")
    assert _compare(tmp_path, _shared_base(), after) == [
        Change("api", "field", "Summary.priority", "added", True, "required", ACTIONS)
    ]


def test_removing_or_narrowing_a_field_of_a_shared_base_is_one_breaking_change(tmp_path: Path) -> None:
    before = _shared_base(priority={"type": ["integer", "string"]})
    removed = _compare(tmp_path, before, _shared_base())
    assert removed == [Change("api", "field", "Summary.priority", "removed", True, also=ACTIONS)]
    (tmp_path / "narrowed").mkdir()
    narrowed = _compare(tmp_path / "narrowed", before, _shared_base(priority={"type": "integer"}))
    assert [(c.subject, c.breaking, c.also) for c in narrowed] == [("Summary.priority", True, ACTIONS)]


def test_the_same_field_added_to_a_model_that_does_not_include_the_base_is_its_own_change(tmp_path: Path) -> None:
    before, after = _shared_base(), _shared_base(priority={"type": "integer"})
    before["components"]["schemas"]["Other"] = {"type": "object", "properties": {"name": {"type": "string"}}}
    after["components"]["schemas"]["Other"] = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "priority": {"type": "integer"}},
    }
    assert [(c.subject, c.also) for c in _compare(tmp_path, before, after)] == [
        ("Other.priority", ()),
        ("Summary.priority", ACTIONS),
    ]


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def _commit(repo: Path, revision: str) -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", revision], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def _cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "diff", *args], cwd=repo, capture_output=True, text=True, check=False
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "spec", tmp_path / "spec")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "specs")
    return tmp_path


def test_cli_compares_the_working_tree_with_head_and_between_revisions(repo: Path) -> None:
    spec = repo / "spec" / "postman.yaml"
    spec.write_text(
        spec.read_text().replace("enum: [pending, failed, completed]", "enum: [pending, failed, completed, cancelled]")
    )
    result = _cli(repo, "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["breaking"] == 0
    assert {"package": "postman", "kind": "enum value", "subject": "AsyncTaskStatus.'cancelled'",
            "change": "added", "breaking": False, "detail": "", "also": []} in summary["changes"]  # fmt: skip
    _git(repo, "commit", "-qam", "cancelled")
    between = _cli(repo, "HEAD~1", "HEAD").stdout
    assert between.startswith(
        f"Changes from HEAD~1 (commit {_commit(repo, 'HEAD~1')}) to HEAD (commit {_commit(repo, 'HEAD')})\n"
    )
    assert "AsyncTaskStatus.'cancelled' added" in between
    head = _commit(repo, "HEAD")
    assert _cli(repo).stdout == f"Changes from HEAD (commit {head}) to the working tree\nNo changes for callers.\n"
    assert _cli(repo, head).stdout.startswith(f"Changes from commit {head} to the working tree\n")


def test_cli_fails_on_breaking_and_appends_to_a_changelog(repo: Path) -> None:
    spec = repo / "spec" / "postman.yaml"
    spec.write_text(spec.read_text().replace("        releaseNotes:\n", "        releaseNotesGone:\n"))
    result = _cli(repo, "--fail-on-breaking", "--append", "CHANGES.md")
    assert result.returncode == 1
    assert "BREAKING postman: field CreateApiVersion.release_notes removed" in result.stdout
    header = f"Changes from HEAD (commit {_commit(repo, 'HEAD')}) to the working tree"
    assert result.stdout.startswith(header + "\n")
    assert f"\n## {header}\n" in (repo / "CHANGES.md").read_text()


def test_cli_refuses_an_option_as_a_revision(repo: Path) -> None:
    result = _cli(repo, "--", "--output=/tmp/x")
    assert result.returncode == 2 and "not a revision" in result.stderr and "Traceback" not in result.stderr
