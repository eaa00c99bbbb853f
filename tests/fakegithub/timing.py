"""A simulated server execution time per request, from what the response actually holds.

GitHub stops a query after 10 seconds of server time and answers 502 (the query still costs
points). The fake estimates the time a response took as ``base_ms + per_object_ms * objects``,
where ``objects`` counts every JSON object in ``data`` (each PR, commit, review, file, check
run, actor, ``pageInfo``...), introspection results excluded.

Calibration (defaults 50 ms + 0.3 ms per object): a page of 100 heavy PRs, each with 100 files,
100 reviews with authors and a head commit with 100 check runs (~40,000 objects) takes ~12 s and
times out; 50 typical PRs with every nested connection (~3,000 objects) take ~1 s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

GITHUB_TIMEOUT_MS = 10_000.0


@dataclass(frozen=True)
class ResponseTime:
    """The cost model: ``simulated_ms = base_ms + per_object_ms * objects``."""

    base_ms: float = 50.0
    per_object_ms: float = 0.3
    timeout_ms: float = GITHUB_TIMEOUT_MS

    def simulated_ms(self, data: object, skip_keys: Iterable[str] = ()) -> float:
        """Milliseconds the server "spent" producing ``data`` (top-level ``skip_keys`` free)."""
        if isinstance(data, dict):
            skipped = set(skip_keys)
            data = [value for key, value in data.items() if key not in skipped]
        return round(self.base_ms + self.per_object_ms * count_objects(data), 1)

    def times_out(self, milliseconds: float) -> bool:
        """Whether a request that took ``milliseconds`` exceeds the server's time budget."""
        return milliseconds > self.timeout_ms


def count_objects(value: object) -> int:
    """Number of JSON objects (dicts) in ``value``, at any depth."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            total += 1
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return total


GITHUB_RESPONSE_TIME = ResponseTime()
