"""Inputs beyond one OpenAPI file: local JSON Schema files by `$ref`, and standalone JSON Schema documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import MakePackage, minimal_spec
from generator.errors import SpecError
from generator.load.bundle import _FILE_REF, bundle
from generator.load.document import load
from generator.pipeline import build_api

PET = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "Pet": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "kind": {"$ref": "#/$defs/Kind"},
                "owner": {"$ref": "owner.yaml"},
            },
        },
        "Kind": {"enum": ["cat", "dog"]},
    },
}
OWNER = "type: object\ntitle: Owner\nproperties:\n  email: {type: string}\n"


def _write_pet_files(directory: Path) -> None:
    (directory / "schemas").mkdir()
    (directory / "schemas" / "pet.json").write_text(json.dumps(PET))
    (directory / "schemas" / "owner.yaml").write_text(OWNER)


def test_openapi_refs_to_local_schema_files(make_package: MakePackage, tmp_path: Path) -> None:
    _write_pet_files(tmp_path)
    spec = minimal_spec(
        {"Adoption": {"type": "object", "properties": {"pet": {"$ref": "schemas/pet.json#/$defs/Pet"}}}}
    )
    package = make_package(spec, package="adoptions")
    adoption = package.Adoption.model_validate({"pet": {"name": "Rex", "kind": "dog", "owner": {"email": "a@b"}}})
    assert isinstance(adoption.pet, package.Pet) and adoption.pet.kind is package.Kind.DOG
    assert isinstance(adoption.pet.owner, package.Owner)


@pytest.mark.parametrize(
    ("ref", "words"),
    [
        ("../outside.json#/$defs/X", "leaves spec/, the directory `$ref`s may read"),
        ("/etc/passwd", "is not a local file"),
        ("https://example.invalid/pet.json", "is not a local file"),
        ("schemas/missing.json", "does not exist"),
        ("schemas/pet.json#/$defs/Nope", "points at nothing in pet.json"),
    ],
)
def test_refs_that_leave_the_directory_or_dangle_are_refused(tmp_path: Path, ref: str, words: str) -> None:
    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    _write_pet_files(spec_dir)
    (tmp_path / "outside.json").write_text(json.dumps({"$defs": {"X": {"type": "string"}}}))
    spec = spec_dir / "api.yaml"
    spec.write_text(yaml.safe_dump(minimal_spec({"A": {"type": "object", "properties": {"x": {"$ref": ref}}}})))
    with pytest.raises(SpecError) as caught:
        build_api(spec, "api")
    (diagnostic,) = caught.value.diagnostics
    assert words in diagnostic.message
    assert diagnostic.location.file == "api.yaml" and diagnostic.location.line is not None
    assert diagnostic.location.pointer == "/components/schemas/A/properties/x/$ref"


@pytest.mark.parametrize(
    "dialect", ["https://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft-07/schema#"]
)
def test_standalone_json_schema(make_package: MakePackage, dialect: str) -> None:
    defs = "$defs" if "2020" in dialect else "definitions"
    schema = {
        "$schema": dialect,
        "title": "Order",
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "integer"},
            "status": {"$ref": f"#/{defs}/Status"},
            "parent": {"$ref": "#"},
            "lines": {"type": "array", "items": {"$ref": f"#/{defs}/Line"}},
        },
        defs: {
            "Status": {"type": "string", "enum": ["open", "closed"]},
            "Line": {"type": "object", "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}}},
        },
    }
    package = make_package(json.dumps(schema), package="orders", filename="order.json")
    order = package.Order.model_validate(
        {"id": 1, "status": "open", "parent": {"id": 0}, "lines": [{"sku": "A", "qty": 2}]}
    )
    assert order.status is package.Status.OPEN and isinstance(order.parent, package.Order)
    assert isinstance(order.lines[0], package.Line) and order.lines[0].qty == 2


def test_an_invalid_json_schema_is_reported_in_the_original_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        '{\n  "$schema": "https://json-schema.org/draft/2020-12/schema",\n  "$defs": {\n    "A": {"type": 5}\n  }\n}\n'
    )
    with pytest.raises(SpecError) as caught:
        build_api(path, "bad")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.location.file, diagnostic.location.line) == ("bad.json", 4)
    assert "not a valid JSON Schema" in diagnostic.message


@pytest.mark.parametrize(
    ("text", "has_file_refs"),
    [
        ('{"a": {"$ref": "#/b"}, "b": {"$ref" : "#/c"}}', False),
        ("a:\n  $ref: '#/b'\nb:\n  $ref:\n    \"#/c\"\n", False),
        # OData paths end in `/$ref` (Microsoft Graph has 65): a key of Paths, not a reference.
        ('{"paths": {"/a/{id}/owners/$ref": {"get": {}}}}', False),
        ("paths:\n  /a/{id}/owners/$ref:\n    get: {}\n", False),
        ('{"a": {"$ref": "schemas/pet.json"}}', True),
        ("a: {$ref: ./pet.yaml#/Pet}\n", True),
        ("a:\n  '$ref': https://example.com/x.json\n", True),
    ],
)
def test_only_a_spec_with_file_refs_is_walked_for_bundling(tmp_path: Path, text: str, has_file_refs: bool) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    doc = load(path)
    if has_file_refs:
        assert _FILE_REF.search(doc.text)
    else:
        assert not _FILE_REF.search(doc.text)  # so the document is not walked
        assert bundle(doc, path) is doc


def test_a_sibling_directory_is_read_only_when_the_root_is_widened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layout of a multi-spec repository: `specs/billing/api.yaml` refers to `specs/common/money.yaml`."""
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "money.yaml").write_text(
        "Money:\n  type: object\n  properties:\n    amount: {type: integer}\n    currency: {type: string}\n"
    )
    (tmp_path / "billing").mkdir()
    spec = tmp_path / "billing" / "api.yaml"
    ref = {"$ref": "../common/money.yaml#/Money"}
    spec.write_text(yaml.safe_dump(minimal_spec({"Invoice": {"type": "object", "properties": {"total": ref}}})))
    api = build_api(spec, "billing", ref_root=tmp_path)  # named explicitly (--ref-root)
    assert {d.name for d in api.definitions} == {"Invoice", "Money"}
    monkeypatch.chdir(tmp_path)  # by default only the spec's own directory, wherever the generator runs
    with pytest.raises(SpecError, match="leaves billing/"):
        build_api(spec, "billing")


