"""The IR's package: credentials, server variables and the `Api` that holds everything one package holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.ir.definitions import Definition, Param
from generator.ir.events import Webhooks
from generator.ir.names import ClassName, Identifier, async_name
from generator.ir.operations import Group


@dataclass(frozen=True)
class Credential:
    """A client argument holding a secret, also read from the environment variable `env_var`."""

    name: Identifier
    env_var: str


SchemeKind = Literal["apiKey", "basic", "bearer", "oauth2"]


@dataclass(frozen=True)
class SecurityScheme:
    """A security scheme the client can satisfy, and the credentials it asks for.

    apiKey: one credential sent as header, query parameter or cookie `name`; basic: user name and
    password; bearer (also openIdConnect): a token; oauth2: an access token, or with a
    client-credentials flow, a client id and secret traded for one at `token_url`.
    """

    key: str  # the scheme's name in the spec
    kind: SchemeKind
    credentials: tuple[Credential, ...]
    location: str = "header"
    name: str = "Authorization"
    token_url: str | None = None
    client: tuple[Credential, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class ServerVariable:
    """A `{variable}` of the server URL, asked for as a client argument."""

    name: Identifier
    wire_name: str
    default: str
    choices: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Api:
    """Everything one generated package holds."""

    package: Identifier
    import_name: str  # how users import the package, e.g. `generated.voucherify`
    source_name: str
    source_sha256: str
    title: str
    description: str
    version: str
    client_name: ClassName
    server_url: str
    server_variables: tuple[ServerVariable, ...]
    auth: tuple[SecurityScheme, ...]
    definitions: tuple[Definition, ...]
    groups: tuple[Group, ...]
    webhooks: Webhooks | None = None  # the events the API sends, when it documents any
    idempotency_header: str | None = None  # the header the spec reads idempotency keys from (`idempotency.py`)
    params: tuple[Param, ...] = ()  # the TypedDicts (and their unions) request bodies may be given as

    @property
    def async_client_name(self) -> str:
        """The async client class (`names.async_name`): `AsyncVoucherifyClient`."""
        return async_name(self.client_name)
