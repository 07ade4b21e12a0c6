"""Generated clients send what the spec describes, as judged by openapi-core, a validator we did not write.

Each spec is generated, its operations called through the sync and the async client against a
`ValidatingServer` (openapi-core 0.23.1 decoding with `validator_extensions`, validating on its own),
and every call must be accepted (`conformance.Call.accepted`): no validator error, every argument read
back as sent, no exception, and the answer (valid against its response schema by openapi-schema-validator,
`answer_checks`) parsed into a value that dumps back to the JSON sent. No schema-valid answer may be
rejected. The only exceptions are listed below by operation, each with the known
validator gap (or the spec's own flaw) that makes it fail; any other failure, or a listed one that no
longer fails, fails the test. Below them, probes: per openapi-core gap that `validator_extensions`
decodes, a request openapi-core alone still gets wrong, and per decoder a correct request accepted (and
read back) and wrong ones rejected. `bench/conformance.py` runs the same machinery on whole specs
(Stripe's too), with both validators, and prints every failure reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from answer_checks import NO_EXAMPLE, Answer, answer_failure, choose_body, difference
from conformance import Call, Plan, generate, imported, load_spec, run_spec, spec_parameters
from conformance_verdicts import DECODED, GAPS, Mismatch, round_trip, same
from local_transport import LocalTransport, token_urls
from synth import Synthesizer
from validating_server import ValidatingServer, Verdict

from generator import ir
from generator.ir.names import Identifier
from testdata import READMEEXAMPLES, ROOT, VENDOR_FULL_SPEC

README_EXAMPLES = (
    "parameters-style",
    "form-data",
    "file-uploads",
    "parameters-cookies",
    "security",
    "security-multiple",
    "schema-encoding-style",
)

# (spec, operation id) -> the known validator gap (a key of conformance_verdicts.GAPS) that fails it. Every
# operation once listed here for an openapi-core 0.23.1 gap (label/matrix paths, exploded form objects,
# spaceDelimited, multipart encoding styles and text parts, Voucherify's allOf deepObject and hostname
# format) is decoded by validator_extensions now, and must be accepted.
VALIDATOR_GAPS: dict[tuple[str, str], str] = {}
# (spec, operation id) -> why the spec itself cannot be satisfied as written: no client can pass these.
SPEC_FLAWS: dict[tuple[str, str], str] = {
    # /cookies#formNonExploded: the '#...' is a URL fragment, never sent, so the request is validated as the
    # spec's plain GET /cookies (/cookies#formExploded's exploded cookies happen to satisfy that one).
    ("parameters-style", "cookies_form_nonExploded"): "a '#' in the spec's path",
    # apiKey_header AND basic AND oauth2: basic and oauth2 both need the one Authorization header.
    ("security-multiple", "post /anything/and"): "Authorization header",
}


# (spec, operation id) -> the known generator bug that makes the client reject (or misread) a schema-valid
# answer. Empty: every schema-valid answer of the specs tested here is parsed and round-trips.
CLIENT_ANSWER_BUGS: dict[tuple[str, str], str] = {}


def _unexpected(calls: list[Call], spec: str) -> list[str]:
    """Every call that failed without a listed reason, or failed for another reason than the listed one."""
    found = []
    for call in calls:
        if call.accepted:
            continue
        gap, flaw = VALIDATOR_GAPS.get((spec, call.operation_id)), SPEC_FLAWS.get((spec, call.operation_id))
        reason = call.classified.reason if call.classified else ""
        category = call.classified.category if call.classified else ""
        if gap is not None and category == "validator gap" and reason.startswith(gap + ":"):
            continue
        if flaw is not None and category == "spec" and flaw in reason:
            continue
        details = [e.splitlines()[0] for v in call.verdicts for e in v.errors] + [str(m) for m in call.mismatches]
        found.append(
            f"{call.mode} {call.method} ({call.operation_id}): {call.request_line}\n"
            f"    [{category}] {reason}\n" + "".join(f"    - {d}\n" for d in details[:5] or [call.exception or ""])
        )
    return found


def _stale(calls: list[Call], spec: str) -> list[str]:
    """Listed operations that were accepted after all: the list must shrink with the gaps."""
    listed = {op for (s, op) in [*VALIDATOR_GAPS, *SPEC_FLAWS] if s == spec}
    return sorted({f"{c.mode} {c.operation_id}" for c in calls if c.accepted and c.operation_id in listed})


def _rejected_answers(calls: list[Call], spec: str) -> list[str]:
    """Calls whose client raised on a schema-valid answer, or misread one, without a listed generator bug."""
    return [
        f"{c.mode} {c.operation_id}: {c.exception or c.answer_difference}"
        for c in calls
        if c.answer is not None
        and c.answer.valid is not False
        and (c.exception or c.answer_difference)
        and (spec, c.operation_id) not in CLIENT_ANSWER_BUGS
    ]


def _check(calls: list[Call], spec: str) -> None:
    rejected = _rejected_answers(calls, spec)
    assert not rejected, "schema-valid answers rejected or misread by the client:\n" + "\n".join(rejected)
    unexpected, stale = _unexpected(calls, spec), _stale(calls, spec)
    assert not unexpected, f"{len(unexpected)} calls not accepted by openapi-core:\n" + "\n".join(unexpected)
    assert not stale, f"listed as failing but accepted (remove them from the lists): {stale}"


@pytest.mark.parametrize("name", README_EXAMPLES)
def test_readme_example(name: str, tmp_path: Path) -> None:
    """Every operation of a ReadMe request-feature example, sync and async."""
    run = run_spec(READMEEXAMPLES / f"{name}.json", tmp_path, package=f"conf_{name.replace('-', '_')}", label=name)
    assert run.operations > 0
    _check(run.calls, name)


@pytest.mark.parametrize("name", ["voucherify", "postman"])
def test_our_specs(name: str, tmp_path: Path) -> None:
    """Every operation of our own specs (the calls that start async actions included), sync and async."""
    run = run_spec(ROOT / "spec" / f"{name}.yaml", tmp_path, package=f"conf_own_{name}", label=name)
    assert run.operations > 0
    _check(run.calls, name)


def test_voucherify_sample(tmp_path: Path) -> None:
    """Every 10th operation (in spec order) of the vendor's full Voucherify spec, sync and async."""
    run = run_spec(
        VENDOR_FULL_SPEC, tmp_path, package="conf_voucherify", label="voucherify", select=lambda i, _: i % 10 == 0
    )
    assert run.operations >= 20
    _check(run.calls, "voucherify")


