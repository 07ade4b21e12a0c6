"""A small API whose operations need API keys in each place a key can go (header, query, cookie),
for the hostile transport tests: generate it with `keyed_package(make_package)`."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from conftest import MakePackage

APP_ID, APP_TOKEN, QUERY_KEY, SESSION = "app-id-123", "app-token-secret-456", "query-key-secret-789", "cookie-secret-0"


def _operation(operation_id: str, security: list[dict[str, list[str]]], **extra: Any) -> dict[str, Any]:
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
    return {"operationId": operation_id, "tags": ["calls"], "security": security, "responses": ok, **extra}


PAGE = {
    "description": "a page of notes and the URL of the next one",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"data": {"type": "array", "items": {"type": "object"}}, "next": {"type": "string"}},
            }
        }
    },
}
KEYS = [{"appId": [], "appToken": []}]
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Keyed", "version": "1"},
    "servers": [{"url": "http://127.0.0.1:1"}],
    "paths": {
        "/things": {
            "get": _operation("getThings", KEYS),
            "post": _operation(
                "postThings",
                KEYS,
                requestBody={"content": {"application/json": {"schema": {"type": "object"}}}},
            ),
        },
        "/search": {"get": _operation("search", [{"queryKey": []}])},
        "/session": {"get": _operation("session", [{"sessionKey": []}])},
        "/pages": {"get": {**_operation("listPages", [{"queryKey": []}]), "responses": {"200": PAGE}}},
        "/notes": {
            "get": _operation(
                "getNotes",
                KEYS,
                parameters=[{"name": "X-Note", "in": "header", "schema": {"type": "string"}}],
            )
        },
    },
    "components": {
        "securitySchemes": {
            "appId": {"type": "apiKey", "in": "header", "name": "X-App-Id"},
            "appToken": {"type": "apiKey", "in": "header", "name": "X-App-Token"},
            "queryKey": {"type": "apiKey", "in": "query", "name": "api_key"},
            "sessionKey": {"type": "apiKey", "in": "cookie", "name": "session"},
        }
    },
}


def keyed_package(make_package: MakePackage) -> ModuleType:
    """The generated `keyed` package (its client: `keyed.KeyedClient`)."""
    return make_package(SPEC, package="keyed")


def client_options(base_url: str) -> dict[str, str]:
    """Every credential the API takes, and where the client sends them."""
    return {"base_url": base_url, "app_id": APP_ID, "app_token": APP_TOKEN, "api_key": QUERY_KEY, "session": SESSION}
