"""Runtime support shared by the generated models: base model, open enums, tagged unions, file
content, and the parsers of response bodies."""

from __future__ import annotations

import contextlib
import email.utils
import enum
import math
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Annotated, Any, Generic, TypeVar, cast

from pydantic import BaseModel, ConfigDict, PlainValidator, TypeAdapter

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class APIModel(BaseModel):
    """Base of every generated model.

    Unknown keys are kept (and dumped again), fields are set by their Python name
    or their wire name, and `model_dump(mode="json", by_alias=True,
    exclude_unset=True)` gives back the JSON a model was parsed from.
    """

    # No protected namespaces: a spec may well have a property called `model_name`. `populate_by_name`
    # (not 2.11's `validate_by_name`) so names work on every pydantic the package allows (>=2.5).
    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())


class OpenStrEnum(str, enum.Enum):
    """A string enum that accepts values it does not list.

    An unknown value (one the server added later) becomes a member of its own:
    it keeps its value, dumps back unchanged and equals no listed member.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    def __str__(self) -> str:
        return str(self.value)


class OpenIntEnum(int, enum.Enum):
    """An integer enum that accepts values it does not list (see `OpenStrEnum`)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"VALUE_{value}"
        member._value_ = value
        return member


def tag_by(
    *, wire_name: str, attribute: str, tags: dict[str, str], fallback: str | None
) -> Callable[[Any], str | None]:
    """A pydantic discriminator: maps the tag property's value to a variant, unknown values to `fallback`."""

    def choose(value: Any) -> str | None:
        raw = value.get(wire_name) if isinstance(value, dict) else getattr(value, attribute, None)
        if isinstance(raw, enum.Enum):
            raw = raw.value
        return tags.get(raw, fallback) if isinstance(raw, str) else fallback

    return choose


def _file_input(value: Any) -> Any:
    if isinstance(value, str):  # a binary string inside JSON
        return value.encode()
    if isinstance(value, (bytes, bytearray, tuple)) or hasattr(value, "read"):
        return value
    raise ValueError("expected file content: bytes, a binary file object, or (filename, content[, content_type])")


if TYPE_CHECKING:
    FileContent = bytes | IO[bytes]
    FileInput = FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str]
else:
    # File content (`format: binary`): bytes, a binary file object, or (filename, content[, content_type]).
    FileInput = Annotated[Any, PlainValidator(_file_input)]


class ResponseType(Generic[T_co]):
    """Parses a response body into `T`; `kind` is json, text (str), binary (bytes) or empty (None).

    `T` is given as `target`, a function that returns it, so the client module imports no
    model until a response needs one; the pydantic validator is built then too.
    """

    def __init__(self, *, target: Callable[[], Any], kind: str = "json") -> None:
        self._type = target
        self.kind = kind
        self._adapter: TypeAdapter[Any] | None = None
        self._empty = False

    @property
    def target(self) -> Any:
        """The type `parse` validates against (imported now, if it was not yet)."""
        return self._type()

    def parse(self, content: bytes, encoding: str | None = None) -> T_co:
        """Validate a body as `T`: JSON bytes (an empty body is `None`), text, or bytes as they came.

        Raises pydantic's `ValidationError` when the body does not match.
        """
        if self.kind == "binary":
            return content  # type: ignore[return-value]
        if self.kind == "text":
            return content.decode(encoding or "utf-8", errors="replace")  # type: ignore[return-value]
        adapter = self._adapter or self._adapt()
        if self._empty or (not content and self.kind == "empty"):
            return cast(T_co, None)  # the spec documents no body: whatever came is not part of the answer
        return cast(T_co, adapter.validate_json(content))

    def json_validator(self) -> Callable[[str | bytes], T_co]:
        """Validate JSON (text or bytes) as `T`, with no check per call: for the many items of a stream."""
        return cast(Callable[[str | bytes], T_co], (self._adapter or self._adapt()).validate_json)

    def validate(self, value: Any) -> T_co:
        """Validate a value already decoded (a streamed event's fields) as `T`."""
        return cast(T_co, (self._adapter or self._adapt()).validate_python(value))

    def _adapt(self) -> TypeAdapter[Any]:
        tp = self._type()
        self._adapter, self._empty = TypeAdapter(tp), tp is None
        return self._adapter


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds an answer's headers (an `httpx.Headers`) ask to wait before trying again: `retry-after-ms`
    (milliseconds, as OpenAI's API and others send it), else `Retry-After`."""
    with contextlib.suppress(ValueError):
        milliseconds = float(headers.get("retry-after-ms") or "nan")
        if math.isfinite(milliseconds):
            return max(0.0, milliseconds / 1000)
    return parse_retry_after(headers.get("retry-after"), now)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP-date (RFC 9110)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)
