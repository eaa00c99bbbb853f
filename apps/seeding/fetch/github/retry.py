"""Retry policy: what to do after a failed request. Pure: a function of (error, counters, now).

- Primary rate limit: wait until the reset (the client first tries another token).
- Secondary limit: ``retry-after`` if given; else until the reset if the budget is 0; else at
  least a minute, doubling each time (GitHub bans clients that hammer while limited).
- 502/504 (GitHub's 10 s query timeout) twice in a row: ask the caller for a smaller query.
- Other transient failures (5xx, dropped connections, client timeouts, garbled bodies): capped
  exponential backoff with equal jitter (a uniform delay in [cap/2, cap]), up to
  ``max_attempts``.
- Any wait longer than ``max_wait``: stop (the caller has committed its cursor; resume later).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

from .errors import GitHubError, RateLimitError, SecondaryRateLimitError, ServerError


class Action(Enum):
    RETRY = "retry"          # sleep ``delay``, then send the same request again
    WAIT = "wait"            # rate limited: sleep ``delay`` (or switch token), then again
    SHRINK = "shrink"        # give up on this request size: caller retries smaller
    FAIL = "fail"            # not retryable, or retries exhausted
    TOO_LONG = "too_long"    # a wait longer than ``max_wait`` would be needed


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    delay: float = 0.0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Attempts:
    """Counters for one logical request."""

    transient: int = 0        # failures that count against max_attempts
    timeouts_in_row: int = 0  # consecutive 502/504
    secondary: int = 0        # secondary-limit hits


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 6
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    secondary_min: float = 60.0
    max_wait: float = 3600.0
    shrink_after: int = 2

    def decide(self, error: GitHubError, attempts: Attempts, now: float, *,
               can_shrink: bool = False, rng: random.Random | None = None) -> Decision:
        """Decide after ``error``; ``attempts`` already counts this failure."""
        if isinstance(error, RateLimitError):
            return self.wait_for(max(1.0, (error.reset_at or now + 60) - now + 1), "rate limit")
        if isinstance(error, SecondaryRateLimitError):
            delay = self._secondary_delay(error, attempts, now)
            return self.wait_for(delay, "secondary rate limit")
        if (can_shrink and isinstance(error, ServerError) and error.is_timeout
                and attempts.timeouts_in_row >= self.shrink_after):
            return Decision(Action.SHRINK, 0.0, "query timed out repeatedly")
        if not error.retryable or attempts.transient >= self.max_attempts:
            return Decision(Action.FAIL, 0.0, str(error))
        return Decision(Action.RETRY, self.backoff(attempts.transient, rng), str(error))

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Equal-jitter exponential backoff for the ``attempt``-th failure (1-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** max(0, attempt - 1))
        return (rng or random).uniform(ceiling / 2, ceiling)

    def _secondary_delay(self, error: SecondaryRateLimitError, attempts: Attempts,
                         now: float) -> float:
        if error.retry_after is not None:
            return max(1.0, error.retry_after)
        if error.headers.get("x-ratelimit-remaining") == "0":
            reset = float(error.headers.get("x-ratelimit-reset") or now + 60)
            return max(1.0, reset - now + 1)
        return self.secondary_min * 2 ** max(0, attempts.secondary - 1)

    def wait_for(self, delay: float, reason: str) -> Decision:
        """A rate-limit wait of ``delay`` seconds, or TOO_LONG past ``max_wait``."""
        if delay > self.max_wait:
            return Decision(Action.TOO_LONG, delay, reason)
        return Decision(Action.WAIT, delay, reason)
