"""Hand edits to generated files, kept through regeneration by a three-way merge.

For a listed file whose text on disk is not the one the manifest records (its git blob id), the new output
is merged with the edit as git merges branches: base, the file as last generated; ours, the file on disk;
theirs, the new output. The base is the new output itself when that did not change (the usual case: an edit
made since the last run); else it is read from `.sdk-generator/base/`, where every run keeps the output
of each file that carries an edit, else from git's objects (`git cat-file`: any clone that committed the
file as generated has it). `git merge-file` merges and writes conflicts with git's markers; neither is
needed unless the edit and a change of the output meet in one file.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Diagnostic, Location, Severity, SpecError
from generator.write import manifest

Tree = dict[str, str]  # relative POSIX path -> text

# Where the output of each file that carries an edit is kept, beside the files (written with them, atomically).
BASES = ".sdk-generator/base/"

_BLOB_ID = re.compile(r"[0-9a-f]{40}")

_MARKERS = manifest.CONFLICT_MARKERS
# The opening marker lines of a text: generate labels its own `<<<<<<< <path> (edited)`.
_OPENINGS = re.compile(r"^<{7}(?: .*)?$", re.MULTILINE)


@dataclass
class Kept:
    """A generated tree with the hand edits of the tree on disk merged in."""

    tree: Tree
    edited: list[str] = field(default_factory=list)  # files whose text carries edits
    conflicts: list[str] = field(default_factory=list)  # edited files with conflict markers to resolve
    orphans: list[str] = field(default_factory=list)  # edited files no longer generated: now the user's own
    notes: list[Diagnostic] = field(default_factory=list)


def keep_edits(tree: Tree, current: Tree, root: Path, discard: Collection[str] | None = ()) -> Kept:
    """`tree` (a generated tree, with its manifest) with the edits of `current` (the generated files on disk
    under `root`) merged in, except those of the files in `discard` (None: every file's)."""
    generated = manifest.generated_blobs(root)
    edits = {
        name: text
        for name, text in current.items()
        if name in generated and name != manifest.NAME and not name.startswith(BASES)
        if manifest.blob_id(text) != generated[name]
    }
    unknown = sorted(set(discard or ()) - edits.keys())
    if unknown:
        raise SpecError.at(
            Location("--discard-edit"),
            f"{', '.join(unknown)}: not a generated file that carries edits.",
            f"name a file of {root} as the manifest lists it; the edited ones: {', '.join(sorted(edits)) or 'none'}.",
        )
    _refuse_merge_leftovers({n: t for n, t in edits.items() if discard is not None and n not in discard}, root)
    kept = Kept(tree={name: text for name, text in tree.items() if name != manifest.NAME})
    for name, ours in sorted(edits.items()):
        theirs = tree.get(name)
        if discard is None or name in discard:
            continue
        if theirs is None:
            kept.orphans.append(name)
            kept.notes.append(_orphan(root / name))
            continue
        if manifest.blob_id(theirs) == generated[name]:
            merged = ours  # the output did not change: the edit is the whole difference
        else:
            merged = _merge(root, name, ours, _base(name, generated[name], current, root, kept.notes), theirs)
        kept.tree[name] = merged
        if merged != theirs:
            kept.edited.append(name)
            kept.tree[BASES + name] = theirs
        if _MARKERS.search(merged):
            kept.conflicts.append(name)
    if manifest.NAME in tree:  # without edits, the tree is as generated, and so is its manifest
        kept.tree[manifest.NAME] = (
            manifest.amend(tree[manifest.NAME], kept.tree, kept.edited) if kept.edited else tree[manifest.NAME]
        )
    return kept


def _refuse_merge_leftovers(edits: Tree, root: Path) -> None:
    """Refuse generated files that hold the conflict markers of a git merge rather than generate's own: a
    merge of two branches that both generated, not an edit; merged again, they would nest the markers."""
    left = sorted(n for n, text in edits.items() if any(m != f"<<<<<<< {n} (edited)" for m in _OPENINGS.findall(text)))
    if left:
        raise SpecError.at(
            Location((root / left[0]).as_posix()),
            f"{', '.join(left)}: git's conflict markers, from merging branches that both generated.",
            "regenerate them with `generate " + " ".join(f"--discard-edit {n}" for n in left) + "`, or, to keep an "
            "edit of yours in one, resolve its markers by hand first.",
        )


def unresolved(root: Path) -> list[str]:
    """The edited files under `root` that still hold conflict markers (read without running the pipeline)."""
    found = []
    for name in manifest.edited(root):
        try:
            if _MARKERS.search((root / name).read_text(encoding="utf-8")):
                found.append(name)
        except (OSError, UnicodeDecodeError):
            continue  # gone or unreadable: then the outputs differ from the manifest's, and a full run says why
    return found


def _orphan(path: Path) -> Diagnostic:
    return Diagnostic(
        Severity.WARNING,
        Location(path.as_posix()),
        "the spec no longer gives this file, but it carries your edits: it is kept, as a file of yours.",
        "delete it, or move what you need to the package's lib/.",
    )


def _base(name: str, blob: str, current: Tree, root: Path, notes: list[Diagnostic]) -> str:
    """The text of `name` as last generated (its blob id `blob`): kept beside the files, or in git's objects."""
    stored = current.get(BASES + name)
    if stored is not None and manifest.blob_id(stored) == blob:
        return stored
    found = None
    if _BLOB_ID.fullmatch(blob):  # it becomes an argument of git's, and the manifest is anyone's to edit
        with contextlib.suppress(OSError):  # no git: as if it did not have the blob
            found = subprocess.run(["git", "cat-file", "blob", blob], cwd=root, capture_output=True, check=False)
    if found is not None and found.returncode == 0:
        return found.stdout.decode("utf-8", "replace")
    notes.append(
        Diagnostic(
            Severity.WARNING,
            Location((root / name).as_posix()),
            "the file as last generated is neither in .sdk-generator/ nor in git, so every line where your edit "
            "and the new output differ is a conflict.",
            "commit generated files before editing them: git then holds what they were generated as.",
        )
    )
    return ""


def _merge(root: Path, name: str, ours: str, base: str, theirs: str) -> str:
    """`git merge-file` of the three texts of `name`: conflicts are written between git's markers, labelled."""
    if ours == theirs or base == theirs:
        return ours
    with tempfile.TemporaryDirectory(prefix="sdk-generator-merge-") as scratch:
        paths = []
        for side, text in (("edited", ours), ("base", base), ("generated", theirs)):
            path = Path(scratch, side)
            path.write_text(text, encoding="utf-8", newline="\n")
            paths.append(str(path))
        labels = ["-L", f"{name} (edited)", "-L", f"{name} (as last generated)", "-L", f"{name} (generated)"]
        try:
            merged = subprocess.run(
                ["git", "merge-file", "--stdout", *labels, *paths], capture_output=True, check=False
            )
        except OSError as error:
            raise SpecError.at(
                Location((root / name).as_posix()),
                f"this file carries hand edits and its output changed: merging them needs git, which could not be "
                f"run ({error.strerror}).",
                "install git, or drop the edits with --discard-edit.",
            ) from None
    if merged.returncode > 127:  # 0: merged; 1 to 127: that many conflicts; more: git failed
        raise SpecError.at(
            Location((root / name).as_posix()),
            f"git merge-file failed: {merged.stderr.decode('utf-8', 'replace').strip()}",
            "drop the edits with --discard-edit, or merge by hand.",
        )
    return merged.stdout.decode("utf-8", "replace")
