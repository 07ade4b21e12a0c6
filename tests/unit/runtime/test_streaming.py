"""The stream decoders (`_streaming.py`): chunk boundaries anywhere, every line ending, multi-line data,
comments, and a stream that ends inside an item."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.runtime._deadline import Deadline
from generator.runtime._streaming import LineDecoder, ServerSentEvent, SSEDecoder, StreamSpec

# Data lines: any text without line breaks (multi-byte characters included), possibly empty.
_LINE = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=12)
_EVENTS = st.lists(
    st.tuples(st.lists(_LINE, min_size=1, max_size=3), st.sampled_from(["", "delta", "usage"]), st.booleans()),
    max_size=6,
)
_NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    """`data` cut at the given offsets (any byte: inside a character, between `\\r` and `\\n`)."""
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def _feed(decoder: SSEDecoder, chunks: list[bytes]) -> list[ServerSentEvent]:
    events = [e for chunk in chunks for e in decoder.feed(chunk)]
    return events + decoder.end()


@given(_EVENTS, _NEWLINES, st.lists(st.integers(min_value=0), max_size=20), st.booleans())
def test_sse_events_survive_any_chunking(
    events: list[tuple[list[str], str, bool]], newline: str, cuts: list[int], space: bool
) -> None:
    text = ""
    for n, (lines, name, comment) in enumerate(events):
        text += f": keep-alive{newline}" if comment else ""
        text += f"event:{' ' if space else ''}{name}{newline}" if name else ""
        text += f"id: {n}{newline}" + "".join(f"data:{' ' if space else ''}{line}{newline}" for line in lines)
        text += newline
    got = _feed(SSEDecoder(), _chunks(text.encode(), cuts))
    # Without a space after `data:`, a value's own leading space is the one the standard strips.
    kept = [[line[1:] if not space and line.startswith(" ") else line for line in lines] for lines, _, _ in events]
    expected = [
        ServerSentEvent(name or "message", "\n".join(kept[n]), str(n), None) for n, (_, name, _) in enumerate(events)
    ]
    assert got == expected


@given(st.lists(st.dictionaries(st.text(max_size=4), st.text(max_size=6), max_size=3), max_size=6),
       st.lists(st.integers(min_value=0), max_size=20), st.sampled_from([b"\n", b"\r\n"]), st.booleans())  # fmt: skip
def test_json_lines_survive_any_chunking(
    records: list[dict[str, str]], cuts: list[int], newline: bytes, final_newline: bool
) -> None:
    data = newline.join(json.dumps(r, ensure_ascii=False).encode() for r in records)
    data += newline if final_newline and records else b""
    decoder = LineDecoder(b"\n")
    got = [r for chunk in _chunks(data, cuts) for r in decoder.feed(chunk)] + decoder.end()
    assert [json.loads(r) for r in got] == records


@given(st.lists(st.lists(st.integers(), max_size=3), max_size=6), st.lists(st.integers(min_value=0), max_size=20))
def test_json_sequences_survive_any_chunking(records: list[list[int]], cuts: list[int]) -> None:
    data = b"".join(b"\x1e" + json.dumps(r).encode() + b"\n" for r in records)
    decoder = StreamSpec(framing="json-seq").decoder()
    got = [r for chunk in _chunks(data, cuts) for r in decoder.feed(chunk)] + decoder.end()
    assert [json.loads(r) for r in got] == records


def test_retry_ids_and_fields_without_data() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(b"retry: 1500\nid: 7\ndata: a\n\nid: 8\n\nretry: x\ndata: b\n\n")
    assert events == [ServerSentEvent("message", "a", "7", 1500), ServerSentEvent("message", "b", "8", None)]
    assert decoder.last_event_id == "8"  # an event without data is not dispatched, its ID still counts


@pytest.mark.parametrize(
    ("decoder", "data"),
    [
        (SSEDecoder(), b"data: {}\n\ndata: {"),  # inside a line
        (SSEDecoder(), b"data: {}\n\ndata: {}\n"),  # no blank line after the last event
        (LineDecoder(b"\n"), b'{"a": 1}\n{"a": '),
        (LineDecoder(b"\x1e"), b'\x1e{"a": 1}\n\x1e{"a": 1}'),  # RFC 7464's truncated record
    ],
)
def test_a_stream_ended_inside_an_item_is_an_error(decoder: SSEDecoder | LineDecoder, data: bytes) -> None:
    assert len(decoder.feed(data)) == 1
    with pytest.raises(ValueError, match=r"last|inside"):
        decoder.end()


def test_event_fields_decode_json_data_where_asked() -> None:
    event = ServerSentEvent("delta", '{"a": 1}', "3")
    assert event.fields(json_data=True) == {"event": "delta", "data": {"a": 1}, "id": "3"}
    assert event.fields(json_data=False)["data"] == '{"a": 1}'
    assert ServerSentEvent(data="plain").fields(json_data=True)["data"] == "plain"


def test_a_released_deadline_bounds_each_read_not_the_stream() -> None:
    deadline = Deadline(5.0)
    request = httpx.Request("GET", "http://127.0.0.1/events", extensions={"timeout": httpx.Timeout(5.0).as_dict()})
    deadline.watch(request, asynchronous=False)
    assert "trace" in request.extensions  # until the headers: every phase gets the time left
    deadline.release(request)
    assert "trace" not in request.extensions and request.extensions["timeout"]["read"] == 5.0


def test_a_terminator_ends_the_stream_and_what_follows_is_not_read() -> None:
    events = SSEDecoder(terminator="[DONE]")
    assert [e.data for e in events.feed(b"data: 1\n\ndata: [DONE]\n\ndata: 2\n\n")] == ["1"]
    assert events.done and events.end() == []
    lines = StreamSpec(framing="jsonl", terminator="END").decoder()
    assert lines.feed(b'{"a": 1}\nEND\n{"a": 2}\n') == [b'{"a": 1}'] and lines.done and lines.end() == []
