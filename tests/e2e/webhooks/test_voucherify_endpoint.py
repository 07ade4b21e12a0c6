"""`generated.voucherify` receives Voucherify's webhooks: the receiving endpoint its docs show (docs/events.md, a
WSGI app on the standard library's server) runs on 127.0.0.1, and a sender signs events as Voucherify does
(`X-Voucherify-Signature`: the hex HMAC-SHA256 of the body with the project's webhook secret)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from testdata import ROOT

SECRET = "project-webhook-secret"
EVENTS_PAGE = ROOT / "generated" / "voucherify" / "docs" / "events.md"


def _example() -> str:
    """The docs' endpoint, which serves forever only when run as a script (`__main__`), not when run here."""
    page = EVENTS_PAGE.read_text()
    code = page.split("## Receiving webhooks", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    lines = code.rstrip().splitlines()
    assert lines[-2:] == ['if __name__ == "__main__":', '    make_server("127.0.0.1", 8000, app).serve_forever()']
    return code


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[str]]]:
    monkeypatch.setenv("VOUCHERIFY_WEBHOOK_SECRET", SECRET)
    printed: list[str] = []
    scope: dict[str, Any] = {"__name__": "example", "print": lambda *args: printed.append(" ".join(map(str, args)))}
    exec(compile(_example(), str(EVENTS_PAGE), "exec"), scope)
    server = scope["make_server"]("127.0.0.1", 0, scope["app"])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", printed
    finally:
        server.shutdown()
        server.server_close()


def _event(kind: str) -> bytes:
    event = {"id": "evt_1", "project_id": "proj_1", "created_at": "2024-01-02T08:31:46.562Z", "type": kind}
    return json.dumps({**event, "data": {"voucher": {"code": "SPRING"}}}, separators=(",", ":")).encode()


def _signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"X-Voucherify-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


def test_signed_events_are_typed(endpoint: tuple[str, list[str]]) -> None:
    url, printed = endpoint
    for kind, model in [("voucher.published", "VoucherPublishedEvent"), ("redemption.failed", "RedemptionFailedEvent")]:
        body = _event(kind)
        assert httpx.post(url, content=body, headers=_signed(body)).status_code == 204
        assert printed.pop().startswith(model)
    later = _event("voucher.loyalty_card.points_expired")
    assert httpx.post(url, content=later, headers=_signed(later)).status_code == 204
    assert printed.pop().startswith("EventUnknown")


def test_forged_events_are_refused(endpoint: tuple[str, list[str]]) -> None:
    url, printed = endpoint
    body = _event("voucher.deleted")
    assert httpx.post(url, content=body, headers=_signed(body, "another secret")).status_code == 400
    assert httpx.post(url, content=body.replace(b"SPRING", b"FREE"), headers=_signed(body)).status_code == 400
    assert httpx.post(url, content=body).status_code == 400
    assert printed == []
