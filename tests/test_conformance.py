"""Generated clients send what the spec describes, as judged by openapi-core, a validator we did not write.

Each spec is generated, its operations called through the sync and the async client against a
`ValidatingServer`, and every call must be accepted (`conformance.Call.accepted`): no validator
error, every argument read back as sent, no exception. The only exceptions are listed below by
operation, each with the known openapi-core 0.23.1 gap (or the spec's own flaw) that makes it fail;
any other failure, or a listed one that no longer fails, fails the test. `bench/conformance.py` runs
the same machinery on whole specs (Stripe's too) and prints every failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from conformance import Call, LocalTransport, Plan, generate, imported, load_spec, run_spec, spec_parameters, token_urls
from conformance_verdicts import GAPS, Mismatch, round_trip
from synth import Synthesizer
from validating_server import ValidatingServer, Verdict

from generator import ir
from generator.ir.names import Identifier
from testdata import READMEEXAMPLES, VENDOR_FULL_SPEC

README_EXAMPLES = (
    "parameters-style",
    "form-data",
    "file-uploads",
    "parameters-cookies",
    "security",
    "security-multiple",
    "schema-encoding-style",
)

# (spec, operation id) -> the known openapi-core 0.23.1 gap (a key of conformance_verdicts.GAPS) that fails it.
VALIDATOR_GAPS: dict[tuple[str, str], str] = {
    # /anything/path/matrix|label/{primitive}/{array}/{object}: reported missing however they are sent.
    ("parameters-style", "paths_matrix_nonExploded"): "label/matrix path",
    ("parameters-style", "paths_matrix_exploded"): "label/matrix path",
    ("parameters-style", "paths_label_nonExploded"): "label/matrix path",
    ("parameters-style", "paths_label_exploded"): "label/matrix path",
    # `object` sent as ?name=..&description=.. (cookies: name=..; description=..): openapi-core reads nothing.
    ("parameters-style", "cookies_standard"): "exploded form object",
    ("parameters-style", "query_standard"): "exploded form object",
    ("parameters-style", "query_form_exploded"): "exploded form object",
    # array=a%20b is read as ['a b'] (the object half of this operation must be sent space-delimited too).
    ("parameters-style", "query_spaceDelimited_nonExploded"): "spaceDelimited",
    # multipart bodies whose `encoding` gives a style: openapi-core fails on every part it styles.
    ("parameters-style", "form_data_form_exploded"): "multipart encoding style",
    ("parameters-style", "formData_form_nonExploded"): "multipart encoding style",
    ("parameters-style", "formData_spaceDelimited_nonExploded"): "multipart encoding style",
    ("parameters-style", "form_data_pipeDelimited_nonExploded"): "multipart encoding style",
    ("parameters-style", "form_data_deepObject_exploded"): "multipart encoding style",
    ("schema-encoding-style", "encoding_form"): "multipart encoding style",
    # orderId/userId are integers: their text parts are not cast.
    ("file-uploads", "post /anything/multipart-formdata"): "multipart text parts",
    # Voucherify (every 10th operation): `customer` is an allOf sent as deepObject; `origin` is format hostname.
    ("voucherify", "create-publication-1"): "deepObject non-object schema",
    ("voucherify", "track-custom-event-client-side"): "unknown format",
}
# (spec, operation id) -> why the spec itself cannot be satisfied as written: no client can pass these.
SPEC_FLAWS: dict[tuple[str, str], str] = {
    # /cookies#formNonExploded: the '#...' is a URL fragment, so the request is validated as GET /cookies.
    ("parameters-style", "cookies_form_nonExploded"): "a '#' in the spec's path",
    ("parameters-style", "cookies_form_exploded"): "a '#' in the spec's path",
    # apiKey_header AND basic AND oauth2: basic and oauth2 both need the one Authorization header.
    ("security-multiple", "post /anything/and"): "Authorization header",
}


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


def _check(calls: list[Call], spec: str) -> None:
    unexpected, stale = _unexpected(calls, spec), _stale(calls, spec)
    assert not unexpected, f"{len(unexpected)} calls not accepted by openapi-core:\n" + "\n".join(unexpected)
    assert not stale, f"listed as failing but accepted (remove them from the lists): {stale}"


@pytest.mark.parametrize("name", README_EXAMPLES)
def test_readme_example(name: str, tmp_path: Path) -> None:
    """Every operation of a ReadMe request-feature example, sync and async."""
    run = run_spec(READMEEXAMPLES / f"{name}.json", tmp_path, package=f"conf_{name.replace('-', '_')}", label=name)
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
            client.o_auth_2.put_anything_oauth2()  # security: oauth2_clientCredentials
        assert [r["form"].get("grant_type") for r in server.token_requests] == ["client_credentials"]
        (verdict,) = server.verdicts
        assert verdict.valid, verdict.errors
        assert verdict.headers.get("Authorization") == "Bearer tok"


# --- the gaps themselves: hand-written requests openapi-core 0.23.1 gets wrong -----------------------

_OBJECT = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
_ARRAY = {"type": "array", "items": {"type": "string"}}


def _spec(parameters: list[dict[str, Any]] | None = None, body: dict[str, Any] | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": "op", "responses": {"200": {"description": "OK"}}}
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"content": body}
    path = "/x/{p}" if any(p["in"] == "path" for p in parameters or []) else "/x"
    return {"openapi": "3.0.3", "info": {"title": "gap", "version": "1"}, "paths": {path: {"post": operation}}}


# gap -> (spec, the correct request as httpx.post arguments, what shows the gap in the verdict)
GAP_PROBES: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "label/matrix path": (
        _spec([{"name": "p", "in": "path", "required": True, "style": "label", "schema": _ARRAY}]),
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
        _spec([{"name": "q", "in": "query", "style": "deepObject", "schema": {"allOf": [_OBJECT]}}]),
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
    "exploded form object": {"o": {"a": "1", "b": "2"}},
    "spaceDelimited": {"l": ["a", "b"]},
    "allOf form body": {"body": {"a": "x", "n": 2}},
}


def test_every_gap_has_a_probe() -> None:
    """Each gap the classification knows is shown by a hand-written request below."""
    assert set(GAP_PROBES) == set(GAPS)


@pytest.mark.parametrize("gap", sorted(GAP_PROBES))
def test_gap_still_exists(gap: str) -> None:
    """openapi-core 0.23.1 still gets this correct request wrong; when it stops, drop the gap and its exceptions."""
    spec, arguments, shows = GAP_PROBES[gap]
    request = dict(arguments)
    with ValidatingServer(spec) as server:
        httpx.post(server.url + request.pop("url"), **request)
    (verdict,) = server.verdicts
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
