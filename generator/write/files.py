"""Stage 5b, write: put a rendered tree on disk atomically, or compare it with one.

The new tree is written beside the target and swapped in only when complete,
so a failed or interrupted run leaves the old tree as it was (`leftovers`).
Files the generator did not write (its manifest does not list them) are the
user's: they are carried into the new tree as they are, never overwritten; the
hand edits of those it did are merged into their new text (`edits`).
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Diagnostic, Location, SpecError
from generator.write import manifest
from generator.write.edits import BASES, Kept, keep_edits
from generator.write.edits import Tree as Tree  # the type every stage hands a tree over in
from generator.write.leftovers import old_copy, recover, staging_prefix


def _paths(root: Path) -> list[str]:
    """The relative paths of the files under `root`, except caches."""
    if not root.is_dir():
        return []
    return [
        path.relative_to(root).as_posix()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith((".pyc", ".pyo"))
    ]


def _users(root: Path, ours: set[str]) -> list[str]:
    """What under `root` the generator did not write: files, symbolic links and empty directories."""
    found = []
    for folder, directories, files in os.walk(root):
        for name in sorted(directories + files):
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if name == "__pycache__" or name.endswith((".pyc", ".pyo")):
                continue
            if (
                path.is_symlink()
                or (name in files and relative not in ours)
                or (path.is_dir() and not any(path.iterdir()))
            ):
                found.append(relative)
    return found


def _carry(source: Path, target: Path) -> None:
    """Copy one thing of the user's into the new tree as it is: a link stays a link, not a copy of its target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        target.symlink_to(os.readlink(source))
    elif source.is_dir():
        target.mkdir()
    else:
        shutil.copy2(source, target)


def read_tree(root: Path, only: set[str] | None = None) -> Tree:
    """Every file under `root` (those of `only`, when given), except caches."""
    return {
        relative: (root / relative).read_text(encoding="utf-8")
        for relative in _paths(root)
        if only is None or relative in only
    }


def generated_tree(root: Path) -> Tree:
    """The files under `root` that the generator wrote, per its manifest."""
    return read_tree(root, manifest.owned(root, _paths(root)))


def expected_tree(tree: Tree, root: Path) -> Kept:
    """What `write_tree(tree, root)` would write (hand edits merged in), for `check`; writes nothing."""
    return keep_edits(tree, generated_tree(root), root)


@dataclass(frozen=True)
class Written:
    """What `write_tree` did: whether it changed the files, which carry hand edits, which conflict."""

    changed: bool
    edited: list[str]
    conflicts: list[str]
    notes: list[Diagnostic]


def write_tree(tree: Tree, root: Path, discard: Collection[str] | None = ()) -> Written:
    """Replace the generator's files under `root` with `tree`, and a manifest listing them when `tree` has
    none; keep the files it did not write, and the hand edits of those it did (`edits.py`), except the edits of
    the files in `discard` (None: all). Touch nothing when they are already identical (`Written.changed`).
    """
    recover(root)
    if manifest.NAME not in tree:
        tree = {**tree, manifest.NAME: manifest.listing(tree)}
    present = _paths(root)
    ours = manifest.owned(root, present)
    current = read_tree(root, ours)
    kept = keep_edits(tree, current, root, discard)
    theirs = _users(root, ours) + kept.orphans
    _refuse_to_overwrite(root, [relative for relative in theirs if relative in kept.tree])
    written = Written(kept.tree != current, kept.edited, kept.conflicts, kept.notes)
    if not written.changed:
        return written
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(root), dir=root.parent))
    try:
        write_files(kept.tree, staging)
        for relative in theirs:
            _carry(root / relative, staging / relative)
        old = old_copy(root)
        if root.exists():
            root.rename(old)
        try:
            staging.rename(root)
        except OSError:
            if old.exists():
                old.rename(root)
            raise
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _refuse_to_overwrite(root: Path, clashes: list[str]) -> None:
    if clashes:
        more = f" (and {len(clashes) - 1} more: {', '.join(clashes[1:6])}{', ...' if len(clashes) > 6 else ''})"
        raise SpecError.at(
            Location((root / clashes[0]).as_posix()),
            f"this file{more if len(clashes) > 1 else ''} was not written by sdk-generator ({manifest.NAME} "
            "does not list it), and the generated package has a file of that name, so nothing was written.",
            f"move it (files sdk-generator did not write are kept beside the ones it writes), generate into "
            f"another directory, or, if an older sdk-generator wrote {root}, delete that directory once.",
        )


def write_files(tree: Tree, directory: Path) -> None:
    """Write every file of `tree` under `directory` (which exists), creating subdirectories.

    One after another: a pool of writer threads was 2 to 3 times slower for Microsoft Graph's 25,899
    files, on disk and in memory alike (the threads contend for the interpreter more than they wait).
    """
    for folder in sorted({(directory / relative).parent for relative in tree}):
        folder.mkdir(parents=True, exist_ok=True)
    for relative, text in tree.items():
        (directory / relative).write_text(text, encoding="utf-8", newline="\n")


def diff_trees(expected: Tree, actual: Tree, label: str) -> str:
    """A unified diff from the tree on disk (`actual`) to the regenerated one (`expected`)."""
    chunks: list[str] = []
    for relative in sorted(expected.keys() | actual.keys()):
        before, after = actual.get(relative), expected.get(relative)
        if before == after:
            continue
        if relative.startswith(BASES):  # a copy of the output beside the file, not worth reading twice
            state = "added" if before is None else "removed" if after is None else "changed"
            chunks.append(f"{label}/{relative}: {state} (the output a hand edit is merged with)\n")
            continue
        chunks.extend(
            difflib.unified_diff(
                (before or "").splitlines(keepends=True),
                (after or "").splitlines(keepends=True),
                fromfile=f"{label}/{relative}" if before is not None else "/dev/null",
                tofile=f"{label}/{relative} (regenerated)" if after is not None else "/dev/null",
            )
        )
    return "".join(chunks)


# The first words of every pyproject.toml the generator writes; a file without them is the user's own.
PYPROJECT_MARKER = "# Generated by sdk-generator"


def write_owned_file(path: Path, text: str, marker: str) -> bool:
    """Write one generated file atomically; refuse to replace a file that does not start with `marker`.

    Returns False (and touches nothing) when the file already holds `text`.
    """
    try:
        current: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = None
    if current == text:
        return False
    if current is not None and not current.startswith(marker):
        raise SpecError.at(
            Location(path.as_posix()),
            "this file exists and was not written by sdk-generator, so it is left as it is.",
            "choose another --out directory for the generated distribution, or remove the file.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=f".{path.name}-", delete=False, encoding="utf-8"
    ) as f:
        f.write(text)
    os.replace(f.name, path)
    return True
