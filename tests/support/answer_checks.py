"""The server's answers, judged: is the body valid against its schema, and did the client read it back as sent.

The validating server (openapi-core) only checks requests. Here the body of each answer is checked against
the response schema of its status with openapi-schema-validator (OAS 3.0 or 3.1 flavour, read context,
format checking on, `$ref`s resolved against the whole document: `Synthesizer.check`), before it is sent:

- an example that contradicts its schema is a flaw of the spec; it is replaced by a synthesized body when
  one validates, so the generated models are judged on a valid answer (the flaw is kept as a note);
- a client that raises on a schema-valid answer is a generator failure; on an invalid one, the spec's;
- a client that returns without raising must hold what was sent: its parsed value, dumped with
  `model_dump(mode="json", by_alias=True, exclude_unset=True)`, equals the JSON of the answer (numbers and
  date-times compared by value, key sets exactly).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import pydantic_core
from pydantic import BaseModel

if TYPE_CHECKING:
    from synth import Synthesizer

Source = Literal["example", "synthesized"]
NO_EXAMPLE: Any = object()  # what `choose_body` is given for a media type without an example


@dataclass(frozen=True)
class Answer:
    """One answer of the server to a request it accepted, and the schema validator's verdict on its body."""

    status: int
    media_type: str | None  # None: no body
    value: Any  # the JSON value sent (text for a text answer, bytes for a binary one; None without a body)
    source: Source | None  # where the body came from
    valid: bool | None  # None: nothing a schema could judge (no body, binary, no schema, a schema it cannot read)
    error: str | None = None  # the validator's first error when not valid
    example_error: str | None = None  # why the spec's example was set aside for a synthesized body

    @property
    def json(self) -> bool:
        """Whether the body is JSON (the client parses it into models)."""
        return _is_json(self.media_type)


class Chosen(NamedTuple):
    """The body an answer is given, and the schema validator's verdict on it."""

    value: Any
    source: Source
    valid: bool | None
    error: str | None
    example_error: str | None = None  # set when a synthesized body replaced a contradicting example


def choose_body(media: dict[str, Any], example: Any, synth: Synthesizer) -> Chosen:
    """The spec's example when its schema accepts it (or cannot judge it), else a synthesized body that it
    accepts, else the example after all (`example` is `NO_EXAMPLE` when the spec has none)."""
    schema = media.get("schema") or {}
    if example is not NO_EXAMPLE:
        kept = Chosen(example, "example", *synth.check(example, schema, response=True))
        if kept.valid is not False:
            return kept
        made = Chosen(synth.value(schema, response=True), "synthesized", None, None, kept.error)
        made = made._replace(valid=synth.check(made.value, schema, response=True)[0])
        return made if made.valid is not False else kept  # nothing valid to offer: the spec's flaw is judged
    made = synth.value(schema, response=True)
    return Chosen(made, "synthesized", *synth.check(made, schema, response=True))


def answer_of(status: int, media_type: str | None, body: bytes, chosen: Chosen | None = None) -> Answer:
    """The record of an answer as sent (`chosen`: None for an answer without a body)."""
    if chosen is None or media_type is None:
        return Answer(status, None, None, None, None)
    if _is_json(media_type):
        value: Any = json.loads(body)  # what went over the wire, not the Python value it was encoded from
    elif media_type.startswith("text/"):
        value = body.decode("utf-8", errors="replace")
    else:
        value = body
    return Answer(status, media_type, value, chosen.source, chosen.valid, chosen.error, chosen.example_error)


def _is_json(media_type: str | None) -> bool:
    base = (media_type or "").split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


# --- what the client made of it ------------------------------------------------------------------


def parsed_answer(returned: Any) -> Any:
    """The parsed body inside what a generated method returned: a page's or an accepted answer's `body`, the
    answer that started an async action (`started`), or the value itself."""
    kind = type(returned).__name__
    if kind in ("Page", "AsyncPage", "Accepted", "AsyncAccepted") and hasattr(returned, "body"):
        return returned.body
    if kind in ("ActionHandle", "AsyncActionHandle"):
        return getattr(returned, "started", None)
    return returned


