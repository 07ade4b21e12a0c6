"""What differs between generated packages, for the runtime to read. Each package renders its own
(`templates/package/_package.py.jinja`); this one stands in for it while the runtime sources are checked."""

from __future__ import annotations

QUERY_CREDENTIALS: frozenset[str] = frozenset({"api_key"})  # the spec's apiKey-in-query parameter names
DIST_NAME = "sdk"  # the distribution's name and version, for the User-Agent
VERSION = "0"
