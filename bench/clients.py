"""Client benchmarks on loopback: per-request overhead, and how waiting for async work behaves.

Run: `make bench` (or `.venv/bin/python bench/clients.py`). Prints a table; asserts nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from pydantic import TypeAdapter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))
import generated.voucherify as voucherify
from apiserver import APP_ID, APP_TOKEN, APIServer
from generated.voucherify._auth import Placement
from generated.voucherify._deadline import Deadline
from generated.voucherify._encoding import Body, PartEncoding
from generated.voucherify._endpoint import Endpoint
from generated.voucherify._runtime import ResponseType

REQUESTS = 1000
ROUNDS = 5
DONE = {"status": "DONE", "progress": 100, "result": {"message": "ok", "done_count": 1}}


def _per_request(calls: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Seconds per call of each callable: the best of ROUNDS means over REQUESTS calls.

    The callables take turns round by round, so a slow spell of the machine hits all of them,
    and the best round is the one least disturbed (as `timeit` advises).
    """
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(ROUNDS):
        for name, call in calls.items():
            started = time.perf_counter()
            for _ in range(REQUESTS):
                call()
            best[name] = min(best[name], (time.perf_counter() - started) / REQUESTS)
    return best


def overhead(server: APIServer) -> None:
    """Our client against bare httpx on the same keep-alive connection pool and server."""
    server.state.add_action("aa_b", "VOUCHERS.IMPORT", [(0, DONE)])
    url = f"{server.url}/v1/async-actions/aa_b"
    headers = {"X-App-Id": APP_ID, "X-App-Token": APP_TOKEN, "Accept": "application/json"}
    adapter: TypeAdapter[Any] = TypeAdapter(voucherify.AsyncAction)
    with (
        httpx.Client() as http,
        voucherify.VoucherifyClient(
            app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url, http_client=http
        ) as client,
    ):
        timings = _per_request(
            {
                "bare": lambda: http.get(url, headers=headers).json(),
                "parsed": lambda: adapter.validate_json(http.get(url, headers=headers).content),
                "ours": lambda: client.async_actions.get("aa_b"),
            }
        )
    bare, parsed, ours = timings["bare"], timings["parsed"], timings["ours"]
    print(f"\nPer request, GET one async action over loopback ({REQUESTS} requests, best of {ROUNDS} rounds):")
    print(f"  {'bare httpx + json()':<38}{bare * 1e6:8.0f} us")
    print(f"  {'bare httpx + pydantic validate_json':<38}{parsed * 1e6:8.0f} us")
    print(f"  {'VoucherifyClient.async_actions.get':<38}{ours * 1e6:8.0f} us")
    print(f"  client overhead over bare httpx + parse: {(ours - parsed) * 1e6:.0f} us ({ours / parsed:.2f}x)")


def _fixed_interval_wait(client: voucherify.VoucherifyClient, action_id: str, interval: float) -> None:
    while client.async_actions.get(action_id).status is not voucherify.AsyncActionStatus.DONE:
        time.sleep(interval)


def waiting(server: APIServer) -> None:
    """Requests issued and time to notice completion: our back-off against a fixed 1 s interval."""
    print("\nWaiting for an action that finishes after T seconds (requests issued / noticed after T):")
    print(f"  {'T':>6}  {'ours (0.5 s x1.5, cap 10 s)':>28}  {'fixed 1 s interval':>20}")
    with voucherify.VoucherifyClient(app_id=APP_ID, app_token=APP_TOKEN, base_url=server.url) as client:
        for finish in (0.3, 1.2, 3.7, 9.0):
            results = []
            for label, wait in (
                ("ours", lambda i: client.async_actions.wait(i, timeout=60)),
                ("fixed", lambda i: _fixed_interval_wait(client, i, 1.0)),
            ):
                action_id = f"aa_{label}_{finish}"
                server.state.add_action(action_id, "VOUCHERS.IMPORT", [(0, {"status": "IN_PROGRESS"}), (finish, DONE)])
                started = time.monotonic()
                wait(action_id)
                late = time.monotonic() - started - finish
                results.append(f"{len(server.state.requests_to(f'/v1/async-actions/{action_id}'))} req / +{late:.2f} s")
            print(f"  {finish:>5.1f}s  {results[0]:>28}  {results[1]:>20}")


FORM = {"email": "a@b.c", "name": "Ada", "description": "x" * 40, "phone": "+100", "balance": 10}
METADATA = {f"key{i}": f"value {i}" for i in range(5)}
NONE: ResponseType[None] = ResponseType(target=lambda: None)
CSV = b"code,value\n" + b"".join(b"CODE%05d,10\n" % i for i in range(5000))  # ~70 KB


def encoding() -> None:
    """What encoding a form or multipart body costs: ours against httpx's own, on the same fields.

    Each side is timed building the request with the body and without it; the difference is the
    encoding. httpx gets the fields already flattened (`metadata[key0]=...`), as a hand-written call
    would pass them; ours flattens the deepObject itself. The body is read, so the encoding is done.
    """
    deep = {"metadata": PartEncoding(style="deepObject")}
    form_body = Body(media_type="application/x-www-form-urlencoded", kind="form", encoding=deep)
    form = Endpoint(method="POST", path="/f", response=NONE, bodies=(form_body,))
    multipart_body = Body(media_type="multipart/form-data", kind="multipart")
    multipart = Endpoint(method="POST", path="/m", response=NONE, bodies=(multipart_body,))
    flat = {**FORM, **{f"metadata[{k}]": v for k, v in METADATA.items()}}
    text_fields = {"webhooks_enable": "true", "source": "bench", "note": "n"}
    url = "http://127.0.0.1:1"
    with httpx.Client() as http, voucherify.VoucherifyClient(base_url=url, http_client=http) as client:

        def ours(endpoint: Endpoint[Any], body: Any) -> None:
            client._build_request(http, endpoint, {}, body, None, {}, Placement(), Deadline(client.timeout)).read()

        timings = _per_request(
            {
                "httpx none": lambda: http.build_request("POST", url + "/f").read(),
                "httpx form": lambda: http.build_request("POST", url + "/f", data=flat).read(),
                "httpx multipart": lambda: http.build_request(
                    "POST", url + "/m", data=text_fields, files={"file": ("v.csv", CSV, "text/csv")}
                ).read(),
                "ours none": lambda: ours(form, None),
                "ours form": lambda: ours(form, {**FORM, "metadata": METADATA}),
                "ours multipart": lambda: ours(multipart, {**text_fields, "file": ("v.csv", CSV, "text/csv")}),
            }
        )
    print(f"\nEncoding a request body, beyond building the request ({REQUESTS} requests, best of {ROUNDS} rounds):")
    for kind in ("form", "multipart"):
        theirs = timings[f"httpx {kind}"] - timings["httpx none"]
        mine = timings[f"ours {kind}"] - timings["ours none"]
        print(f"  {kind:<10} httpx {theirs * 1e6:7.1f} us   ours {mine * 1e6:7.1f} us   ({mine / theirs:.2f}x)")
    bare, ours_bare = timings["httpx none"] * 1e6, timings["ours none"] * 1e6
    print(f"  building the request itself: httpx {bare:.1f} us, ours {ours_bare:.1f} us")


def main() -> None:
    """Run the benchmarks; the first two against one local server."""
    with APIServer() as server:
        overhead(server)
        waiting(server)
    encoding()


if __name__ == "__main__":
    main()
