"""A pool of GitHub tokens shared by every job of a run: budgets per user, a few requests per
token at a time, and no token used while it is known to be spent or cooling down.

A token's budget is learnt from the ``x-ratelimit-*`` headers of its responses; tokens of the
same GitHub user (learnt from ``viewer { login }`` in any response) share one budget, as they do
on GitHub. A job asks for a token with ``acquire`` and gives it back with ``release``; with one job
the pool is sticky (it stays on one token until that runs low, then moves on). A token that runs
out recovers after its reset time; one that hit a secondary limit rests for the time GitHub
asked, for every job; one GitHub rejects (401) is dropped for the run. Tokens are referred to by
label ("token 2 of 3"), never by value. Thread-safe.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .errors import AuthError, ClientConfigError, MissingTokenError
from .secrets import redact as redact  # re-exported: the one redaction function

DEFAULT_MAX_IN_FLIGHT = 2
# ASCII separators only: a carriage return separates lines (CRLF files) but not two halves of a
# token, and Unicode spaces (a no-break space pasted with a token) are refused, not separators.
SEPARATORS = re.compile(r"[, \t\n\f\v]+")


@dataclass(slots=True)
class Budget:
    """One GitHub user's primary rate-limit window, as last reported."""

    remaining: int | None = None
    limit: int | None = None
    reset_at: float | None = None

    def recovered(self, now: float) -> bool:
        return self.remaining is None or (self.reset_at is not None and now >= self.reset_at)


@dataclass(slots=True, eq=False)
class Token:
    label: str
    secret: str
    user: str | None = None
    rejected: bool = False
    in_flight: int = 0
    resting_until: float = 0.0


def parse_tokens(raw: str | None) -> list[str]:
    """Tokens from a string: commas, spaces, tabs and line ends (LF, CRLF) separate them. A
    token holding any other control or non-ASCII character (a carriage return inside it, a
    zero-width or no-break space, an accented letter) is refused, named "token 2 of 3", before
    any use."""
    tokens = [t.strip("\r") for t in SEPARATORS.split(raw or "")]
    tokens = [t for t in tokens if t]
    for i, token in enumerate(tokens):
        check_token(token, f"token {i + 1} of {len(tokens)}")
    return list(dict.fromkeys(tokens))


def check_token(token: str, label: str) -> None:
    """Refuse (``ClientConfigError``, naming ``label``, never the token) a token holding any
    character outside printable ASCII: it could not be sent in a header, or is a paste error."""
    bad = next((c for c in token if not 0x21 <= ord(c) <= 0x7E), None)
    if bad is not None:
        kind = "a non-ASCII" if ord(bad) > 0x7F else "a control"
        raise ClientConfigError(
            f"{label} contains {kind} character (U+{ord(bad):04X} at position "
            f"{token.index(bad) + 1}); paste the token again without it")


