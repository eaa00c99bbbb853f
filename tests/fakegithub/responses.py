"""What travels between the HTTP layer and the engine: requests, responses, JSON bodies."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .jsontext import encode

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"


@dataclass
class HttpRequest:
    """What the HTTP layer hands to the engine."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes


@dataclass
class HttpResponse:
    """What the engine answers.

    ``body=None`` means: drop the connection. ``stream`` (instead of ``body``) is sent with
    chunked transfer encoding, chunk by chunk, never held in memory as a whole.
    ``drip_seconds`` sends ``body`` one byte at a time with that pause after each byte.
    ``payload`` is the JSON value ``body`` encodes (``None`` for non-JSON bodies).
    """

    status: int
    body: bytes | None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = JSON_TYPE
    payload: object = None
    stream: Iterator[bytes] | None = None
    drip_seconds: float | None = None


def json_response(status: int, body: object, headers: dict | None = None) -> HttpResponse:
    """Compact UTF-8 JSON response (lone surrogates as ``\\udXXX`` escapes, like GitHub)."""
    return HttpResponse(status, encode(body), dict(headers or {}), payload=body)


def request_id(number: int) -> str:
    """A GitHub-looking ``x-github-request-id`` such as ``F83B:06A8:1A61920:508391A:62B0DDA7``."""
    digest = hashlib.sha1(str(number).encode()).hexdigest().upper()
    return ":".join([digest[0:4], digest[4:8], digest[8:15], digest[15:22], digest[22:30]])