def dumped(value: Any) -> Any:
    """A parsed value as JSON, as the models would send it back: by alias, only what was set."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (list, tuple)):
        return [dumped(v) for v in value]
    if isinstance(value, dict):
        return {str(k): dumped(v) for k, v in value.items()}
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return value.value if hasattr(value, "value") else value  # an open enum's member is its value
    return pydantic_core.to_jsonable_python(value, by_alias=True)


def round_trip_difference(answer: Answer, returned: Any) -> str | None:
    """Where the client's parsed value differs from the answer it was given (None: the same, or not judged)."""
    if answer.media_type is None or answer.valid is False:
        return None  # no body, or one the client was right to refuse
    parsed = parsed_answer(returned)
    if type(returned).__name__ in ("ActionHandle", "AsyncActionHandle") and parsed is None:
        return None  # the handle did not keep the answer that started it: nothing to compare
    if not answer.json:
        return (
            None if parsed == answer.value else f"$: the client returned {_short(parsed)}, sent {_short(answer.value)}"
        )
    return difference(dumped(parsed), answer.value)


def difference(read: Any, sent: Any, path: str = "$") -> str | None:
    """The JSON path and values of the first difference (None: equal, numbers and date-times by value)."""
    if isinstance(sent, dict):
        if not isinstance(read, dict):
            return f"{path}: sent an object, the client read {_short(read)}"
        if read.keys() != sent.keys():
            lost, added = sorted(set(sent) - set(read)), sorted(set(read) - set(sent))
            return f"{path}: keys lost {lost}, keys added {added}"
        return next((d for k in sent if (d := difference(read[k], sent[k], f"{path}.{k}"))), None)
    if isinstance(sent, list):
        if not isinstance(read, list) or len(read) != len(sent):
            return f"{path}: sent {_short(sent)}, the client read {_short(read)}"
        return next((d for i, s in enumerate(sent) if (d := difference(read[i], s, f"{path}[{i}]"))), None)
    if _equal(read, sent):
        return None
    return f"{path}: sent {_short(sent)}, the client read {_short(read)}"


def _equal(read: Any, sent: Any) -> bool:
    if isinstance(sent, bool) or isinstance(read, bool):
        return type(read) is type(sent) and read == sent
    if isinstance(sent, (int, float)) and isinstance(read, (int, float)):
        return read == sent  # 5 read into a float field is 5.0: the same number
    if isinstance(sent, str) and isinstance(read, str) and read != sent:
        instants = _instant(read), _instant(sent)
        return None not in instants and instants[0] == instants[1]
    return type(read) is type(sent) and read == sent


def _instant(text: str) -> Any:
    """A date-time, date or time written differently (`.000Z`, `+00:00`) as one comparable value."""
    if len(text) < 8:
        return None  # Python reads "12" as a time: only ISO 8601 spellings of full values count
    for kind in (datetime.datetime, datetime.date, datetime.time):
        try:
            value = kind.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            continue
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            return value.astimezone(datetime.timezone.utc)
        return value
    return None


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- why a call failed on its answer ---------------------------------------------------------------


def answer_failure(
    answer: Answer | None, exception: str | None, difference_found: str | None
) -> tuple[str, str] | None:
    """(category, reason) of a call whose request was accepted but which failed on the answer (None: it did
    not, or it never got one). Which side is at fault follows from the schema validator's verdict."""
    if answer is None:
        return None
    if exception is not None:
        if answer.valid is not False:
            return "client", f"rejected a schema-valid answer: {exception}"
        if answer.source == "example":
            return "spec", "example contradicts its schema (and no schema-valid body could be synthesized)"
        return "harness", "synthesized an answer its own schema rejects"
    if difference_found is not None:
        return "client", f"parsed answer does not round-trip: {difference_found}"
    return None
