"""The webhook runtime (`generator/runtime/_webhooks.py`) against each scheme's published or computed vectors:
Standard Webhooks' specification example, GitHub's documented `X-Hub-Signature-256`, a Stripe-style
`t=...,v1=...` header. Clocks are passed explicitly (`now=`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest
from pydantic import BaseModel

from generator.runtime._exceptions import APIError, WebhookVerificationError
from generator.runtime._webhooks import STANDARD_WEBHOOKS, BaseWebhooks, SignatureScheme

# The Standard Webhooks specification's example.
SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SW_BODY = '{"test": 2432232314}'
SW_HEADERS = {
    "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp": "1614265330",
    "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
}
SW_NOW = 1614265330.0

# GitHub's documented example (docs.github.com, "Validating webhook deliveries").
GITHUB = SignatureScheme(signature_header="X-Hub-Signature-256", prefix="sha256=")
GH_SECRET = "It's a Secret to Everybody"
GH_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

STRIPE = SignatureScheme(
    signature_header="Stripe-Signature", signed="{timestamp}.{body}", signature_key="v1", timestamp_key="t"
)


class Event(BaseModel):
    test: int


def hooks(scheme: SignatureScheme, secret: Any = None) -> BaseWebhooks[Event]:
    return BaseWebhooks(secret=secret, schemes=[scheme], event=Event, env="EXAMPLE_WEBHOOK_SECRET")


def stripe_header(secret: str, t: int, body: str) -> str:
    return f"t={t},v1=" + hmac.new(secret.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()


def test_standard_webhooks_vector_verifies_and_parses() -> None:
    event = hooks(STANDARD_WEBHOOKS, SW_SECRET).unwrap(SW_BODY.encode(), SW_HEADERS, now=SW_NOW)
    assert event == Event(test=2432232314)
    # a secret given without its `whsec_` prefix, headers in another case
    shouted = {name.upper(): value for name, value in SW_HEADERS.items()}
    hooks(STANDARD_WEBHOOKS).verify_signature(SW_BODY, shouted, secret=SW_SECRET[6:], now=SW_NOW + 299)


@pytest.mark.parametrize(
    ("change", "now", "message"),
    [
        ({"webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF="}, SW_NOW, "no signature matches"),
        ({"webhook-id": "msg_other"}, SW_NOW, "no signature matches"),
        ({"webhook-signature": "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}, SW_NOW, "holds no signature"),
        ({"webhook-timestamp": "soon"}, SW_NOW, "not a number"),
        ({}, SW_NOW + 301, "too old"),
        ({}, SW_NOW - 301, "too new"),
    ],
)
def test_standard_webhooks_refusals(change: dict[str, str], now: float, message: str) -> None:
    with pytest.raises(WebhookVerificationError, match=message):
        hooks(STANDARD_WEBHOOKS, SW_SECRET).unwrap(SW_BODY, {**SW_HEADERS, **change}, now=now)


def test_standard_webhooks_rotation_several_signatures_and_secrets() -> None:
    rotated = {**SW_HEADERS, "webhook-signature": "v1,AAAA " + SW_HEADERS["webhook-signature"]}
    hooks(STANDARD_WEBHOOKS).verify_signature(SW_BODY, rotated, secret=["whsec_AAAA", SW_SECRET], now=SW_NOW)


def test_missing_header_tampered_body_and_wrong_secret() -> None:
    without = {k: v for k, v in SW_HEADERS.items() if k != "webhook-id"}
    with pytest.raises(WebhookVerificationError, match="no webhook-id header"):
        hooks(STANDARD_WEBHOOKS, SW_SECRET).verify_signature(SW_BODY, without, now=SW_NOW)
    with pytest.raises(WebhookVerificationError, match="no signature matches"):
        hooks(STANDARD_WEBHOOKS, SW_SECRET).verify_signature(SW_BODY + " ", SW_HEADERS, now=SW_NOW)
    with pytest.raises(WebhookVerificationError, match="not whsec_<base64>"):
        hooks(STANDARD_WEBHOOKS, "whsec_not base64!").verify_signature(SW_BODY, SW_HEADERS, now=SW_NOW)


def test_github_vector() -> None:
    hooks(GITHUB, GH_SECRET).verify_signature(b"Hello, World!", {"x-hub-signature-256": GH_SIGNATURE})
    with pytest.raises(WebhookVerificationError):
        hooks(GITHUB, GH_SECRET).verify_signature(b"Hello, World?", {"X-Hub-Signature-256": GH_SIGNATURE})
    with pytest.raises(WebhookVerificationError, match="holds no signature"):
        hooks(GITHUB, GH_SECRET).verify_signature(b"Hello, World!", {"X-Hub-Signature-256": GH_SIGNATURE[7:]})


def test_stripe_style_header() -> None:
    body = '{"test": 1}'
    header = stripe_header("sk", 1_700_000_000, body)
    # a rotated key's signature beside the current one
    rotated = header + ",v1=" + "0" * 64 + ",v0=ignored"
    event = hooks(STRIPE, "sk").unwrap(body, {"stripe-signature": rotated}, now=1_700_000_100)
    assert event.test == 1
    with pytest.raises(WebhookVerificationError, match="too old"):
        hooks(STRIPE, "sk").unwrap(body, {"Stripe-Signature": header}, now=1_700_000_301)
    with pytest.raises(WebhookVerificationError, match="no t="):
        hooks(STRIPE, "sk").unwrap(body, {"Stripe-Signature": header.split(",", 1)[1]}, now=1_700_000_000)


def test_secret_from_the_environment_and_none_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(WebhookVerificationError, match="set EXAMPLE_WEBHOOK_SECRET"):
        hooks(GITHUB).verify_signature(b"Hello, World!", {"X-Hub-Signature-256": GH_SIGNATURE})
    monkeypatch.setenv("EXAMPLE_WEBHOOK_SECRET", GH_SECRET)
    hooks(GITHUB).verify_signature(b"Hello, World!", {"X-Hub-Signature-256": GH_SIGNATURE})


def test_verified_payload_that_is_no_event_and_error_tree() -> None:
    body = "[1]"
    signature = "sha256=" + hmac.new(b"k", body.encode(), hashlib.sha256).hexdigest()
    with pytest.raises(WebhookVerificationError, match="not a valid event"):
        hooks(GITHUB, "k").unwrap(body, {"X-Hub-Signature-256": signature})
    assert issubclass(WebhookVerificationError, APIError)


def test_sha512_base64() -> None:
    scheme = SignatureScheme(signature_header="X-Sig", algorithm="sha512", encoding="base64")
    digest = base64.b64encode(hmac.new(b"k", b"{}", hashlib.sha512).digest()).decode()
    hooks(scheme, "k").verify_signature("{}", {"x-sig": digest})
