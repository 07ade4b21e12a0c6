"""Stage 3b, pagination recognised from a list operation's shape, where the spec does not declare it.

Only shapes real APIs use, and only where one reading is possible (else nothing is detected and
`x-pagination` can say it):

- a `Link` response header: RFC 8288 `rel="next"` URLs (GitHub);
- a `has_more` flag with a `starting_after`/`after` parameter: the last item's `id` (Stripe);
- a token parameter (`cursor`, `marker`, `page_token`, a string `offset` or `page`...) sent back from the
  answer's field that carries the next one, at any depth (`next_marker`, `meta.next_cursor`, `cursor.next`,
  `next_page.offset`), or from a `...Next...` response header;
- a `next` URL property, at any depth (`links.next`);
- an integer `page` with `per_page`/`page_size`/`limit`, or an integer `offset` with `limit`.

A string `offset` or `page` is a token the server hands out, never a number to count up: with no field
or header carrying the next one, the operation is not paged at all (its method returns the page as is).
The items are the answer itself when it is an array, else its one array property (or the one named
`data`, `items`, `results`...).
"""

from __future__ import annotations

from generator import ir
from generator.ir.build_models import SchemaBuilder

_ITEM_NAMES = ("data", "items", "results", "records", "entries", "values", "elements", "list")
_HAS_MORE = ("has_more", "hasMore", "has_next", "hasNext")
_AFTER = ("starting_after", "after")
_NEXT_TOKENS = (
    "next_cursor", "nextCursor", "next_page_token", "nextPageToken", "next_token", "nextToken", "next_marker",
    "nextMarker",
)  # fmt: skip
_TOKEN_PARAMS = (
    "cursor", "page_token", "pageToken", "marker", "next_token", "nextToken", "after", "starting_after", "offset",
    "page",
)  # fmt: skip
_NEXT_URLS = ("next", "next_url", "nextUrl", "next_page_url", "nextPageUrl", "next_page", "nextPage")
_NEXT_HOLDERS = ("next_page", "nextPage", "next")  # `next_page: {offset: ...}` holds the parameter's next value
_CURSOR_HOLDERS = ("cursor", "cursors")  # `cursor: {next: ...}`, `paging: {cursors: {after: ...}}`
_LINK_HOLDERS = ("links", "_links")  # `links.next` is a URL even when the operation has a token parameter
_SIZES = ("per_page", "perPage", "page_size", "pageSize", "limit", "size")
_DEPTH = 3  # how deep the answer's nested objects are searched for the next token


def _plain(t: ir.TypeExpr | None) -> ir.TypeExpr | None:
    while isinstance(t, ir.Nullable):
        t = t.inner
    return t


def _leaves(schemas: SchemaBuilder, fields: list[ir.Field], skip: str, depth: int = _DEPTH) -> dict[str, str]:
    """The dotted paths of the primitive properties under `fields` (not under `skip`, the items), by type."""
    found: dict[str, str] = {}
    for f in fields:
        t = _plain(f.type)
        if f.wire_name == skip:
            continue
        if isinstance(t, ir.Primitive):
            found[f.wire_name] = t.name
        elif depth > 1 and t is not None and len(models := schemas.models_of(t)) == 1:
            nested = _leaves(schemas, list(models[0].fields), "", depth - 1)
            found.update({f"{f.wire_name}.{path}": name for path, name in nested.items()})
    return found


def _parent(path: str) -> str:
    return path.rpartition(".")[0].rpartition(".")[2]


def _is_next_token(path: str, parameter: str) -> bool:
    leaf, parent = path.rpartition(".")[2], _parent(path)
    return (
        leaf in _NEXT_TOKENS
        or (leaf == parameter and parent in _NEXT_HOLDERS)
        or (leaf in ("next", "after") and parent in _CURSOR_HOLDERS)
    )


def _is_next_url(path: str) -> bool:
    return path.split(".")[-1] in _NEXT_URLS


def _one(found: list[str]) -> str | None:
    return found[0] if len(found) == 1 else None


def detect(schemas: SchemaBuilder, op: ir.Operation) -> ir.Pagination | None:
    """How `op` pages, when its GET answer and parameters show it unambiguously; None otherwise."""
    success = op.success
    if op.method != "GET" or success is None or success.type is None:
        return None
    query = {p.wire_name: _plain(p.type) for p in op.parameters if p.location == "query"}
    numbers = {name for name, t in query.items() if t in (ir.Primitive("int"), ir.Primitive("float"))}
    body, fields = _plain(success.type), []
    if isinstance(body, ir.ListOf):
        items, item_type = "", body.item
    else:
        models = schemas.models_of(body) if body is not None else []
        if len(models) != 1:
            return None
        fields = list(models[0].fields)
        arrays = [f.wire_name for f in fields if isinstance(_plain(f.type), ir.ListOf)]
        named = [name for name in arrays if name in _ITEM_NAMES]
        if len(named) != 1 and len(arrays) != 1:
            return None
        items = named[0] if len(named) == 1 else arrays[0]
        item_type = next(_plain(f.type).item for f in fields if f.wire_name == items)  # type: ignore[union-attr]
    leaves = _leaves(schemas, fields, items)
    has_more = _one([path for path, t in leaves.items() if t == "bool" and path.split(".")[-1] in _HAS_MORE])
    strings = [path for path, t in leaves.items() if t == "str"]
    found = []
    if "link" in (h.lower() for h in success.headers):
        found.append(ir.Pagination(items, None, None, None, "link_header", True))
    after = next((name for name in _AFTER if name in query), None)
    item_fields = {f.wire_name for m in schemas.models_of(item_type) for f in m.fields}
    if has_more and after and "id" in item_fields:
        found.append(ir.Pagination(items, has_more, after, "id", "item_cursor", True))
    param = next((n for n in _TOKEN_PARAMS if n in query and n not in numbers), None)
    tokens = [path for path in strings if param and _is_next_token(path, param)]
    headers = [h for h in success.headers if "next" in h.lower() and h.lower() != "link"]
    urls = [path for path in strings if _is_next_url(path)]
    if param and tokens:
        found += [ir.Pagination(items, has_more, param, token, "body_cursor", True) for token in tokens]
    elif param and headers:
        found += [ir.Pagination(items, has_more, param, header, "header_cursor", True) for header in headers]
    elif param and (token := _one([p for p in urls if _parent(p) not in _LINK_HOLDERS])):
        # A `next_page` is a token when there is a parameter to send it back in (Stripe's search `page`).
        found.append(ir.Pagination(items, has_more, param, token, "body_cursor", True))
    elif next_url := _one(urls):
        found.append(ir.Pagination(items, has_more, None, next_url, "next_url", True))
    if not found:  # counters only where nothing in the answer says how to go on, and only over numbers
        if "page" in numbers and any(size in query for size in _SIZES):
            found.append(ir.Pagination(items, has_more, "page", None, "page_number", True))
        if "offset" in numbers and "limit" in query:
            found.append(ir.Pagination(items, has_more, "offset", None, "offset", True))
    return found[0] if len(found) == 1 else None
