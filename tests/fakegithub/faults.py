"""Fault plan: which requests fail, how, and the knobs of each failure (thread-safe).

Kinds:

* ``502_json``: 502 with GitHub's "Something went wrong ... timeout" JSON (costs points).
* ``502_html``: 502 with an HTML proxy page and no rate-limit headers (costs points).
* ``504``: 504 with GitHub's "couldn't respond in time" JSON (costs points).
* ``drop``: the connection is closed without any response.
* ``slow``: the answer is delayed by ``slow_seconds`` (then served normally).
* ``secondary``: 403 secondary rate limit, with ``retry-after`` unless disabled.
* ``secondary_200``: the secondary-limit message as a GraphQL error at HTTP 200.
* ``rate_limited``: primary-limit error while the headers still show points left.
* ``corrupt_enum``: one enum value in ``data`` becomes an unknown one (``SUPER_APPROVED``).
* ``data_null``: 200 with ``{"data": null}`` and no errors.
* ``non_json``: 200 with an HTML body.
* ``slow_drip``: status line and headers at once, then the body one byte per ``drip_seconds``.
* ``huge_body``: a 200 whose body streams ``huge_body_bytes`` bytes (chunked, generated on the
  fly): ``brackets`` (``[[[[...``) or ``json_prefix`` (a valid JSON prefix that never closes).
* ``lone_surrogate``: a normal page whose text holds ``\ud800`` escapes (a lone surrogate).
* ``hostile_error``: ``hostile_error_status`` (502 or 200) with an error message full of
  ANSI/OSC escape sequences and ``hostile_error_bytes`` of text.

Timeouts, ``huge_body`` and ``hostile_error`` happen after the query was charged. The random
faults (``p``) draw from the older kinds unless ``kinds`` names the hostile ones explicitly.

Besides kinds, the plan holds per-PR resource limits (``resource_limits``: nested connections
of the listed PRs asked for more than ``over`` items fail with ``RESOURCE_LIMITS_EXCEEDED``)
and response rewriters (``tamper_next``).
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

TIMEOUT_KINDS = frozenset({"502_json", "502_html", "504"})
RESPONSE_KINDS = frozenset({"corrupt_enum", "data_null", "non_json", "lone_surrogate"})
SECONDARY_KINDS = frozenset({"secondary", "secondary_200"})
REPLACING_KINDS = frozenset({*TIMEOUT_KINDS, "huge_body", "hostile_error"})
HOSTILE_KINDS = frozenset({"slow_drip", "huge_body", "lone_surrogate", "hostile_error"})
KINDS = frozenset({*TIMEOUT_KINDS, *RESPONSE_KINDS, *SECONDARY_KINDS, *HOSTILE_KINDS,
                   "drop", "slow", "rate_limited"})
DEFAULT_RANDOM_KINDS = KINDS - HOSTILE_KINDS - {"slow"}
RATE_LIMIT_STYLES = ("old", "new", "alternate")
HUGE_BODY_PATTERNS = ("brackets", "json_prefix")
Tamper = Callable[[object], object]


@dataclass(frozen=True)
class ResourceLimits:
    """Nested connections of PRs ``numbers`` (of ``repo``, or any repo) fail above ``over``."""

    numbers: frozenset[int]
    over: int
    repo: str | None = None

    def applies(self, obj, args: dict) -> bool:
        """Whether the connection field being resolved under ``obj`` breaks the limit."""
        pr = obj.pr
        if pr is None or pr.get("number") not in self.numbers:
            return False
        if self.repo is not None and obj.repo.key.lower() != self.repo.lower():
            return False
        size = args.get("first") if args.get("first") is not None else args.get("last")
        return size is not None and size > self.over


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(KINDS)}")
    return kind


class FaultPlan:
    """Random and scripted faults plus rate-limit presentation settings.

    Scripted faults win over the heavy-query rule, which wins over random faults. Every
    method may be called while the server runs.
    """

    def __init__(
        self,
        *,
        p: float = 0.0,
        kinds: Iterable[str] | None = None,
        seed: int = 0,
        slow_seconds: float = 2.0,
        retry_after: int | None = 60,
        heavy_threshold: int | None = None,
        heavy_kind: str = "502_json",
        rate_limit_style: str = "old",
        quirk_remaining: bool = False,
        corrupt_value: str = "SUPER_APPROVED",
        drip_seconds: float = 0.05,
        huge_body_bytes: int = 64 * 1024 * 1024,
        huge_body_pattern: str = "brackets",
        hostile_error_status: int = 502,
        hostile_error_bytes: int = 2 * 1024 * 1024,
    ):
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._scripted: deque[str] = deque()
        self._tampers: deque[Tamper] = deque()
        self._limits: list[ResourceLimits] = []
        self._outage_in: int | None = None
        self._outage_kind = "502_json"
        self._alternate = 0
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.quirk_remaining = quirk_remaining
        self.corrupt_value = corrupt_value
        self.drip_seconds = drip_seconds
        self.set_huge_body(huge_body_bytes, huge_body_pattern)
        self.set_hostile_error(hostile_error_status, hostile_error_bytes)
        self.set_random(p, kinds)
        self.heavy_threshold(heavy_threshold, heavy_kind)
        self.set_rate_limit_style(rate_limit_style)

    # --- configuration ------------------------------------------------------------------------

    def set_random(self, p: float, kinds: Iterable[str] | None = None) -> None:
        """Fail each request with probability ``p`` with a kind drawn from ``kinds`` (default:
        every kind except ``slow`` and the hostile transport kinds)."""
        chosen = sorted(_check_kind(k) for k in (kinds or sorted(DEFAULT_RANDOM_KINDS)))
        if not 0.0 <= p <= 1.0:
            raise ValueError("p must be within 0..1")
        with self._lock:
            self._p, self._kinds = p, chosen

    def fail_next(self, n: int, kind: str) -> None:
        """Fail the next ``n`` requests with ``kind`` (queued after earlier scripted faults)."""
        _check_kind(kind)
        with self._lock:
            self._scripted.extend([kind] * n)

    def outage_after(self, n: int, kind: str = "502_json") -> None:
        """Serve ``n`` more requests, then fail every request with ``kind`` until ``clear()``."""
        _check_kind(kind)
        with self._lock:
            self._outage_in, self._outage_kind = n, kind

    def heavy_threshold(self, n: int | None, kind: str = "502_json") -> None:
        """Time out (``kind``) any query asking ``pullRequests`` for more than ``n`` per page."""
        _check_kind(kind)
        with self._lock:
            self._heavy, self._heavy_kind = n, kind

    def set_slow(self, seconds: float) -> None:
        """Delay used by the ``slow`` kind."""
        self.slow_seconds = seconds

    def set_drip(self, seconds: float) -> None:
        """Pause after each body byte of the ``slow_drip`` kind."""
        self.drip_seconds = seconds

    def set_huge_body(self, n_bytes: int, pattern: str = "brackets") -> None:
        """Size and content (``brackets`` or ``json_prefix``) of the ``huge_body`` kind."""
        if pattern not in HUGE_BODY_PATTERNS:
            raise ValueError(f"huge body pattern must be one of {HUGE_BODY_PATTERNS}")
        self.huge_body_bytes, self.huge_body_pattern = n_bytes, pattern

    def set_hostile_error(self, status: int = 502, n_bytes: int = 2 * 1024 * 1024) -> None:
        """HTTP status (502 or 200) and message size of the ``hostile_error`` kind."""
        if status not in (200, 502):
            raise ValueError("hostile_error status must be 200 or 502")
        self.hostile_error_status, self.hostile_error_bytes = status, n_bytes

    def resource_limits(self, numbers: Iterable[int], over: int, repo: str | None = None) -> None:
        """PRs ``numbers`` (of ``repo``, default any repository): any nested connection asked
        for more than ``over`` items is ``null`` with a ``RESOURCE_LIMITS_EXCEEDED`` error."""
        with self._lock:
            self._limits.append(ResourceLimits(frozenset(numbers), over, repo))

    def resource_limit_rules(self) -> tuple[ResourceLimits, ...]:
        """The resource limits in force (a snapshot)."""
        with self._lock:
            return tuple(self._limits)

    def tamper_next(self, fn: Tamper, n: int = 1) -> None:
        """Rewrite the next ``n`` JSON response bodies with ``fn(body)`` just before sending.

        ``fn`` gets the decoded body (usually a dict) and may change it in place and return
        ``None``, return a replacement JSON value, or return ``bytes``/``str`` to send as the
        raw body. Responses without a JSON body (dropped, HTML, streamed) are not counted.
        """
        with self._lock:
            self._tampers.extend([fn] * n)

    def next_tamper(self) -> Tamper | None:
        """The rewriter for the response being sent, if one is queued."""
        with self._lock:
            return self._tampers.popleft() if self._tampers else None

    def set_retry_after(self, seconds: int | None) -> None:
        """``retry-after`` seconds on secondary limits; ``None`` sends no header."""
        self.retry_after = seconds

    def set_rate_limit_style(self, style: str) -> None:
        """Primary-limit body shape: ``old`` (RATE_LIMITED), ``new`` (RATE_LIMIT), ``alternate``."""
        if style not in RATE_LIMIT_STYLES:
            raise ValueError(f"rate limit style must be one of {RATE_LIMIT_STYLES}")
        self.rate_limit_style = style

    def set_quirk_remaining(self, enabled: bool) -> None:
        """When exhausted, report the true (non-zero) remaining in headers instead of 0."""
        self.quirk_remaining = enabled

    def clear(self) -> None:
        """Drop random, scripted, outage, heavy-query faults, resource limits and tampers."""
        with self._lock:
            self._p = 0.0
            self._scripted.clear()
            self._tampers.clear()
            self._limits.clear()
            self._outage_in = None
            self._heavy = None

    # --- use by the server --------------------------------------------------------------------

    def pick(self, pull_request_page_sizes: Iterable[int] = ()) -> str | None:
        """Decide the fault (or ``None``) for the request being served."""
        with self._lock:
            if self._scripted:
                return self._scripted.popleft()
            outage = self._outage_step()
            if outage:
                return outage
            if self._heavy is not None and any(s > self._heavy for s in pull_request_page_sizes):
                return self._heavy_kind
            if self._p and self._rng.random() < self._p:
                return self._rng.choice(self._kinds)
            return None

    def _outage_step(self) -> str | None:
        if self._outage_in is None:
            return None
        if self._outage_in > 0:
            self._outage_in -= 1
            return None
        return self._outage_kind

    def next_rate_limit_style(self) -> str:
        """The body shape for the next primary-limit error (``old`` or ``new``)."""
        if self.rate_limit_style != "alternate":
            return self.rate_limit_style
        with self._lock:
            self._alternate += 1
            return "new" if self._alternate % 2 == 0 else "old"

    def choose(self, count: int) -> int:
        """A seeded random index below ``count`` (used to pick the enum to corrupt)."""
        with self._lock:
            return self._rng.randrange(count)

    def describe(self) -> dict:
        """Current settings, JSON-serialisable."""
        with self._lock:
            return {
                "p": self._p, "kinds": list(self._kinds), "scripted": list(self._scripted),
                "outage_in": self._outage_in, "outage_kind": self._outage_kind,
                "heavy_threshold": self._heavy, "heavy_kind": self._heavy_kind,
                "slow_seconds": self.slow_seconds, "retry_after": self.retry_after,
                "rate_limit_style": self.rate_limit_style,
                "quirk_remaining": self.quirk_remaining, "drip_seconds": self.drip_seconds,
                "huge_body_bytes": self.huge_body_bytes,
                "huge_body_pattern": self.huge_body_pattern,
                "hostile_error_status": self.hostile_error_status,
                "hostile_error_bytes": self.hostile_error_bytes,
                "resource_limits": [{"numbers": sorted(limit.numbers), "over": limit.over,
                                     "repo": limit.repo} for limit in self._limits],
                "tampers_queued": len(self._tampers),
            }
