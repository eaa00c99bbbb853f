"""Which GraphQL endpoints a token may be sent to: HTTPS, or plain HTTP to this machine.

A token sent over plain HTTP to another host can be read by anyone on the way, so such an
endpoint is refused before any request unless the caller explicitly allows it. Other schemes,
malformed URLs (a port outside 1..65535, a space, a control or non-ASCII character) and URLs with
credentials in their userinfo (``https://user:password@host``: ``requests`` would send them as
Basic auth *instead of* the token) are configuration errors, not network failures to retry.
Messages show the URL through ``display_url`` (credentials masked) and ``repr`` (escaped).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from .errors import ClientConfigError
from .secrets import redact

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def check_endpoint(url: str, *, allow_insecure_http: bool = False) -> str:
    """``url`` if a token may be sent there; ``ClientConfigError`` (one line) otherwise."""
    bad = next((c for c in url if not 0x20 <= ord(c) <= 0x7E), None)
    if bad is not None:
        raise ClientConfigError(f"malformed GraphQL endpoint {display_url(url)!r} (a control "
                                f"or non-ASCII character: U+{ord(bad):04X})")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
        if port == 0:
            raise ValueError("port out of range")
    except ValueError as e:
        reason = "port out of range 1-65535" if "out of range" in str(e) else str(e).lower()
        raise ClientConfigError(f"malformed GraphQL endpoint {display_url(url)!r} ({reason})") \
            from None
    if parts.scheme not in ("https", "http") or not host:
        raise ClientConfigError(f"the GraphQL endpoint {display_url(url)!r} is not an http(s) URL "
                                "(expected e.g. https://api.github.com/graphql)")
    if " " in url:
        raise ClientConfigError(f"malformed GraphQL endpoint {display_url(url)!r} (a space)")
    if "@" in parts.netloc:
        raise ClientConfigError(
            f"the GraphQL endpoint {display_url(url)!r} must not hold credentials (user:password@):"
            " give tokens in GITHUB_TOKEN or GITHUB_SEEDING_TOKENS")
    if parts.scheme == "http" and not is_loopback(host) and not allow_insecure_http:
        raise ClientConfigError(
            f"refusing to send a token over plain HTTP to {host} ({display_url(url)}): use "
            "https://, or set SEEDING_ALLOW_INSECURE_HTTP=1 if you really mean it")
    return url


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def display_url(url: str) -> str:
    """``url`` without credentials in its userinfo (safe to print and log)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact(url, ())  # masks the userinfo of what looks like a URL
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))
