"""The manifest of a generated tree: hashes of what it was made from and of what it holds.

`generated/MANIFEST.json` records a digest of every input (specs, templates, the
generator's own source, the pinned formatter versions), the list of the files the
generator wrote and a digest of them. When both digests still match, `generate` has
nothing to do and says so without loading the pipeline: content hashes, never
timestamps. A package generated from one spec carries a manifest too, without
inputs. Files the list does not name are the user's: kept, and never drift. Each
listed file maps to the git blob id of its text as generated (the base a hand edit
is merged from, `edits.py`); `edited` names the files that carry hand edits. Light
on purpose (standard library only), so that this check costs milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from generator.errors import Location, SpecError
from generator.render.format import PINNED
from generator.resources import GENERATOR, TEMPLATES

NAME = "MANIFEST.json"

# git's conflict markers, at the start of a line: a file that still holds them has a conflict to resolve.
CONFLICT_MARKERS = re.compile(r"^<{7}(?: |$).*?^>{7}(?: |$)", re.MULTILINE | re.DOTALL)


def _digest(files: dict[str, bytes]) -> str:
    hasher = hashlib.sha256()
    for name in sorted(files):
        hasher.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return hasher.hexdigest()


def _files(root: Path, pattern: str = "*") -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob(pattern))
        if p.is_file() and "__pycache__" not in p.parts
    }


# A `$ref` to another file, in JSON or YAML spelling: its file part (the bundler reads the same ones).
_FILE_REF = re.compile(rb"""\$ref["']?\s*:\s*["']?([^"'#\s,}]+)""")


def _referenced(spec_files: dict[str, bytes], spec_dir: Path, root: Path) -> dict[str, bytes]:
    """The files outside `spec_dir` but under `root` (the project's `ref-root`) that the specs `$ref`
    (`../common/money.yaml`), and the files those refer to, keyed by their path from `spec_dir`: a change
    to one of them makes the output stale too. A file outside `root` is never opened: the specs may not
    read it (`load/bundle.py` refuses it)."""
    found: dict[str, bytes] = {}
    root = root.resolve()
    todo = [(spec_dir / name, text) for name, text in spec_files.items()]
    while todo:
        source, text = todo.pop()
        for match in _FILE_REF.finditer(text):
            target = (source.parent / match.group(1).decode("utf-8", "replace")).resolve()
            key = os.path.relpath(target, spec_dir.resolve())
            if key.startswith("..") and key not in found and target.is_relative_to(root) and target.is_file():
                found[key] = target.read_bytes()
                todo.append((target, found[key]))
    return found


def _overlays(settings: dict[str, object]) -> dict[str, bytes]:
    """The overlay files the settings name (paths from the project's directory): a changed one is a changed
    input. One that cannot be read counts as changed; generating then says why."""
    named = settings.get("overlays", {})
    paths = {p for files in named.values() for p in files} if isinstance(named, dict) else set()
    found = {}
    for path in sorted(paths):
        try:
            found[f"overlay/{path}"] = Path(path).read_bytes()
        except OSError:
            found[f"overlay/{path}"] = b"\0missing"
    return found


def inputs_digest(spec_dir: Path, settings: dict[str, object]) -> str:
    """A digest of everything the generated tree depends on: files, and the project's `settings`."""
    specs = _files(spec_dir)
    files = {f"spec/{k}": v for k, v in specs.items()}
    root = spec_dir / str(settings.get("ref_root", "."))
    files |= {f"spec/{k}": v for k, v in _referenced(specs, spec_dir, root).items()}
    files |= _overlays(settings)
    files |= {f"templates/{k}": v for k, v in _files(TEMPLATES).items()}
    files |= {f"generator/{k}": v for k, v in _files(GENERATOR, "*.py").items()}
    files["pinned"] = json.dumps(PINNED, sort_keys=True).encode()
    files["settings"] = json.dumps(settings, sort_keys=True).encode()
    return _digest(files)


def outputs_digest(tree: dict[str, str]) -> str:
    """A digest of a generated tree's files (the manifest itself left out)."""
    return _digest({name: text.encode() for name, text in tree.items() if name != NAME})


def render(spec_dir: Path, settings: dict[str, object], tree: dict[str, str]) -> str:
    """The manifest for a tree generated from `spec_dir` with `settings`."""
    return _dump({"inputs": inputs_digest(spec_dir, settings), **_outputs(tree)})


def listing(tree: dict[str, str]) -> str:
    """The manifest for a tree made outside a project (from one spec): its files, no inputs."""
    return _dump(_outputs(tree))


def _outputs(tree: dict[str, str]) -> dict[str, object]:
    files = {name: blob_id(tree[name]) for name in sorted(tree) if name != NAME}
    return {"outputs": outputs_digest(tree), "files": files}


def blob_id(text: str) -> str:
    """Git's id of a blob holding `text`: the key `git cat-file` reads it back by, in any clone that has it."""
    data = text.encode()
    return hashlib.sha1(b"blob %d\0%b" % (len(data), data), usedforsecurity=False).hexdigest()


def amend(text: str, written: dict[str, str], edited: list[str]) -> str:
    """The manifest `text` (of the tree as generated) for the tree as `written`: its digest, the files added
    to it (the bases of `edited` files, which keep hand edits) and the list of those files, when there are any.
    """
    recorded = json.loads(text)
    files = recorded["files"] | {name: blob_id(written[name]) for name in written.keys() - recorded["files"] - {NAME}}
    amended = {**recorded, "outputs": outputs_digest(written), "files": dict(sorted(files.items()))}
    return _dump({**amended, "edited": edited} if edited else amended)


def _dump(manifest: dict[str, object]) -> str:
    return json.dumps(manifest, indent=2) + "\n"


def _recorded(root: Path) -> dict[str, object] | None:
    try:
        text = (root / NAME).read_text(encoding="utf-8")
    except OSError:
        return None
    if CONFLICT_MARKERS.search(text):  # read as no manifest, every generated file would be refused as the user's
        raise SpecError.at(
            Location((root / NAME).as_posix()),
            "the manifest holds git's conflict markers: two branches that both generated were merged.",
            f"take either side (`git checkout --theirs {(root / NAME).as_posix()}`) and run generate: files git merged "
            "are merged again with the new output, and any that still hold git's markers are named.",
        )
    try:
        recorded = json.loads(text)
    except ValueError:
        return None
    return recorded if isinstance(recorded, dict) else None


def generated_blobs(root: Path) -> dict[str, str]:
    """The git blob id of each file under `root` as last generated (none from a manifest older than them)."""
    recorded = _recorded(root)
    files = recorded.get("files") if recorded else None
    return {str(name): str(blob) for name, blob in files.items()} if isinstance(files, dict) else {}


def edited(root: Path) -> list[str]:
    """The files under `root` that carried hand edits when it was last generated."""
    recorded = _recorded(root)
    names = recorded.get("edited") if recorded else None
    return [str(name) for name in names] if isinstance(names, list) else []


def owned(root: Path, present: list[str]) -> set[str]:
    """Which of the files `present` under `root` the generator wrote: those its manifest lists, and the
    manifest; all of them when the manifest is older than the list (that generator replaced the whole
    directory); none without a manifest."""
    recorded = _recorded(root)
    if recorded is None:
        return set()
    files = recorded.get("files")
    if not isinstance(files, (list, dict)):
        return set(present)
    return {NAME, *map(str, files)} & set(present)


def up_to_date(spec_dir: Path, settings: dict[str, object], generated: Path) -> bool:
    """Whether `generated` was made from exactly these inputs and its files have not been changed since."""
    recorded = _recorded(generated)
    if recorded is None or recorded.get("inputs") != inputs_digest(spec_dir, settings):
        return False
    files = recorded.get("files")
    if not isinstance(files, (list, dict)):
        return False
    try:
        on_disk = {str(name): (generated / str(name)).read_bytes().decode("utf-8", "replace") for name in files}
    except OSError:
        return False
    return recorded.get("outputs") == outputs_digest(on_disk)
