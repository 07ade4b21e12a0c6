"""Stage 3b, how a tagged spec's operations are named: whether its tags are worth following, and the method
names within each tag.

Tags are followed unless they do not partition the operations usefully (`fallback`): fewer than half of the
operations have a tag, one tag covers every tagged operation (`client.open_ai.create_chat_completion`), or, in
a spec of four operations or more, no tag holds two. Then resources come from the paths, as in an untagged spec.

Within a tag, methods get the REST names of their paths (`rest_names`: `list`, `get`, `create`, `update`,
`delete`, actions), and the path's resources after the tag's own segment are resources nested in the tag's
(tag `Tasks`: `GET /tasks/{id}/subtasks` is `tasks.subtasks.list`). Two operations that would then share a
name in one resource are told apart by what the path scopes them to (`GET /projects/{id}/tasks` is
`tasks.list_for_project` beside `GET /tasks`), else by their operationId's name (`method_name`). An operation
the spec names (`x-python-method`) keeps that name, in its tag's own resource; one whose method has no REST
name (QUERY, COPY) is named by its operationId.

A tag whose operationIds name its methods better keeps them, all of them, in the tag's resource (Voucherify's
`update-vouchers-in-bulk` is `vouchers.update_in_bulk`, where `POST /vouchers/bulk/async` would be
`vouchers.bulk.async_`): "better" is measured, as fewer awkward names (`awkward`) than the REST names would
give that tag; on a tie, the REST names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from generator.ir.names import Identifier, words
from generator.ir.read_extensions import read_method_name
from generator.ir.rest_names import Placement, is_version
from generator.validate import view

Key = tuple[str, ...]  # a resource: its tags' names or its path's segments, outermost first
_REST_VERBS = {"get", "post", "put", "patch", "delete"}
_AWKWARD = re.compile(r"^(post|put|patch|delete|head|options|trace)_|^get_id|_$")


class Named(NamedTuple):
    """Where one operation goes and what its method is called."""

    key: Key
    name: Identifier


def fallback(routes: Sequence[view.Operation]) -> str | None:
    """Why the spec's tags do not partition its operations usefully (so resources come from paths), or None."""
    tags = Counter(first_tag(route) for route in routes if route.spec.get("tags"))
    if not tags:
        return "no operation has a tag"
    if 2 * sum(tags.values()) < len(routes):
        return f"{len(routes) - sum(tags.values())} of {len(routes)} operations have no tag"
    if len(tags) == 1:
        return f"one tag ({next(iter(tags))!r}) covers every operation"
    if len(routes) >= 4 and max(tags.values()) == 1:
        return "no tag holds more than one operation"
    return None


def name_in_tags(
    routes: Sequence[view.Operation], placements: Sequence[Placement], nesting: dict[str, Key]
) -> tuple[list[Named], list[str]]:
    """Each route's resource and method name, in order; and the tags named from their operationIds."""
    by_tag: dict[str, list[int]] = {}
    for i, route in enumerate(routes):
        by_tag.setdefault(first_tag(route), []).append(i)
    named: dict[int, Named] = {}
    from_ids = []
    for tag, indices in by_tag.items():
        own = nesting.get(tag, (tag,))
        ids = {
            i: Named(own, read_method_name(routes[i].spec) or method_name(routes[i].operation_id, tag)) for i in indices
        }
        rest = _rest_names(routes, placements, indices, tag, own)
        if awkward(ids.values()) < awkward(rest.values()):
            named.update(ids)
            from_ids.append(tag)
        else:
            named.update(rest)
    return [named[i] for i in range(len(routes))], from_ids


def awkward(named: Iterable[Named]) -> int:
    """How many names read badly: led by an HTTP verb other than GET or by `get_id` (a path read as a name), a
    keyword made safe (`async_`), or one another method of its resource has too (it would get a counter)."""
    names = list(named)
    repeats = len(names) - len({(n.key, n.name) for n in names})
    return repeats + sum(1 for n in names if _AWKWARD.search(n.name))


def _rest_names(
    routes: Sequence[view.Operation], placements: Sequence[Placement], indices: list[int], tag: str, own: Key
) -> dict[int, Named]:
    """REST names for a tag's operations, told apart where two would share one (see the module's docstring)."""
    named: dict[int, Named] = {}
    scopes: dict[int, str] = {}
    for i in indices:
        explicit = read_method_name(routes[i].spec)
        resource = placements[i].resource
        # The tag's own segment, or its parent tag's (OpenAPI 3.2: `toys` in `pets`), where the path names it.
        at = max((j for j in range(len(resource)) if any(_names_tag(resource[: j + 1], t) for t in own)), default=None)
        sub = tuple(s for s in (resource if at is None else resource[at + 1 :]) if not is_version(s))
        if at:
            scopes[i] = _singular(Identifier(resource[at - 1]))
        if explicit:
            named[i] = Named(own, explicit)
        elif routes[i].method not in _REST_VERBS and routes[i].spec.get("operationId"):  # no REST name: QUERY, COPY
            named[i] = Named(own + sub, method_name(routes[i].operation_id, tag))
        else:
            named[i] = Named(own + sub, Identifier(placements[i].method))
    # Told apart: each of a shared name by its scope where no other has that scope, then all but the first by
    # their operationId.
    shared = Counter(named.values())
    scoped = Counter((named[i], scopes.get(i)) for i in indices)
    for i in indices:
        if shared[named[i]] > 1 and i in scopes and scoped[named[i], scopes[i]] == 1:
            _rename(named, i, Identifier(f"{named[i].name}_for_{scopes[i]}"), shared)
    shared, seen = Counter(named.values()), set()
    for i in indices:
        if shared[named[i]] > 1 and named[i] in seen and routes[i].spec.get("operationId"):
            _rename(named, i, method_name(routes[i].operation_id, tag), shared)
        seen.add(named[i])
    return named


def _rename(named: dict[int, Named], i: int, name: Identifier, taken: Counter[Named]) -> None:
    """Name operation `i` `name` unless another of its resource has that name already."""
    if Named(named[i].key, name) not in taken:
        named[i] = Named(named[i].key, name)


def first_tag(route: view.Operation) -> str:
    """The tag an operation is grouped by: its first."""
    return str((route.spec.get("tags") or ["default"])[0])  # `tags: []` is no tag


def _names_tag(segments: Key, tag: str) -> bool:
    """Whether the last segments name the tag (`async-actions` for `Async Actions`, `pet` for `Pets`, `users` then
    `mailFolders` for `users.mailFolders`)."""
    wanted = _singular(Identifier(tag))
    return any(_singular(Identifier("_".join(segments[start:]))) == wanted for start in range(len(segments)))


def _singular(name: str) -> str:
    """`projects` -> `project`, `repositories` -> `repository`; a name not plural as it is."""
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def method_name(operation_id: str, tag: str) -> Identifier:
    """`list-async-actions` in tag `Async Actions` -> `list`; keeps the full name if nothing is left."""
    op_words = [w.lower() for w in words(operation_id)]
    tag_words = [w.lower() for w in words(tag)]
    for form in (tag_words, [*tag_words[:-1], tag_words[-1].rstrip("s")] if tag_words else []):
        for start in range(len(op_words) - len(form) + 1):
            if form and op_words[start : start + len(form)] == form and len(form) < len(op_words):
                return Identifier("_".join(op_words[:start] + op_words[start + len(form) :]))
    return Identifier(operation_id)
