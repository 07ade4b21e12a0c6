"""Limits on the shape of a document, checked while it loads, so that a small hostile file can neither
hang the generator nor crash it.

YAML aliases: `*a` repeats the node anchored `&a` without copying it, so a 1 KB file can stand for
10**9 nodes ("billion laughs", or its merge-key twin `<<: *a`), or for an endless one when an alias sits
inside its own anchor. Every later stage walks the document as a tree, so the tree it stands for is
measured right after composing, in one pass over the distinct nodes, before anything is built.

Depth: libyaml composes recursively in C (100,000 nested `[` crash the interpreter), the JSON decoder
raises RecursionError near 1,000 levels, and validation recurses several frames per level.
"""

from __future__ import annotations

import re
import sys
from itertools import accumulate
from typing import Any

import yaml

# Nesting levels of a document. Real specs nest at most ~30 (Stripe 26, Voucherify 20); every later stage
# handles 120 (60 inline objects in one another).
MAX_DEPTH = 100
# Nodes of a document read as a tree, aliases expanded. Stripe's 2.5 MB have 94,000, so this is room for
# a spec of several hundred MB (Microsoft Graph, 35 MB, has about 1.5 million).
MAX_NODES = 10_000_000

DEPTH_FIX = "flatten the structure: move the nested schemas into `components/schemas` and refer to them with `$ref`."


class LimitExceeded(Exception):
    """A document over a limit: what is wrong, at which mark (a PyYAML mark, or a text offset for JSON)."""

    def __init__(self, message: str, fix: str, mark: Any = None, offset: int | None = None) -> None:
        super().__init__(message)
        self.message, self.fix, self.mark, self.offset = message, fix, mark, offset


def check_tree(root: yaml.Node) -> None:
    """Raise LimitExceeded when the composed YAML `root` is too deep, too big or endless, its aliases expanded."""
    # (nodes, levels) of the expanded tree of each collection node finished; scalars count as (1, 1).
    done: dict[int, tuple[int, int]] = {}
    on_path: set[int] = {id(root)}
    stack = [(root, *_collections(root))]
    while stack:
        node, todo, size, height = stack[-1]
        if todo:
            child = todo.pop()
            key = id(child)
            if key in on_path:
                raise LimitExceeded(
                    "this YAML anchor is used (`*alias`) inside the node it names, so the document never ends.",
                    "write the repetition out, or express the recursion with a `$ref` instead of a YAML alias.",
                    child.start_mark,
                )
            if key not in done:
                if len(stack) >= MAX_DEPTH:
                    raise LimitExceeded(_too_deep(), DEPTH_FIX, child.start_mark)
                on_path.add(key)
                stack.append((child, *_collections(child)))
                continue
            child_size, child_height = done[key]
            if len(stack) + child_height > MAX_DEPTH:
                raise LimitExceeded(_too_deep(), DEPTH_FIX, child.start_mark)
            stack[-1] = (node, todo, size + child_size, max(height, child_height + 1))
            continue
        stack.pop()
        on_path.discard(id(node))
        if size > MAX_NODES:
            raise LimitExceeded(
                f"with its YAML aliases (`*name`) expanded, this node stands for more than {MAX_NODES:,} nodes.",
                "write the repeated parts once, under `components`, and refer to them with `$ref`s.",
                node.start_mark,
            )
        done[id(node)] = (size, height)
        if stack:
            parent, todo, parent_size, parent_height = stack[-1]
            stack[-1] = (parent, todo, parent_size + size, max(parent_height, height + 1))


def _collections(node: yaml.Node) -> tuple[list[yaml.Node], int, int]:
    """The collection nodes in `node` (to visit), and the size and height of `node` counting its scalars only."""
    if isinstance(node, yaml.MappingNode):
        parts = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        parts = node.value
    else:
        return [], 1, 1
    todo = [part for part in parts if part.__class__ is not yaml.ScalarNode]
    return todo, 1 + len(parts) - len(todo), 2 if len(todo) < len(parts) else 1


def _too_deep() -> str:
    return f"the document nests more than {MAX_DEPTH} levels deep here."


# What can open a level of YAML: a flow bracket, or (at the start of a line) indentation and the block
# indicators `- `, `? `, `: `. The depth is bounded from these alone, loosely but in C: a document under
# the bound is composed at once (libyaml's recursion is safe far beyond it, and `check_tree` then enforces
# MAX_DEPTH exactly), one over it is first parsed event by event, which takes no recursion.
_SAFE_TO_COMPOSE = 5_000
_DEEP_BLOCK = re.compile(rf"^[ \t\-?:]{{{_SAFE_TO_COMPOSE // 4}}}", re.MULTILINE)
_FLOW = re.compile(r"[\[\]{}]")


def check_yaml_depth(text: str, loader: type[yaml.SafeLoader]) -> None:
    """Raise LimitExceeded where the YAML `text` nests deeper than MAX_DEPTH, if it might be too deep to compose."""
    flow = text.count("[") + text.count("{")
    if flow > _SAFE_TO_COMPOSE // 2:  # many brackets: their nesting, not their number
        flow = max(accumulate(1 if b in "[{" else -1 for b in _FLOW.findall(text)))
    if flow <= _SAFE_TO_COMPOSE // 2 and not _DEEP_BLOCK.search(text):
        return
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise LimitExceeded(_too_deep(), DEPTH_FIX, event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def loads_json(text: str, decode: Any) -> Any:
    """`decode(text)` (json.loads) with the decoder's recursion capped at MAX_DEPTH levels."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_frames() + MAX_DEPTH + 10)
    try:
        return decode(text)
    except RecursionError:
        raise LimitExceeded(_too_deep(), DEPTH_FIX, offset=_json_too_deep_at(text)) from None
    finally:
        sys.setrecursionlimit(limit)


def _frames() -> int:
    frame, count = sys._getframe(), 0
    while frame is not None:
        frame, count = frame.f_back, count + 1  # type: ignore[assignment]
    return count


def _json_too_deep_at(text: str) -> int:
    """The offset of the first bracket of `text` past MAX_DEPTH levels (brackets inside strings skipped)."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif bracket in "]}":
            depth -= 1
    return 0
