"""Stage 3b, pagination recognised from a list operation's shape, where the spec does not declare it.

Only shapes real APIs use, and only where one reading is possible (else nothing is detected and
`x-pagination` can say it):

- a `Link` response header: RFC 8288 `rel="next"` URLs (GitHub);
- a `has_more` flag with a `starting_after`/`after` parameter: the last item's `id` (Stripe);
- a `next_cursor`-like property with a `cursor`-like parameter;
- a `next` URL property;
- `page` with `per_page`/`page_size`/`limit`, or `offset` with `limit`.

The items are the answer itself when it is an array, else its one array property (or the one named
`data`, `items`, `results`...).
"""

from __future__ import annotations

from generator import ir
from generator.ir.build_models import SchemaBuilder

_ITEM_NAMES = ("data", "items", "results", "records", "entries", "values", "elements", "list")
_HAS_MORE = ("has_more", "hasMore", "has_next", "hasNext")
_AFTER = ("starting_after", "after")
_NEXT_CURSORS = ("next_cursor", "nextCursor", "next_page_token", "nextPageToken", "next_token", "nextToken")
_CURSOR_PARAMS = ("cursor", "page_token", "pageToken", "next_token", "nextToken", "after", "starting_after")
_NEXT_URLS = ("next", "next_url", "nextUrl", "next_page_url", "nextPageUrl", "next_page", "nextPage")
_SIZES = ("per_page", "perPage", "page_size", "pageSize", "limit", "size")


def _plain(t: ir.TypeExpr | None) -> ir.TypeExpr | None:
    while isinstance(t, ir.Nullable):
        t = t.inner
    return t


def _named(fields: dict[str, ir.Field], names: tuple[str, ...], *types: str) -> str | None:
    """The first of `names` that is a property of one of the primitive `types`."""
    for name in names:
        t = _plain(fields[name].type) if name in fields else None
        if isinstance(t, ir.Primitive) and t.name in types:
            return name
    return None


def detect(schemas: SchemaBuilder, op: ir.Operation) -> ir.Pagination | None:
    """How `op` pages, when its GET answer and parameters show it unambiguously; None otherwise."""
    success = op.success
    if op.method != "GET" or success is None or success.type is None:
        return None
    query = {p.wire_name: p for p in op.parameters if p.location == "query"}
    body, fields = _plain(success.type), {}
    if isinstance(body, ir.ListOf):
        items, item_type = "", body.item
    else:
        models = schemas.models_of(body) if body is not None else []
        if len(models) != 1:
            return None
        fields = {f.wire_name: f for f in models[0].fields}
        arrays = [name for name, f in fields.items() if isinstance(_plain(f.type), ir.ListOf)]
        named = [name for name in arrays if name in _ITEM_NAMES]
        if len(named) != 1 and len(arrays) != 1:
            return None
        items = named[0] if len(named) == 1 else arrays[0]
        item_type = _plain(fields[items].type).item  # type: ignore[union-attr]
    has_more = _named(fields, _HAS_MORE, "bool")
    found = []
    if "link" in (h.lower() for h in success.headers):
        found.append(ir.Pagination(items, None, None, None, "link_header", True))
    after = next((name for name in _AFTER if name in query), None)
    item_fields = {f.wire_name for m in schemas.models_of(item_type) for f in m.fields}
    if has_more and after and "id" in item_fields:
        found.append(ir.Pagination(items, has_more, after, "id", "item_cursor", True))
    # A `next_page` is a cursor when there is a parameter to send it back in (Stripe's search `page`), else a URL.
    cursor = _named(fields, _NEXT_CURSORS + _NEXT_URLS, "str")
    params = [n for n in _CURSOR_PARAMS if n in query]
    params += ["page"] if "page" in query and _plain(query["page"].type) == ir.Primitive("str") else []
    param = params[0] if params else None
    if cursor and param:
        found.append(ir.Pagination(items, has_more, param, cursor, "body_cursor", True))
    elif next_url := _named(fields, _NEXT_URLS, "str"):
        found.append(ir.Pagination(items, has_more, None, next_url, "next_url", True))
    if not found:  # counters only where nothing in the answer says how to go on
        if "page" in query and any(size in query for size in _SIZES):
            found.append(ir.Pagination(items, has_more, "page", None, "page_number", True))
        if "offset" in query and "limit" in query:
            found.append(ir.Pagination(items, has_more, "offset", None, "offset", True))
    return found[0] if len(found) == 1 else None
