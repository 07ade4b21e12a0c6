"""Stage 3c: OpenAPI 3.1 `webhooks` and 3.0/3.1 `callbacks` as typed events, their union, their signature."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import ir
from generator.errors import Diagnostic, SpecError
from generator.pipeline import build_api

DATA = Path(__file__).parents[2] / "data" / "webhooks"


def _build(tmp_path: Path, spec: dict[str, Any]) -> tuple[ir.Api, list[Diagnostic]]:
    path = tmp_path / "hooks.json"
    path.write_text(json.dumps(spec))
    warnings: list[Diagnostic] = []
    return build_api(path, "hooks", warnings=warnings), warnings


def _event_op(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": {
            "requestBody": {"content": {"application/json": {"schema": schema}}},
            "responses": {"200": {"description": "ok"}},
        }
    }


def _callbacks_30(callbacks: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hooks", "version": "1"},
        "paths": {
            "/subscribe": {
                "post": {
                    "operationId": "subscribe",
                    "responses": {"201": {"description": "ok"}},
                    "callbacks": callbacks,
                }
            }
        },
        **(extra or {}),
    }


def test_webhooks_and_callbacks_of_31_are_one_tagged_union() -> None:
    warnings: list[Diagnostic] = []
    api = build_api(DATA / "events31.yaml", "events31", warnings=warnings)
    assert api.webhooks is not None
    hooks = api.webhooks
    assert [(e.name, e.type, e.tags) for e in hooks.events] == [
        ("order.created", ir.Named(ir.names.ClassName("OrderCreated")), ("order.created",)),  # keeps its name
        ("order.paid", ir.Named(ir.names.ClassName("OrderPaidEvent")), ("order.paid",)),  # single-value enum
        ("subscribe/onPing", ir.Named(ir.names.ClassName("OnPingPostEvent")), ("ping",)),  # a callback
    ]
    assert hooks.discriminator == "type"
    assert hooks.signatures == (ir.STANDARD_WEBHOOKS,)
    union = next(d for d in api.definitions if d.name == "Event")
    assert isinstance(union, ir.UnionType) and union.fallback == "EventUnknown"
    # the callback without a JSON body is left out, with a located warning
    (dropped,) = [w for w in warnings if "no JSON request body" in w.message]
    assert dropped.location.line == 30 and "onBare" in dropped.location.pointer


def test_callbacks_of_30_without_a_common_tag_are_a_plain_union(tmp_path: Path) -> None:
    callbacks = {
        "done": {"{$request.body#/url}": _event_op({"type": "object", "properties": {"ok": {"type": "boolean"}}})},
        "failed": {"$ref": "#/components/callbacks/Failed"},
    }
    failed = {"{$request.body#/url}": _event_op({"type": "object", "properties": {"error": {"type": "string"}}})}
    components = {"components": {"callbacks": {"Failed": failed, "Unused": failed, "Spare": failed}}}
    api, warnings = _build(tmp_path, _callbacks_30(callbacks, components))
    # Callbacks no operation names are no events: one warning, at the first, counting the others.
    (unused,) = [w for w in warnings if "no operation names this callback" in w.message]
    assert unused.location.pointer == "/components/callbacks/Unused" and "(1 more like it)" in unused.message
    assert api.webhooks is not None and api.webhooks.discriminator is None
    assert isinstance(api.webhooks.union, ir.UnionOf) and len(api.webhooks.union.options) == 2
    assert [e.name for e in api.webhooks.events] == ["subscribe/done", "subscribe/failed"]


def test_shared_tag_values_do_not_discriminate(tmp_path: Path) -> None:
    pinned = {"type": "object", "properties": {"kind": {"type": "string", "enum": ["same"]}}}
    spec = _callbacks_30({"a": {"{$url}": _event_op(pinned)}, "b": {"{$url}": _event_op({**pinned, "title": "B"})}})
    api, _ = _build(tmp_path, spec)
    assert api.webhooks is not None and api.webhooks.discriminator is None


def test_no_events_no_webhooks(tmp_path: Path) -> None:
    api, _ = _build(tmp_path, _callbacks_30({}))
    assert api.webhooks is None


def test_vendor_signature_read(tmp_path: Path) -> None:
    declared = [
        {"header": "Stripe-Signature", "signed": "{timestamp}.{body}", "signature_key": "v1", "timestamp_key": "t"},
        "standard-webhooks",
    ]
    spec = _callbacks_30({"a": {"{$url}": _event_op({"type": "object"})}}, {"x-webhook-signature": declared})
    api, _ = _build(tmp_path, spec)
    assert api.webhooks is not None
    assert api.webhooks.signatures == (
        ir.Signature(
            signature_header="Stripe-Signature", signed="{timestamp}.{body}", signature_key="v1", timestamp_key="t"
        ),
        ir.STANDARD_WEBHOOKS,
    )


@pytest.mark.parametrize(
    ("declared", "pointer", "message"),
    [
        ({"algorithm": "sha256"}, "/x-webhook-signature", "names its `header`"),
        ({"header": "X-Sig", "algorithm": "md5"}, "/x-webhook-signature/algorithm", "one of sha256, sha512"),
        ({"header": "X-Sig", "signed": "{timestamp}"}, "/x-webhook-signature/signed", "includes the `{body}`"),
        ({"header": "X-Sig", "tolerance": 0}, "/x-webhook-signature/tolerance", "positive number"),
        ({"header": "X-Sig", "colour": "red"}, "/x-webhook-signature/colour", "not a field"),
        (["standard-webhooks", "svix"], "/x-webhook-signature/1", "names its `header`"),
    ],
)
def test_malformed_signature_refused_where_it_is(tmp_path: Path, declared: Any, pointer: str, message: str) -> None:
    with pytest.raises(SpecError) as raised:
        _build(tmp_path, _callbacks_30({}, {"x-webhook-signature": declared}))
    (found,) = raised.value.diagnostics
    assert found.location.pointer == pointer and message in found.message


def test_a_signature_on_a_webhook_is_refused_where_it_is(tmp_path: Path) -> None:
    spec = yaml.safe_load((DATA / "events31.yaml").read_text())
    spec["webhooks"]["order.paid"]["post"]["x-webhook-signature"] = "standard-webhooks"
    with pytest.raises(SpecError) as raised:
        _build(tmp_path, spec)
    (found,) = raised.value.diagnostics
    assert found.location.pointer == "/webhooks/order.paid/post/x-webhook-signature"
