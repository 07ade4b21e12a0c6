"""Stage 3 on OpenAPI 3.2 documents: the new methods, nested tags, `in: querystring`, `defaultMapping`, and
the located warnings for what the client does not act on."""

from __future__ import annotations

from pathlib import Path

from e2e.clients.test_client_oas32 import SPEC

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.ir.names import ClassName
from generator.pipeline import build_api


def _build(tmp_path: Path, text: str) -> tuple[ir.Api, list[Diagnostic]]:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    warnings: list[Diagnostic] = []
    api = build_api(path, "pets", warnings=warnings)
    return api, [w for w in warnings if w.severity is not Severity.NOTE]  # the naming note is another test's


def _operations(api: ir.Api) -> dict[str, ir.Operation]:
    return {op.operation_id: op for group in api.groups for op in group.operations}


def test_query_and_additional_operations_are_methods_sent_as_declared(tmp_path: Path) -> None:
    api, warnings = _build(tmp_path, SPEC)
    ops = _operations(api)
    assert (ops["searchPets"].method, ops["searchPets"].name) == ("QUERY", "search")
    assert (ops["copyPets"].method, ops["copyPets"].name, ops["copyPets"].pointer) == (
        "COPY",
        "copy",
        "/paths/~1pets/additionalOperations/COPY",
    )
    assert warnings == []


def test_a_tag_with_a_parent_is_a_resource_nested_in_the_parents(tmp_path: Path) -> None:
    grandchild = SPEC.replace(
        "  - {name: toys, parent: pets}\n", "  - {name: toys, parent: pets}\n  - {name: balls, parent: toys}\n"
    ).replace("tags: [toys]", "tags: [balls]")
    api, _ = _build(tmp_path, grandchild)
    by_name = {group.qualified: group for group in api.groups}
    assert list(by_name) == ["pets", "pets.toys", "pets.toys.balls"]
    assert by_name["pets"].description == "The pets"  # the tag's `summary`, having no description
    assert [op.name for op in by_name["pets.toys.balls"].operations] == ["list"]
    assert by_name["pets.toys"].operations == ()


def test_a_parent_that_is_no_tag_or_a_loop_is_a_located_warning(tmp_path: Path) -> None:
    text = SPEC.replace("  - {name: toys, parent: pets}\n", "  - {name: toys, parent: pest}\n")
    api, warnings = _build(tmp_path, text)
    assert "toys" in {group.qualified for group in api.groups}
    (warning,) = warnings
    assert (warning.location.pointer, warning.location.line) == ("/tags/1/parent", 7)
    assert "'pest', which is not a declared tag" in warning.message
    looped = SPEC.replace("{name: pets, summary: The pets, kind: nav}", "{name: pets, parent: toys}")
    api, warnings = _build(tmp_path, looped)
    assert {group.qualified for group in api.groups} == {"toys", "pets"}
    assert [w.location.pointer for w in warnings] == ["/tags/0/parent", "/tags/1/parent"]


def test_a_querystring_parameter_keeps_its_location_and_media_type(tmp_path: Path) -> None:
    api, _ = _build(tmp_path, SPEC)
    ops = _operations(api)
    (form,) = ops["findPets"].parameters
    assert (form.location, form.media_type, form.type, form.required) == (
        "querystring",
        "application/x-www-form-urlencoded",
        ir.Named(ClassName("Filter")),
        True,
    )
    (json_query,) = ops["lookupPets"].parameters
    assert (json_query.location, json_query.media_type) == ("querystring", "application/json")


def test_default_mapping_is_the_unions_fallback(tmp_path: Path) -> None:
    text = SPEC + (
        "    Cat: {type: object, required: [kind], properties: {kind: {const: cat}}}\n"
        "    Shape:\n"
        "      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Pet'}]\n"
        "      discriminator: {propertyName: kind, mapping: {cat: Cat}, defaultMapping: Pet}\n"
    )
    api, warnings = _build(tmp_path, text)
    (shape,) = [d for d in api.definitions if d.name == "Shape"]
    assert isinstance(shape, ir.UnionType) and shape.fallback == "Pet"
    assert not any(isinstance(d, ir.Model) and d.fallback_for for d in api.definitions)
    assert warnings == []


def test_a_default_mapping_that_is_no_model_variant_is_a_located_warning(tmp_path: Path) -> None:
    text = SPEC + (
        "    Shape:\n      oneOf: [{$ref: '#/components/schemas/Pet'}, {type: string}]\n"
        "      discriminator: {propertyName: kind, defaultMapping: Filter}\n"
    )
    api, warnings = _build(tmp_path, text)
    (shape,) = [d for d in api.definitions if d.name == "Shape"]
    assert isinstance(shape, ir.UnionType) and shape.fallback is None  # a `str` variant: no fallback model either
    (warning,) = warnings
    assert warning.location.pointer == "/components/schemas/Shape/discriminator/defaultMapping"
    assert "not a model among the union's variants" in warning.message


