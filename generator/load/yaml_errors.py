"""What PyYAML's messages usually mean, in words a spec author can act on.

PyYAML reports where its parser gave up in its own terms ("mapping values are not allowed
here"); each entry below pairs a fragment of such a message with the usual cause and fix.
"""

from __future__ import annotations

# (fragment of PyYAML's problem or context, what it usually means and how to fix it)
_MEANINGS = (
    (
        "mapping values are not allowed",
        "a `: ` where YAML expected no new key: usually an unquoted value that "
        "itself contains `: ` (put it in quotes), or a key indented deeper than the keys beside it",
    ),
    (
        "could not find expected ':'",
        "a line that should read `key: value` has no colon, or a value that goes on "
        "over several lines is not indented under its key",
    ),
    (
        "cannot start any token",
        "a value starts with a character YAML reserves (`@`, `` ` ``, `%`, a tab): put the "
        "value in quotes, and indent with spaces, never tabs",
    ),
    ("expected <block end>", "indentation: this line is indented differently from the other entries of its block"),
    ("found undefined alias", "`*` starts a YAML alias: put a value that begins with `*` in quotes"),
    ("while scanning a quoted scalar", "a quoted value is never closed: add the closing quote"),
    ("expected ',' or ']'", "an inline list `[...]` is not closed, or one of its values needs quotes"),
    ("expected ',' or '}'", "an inline mapping `{...}` is not closed, or one of its values needs quotes"),
    ("found unexpected end of stream", "the file ends inside an unclosed quote, `[` or `{`"),
    ("found duplicate anchor", "two nodes use the same `&anchor` name: rename one"),
)


def explain(problem: str, context: str = "") -> str:
    """The usual cause and fix of a PyYAML problem, or a general hint when it is not a known one."""
    text = f"{problem} {context}"
    meaning = next((m for fragment, m in _MEANINGS if fragment in text), "")
    return meaning or "correct the YAML syntax at that position"
