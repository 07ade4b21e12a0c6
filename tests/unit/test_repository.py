"""The repository is self-contained: its tests, benchmarks and CI read nothing beside it."""

from __future__ import annotations

import re

import pytest
from repo_guard import ReadOutsideRepository

from conftest import REFUSED_READS
from testdata import DATA, ROOT

# Ways a path climbs out of the checkout: `ROOT.parent / ...`, `../x` in a shell line, `.parent.parent.parent`.
_CLIMBS = re.compile(r"ROOT\.parent\b|\.parent\.parent\.parent|(?<![\w.])\.\./(?!\.\.)")


def _sources() -> list[str]:
    files = [*(ROOT / "bench").glob("*.py"), *(ROOT / ".ci").iterdir(), ROOT / "Makefile"]
    # In tests, '../x' strings are hostile *inputs* the generator must refuse; only ROOT.parent reads count.
    return [p.relative_to(ROOT).as_posix() for p in sorted(files) if p.is_file()]


@pytest.mark.parametrize("name", _sources())
def test_no_script_names_a_path_beside_the_repository(name: str) -> None:
    found = [line for line in (ROOT / name).read_text().splitlines() if _CLIMBS.search(line)]
    assert not found, f"{name} reads outside the repository: {found}"


def test_no_test_module_climbs_out_of_the_checkout() -> None:
    found = [
        f"{path.name}: {line.strip()}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path.name != "test_repository.py"
        for line in path.read_text().splitlines()
        if re.search(r"ROOT\.parent\b|\.parent\.parent\.parent", line)
    ]
    assert not found


def test_the_guard_refuses_a_read_beside_the_repository() -> None:
    sibling = ROOT.parent / "a-sibling-checkout" / "README.md"  # any path beside the clone
    with pytest.raises(ReadOutsideRepository, match="outside the repository"):
        sibling.read_text()
    assert str(sibling) in REFUSED_READS
    REFUSED_READS.remove(str(sibling))  # refused on purpose: not a failure of the run


def test_reads_inside_the_repository_pass_the_guard() -> None:
    assert (DATA / "README.md").read_text().startswith("# Test data")
    assert {p.name for p in (DATA / "third_party" / "voucherify").iterdir()} == {"async-actions.json", "openapi.json"}
