"""Stage 1c, overlays: apply OpenAPI Overlay documents to a loaded spec, in order, before it is validated.

A spec we do not own (a vendor's) gets our extensions (`x-async-action`, `x-poll`, `x-pagination`, ...) from an
overlay beside it, so the vendor's file stays untouched. Targets are RFC 9535 JSONPath queries, evaluated by
`jsonpath-rfc9535`. `update` merges as the Overlay Specification says (objects recursively, arrays appended,
primitives replaced; `null` leaves an object or array as it is), `remove` removes, `copy` (1.1) merges another
node of the spec in.

Every node an action inserts is mounted on the document (`Document.mounts`), so a later diagnostic about it
points at the overlay line that put it there; everything else still points at the spec's own lines.

Bounded work on any input: a query is at most MAX_QUERY characters and descends (`..`) at most once (two
descents cost the document's size squared), the regular expressions of a query's filters get REGEX_SECONDS in all, and
the document may not grow past `limits.MAX_NODES` (a `copy` of the root into itself doubles it each time).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import regex  # type: ignore[import-untyped]  # no stubs; only `fullmatch`, `search` and `error` are used
from iregexp_check import check
from jsonpath_rfc9535 import JSONPathEnvironment, JSONPathError, JSONPathNode
from jsonpath_rfc9535.function_extensions import ExpressionType, FilterFunction
from jsonpath_rfc9535.function_extensions._pattern import map_re  # I-Regexp to `regex` syntax, as the library does
from jsonpath_rfc9535.lex import tokenize
from jsonpath_rfc9535.tokens import TokenType

from generator.errors import Diagnostic, Severity, SpecError
from generator.load import limits
from generator.load.document import Document, join_pointer
from generator.load.overlay_document import Action, read_overlay

MAX_QUERY = 1_000
MAX_DESCENTS = 1
REGEX_SECONDS = 2.0


class _RegexTooSlow(Exception):
    """A filter's `match` or `search` ran out of time."""


class _Bounded(FilterFunction):
    """RFC 9535's `match` (whole string) or `search`, within a time budget shared by one query's calls: an
    I-Regexp can still backtrack, and a filter runs it on every node it visits."""

    arg_types = [ExpressionType.VALUE, ExpressionType.VALUE]  # noqa: RUF012 - the library's base class declares it so
    return_type = ExpressionType.LOGICAL

    def __init__(self, whole: bool, budget: list[float]) -> None:
        self.find = regex.fullmatch if whole else regex.search
        self.budget = budget  # [seconds left], shared with the other function and reset for each query

    def __call__(self, string: object, pattern: object) -> bool:
        if not isinstance(string, str) or not isinstance(pattern, str) or not check(pattern):
            return False
        started = time.monotonic()
        try:
            found = self.find(map_re(pattern), string, timeout=max(self.budget[0], 0.001))
        except regex.error:
            found = None
        except TimeoutError:
            raise _RegexTooSlow from None
        self.budget[0] -= time.monotonic() - started
        if self.budget[0] <= 0:
            raise _RegexTooSlow
        return found is not None


class _Environment(JSONPathEnvironment):
    def __init__(self) -> None:
        self.budget = [REGEX_SECONDS]
        super().__init__()

    def setup_function_extensions(self) -> None:
        super().setup_function_extensions()
        self.function_extensions["match"] = _Bounded(whole=True, budget=self.budget)
        self.function_extensions["search"] = _Bounded(whole=False, budget=self.budget)


_JSONPATH = _Environment()


def apply_overlays(doc: Document, files: Sequence[Path], warnings: list[Diagnostic], strict: bool = False) -> Document:
    """`doc` with the overlays in `files` applied in order (the same document when there are none).

    A target that matches nothing is a warning, an error when `strict`.
    """
    if not files:
        return doc
    applier = _Applier(doc)
    for path in files:
        overlay = read_overlay(path, warnings)
        for action in overlay.actions:
            applier.apply(overlay.document, action, warnings, strict)
    return Document(doc.name, doc.text, applier.data, (*applier.mounts, *doc.mounts))