def test_client_credentials_flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With only a client id and secret, the client trades them for a token at the token URL and sends it."""
    for variable in ("ACCESS_TOKEN", "BEARER_TOKEN"):
        monkeypatch.delenv(f"CONF_SECURITY_{variable}", raising=False)
    spec = READMEEXAMPLES / "security.json"
    api = generate(spec, tmp_path, "conf_security")
    with imported(tmp_path, "conf_security") as module, ValidatingServer(load_spec(spec)) as server:
        transport = LocalTransport(server, token_urls(server.spec, server.url))  # the spec's tokenUrl -> /__token
        with httpx.Client(transport=transport) as http:
            client = getattr(module, str(api.client_name))(
                client_id="id-1", client_secret="secret-1", base_url=server.url, http_client=http, max_retries=0
            )
            client.o_auth_2.anything.oauth2.replace()  # PUT, security: oauth2_clientCredentials
        assert [r["form"].get("grant_type") for r in server.token_requests] == ["client_credentials"]
        (verdict,) = server.verdicts
        assert verdict.valid, verdict.errors
        assert verdict.headers.get("Authorization") == "Bearer tok"


# --- answers: judged by openapi-schema-validator ------------------------------------------------------------

_PRICE = {
    "type": "object",
    "required": ["amount", "at"],
    "properties": {"amount": {"type": "number"}, "at": {"type": "string", "format": "date-time"}},
}


def _answering(example: Any) -> dict[str, Any]:
    """A probe spec whose operation answers `_PRICE` with `example`."""
    spec = _spec()
    media = {"schema": _PRICE, "example": example}
    spec["paths"]["/x"]["post"]["responses"] = {"200": {"description": "OK", "content": {"application/json": media}}}
    return spec


def test_valid_example_is_the_answer() -> None:
    """An example valid against its schema is sent as it is, and recorded as valid."""
    example = {"amount": 5, "at": "2024-01-02T03:04:05.000Z"}
    verdict = _judge(_answering(example), {"url": "/x"}, extended=True)
    assert verdict.answer == Answer(200, "application/json", example, "example", True)


def test_contradicting_example_is_replaced_by_a_valid_body() -> None:
    """An example its schema rejects is set aside (and noted, with the validator's error) for a synthesized body
    that validates, so the client is judged on a valid answer."""
    verdict = _judge(_answering({"amount": "5"}), {"url": "/x"}, extended=True)
    answer = verdict.answer
    assert answer is not None and answer.source == "synthesized" and answer.valid is True, answer
    assert answer.example_error is not None and "'at' is a required property" in answer.example_error
    assert set(answer.value) == {"amount", "at"}


def test_unsatisfiable_schema_keeps_the_example() -> None:
    """When no valid body can be made either, the example is sent, recorded invalid with its first error."""
    synth = Synthesizer(_spec())
    chosen = choose_body({"schema": {"type": "integer", "minimum": 2, "maximum": 1}}, 7, synth)
    assert (chosen.value, chosen.source, chosen.valid, chosen.example_error) == (7, "example", False, None)
    assert chosen.error is not None and "maximum" in chosen.error
    made = choose_body({"schema": _PRICE}, NO_EXAMPLE, synth)
    assert (made.source, made.valid, made.error) == ("synthesized", True, None)


def test_answer_failures_are_classified_by_the_answer_verdict() -> None:
    """Raising on a schema-valid answer is the client's failure; on a contradicting example, the spec's."""
    valid = Answer(200, "application/json", {}, "example", True)
    invalid = Answer(200, "application/json", {}, "example", False, "at (root): 'at' is a required property")
    error = "APIResponseValidationError: 1 validation error"
    assert answer_failure(valid, error, None) == ("client", f"rejected a schema-valid answer: {error}")
    assert answer_failure(invalid, error, None)[0] == "spec"  # type: ignore[index]
    assert answer_failure(valid, None, "$.a: sent 1, the client read '1'") is not None
    assert answer_failure(valid, None, None) is None


def test_round_trip_compares_numbers_and_instants_by_value() -> None:
    """5 read as 5.0 and `.000Z` read as `Z` are the same value; a lost key or a changed type is not."""
    sent = {"amount": 5, "at": "2024-01-02T03:04:05.000Z", "tags": ["a"]}
    assert difference({"amount": 5.0, "at": "2024-01-02T03:04:05Z", "tags": ["a"]}, sent) is None
    assert difference({"amount": 5, "at": "2024-01-02T03:04:05Z"}, sent) == "$: keys lost ['tags'], keys added []"
    assert difference({"amount": "5", "at": "2024-01-02T03:04:05Z", "tags": ["a"]}, sent) is not None
    assert difference({"amount": 5, "at": "2024-01-02T03:04:06Z", "tags": ["a"]}, sent) is not None
    assert difference({"amount": 5, "at": "2024-01-02T03:04:05Z", "tags": [True]}, {**sent, "tags": [1]}) is not None


# --- probes: hand-written requests, judged by openapi-core alone and with validator_extensions -------------

_OBJECT = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
_ARRAY = {"type": "array", "items": {"type": "string"}}
_INTEGERS = {"type": "array", "items": {"type": "integer"}}
_AN = {"type": "object", "properties": {"a": {"type": "string"}, "n": {"type": "integer"}}, "required": ["a"]}


def _spec(
    parameters: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    *,
    path: str | None = None,
    schemas: dict[str, Any] | None = None,
    version: str = "3.0.3",
) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": "op", "responses": {"200": {"description": "OK"}}}
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"content": body}
    path = path or ("/x/{p}" if any(p["in"] == "path" for p in parameters or []) else "/x")
    spec = {"openapi": version, "info": {"title": "probe", "version": "1"}, "paths": {path: {"post": operation}}}
    if schemas:
        spec["components"] = {"schemas": schemas}
    return spec


def _judge(spec: dict[str, Any], arguments: dict[str, Any], *, extended: bool) -> Verdict:
    """The verdict on one request (httpx.post arguments, `url` relative to the server's)."""
    request = dict(arguments)
    with ValidatingServer(spec, extended=extended) as server:
        httpx.post(server.url + request.pop("url"), **request)
    (verdict,) = server.verdicts
    return verdict


# openapi-core 0.23.1 alone: gap (a key of conformance_verdicts.DECODED) -> (spec, a correct request as
# httpx.post arguments, what shows the gap in the verdict).
ALONE_PROBES: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "label/matrix path": (
        _spec([{"name": "p", "in": "path", "required": True, "style": "label", "explode": True, "schema": _ARRAY}]),
        {"url": "/x/.a.b"},
        "MissingRequiredParameter",
    ),
    "nested deepObject": (
        _spec(
            [
                {
                    "name": "q",
                    "in": "query",
                    "style": "deepObject",
                    "explode": True,
                    "schema": {"type": "object", "properties": {"n": _OBJECT}},
                }
            ]
        ),
        {"url": "/x?q[n][a]=x"},
        "CastError",
    ),
    "deepObject form non-object": (
        _spec(
            body={
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"l": _ARRAY}},
                    "encoding": {"l": {"style": "deepObject", "explode": True}},
                }
            }
        ),
        {"url": "/x", "data": {"l[0]": "a", "l[1]": "b"}},
        "DeserializeError",
    ),
    "multipart text parts": (
        _spec(body={"multipart/form-data": {"schema": {"type": "object", "properties": {"n": {"type": "integer"}}}}}),
        {"url": "/x", "files": {"n": (None, "2")}},
        "is not of type 'integer'",
    ),
    "exploded form object": (
        _spec([{"name": "o", "in": "query", "schema": _OBJECT}]),
        {"url": "/x?a=1&b=2"},
        "read back: query parameter 'o' did not arrive",
    ),
    "spaceDelimited": (
        _spec([{"name": "l", "in": "query", "style": "spaceDelimited", "explode": False, "schema": _ARRAY}]),
        {"url": "/x?l=a%20b"},
        "read back: query parameter 'l': sent ['a', 'b'], the validator read ['a b']",
    ),
    "multipart encoding style": (
        _spec(body={"multipart/form-data": {"schema": _OBJECT, "encoding": {"a": {"style": "form"}}}}),
        {"url": "/x", "files": {"a": (None, "x")}},
        "is not of type 'string'",
    ),
    "deepObject non-object schema": (
        _spec([{"name": "q", "in": "query", "style": "deepObject", "explode": True, "schema": {"allOf": [_OBJECT]}}]),
        {"url": "/x?q[a]=x"},
        "DeserializeError('deepObject', 'q')",
    ),
    "unknown format": (
        _spec([{"name": "h", "in": "header", "schema": {"type": "string", "format": "hostname"}}]),
        {"url": "/x", "headers": {"h": "example.com"}},
        "FormatterNotFoundError",
    ),
    "allOf form body": (
        _spec(
            body={
                "application/x-www-form-urlencoded": {
                    "schema": {"allOf": [_OBJECT, {"type": "object", "properties": {"n": {"type": "integer"}}}]}
                }
            }
        ),
        {"url": "/x", "data": {"a": "x", "n": "2"}},
        "read back: body property 'n' did not arrive",
    ),
}
# What each probe sent, for the read-back comparison (the JSON value a client was given).
_PROBE_SENT: dict[str, dict[str, Any]] = {
    "label/matrix path": {"p": ["a", "b"]},
    "nested deepObject": {"q": {"n": {"a": "x"}}},
    "deepObject form non-object": {"body": {"l": ["a", "b"]}},
    "multipart text parts": {"body": {"n": 2}},
    "exploded form object": {"o": {"a": "1", "b": "2"}},
    "spaceDelimited": {"l": ["a", "b"]},
    "multipart encoding style": {"body": {"a": "x"}},
    "deepObject non-object schema": {"q": {"a": "x"}},
    "unknown format": {"h": "example.com"},
    "allOf form body": {"body": {"a": "x", "n": 2}},
}
# What is still not checkable with validator_extensions: gap (a key of conformance_verdicts.GAPS) -> (spec,
# a correct request, what shows the gap).
GAP_PROBES: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "exploded form map": (
        _spec([{"name": "m", "in": "query", "schema": {"type": "object", "additionalProperties": {"type": "string"}}}]),
        {"url": "/x?k=v"},
        "read back: query parameter 'm' did not arrive",
    ),
}
_PROBE_SENT["exploded form map"] = {"m": {"k": "v"}}


