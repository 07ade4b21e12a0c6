"""Where the third-party inputs of the tests and benchmarks are: inside the repository, never beside it.

tests/data/README.md says where each file comes from and under which licence.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # tests/support/testdata.py
DATA = ROOT / "tests" / "data"
SEEDS = DATA / "seeds"
VENDOR_ASYNC_ACTIONS = DATA / "third_party" / "voucherify" / "async-actions.json"
VENDOR_FULL_SPEC = DATA / "third_party" / "voucherify" / "openapi.json"
READMEEXAMPLES = DATA / "third_party" / "readme"
STRIPE_SPEC = DATA / "third_party" / "stripe" / "stripe.com.json"
