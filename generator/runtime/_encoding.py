"""How argument values go on the wire: OpenAPI parameter styles and request-body media types.

Values are first made JSON-like (models dumped by wire name, enums by value,
dates as ISO text), then laid out by `style`/`explode` as OpenAPI 3 defines them
(https://spec.openapis.org/oas/v3.1.0#style-values). Form and multipart bodies
are handed to httpx's own encoders; only the styles are written here.
"""

from __future__ import annotations

import datetime
import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel

# Characters `allowReserved` leaves unescaped (RFC 3986 reserved set).
RESERVED = ":/?#[]@!$&'()*+,;="
DEFAULT_STYLES = {"path": "simple", "query": "form", "querystring": "form", "header": "simple", "cookie": "form"}
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}
_FORM = "application/x-www-form-urlencoded"
_SCALARS = frozenset({str, int, float, type(None)})  # already plain: the common case, checked first


class Omit:
    """The type of `omit`, the default of every optional parameter: an argument left out is not sent, where
    `None` is sent as null (for a parameter whose schema admits null). Falsy, like openai-python's."""

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "omit"


omit = Omit()


@dataclass(frozen=True, kw_only=True)
class Param:
    """One parameter of an operation: the argument it comes from and how it is serialized."""

    name: str  # the method argument
    wire: str  # the name on the wire
    location: str  # path, query, querystring (OpenAPI 3.2: the whole query), header or cookie
    style: str = ""  # "" is the location's default
    explode: bool | None = None  # None is the style's default (true for form, false otherwise)
    allow_reserved: bool = False
    content: str | None = None  # a parameter defined by `content`: its media type (JSON)
    nullable: bool = False  # its schema admits null: `None` is sent (empty, or JSON `null`), not left out

    @property
    def exploded(self) -> bool:
        """Whether arrays and objects are spread over several name/value pairs."""
        return self.explode if self.explode is not None else (self.style or DEFAULT_STYLES[self.location]) == "form"


@dataclass(frozen=True, kw_only=True)
class PartEncoding:
    """The `encoding` of one property of a form or multipart body."""

    content_type: str | None = None
    style: str = "form"
    explode: bool | None = None
    allow_reserved: bool = False

    @property
    def exploded(self) -> bool:
        """Whether arrays and objects are spread over several name/value pairs (form: yes, by default)."""
        return self.explode if self.explode is not None else self.style == "form"


@dataclass(frozen=True, kw_only=True)
class Body:
    """A request body media type: `kind` is json, form, multipart, binary or text."""

    media_type: str
    kind: str
    encoding: Mapping[str, PartEncoding] = field(default_factory=dict)


