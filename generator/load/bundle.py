"""Stage 1b, bundle: bring `$ref`s to local files into the document, safely.

An OpenAPI document may refer to JSON Schema or YAML files beside it
(`schemas/pet.json#/$defs/Pet`). Each such file is loaded with the same safe
loader, mounted under `/x-bundled/<name>` and every reference is rewritten to
point there, so the later stages see one self-contained document. References
to URLs, absolute paths or files outside the reference root are refused, before they are read. The root
is the spec's own directory, so a spec cannot pull in `../secrets/creds.json` wherever the generator runs;
a project that shares schemas between specs (`../common/schemas.yaml`) widens it explicitly with
`--ref-root` or `ref-root` in `[tool.sdk-generator]`.

An OpenAPI 3.2 document may name its own URI in `$self`: a reference whose URI, resolved against it, is
that URI points into the document itself and becomes a local one.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from generator.load.document import Document, escape, join_pointer, load

MOUNT = "x-bundled"


class _Bundler:
    def __init__(self, root: Document, directory: Path) -> None:
        """Bundle into a copy of `root`, reading files under `directory` only."""
        self.root = root
        self.directory = directory.resolve()
        self.data = copy.deepcopy(root.data)
        self.mounted: dict[Path, tuple[str, Document]] = {}  # file -> (mount key, its document)
        own = root.data.get("$self")
        self.own_uri = own if isinstance(own, str) and own else None  # OpenAPI 3.2: the document's own URI
        self.own_refs = 0  # references through `own_uri` made local

    def target(self, ref: str, source: Document, source_file: Path, at: str) -> str:
        """The local `#/...` reference for `ref` found in `source` at pointer `at`."""
        file_part, _, fragment = ref.partition("#")
        if not file_part:
            return ref if source is self.root else f"#/{MOUNT}/{self.mounted[source_file][0]}{fragment}"
        if source is self.root and self.own_uri and urljoin(self.own_uri, file_part) == self.own_uri:
            self.own_refs += 1
            return f"#{fragment}"
        parts = urlsplit(file_part)
        if parts.scheme or parts.netloc or file_part.startswith("/"):
            raise source.error(
                at,
                f"`$ref` {ref!r} is not a local file; only files under {self.directory.name or '/'}/ are read.",
                "copy the schema into a file in the project and refer to it by a relative path.",
            )
        path = (source_file.parent / unquote(parts.path)).resolve()
        if not path.is_relative_to(self.directory):
            raise source.error(
                at,
                f"`$ref` {ref!r} leaves {self.directory.name or '/'}/, the directory `$ref`s may read.",
                "refer only to files inside the project, or name a wider root with --ref-root.",
            )
        if not path.is_file():
            raise source.error(at, f"`$ref` {ref!r} names a file that does not exist.", "correct the path.")
        key = self.mount(path)
        document = self.mounted[path][1]
        try:
            document.resolve(fragment)
        except KeyError:
            raise source.error(
                at, f"`$ref` {ref!r} points at nothing in {path.name}.", "correct the fragment."
            ) from None
        return f"#/{MOUNT}/{key}{fragment}"

    def mount(self, path: Path) -> str:
        if path in self.mounted:
            return self.mounted[path][0]
        document = load(path, path.relative_to(self.directory).as_posix(), quote=False)
        taken = {key for key, _ in self.mounted.values()}
        key, counter = escape(path.stem), 1
        while key in taken:
            counter += 1
            key = f"{path.stem}{counter}"
        self.mounted[path] = (key, document)
        data = copy.deepcopy(document.data)
        self.data.setdefault(MOUNT, {})[key] = data
        self.rewrite(data, document, path, "")
        return key

    def rewrite(self, node: Any, source: Document, source_file: Path, pointer: str) -> None:
        """Rewrite every `$ref` under `node` (which came from `source`) to a local reference."""
        stack = [(pointer, node)]
        while stack:
            at, current = stack.pop()
            if isinstance(current, dict):
                ref = current.get("$ref")
                if isinstance(ref, str) and (not ref.startswith("#") or source is not self.root):
                    current["$ref"] = self.target(ref, source, source_file, f"{at}/$ref")
                stack.extend((at + join_pointer(k), v) for k, v in current.items() if k != MOUNT or at)
            elif isinstance(current, list):
                stack.extend((f"{at}/{i}", v) for i, v in enumerate(current))


# A `$ref` key whose value does not start with `#`, in JSON or YAML spelling (a key, not the end of an
# OData path such as `/owners/$ref`). Finding none in the text spares copying and walking a large spec; a
# false alarm only costs that.
_FILE_REF = re.compile(r"""(?<![^\s"'{,])\$ref["']?\s*:(?!\s*["']?#)""")


def bundle(doc: Document, spec: Path, root: Path | None = None) -> Document:
    """The document with every local-file `$ref` (under `root`) mounted in; the same document when it has none."""
    if not _FILE_REF.search(doc.text):
        return doc
    bundler = _Bundler(doc, root or spec.resolve().parent)
    bundler.rewrite(bundler.data, doc, spec.resolve(), "")
    if not bundler.mounted and not bundler.own_refs:
        return doc
    mounts = tuple((f"/{MOUNT}/{key}", document, "") for key, document in bundler.mounted.values())
    return Document(doc.name, doc.text, bundler.data, mounts)
