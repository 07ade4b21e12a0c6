"""Stage 1: loading YAML and JSON safely, with locations for every failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.load.document import join_pointer, load, split_pointer


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_python_tags_are_refused_with_their_line(tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    spec = _write(
        tmp_path,
        "evil.yaml",
        f'openapi: 3.1.0\ninfo: !!python/object/apply:os.system ["touch {canary}"]\n',
    )
    with pytest.raises(SpecError) as caught:
        load(spec)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.location.file, diagnostic.location.line) == ("evil.yaml", 2)
    assert "tag" in diagnostic.message and "plain data" in diagnostic.hint
    assert not canary.exists()


def test_invalid_yaml_reports_line_and_column(tmp_path: Path) -> None:
    spec = _write(tmp_path, "broken.yaml", "openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: 1\n")
    with pytest.raises(SpecError) as caught:
        load(spec)
    location = caught.value.diagnostics[0].location
    assert location.file == "broken.yaml" and location.line == 4 and location.column is not None


def test_invalid_json_reports_line_and_column(tmp_path: Path) -> None:
    spec = _write(tmp_path, "broken.json", '{\n  "openapi": "3.1.0",\n  "info": {,}\n}\n')
    with pytest.raises(SpecError) as caught:
        load(spec)
    location = caught.value.diagnostics[0].location
    assert (location.line, location.column) == (3, 12)
    assert "invalid JSON" in caught.value.diagnostics[0].message


def test_a_document_that_is_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load(_write(tmp_path, "list.yaml", "- 1\n- 2\n"))
    assert "not a mapping" in caught.value.diagnostics[0].message


def test_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load(tmp_path / "nope.yaml")
    assert "cannot read" in caught.value.diagnostics[0].message


def test_non_utf8_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("openapi: 3.1.0\ninfo: {title: caf\xe9}\n".encode("latin-1"))
    with pytest.raises(SpecError) as caught:
        load(path)
    assert "UTF-8" in caught.value.diagnostics[0].message


def test_locate_finds_lines_of_yaml_and_json(tmp_path: Path) -> None:
    yaml_doc = load(
        _write(tmp_path, "a.yaml", "openapi: 3.1.0\ncomponents:\n  schemas:\n    A/B:\n      type: object\n")
    )
    assert yaml_doc.locate("/components/schemas/A~1B/type").line == 5
    assert yaml_doc.locate("/components/schemas/A~1B/missing/deeper").line == 4  # nearest existing ancestor
    json_doc = load(_write(tmp_path, "a.json", '{\n "openapi": "3.1.0",\n "paths": {\n  "/x": {}\n }\n}\n'))
    assert json_doc.locate("/paths/~1x").line == 4


def test_locate_in_json_walks_keys_items_and_escapes_lazily(tmp_path: Path) -> None:
    text = (
        '{"a": {"skip": [1, {"}": "]"}, "x\\"y"], "b": [\n  10,\n  {"c\\u00e9": true}\n]},\n'
        ' "dup": 1, "a~b/c": {"d": null}, "dup": 2}'
    )
    doc = load(_write(tmp_path, "b.json", text))
    assert (doc.locate("/a/b/1/cé").line, doc.locate("/a/b/1/cé").column) == (3, 4)
    assert doc.locate("/a/b/0").line == 2
    assert doc.locate("/a/b/7").line == 1  # no such item: the array itself
    assert (doc.locate("/a~0b~1c/d").line, doc.locate("/a~0b~1c/d").column) == (5, 22)
    assert doc.locate("/a/b/1/missing/deeper").column == 3  # nearest existing ancestor: the item
    assert doc.locate("").line == 1


def test_pointers_escape_and_unescape() -> None:
    assert join_pointer("paths", "/v1/{id}", "get") == "/paths/~1v1~1{id}/get"
    assert split_pointer("/paths/~1v1~1{id}/a~0b") == ["paths", "/v1/{id}", "a~b"]


def test_a_duplicate_yaml_key_is_an_error_at_both_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "spec.yaml", "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nA:\n  x: 1\nB: 2\nA:\n  y: 2\n"
    )
    with pytest.raises(SpecError) as caught:
        load(path)
    first, second = caught.value.diagnostics
    assert (first.location.line, second.location.line) == (3, 6)
    assert "the key 'A' appears twice" in first.message and "lines 3 and 6" in second.message


def test_a_yaml_syntax_error_says_what_it_usually_means(tmp_path: Path) -> None:
    path = _write(tmp_path, "spec.yaml", "openapi: 3.1.0\ninfo:\n  title: Pets: the API\n")
    with pytest.raises(SpecError) as caught:
        load(path)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.location.line, diagnostic.location.column) == (3, 14)
    assert "mapping values are not allowed" in diagnostic.message
    assert "contains `: ` (put it in quotes)" in diagnostic.hint
