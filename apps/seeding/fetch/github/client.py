"""Execute GraphQL queries against GitHub with retries, pacing, token rotation and accounting.

The transport (``requests.Session``), clock, sleep and random source are injected, so tests and
benchmarks drive it without real time passing. What to do after a failure is decided by
``RetryPolicy``; this module only carries it out.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from .classify import classify
from .errors import (
    AuthError,
    GitHubError,
    QueryTimeoutError,
    RateLimitError,
    RetriesExhaustedError,
    SecondaryRateLimitError,
    ServerError,
    TransportError,
    WaitTooLongError,
)
from .retry import Action, Attempts, Decision, RetryPolicy
from .tokens import Token, TokenPool, redact

DEFAULT_URL = "https://api.github.com/graphql"
Sleeper = Callable[[float, str], None]


@dataclass(slots=True)
class ClientStats:
    """What the client spent: requests sent, GraphQL points, retries and waits."""

    requests: int = 0
    points: int = 0
    retries: int = 0
    waits: int = 0
    wait_seconds: float = 0.0
    rate_limit_waits: int = 0
    secondary_waits: int = 0
    token_switches: int = 0
    rejected_tokens: int = 0
    shrinks: int = 0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["wait_seconds"] = round(self.wait_seconds, 1)
        return d


@dataclass(frozen=True, slots=True)
class Response:
    data: dict[str, Any]
    cost: int
    server_time: datetime | None


class GraphQLClient:
    """Sends queries; raises ``GitHubError`` subclasses, never a ``requests`` exception."""

    def __init__(self, url: str, pool: TokenPool, *, policy: RetryPolicy | None = None,
                 session: requests.Session | None = None, timeout: float = 60.0,
                 clock: Callable[[], float] = time.time, sleep: Sleeper | None = None,
                 rng: random.Random | None = None) -> None:
        self.url, self.pool = url, pool
        self.policy = policy or RetryPolicy()
        self.session = session or requests.Session()
        self.timeout, self.clock = timeout, clock
        self._sleep = sleep or (lambda seconds, reason: time.sleep(seconds))
        self.rng = rng or random.Random()
        self.stats = ClientStats()

    def execute(self, query: str, variables: dict[str, Any], *,
                can_shrink: bool = False) -> Response:
        """Run ``query`` until it succeeds or a failure is final.

        Raises ``QueryTimeoutError`` (only with ``can_shrink``) when GitHub keeps timing out,
        ``WaitTooLongError`` when a rate limit needs a wait beyond ``policy.max_wait``,
        ``RetriesExhaustedError`` after too many transient failures, ``AuthError`` when every
        token is rejected, and other ``GitHubError``s for final errors.
        """
        attempts = Attempts()
        while True:
            token = self._token()
            try:
                return self._attempt(token, query, variables)
            except AuthError:
                self.stats.rejected_tokens += 1
                self.pool.reject(token)  # raises when no token is left
            except GitHubError as error:
                attempts = _count(attempts, error)
                if isinstance(error, RateLimitError):
                    self.pool.exhausted(token, error.reset_at)
                    if self.pool.current() is not None:
                        self.stats.token_switches += 1
                        continue
                decision = self.policy.decide(error, attempts, self.clock(),
                                              can_shrink=can_shrink, rng=self.rng)
                self._carry_out(decision, error)

    def _token(self) -> Token:
        token = self.pool.current()
        while token is None:  # every token exhausted: wait for the first reset
            delay = max(1.0, self.pool.earliest_reset() - self.clock() + 1)
            self._carry_out(self.policy.wait_for(delay, "rate limit"), None)
            token = self.pool.current()
        return token

    def _attempt(self, token: Token, query: str, variables: dict[str, Any]) -> Response:
        self.stats.requests += 1
        try:
            http = self.session.post(
                self.url, json={"query": query, "variables": variables}, timeout=self.timeout,
                headers={"Authorization": f"bearer {token.secret}",
                         "Accept": "application/vnd.github+json",
                         "User-Agent": "pr-seeding"})
        except requests.RequestException as e:
            reason = redact(f"{type(e).__name__}: {e}", self.pool.secrets)
            raise TransportError(f"no response from {self.url} ({reason[:200]})") from None
        self.pool.observe(token, http.headers)
        data = classify(http.status_code, http.headers, http.content)
        cost = int((data.get("rateLimit") or {}).get("cost") or 1)
        self.stats.points += cost
        return Response(data, cost, _server_time(http.headers.get("date")))

    def _carry_out(self, decision: Decision, error: GitHubError | None) -> None:
        if decision.action in (Action.RETRY, Action.WAIT):
            self._wait(decision, error)
            return
        if decision.action is Action.SHRINK:
            self.stats.shrinks += 1
            raise QueryTimeoutError(str(error), status=error.status) from error
        if decision.action is Action.TOO_LONG:
            resume_at = self.clock() + decision.delay
            raise WaitTooLongError(
                f"{decision.reason}: continuing needs a wait of {decision.delay:.0f} s, more than "
                f"the maximum of {self.policy.max_wait:.0f} s", resume_at=resume_at) from error
        if error is not None and error.retryable:
            raise RetriesExhaustedError(f"{error} (gave up after {self.policy.max_attempts} "
                                        "attempts)", last=error) from error
        raise error  # type: ignore[misc]

    def _wait(self, decision: Decision, error: GitHubError | None) -> None:
        if decision.action is Action.RETRY:
            self.stats.retries += 1
        else:
            self.stats.waits += 1
            self.stats.wait_seconds += decision.delay
            if isinstance(error, SecondaryRateLimitError):
                self.stats.secondary_waits += 1
            else:
                self.stats.rate_limit_waits += 1
        self._sleep(decision.delay, decision.reason)


def _count(attempts: Attempts, error: GitHubError) -> Attempts:
    """Update the per-request counters after ``error``."""
    if isinstance(error, SecondaryRateLimitError):
        return replace(attempts, secondary=attempts.secondary + 1)
    if isinstance(error, RateLimitError):
        return attempts
    timeout = isinstance(error, ServerError) and error.is_timeout
    return replace(attempts, transient=attempts.transient + 1,
                   timeouts_in_row=attempts.timeouts_in_row + 1 if timeout else 0)


def _server_time(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