def test_every_gap_has_a_probe() -> None:
    """Each gap the classification knows is shown by a hand-written request below."""
    assert set(ALONE_PROBES) == set(DECODED)
    assert set(GAP_PROBES) == set(GAPS)


@pytest.mark.parametrize("gap", sorted(ALONE_PROBES))
def test_openapi_core_alone_still_fails(gap: str) -> None:
    """openapi-core 0.23.1 alone still gets this correct request wrong; when it stops, drop the gap (and its
    decoder in validator_extensions)."""
    spec, arguments, shows = ALONE_PROBES[gap]
    verdict = _judge(spec, arguments, extended=False)
    seen = "\n".join(verdict.errors) + "".join(f"\nread back: {m}" for m in _read_back(gap, verdict, spec))
    assert shows in seen, seen


@pytest.mark.parametrize("gap", sorted(ALONE_PROBES))
def test_decoded_with_extensions(gap: str) -> None:
    """With validator_extensions, openapi-core accepts the same request and reads back what was sent."""
    spec, arguments, _ = ALONE_PROBES[gap]
    verdict = _judge(spec, arguments, extended=True)
    assert verdict.valid, verdict.errors
    assert not _read_back(gap, verdict, spec)


@pytest.mark.parametrize("gap", sorted(GAP_PROBES))
def test_gap_still_exists(gap: str) -> None:
    """openapi-core with validator_extensions still cannot check this correct request; when it can, drop the gap."""
    spec, arguments, shows = GAP_PROBES[gap]
    verdict = _judge(spec, arguments, extended=True)
    seen = "\n".join(verdict.errors) + "".join(f"\nread back: {m}" for m in _read_back(gap, verdict, spec))
    assert shows in seen, seen


