"""Stage 1c: OpenAPI Overlays (1.0, 1.1's `copy`, 1.2's reusable actions) applied to a loaded spec, every
problem located in the overlay file, nodes it inserts located there too, and the work bounded."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config import Overlays
from generator.errors import Diagnostic, Severity, SpecError
from generator.load.document import Document, load
from generator.load.overlay import apply_overlays
from generator.pipeline import build_api

SPEC = """\
openapi: 3.1.0
info:
  title: Pets
  version: "1"
tags: [{name: pets}, {name: internal}]
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets, internal]
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: debug, in: query, schema: {type: boolean}}
      responses:
        "200":
          description: The pets.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
  /internal:
    get:
      operationId: internal
      responses:
        "204": {description: Nothing.}
components:
  schemas:
    Pet:
      type: object
      properties:
        id: {type: string}
"""


def _apply(
    tmp_path: Path, *actions: dict[str, Any], version: str = "1.0.0", strict: bool = False, **extra: Any
) -> tuple[Document, list[Diagnostic]]:
    spec = tmp_path / "pets.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    overlay = _overlay(tmp_path, list(actions), version, **extra)
    warnings: list[Diagnostic] = []
    return apply_overlays(load(spec), [overlay], warnings, strict), warnings


def _overlay(tmp_path: Path, actions: list[dict[str, Any]], version: str = "1.0.0", **extra: Any) -> Path:
    path = tmp_path / "pets.overlay.yaml"
    document = {"overlay": version, "info": {"title": "t", "version": "1"}, **extra, "actions": actions}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _error(tmp_path: Path, *actions: dict[str, Any], **options: Any) -> Diagnostic:
    with pytest.raises(SpecError) as caught:
        _apply(tmp_path, *actions, **options)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.file == (tmp_path / "pets.overlay.yaml").as_posix()
    return diagnostic


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_update_merges_objects_appends_to_arrays_and_replaces_primitives(tmp_path: Path) -> None:
    doc, warnings = _apply(
        tmp_path,
        {"target": "$.info", "update": {"title": "Pets API", "x-logo": {"url": "l.png"}}},
        {"target": "$.paths['/pets'].get.parameters", "update": {"name": "page", "in": "query"}},
        {"target": "$.paths['/pets'].get", "update": {"tags": ["beta"], "parameters": [{"name": "q", "in": "query"}]}},
        {"target": "$.components.schemas.Pet.properties", "update": {"id": {"format": "uuid"}, "name": None}},
        {"target": "$.paths['/pets'].get.summary", "update": "never added: the target matches nothing"},
        {"target": "$.components", "update": {"schemas": None}},
    )
    data = doc.data
    assert data["info"] == {"title": "Pets API", "version": "1", "x-logo": {"url": "l.png"}}
    operation = data["paths"]["/pets"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["limit", "debug", "page", "q"]
    assert operation["tags"] == ["pets", "internal", "beta"]
    assert "summary" not in operation
    assert data["components"]["schemas"]["Pet"]["properties"] == {
        "id": {"type": "string", "format": "uuid"},
        "name": None,
    }
    (unmatched,) = warnings
    assert unmatched.severity is Severity.WARNING and "matches nothing" in unmatched.message


def test_remove_takes_filtered_array_items_and_map_entries_out(tmp_path: Path) -> None:
    doc, _ = _apply(
        tmp_path,
        {"target": "$.paths.*.get.parameters[?@.name == 'debug' || @.name == 'limit']", "remove": True},
        {"target": "$.paths['/internal']", "remove": True},
        {"target": "$.paths.*.get.tags[?@ == 'internal']", "remove": True, "update": {"ignored": True}},
        version="1.1.0",
    )
    assert list(doc.data["paths"]) == ["/pets"]
    assert doc.data["paths"]["/pets"]["get"]["parameters"] == []
    assert doc.data["paths"]["/pets"]["get"]["tags"] == ["pets"]


def test_copy_merges_another_node_in_and_a_move_is_update_copy_remove(tmp_path: Path) -> None:
    doc, _ = _apply(
        tmp_path,
        {"target": "$.paths", "update": {"/animals": {}}},
        {"target": "$.paths['/animals']", "copy": "$.paths['/pets']"},
        {"target": "$.paths['/pets']", "remove": True},
        {"target": "$.paths['/animals'].get", "update": {"operationId": "listAnimals"}},
        version="1.1.0",
    )
    assert list(doc.data["paths"]) == ["/internal", "/animals"]
    assert doc.data["paths"]["/animals"]["get"]["operationId"] == "listAnimals"
    assert len(doc.data["paths"]["/animals"]["get"]["parameters"]) == 2


def test_reusable_actions_of_overlay_1_2(tmp_path: Path) -> None:
    reusable = {"actions": {"beta/tag": {"fields": {"update": {"x-beta": True}}}}}
    doc, _ = _apply(
        tmp_path,
        {"$ref": "#/components/actions/beta~1tag", "target": "$.paths.*.get"},
        version="1.2.0",
        components=reusable,
    )
    assert all(item["get"]["x-beta"] is True for item in doc.data["paths"].values())


def test_an_overlay_leaves_the_document_it_was_given_alone(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    original = load(spec)
    overlay = _overlay(tmp_path, [{"target": "$.paths['/internal']", "remove": True}])
    assert "/internal" not in apply_overlays(original, [overlay], []).data["paths"]
    assert "/internal" in original.data["paths"]


def test_a_bad_jsonpath_is_located_in_the_overlay(tmp_path: Path) -> None:
    diagnostic = _error(tmp_path, {"target": "$.paths[?@.x ==]", "remove": True})
    assert diagnostic.location.pointer == "/actions/0/target"
    assert diagnostic.location.line == _line(tmp_path / "pets.overlay.yaml", "target:")
    assert "not a JSONPath query (RFC 9535)" in diagnostic.message and diagnostic.hint


def test_a_target_that_matches_nothing_is_an_error_when_strict(tmp_path: Path) -> None:
    action = {"target": "$.paths['/gone'].get", "update": {"summary": "s"}}
    _, warnings = _apply(tmp_path, action)
    (warning,) = warnings
    assert warning.severity is Severity.WARNING and warning.location.pointer == "/actions/0/target"
    diagnostic = _error(tmp_path, action, strict=True)
    assert diagnostic.severity is Severity.ERROR and diagnostic.location == warning.location


@pytest.mark.parametrize(
    ("action", "version", "pointer", "words"),
    [
        (
            {"target": "$.info", "update": "a title"},
            "1.0.0",
            "/actions/0/update",
            "merges a primitive value into an object",
        ),
        ({"target": "$.info", "update": {"title": {"a": 1}}}, "1.0.0", "/actions/0/update/title", "an object into a"),
        ({"target": "$.paths.*", "copy": "$.info"}, "1.0.0", "/actions/0/copy", "unknown field 'copy'"),
        ({"target": "$.info", "copy": "$.paths.*"}, "1.1.0", "/actions/0/copy", "exactly one node"),
        ({"target": "$.info", "copy": "$.paths", "update": {}}, "1.1.0", "/actions/0", "both `update` and `copy`"),
        ({"target": "$", "remove": True}, "1.0.0", "/actions/0/target", "the document itself"),
        ({"target": "$..[?@..x]", "remove": True}, "1.0.0", "/actions/0/target", "descends (`..`) 2 times"),
        ({"target": "$.info", "remove": "yes"}, "1.0.0", "/actions/0/remove", "true or false"),
        ({"update": {}}, "1.0.0", "/actions/0", "no `target`"),
        ({"target": "$.info", "update": {}}, "2.0.0", "/overlay", "version 1.0.x, 1.1.x or 1.2.x"),
        ({"target": "$.info", "x-note": 1, "summary": "s"}, "1.0.0", "/actions/0/summary", "unknown field 'summary'"),
    ],
)
def test_malformed_overlays_are_located_in_the_overlay(
    tmp_path: Path, action: dict[str, Any], version: str, pointer: str, words: str
) -> None:
    diagnostic = _error(tmp_path, action, version=version)
    assert diagnostic.location.pointer == pointer and diagnostic.location.line is not None
    assert words in diagnostic.message and diagnostic.hint


def test_a_regular_expression_that_backtracks_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.load.overlay.REGEX_SECONDS", 0.2)
    spec_with_long_names = {"target": "$.paths['/pets'].get", "update": {"x-name": "a" * 40}}
    started = time.monotonic()
    diagnostic = _error(
        tmp_path,
        spec_with_long_names,
        {"target": "$.paths.*[?match(@['x-name'], '(a|a)*(b|c)')]", "remove": True},
    )
    assert "took more than 0.2 s" in diagnostic.message and diagnostic.location.pointer == "/actions/1/target"
    assert time.monotonic() - started < 5  # the budget, and the time `regex` takes to notice it is spent


def test_a_copy_that_doubles_the_spec_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("generator.load.limits.MAX_NODES", 2_000)
    doublings = [{"target": "$.components", "copy": "$"} for _ in range(10)]
    diagnostic = _error(tmp_path, *doublings, version="1.1.0")
    assert "more than 2,000 nodes" in diagnostic.message


def test_a_diagnostic_on_an_inserted_node_points_at_the_overlay_line(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    overlay = _overlay(
        tmp_path,
        [{"target": "$.paths['/pets'].get", "update": {"x-pagination": {"items": "pets", "page": 7}}}],
    )
    with pytest.raises(SpecError) as caught:
        build_api(spec, "pets", overlays=Overlays((overlay,)))
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.file == overlay.as_posix()
    assert diagnostic.location.pointer.startswith("/actions/0/update/x-pagination")
    assert _line(overlay, "x-pagination:") <= diagnostic.location.line <= _line(overlay, "page:")  # type: ignore[operator]


def test_a_diagnostic_on_a_spec_node_still_points_at_the_spec(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(SPEC.replace("items: {$ref", "items: {type: nosuch, $ref"), encoding="utf-8")
    overlay = _overlay(tmp_path, [{"target": "$.info", "update": {"x-audience": "public"}}])
    with pytest.raises(SpecError) as caught:
        build_api(spec, "pets", overlays=Overlays((overlay,)))
    assert {d.location.file for d in caught.value.diagnostics} == {"pets.yaml"}
    assert caught.value.diagnostics[0].location.line == _line(spec, "nosuch")
