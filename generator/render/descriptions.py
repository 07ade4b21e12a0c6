"""Spec text with HTML in it, as Markdown for the docs and as plain text for docstrings.

Descriptions are CommonMark, whole HTML (Stripe's `<p>...</p>`), or CommonMark with a few HTML
elements (`<br />` in a table row). `html.parser` finds the HTML elements and markdownify converts
them; the text around them is left alone, so CommonMark without HTML comes out as it went in.
The Markdown never carries live HTML from the spec: text is escaped, scripts and embedded documents
are dropped, links go only to http(s), mailto or relative addresses, and the one tag written is
`<br>`, the only line break a GFM table row can hold.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

# Elements whose content is code or another document, not prose: dropped with everything inside.
_DROPPED = ("script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "video", "audio")
# The elements that make spec text HTML. Any other tag (`<api_key>`, an MDX `<Warning>`) is a
# placeholder or another tool's markup, so it stays text, escaped.
_ELEMENTS = frozenset(
    {
        *("a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div", "dl", "dt"),
        *("em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre"),
        *("q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot"),
        *("th", "thead", "tr", "tt", "u", "ul", "var", *_DROPPED),
    }
)
_VOID = frozenset({"br", "hr", "img", "embed"})  # elements without an end tag
_LINK_SCHEMES = ("", "http", "https", "mailto")


@functools.lru_cache(maxsize=4096)  # a description repeats on every model and operation that uses it
def markdown(text: str) -> str:
    """Spec text as Markdown: its HTML elements converted, everything else HTML-escaped."""
    if "<" not in text:  # no element to convert: most descriptions
        return html.escape(text, quote=False)
    return _join(text, lambda part: html.escape(part, quote=False), _markdown_element)


@functools.lru_cache(maxsize=4096)
def plain(text: str) -> str:
    """Spec text as plain text for a docstring; text without HTML elements is returned as it is."""
    if not _elements(text):
        return text
    joined = _join(text, lambda part: part, lambda fragment, _: _converters()[1](fragment))
    lines = [line.rstrip() for line in joined.strip().split("\n")]
    # One blank line between paragraphs, whatever whitespace the HTML had.
    return "\n".join(line for i, line in enumerate(lines) if line or lines[i - 1])


def _join(text: str, outside: Callable[[str], str], element: Callable[[str, bool], str]) -> str:
    """`text` with each HTML element replaced by `element(fragment, inline)`, the rest by `outside(part)`."""
    parts, done = [], 0
    for start, end in _elements(text):
        before, after = text[:start].rpartition("\n")[2], text[end:].partition("\n")[0]
        inline = bool(before.strip() or after.strip())
        parts += [outside(text[done:start]), element(text[start:end], inline)]
        done = end
    return "".join([*parts, outside(text[done:])])


def _markdown_element(fragment: str, inline: bool) -> str:
    converted = _converters()[0](fragment)
    if not inline:
        return converted
    # Markdown breaks blocks only between lines, so an element sharing its line with other text
    # (a cell of a table row) keeps to that line, its line breaks as `<br>`.
    return "<br>".join(line.strip() for line in converted.split("\n") if line.strip())


def _elements(text: str) -> tuple[tuple[int, int], ...]:
    """Where the outermost HTML elements of `text` are; ones only whitespace apart are one."""
    return tuple(_ElementFinder(text).spans) if "<" in text else ()  # most text has no tag: skip the parser


class _ElementFinder(HTMLParser):
    """Spans of the outermost HTML elements, skipping CommonMark code spans (literal text)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.spans: list[tuple[int, int]] = []
        self._open: list[str] = []
        self._start = 0
        self._line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
        self._code = _code_spans(text)
        self.feed(text)
        self.close()
        if self._open:  # an element never closed runs to the end, as in a browser
            self._add(self._start, len(text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.handle_startendtag(tag, attrs)
        elif tag in _ELEMENTS and (self._open or not self._in_code()):
            if not self._open:
                self._start = self._offset()
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ELEMENTS and not self._open and not self._in_code():
            start = self._offset()
            self._add(start, start + len(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]
            if not self._open:
                # html.parser ends an end tag at its first `>` (or at the end of the text), and so does the span.
                self._add(self._start, self.text.find(">", self._offset()) + 1 or len(self.text))

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _in_code(self) -> bool:
        offset = self._offset()
        return any(start <= offset < end for start, end in self._code)

    def _add(self, start: int, end: int) -> None:
        if self.spans and not self.text[self.spans[-1][1] : start].strip():
            start = self.spans.pop()[0]
        self.spans.append((start, end))


def _code_spans(text: str) -> list[tuple[int, int]]:
    """CommonMark code spans (and fences): a run of backticks up to the next run of the same length."""
    runs = [(m.start(), m.end()) for m in re.finditer("`+", text)]
    spans, i = [], 0
    while i < len(runs):
        start, end = runs[i]
        close = next((j for j in range(i + 1, len(runs)) if runs[j][1] - runs[j][0] == end - start), None)
        if close is None:
            i += 1
        else:
            spans.append((start, runs[close][1]))
            i = close + 1
    return spans


def _safe_url(url: object) -> str:
    """A link target that is http(s), mailto or relative, encoded to end no Markdown link early; else ''."""
    if not isinstance(url, str):
        return ""
    # Browsers skip whitespace and control characters in a URL ("java\tscript:"), so its scheme is read without them.
    bare = "".join(char for char in url if char > " " and char != "\x7f")
    try:
        scheme = urlsplit(bare).scheme.lower()
    except ValueError:  # a malformed address (an unclosed IPv6 bracket) is no link
        return ""
    return quote(bare, safe="/:?#[]@!$&'*+,;=%~") if bare and scheme in _LINK_SCHEMES else ""


def _spaced(text: str, inner: str) -> str:
    """`inner` with the space `text` had on either side (an inline element's space belongs outside it)."""
    return f"{' ' if text[:1].isspace() else ''}{inner}{' ' if text[-1:].isspace() else ''}"


@functools.cache
def _converters() -> tuple[Callable[[str], str], Callable[[str], str]]:
    """The converters to Markdown and to plain text, built on first use: importing bs4 takes 60-80 ms,
    and most specs have no HTML."""
    from bs4 import BeautifulSoup, Tag
    from markdownify import ASTERISK, ATX, STRIP, MarkdownConverter

    class _Markdown(MarkdownConverter):
        """markdownify, with text escaped, unsafe elements dropped and links checked."""

        def __init__(self, strong_em_symbol: str = ASTERISK, strip_document: str | None = STRIP) -> None:
            # The standard library's parser whatever else is installed (lxml and html5lib parse differently);
            # whitespace collapsed as a browser does, so a line of the spec never starts a Markdown block.
            super().__init__(
                bs4_options="html.parser",
                wrap=True,
                wrap_width=None,
                bullets="-",
                heading_style=ATX,
                strong_em_symbol=strong_em_symbol,
                strip_document=strip_document,
            )

        def convert_soup(self, soup: BeautifulSoup) -> str:
            for element in soup.find_all(_DROPPED):
                element.decompose()
            return super().convert_soup(soup)

        def escape(self, text: str, parent_tags: set[str]) -> str:
            # The text of an HTML element is escaped like the CommonMark around it: markup, not Markdown.
            return html.escape(text, quote=False)

        def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            href = _safe_url(el.get("href"))
            if not href or "_noformat" in parent_tags or not text.strip():
                return text
            return _spaced(text, f"[{text.strip()}]({href})")

        def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            alt, src = html.escape(str(el.get("alt") or ""), quote=False), _safe_url(el.get("src"))
            return f"![{alt}]({src})" if src else alt

        def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            return "<br>"

        def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            # A fence longer than any backtick run inside, so the code cannot close it and go on as Markdown.
            fence = "`" * max([3, *(len(run) + 1 for run in re.findall("`+", text))])
            return f"\n\n{fence}\n{text.strip(chr(10))}\n{fence}\n\n" if text.strip() else ""

    class _Plain(_Markdown):
        """The same conversion to plain text: no emphasis, links as `text (address)`, nothing escaped."""

        def __init__(self) -> None:
            super().__init__(strong_em_symbol="", strip_document=None)  # unstripped: a lone `<br>` keeps its break

        def escape(self, text: str, parent_tags: set[str]) -> str:
            return text

        def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            href = _safe_url(el.get("href"))
            if not href or href == text.strip() or "_noformat" in parent_tags or not text.strip():
                return text
            return _spaced(text, f"{text.strip()} ({href})")

        def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            return str(el.get("alt") or "")

        def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            return "\n"

        def convert_hN(self, n: int, el: Tag, text: str, parent_tags: set[str]) -> str:
            return f"\n\n{text.strip()}\n\n"

        def convert_del(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            return text

        convert_s = convert_del

    return _Markdown().convert, _Plain().convert
