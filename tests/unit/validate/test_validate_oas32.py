"""Stage 2 on OpenAPI 3.2 documents: validated against the 3.2 schema and dialect, each error located."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e.clients.test_client_oas32 import SPEC

from generator.errors import SpecError
from generator.load.bundle import bundle
from generator.load.document import load
from generator.validate.rules import validate

HEADER = 'openapi: 3.2.0\ninfo: {title: T, version: "1"}\n'
ONE_SCHEMA = "paths: {}\ncomponents:\n  schemas:\n    A: {properties: true}\n"


def _validate(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return [str(d) for d in validate(bundle(load(path), path))]  # bundled: `$self` references made local


def test_a_3_2_document_with_every_addition_is_valid(tmp_path: Path) -> None:
    additions = SPEC.replace(
        "components:\n",
        "components:\n"
        "  mediaTypes:\n    Pets: {itemSchema: {$ref: '#/components/schemas/Pet'}, itemEncoding: {contentType: x/y}}\n"
        "  securitySchemes:\n    old:\n      type: oauth2\n      deprecated: true\n      oauth2MetadataUrl: /m\n"
        "      flows: {deviceAuthorization: {deviceAuthorizationUrl: /d, tokenUrl: /t, scopes: {}}}\n"
        '  examples:\n    one: {dataValue: {name: Rex}, serializedValue: \'{"name":"Rex"}\'}\n',
    ).replace(
        "    Pet:\n      type: object\n",
        "    Pet:\n      type: object\n      xml: {nodeType: element}\n"
        "    Shape:\n      oneOf: [{$ref: '#/components/schemas/Pet'}]\n"
        "      discriminator: {propertyName: kind, defaultMapping: Pet}\n",
    )
    assert _validate(tmp_path, additions) == []


@pytest.mark.parametrize(
    ("text", "line", "pointer", "words"),
    [
        pytest.param(
            "paths:\n  /a:\n    get:\n      parameters:\n        - {name: q, in: querystring, schema: {type: object}}\n"
            "      responses: {'200': {description: ok}}\n",
            7,
            "/paths/~1a/get/parameters/0",
            "'content' is a required property",
            id="querystring without content",
        ),
        pytest.param(
            "tags:\n  - name: a\n    parents: b\npaths: {}\n",
            5,
            "/tags/0/parents",
            "'parents' was unexpected",
            id="tag key misspelt",
        ),
        pytest.param(
            "paths:\n  /a:\n    additionalOperations:\n      GET: {responses: {'200': {description: ok}}}\n",
            6,
            "/paths/~1a/additionalOperations/GET",
            "'GET' should not be valid",
            id="a fixed method among additionalOperations",
        ),
        pytest.param(
            "paths: {}\ncomponents:\n  schemas:\n    A:\n      oneOf: [{$ref: '#/components/schemas/B'}]\n"
            "      discriminator: {propertyName: k, defaultMapping: '#/components/schemas/C'}\n    B: {type: object}\n",
            8,
            "/components/schemas/A/discriminator/defaultMapping",
            "maps every other tag to '#/components/schemas/C', which points at nothing",
            id="defaultMapping dangling",
        ),
        pytest.param(ONE_SCHEMA, 6, "/components/schemas/A/properties", "not valid OpenAPI 3.2.0", id="dialect"),
        pytest.param(
            "paths:\n  /a:\n    additionalOperations:\n      COPY: {operationId: x, responses: {'200': {description: a}}}\n"
            "  /b:\n    query: {operationId: x, responses: {'200': {description: b}}}\n",
            8,
            "/paths/~1b/query/operationId",
            "already used at #/paths/~1a/additionalOperations/COPY/operationId",
            id="operationId shared by the new methods",
        ),
    ],
)
def test_a_broken_3_2_document_is_a_located_error(
    tmp_path: Path, text: str, line: int, pointer: str, words: str
) -> None:
    with pytest.raises(SpecError) as caught:
        _validate(tmp_path, HEADER + text)
    diagnostic = caught.value.diagnostics[0]
    assert (diagnostic.location.file, diagnostic.location.line, diagnostic.location.pointer) == (
        "spec.yaml",
        line,
        pointer,
    )
    assert words in diagnostic.message
    assert diagnostic.hint


def test_3_2_methods_and_keys_are_refused_in_a_3_1_document(tmp_path: Path) -> None:
    text = 'openapi: 3.1.0\ninfo: {title: T, version: "1"}\npaths:\n  /a:\n    query: {responses: {}}\n'
    with pytest.raises(SpecError) as caught:
        _validate(tmp_path, text)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.location.line, diagnostic.location.pointer) == (5, "/paths/~1a/query")
    assert "not valid OpenAPI 3.1.0" in diagnostic.message


def test_a_3_2_document_of_the_3_1_dialect_has_its_schemas_checked_against_it(tmp_path: Path) -> None:
    dialect = HEADER + "jsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base\n"
    with pytest.raises(SpecError) as caught:
        _validate(tmp_path, dialect + ONE_SCHEMA)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.location.line, diagnostic.location.pointer) == (7, "/components/schemas/A/properties")


def test_an_item_schema_is_checked_like_a_schema(tmp_path: Path) -> None:
    text = HEADER + (
        "paths:\n  /events:\n    get:\n      responses:\n        '200':\n          content:\n            application/jsonl:\n"
        "              itemSchema: {type: object, properties: {n: {type: integer, default: x}}}\n"
    )
    (warning,) = _validate(tmp_path, text)
    assert warning.startswith(
        "warning: spec.yaml:10:74 at #/paths/~1events/get/responses/200/content/application~1jsonl/itemSchema/"
        "properties/n/default: the default 'x' does not fit"
    )


def test_a_querystring_parameter_beside_query_parameters_is_a_located_error(tmp_path: Path) -> None:
    text = HEADER + (
        "paths:\n  /a:\n    parameters:\n      - {name: q, in: querystring, content: {application/json: {}}}\n"
        "    get:\n      parameters:\n        - {name: page, in: query, schema: {type: integer}}\n"
        "      responses: {'200': {description: ok}}\n"
    )
    with pytest.raises(SpecError) as caught:
        _validate(tmp_path, text)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.location.line, diagnostic.location.pointer) == (9, "/paths/~1a/get/parameters/0")
    assert "query string is the `in: querystring` parameter at #/paths/~1a/parameters/0" in diagnostic.message
    assert "`in: query` ones" in diagnostic.hint