def _read_back(gap: str, verdict: Verdict, spec: dict[str, Any]) -> list[Mismatch]:
    """The read-back mismatches of a probe's verdict (how the harness sees a gap that raises no error)."""
    if gap not in _PROBE_SENT or not verdict.valid:
        return []
    (path, item), synth = next(iter(spec["paths"].items())), Synthesizer(spec)
    pointer = "/paths/" + path.replace("/", "~1") + "/post"
    operation = ir.Operation("op", Identifier("op"), Identifier("x"), "POST", path, pointer, (), ())
    parameters = {name: p for (_, name), p in spec_parameters(spec, pointer, synth).items()}
    media = next(iter((item["post"].get("requestBody") or {}).get("content") or {}), None)
    plan = Plan(operation, "x", item["post"], parameters, sent=_PROBE_SENT[gap], body_media_type=media)
    return round_trip(plan, verdict)


# --- each decoder of validator_extensions: a correct request is accepted and read as sent, wrong ones rejected


def _query(name: str, schema: dict[str, Any], style: str = "form", explode: bool = True) -> dict[str, Any]:
    return {"name": name, "in": "query", "style": style, "explode": explode, "schema": schema}


def _path(name: str, schema: dict[str, Any], style: str, explode: bool) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "style": style, "explode": explode, "schema": schema}


