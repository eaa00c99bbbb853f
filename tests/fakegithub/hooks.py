"""Dataset changes scheduled around numbered requests (``on_request``, ``during_request``)."""

from __future__ import annotations

import threading
from collections.abc import Callable

Edit = Callable[[dict], object]


class RequestHooks:
    """Edits to run *before* request ``n`` is served, or *while* it is (after its response was
    computed from the old data, before the response is sent). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._before: dict[int, list[Edit]] = {}
        self._during: dict[int, list[Edit]] = {}

    def before(self, n: int, fn: Edit) -> None:
        """Run ``fn(dataset)`` just before request ``n`` is served."""
        with self._lock:
            self._before.setdefault(n, []).append(fn)

    def during(self, n: int, fn: Edit) -> None:
        """Run ``fn(dataset)`` after request ``n``'s response was computed, before it is sent."""
        with self._lock:
            self._during.setdefault(n, []).append(fn)

    def take_before(self, n: int) -> list[Edit]:
        """Remove and return the edits scheduled before request ``n``."""
        with self._lock:
            return self._before.pop(n, [])

    def take_during(self, n: int) -> list[Edit]:
        """Remove and return the edits scheduled during request ``n``."""
        with self._lock:
            return self._during.pop(n, [])
