"""Stage 2: broken specs fail with the exact location and a fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError
from generator.load.document import load
from generator.pipeline import build_api
from generator.validate.rules import validate
from testdata import ROOT

HEADER = 'openapi: 3.1.0\ninfo:\n  title: T\n  version: "1"\n'


def _errors(tmp_path: Path, text: str, name: str = "spec.yaml") -> SpecError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        validate(load(path))
    return caught.value


@pytest.mark.parametrize(
    ("text", "line", "pointer", "words"),
    [
        pytest.param(
            HEADER + "paths: {}\ncomponents:\n  schemas:\n    Foo:\n      type: object\n"
            "      properties:\n        name:\n          type: strnig\n",
            12,
            "/components/schemas/Foo/properties/name/type",
            "'strnig' is not one of",
            id="schema type typo",
        ),
        pytest.param(
            HEADER + "paths: {}\ncomponents:\n  schemas:\n    Foo:\n      $ref: '#/components/schemas/Bar'\n",
            9,
            "/components/schemas/Foo/$ref",
            "points at nothing",
            id="dangling ref",
        ),
        pytest.param(
            HEADER + "paths: {}\ncomponents:\n  schemas:\n    Foo:\n      $ref: 'https://example.invalid/x.json'\n",
            9,
            "/components/schemas/Foo/$ref",
            "leaves this document",
            id="remote ref",
        ),
        pytest.param(
            HEADER + "paths: {}\ncomponents:\n  schemas:\n    Foo:\n      $ref: '../../etc/passwd'\n",
            9,
            "/components/schemas/Foo/$ref",
            "leaves this document",
            id="path traversal ref",
        ),
        pytest.param(
            HEADER + "paths:\n  /a:\n    get:\n      operationId: same\n      responses: {'200': {description: ok}}\n"
            "  /b:\n    get:\n      operationId: same\n      responses: {'200': {description: ok}}\n",
            12,
            "/paths/~1b/get/operationId",
            "already used at #/paths/~1a/get/operationId",
            id="duplicate operationId",
        ),
        pytest.param(
            'swagger: "2.0"\ninfo: {title: T, version: "1"}\npaths: {}\n',
            1,
            "",
            "not an OpenAPI 3.0, 3.1 or 3.2 document",
            id="swagger 2",
        ),
        pytest.param(
            HEADER + "paths:\n  /a:\n    get:\n      responses: 7\n",
            8,
            "/paths/~1a/get/responses",
            "is not of type 'object'",
            id="responses not an object",
        ),
    ],
)
def test_broken_specs_name_file_line_pointer_and_fix(
    tmp_path: Path, text: str, line: int, pointer: str, words: str
) -> None:
    error = _errors(tmp_path, text)
    diagnostic = error.diagnostics[0]
    assert diagnostic.location.file == "spec.yaml"
    assert diagnostic.location.line == line
    assert diagnostic.location.pointer == pointer
    assert words in diagnostic.message
    assert diagnostic.hint
    assert str(diagnostic).startswith(f"error: spec.yaml:{line}:")


def test_our_specs_are_valid() -> None:
    root = ROOT / "spec"
    for spec in sorted(root.glob("*.yaml")):
        validate(load(spec))


def test_empty_required_lists_are_one_warning_at_the_first(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    schema = '{"type": "object", "required": [], "properties": {"required": {"type": "string"}}}'
    path.write_text(
        '{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {},\n'
        f' "components": {{"schemas": {{\n  "A": {schema},\n  "B": {schema}}}}}}}\n',
        encoding="utf-8",
    )
    (warning,) = validate(load(path))
    assert warning.message.startswith("2 schema(s) have an empty `required` list")
    assert (warning.location.pointer, warning.location.line) == ("/components/schemas/A/required", 3)


def test_every_3_1_schema_is_checked_against_the_openapi_dialect_wherever_it_is_met_first(tmp_path: Path) -> None:
    # `Leaf` is met through `Root`'s property before its own turn; it used to reach the semantic walk unchecked.
    error = _errors(
        tmp_path,
        HEADER + "paths: {}\ncomponents:\n  schemas:\n    Root:\n      type: object\n      properties:\n"
        "        leaf: {$ref: '#/components/schemas/Leaf'}\n    Leaf:\n      properties: true\n",
    )
    (diagnostic,) = error.diagnostics
    assert (diagnostic.location.pointer, diagnostic.location.line) == ("/components/schemas/Leaf/properties", 13)
    assert "True is not of type 'object'" in diagnostic.message


def test_a_3_1_schema_with_an_examples_map_is_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        HEADER + "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: string\n      examples:\n"
        "        first: {value: a}\n    B: {type: string, examples: {one: {value: b}}}\n",
        encoding="utf-8",
    )
    (warning,) = validate(load(path))
    assert warning.message.startswith("2 schema(s) have `examples` as a map")
    assert (warning.location.pointer, warning.location.line) == ("/components/schemas/A/examples", 10)


def test_a_document_of_another_dialect_has_its_schemas_checked_against_it(tmp_path: Path) -> None:
    draft4 = HEADER.replace("info:", "jsonSchemaDialect: http://json-schema.org/draft-04/schema#\ninfo:")
    # Draft 4's `exclusiveMinimum` is a boolean; 2020-12's is a number. Its `type` is still checked.
    path = tmp_path / "ok.yaml"
    path.write_text(
        draft4 + "paths: {}\ncomponents:\n  schemas:\n    A: {type: integer, minimum: 0, exclusiveMinimum: true}\n",
        encoding="utf-8",
    )
    assert validate(load(path)) == []
    error = _errors(tmp_path, draft4 + "paths: {}\ncomponents:\n  schemas:\n    A: {type: strnig}\n")
    assert error.diagnostics[0].location.pointer.startswith("/components/schemas/A")


def test_a_structural_error_beside_tolerated_ones_is_still_found(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    A: {type: object, required: []}\n    B: {type: object, properties: {x: {type: 7}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as caught:
        validate(load(path))
    assert [d.location.line for d in caught.value.diagnostics] == [7]


def test_unknown_formats_and_required_names_without_a_property_are_located_warnings(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    schema = (
        "    A:\n      type: object\n      required: [id, nmae]\n      properties:\n"
        "        id: {type: string}\n        name: {type: string}\n"
        "        when: {type: string, format: datetime}\n        phone: {type: string, format: phone}\n"
    )
    path.write_text(HEADER + "paths: {}\ncomponents:\n  schemas:\n" + schema)
    warnings = validate(load(path))
    where = {(w.location.pointer, w.location.line): w for w in warnings}
    datetime = where[("/components/schemas/A/properties/when/format", 14)]
    assert "unknown format 'datetime'" in datetime.message and "did you mean 'date-time'?" in datetime.hint
    assert "unknown format 'phone'" in where[("/components/schemas/A/properties/phone/format", 15)].message
    typo = where[("/components/schemas/A/required/1", 10)]
    assert "`required` names 'nmae', but this schema has no property 'nmae'" in typo.message
    assert len(warnings) == 3


def test_examples_are_never_matched_against_a_spec_regex(tmp_path: Path) -> None:
    """A spec's pattern can be ECMA-262 `re` cannot read, or backtrack for minutes on its own example
    (beezup.com's spec); no relaxation depends on it, so the examples check does not run it."""
    from generator.validate.examples import reconcile

    path = tmp_path / "spec.yaml"
    prop = "{type: string, pattern: '^(a+)+$', example: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'}"
    path.write_text(
        HEADER
        + f"paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        p: {prop}\n"
    )
    doc = load(path)
    relaxed, relaxations = reconcile(doc)
    assert relaxed is doc and not relaxations.warnings  # judged valid without running the pattern


def test_a_key_openapi_does_not_allow_is_located_at_the_key(tmp_path: Path) -> None:
    error = _errors(tmp_path, HEADER + "paths: {}\nsource: {kind: git}\n")
    (diagnostic,) = error.diagnostics
    assert (diagnostic.location.pointer, diagnostic.location.line) == ("/source", 6)
    assert "rename it `x-source`" in diagnostic.hint


def test_a_default_that_does_not_fit_inside_is_a_warning_at_its_place(tmp_path: Path) -> None:
    """The validator reports a default's error by its path inside the default (nordigen.com's spec): still a warning."""
    path = tmp_path / "spec.yaml"
    scope = "{type: array, items: {type: array, items: {type: string}}, default: [balances, details]}"
    path.write_text(
        HEADER
        + f"paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        scope: {scope}\n"
    )
    warnings = validate(load(path))
    pointers = [w.location.pointer for w in warnings if "does not fit its own schema" in w.message]
    assert pointers == [
        "/components/schemas/A/properties/scope/default/0",
        "/components/schemas/A/properties/scope/default/1",
    ]


SEMANTIC = """openapi: 3.0.3
info: {title: T, version: '1'}
tags: [{name: a}, {name: a, description: again}]
paths:
  /a/{x}:
    get:
      parameters:
        - {name: y, in: path, required: true, schema: {type: string}}
        - {name: q, in: query, schema: {type: string}}
        - {name: q, in: query, schema: {type: integer}}
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/B'}}}}}
components:
  schemas:
    A: {type: object, properties: {n: {type: integer, default: "x"}}}
    B: {allOf: [{$ref: '#/components/schemas/A'}], required: [n, zzz]}
"""


def test_semantic_findings_are_warnings_each_at_its_place(tmp_path: Path) -> None:
    """What the OpenAPI schema cannot express: each kind is one located warning saying what and where."""
    path = tmp_path / "spec.yaml"
    path.write_text(SEMANTIC)
    found = {(w.location.pointer, w.location.line): w.message for w in validate(load(path))}
    assert found == {
        ("/tags/1/name", 3): "tag 'a' is declared again (first at #/tags/0).",
        ("/paths/~1a~1{x}/get/parameters/2", 10): "parameter 'q' in query is declared again in this list "
        "(first at #/paths/~1a~1{x}/get/parameters/1).",
        ("/paths/~1a~1{x}/get", 6): "{x} in '/a/{x}' is declared by no parameter of `get` (`in: path`) "
        "(1 more like it).",
        ("/components/schemas/B/required", 15): "`required` names ['zzz'], which neither this schema nor its "
        "allOf parts define.",
        ("/components/schemas/A/properties/n/default", 14): "the default 'x' does not fit its own schema "
        "('x' is not of type 'integer'); it is ignored.",
    }


def test_a_path_template_with_an_unmatched_brace_is_a_located_error(tmp_path: Path) -> None:
    text = HEADER + "paths:\n  /a/{x:\n    get:\n      responses: {'200': {description: ok}}\n"
    (diagnostic,) = _errors(tmp_path, text).diagnostics
    assert (diagnostic.location.pointer, diagnostic.location.line) == ("/paths/~1a~1{x", 6)
    assert "the path template '/a/{x'" in diagnostic.message


def test_the_semantic_checks_follow_reference_cycles_and_chains_deeper_than_the_recursion_limit(
    tmp_path: Path,
) -> None:
    """Polymorphism (each variant `allOf` its parent) is a cycle, and a chain of 3,000 references is deeper
    than Python's recursion limit: both are checked to the end, so a finding past them is still reported."""
    chain = "".join(
        f"    S{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/S{i + 1}'}}}}}}\n"
        for i in range(3000)
    )
    pet = (
        "    Cat: {allOf: [{$ref: '#/components/schemas/Pet'}], required: [kind, meow]}\n"
        "    Pet: {type: object, properties: {kind: {type: string}}, oneOf: [{$ref: '#/components/schemas/Cat'}]}\n"
    )
    path = tmp_path / "spec.yaml"
    path.write_text(
        HEADER
        + "paths: {}\ncomponents:\n  schemas:\n"
        + chain
        + pet
        + "    S3000: {type: object, properties: {n: {type: integer, default: x}}}\n"
    )
    found = {w.location.pointer: w.message for w in validate(load(path))}
    assert "`required` names ['meow']" in found["/components/schemas/Cat/required"]
    assert "does not fit its own schema" in found["/components/schemas/S3000/properties/n/default"]


_PAGED = (
    HEADER
    + """paths:
  /things:
    get:
      parameters:
        - {name: marker, in: query, schema: {type: string}}
        - {name: offset, in: query, schema: {type: string}}
        - {name: page, in: query, schema: {type: integer}}
      x-pagination: %s
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {type: object, properties: {id: {type: string}}}}
                  meta: {type: object, properties: {more: {type: boolean}, next: {type: string}}}
"""
)
_AT = "/paths/~1things/get/x-pagination"


@pytest.mark.parametrize(
    ("declared", "pointer", "words"),
    [
        ("{items: data}", _AT, "no way, or several"),
        ("{items: data, page: page, next_url: meta.next}", _AT, "no way, or several"),
        ("[data]", _AT, "no way, or several"),
        ("{items: dat, next_url: meta.next}", f"{_AT}/items", "has no 'dat'"),
        ("{items: meta, next_url: meta.next}", f"{_AT}/items", "not an array"),
        ("{items: data, has_more: meta.mroe, link_header: true}", f"{_AT}/has_more", "has no 'mroe'"),
        ("{items: data, next_url: meta.next.href}", f"{_AT}/next_url", "has no 'href'"),
        ("{items: data, offset: offset}", f"{_AT}/offset", "it is a token"),
        ("{items: data, page: size}", f"{_AT}/page", "not a query parameter"),
        ("{items: data, link_header: yes please}", f"{_AT}/link_header", "not `true`"),
        ("{items: data, cursor: {parameter: marker}}", f"{_AT}/cursor", "`cursor` is malformed"),
        ("{items: data, cursor: {parameter: mark, next: meta.next}}", f"{_AT}/cursor/parameter", "'mark'"),
        ("{items: data, cursor: {parameter: marker, next: meta.nxt}}", f"{_AT}/cursor/next", "has no 'nxt'"),
        ("{items: data, cursor: {parameter: marker, from: name}}", f"{_AT}/cursor/from", "has no 'name'"),
        ("{items: data, colour: red, link_header: true}", f"{_AT}/colour", "has no 'colour'"),
    ],
)
def test_a_broken_x_pagination_is_located_at_its_part(tmp_path: Path, declared: str, pointer: str, words: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(_PAGED % declared, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        build_api(path, "things")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.pointer == pointer and words in diagnostic.message and diagnostic.hint


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("{items: data, has_more: meta.more, cursor: {parameter: marker, from: id}}",
         ("item_cursor", "data", "meta.more", "marker", "id")),
        ("{items: data, cursor: {parameter: offset, next: meta.next}}",
         ("body_cursor", "data", None, "offset", "meta.next")),
        ("{items: data, cursor: {parameter: marker, header: X-Next-Marker}}",
         ("header_cursor", "data", None, "marker", "X-Next-Marker")),
        ("{items: data, next_url: meta.next}", ("next_url", "data", None, None, "meta.next")),
        ("{items: data, link_header: true}", ("link_header", "data", None, None, None)),
        ("{items: data, has_more: meta.more, page: page}", ("page_number", "data", "meta.more", "page", None)),
        ("false", None),
    ],
)  # fmt: skip
def test_x_pagination_declares_every_kind(tmp_path: Path, declared: str, expected: Any) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(_PAGED % declared, encoding="utf-8")
    (group,) = build_api(path, "things").groups
    page = group.operations[0].pagination
    found = page and (page.kind, page.items_field, page.has_more_field, page.cursor_parameter, page.cursor_field)
    assert found == expected and not (page and page.detected)


def test_a_top_level_x_pagination_is_false_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(_PAGED.replace("paths:", "x-pagination: off please\npaths:", 1) % "false", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        build_api(path, "things")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.pointer == "/x-pagination" and diagnostic.location.line == 5


@pytest.mark.parametrize(
    ("schema", "pointer", "line"),
    [
        pytest.param("      enum: []\n", "/components/schemas/A/enum", 9, id="top level"),
        pytest.param(
            "      additionalProperties:\n        enum: []\n",
            "/components/schemas/A/additionalProperties/enum",
            10,
            id="in additionalProperties",
        ),
    ],
)
def test_an_empty_enum_is_a_located_error_not_a_broken_package(
    tmp_path: Path, schema: str, pointer: str, line: int
) -> None:
    # OpenAPI 3.1 accepts `enum: []`; it used to reach the renderer and fail there as an internal error.
    error = _errors(tmp_path, HEADER + "paths: {}\ncomponents:\n  schemas:\n    A:\n" + schema)
    (diagnostic,) = error.diagnostics
    assert (diagnostic.location.pointer, diagnostic.location.line) == (pointer, line)
    assert "lists no value" in diagnostic.message
    assert diagnostic.hint.startswith("list the values")


def test_tolerated_deviations_do_not_hide_an_error_met_after_them(tmp_path: Path) -> None:
    # 250 tolerated `examples` maps before one real error: looking at a bounded number of errors must not
    # stop at the tolerated ones, nor undercount them.
    maps = "".join(f"    M{i:03}: {{type: string, examples: {{one: {{value: a}}}}}}\n" for i in range(250))
    error = _errors(tmp_path, HEADER + "paths: {}\ncomponents:\n  schemas:\n" + maps + "    Z: {type: strnig}\n")
    (diagnostic,) = error.diagnostics
    assert diagnostic.location.pointer == "/components/schemas/Z/type"


def test_every_tolerated_deviation_is_counted_however_many(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    maps = "".join(f"    M{i:03}: {{type: string, examples: {{one: {{value: a}}}}}}\n" for i in range(250))
    path.write_text(HEADER + "paths: {}\ncomponents:\n  schemas:\n" + maps, encoding="utf-8")
    (warning,) = validate(load(path))
    assert warning.message.startswith("250 schema(s) have `examples` as a map")