def plain(value: Any, python: bool = False) -> Any:
    """`value` as JSON-like data: models by wire name without unset fields, enums by value.

    With `python`, file contents (bytes, file objects) inside models are kept as they are.
    """
    if type(value) in _SCALARS:
        return value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="python" if python else "json", by_alias=True, exclude_unset=True)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, Mapping):
        return {k: plain(v, python) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and not (python and _is_file_tuple(value)):
        return [plain(v, python) for v in value]
    return value


def text(value: Any) -> str:
    """A scalar as it appears in a parameter: booleans lower-case, None empty."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.datetime, datetime.date, enum.Enum)):
        return str(plain(value))
    return str(value)


def _escape(value: str, allow_reserved: bool = False) -> str:
    return quote(value, safe=RESERVED if allow_reserved else "")


def _segment(value: str) -> str:
    """A value escaped for a path; `.` and `..` as `%2E`, `%2E%2E`, which no client or server resolves
    as dot segments (a literal `..` would send the request one level up the path)."""
    escaped = _escape(value)
    return escaped.replace(".", "%2E") if escaped in (".", "..") else escaped


def _pairs(value: Any) -> list[tuple[str, Any]]:
    """The key/value pairs of an object, or the indexed items of an array."""
    return list(value.items()) if isinstance(value, dict) else [(str(i), v) for i, v in enumerate(value)]


def _deep(prefix: str, value: Any) -> list[tuple[str, str]]:
    """`deepObject`: `filter[junction]=and`, nested objects and arrays as further brackets (`expand[0]=a`)."""
    if isinstance(value, (dict, list)):
        return [pair for key, item in _pairs(value) for pair in _deep(f"{prefix}[{key}]", item)]
    return [(prefix, text(value))]


def _joined(value: Any, delimiter: str, exploded_object: bool = False) -> str:
    """An array or object in one value: `a,b` / `k,v,k2,v2` / with `exploded_object`, `k=v,k2=v2`."""
    if isinstance(value, dict):
        if exploded_object:
            return delimiter.join(f"{k}={text(v)}" for k, v in value.items())
        return delimiter.join(f"{k}{delimiter}{text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return delimiter.join(text(v) for v in value)
    return text(value)


def query_pairs(param: Param | PartEncoding, name: str, value: Any) -> list[tuple[str, str]]:
    """The unescaped name/value pairs of a query, cookie or form field (styles form, spaceDelimited,
    pipeDelimited, deepObject)."""
    if isinstance(param, Param) and param.content is not None:
        return [(name, _content_value(param.content, value))]
    return _styled_pairs(param, name, plain(value))


def _styled_pairs(param: Param | PartEncoding, name: str, value: Any) -> list[tuple[str, str]]:
    """`query_pairs` of a value that is already plain data."""
    style = param.style or "form"
    exploded = param.exploded
    if style == "deepObject":
        return _deep(name, value)
    delimiter = _DELIMITERS.get(style, ",")
    if isinstance(value, dict):
        if exploded:
            return [(str(k), text(v)) for k, v in value.items()]
        return [(name, _joined(value, delimiter))]
    if isinstance(value, list):
        if exploded:
            return [(name, text(v)) for v in value]
        return [(name, _joined(value, delimiter))]
    return [(name, text(value))]


def query_string(pairs: list[tuple[str, str]], allow_reserved: frozenset[str] = frozenset()) -> str:
    """Pairs as a URL query; values of the names in `allow_reserved` keep their reserved characters."""
    return "&".join(f"{quote(k, safe='[]')}={_escape(v, k in allow_reserved)}" for k, v in pairs)


def path_value(param: Param, value: Any) -> str:
    """A path parameter in its style: simple `a,b`, label `.a.b`, matrix `;id=a,b`; already escaped.

    Path parameters are required: None (`TypeError`) and a value that leaves the segment empty (`ValueError`)
    are refused, as the request would go to another resource than the one named.
    """
    if value is None:
        raise TypeError(f"{param.name} is required: a path parameter cannot be None")
    value = plain(value)
    style, exploded = param.style or "simple", param.exploded
    if isinstance(value, (dict, list)):
        escaped: Any = (
            {_segment(str(k)): _segment(text(v)) for k, v in value.items()}
            if isinstance(value, dict)
            else [_segment(text(v)) for v in value]
        )
    else:
        escaped = _segment(text(value))
    if escaped in ("", [], {}):
        raise ValueError(f"{param.name} must not be empty: it is a path parameter")
    if style == "label":
        return "." + _joined(escaped, "." if exploded else ",", exploded)
    if style == "matrix":
        if isinstance(escaped, dict) and exploded:
            return "".join(f";{k}={v}" for k, v in escaped.items())
        if isinstance(escaped, list) and exploded:
            return "".join(f";{param.wire}={v}" for v in escaped)
        return f";{param.wire}" + ("" if escaped == "" else "=" + _joined(escaped, ","))
    return _joined(escaped, ",", exploded)


def _content_value(media_type: str, value: Any) -> str:
    """A parameter defined by `content`: JSON for a JSON media type, else the value as text."""
    if "json" in media_type:
        return json.dumps(plain(value), separators=(",", ":"))
    return text(plain(value))


def querystring_value(param: Param, value: Any) -> str:
    """An `in: querystring` parameter (OpenAPI 3.2), the whole query string, escaped: by its media type, a
    form's fields as `name=value` pairs, anything else (JSON) as one escaped text."""
    media_type = param.content or _FORM
    if media_type == _FORM:
        return query_string(form_fields(value, Body(media_type=_FORM, kind="form")))
    return _escape(_content_value(media_type, value))


def header_value(param: Param, value: Any) -> str:
    """A header parameter (style simple): `a,b`, `k,v` or exploded `k=v`."""
    if param.content is not None:
        return _content_value(param.content, value)
    return _joined(plain(value), ",", param.exploded)


# --- Request bodies ------------------------------------------------------------


def _is_content(value: Any) -> bool:
    return type(value) in (bytes, bytearray) or hasattr(value, "read")


def _is_file_tuple(value: Any) -> bool:
    return type(value) is tuple and 2 <= len(value) <= 3 and _is_content(value[1])


def is_file(value: Any) -> bool:
    """Whether `value` is file content: bytes, a binary file object, or `(filename, content[, type])`."""
    return _is_file_tuple(value) if type(value) is tuple else _is_content(value)


def json_bytes(value: Any) -> bytes:
    """A JSON body."""
    return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=False).encode()