class _Applier:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.data = copy.deepcopy(doc.data)
        self.mounts: list[tuple[str, Document, str]] = []  # newest first: a later action's node wins
        self.size = _size(self.data)

    def apply(self, overlay: Document, action: Action, warnings: list[Diagnostic], strict: bool) -> None:
        nodes = self.select(overlay, action.target, f"{action.at}/target")
        if not nodes:
            found = Diagnostic(
                Severity.ERROR if strict else Severity.WARNING,
                overlay.locate(f"{action.at}/target"),
                f"the target {action.target!r} matches nothing in {self.doc.name}, so the action changes nothing.",
                "correct the query, or delete the action if the spec no longer has what it changed.",
            )
            if strict:
                raise SpecError([found])
            warnings.append(found)
            return
        if action.kind == "remove":
            self.remove(overlay, action, nodes)
            return
        value, source, source_at = action.value, overlay, action.value_at
        if action.kind == "copy":
            sources = self.select(overlay, action.value, action.value_at)
            if len(sources) != 1:
                raise overlay.error(
                    action.value_at,
                    f"`copy` must select exactly one node of {self.doc.name}; it selects {len(sources)}.",
                    "narrow the query to the one node to copy.",
                )
            self.refuse_past_limit(
                self.size + _size(sources[0].value) * len(nodes), overlay, action.at
            )  # before copying
            value, source_at = copy.deepcopy(sources[0].value), join_pointer(*sources[0].location)
            source = Document(self.doc.name, self.doc.text, None, (*self.mounts, *self.doc.mounts))
        kinds = {_kind(node.value) for node in nodes}
        if len(kinds) > 1:
            raise overlay.error(
                f"{action.at}/target",
                f"the target selects {' and '.join(sorted(kinds))}: an update applies to one kind of node.",
                "narrow the query so that it selects only objects, only arrays or only primitive values.",
            )
        # A copy's problems are the `copy` field's; an update's are where in its value they arise.
        blame = None if action.kind == "update" else action.value_at
        for node in nodes:
            pointer = join_pointer(*node.location)
            merged = self.merge(node.value, value, pointer, (source, source_at), overlay, blame)
            if merged is not node.value:
                node.value = merged  # a primitive replaced: written into its parent

    def select(self, overlay: Document, query: str, at: str) -> list[JSONPathNode]:
        """The nodes of the document `query` selects; a malformed or unbounded query is an error at `at`."""
        if len(query) > MAX_QUERY:
            raise overlay.error(at, f"the query is longer than {MAX_QUERY} characters.", "shorten it.")
        try:
            descents = sum(token.type_ is TokenType.DOUBLE_DOT for token in tokenize(query))
            compiled = _JSONPATH.compile(query)
        except JSONPathError as error:
            raise overlay.error(
                at,
                f"not a JSONPath query (RFC 9535): {error}.",
                "correct the query, e.g. $.paths['/vouchers'].post or $.paths.*[?@.operationId == 'x'].",
            ) from None
        except RecursionError:
            raise overlay.error(at, "the query nests too deeply.", "simplify it.") from None
        if descents > MAX_DESCENTS:
            raise overlay.error(
                at,
                f"the query descends (`..`) {descents} times; each descent multiplies the work by the spec's size.",
                "descend once, and name the rest of the path (`$..[?@.operationId == 'x']`).",
            )
        _JSONPATH.budget[0] = REGEX_SECONDS
        try:
            return list(compiled.find(self.data))
        except _RegexTooSlow:
            raise overlay.error(
                at,
                f"the regular expressions of the query took more than {REGEX_SECONDS:g} s.",
                "simplify it: no nested repetitions such as (a+)+.",
            ) from None
        except JSONPathError as error:
            raise overlay.error(at, f"the query cannot be evaluated: {error}.", "simplify it.") from None

    def merge(
        self, target: Any, value: Any, pointer: str, source: tuple[Document, str], overlay: Document, blame: str | None
    ) -> Any:
        """`value` merged into `target` (at `pointer` in the spec): `target` itself when merged in place."""
        document, at = source
        if isinstance(target, dict) and isinstance(value, dict):
            for key, item in value.items():
                step = join_pointer(key)
                if key in target:
                    target[key] = self.merge(target[key], item, pointer + step, (document, at + step), overlay, blame)
                else:
                    target[key] = self.insert(item, pointer + step, (document, at + step), overlay)
            return target
        if isinstance(target, list) and value is not None:
            items = value if isinstance(value, list) else [value]
            for index, item in enumerate(items):
                where = (document, f"{at}/{index}") if isinstance(value, list) else source
                target.append(self.insert(item, f"{pointer}/{len(target)}", where, overlay))
            return target
        if isinstance(target, (dict, list)) and value is None:
            return target
        if isinstance(value, (dict, list)) or isinstance(target, (dict, list)):
            raise overlay.error(
                blame or at,
                f"merges {_one(value)} into {_one(target)} (at {pointer or '/'} of "
                f"{self.doc.name}): the Overlay Specification merges objects into objects and replaces primitives.",
                "give a value of the same kind as the node it updates.",
            )
        self.mounts.insert(0, (pointer, document, at))
        return value

    def insert(self, value: Any, pointer: str, source: tuple[Document, str], overlay: Document) -> Any:
        """A copy of `value`, new at `pointer`, located where it came from."""
        self.grow(_size(value), overlay, source[1])
        self.mounts.insert(0, (pointer, *source))
        return copy.deepcopy(value)

    def grow(self, nodes: int, overlay: Document, at: str) -> None:
        self.size += nodes
        self.refuse_past_limit(self.size, overlay, at)

    def refuse_past_limit(self, size: int, overlay: Document, at: str) -> None:
        if size > limits.MAX_NODES:
            raise overlay.error(
                at,
                f"with this action the spec would have more than {limits.MAX_NODES:,} nodes.",
                "copy or update less: an action that copies a node into itself doubles the spec each time.",
            )

    def remove(self, overlay: Document, action: Action, nodes: list[JSONPathNode]) -> None:
        removals: dict[tuple[int, int | str], tuple[Any, int | str]] = {}
        for node in nodes:
            if node.parent is None:
                raise overlay.error(
                    f"{action.at}/target", "`remove` cannot remove the document itself.", "target less."
                )
            pointer = join_pointer(*node.location)
            self.mounts = [m for m in self.mounts if m[0] != pointer and not m[0].startswith(pointer + "/")]
            removals[(id(node.parent.value), node.location[-1])] = (node.parent.value, node.location[-1])
        # Array items last to first, so that the indices still name the items selected.
        for container, key in sorted(removals.values(), key=_array_index, reverse=True):
            del container[key]


def _array_index(removal: tuple[Any, int | str]) -> int:
    return removal[1] if isinstance(removal[1], int) else -1


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "objects"
    if isinstance(value, list):
        return "arrays"
    return "primitive values"


def _one(value: object) -> str:
    return {"objects": "an object", "arrays": "an array"}.get(_kind(value), "a primitive value")


def _size(value: object) -> int:
    """The nodes of a value as a tree."""
    count, todo = 0, [value]
    while todo:
        node = todo.pop()
        count += 1
        if isinstance(node, dict):
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return count