class TokenPool:
    """Selection over several tokens. ``low_water`` is the remaining budget below which a sticky
    selection moves on to a token with more; ``max_in_flight`` the concurrent requests allowed
    per token."""

    def __init__(self, secrets: Sequence[str], *, low_water: int = 100,
                 clock: Callable[[], float] = time.time,
                 max_in_flight: int = DEFAULT_MAX_IN_FLIGHT) -> None:
        unique = list(dict.fromkeys(s.strip() for s in secrets if s and s.strip()))
        if not unique:
            raise MissingTokenError("no GitHub token configured")
        n = len(unique)
        for i, secret in enumerate(unique):  # never let requests fail on a header it can't send
            check_token(secret, f"token {i + 1} of {n}")
        self.tokens = [Token(f"token {i + 1} of {n}", s) for i, s in enumerate(unique)]
        self.low_water, self.clock, self.max_in_flight = low_water, clock, max(1, max_in_flight)
        self._budgets: dict[str, Budget] = {t.label: Budget() for t in self.tokens}
        self._cond = threading.Condition()
        self._index = 0

    @property
    def secrets(self) -> list[str]:
        return [t.secret for t in self.tokens]

    # -- choosing ---------------------------------------------------------------------------

    def current(self) -> Token | None:
        """The token a sticky single job would use now, or ``None`` when every valid token is
        spent or resting (ignores in-flight counts)."""
        with self._cond:
            return self._pick(self.clock(), slots=False)

    def acquire(self, timeout: float | None = None) -> Token | None:
        """A token with budget and a free request slot (waiting for a slot while every usable
        token is busy), counted in flight until ``release``; ``None`` when every valid token is
        spent or resting (see ``earliest_reset``)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                now = self.clock()
                token = self._pick(now, slots=True)
                if token is not None:
                    token.in_flight += 1
                    return token
                if self._pick(now, slots=False) is None:
                    return None
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(0.5 if left is None else min(0.5, left))

    def release(self, token: Token) -> None:
        with self._cond:
            token.in_flight = max(0, token.in_flight - 1)
            self._cond.notify_all()

    def _pick(self, now: float, *, slots: bool) -> Token | None:
        order = self.tokens[self._index:] + self.tokens[: self._index]
        usable = [t for t in order if not t.rejected and t.resting_until <= now
                  and (not slots or t.in_flight < self.max_in_flight)]
        for good_enough in (self._comfortable, self._has_budget):
            for token in usable:
                if good_enough(self._budget(token), now):
                    self._index = self.tokens.index(token)
                    return token
        return None

    def _comfortable(self, budget: Budget, now: float) -> bool:
        return budget.recovered(now) or budget.remaining >= self.low_water

    @staticmethod
    def _has_budget(budget: Budget, now: float) -> bool:
        return budget.recovered(now) or budget.remaining > 0

    def _budget(self, token: Token) -> Budget:
        return self._budgets[token.user or token.label]

    # -- learning ---------------------------------------------------------------------------

    def observe(self, token: Token, headers: Mapping[str, str], user: str | None = None) -> None:
        """Learn from a response: its rate-limit headers, and the token's user if known."""
        h = {k.lower(): v for k, v in headers.items()}
        with self._cond:
            if user and token.user is None:
                token.user = user
                self._budgets.setdefault(user, Budget())
            budget = self._budget(token)
            for attr, name in (("remaining", "x-ratelimit-remaining"),
                               ("limit", "x-ratelimit-limit")):
                if h.get(name, "").isdigit():
                    setattr(budget, attr, int(h[name]))
            if h.get("x-ratelimit-reset", "").isdigit():
                budget.reset_at = float(h["x-ratelimit-reset"])

    def exhausted(self, token: Token, reset_at: float | None) -> None:
        """Mark ``token``'s user out of budget until ``reset_at`` (default: a minute)."""
        with self._cond:
            budget = self._budget(token)
            budget.remaining = 0
            budget.reset_at = reset_at if reset_at is not None else self.clock() + 60

    def rest(self, token: Token, seconds: float) -> None:
        """A secondary limit: no job uses ``token`` for ``seconds``."""
        with self._cond:
            token.resting_until = max(token.resting_until, self.clock() + seconds)

    def reject(self, token: Token) -> None:
        """Drop a token GitHub refused; raise ``AuthError`` when none is left."""
        with self._cond:
            token.rejected = True
            self._cond.notify_all()
            if all(t.rejected for t in self.tokens):
                raise AuthError("GitHub rejected every token (401 Bad credentials)", status=401)

    def earliest_reset(self) -> float:
        """When the first valid token can be used again (now + 60 s if unknown)."""
        with self._cond:
            now = self.clock()
            times = []
            for token in self.tokens:
                if token.rejected:
                    continue
                budget = self._budget(token)
                spent_until = budget.reset_at if not self._has_budget(budget, now) else now
                times.append(max(spent_until or now + 60, token.resting_until))
            return min(times) if times else now + 60

    def budgets(self) -> dict[str, Budget]:
        """Remaining budget per user (per token label while the user is unknown)."""
        with self._cond:
            return {key: Budget(b.remaining, b.limit, b.reset_at)
                    for key, b in self._budgets.items()
                    if any((t.user or t.label) == key for t in self.tokens)}
