"""Stage 3b, resources and method names read from URL paths, for specs whose tags do not group operations.

The static segments of a path name its resource, nested as the path nests them, a version prefix left
out: `/v1/accounts/{account}/bank_accounts/{id}` is `accounts.bank_accounts`. The method is the REST verb
of the collection/item pattern, or the last segment for an action on an item:

    GET  /v1/customers                  customers.list        POST /v1/customers            customers.create
    GET  /v1/customers/{customer}       customers.get         POST /v1/customers/{customer} customers.update
    DELETE /v1/customers/{customer}     customers.delete      GET  /v1/customers/search     customers.search
    POST /v1/invoices/{invoice}/pay     invoices.pay          GET  /v1/balance              balance.get

A path that ends in a static segment is a collection when an item path lies under it or its name is a
plural (not in lowerCamelCase: `addFollowers` is an action); else an action on the resource before it when
it is that path's only operation and no path lies under it; else a singleton (`get`, `update`, `delete`;
`create` for a POST without a GET). A PUT beside a PATCH (or a POST on an item) is `replace`. Each
operation's name depends on the paths near it only, so adding an operation elsewhere renames nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from generator.ir.names import words

_VERSION = re.compile(r"^v\d+([._-]?\d+)*([a-z]+\d*)?$", re.IGNORECASE)  # v1, v2.1, v1beta1
_COLLECTION_VERBS = {"get": "list", "post": "create", "put": "update", "patch": "update", "delete": "delete"}
_ITEM_VERBS = {"get": "get", "post": "update", "put": "update", "patch": "update", "delete": "delete"}


@dataclass(frozen=True)
class Placement:
    """Where an operation goes: its resource (raw path segments, outermost first) and its method name."""

    resource: tuple[str, ...]
    method: str


def is_version(segment: str) -> bool:
    """Whether a path segment is an API version (`v1`, `v2.1`, `v1beta1`): no resource."""
    return bool(_VERSION.match(segment))


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _segments(path: str) -> list[str]:
    """The path's segments, without empty ones, a leading version (`v1`) or a `#fragment`."""
    parts = [s for s in path.split("#", 1)[0].split("/") if s]
    return parts[1:] if parts and _VERSION.match(parts[0]) else parts


def _static(segments: list[str]) -> tuple[str, ...]:
    return tuple(s for s in segments if not _is_param(s))


def _plural(segment: str) -> bool:
    """Whether a segment names a collection by its form: a plural, not in lowerCamelCase (`addFollowers`,
    `findByTags`: a verb leads those)."""
    if segment[:1].islower() and len(words(segment)) > 1 and segment.isalnum():
        return False
    last = re.split(r"[_\-.]", segment)[-1].lower()
    return last.endswith("s") and not last.endswith("ss")


def place(routes: Sequence[tuple[str, str]]) -> list[Placement]:
    """The placement of each `(path, method)` of `routes`, in order (methods in lower case)."""
    shapes = {path: _segments(path) for path, _ in routes}
    methods_at: dict[str, set[str]] = {}
    for path, method in routes:
        methods_at.setdefault(path, set()).add(method)
    items: set[tuple[str, ...]] = set()  # static prefixes followed by a parameter somewhere
    deeper: set[tuple[str, ...]] = set()  # static prefixes with something after them
    for segments in shapes.values():
        for i, segment in enumerate(segments[1:], start=1):
            prefix = _static(segments[:i])
            if prefix and _is_param(segment) and not _is_param(segments[i - 1]):
                items.add(prefix)
            deeper.add(prefix)
    placements = []
    for path, method in routes:
        segments = shapes[path]
        names = _static(segments)
        if "#" in path:  # a fragment tells an operation apart from others on its path: it names it
            placements.append(Placement(names or ("root",), _fragment_name(path.split("#", 1)[1])))
        elif not names:  # `/` or `/{id}`: the client itself has no resource, so a `root` one holds it
            placements.append(Placement(("root",), _ITEM_VERBS.get(method, method) if segments else method))
        elif _is_param(segments[-1]):
            placements.append(Placement(names, _ITEM_VERBS.get(method, method)))
        elif names in items or _plural(names[-1]):
            placements.append(Placement(names, _COLLECTION_VERBS.get(method, method)))
        elif len(names) > 1 and len(methods_at[path]) == 1 and names not in deeper:
            verb = names[-1] if method in ("get", "post") else f"{method}_{names[-1]}"
            placements.append(Placement(names[:-1], verb))
        else:
            single = "create" if method == "post" and "get" not in methods_at[path] else None
            placements.append(Placement(names, single or _ITEM_VERBS.get(method, method)))
    # Where another method of its path updates (PATCH, or POST on an item), PUT replaces: named so, as
    # Kubernetes' client names it, rather than both `update`.
    placed = list(zip(routes, placements, strict=True))
    updating = {path for (path, method), p in placed if p.method == "update" and method != "put"}
    placed = [
        (
            (path, method),
            Placement(p.resource, "replace") if method == "put" and p.method == "update" and path in updating else p,
        )
        for (path, method), p in placed
    ]
    return _apart_by_method(placed)


def _fragment_name(fragment: str) -> str:
    """The method a path's fragment names: its value when it is `key=value` (AWS's `/#Action=DescribeInstances`
    is `describe_instances`, not `action_describe_instances`), else the whole fragment."""
    key, _, value = fragment.partition("=")
    return value if value and key.isidentifier() and value.replace("-", "_").isidentifier() else fragment


def _apart_by_method(placed: list[tuple[tuple[str, str], Placement]]) -> list[Placement]:
    """Placements with twins told apart by what differs, their HTTP method: one path's operations that would
    share a name (AWS's query APIs declare every action as a GET and as a POST) keep it for the GET (else the
    first), the others get their method after it (`describe_instances_post`) rather than a counter."""
    keeper: dict[tuple[str, Placement], str] = {}
    for (path, method), p in placed:
        if (path, p) not in keeper or method == "get":
            keeper[(path, p)] = method
    return [
        p if keeper[(path, p)] == method else Placement(p.resource, f"{p.method}_{method}")
        for (path, method), p in placed
    ]
