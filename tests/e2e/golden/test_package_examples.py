"""Every example of a generated package, in its README and its reference docs, type-checks with `mypy --strict`
and runs against a local mock of its spec: openapi-core (the validating server) finds each request it sends valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conformance import generate, load_spec
from importing import imported
from validating_server import ValidatingServer

from conftest import ROOT, type_check_code_blocks
from generator.render.endpoint_views import credentials
from testdata import DATA

SPECS = {
    "voucherify": ROOT / "spec" / "voucherify.yaml",
    "postman": ROOT / "spec" / "postman.yaml",
    "github": DATA / "third_party" / "github" / "api.github.com.excerpt.json",
}
# How long an example's `wait(timeout=300)` may take here: the mock answers each status at once.
WAIT = "timeout=10"


def examples(package: Path) -> list[str]:
    """The ```python blocks of the package's README and docs, but the signatures (`def name(...) -> T: ...`)."""
    pages = [package / "README.md", *sorted((package / "docs").rglob("*.md"))]
    blocks = [b.split("```", 1)[0] for page in pages for b in page.read_text().split("```python\n")[1:]]
    return [block for block in blocks if not block.startswith("def ")]


@pytest.mark.parametrize("package", list(SPECS))
def test_every_example_type_checks_and_sends_valid_requests(
    package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = generate(SPECS[package], tmp_path, package)
    blocks = examples(tmp_path / package)
    readme = (tmp_path / package / "README.md").read_text()
    assert len(blocks) >= 2 * sum(len(g.operations) for g in api.groups) + readme.count("```python\n")
    type_check_code_blocks(blocks, tmp_path)
    for credential in credentials(api):
        monkeypatch.setenv(credential.env_var, "secret")
    clients = re.compile(rf"\b({api.client_name}|{api.async_client_name})\(")
    with ValidatingServer(load_spec(SPECS[package])) as server, imported(tmp_path, package) as module:
        for block in blocks:
            code = clients.sub(lambda m: f"{m.group(1)}(base_url={server.url!r}, ", block).replace("timeout=300", WAIT)
            before = len(server.verdicts)
            try:
                exec(compile(code, "<example>", "exec"), {"__name__": "example"})
            except module.UnexpectedActionError:
                # The mock answers every poll with the spec's one example of an action, of whatever type: a
                # handle waiting for another type gets it. What the example sent is still checked below.
                assert "handle.wait(" in block
            except module.APIStatusError:
                pass  # the mock said why (a 400 with the validator's errors): the verdicts below show it
            except module.APIError as error:
                # A stateless mock answers every page alike: the spec's example `Link` header points at the real
                # host (not followed), or the next page is the one before (a loop, stopped). Not the example's fault.
                mock = isinstance(error, module.PaginationLoopError) or "refusing to follow 'https://" in str(error)
                assert mock and "for item in" in block, error
            sent = server.verdicts[before:]
            assert all(v.valid for v in sent), f"{block}\n" + "\n".join(f"{v.request_line}: {v.errors}" for v in sent)
            if "with " in block:  # a call made with the client, not only its construction
                assert sent, f"{block} sent nothing"
