"""The IR's webhooks: the events an API sends (OpenAPI 3.1 `webhooks`, operations' `callbacks`) and how it
signs them (Standard Webhooks, or `x-webhook-signature`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.ir.type_exprs import TypeExpr


@dataclass(frozen=True)
class Signature:
    """How the sender signs a webhook: the fields of the runtime's `SignatureScheme` (`_webhooks.py`)."""

    signature_header: str
    signed: str = "{body}"
    algorithm: Literal["sha256", "sha512"] = "sha256"
    encoding: Literal["hex", "base64"] = "hex"
    prefix: str = ""
    timestamp_header: str | None = None
    id_header: str | None = None
    signature_key: str | None = None
    timestamp_key: str | None = None
    tolerance: int = 300
    secret_prefix: str | None = None


# https://www.standardwebhooks.com, the scheme of a spec that declares none.
STANDARD_WEBHOOKS = Signature(
    signature_header="webhook-signature",
    id_header="webhook-id",
    timestamp_header="webhook-timestamp",
    signed="{id}.{timestamp}.{body}",
    encoding="base64",
    prefix="v1,",
    secret_prefix="whsec_",  # noqa: S106 -- how secrets are written, not a secret
)


@dataclass(frozen=True)
class Event:
    """One event the API sends: a webhook's name (`order.created`) or a callback's `operation/callback`, its
    payload's type, and the discriminator values that select it in the union of all events."""

    name: str
    type: TypeExpr
    tags: tuple[str, ...] = ()
    summary: str = ""


@dataclass(frozen=True)
class Webhooks:
    """The API's events, their union (`union`, tagged by `discriminator` when every event carries one) and
    the signature schemes a received one is verified against (any one verifying is enough)."""

    events: tuple[Event, ...]
    union: TypeExpr
    discriminator: str | None
    signatures: tuple[Signature, ...]
