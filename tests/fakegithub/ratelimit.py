"""Per-token primary rate limit windows and GitHub's secondary points-per-minute limit."""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime


@dataclass
class Budget:
    """One token's current primary window."""

    limit: int
    used: int
    reset: int

    @property
    def remaining(self) -> int:
        """Points left in this window."""
        return max(0, self.limit - self.used)

    @property
    def reset_at(self) -> str:
        """``reset`` as ISO 8601 (what ``rateLimit.resetAt`` reports)."""
        return datetime.fromtimestamp(self.reset, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def headers(self, remaining: int | None = None) -> dict[str, str]:
        """The ``x-ratelimit-*`` headers for this window."""
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining if remaining is None else remaining),
            "x-ratelimit-reset": str(self.reset),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-resource": "graphql",
        }


class RateLimiter:
    """``limit`` points per ``window_seconds`` per token; a window starts at first use.

    Reset times are whole epoch seconds (like the ``x-ratelimit-reset`` header), so a client that
    sleeps until the advertised reset always finds a fresh window.
    """

    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], float]):
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock
        self._budgets: dict[str, Budget] = {}
        self._lock = threading.Lock()

    def budget(self, token_key: str) -> Budget:
        """A copy of the current window of ``token_key`` (a new one if the old one expired)."""
        with self._lock:
            return replace(self._current(token_key))

    def charge(self, token_key: str, points: int) -> Budget:
        """Spend ``points`` from ``token_key``'s window; return a copy of it afterwards."""
        with self._lock:
            budget = self._current(token_key)
            budget.used += points
            return replace(budget)

    def _current(self, token_key: str) -> Budget:
        now = self.clock()
        budget = self._budgets.get(token_key)
        if budget is None or now >= budget.reset:
            budget = Budget(self.limit, 0, math.ceil(now + self.window_seconds))
            self._budgets[token_key] = budget
        budget.limit = self.limit
        return budget

    def reset(self) -> None:
        """Forget every window."""
        with self._lock:
            self._budgets.clear()


class PointsPerMinute:
    """GitHub's secondary limit on points spent per rolling minute (``None`` disables it)."""

    def __init__(self, limit: int | None, clock: Callable[[], float]):
        self.limit = limit
        self.clock = clock
        self._spent: dict[str, deque[tuple[float, int]]] = {}
        self._lock = threading.Lock()

    def would_exceed(self, token_key: str, points: int) -> bool:
        """Whether spending ``points`` now would pass the per-minute limit."""
        if self.limit is None:
            return False
        with self._lock:
            return self._recent(token_key) + points > self.limit

    def record(self, token_key: str, points: int) -> None:
        """Remember that ``points`` were spent now."""
        with self._lock:
            self._spent.setdefault(token_key, deque()).append((self.clock(), points))

    def _recent(self, token_key: str) -> int:
        spent = self._spent.setdefault(token_key, deque())
        horizon = self.clock() - 60
        while spent and spent[0][0] < horizon:
            spent.popleft()
        return sum(points for _, points in spent)