def test_what_the_client_does_not_act_on_is_a_located_warning(tmp_path: Path) -> None:
    text = SPEC.replace(
        "components:\n",
        "security: [{device: []}]\n"
        "components:\n"
        "  mediaTypes:\n    PetList: {schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}}\n"
        "  securitySchemes:\n    device:\n      type: oauth2\n      deprecated: true\n"
        "      flows: {deviceAuthorization: {deviceAuthorizationUrl: /d, tokenUrl: /t, scopes: {}}}\n",
    ).replace(
        "          content: {application/json: {schema: {type: array, items: {type: string}}}}\n",
        "          content: {application/json: {$ref: '#/components/mediaTypes/PetList'}}\n",
    )
    api, warnings = _build(tmp_path, text)
    assert [(w.location.pointer, w.location.line) for w in warnings] == [
        ("/components/securitySchemes/device/flows/deviceAuthorization", 73),
        ("/components/securitySchemes/device/deprecated", 72),
        ("/paths/~1toys/get/responses/200/content/application~1json/$ref", 64),
    ]
    assert "does not run: it takes the token as `access_token`" in warnings[0].message
    assert [c.name for s in api.auth for c in s.credentials] == ["access_token"]


def test_an_examples_data_value_is_read_as_its_value(tmp_path: Path) -> None:
    text = SPEC.replace(
        '            schema: {$ref: "https://example.com/specs/pets.yaml#/components/schemas/Filter"}\n',
        '            schema: {$ref: "https://example.com/specs/pets.yaml#/components/schemas/Filter"}\n'
        "            examples: {one: {dataValue: {name: Rex}}}\n",
    )
    api, _ = _build(tmp_path, text)
    assert _operations(api)["searchPets"].body_examples == ({"name": "Rex"},)


def test_a_query_on_the_root_path_gets_a_rest_name(tmp_path: Path) -> None:
    text = 'openapi: 3.2.0\ninfo: {title: T, version: "1"}\npaths:\n  /:\n    query: {responses: {"200": {description: ok}}}\n'
    api, _ = _build(tmp_path, text)
    (op,) = _operations(api).values()
    assert (op.method, op.name) == ("QUERY", "query")


def test_a_response_of_items_builds_and_a_summary_describes_a_response(tmp_path: Path) -> None:
    text = SPEC.replace(
        '      responses: {"204": {description: none}}\n',
        "      responses:\n        '200':\n          content:\n            application/jsonl:\n"
        "              itemSchema: {$ref: '#/components/schemas/Pet'}\n",
    )
    api, _ = _build(tmp_path, text)
    ops = _operations(api)
    assert [r.status for r in ops["lookupPets"].responses] == ["200"]
    assert [r.description for r in ops["searchPets"].responses] == ["The pets found"]


def test_a_requirement_may_name_its_scheme_by_uri(tmp_path: Path) -> None:
    text = SPEC.replace(
        "components:\n",
        "security:\n  - {'https://example.com/specs/pets.yaml#/components/securitySchemes/key': []}\n"
        "components:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Key}\n"
        "    other: {type: http, scheme: bearer}\n",
    ).replace(
        "      operationId: listToys\n",
        "      operationId: listToys\n      security: [{'#/components/securitySchemes/other': []}]\n",
    )
    api, warnings = _build(tmp_path, text)
    assert [s.key for s in api.auth] == ["key", "other"]
    ops = _operations(api)
    assert (ops["searchPets"].security, ops["listToys"].security) == ((("key",),), (("other",),))
    assert warnings == []


def test_a_data_value_that_contradicts_its_schema_relaxes_it(tmp_path: Path) -> None:
    text = (
        'openapi: 3.2.0\ninfo: {title: T, version: "1"}\npaths:\n  /a:\n    get:\n      responses:\n        "200":\n'
        "          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/A'}\n"
        "              examples: {one: {dataValue: {id: 7}}}\ncomponents:\n  schemas:\n"
        "    A: {type: object, required: [id, name], properties: {id: {type: string}, name: {type: string}}}\n"
    )
    api, warnings = _build(tmp_path, text)
    assert (
        warnings[0].location.pointer == "/paths/~1a/get/responses/200/content/application~1json/examples/one/dataValue"
    )
    (model,) = [d for d in api.definitions if d.name == "A"]
    assert isinstance(model, ir.Model) and not any(f.required for f in model.fields if f.wire_name == "name")
