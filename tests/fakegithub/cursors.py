"""Opaque cursors in GitHub's two observed styles, each with its own sort key.

* ``IndexCodec``: small base64 integers (``MQ``, ``Mg``...) as on ``commits`` and ``files``.
* ``KeysetCodec``: ``Y3Vyc29yOnYyOp...``, base64 of ``cursor:v2:`` + a MessagePack array holding
  the item's sort values, as on ``pullRequests`` and ``reviews``. The cursor names a position
  in the ordering, not an index, so items that move (a PR updated mid-pass) shift like on GitHub.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass

from .errors import GitHubError
from .packing import pack, unpack

V2_PREFIX = b"cursor:v2:"


def invalid_cursor(cursor: str) -> GitHubError:
    """The error GitHub reports for a cursor it cannot decode."""
    return GitHubError(f"`{cursor}` does not appear to be a valid cursor.")


def _b64decode(cursor: str, altchars: bytes | None = None) -> bytes:
    try:
        return base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise invalid_cursor(cursor) from exc


class IndexCodec:
    """Cursor = base64 of the 1-based position, padding stripped (``MQ`` for the first item)."""

    def key(self, item: object, index: int) -> tuple:
        """Sort key of ``item`` at ``index``."""
        return (index,)

    def encode(self, item: object, index: int) -> str:
        """Cursor of ``item`` at ``index``."""
        return base64.b64encode(str(index + 1).encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple:
        """Sort key named by ``cursor``."""
        text = _b64decode(cursor).decode("ascii", "replace")
        if not text.isdigit() or int(text) < 1:
            raise invalid_cursor(cursor)
        return (int(text) - 1,)


@dataclass(frozen=True)
class KeysetCodec:
    """``cursor:v2:`` cursor packing ``values(item)``; ``to_key`` maps packed values to a key."""

    values: Callable[[object], list]
    to_key: Callable[[list], tuple]

    def key(self, item: object, index: int) -> tuple:
        """Sort key of ``item``."""
        return self.to_key(self.values(item))

    def encode(self, item: object, index: int) -> str:
        """Cursor of ``item``."""
        return base64.b64encode(V2_PREFIX + pack(self.values(item))).decode()

    def decode(self, cursor: str) -> tuple:
        """Sort key named by ``cursor``; any malformed cursor is a GitHub error."""
        raw = _b64decode(cursor)
        if not raw.startswith(V2_PREFIX):
            raise invalid_cursor(cursor)
        try:
            return self.to_key(unpack(raw[len(V2_PREFIX):]))
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise invalid_cursor(cursor) from exc


def typed_list(values: object, *types: type) -> list:
    """Check that ``values`` is a list whose items have exactly ``types``; else ``ValueError``."""
    if not isinstance(values, list) or len(values) != len(types):
        raise ValueError("cursor payload has the wrong shape")
    for value, expected in zip(values, types, strict=True):
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ValueError("cursor payload has the wrong types")
    return values


def id_codec(get_id: Callable[[object], int]) -> KeysetCodec:
    """Keyset codec ordered by an integer database id (check suites, check runs)."""
    return KeysetCodec(
        values=lambda item: [get_id(item)],
        to_key=lambda values: (typed_list(values, int)[0],),
    )
