"""The package README (`render/readme_views.py`): sections for what the API has, its names, its examples typed."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from conftest import ROOT, MakePackage, minimal_spec, type_check_code_blocks
from generator.config import Release

THING = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
GET_THING = {
    "get": {
        "operationId": "getThing",
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": THING}}}},
    }
}
EVENTS = {
    "get": {
        "operationId": "streamEvents",
        "responses": {"200": {"description": "ok", "content": {"text/event-stream": {"itemSchema": THING}}}},
    }
}


def _sections(readme: str) -> list[str]:
    return re.findall(r"^## (.+)$", readme, flags=re.MULTILINE)


def _readme(module: object) -> str:
    return (Path(str(getattr(module, "__file__", ""))).parent / "README.md").read_text()


def test_a_small_api_gets_the_sections_it_has_and_no_others(make_package: MakePackage, tmp_path: Path) -> None:
    spec = minimal_spec(paths={"/things/{id}": GET_THING, "/events": EVENTS})
    spec["openapi"] = "3.2.0"
    readme = _readme(make_package(spec, "things"))
    assert _sections(readme) == [
        "Installation", "Authentication", "First call", "Errors", "Retries and timeouts", "Streaming",
        "Raw responses", "Logging", "Client options", "Building and publishing",
    ]  # fmt: skip
    assert "The API's operations need no credentials." in readme
    assert "client.things.get_thing" in readme or "client.things.get(" in readme  # the IR's name, whichever it is
    assert "pip install things" in readme and "the default name, the package's" in readme
    blocks = [b.split("```", 1)[0] for b in readme.split("```python\n")[1:]]
    type_check_code_blocks(blocks, tmp_path / "out")  # where make_package writes the package


def test_a_chosen_name_and_version_are_the_readme_s(make_package: MakePackage) -> None:
    spec = minimal_spec(paths={"/things/{id}": GET_THING})
    module = make_package(spec, "things", release=Release("acme-things", "2.0.1"))
    readme = _readme(module)
    assert "pip install acme-things" in readme and "User-Agent: acme-things/2.0.1 python/" in readme
    sent = importlib.import_module("things._base_client").USER_AGENT  # what the client sends
    assert sent.startswith("acme-things/2.0.1 python/")
    assert "the default name" not in readme


def test_our_packages_show_their_credentials_pages_async_work_and_webhooks() -> None:
    voucherify = (ROOT / "generated" / "voucherify" / "README.md").read_text()
    assert {"Pagination", "Waiting for async work", "Webhooks"} <= set(_sections(voucherify))
    assert "| `app_token=` | `VOUCHERIFY_APP_TOKEN` |" in voucherify and "handle.wait(timeout=300)" in voucherify
    postman = (ROOT / "generated" / "postman" / "README.md").read_text()
    assert "accepted.wait(timeout=300)" in postman and "Webhooks" not in _sections(postman)


def test_spec_text_cannot_inject_markup_or_break_out_of_a_heading(make_package: MakePackage) -> None:
    spec = minimal_spec(paths={"/things/{id}": GET_THING})
    spec["info"] = {"title": "Evil <script>alert(1)</script>\n## Injected", "version": "1", "description": "<b>x</b>"}
    readme = _readme(make_package(spec, "things", filename="evil ```name.yaml"))
    assert "<script>" not in readme and "Injected" not in _sections(readme)
    assert readme.splitlines()[0].startswith("# Evil") and "**x**" in readme
    assert "sdk-generator generate SPEC --out sdk" in readme  # a file name unsafe in a shell block is not written
