"""Keeping tokens out of every text: one redaction function, applied before anything is printed,
logged or stored; and error texts cut to a size a person (and a log) can hold."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MESSAGE_LIMIT = 300
REDACTED = "***"
# The userinfo of a URL (``https://user:password@host``): credentials whatever they are.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]*@")


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form a secret can take replaced by ``***``: raw, ``repr``-escaped
    (as ``requests`` shows header values), URL-encoded, and any URL userinfo."""
    text = _USERINFO.sub(rf"\1{REDACTED}@", text)
    for secret in secrets:
        for form in sorted(_forms(secret), key=len, reverse=True):
            text = text.replace(form, REDACTED)
    return text


def _forms(secret: str) -> set[str]:
    if not secret:
        return set()
    forms = {secret, repr(secret)[1:-1], quote(secret, safe=""), quote_plus(secret),
             secret.encode("unicode_escape").decode("ascii")}
    return {form for form in forms if form}


def cut(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def clean(text: str, secrets: Iterable[str], limit: int = MESSAGE_LIMIT) -> str:
    """Redact, then cut: what any error text from GitHub or the network becomes."""
    return cut(redact(text, secrets), limit)
