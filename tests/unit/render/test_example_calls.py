"""Example calls (`render/example_calls.py`): each argument written as its parameter's type, imports included."""

from __future__ import annotations

from pathlib import Path

from conftest import MakePackage, minimal_spec, type_check_code_blocks

PARAMETERS = [
    {"name": "since", "in": "query", "required": True, "schema": {"type": "string", "format": "date-time"}},
    {"name": "day", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
    {"name": "kind", "in": "query", "required": True, "schema": {"type": "string", "enum": ["a", "b"]}},
    {"name": "ids", "in": "query", "required": True, "schema": {"type": "array", "items": {"type": "integer"}}},
    {"name": "size", "in": "query", "required": True, "schema": {"type": "number", "examples": [2]}},
]
LIST = {
    "get": {
        "operationId": "listThings",
        "parameters": PARAMETERS,
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}},
    }
}


def test_dates_enums_and_lists_are_written_as_their_types_and_type_check(
    make_package: MakePackage, tmp_path: Path
) -> None:
    module = make_package(minimal_spec(paths={"/things": LIST}), "things")
    page = (Path(str(module.__file__)).parent / "docs" / "operations" / "things.md").read_text()
    for expected in (
        "since=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)",
        "day=datetime.date(2024, 1, 2)",
        "kind=ListThingsKind.A",
        "ids=[1]",
        "size=2",
        "import datetime\n\nfrom things import ListThingsKind, ThingsClient\n",
    ):
        assert expected in page
    blocks = [b.split("```", 1)[0] for b in page.split("```python\n")[1:] if not b.startswith("def ")]
    type_check_code_blocks(blocks, tmp_path / "out")
