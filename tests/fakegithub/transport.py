"""Hostile response bodies for the transport fault kinds (see ``faults.py``).

* ``huge_body_stream``: ``n`` bytes generated chunk by chunk (never held in memory).
* ``hostile_error_body``: an error whose message clears the screen, retitles the terminal,
  hides a hyperlink (OSC 8) and then goes on for megabytes.
* ``inject_lone_surrogate``: puts ``\\ud800`` into a text value of a response body.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

CHUNK = 64 * 1024
JSON_PREFIX = b'{"data":{"repository":{"pullRequests":{"nodes":['
JSON_ITEM = b'{"number":1,"title":"' + b"x" * 200 + b'"},'
ESCAPES = ("\x1b[2J\x1b[H"                       # clear screen, cursor home
           "\x1b]0;fake-github-pwned\x07"         # OSC 0: set the terminal title
           "\x1b]8;;https://evil.invalid/\x07click\x1b]8;;\x07 "  # OSC 8 hyperlink
           "\x1b[31;1;5mSomething went wrong\x1b[0m \u202eesrever\u202c ")
FILLER = "\x1b[7m\u200bGitHub error \x1b[0m"
TEXT_KEYS = ("title", "body", "message", "messageHeadline", "messageBody", "path", "name",
             "login", "description", "context", "headRefName", "baseRefName")


def huge_body_stream(n_bytes: int, pattern: str) -> Iterator[bytes]:
    """``n_bytes`` of ``[[[[...`` or of a JSON document that never ends, in chunks."""
    if pattern == "json_prefix":
        unit = JSON_ITEM * (CHUNK // len(JSON_ITEM) + 1)
        head = JSON_PREFIX
    else:
        unit, head = b"[" * CHUNK, b""
    sent = 0
    for piece in _pieces(head, unit):
        piece = piece[:n_bytes - sent]
        if not piece:
            return
        sent += len(piece)
        yield piece


def _pieces(head: bytes, unit: bytes) -> Iterator[bytes]:
    if head:
        yield head
    while True:
        yield unit


def hostile_text(n_bytes: int) -> str:
    """Escape sequences followed by filler up to roughly ``n_bytes`` UTF-8 bytes."""
    repeats = max(0, n_bytes - len(ESCAPES.encode())) // len(FILLER.encode()) + 1
    return ESCAPES + FILLER * repeats


def hostile_error_body(status: int, n_bytes: int) -> dict:
    """The body of a ``hostile_error``: 502 like a timeout, 200 like an ``INTERNAL`` error."""
    error: dict = {"message": hostile_text(n_bytes)}
    if status == 200:
        error = {"type": "INTERNAL", **error}
    return {"data": None, "errors": [error]}


def inject_lone_surrogate(body: object) -> bool:
    """Insert ``\\ud800`` into the first text value of ``body``; ``False`` if none was found."""
    slot = _text_slot(body) or _error_slot(body)
    if slot is None:
        return False
    container, key = slot
    text = container[key]
    container[key] = text[: len(text) // 2] + "\ud800" + text[len(text) // 2:]
    return True


def _text_slot(value: object) -> tuple[dict, str] | None:
    queue = deque([value])
    while queue:
        item = queue.popleft()
        if isinstance(item, dict):
            for key, child in item.items():
                if key in TEXT_KEYS and isinstance(child, str):
                    return item, key
                queue.append(child)
        elif isinstance(item, list):
            queue.extend(item)
    return None


def _error_slot(body: object) -> tuple[dict, str] | None:
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors and isinstance(errors[0], dict) and isinstance(errors[0].get("message"), str):
        return errors[0], "message"
    return None
