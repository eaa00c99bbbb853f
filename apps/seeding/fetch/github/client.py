"""Execute GraphQL queries against GitHub with retries, pacing, token rotation and accounting.

The transport (``requests.Session``), clock, sleep and random source are injected, so tests and
benchmarks drive it without real time passing. What to do after a failure is decided by
``RetryPolicy``; this module only carries it out. Every request is bounded in time (connect to
last byte: a server dripping one byte a second cannot hold it) and in size (the body is read as
a stream and abandoned past ``max_bytes``). Several clients (one per job) may share one
``TokenPool``.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
import urllib3

from .classify import classify
from .endpoint import display_url
from .errors import (
    AuthError,
    FieldError,
    GitHubError,
    QueryTimeoutError,
    RateLimitError,
    ResponseTooLargeError,
    RetriesExhaustedError,
    SecondaryRateLimitError,
    ServerError,
    TransportError,
    WaitTooLongError,
)
from .retry import Action, Attempts, Decision, RetryPolicy
from .secrets import clean, redact
from .tokens import Token, TokenPool

DEFAULT_URL = "https://api.github.com/graphql"
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
READ_CHUNK = 1 << 16
SERVER_TEXT_LIMIT = 200  # characters of an error text from the server kept in its message
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
    secondary_limits: int = 0     # secondary limits hit (honoured by waiting or resting)
    token_switches: int = 0
    rejected_tokens: int = 0
    shrinks: int = 0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["wait_seconds"] = round(self.wait_seconds, 1)
        return d


@dataclass(frozen=True, slots=True)
class Response:
    """A usable answer: ``data``, partial ``errors`` at paths in it, and its cost."""

    data: dict[str, Any]
    cost: int
    server_time: datetime | None
    errors: tuple[FieldError, ...] = ()
    elapsed: float = 0.0


class GraphQLClient:
    """Sends queries; raises ``GitHubError`` subclasses, never a ``requests`` exception."""

    def __init__(self, url: str, pool: TokenPool, *, policy: RetryPolicy | None = None,
                 session: requests.Session | None = None, timeout: float = 60.0,
                 max_bytes: int = DEFAULT_MAX_BYTES, clock: Callable[[], float] = time.time,
                 sleep: Sleeper | None = None, rng: random.Random | None = None) -> None:
        self.url, self.pool = url, pool
        self.policy = policy or RetryPolicy()
        self.session = session or requests.Session()
        self.timeout, self.max_bytes, self.clock = timeout, max_bytes, clock
        self._sleep = sleep or (lambda seconds, reason: time.sleep(seconds))
        self.rng = rng or random.Random()
        self.stats = ClientStats()

    def execute(self, query: str, variables: dict[str, Any], *,
                can_shrink: bool = False) -> Response:
        """Run ``query`` until it succeeds or a failure is final.

        Raises ``QueryTimeoutError`` (only with ``can_shrink``) when GitHub keeps timing out,
        ``WaitTooLongError`` when a rate limit needs a wait beyond ``policy.max_wait``,
        ``RetriesExhaustedError`` after too many transient failures, ``AuthError`` when every
        token is rejected, and other ``GitHubError``s for final errors. Partial errors (GitHub's
        ``errors`` at paths of usable ``data``) are returned in ``Response.errors``.
        """
        attempts = Attempts()
        while True:
            token = self._token()
            try:
                return self._attempt(token, query, variables)
            except AuthError:
                self.stats.rejected_tokens += 1
                self.pool.reject(token)  # raises when no token is left
                continue
            except GitHubError as error:
                failure = error
            finally:
                self.pool.release(token)  # never held while waiting
            attempts = _count(attempts, failure)
            if self._switch_token(token, failure):
                continue
            decision = self.policy.decide(failure, attempts, self.clock(),
                                          can_shrink=can_shrink, rng=self.rng)
            self._carry_out(decision, failure)

    def execute_with(self, token: Token, query: str,
                     variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """One attempt with ``token`` (no retry, no rotation): its data, or a ``GitHubError``.
        For questions about a token itself (its budget, its user)."""
        return self._attempt(token, query, variables or {}).data

    def _token(self) -> Token:
        token = self.pool.acquire()
        while token is None:  # every token spent or resting: wait for the first to recover
            delay = max(1.0, self.pool.earliest_reset() - self.clock() + 1)
            self._carry_out(self.policy.wait_for(delay, "rate limit"), None)
            token = self.pool.acquire()
        return token

    def _switch_token(self, token: Token, error: GitHubError) -> bool:
        """After a rate limit, mark the token for every job; move on if another can serve."""
        if isinstance(error, SecondaryRateLimitError):
            self.stats.secondary_limits += 1
        if isinstance(error, RateLimitError):
            self.pool.exhausted(token, error.reset_at)
        elif isinstance(error, SecondaryRateLimitError) and len(self.pool.tokens) > 1:
            attempts = Attempts(secondary=1)
            self.pool.rest(token, self.policy.decide(error, attempts, self.clock()).delay)
        else:
            return False
        if self.pool.current() is None:
            return False
        self.stats.token_switches += 1
        return True

    def _attempt(self, token: Token, query: str, variables: dict[str, Any]) -> Response:
        self.stats.requests += 1
        started = time.monotonic()
        try:
            http = self.session.post(
                self.url, json={"query": query, "variables": variables}, stream=True,
                timeout=(min(self.timeout, 10.0), self.timeout),
                headers={"Authorization": f"bearer {token.secret}",
                         "Accept": "application/vnd.github+json", "User-Agent": "pr-seeding"})
            body = self._read_body(http, started)
        except requests.RequestException as e:
            reason = clean(f"{type(e).__name__}: {e}", self.pool.secrets, SERVER_TEXT_LIMIT)
            raise TransportError(f"no response from {display_url(self.url)} ({reason})") \
                from None
        self.pool.observe(token, http.headers)
        try:
            data, errors = classify(http.status_code, http.headers, body)
        except GitHubError as error:
            raise _scrubbed(error, self.pool.secrets) from None
        errors = tuple(replace(e, message=clean(e.message, self.pool.secrets, SERVER_TEXT_LIMIT))
                       for e in errors)
        self.pool.observe(token, {}, user=_viewer(data))
        cost = _cost(data)
        self.stats.points += cost
        return Response(data, cost, _server_time(http.headers.get("date")), errors,
                        time.monotonic() - started)

    def _read_body(self, http: requests.Response, started: float) -> bytes:
        """The whole body, or ``TransportError`` past the deadline or the size limit."""
        deadline = started + self.timeout
        watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _hang_up, (http,))
        watchdog.daemon = True
        watchdog.start()
        chunks, size = [], 0
        try:
            while chunk := http.raw.read1(READ_CHUNK, decode_content=True):
                size += len(chunk)
                if size > self.max_bytes:
                    raise ResponseTooLargeError(
                        f"the response from {display_url(self.url)} passed the maximum size of "
                        f"{self.max_bytes:,} bytes (SEEDING_MAX_RESPONSE_BYTES)")
                if time.monotonic() > deadline:
                    raise _too_slow(self)
                chunks.append(chunk)
        except (OSError, ValueError, urllib3.exceptions.HTTPError) as e:
            # a watchdog hang-up shows as a broken read (ProtocolError), as does a dropped link
            if time.monotonic() >= deadline:
                raise _too_slow(self) from None
            raise requests.ConnectionError(e) from None
        finally:
            watchdog.cancel()
            http.close()
        return b"".join(chunks)

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
        self._sleep(decision.delay, clean(decision.reason, self.pool.secrets, SERVER_TEXT_LIMIT))


def _scrubbed(error: GitHubError, secrets: list[str]) -> GitHubError:
    """``error`` with its message and body excerpt redacted, the message cut to
    ``SERVER_TEXT_LIMIT`` characters: text from the server may quote a token and run for
    megabytes, and every message is printed, logged and wrapped in others (partial errors'
    messages, stored in PR events, are cleaned the same way)."""
    error.args = (clean(str(error), secrets, SERVER_TEXT_LIMIT), *error.args[1:])
    error.body = redact(error.body, secrets)
    return error


def _hang_up(http: requests.Response) -> None:
    """Wake a read blocked past the deadline by shutting its socket down."""
    sock = getattr(getattr(http.raw, "connection", None), "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _too_slow(client: GraphQLClient) -> TransportError:
    return TransportError(f"no complete response from {display_url(client.url)} within "
                          f"{client.timeout:g} s (SEEDING_HTTP_TIMEOUT)")


def _count(attempts: Attempts, error: GitHubError) -> Attempts:
    """Update the per-request counters after ``error``."""
    if isinstance(error, SecondaryRateLimitError):
        return replace(attempts, secondary=attempts.secondary + 1)
    if isinstance(error, RateLimitError):
        return attempts
    timeout = isinstance(error, ServerError) and error.is_timeout
    return replace(attempts, transient=attempts.transient + 1,
                   timeouts_in_row=attempts.timeouts_in_row + 1 if timeout else 0)


def _cost(data: dict[str, Any]) -> int:
    rate = data.get("rateLimit")
    cost = rate.get("cost") if isinstance(rate, dict) else None
    return cost if isinstance(cost, int) and cost >= 0 else 1


def _viewer(data: dict[str, Any]) -> str | None:
    viewer = data.get("viewer")
    login = viewer.get("login") if isinstance(viewer, dict) else None
    return login if isinstance(login, str) else None


def _server_time(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
