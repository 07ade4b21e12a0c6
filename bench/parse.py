"""Parse throughput of the seed's async action: our tagged union against datamodel-code-generator's model
of the vendor's untagged spec (which, besides, picks the wrong variant).

Run: `.venv/bin/python bench/parse.py` (part of `make bench`). Prints a table.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

import generated.voucherify as voucherify

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
from testdata import VENDOR_ASYNC_ACTIONS as VENDOR

SEED = json.dumps(
    {
        "id": "aa_0adad13d6f057f088e",
        "type": "SKUS.IMPORT_CSV",
        "status": "DONE",
        "result": {
            "message": "2 sku(s) imported successfully, 6 failed.",
            "failed": [{"row": 2, "reason": "Resource sku with id size-small is in use by products"}],
            "done_count": 2,
            "failed_count": 6,
        },
        "created_at": "2022-06-23T11:21:45.578Z",
        "updated_at": "2022-06-23T11:21:46.795Z",
        "request_id": "v-0b45cee140c3c9b5ca",
        "processing_time": 1217,
        "progress": 100,
        "object": "async_action",
    }
)


def _dcg_model(workdir: Path) -> Any:
    out = workdir / "dcg_vendor.py"
    command = [sys.executable, "-m", "datamodel_code_generator", "--input", str(VENDOR), "--input-file-type", "openapi",
               "--output", str(out), "--output-model-type", "pydantic_v2.BaseModel", "--disable-timestamp"]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)
    spec = importlib.util.spec_from_file_location("dcg_vendor", out)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["dcg_vendor"] = module
    spec.loader.exec_module(module)
    return module.AsyncActionGetResponseBody


def _rate(adapter: TypeAdapter[Any]) -> float:
    runs = min(timeit.repeat(lambda: adapter.validate_json(SEED), number=5000, repeat=5))
    return 5000 / runs


def rates() -> tuple[float, float]:
    """Parses per second: (ours, datamodel-code-generator's)."""
    with tempfile.TemporaryDirectory() as workdir:
        return _rate(TypeAdapter(voucherify.AsyncAction)), _rate(TypeAdapter(_dcg_model(Path(workdir))))


def main() -> None:
    """Print parses per second for both models, and which result type each produced."""
    with tempfile.TemporaryDirectory() as workdir:
        theirs = TypeAdapter(_dcg_model(Path(workdir)))
        ours: TypeAdapter[Any] = TypeAdapter(voucherify.AsyncAction)
        ours_rate, theirs_rate = _rate(ours), _rate(theirs)
        ours_result = type(ours.validate_json(SEED).result).__name__
        theirs_value = theirs.validate_json(SEED)
        theirs_result = type(getattr(theirs_value, "result", None)).__name__
        root = getattr(getattr(theirs_value, "result", None), "root", None)
        if root is not None:
            theirs_result = type(root).__name__
    print("\nParsing the seed's SKUS.IMPORT_CSV action (validate_json, best of 5 x 5000):")
    print(f"  {'model':<48}{'parses/s':>10}  result type")
    print(f"  {'ours: tagged union with fallback':<48}{ours_rate:>10,.0f}  {ours_result}")
    print(f"  {'datamodel-code-generator, vendor spec':<48}{theirs_rate:>10,.0f}  {theirs_result}")
    print(f"  ratio: {ours_rate / theirs_rate:.1f}x")


if __name__ == "__main__":
    main()
