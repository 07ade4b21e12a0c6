"""Review noise: lines of generated output an unrelated spec edit changes, ours against datamodel-code-generator.

Edits on the full Voucherify spec: insert a schema at the front of `components.schemas`, delete an
unreferenced schema from the middle, reverse the order of `components.schemas`. Prints a table.
Run: `.venv/bin/python bench/review_noise.py` (part of `make bench`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
from spec_edits import changed_lines, delete_middle, insert_first, reverse_order

from generator.pipeline import package_tree
from testdata import VENDOR_FULL_SPEC

FULL_SPEC = VENDOR_FULL_SPEC


def ours(data: dict[str, Any], workdir: Path) -> dict[str, str]:
    """Our generated package (formatted, docs included) for a spec."""
    spec = workdir / "openapi.json"
    spec.write_text(json.dumps(data))
    return package_tree(spec, "voucherify_full")


def dcg(data: dict[str, Any], workdir: Path) -> dict[str, str]:
    """datamodel-code-generator's models for a spec (ruff-format, no timestamp)."""
    spec, out = workdir / "openapi.json", workdir / "models.py"
    spec.write_text(json.dumps(data))
    command = [sys.executable, "-m", "datamodel_code_generator", "--input", str(spec), "--input-file-type", "openapi",
               "--output", str(out), "--output-model-type", "pydantic_v2.BaseModel", "--formatters", "ruff-format",
               "--disable-timestamp"]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)
    return {"models.py": out.read_text()}


def main() -> None:
    """Run the three edits through both generators and print the changed-line counts."""
    data = json.loads(FULL_SPEC.read_text())
    before, after = delete_middle(data)
    edits = {"insert at front": (data, insert_first(data)), "delete from middle": (before, after),
             "reverse order": (data, reverse_order(data))}  # fmt: skip
    print(f"Lines changed in the generated output by one unrelated edit of {FULL_SPEC.name}:")
    print(f"  {'edit':<20}{'ours':>8}{'datamodel-code-generator':>28}")
    for name, (old, new) in edits.items():
        row = []
        for generate in (ours, dcg):
            with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
                row.append(changed_lines(generate(old, Path(a)), generate(new, Path(b))))
        print(f"  {name:<20}{row[0]:>8}{row[1]:>28}")


if __name__ == "__main__":
    main()
