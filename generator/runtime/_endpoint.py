"""One operation as the runtime sends it (`Endpoint`), its server URL and the encoding of its request body."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from ._encoding import Body, Param, form_fields, json_bytes, multipart_parts, plain, raw_bytes
from ._runtime import ResponseType
from ._streaming import StreamSpec

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class Endpoint(Generic[T]):
    """One operation as the runtime sends it: everything the spec says about its request and answers.

    `response` parses the first documented 2xx body; `responses` holds other 2xx statuses whose bodies
    differ; `security` lists the alternatives of scheme names (empty: no credentials needed); `server` is
    the operation's own server (its `servers` or its path's), absolute or relative to the client's `base_url`.
    `stream` says how a streamed answer is framed; `response` then parses one item of it.
    """

    method: str
    path: str
    response: ResponseType[T]
    params: tuple[Param, ...] = ()
    bodies: tuple[Body, ...] = ()
    responses: Mapping[str, ResponseType[Any]] = field(default_factory=dict)
    errors: Mapping[str, ResponseType[Any]] = field(default_factory=dict)
    security: tuple[tuple[str, ...], ...] = ()
    accept: str | None = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)  # constant header parameters
    server: str | None = None
    stream: StreamSpec | None = None

    def at(self, url: str) -> Endpoint[T]:
        """The same operation sent to a URL the server handed out (a `Location`)."""
        return dataclasses.replace(self, path=url, params=())


def expand_url(template: str, variables: Mapping[str, str]) -> str:
    """Fill a server URL's `{variables}`; unknown braces are left alone."""
    for name, value in variables.items():
        template = template.replace("{" + name + "}", value)
    return template.rstrip("/")


def body_spec(endpoint: Endpoint[Any], content_type: str | None) -> Body:
    for spec in endpoint.bodies:
        if content_type is None or spec.media_type == content_type:
            return spec
    return Body(media_type=content_type or "application/json", kind="json")


def _concrete(media_type: str) -> str:
    """A Content-Type for a declared media type: a wildcard range (`*/*`, `image/*`) becomes octet-stream."""
    return "application/octet-stream" if "*" in media_type else media_type


def encode_body(body: Any, spec: Body, headers: dict[str, str]) -> dict[str, Any]:
    """httpx's `content`/`files` arguments for a body in its media type; sets Content-Type where httpx does not."""
    if spec.kind == "multipart":
        data, files = multipart_parts(body, spec)
        if not files:  # httpx url-encodes `data` alone: send the text fields as parts of their own
            files, data = [(key, (None, value.encode())) for key, values in data.items() for value in values], {}
        if files:
            return {"data": data, "files": files}  # httpx writes the boundary into Content-Type
        headers["Content-Type"] = spec.media_type
        return {"content": b""}
    headers["Content-Type"] = _concrete(spec.media_type)
    if spec.kind == "form":
        return {"content": urlencode(form_fields(body, spec)).encode()}
    if spec.kind in ("binary", "text"):
        return {"content": raw_bytes(body[1] if isinstance(body, tuple) else body)}
    return {"content": json_bytes(body)}


def flagged(body: Any, flag: str) -> dict[str, Any]:
    """A JSON body (a model or plain data) with its boolean property `flag` set: the call asks for the stream."""
    return {**(plain(body) or {}), flag: True}