def test_json_schema_2019_09_recursive_refs_and_draft_07_anchors(make_package: MakePackage) -> None:
    tree = {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "title": "Tree",
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$recursiveRef": "#"}}, "leaf": {"$ref": "#leaf"}},
        "$defs": {"Leaf": {"$anchor": "leaf", "type": "object", "properties": {"v": {"type": "integer"}}}},
    }
    package = make_package(json.dumps(tree), package="trees", filename="tree.json")
    parsed = package.Tree.model_validate({"children": [{"children": [], "leaf": {"v": 1}}]})
    assert isinstance(parsed.children[0], package.Tree) and parsed.children[0].leaf.v == 1

    pets = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Owner",
        "type": "object",
        "properties": {"pet": {"$ref": "#pet"}},
        "definitions": {
            "Pet": {
                "$id": "#pet",
                "oneOf": [{"$ref": "#/definitions/Cat"}, {"$ref": "#/definitions/Dog"}],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"c": "#/definitions/Cat", "d": "#/definitions/Dog"},
                },
            },
            "Cat": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"const": "c"}, "meow": {"type": "boolean"}},
            },
            "Dog": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"const": "d"}, "bark": {"type": "boolean"}},
            },
        },
    }
    package = make_package(json.dumps(pets), package="owners", filename="owner.json")
    owner = package.Owner.model_validate({"pet": {"kind": "d", "bark": True}})
    assert isinstance(owner.pet, package.Dog) and owner.pet.bark is True


def test_a_json_schema_titled_as_one_of_its_definitions_keeps_both(make_package: MakePackage) -> None:
    node = {
        "title": "Node",
        "type": "object",
        "properties": {"next": {"$ref": "#/$defs/Node"}, "label": {"type": "string"}},
        "$defs": {"Node": {"type": "object", "properties": {"id": {"type": "integer"}}}},
    }
    package = make_package(json.dumps(node), package="nodes", filename="node.json")
    root = package.NodeRoot.model_validate({"next": {"id": 1}, "label": "a"})
    assert isinstance(root.next, package.Node) and root.next.id == 1 and root.label == "a"


@pytest.mark.parametrize(
    ("ref", "bundled"),
    [
        ("https://example.com/specs/api.yaml#/components/schemas/B", "#/components/schemas/B"),
        ("api.yaml#/components/schemas/B", "#/components/schemas/B"),  # relative to `$self`: the same URI
        ("https://example.com/specs/api.yaml", "#"),
    ],
)
def test_refs_through_the_documents_own_self_uri_are_local(tmp_path: Path, ref: str, bundled: str) -> None:
    spec = minimal_spec({"A": {"$ref": ref}, "B": {"type": "string"}})
    spec = {**spec, "openapi": "3.2.0", "$self": "https://example.com/specs/api.yaml"}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    assert bundle(load(path), path).data["components"]["schemas"]["A"] == {"$ref": bundled}


def test_a_uri_beside_self_is_still_refused(tmp_path: Path) -> None:
    spec = minimal_spec({"A": {"$ref": "https://example.com/specs/other.yaml#/B"}})
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({**spec, "openapi": "3.2.0", "$self": "https://example.com/specs/api.yaml"}))
    with pytest.raises(SpecError) as caught:
        bundle(load(path), path)
    assert "is not a local file" in caught.value.diagnostics[0].message
