"""An Overlay document (OpenAPI Overlay Specification 1.0, 1.1, 1.2), read and checked before it is applied.

Every problem is located in the overlay file itself (line, pointer, fix), as a spec's are in the spec. 1.1 adds
the `copy` action and `info.description`; 1.2 reusable actions (`components.actions`, referenced by `$ref`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import Diagnostic, Severity, SpecError
from generator.load.document import Document, escape, load, split_pointer

_VERSION = re.compile(r"1\.([0-2])\.\d+")
_ACTION_FIELDS = {"target", "description", "update", "remove", "copy"}
_ACTION_REF = re.compile(r"#/components/actions/((?:[^~/]|~0|~1)+)")
_REUSABLE = (
    "components: {actions: {name: {fields: {update: {...}}}}}, then {$ref: '#/components/actions/name', target: ...}."
)
_EXAMPLE = "overlay: 1.1.0, info: {title: ..., version: ...}, actions: [{target: $.info, update: {...}}]"


@dataclass(frozen=True)
class Action:
    """One action: where it is in the overlay (`at`), its `target`, and what it does.

    `kind` is "update", "remove" or "copy"; `value` is the update's value (at `value_at` in the overlay) or the
    copy's source query.
    """

    at: str
    target: str
    kind: str
    value: Any = None
    value_at: str = ""


@dataclass(frozen=True)
class Overlay:
    """A checked overlay document and its actions, in order."""

    document: Document
    actions: tuple[Action, ...]


def read_overlay(path: Path, warnings: list[Diagnostic]) -> Overlay:
    """Load and check the overlay at `path`; harmless oddities go to `warnings`, errors are raised."""
    doc = load(path, path.as_posix())
    data = doc.data
    version = data.get("overlay")
    match = _VERSION.fullmatch(version) if isinstance(version, str) else None
    if match is None:
        raise doc.error(
            "/overlay" if "overlay" in data else "",
            "this is not an Overlay document: `overlay` must name version 1.0.x, 1.1.x or 1.2.x.",
            f"start the file with `overlay: 1.1.0` ({_EXAMPLE}).",
        )
    minor = int(match.group(1))
    _fields(
        doc, "", data, {"overlay", "info", "extends", "actions"} | ({"$self", "components"} if minor >= 2 else set())
    )
    info = data.get("info")
    if not isinstance(info, dict) or not all(isinstance(info.get(k), str) for k in ("title", "version")):
        raise doc.error(
            "/info" if "info" in data else "", "`info` must have a `title` and a `version` (strings).", _EXAMPLE
        )
    _fields(doc, "/info", info, {"title", "version"} | ({"description"} if minor >= 1 else set()))
    if not isinstance(data.get("extends", ""), str):
        raise doc.error("/extends", "`extends` must be the URI of the spec the overlay is for.", "extends: api.yaml.")
    actions = data.get("actions")
    if not isinstance(actions, list) or not actions:
        raise doc.error(
            "/actions" if "actions" in data else "", "`actions` must be a list of at least one action.", _EXAMPLE
        )
    reusable = _reusable(doc, data.get("components"), minor) if minor >= 2 else {}
    return Overlay(doc, tuple(_action(doc, i, a, minor, reusable, warnings) for i, a in enumerate(actions)))


def _reusable(doc: Document, components: object, minor: int) -> dict[str, str]:
    """1.2's `components.actions`: name -> the pointer of its `fields` (an action without a target)."""
    if components is None:
        return {}
    if not isinstance(components, dict) or not isinstance(components.get("actions", {}), dict):
        raise doc.error(
            "/components", "`components` must be a map with `actions`, a map of reusable actions.", _REUSABLE
        )
    _fields(doc, "/components", components, {"actions"})
    found = {}
    for name, entry in components.get("actions", {}).items():
        at = f"/components/actions/{escape(str(name))}"
        fields = entry.get("fields", {}) if isinstance(entry, dict) else None
        if not isinstance(fields, dict):
            raise doc.error(at, "a reusable action must be a map with `fields`, an action without `target`.", _REUSABLE)
        _fields(doc, at, entry, {"fields", "description"})
        _fields(doc, f"{at}/fields", fields, _ACTION_FIELDS - {"target"}, minor)
        found[str(name)] = f"{at}/fields"
    return found


def _action(
    doc: Document, index: int, entry: Any, minor: int, reusable: dict[str, str], warnings: list[Diagnostic]
) -> Action:
    at = f"/actions/{index}"
    if not isinstance(entry, dict):
        raise doc.error(at, "an action must be a map with a `target` and `update`, `remove` or `copy`.", _EXAMPLE)
    target = entry.get("target")
    if not isinstance(target, str):
        raise doc.error(at, "the action has no `target` (a JSONPath query, RFC 9535).", "add `target: $.paths['/x']`.")
    fields_at = at
    if "$ref" in entry and minor >= 2:
        _fields(doc, at, entry, {"$ref", "target", "description"})
        ref = entry["$ref"]
        name = _ACTION_REF.fullmatch(ref) if isinstance(ref, str) else None
        found = reusable.get(split_pointer(f"/{name.group(1)}")[0]) if name else None
        if found is None:
            raise doc.error(f"{at}/$ref", "`$ref` names no action of `components.actions`.", "correct the name.")
        fields_at, entry = found, doc.resolve(found)
    else:
        _fields(doc, at, entry, _ACTION_FIELDS, minor)
    remove = entry.get("remove", False)
    if not isinstance(remove, bool):
        raise doc.error(f"{fields_at}/remove", "`remove` must be true or false.", "remove: true.")
    if remove:
        return Action(at, target, "remove")
    if "update" in entry and "copy" in entry:
        raise doc.error(fields_at, "the action has both `update` and `copy`: which applies is ambiguous.", "keep one.")
    if "copy" in entry:
        if not isinstance(entry["copy"], str):
            raise doc.error(f"{fields_at}/copy", "`copy` must be a JSONPath query (a string).", "copy: $.paths['/a'].")
        return Action(at, target, "copy", entry["copy"], f"{fields_at}/copy")
    if "update" not in entry:
        warnings.append(
            Diagnostic(
                Severity.WARNING,
                doc.locate(at),
                "the action has no `update`, `copy` or `remove: true`, so it changes nothing.",
                "add what it should do, or delete the action.",
            )
        )
    return Action(at, target, "update", entry.get("update"), f"{fields_at}/update")


def _fields(doc: Document, at: str, entry: dict[str, Any], allowed: set[str], minor: int = 2) -> None:
    """Refuse fields the overlay's version does not define (`x-` extensions are always allowed)."""
    if minor < 1:
        allowed = allowed - {"copy"}
    for key in entry:
        if not (isinstance(key, str) and (key in allowed or key.startswith("x-"))):
            newer = (
                " (it came with a later version of the Overlay Specification)" if key in ("copy", "description") else ""
            )
            raise SpecError(
                [
                    Diagnostic(
                        Severity.ERROR,
                        doc.locate(f"{at}/{escape(str(key))}"),
                        f"unknown field {str(key)!r} here{newer}.",
                        f"use only {sorted(allowed)} or an `x-` extension"
                        + (", or raise `overlay` to the version that has it." if newer else "."),
                    )
                ]
            )
