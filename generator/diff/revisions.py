"""Another git revision of the specs, and that revision in words (`python -m generator diff`)."""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from generator.errors import Location, SpecError


@contextlib.contextmanager
def specs_at(revision: str, spec_dir: Path) -> Iterator[Path]:
    """A temporary copy of `spec_dir` as it was at `revision`, removed on exit."""
    _refuse_option(revision)
    top = _toplevel(spec_dir)
    relative = spec_dir.resolve().relative_to(top).as_posix()
    result = subprocess.run(
        ["git", "archive", "--format=tar", revision, "--", relative],
        cwd=top,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise SpecError.at(
            Location(spec_dir.as_posix()),
            f"git could not read {relative}/ at {revision!r}: {result.stderr.decode(errors='replace').strip()}",
            "name a revision (commit, tag or branch) that has the spec directory.",
        )
    with tempfile.TemporaryDirectory(prefix="specs-") as target:
        with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
            archive.extractall(target, filter="data")  # the data filter refuses links and paths outside target
        yield Path(target) / relative


def in_words(revision: str | None, spec_dir: Path) -> str:
    """`revision` for a reader: `HEAD (commit abc1234)`, `commit abc1234`, or `the working tree` for None."""
    if revision is None:
        return "the working tree"
    _refuse_option(revision)
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "--short", f"{revision}^{{commit}}"],
        cwd=_toplevel(spec_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SpecError.at(Location(revision), "git knows no such commit.", "name a commit, tag or branch.")
    commit, typed = result.stdout.strip(), revision.lower()
    # A hash the user typed is said once; a name (HEAD, a tag, HEAD~2) gets the commit it stood for.
    is_hash = typed.startswith(commit) or commit.startswith(typed)
    return f"commit {commit}" if is_hash else f"{revision} (commit {commit})"


def _refuse_option(revision: str) -> None:
    if revision.startswith("-"):  # would be read as an option by git
        raise SpecError.at(Location(revision), "not a revision.", "name a commit, tag or branch.")


def _toplevel(path: Path) -> Path:
    result = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SpecError.at(
            Location(path.as_posix()),
            "the spec directory is not in a git repository, so there is no revision to compare with.",
            "run the command inside the project's git checkout.",
        )
    return Path(result.stdout.strip()).resolve()
