"""Credentials out of sight: every URL the package shows (errors, reprs) and every URL httpx logs for
it has its userinfo (`user:pass@`) and its API-key query parameters replaced by `***`."""

from __future__ import annotations

import logging
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import httpx

from ._package import QUERY_CREDENTIALS

REDACTED = "***"


def redact(url: httpx.URL | str) -> str:
    """`url` with its userinfo and its credential query parameters redacted."""
    parts = urlsplit(str(url))
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{REDACTED}@{host}" if "@" in parts.netloc else host
    query = "&".join(_redact_pair(pair) for pair in parts.query.split("&")) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _redact_pair(pair: str) -> str:
    name, equals, _ = pair.partition("=")
    return f"{name}={REDACTED}" if equals and unquote_plus(name) in QUERY_CREDENTIALS else pair


class _RedactURLs(logging.Filter):
    """Redacts the URLs of httpx's own log lines (`HTTP Request: GET http://...`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(arg, httpx.URL) for arg in record.args):
            # Still an `httpx.URL`: another package's filter on the same logger redacts its own names too.
            record.args = tuple(httpx.URL(redact(a)) if isinstance(a, httpx.URL) else a for a in record.args)
        return True


# A logger's filters see only the records logged on it: httpx 0.24+ logs on "httpx", 0.23 on "httpx._client".
_FILTER = _RedactURLs()
for _name in ("httpx", "httpx._client"):
    logging.getLogger(_name).addFilter(_FILTER)