_FILTERS = {
    "type": "object",
    "properties": {
        "junction": {"type": "string", "enum": ["and", "or"]},
        "name": {
            "type": "object",
            "properties": {
                "conditions": {
                    "type": "object",
                    "properties": {"$in": _ARRAY, "$size": {"type": "integer"}},
                }
            },
        },
    },
}
_RANGE = {
    "anyOf": [
        {
            "type": "object",
            "properties": {"gt": {"type": "integer"}, "lt": {"type": "integer"}},
            "additionalProperties": False,
        },
        {"type": "integer"},
    ]
}
_CUSTOMER = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
    "required": ["id"],
}
_FORM_ITEMS = {
    "type": "object",
    "properties": {
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"price": {"type": "string"}, "quantity": {"type": "integer"}},
                "required": ["price"],
            },
        },
        "metadata": {"type": "object", "additionalProperties": {"type": "integer"}},
        "expand": _ARRAY,
    },
}
_DEEP = {"style": "deepObject", "explode": True}
_ALL_OF = {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"$ref": "#/components/schemas/N"}]}
_N = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}

Read = tuple[str, str, Any]  # (location, name, the value read) — location `body` (name '') for the whole body


@dataclass
class DecoderProbe:
    """A decoder's probe: correct requests (httpx.post arguments) with what the validator must read from them,
    and wrong requests with a text their verdict's errors must contain."""

    spec: dict[str, Any]
    correct: list[tuple[dict[str, Any], list[Read]]]
    wrong: list[tuple[dict[str, Any], str]]


