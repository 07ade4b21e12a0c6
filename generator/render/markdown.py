"""Markdown fragments from spec text: escaped so that a spec cannot inject HTML or break a table.

Spec descriptions are Markdown and stay Markdown (emphasis, code, links); HTML elements in
them become Markdown (`descriptions.py`), any other markup is escaped, script links are
defused, and table cells get `|` escaped and newlines turned into `<br>`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from generator.render import descriptions

_SCRIPT_LINK = re.compile(r"\]\(\s*(?:javascript|data|vbscript):[^)]*\)", re.IGNORECASE)


def text(value: str) -> str:
    """A Markdown block from spec text: HTML converted to Markdown, other markup escaped, links to scripts removed."""
    return _SCRIPT_LINK.sub("](#)", descriptions.markdown(value.strip()))


def cell(value: str) -> str:
    """Spec text for one table cell: like `text`, on one line, with `|` escaped."""
    lines = [line.strip() for line in text(value).splitlines()]
    return "<br>".join(line for line in lines if line).replace("|", "\\|")


def code(value: Any) -> str:
    """A JSON value as inline code, safe in a table cell."""
    rendered = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=False)
    rendered = rendered.replace("\n", " ").replace("|", "\\|")
    fence = "``" if "`" in rendered else "`"
    pad = " " if rendered.startswith("`") or rendered.endswith("`") else ""
    return f"{fence}{pad}{rendered}{pad}{fence}"


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    kept = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return kept.replace(" ", "-")
