"""Stage 3c, security schemes to IR: the credentials a client asks for, and what each operation needs.

One client argument per credential: schemes that send the same header, query parameter or cookie share
it, as do all HTTP basic schemes (`username`, `password`), all bearer schemes (`bearer_token`) and all
OAuth2/OpenID Connect schemes (`access_token`, plus `client_id`/`client_secret` where a
client-credentials flow can fetch the token). Each is also read from `<PACKAGE>_<ARGUMENT>`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from generator import ir
from generator.errors import Diagnostic, Severity
from generator.ir.names import Identifier
from generator.load.document import Document, join_pointer, ref_pointer, split_pointer
from generator.validate import view

# Arguments every client's `__init__` has besides its credentials and server variables.
CLIENT_ARGUMENTS = frozenset({"self", "base_url", "timeout", "max_retries", "http_client"})


def fresh(name: Identifier, taken: set[str]) -> Identifier:
    """`name`, or `name_2`, `name_3`... whichever is not in `taken` yet; it is then taken."""
    candidate, counter = name, 1
    while candidate in taken:
        counter += 1
        candidate = Identifier(f"{name}_{counter}")
    taken.add(candidate)
    return candidate


class _Credentials:
    """Credential arguments, one per distinct key, named apart from the client's other arguments."""

    def __init__(self, package: str, taken: set[str]) -> None:
        self.package = package
        self.taken = set(taken) | CLIENT_ARGUMENTS
        self.by_key: dict[tuple[str, ...], ir.Credential] = {}

    def get(self, key: tuple[str, ...], name: str) -> ir.Credential:
        if key not in self.by_key:
            argument = fresh(Identifier(name), self.taken)
            self.by_key[key] = ir.Credential(argument, f"{self.package}_{argument}".upper())
        return self.by_key[key]


def _used_schemes(doc: Document) -> list[str]:
    """Scheme names in the order the document's security requirements first use them."""
    requirements = [
        *doc.data.get("security", []),
        *(r for op in view.operations(doc) for r in op.spec.get("security", [])),
    ]
    return list(dict.fromkeys(_scheme_name(doc, name) for r in requirements for name in r))


def _scheme_name(doc: Document, name: str) -> str:
    """The scheme a requirement names: OpenAPI 3.2 also lets it be the scheme's URI, `#/components/
    securitySchemes/<key>` (after the document's `$self`, if it has one)."""
    uri, _, fragment = name.partition("#")
    parts = split_pointer(ref_pointer(f"#{fragment}"))
    if uri in ("", doc.data.get("$self")) and len(parts) == 3 and parts[:2] == ["components", "securitySchemes"]:
        return parts[2]
    return name


def build_auth(
    doc: Document, package: str, taken: set[str], warnings: list[Diagnostic]
) -> tuple[ir.SecurityScheme, ...]:
    """Every security scheme the document's requirements use (all of them if none are used), as the
    client can send it; a scheme it cannot send gets a located warning and no argument."""
    schemes = doc.data.get("components", {}).get("securitySchemes", {})
    credentials = _Credentials(package, taken)
    built = []
    for key in _used_schemes(doc) or list(schemes):
        scheme = schemes.get(key)
        if scheme is not None:  # a requirement may name a scheme the document does not define
            result = _scheme(key, scheme, credentials)
            if result is None:
                warnings.append(_unsupported(doc, key, scheme))
            else:
                built.append(result)
                warnings.extend(_partly_supported(doc, key, scheme))
    return tuple(built)


def _partly_supported(doc: Document, key: str, scheme: dict[str, Any]) -> list[Diagnostic]:
    """What OpenAPI 3.2 adds to a scheme the client sends but does not act on: a device authorization flow,
    `deprecated`."""
    at = join_pointer("components", "securitySchemes", key)
    found = []
    if scheme.get("type") == "oauth2" and "deviceAuthorization" in scheme["flows"]:
        found.append(
            Diagnostic(
                Severity.WARNING,
                doc.locate(f"{at}/flows/deviceAuthorization"),
                f"security scheme {key!r} offers the OAuth2 device authorization flow, which the generated client "
                "does not run: it takes the token as `access_token`.",
                "obtain the token by the device flow yourself and pass it as `access_token=` (or set the "
                "environment variable), or offer a client-credentials flow the client can run.",
            )
        )
    if scheme.get("deprecated") is True:
        found.append(
            Diagnostic(
                Severity.WARNING,
                doc.locate(f"{at}/deprecated"),
                f"security scheme {key!r} is deprecated; the generated client still sends its credential where "
                "an operation's requirements name it.",
                "move the operations' `security` to the scheme that replaces it.",
            )
        )
    return found


def _scheme(key: str, scheme: dict[str, Any], credentials: _Credentials) -> ir.SecurityScheme | None:
    kind, description = scheme.get("type"), str(scheme.get("description", ""))
    if kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie") and scheme.get("name"):
        location, name = str(scheme["in"]), str(scheme["name"])
        argument = name.removeprefix("X-").removeprefix("x-")
        credential = credentials.get(("apiKey", location, name.lower()), argument)
        return ir.SecurityScheme(key, "apiKey", (credential,), location, name, description=description)
    http = str(scheme.get("scheme", "")).lower()
    if kind == "http" and http == "basic":
        pair = (credentials.get(("username",), "username"), credentials.get(("password",), "password"))
        return ir.SecurityScheme(key, "basic", pair, description=description)
    if kind == "http" and http == "bearer":
        return ir.SecurityScheme(
            key, "bearer", (credentials.get(("bearer",), "bearer_token"),), description=description
        )
    if kind in ("oauth2", "openIdConnect"):
        token = credentials.get(("oauth2",), "access_token")
        flow = scheme["flows"].get("clientCredentials") if kind == "oauth2" else None
        if flow is not None:
            client = (
                credentials.get(("client_id",), "client_id"),
                credentials.get(("client_secret",), "client_secret"),
            )
            return ir.SecurityScheme(
                key, "oauth2", (token,), token_url=flow["tokenUrl"], client=client, description=description
            )
        return ir.SecurityScheme(key, "oauth2", (token,), description=description)
    return None


def _unsupported(doc: Document, key: str, scheme: dict[str, Any]) -> Diagnostic:
    what = scheme.get("type")
    if what == "http":
        what = f"http {scheme.get('scheme')!r}"
    return Diagnostic(
        Severity.WARNING,
        doc.locate(join_pointer("components", "securitySchemes", key)),
        f"security scheme {key!r} ({what}) is not one the generated client can send, so the client takes no "
        "credential for it; operations that need only it are sent without it.",
        "send its credential yourself with `extra_headers=` on the call (or an httpx client with `auth=`).",
    )


def requirements(
    doc: Document, spec: dict[str, Any], schemes: tuple[ir.SecurityScheme, ...]
) -> tuple[tuple[str, ...], ...]:
    """The alternatives of an operation's `security` (else the document's), each the schemes used together.

    Schemes the client cannot send are left out of an alternative (their warning says so); an empty
    requirement (`{}`) stays as the alternative that needs nothing.
    """
    declared = spec.get("security", doc.data.get("security", []))
    known = {s.key for s in schemes}
    return tuple(
        dict.fromkeys(
            tuple(key for key in map(partial(_scheme_name, doc), requirement) if key in known)
            for requirement in declared
        )
    )
