"""The OpenAPI Initiative's own 3.2 schema test suite: each `pass` document generates, each `fail` one is refused.

The documents are theirs (tests/data/README.md), so what "valid 3.2" means here is not decided by us. Two
`pass` documents are refused on purpose, each for a reason the suite does not test (it checks the document's
shape only, not what its references reach): they are listed with the refusal they get.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.load.document import load
from generator.pipeline import build_api
from generator.render.templates import render_code
from generator.validate.rules import validate
from testdata import DATA

SUITE = DATA / "third_party" / "oai-3.2-suite"
# The dialect's id before publication: the OAI's publishing step gives it its date, as the spec states it.
UNPUBLISHED_DIALECT = "https://spec.openapis.org/oas/3.2/dialect/WORK-IN-PROGRESS"
PUBLISHED_DIALECT = "https://spec.openapis.org/oas/3.2/dialect/2025-09-17"

REFUSED_ON_PURPOSE = {
    # A `defaultMapping` naming no schema of the document: a union whose fallback is missing.
    "mega.yaml": ("/discriminator/defaultMapping", "points at nothing"),
    # A reference to another document on the network: never followed (docs/security.md).
    "security-scheme-object-examples.yaml": ("/components/securitySchemes/external/$ref", "leaves this document"),
}


def _published(path: Path, tmp_path: Path) -> Path:
    text = path.read_text(encoding="utf-8")
    if UNPUBLISHED_DIALECT not in text:
        return path
    copy = tmp_path / path.name
    copy.write_text(text.replace(UNPUBLISHED_DIALECT, PUBLISHED_DIALECT), encoding="utf-8")
    return copy


def _documents(kind: str) -> list[Path]:
    return sorted((SUITE / kind).glob("*.yaml"))


def test_the_suite_is_all_here() -> None:
    assert (len(_documents("pass")), len(_documents("fail"))) == (37, 29)


@pytest.mark.parametrize("path", _documents("pass"), ids=lambda p: p.stem)
def test_a_passing_document_generates_a_package_that_compiles(path: Path, tmp_path: Path) -> None:
    spec = _published(path, tmp_path)
    if path.name in REFUSED_ON_PURPOSE:
        pointer, words = REFUSED_ON_PURPOSE[path.name]
        with pytest.raises(SpecError) as caught:
            validate(load(spec))
        first, *_ = caught.value.diagnostics
        assert first.location.pointer.endswith(pointer) and words in first.message
        return
    validate(load(spec))
    files = render_code(build_api(spec, "suite"))
    for name, text in files.items():
        if name.endswith(".py"):
            compile(text, name, "exec")


# Where each failing document's first error is: the place its title names (the document, for a missing `paths`).
FIRST_ERROR = {
    "encoding-enc-item-exclusion": "/components/requestBodies/encoding-with-prefixEncoding-not-allowed/content/"
    "multipart~1mixed/prefixEncoding/0",
    "encoding-enc-prefix-exclusion": "/components/requestBodies/encoding-with-itemEncoding-not-allowed/content/"
    "multipart~1mixed/prefixEncoding/0",
    "example-examples": "/components/parameters/animal",
    "example-object-old-exclusions": "/components/examples/CannotHaveBoth",
    "example-object-old-vs-data": "/components/examples/NoValueWithDataValue",
    "example-object-old-vs-ser": "/components/examples/CannotHaveBoth",
    "example-object-ser-exclusions": "/components/examples/CannotHaveBoth",
    "header-object-allowReserved": "/components/headers/Style/allowReserved",
    "header-object-name": "/paths/~1foo/get/responses/default/headers/Bad=Header",
    "invalid_schema_types": "/components/schemas/invalid_null",
    "media-type-enc-item-exclusion": "/components/requestBodies/encoding-with-itemEncoding-not-allowed/content/"
    "multipart~1mixed",
    "media-type-enc-prefix-exclusion": "/components/requestBodies/encoding-with-prefixEncoding-not-allowed/content/"
    "multipart~1mixed",
    "no_containers": "",
    "operation-object-query-with-querystring": "/components/pathItems/my-path-item/get/parameters",
    "operation-object-two-querystrings": "/components/pathItems/my-path-item/get/parameters",
    "parameter-object-content-not-with-style": "/components/parameters/content-not-with-style/style",
    "parameter-object-cookie-allowReserved": "/components/parameters/my_cookie/allowReserved",
    "parameter-object-header-allowReserved": "/components/parameters/header/allowReserved",
    "parameter-object-header-name": "/components/parameters/BadHeader/name",
    "parameter-object-path-name": "/components/parameters/BadPath",  # `required: true` missing, then its name
    "parameter-object-querystring-not-with-schema": "/components/parameters/querystring-not-with-schema",
    # Its schemas name components it does not have: references are checked before the rest (the `POST` among
    # `additionalOperations` is refused at its key once they resolve, tests/unit/validate/test_validate_oas32.py).
    "path-item-object-conflicting-additional-operation": "/paths/~1pets~1{id}/get/responses/200/content/*~1*/"
    "schema/items/$ref",
    "path-item-object-query-with-querystring": "/components/pathItems/my-path-item/parameters",
    "path-item-object-two-querystrings": "/components/pathItems/my-path-item/parameters",
    "server_enum_empty": "/servers/0/variables/var/enum",
    "servers": "/servers",
    "unknown_container": "",
    "xml-attr-exclusion": "/components/schemas/Attr/xml",
    "xml-wrapped-exclusion": "/components/schemas/List/xml",
}


@pytest.mark.parametrize("path", _documents("fail"), ids=lambda p: p.stem)
def test_a_failing_document_is_an_error_at_the_place_it_tests(path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        validate(load(path))
    first, *_ = caught.value.diagnostics
    assert first.location.pointer == FIRST_ERROR[path.stem]
    for diagnostic in caught.value.diagnostics:
        assert diagnostic.location.file == path.name
        assert diagnostic.location.line is not None
        assert diagnostic.hint


def test_errors_are_reported_in_document_order() -> None:
    # The validator yields them in the hash seed's order; three schemas, three errors, always null first.
    with pytest.raises(SpecError) as caught:
        validate(load(SUITE / "fail" / "invalid_schema_types.yaml"))
    lines = [d.location.line for d in caught.value.diagnostics]
    assert lines == [10, 11, 12]
