"""Which GraphQL endpoints a token may be sent to: HTTPS, or plain HTTP to this machine.

A token sent over plain HTTP to another host can be read by anyone on the way, so such an
endpoint is refused before any request unless the caller explicitly allows it. Other schemes and
malformed URLs are configuration errors (not network failures to retry).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from .errors import ClientConfigError

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def check_endpoint(url: str, *, allow_insecure_http: bool = False) -> str:
    """``url`` if a token may be sent there; ``ClientConfigError`` (one line) otherwise."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError as e:
        raise ClientConfigError(f"malformed GraphQL endpoint {display_url(url)!r} ({e})") from None
    if parts.scheme not in ("https", "http") or not host:
        raise ClientConfigError(f"the GraphQL endpoint {display_url(url)!r} is not an http(s) URL "
                                "(expected e.g. https://api.github.com/graphql)")
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
        return "<malformed URL>"
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))
