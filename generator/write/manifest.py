"""The manifest of a generated tree: hashes of what it was made from and of what it holds.

`generated/MANIFEST.json` records a digest of every input (specs, templates, the
generator's own source, the pinned formatter versions) and of every output file.
When both still match, `generate` has nothing to do and says so without loading
the pipeline: content hashes, never timestamps. Light on purpose (standard
library only), so that this check costs milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from generator.resources import GENERATOR, TEMPLATES

NAME = "MANIFEST.json"
PINNED = {"ruff": "0.17.5", "black": "26.10.1", "markdownify": "1.2.3"}


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


def _referenced(spec_files: dict[str, bytes], spec_dir: Path) -> dict[str, bytes]:
    """The files outside `spec_dir` that the specs `$ref` (`../common/money.yaml`), and the files those
    refer to, keyed by their path from `spec_dir`: a change to one of them makes the output stale too."""
    found: dict[str, bytes] = {}
    todo = [(spec_dir / name, text) for name, text in spec_files.items()]
    while todo:
        source, text = todo.pop()
        for match in _FILE_REF.finditer(text):
            target = (source.parent / match.group(1).decode("utf-8", "replace")).resolve()
            key = os.path.relpath(target, spec_dir.resolve())
            if key.startswith("..") and key not in found and target.is_file():
                found[key] = target.read_bytes()
                todo.append((target, found[key]))
    return found


def inputs_digest(spec_dir: Path, settings: dict[str, object]) -> str:
    """A digest of everything the generated tree depends on: files, and the project's `settings`."""
    specs = _files(spec_dir)
    files = {f"spec/{k}": v for k, v in specs.items()}
    files |= {f"spec/{k}": v for k, v in _referenced(specs, spec_dir).items()}
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
    return json.dumps({"inputs": inputs_digest(spec_dir, settings), "outputs": outputs_digest(tree)}, indent=2) + "\n"


def up_to_date(spec_dir: Path, settings: dict[str, object], generated: Path) -> bool:
    """Whether `generated` was made from exactly these inputs and has not been changed since."""
    try:
        recorded = json.loads((generated / NAME).read_text())
    except (OSError, ValueError):
        return False
    if not isinstance(recorded, dict) or recorded.get("inputs") != inputs_digest(spec_dir, settings):
        return False
    on_disk = {
        k: v.decode("utf-8", "replace") for k, v in _files(generated).items() if not k.endswith((".pyc", ".pyo"))
    }
    return recorded.get("outputs") == outputs_digest(on_disk)
