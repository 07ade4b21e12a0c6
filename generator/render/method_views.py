"""Stage 4a, what one resource method is in each mode (sync, async): the data `client_views.py` decides and the
templates print, and what both modes of an operation share (`Shape`)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.render.client_context import FailedErrorView
from generator.render.constants import Code, Constant
from generator.render.needs import NOTHING, Needs


@dataclass(frozen=True)
class Mode:
    """Sync or async: what differs between the two renderings of one source."""

    prefix: str  # of the runtime's class names: `AsyncPage`, `AsyncAPIClient`
    kind: str
    def_: str
    await_: str
    http_client: str


SYNC = Mode(prefix="", kind="sync", def_="def", await_="", http_client="httpx.Client")
ASYNC = Mode(prefix="Async", kind="async", def_="async def", await_="await ", http_client="httpx.AsyncClient")
MODES = (SYNC, ASYNC)


@dataclass(frozen=True)
class MethodView:
    """One resource method in one mode: signature, return hint, docstring, body lines."""

    name: str
    signature: str
    returns: str
    docstring: str
    body: tuple[Code, ...]  # lines, the constants they name written once the module has named them
    decorator: str = ""  # `Operation`: callable, with `.with_raw_response` and `.with_streaming_response`
    def_: str = "def"  # `async def` for a method that sends requests on the async client
    text: str = ""  # the docstring's text, for the docs
    needs: Needs = NOTHING  # what its signature, return hint and body name from other modules
    failed_errors: tuple[FailedErrorView, ...] = ()  # the wait errors it raises (classes of client.py)


@dataclass(frozen=True)
class Shape:
    """What both modes of one operation share: its parameters, the call's arguments, the return hint."""

    signature: str  # without the per-call options
    keywords: bool
    endpoint: Constant
    arguments: str  # `{"limit": limit}`
    body: str  # `, body=body, content_type=content_type`, or ""
    returns: str
    signature_needs: Needs
    returns_needs: Needs
