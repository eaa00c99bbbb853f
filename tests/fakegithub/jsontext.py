"""JSON text the way GitHub writes it: UTF-8, with lone surrogates as ``\\udXXX`` escapes.

``json.dumps(..., ensure_ascii=False)`` leaves a lone surrogate (``"\\ud800"`` in a title) as a
raw code point that UTF-8 cannot encode. GitHub sends such text as a JSON escape, which every
JSON parser accepts; everything else (emoji, accents, RTL marks) stays literal UTF-8, and control
characters (NUL, ESC) are escaped by ``json`` itself.
"""

from __future__ import annotations

import json
import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(value: object, **options: object) -> str:
    """``json.dumps`` with literal non-ASCII text and escaped lone surrogates."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def encode(value: object) -> bytes:
    """Compact UTF-8 JSON bytes of ``value`` (see ``dumps``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")
