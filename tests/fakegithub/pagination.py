"""Relay connection slicing (first/last/after/before) over an in-memory list."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Protocol

from .errors import GitHubError


class Codec(Protocol):
    """What a connection needs from its cursor scheme."""

    def key(self, item: object, index: int) -> tuple: ...

    def encode(self, item: object, index: int) -> str: ...

    def decode(self, cursor: str) -> tuple: ...


Entry = tuple[tuple, int, object]


def keyed(items: Sequence, codec: Codec) -> list[Entry]:
    """``(key, index, item)`` for every item, sorted by key (reusable across requests)."""
    return sorted(((codec.key(item, i), i, item) for i, item in enumerate(items)),
                  key=lambda entry: entry[0])


def paginate(
    items: Sequence,
    args: dict,
    codec: Codec,
    wrap: Callable[[object], object] = lambda item: item,
    *,
    entries: list[Entry] | None = None,
) -> dict:
    """Return the connection dict (totalCount, pageInfo, nodes, edges) for one page of ``items``.

    Items are ordered by ``codec.key``; ``after``/``before`` select by key, so a cursor keeps
    meaning "after this sort position" even when items were inserted or moved since.
    ``entries`` (from ``keyed``) may be passed instead of ``items`` to skip re-sorting.
    """
    entries = keyed(items, codec) if entries is None else entries
    keys = [entry[0] for entry in entries]
    lo, hi = _cursor_window(keys, args, codec)
    start, end = _page_window(lo, hi, args)
    page = entries[start:end]
    edges = [{"cursor": codec.encode(item, i), "node": wrap(item)} for _, i, item in page]
    return {
        "totalCount": len(entries),
        "pageInfo": _page_info(edges, start, end, len(entries)),
        "nodes": [edge["node"] for edge in edges],
        "edges": edges,
    }


def _cursor_window(keys: list[tuple], args: dict, codec: Codec) -> tuple[int, int]:
    lo, hi = 0, len(keys)
    if args.get("after") is not None:
        lo = bisect_right(keys, codec.decode(args["after"]))
    if args.get("before") is not None:
        hi = max(lo, bisect_left(keys, codec.decode(args["before"])))
    return lo, hi


def _page_window(lo: int, hi: int, args: dict) -> tuple[int, int]:
    first, last = args.get("first"), args.get("last")
    if first is not None and last is not None:
        raise GitHubError("Passing both `first` and `last` is not supported.")
    if first is not None:
        return lo, min(hi, lo + first)
    if last is not None:
        return max(lo, hi - last), hi
    return lo, hi


def _page_info(edges: list[dict], start: int, end: int, total: int) -> dict:
    return {
        "startCursor": edges[0]["cursor"] if edges else None,
        "endCursor": edges[-1]["cursor"] if edges else None,
        "hasNextPage": end < total,
        "hasPreviousPage": start > 0,
    }