_NO_ENCODING = PartEncoding()


def form_fields(body: Any, spec: Body) -> list[tuple[str, str]]:
    """An `application/x-www-form-urlencoded` body as name/value pairs, each property in its `encoding`."""
    fields: list[tuple[str, str]] = []
    items = body.items() if isinstance(body, Mapping) else (plain(body) or {}).items()
    for key, value in items:
        if value is None:
            continue
        if type(value) is str and key not in spec.encoding:
            fields.append((key, value))  # the common case, without the machinery
            continue
        value, encoding = plain(value), spec.encoding.get(key, _NO_ENCODING)
        if encoding.content_type is not None and "json" in encoding.content_type:
            fields.append((key, json.dumps(value, separators=(",", ":"))))
        else:
            fields.extend(_styled_pairs(encoding, key, value))
    return fields


def _file_part(name: str, value: Any, content_type: str | None) -> tuple[str, Any]:
    if _is_file_tuple(value):
        return (name, value)
    filename = getattr(value, "name", None)
    filename = filename.rsplit("/", 1)[-1] if isinstance(filename, str) else name
    return (name, (filename, value, content_type or "application/octet-stream"))


def multipart_parts(body: Any, spec: Body) -> tuple[dict[str, list[str]], list[tuple[str, Any]]]:
    """A `multipart/form-data` body as httpx's `data` and `files`: text fields (scalars, arrays of scalars
    as repeated fields) in `data`; files (arrays of files as repeated parts) and objects (JSON parts, or
    any part with its own `contentType`) in `files`."""
    data: dict[str, list[str]] = {}
    files: list[tuple[str, Any]] = []
    items = body.items() if isinstance(body, Mapping) else (plain(body, python=True) or {}).items()
    for key, value in items:
        if value is None:
            continue
        if type(value) is str and key not in spec.encoding:
            data.setdefault(key, []).append(value)  # the common case, without the machinery
            continue
        value = plain(value, python=True)
        content_type = spec.encoding[key].content_type if key in spec.encoding else None
        items = value if isinstance(value, list) and any(is_file(v) for v in value) else [value]
        for item in items:
            if is_file(item):
                files.append(_file_part(key, item, content_type))
            elif (
                content_type is not None
                or isinstance(item, dict)
                or (isinstance(item, list) and any(isinstance(v, (dict, list)) for v in item))
            ):
                payload = item if type(item) is str else json.dumps(plain(item), separators=(",", ":"))
                files.append((key, (None, payload.encode(), content_type or "application/json")))
            else:
                data.setdefault(key, []).extend(text(v) for v in (item if isinstance(item, list) else [item]))
    return data, files


def raw_bytes(body: Any) -> Any:
    """A binary or text body: bytes, str (UTF-8) or a file object, as httpx `content`."""
    if isinstance(body, str):
        return body.encode()
    if hasattr(body, "read") and not isinstance(body, (bytes, bytearray)):
        return body.read()
    return bytes(body)