DECODER_PROBES: dict[str, DecoderProbe] = {
    "deepObject nested, arrays as [n]": DecoderProbe(
        _spec([_query("filters", _FILTERS, "deepObject")]),
        [
            (
                {
                    "url": "/x?filters[junction]=and&filters[name][conditions][%24in][0]=a"
                    "&filters[name][conditions][%24in][1]=b&filters[name][conditions][%24size]=2"
                },
                [("query", "filters", {"junction": "and", "name": {"conditions": {"$in": ["a", "b"], "$size": 2}}})],
            )
        ],
        [
            ({"url": "/x?filters[junction]=xor"}, "'xor' is not one of ['and', 'or']"),
            ({"url": "/x?filters[name][conditions][%24size]=two"}, "CastError"),
            ({"url": "/x?filters[name][conditions][%24in][1]=b"}, "DeserializeError('deepObject', 'filters')"),
        ],
    ),
    "deepObject arrays as [] and [n]": DecoderProbe(
        _spec([_query("expand", {"type": "array", "items": {"type": "string", "maxLength": 3}}, "deepObject")]),
        [
            ({"url": "/x?expand[]=a&expand[]=b"}, [("query", "expand", ["a", "b"])]),
            ({"url": "/x?expand[0]=a&expand[1]=b"}, [("query", "expand", ["a", "b"])]),
        ],
        [
            ({"url": "/x?expand[0]=a&expand[2]=b"}, "DeserializeError('deepObject', 'expand')"),
            ({"url": "/x?expand[0]=toolong"}, "'toolong' is too long"),
            ({"url": "/x?expand[x]=a"}, "keys ['x'] for an array"),
        ],
    ),
    "deepObject of compositions (anyOf object/integer, allOf $ref)": DecoderProbe(
        _spec(
            [
                _query("created", _RANGE, "deepObject"),
                _query("customer", {"allOf": [{"$ref": "#/components/schemas/Customer"}]}, "deepObject"),
            ],
            schemas={"Customer": _CUSTOMER},
        ),
        [
            (
                {"url": "/x?created[gt]=1&created[lt]=5&customer[id]=c&customer[address][city]=Oslo"},
                [
                    ("query", "created", {"gt": 1, "lt": 5}),
                    ("query", "customer", {"id": "c", "address": {"city": "Oslo"}}),
                ],
            ),
            ({"url": "/x?created=7"}, [("query", "created", 7)]),
        ],
        [
            ({"url": "/x?created[gt]=abc"}, "is not valid under any of the given schemas"),
            ({"url": "/x?created[foo]=1"}, "is not valid under any of the given schemas"),
            ({"url": "/x?customer[id]=c&customer[address][zip]=1"}, "'city' is a required property"),
            ({"url": "/x?customer[address][city]=Oslo"}, "'id' is a required property"),
        ],
    ),
    "deepObject in a form body's encoding": DecoderProbe(
        _spec(
            body={
                "application/x-www-form-urlencoded": {
                    "schema": _FORM_ITEMS,
                    "encoding": {"items": _DEEP, "metadata": _DEEP, "expand": _DEEP},
                }
            }
        ),
        [
            (
                {
                    "url": "/x",
                    "data": {"items[0][price]": "p", "items[0][quantity]": "2", "metadata[k]": "3", "expand[0]": "a"},
                },
                [("body", "", {"items": [{"price": "p", "quantity": 2}], "metadata": {"k": 3}, "expand": ["a"]})],
            )
        ],
        [
            ({"url": "/x", "data": {"items[0][quantity]": "2"}}, "'price' is a required property"),
            ({"url": "/x", "data": {"metadata[k]": "x"}}, "'x' is not of type 'integer'"),
        ],
    ),
    "exploded form object (query, cookie)": DecoderProbe(
        _spec([_query("o", _AN), {"name": "c", "in": "cookie", "schema": _AN}]),
        [
            (
                {"url": "/x?a=x&n=2", "headers": {"Cookie": "a=y; n=3"}},
                [("query", "o", {"a": "x", "n": 2}), ("cookie", "c", {"a": "y", "n": 3})],
            )
        ],
        [
            ({"url": "/x?a=x&n=two"}, "CastError"),
            ({"url": "/x?n=2"}, "'a' is a required property"),
            ({"url": "/x", "headers": {"Cookie": "n=3"}}, "'a' is a required property"),
        ],
    ),
    "spaceDelimited and pipeDelimited (arrays, objects)": DecoderProbe(
        _spec(
            [
                _query("s", _INTEGERS, "spaceDelimited", explode=False),
                _query("p", _INTEGERS, "pipeDelimited", explode=False),
                _query("so", _AN, "spaceDelimited", explode=False),
                _query("po", _AN, "pipeDelimited", explode=False),
            ]
        ),
        [
            (
                {"url": "/x?s=1%202&p=3|4&so=a%20x%20n%202&po=a|y|n|3"},
                [
                    ("query", "s", [1, 2]),
                    ("query", "p", [3, 4]),
                    ("query", "so", {"a": "x", "n": 2}),
                    ("query", "po", {"a": "y", "n": 3}),
                ],
            ),
        ],
        [
            ({"url": "/x?s=1%20x"}, "CastError"),
            ({"url": "/x?so=a%20x%20n"}, "DeserializeError('spaceDelimited', 'so')"),
            ({"url": "/x?po=n|3"}, "'a' is a required property"),
        ],
    ),
    "label path parameters": DecoderProbe(
        _spec(
            [
                _path("p", _INTEGERS, "label", explode=False),
                _path("q", _AN, "label", explode=True),
                _path("r", {"type": "integer"}, "label", explode=False),
                _path("s", _INTEGERS, "label", explode=True),
                _path("t", _AN, "label", explode=False),
            ],
            path="/x/{p}/{q}/{r}/{s}/{t}",
        ),
        [
            (
                {"url": "/x/.1,2/.a=x.n=2/.7/.3.4/.a,y,n,5"},
                [
                    ("path", "p", [1, 2]),
                    ("path", "q", {"a": "x", "n": 2}),
                    ("path", "r", 7),
                    ("path", "s", [3, 4]),
                    ("path", "t", {"a": "y", "n": 5}),
                ],
            )
        ],
        [
            ({"url": "/x/1,2/.a=x.n=2/.7/.3.4/.a,y,n,5"}, "DeserializeError('label', 'p')"),
            ({"url": "/x/.1,2/.a=x.n=two/.7/.3.4/.a,y,n,5"}, "CastError"),
            ({"url": "/x/.1,2/.n=2/.7/.3.4/.a,y,n,5"}, "'a' is a required property"),
        ],
    ),
    "matrix path parameters": DecoderProbe(
        _spec(
            [
                _path("p", _INTEGERS, "matrix", explode=False),
                _path("q", _INTEGERS, "matrix", explode=True),
                _path("r", _AN, "matrix", explode=True),
                _path("s", {"type": "string"}, "matrix", explode=False),
                _path("t", _AN, "matrix", explode=False),
            ],
            path="/x/{p}/{q}/{r}/{s}/{t}",
        ),
        [
            (
                {"url": "/x/;p=1,2/;q=3;q=4/;a=x;n=2/;s=v/;t=a,y,n,5"},
                [
                    ("path", "p", [1, 2]),
                    ("path", "q", [3, 4]),
                    ("path", "r", {"a": "x", "n": 2}),
                    ("path", "s", "v"),
                    ("path", "t", {"a": "y", "n": 5}),
                ],
            )
        ],
        [
            ({"url": "/x/;p=1,2/;q=3;z=4/;a=x;n=2/;s=v/;t=a,y,n,5"}, "DeserializeError('matrix', 'q')"),
            ({"url": "/x/;p=1,x/;q=3;q=4/;a=x;n=2/;s=v/;t=a,y,n,5"}, "CastError"),
            ({"url": "/x/;p=1,2/;q=3;q=4/;a=x;n=2/;x=v/;t=a,y,n,5"}, "DeserializeError('matrix', 's')"),
            ({"url": "/x/;p=1,2/;q=3;q=4/;n=2/;s=v/;t=a,y,n,5"}, "'a' is a required property"),
        ],
    ),
    "multipart text parts cast by type": DecoderProbe(
        _spec(
            body={
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"n": {"type": "integer"}, "b": {"type": "boolean"}, "tags": _INTEGERS},
                        "required": ["n"],
                    }
                }
            }
        ),
        [
            (
                {
                    "url": "/x",
                    "files": [("n", (None, "2")), ("b", (None, "true")), ("tags", (None, "1")), ("tags", (None, "2"))],
                },
                [("body", "", {"n": 2, "b": True, "tags": [1, 2]})],
            )
        ],
        [
            ({"url": "/x", "files": {"n": (None, "two")}}, "'two' is not of type 'integer'"),
            ({"url": "/x", "files": {"b": (None, "true")}}, "'n' is a required property"),
            ({"url": "/x", "files": [("n", (None, "2")), ("tags", (None, "x"))]}, "'x' is not of type 'integer'"),
        ],
    ),
    "multipart parts read by content type, encoding.style ignored (OpenAPI 3.0)": DecoderProbe(
        _spec(
            body={
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"a": {"type": "string"}, "l": _ARRAY, "n": {"type": "integer"}, "o": _AN},
                    },
                    "encoding": {
                        "a": {"style": "form"},
                        "l": {"style": "form", "explode": False},
                        "n": _DEEP,
                        "o": {"style": "form"},
                    },
                }
            }
        ),
        [
            (
                {
                    "url": "/x",
                    "files": [
                        ("a", (None, "x")),
                        ("l", (None, "p")),
                        ("l", (None, "q")),
                        ("n", (None, "2")),
                        ("o", (None, '{"a": "y"}', "application/json")),
                    ],
                },
                [("body", "", {"a": "x", "l": ["p", "q"], "n": 2, "o": {"a": "y"}})],
            )
        ],
        [
            ({"url": "/x", "files": {"n": (None, "two")}}, "'two' is not of type 'integer'"),
            ({"url": "/x", "files": {"o": (None, '{"n": 1}', "application/json")}}, "'a' is a required property"),
        ],
    ),
    "multipart parts styled by encoding.style (OpenAPI 3.1)": DecoderProbe(
        _spec(
            body={
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"l": _INTEGERS, "o": _AN}},
                    "encoding": {"l": {"style": "form", "explode": False}, "o": _DEEP},
                }
            },
            version="3.1.0",
        ),
        [
            (
                {"url": "/x", "files": [("l", (None, "1,2")), ("o[a]", (None, "x")), ("o[n]", (None, "2"))]},
                [("body", "", {"l": [1, 2], "o": {"a": "x", "n": 2}})],
            )
        ],
        [
            ({"url": "/x", "files": {"l": (None, "1,x")}}, "CastError"),
            ({"url": "/x", "files": {"o[n]": (None, "2")}}, "'a' is a required property"),
        ],
    ),
    "allOf form and multipart bodies": DecoderProbe(
        _spec(
            body={"application/x-www-form-urlencoded": {"schema": _ALL_OF}, "multipart/form-data": {"schema": _ALL_OF}},
            schemas={"N": _N},
        ),
        [
            ({"url": "/x", "data": {"a": "x", "n": "2"}}, [("body", "", {"a": "x", "n": 2})]),
            ({"url": "/x", "files": {"a": (None, "x"), "n": (None, "2")}}, [("body", "", {"a": "x", "n": 2})]),
        ],
        [
            ({"url": "/x", "data": {"a": "x", "n": "two"}}, "CastError"),
            ({"url": "/x", "data": {"a": "x"}}, "'n' is a required property"),
            ({"url": "/x", "files": {"a": (None, "x")}}, "'n' is a required property"),
        ],
    ),
    "unknown formats passed through (the rest of the schema checked)": DecoderProbe(
        _spec(
            [
                {"name": "h", "in": "header", "schema": {"type": "string", "format": "hostname", "maxLength": 20}},
                _query("t", {"type": "integer", "format": "unix-time"}),
            ]
        ),
        [
            (
                {"url": "/x?t=5", "headers": {"h": "example.com"}},
                [("header", "h", "example.com"), ("query", "t", 5)],
            )
        ],
        [
            ({"url": "/x", "headers": {"h": "a" * 30}}, "is too long"),
            ({"url": "/x?t=abc"}, "CastError"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(DECODER_PROBES))
def test_decoder_accepts_correct_requests(name: str) -> None:
    """Each correct request is accepted, and the validator read exactly the values sent."""
    probe = DECODER_PROBES[name]
    for arguments, reads in probe.correct:
        verdict = _judge(probe.spec, arguments, extended=True)
        assert verdict.valid, (arguments["url"], verdict.errors)
        for location, key, expected in reads:
            read = verdict.body_value if location == "body" else _case_folded(verdict.parameters[location], key)
            assert same(expected, read) and same(read, expected), (arguments["url"], location, key, read)


@pytest.mark.parametrize("name", sorted(DECODER_PROBES))
def test_decoder_rejects_wrong_requests(name: str) -> None:
    """Each wrong request is rejected by openapi-core's own validation of the decoded value."""
    probe = DECODER_PROBES[name]
    for arguments, shows in probe.wrong:
        verdict = _judge(probe.spec, arguments, extended=True)
        assert not verdict.valid, (arguments["url"], verdict.parameters, verdict.body_value)
        assert any(shows in error for error in verdict.errors), (arguments["url"], verdict.errors)


def test_unknown_format_is_recorded_as_unchecked() -> None:
    """A value of a format openapi-core cannot check passes through, and its verdict says it went unchecked."""
    probe = DECODER_PROBES["unknown formats passed through (the rest of the schema checked)"]
    verdict = _judge(probe.spec, probe.correct[0][0], extended=True)
    assert verdict.valid, verdict.errors
    assert any("format 'hostname' is not checked" in w for w in verdict.warnings), verdict.warnings


def _case_folded(read: dict[str, Any], name: str) -> Any:
    return next((v for k, v in read.items() if k.lower() == name.lower()), None)
