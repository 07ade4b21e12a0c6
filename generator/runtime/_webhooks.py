"""Webhooks received: the signature verified, then the payload parsed into the API's typed events.

A `SignatureScheme` says how a sender signs (from the spec: Standard Webhooks, or `x-webhook-signature`):
which headers carry the signature, timestamp and message id, what is signed (`{id}`, `{timestamp}` and `{body}`
in a template), the HMAC algorithm, how the digest is written (hex or base64, behind a prefix such as `sha256=`
or `v1,`, or as the `v1=` entries of a `t=...,v1=...` list), and how far the timestamp may be from now. Several
signatures in one header (a sender rotating its keys) and several secrets (a receiver rotating its own) are
accepted: any secret matching any signature verifies. Comparison is constant-time (`hmac.compare_digest`).

Standard Webhooks is implemented here rather than taken from PyPI's `standardwebhooks` (dependency-free in 1.1.0,
but for that one scheme only): one verifier serves every scheme, and packages gain no dependency. Its
specification's example vector is in the unit tests.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from pydantic import TypeAdapter, ValidationError

from ._exceptions import WebhookVerificationError

EventT = TypeVar("EventT")


@dataclass(frozen=True)
class SignatureScheme:
    """How a sender signs its webhooks. `signed` is the signed content, `{id}`, `{timestamp}` and `{body}`
    replaced by the id header's value, the timestamp and the raw body. With `signature_key`, the signature
    header is a comma-separated `key=value` list (`t=1492774577,v1=5257a8...`): the timestamp is its
    `timestamp_key` entry, the signatures its `signature_key` entries; without it, the header holds
    whitespace-separated signatures, each behind `prefix`."""

    signature_header: str
    signed: str = "{body}"
    algorithm: Literal["sha256", "sha512"] = "sha256"
    encoding: Literal["hex", "base64"] = "hex"
    prefix: str = ""
    timestamp_header: str | None = None
    id_header: str | None = None
    signature_key: str | None = None
    timestamp_key: str | None = None
    tolerance: int = 300  # seconds either side of now
    secret_prefix: str | None = None  # a secret written `<prefix><base64 key>` (Standard Webhooks' `whsec_`)

    def verify(self, payload: bytes, headers: Mapping[str, str], secrets: Sequence[str], now: float) -> None:
        """Raise `WebhookVerificationError` unless a signature in `headers` is one of `secrets`' for `payload`,
        made within `tolerance` seconds of `now`."""
        found = _header(headers, self.signature_header)
        timestamp = _header(headers, self.timestamp_header) if self.timestamp_header else None
        signatures = self._signatures(found)
        if self.signature_key is not None and self.timestamp_key is not None:
            stamps = _entries(found, self.timestamp_key)
            if not stamps:
                raise WebhookVerificationError(f"the {self.signature_header} header has no {self.timestamp_key}=")
            timestamp = stamps[0]
        if timestamp is not None:
            _check_time(timestamp, self.tolerance, now)
        message_id = _header(headers, self.id_header) if self.id_header else ""
        head, has_body, tail = self.signed.partition("{body}")
        fields = {"{id}": message_id, "{timestamp}": timestamp or ""}
        content = _fill(head, fields).encode() + (payload + _fill(tail, fields).encode() if has_body else b"")
        for secret in secrets:
            expected = self._digest(self._key(secret), content)
            if any(hmac.compare_digest(expected, signature) for signature in signatures):
                return
        raise WebhookVerificationError("no signature matches the webhook secret")

    def _signatures(self, header: str) -> list[bytes]:
        if self.signature_key is not None:
            written = _entries(header, self.signature_key)
        else:
            written = [item[len(self.prefix) :] for item in header.split() if item.startswith(self.prefix)]
        if not written:
            raise WebhookVerificationError(f"the {self.signature_header} header holds no signature")
        return [value.encode("ascii", "replace") for value in written]

    def _key(self, secret: str) -> bytes:
        if self.secret_prefix is None:
            return secret.encode()
        try:
            return base64.b64decode(secret.removeprefix(self.secret_prefix), validate=True)
        except binascii.Error:
            raise WebhookVerificationError(f"the webhook secret is not {self.secret_prefix}<base64>") from None

    def _digest(self, key: bytes, content: bytes) -> bytes:
        digest = hmac.new(key, content, getattr(hashlib, self.algorithm)).digest()
        return (digest.hex() if self.encoding == "hex" else base64.b64encode(digest).decode()).encode()


# https://www.standardwebhooks.com: `webhook-signature: v1,<base64> v1,<base64>`, secrets `whsec_<base64>`.
STANDARD_WEBHOOKS = SignatureScheme(
    signature_header="webhook-signature",
    id_header="webhook-id",
    timestamp_header="webhook-timestamp",
    signed="{id}.{timestamp}.{body}",
    encoding="base64",
    prefix="v1,",
    secret_prefix="whsec_",  # noqa: S106 -- the prefix secrets are written with, not a secret
)


def _header(headers: Mapping[str, str], name: str | None) -> str:
    wanted = (name or "").lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    raise WebhookVerificationError(f"the webhook has no {name} header")


def _entries(header: str, key: str) -> list[str]:
    pairs = (item.strip().partition("=") for item in header.split(","))
    return [value for name, sep, value in pairs if sep and name == key]


def _fill(template: str, fields: Mapping[str, str]) -> str:
    for name, value in fields.items():
        template = template.replace(name, value)
    return template


def _check_time(timestamp: str, tolerance: int, now: float) -> None:
    try:
        sent = int(timestamp)
    except ValueError:
        raise WebhookVerificationError(f"the webhook timestamp {timestamp!r} is not a number of seconds") from None
    if sent < now - tolerance:
        raise WebhookVerificationError("the webhook timestamp is too old (a replay, or a clock behind)")
    if sent > now + tolerance:
        raise WebhookVerificationError("the webhook timestamp is too new (a clock ahead)")


class BaseWebhooks(Generic[EventT]):
    """Verifies received webhooks against the spec's signature schemes, then parses them into `EventT`.
    Each package subclasses it with its schemes, events and environment variable."""

    def __init__(
        self,
        *,
        secret: str | Sequence[str] | None,
        schemes: Sequence[SignatureScheme],
        event: Any,
        env: str,
    ) -> None:
        self._secret = secret if secret is not None else os.environ.get(env)
        self._schemes = tuple(schemes)
        self._event: TypeAdapter[EventT] = TypeAdapter(event)
        self._env = env

    def verify_signature(
        self,
        payload: bytes | str,
        headers: Mapping[str, str],
        *,
        secret: str | Sequence[str] | None = None,
        now: float | None = None,
    ) -> None:
        """Raise `WebhookVerificationError` unless `payload` (the raw body) is signed, in `headers` (any
        mapping; names are case-insensitive), with `secret` (or one of several), else the client's secret,
        else the environment's, within the tolerance of `now` (the clock's time, seconds)."""
        given = secret if secret is not None else self._secret
        if not given:
            raise WebhookVerificationError(f"no webhook secret: pass secret=, or set {self._env}")
        secrets = [given] if isinstance(given, str) else list(given)
        body = payload.encode() if isinstance(payload, str) else bytes(payload)
        when = time.time() if now is None else now
        failure: WebhookVerificationError | None = None
        for scheme in self._schemes:  # the spec may declare several; one verifying is enough
            try:
                scheme.verify(body, headers, secrets, when)
                return
            except WebhookVerificationError as error:
                failure = failure or error
        raise failure or WebhookVerificationError("the spec declares no webhook signature scheme")

    def unwrap(
        self,
        payload: bytes | str,
        headers: Mapping[str, str],
        *,
        secret: str | Sequence[str] | None = None,
        now: float | None = None,
    ) -> EventT:
        """The event `payload` carries, once its signature is verified (`verify_signature`); an event type
        this package does not know yet parses as the events' generic model, every field kept."""
        self.verify_signature(payload, headers, secret=secret, now=now)
        try:
            return self._event.validate_python(json.loads(payload))
        except (ValueError, ValidationError) as error:
            raise WebhookVerificationError(f"the webhook payload is not a valid event: {error}") from error
