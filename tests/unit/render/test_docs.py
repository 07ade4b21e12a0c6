"""The generated reference docs: complete against the seeds, links that resolve, tables that hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, MakePackage, minimal_spec, type_check_code_blocks
from testdata import SEEDS

DOCS = {name: ROOT / "generated" / name / "docs" for name in ("voucherify", "postman")}
LINK = re.compile(r"(?<!\\)\[[^\]]*\]\(([^)\s]+)\)")


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors, computed independently of the generator."""
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, flags=re.MULTILINE):
        anchor = "".join(c for c in heading.strip().lower() if c.isalnum() or c in "-_ ").replace(" ", "-")
        anchors.add(anchor)
    return anchors


def _pages() -> list[Path]:
    return [*sorted(p for docs in DOCS.values() for p in docs.rglob("*.md")), ROOT / "README.md"]


def test_every_relative_link_and_anchor_resolves() -> None:
    checked = 0
    for page in _pages():
        text = page.read_text()
        for target in LINK.findall(text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            assert linked.is_file(), f"{page.relative_to(ROOT)} links to missing {target}"
            if anchor:
                assert anchor in _anchors(linked.read_text()), f"{page.relative_to(ROOT)}: no heading for {target}"
            checked += 1
    assert checked > 300


def test_readme_links_each_index() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in DOCS:
        assert f"(generated/{name}/docs/index.md)" in readme


def _entry(docs: Path, title: str) -> str:
    """The section documenting one type or operation: from its `## title` heading to the next entry's."""
    for page in sorted(docs.rglob("*.md")):
        text = page.read_text()
        start = text.find(f"\n## {title}\n")
        if start >= 0:
            end = text.find("\n## ", start + 1)
            return text[start : end if end >= 0 else None]
    raise AssertionError(f"{docs}: no section documents {title}")


def _seed_000_types() -> dict[str, set[str]]:
    """Each async action type of seed 000 and the attribute names its result table documents."""
    seed = (SEEDS / "voucherify-async-action-object.txt").read_text()
    result_cell = seed.split("| result |", 1)[1].split("\n", 1)[0]
    blocks = re.split(r"<h2>([A-Z_.]+)</h2>", result_cell)[1:]
    return {
        blocks[i]: set(re.findall(r'<tr><td style="text-align:left">(\w+)</td>', blocks[i + 1]))
        for i in range(0, len(blocks), 2)
    }


def test_async_action_docs_cover_seed_000() -> None:
    union = _entry(DOCS["voucherify"], "AsyncAction")
    types = _seed_000_types()
    assert len(types) == 22
    for action_type, fields in types.items():
        start = union.index(f"\n### {action_type}\n")
        following = re.search(r"\n### (?!" + re.escape(action_type) + r")", union[start + 1 :])
        section = union[start : start + 1 + following.start()] if following else union[start:]
        missing = [f for f in fields if f"`{f}`" not in section]
        assert not missing, f"{action_type}: the docs do not list {missing}"
    attributes = ["id", "type", "status", "result", "created_at", "updated_at", "request_id", "processing_time",
                  "progress", "object"]  # fmt: skip
    variant = _entry(DOCS["voucherify"], "SkusImportCsvAction")
    assert all(f"| `{a}` |" in variant for a in attributes)
    status = _entry(DOCS["voucherify"], "AsyncActionStatus")
    assert all(f"| `{s}` |" in status for s in ("ENQUEUED", "IN_PROGRESS", "DONE", "FAILED"))


SEED_001_PAGES = {
    "GetStatusOfAnAsyncTask": "AsyncTask",
    "GetStatusOfAnAsyncTaskMeta": "AsyncTaskMeta",
    "MetaModel": "TaskModel",
    "Action": "TaskAction",
    "GetStatusOfAnAsyncTaskStatus": "AsyncTaskStatus",
    "Details": "TaskDetails",
    "Details1": "TaskResources",
    "Details1Resources": "TaskResource",
    "Details2": "TaskError",
    "Error": "TaskErrorDetail",
}


def test_task_status_docs_cover_seed_001() -> None:
    seed = (SEEDS / "postman-async-task-status.md").read_text()
    sections = re.split(r"^# (\w+)$", seed, flags=re.MULTILINE)[1:]
    checked = 0
    for name, body in zip(sections[::2], sections[1::2], strict=True):
        page = _entry(DOCS["postman"], SEED_001_PAGES[name])
        intro = body.strip().split("\n")[0]
        if intro and not intro.startswith("**"):
            assert intro in page, f"{name}: description missing"
        for row in re.findall(r"^\| (\S+)\s+\| [^|]+\| [^|]+\| ([^|]*)\|$", body, flags=re.MULTILINE):
            field, description = row[0], row[1].strip().strip('"')
            if field == "Name" or field.startswith(":"):
                continue
            assert f"`{field}`" in page, f"{name}.{field} missing"
            if description and description != field:
                assert description in page, f"{name}.{field}: {description!r} missing"
            checked += 1
    assert checked == 21  # every attribute and value row of seed 001
    assert "*Enum*" in _entry(DOCS["postman"], "TaskModel")  # not a "Properties" table


def test_operation_pages_show_request_auth_responses_and_examples() -> None:
    page = _entry(DOCS["voucherify"], "async_actions.get")
    for expected in ("`GET /v1/async-actions/{asyncActionId}`", "| `async_action_id` | `asyncActionId` | path",
                     "`X-App-Token`", "`VOUCHERIFY_APP_TOKEN`", "raises `NotFoundError`",
                     "client.async_actions.wait(", "await client.async_actions.get("):  # fmt: skip
        assert expected in page
    create = _entry(DOCS["postman"], "apis.versions.create")
    assert "| `Accept` | `application/vnd.api.v10+json` |" in create and "accepted.wait(" in create


def test_doc_examples_type_check(tmp_path: Path) -> None:
    pages = [page.read_text() for docs in DOCS.values() for page in sorted((docs / "operations").glob("*.md"))]
    blocks = [
        block.split("```", 1)[0]
        for text in pages
        for heading in ("### Example", "### Async example")
        for block in text.split(f"{heading}\n\n```python\n")[1:]
    ]
    assert len(blocks) == 2 * 22  # sync and async, for each operation of the two specs
    type_check_code_blocks(blocks, tmp_path)
    # Every method has its signature as the client declares it: the 21 operations, and wait/handle.
    signatures = [b.split("```", 1)[0] for text in pages for b in text.split("### Signature\n\n```python\n")[1:]]
    assert len(signatures) == 22 + 3  # and async_actions.wait, async_actions.handle, tasks.wait
    assert any("-> Page[AsyncActionSummary]" in s for s in signatures)
    assert any("-> ActionHandle[VouchersImportCsvAction]" in s for s in signatures)


def _table_widths(markdown: str) -> set[int]:
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    return {len(re.split(r"(?<!\\)\|", row)) for row in rows}


@pytest.mark.parametrize("docs", list(DOCS.values()), ids=list(DOCS))
def test_tables_have_one_width_per_table(docs: Path) -> None:
    for page in docs.rglob("*.md"):
        for table in re.split(r"\n\n", page.read_text()):
            if table.startswith("|"):
                assert len(_table_widths(table)) == 1, f"{page}: a row breaks its table"


def test_hostile_descriptions_cannot_break_tables_or_inject_html(make_package: MakePackage) -> None:
    description = "first | second\nnext line <script>alert(1)</script> [x](javascript:alert(1)) `a|b`"
    spec = minimal_spec(
        {
            "Thing": {
                "type": "object",
                "description": description,
                "properties": {"v": {"type": "string", "description": description, "examples": ["a|b\nc"]}},
            }
        }
    )
    package = make_package(spec, package="hostile_docs")
    page = _entry(Path(package.__file__).parent / "docs", "Thing")
    assert "<script>" not in page and "alert(1)" not in page  # the script is dropped, its link defused
    assert "javascript:" not in page
    table = page[page.index("| Python name") :]
    assert len(_table_widths(table)) == 1
    assert "first \\| second<br>next line" in table
