"""Terminal safety: untrusted text printed escaped, JSON printed exact.

Logs keep what GitHub sent byte for byte (titles, logins, paths, error texts), which may hold
escape sequences, NUL, lone surrogates or bidi overrides. ``printable`` is the one function that
turns such text into something a terminal shows but never interprets, one line per call::

    printable("fix \\x1b[2Jbug\\n")   ->  'fix \\\\x1b[2Jbug\\\\n'
    printable("a\\u202eb")            ->  'a\\\\u202eb'
    printable("x" * 100, limit=10)   ->  'xxxxxxxxx…'

Escaped: C0 controls (newline, tab and carriage return as ``\\n``, ``\\t``, ``\\r``), DEL,
C1 controls (``\\x9b`` is CSI for some terminals), lone surrogates, the bidi embeddings,
overrides and isolates (U+202A..U+202E, U+2066..U+2069) and the line and paragraph separators
(U+2028, U+2029). A backslash is kept as it is: the output is for reading, ``--json`` is for
exact data. ``json_text`` renders exact JSON that is safe on a terminal too.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

ELLIPSIS = "…"


def _escape_for(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_UNSAFE_CODES = [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                 *range(0x2066, 0x206A), 0x2028, 0x2029, *range(0xD800, 0xE000)]
ESCAPES: dict[str, str] = {chr(code): _escape_for(code) for code in _UNSAFE_CODES}
ESCAPES.update({"\n": "\\n", "\t": "\\t", "\r": "\\r"})
UNSAFE_RE = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
                       "\\ud800-\\udfff]")
# Outside ASCII, what JSON may carry raw but a terminal may act on (C1, bidi, separators).
_JSON_UNSAFE_RE = re.compile("[\\x80-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]")


def _replace(match: re.Match[str]) -> str:
    return ESCAPES[match.group()]


def printable(text: str, limit: int | None = None) -> str:
    """``text`` with every character a terminal could interpret escaped (see the module
    docstring), cut to at most ``limit`` characters (ending in ``…``) when ``limit`` is given.

    An escape is never cut in half. Text with nothing to escape and within the limit is
    returned as is (the same object), so the common case costs one regex scan.
    """
    if limit is not None:
        if limit < 1:
            raise ValueError(f"limit must be >= 1, got {limit}")
        return _cut(text, limit)
    if UNSAFE_RE.search(text) is None:
        return text
    return UNSAFE_RE.sub(_replace, text)


def _cut(text: str, limit: int) -> str:
    head = text[: limit + 1]  # one character more tells whether anything is cut
    if UNSAFE_RE.search(head) is None:
        return text if len(text) <= limit else head[: limit - 1] + ELLIPSIS
    escaped = UNSAFE_RE.sub(_replace, head)
    if len(escaped) <= limit and len(text) <= limit:
        return escaped
    pieces, size = [], 0
    for char in head:
        piece = ESCAPES.get(char, char)
        if size + len(piece) > limit - 1:
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces) + ELLIPSIS


def json_text(value: Any, *, indent: bool = False) -> str:
    """``value`` as exact JSON on one line (or indented), safe to print on a terminal.

    orjson renders it; characters JSON may carry raw but a terminal may act on (C1 controls,
    bidi controls, U+2028/U+2029) are written as ``\\uXXXX`` escapes, which parse back to the
    same value. orjson refuses strings holding lone surrogates: such a value is rendered by the
    standard library as ASCII, the surrogates as ``\\ud800`` escapes (valid JSON text; Python's
    ``json`` reads them back exactly).
    """
    try:
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2 if indent else 0).decode()
    except TypeError:
        return json.dumps(value, indent=2 if indent else None, ensure_ascii=True,
                          separators=None if indent else (",", ":"))
    if _JSON_UNSAFE_RE.search(text) is None:
        return text
    return _JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def plural(count: int, word: str, plural_form: str | None = None) -> str:
    """``1 record``, ``2 records``, ``0 records`` (``plural_form`` for irregular words)."""
    return f"{count} {word if count == 1 else plural_form or word + 's'}"
