"""HTML in spec text becomes Markdown in the docs and plain text in docstrings; CommonMark stays as it is."""

from __future__ import annotations

import ast
import html
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.pipeline import package_tree
from generator.render import descriptions
from generator.render.markdown import cell, text
from generator.render.python_code import docstring
from generator.write.files import write_tree
from testdata import ROOT, STRIPE_SPEC, VENDOR_FULL_SPEC

STRIPE_LIKE = (
    '<p>Issue a credit note for a <code>status=open</code> invoice. See <a href="https://stripe.com/docs/x">the'
    " docs</a> &amp; the <strong>guide</strong>.</p>\n\n"
    "<ul>\n<li>Refund: create a new refund</li>\n<li>Credit: credit the balance</li>\n</ul>"
)


class _Tags(HTMLParser):
    """The start tags an HTML parser (a browser, roughly) finds in a Markdown page."""

    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.found: set[str] = set()
        self.feed(markdown)
        self.close()

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.found.add(tag)


def _tags(markdown: str) -> set[str]:
    return _Tags(markdown).found


def _texts(node: Any, key: str = "") -> set[str]:
    if isinstance(node, dict):
        return {t for k, v in node.items() for t in _texts(v, k)}
    if isinstance(node, list):
        return {t for v in node for t in _texts(v, key)}
    return {node} if isinstance(node, str) and key in ("description", "summary", "title") else set()


def test_stripe_like_html_becomes_markdown() -> None:
    assert text(STRIPE_LIKE) == (
        "Issue a credit note for a `status=open` invoice. See [the docs](https://stripe.com/docs/x) &amp; the"
        " **guide**.\n\n- Refund: create a new refund\n- Credit: credit the balance"
    )
    assert text('The account. <a href="/docs/connect">See Connect</a> for details.') == (
        "The account. [See Connect](/docs/connect) for details."
    )


@pytest.mark.parametrize(
    "spec", [ROOT / "spec" / "voucherify.yaml", ROOT / "spec" / "postman.yaml", VENDOR_FULL_SPEC], ids=lambda p: p.name
)
def test_commonmark_without_html_comes_out_as_before(spec: Path) -> None:
    document = json.loads(spec.read_text()) if spec.suffix == ".json" else yaml.safe_load(spec.read_text())
    plain_texts = {t for t in _texts(document) if not descriptions._elements(t)}
    assert len(plain_texts) > 50
    for value in plain_texts:
        assert descriptions.markdown(value) == html.escape(value, quote=False)  # what text() did before
        assert descriptions.plain(value) == value


def test_html_inside_commonmark_keeps_the_line_it_is_on() -> None:
    row = "| type | Transaction type. | - `CREDITS_REMOVAL` <br /> - `CREDITS_ADDITION` |"
    assert text(row) == "| type | Transaction type. | - `CREDITS_REMOVAL` <br> - `CREDITS_ADDITION` |"
    listed = "| KIND | <ul><li>**POST** [`/campaigns`](/c)</li><li>**PUT** [`/x`](/x)</li></ul> |"
    assert text(listed) == "| KIND | - **POST** [`/campaigns`](/c)<br>- **PUT** [`/x`](/x) |"
    # Neither a placeholder, another tool's component nor a tag in a code span is HTML: shown as written.
    assert text("Bearer <api_key>, `<br>`, <Note>careful</Note>") == (
        "Bearer &lt;api_key&gt;, `&lt;br&gt;`, &lt;Note&gt;careful&lt;/Note&gt;"
    )


HOSTILE = [
    "<p>Hi</p><script>alert(1)</script><style>p{}</style><iframe src='https://x'>frame</iframe>",
    'Plain text <script>alert("x")</script> too',
    '<p><a href="javascript:alert(1)">one</a> <a href=" jav&#x09;ascript:alert(2)">two</a></p>',
    '<a href="data:text/html,<script>alert(3)</script>">three</a> [four](javascript:alert(4))',
    '<p>&lt;script&gt;alert(5)&lt;/script&gt; <img src="x" alt="<b>x</b>" onerror="alert(6)"></p>',
    '<a href="x <script>alert(7)</script>">seven</a> <video src="x <script>alert(8)</script>"></video>',
    "<p>unclosed <b>bold <i>and <svg><script>alert(9)</script></svg>",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_no_live_html_or_script_link_gets_through(value: str) -> None:
    for rendered in (text(value), cell(value)):
        assert "javascript:" not in rendered and "data:" not in rendered, rendered
        assert _tags(rendered) <= {"br"}, rendered  # the one tag written on purpose


def test_scripts_styles_and_frames_are_dropped_with_their_content() -> None:
    assert text(HOSTILE[0]) == descriptions.plain(HOSTILE[0]) == "Hi"
    assert text(HOSTILE[1]) == descriptions.plain(HOSTILE[1]) == "Plain text  too"
    assert descriptions.plain(HOSTILE[2]) == "one two"  # no script address in a docstring either


def test_code_cannot_close_its_fence() -> None:
    rendered = text("<pre>```\n&lt;b&gt;x\n```</pre>")
    assert rendered == "````\n```\n<b>x\n```\n````"  # the literal `<b>` stays inside the code block


def test_table_cell_with_html_and_a_pipe() -> None:
    assert cell("<p>a | b</p><ul><li>one</li><li>two &amp; three</li></ul>") == (
        "a \\| b<br>- one<br>- two &amp; three"
    )


def test_docstring_gets_plain_text() -> None:
    source = docstring(STRIPE_LIKE + '<p><a href="javascript:alert(1)">unlinked</a> <em>ok</em></p>')
    assert ast.literal_eval(source).rstrip("\n") == (
        "Issue a credit note for a `status=open` invoice. See the docs (https://stripe.com/docs/x) & the guide.\n\n"
        "- Refund: create a new refund\n- Credit: credit the balance\n\nunlinked ok"
    )
    assert source.startswith('"""')  # still the triple-quoted literal when it can be


def test_same_output_whatever_the_hash_seed() -> None:
    program = f"from generator.render import descriptions as d; print(repr([d.markdown(t) + d.plain(t) for t in {HOSTILE!r}]))"
    runs = {
        subprocess.run(
            [sys.executable, "-c", program],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert runs == {repr([descriptions.markdown(t) + descriptions.plain(t) for t in HOSTILE]) + "\n"}


@pytest.mark.slow
def test_stripe_docs_and_docstrings_carry_no_html(tmp_path: Path) -> None:
    write_tree(package_tree(STRIPE_SPEC, "stripe"), tmp_path / "stripe")
    pages = {p: p.read_text() for p in (tmp_path / "stripe" / "docs").rglob("*.md")}
    assert len(pages) > 100
    for page, markdown in pages.items():
        assert "&lt;p&gt;" not in markdown and "&lt;a " not in markdown and "&lt;code&gt;" not in markdown, page
        assert _tags(re.sub(r"(`+)[\s\S]*?\1", "", markdown)) <= {"br"}, page  # code spans are literal
    converted = "Issue a credit note to adjust the amount of a finalized invoice. For a `status=open` invoice"
    assert any(converted in markdown for markdown in pages.values())
    for module in [tmp_path / "stripe" / "client.py", *(tmp_path / "stripe" / "types").glob("*.py")]:
        tree = ast.parse(module.read_text())
        nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
        for node in nodes:
            assert "<p>" not in (ast.get_docstring(node) or ""), f"{module.name}: {node.name}"
