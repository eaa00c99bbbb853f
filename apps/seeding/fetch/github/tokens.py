"""A pool of GitHub tokens used stickily: stay on one until it runs low, then the next.

A token's budget is learned from the ``x-ratelimit-*`` headers of its responses. A token that
runs out recovers after its reset time; a token GitHub rejects (401) is dropped for the run.
Tokens are referred to by label ("token 2 of 3"), never by value.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .errors import AuthError, MissingTokenError

TOKEN_ENV_HELP = "set GITHUB_TOKEN (or GITHUB_SEEDING_TOKENS=tok1,tok2) or pass --github-token"


@dataclass(slots=True)
class Token:
    label: str
    secret: str
    remaining: int | None = None
    limit: int | None = None
    reset_at: float | None = None
    rejected: bool = False


class TokenPool:
    """Sticky selection over several tokens. ``low_water`` is the remaining budget below which
    the pool moves on to a token with more (if there is one)."""

    def __init__(self, secrets: Sequence[str], *, low_water: int = 100,
                 clock: Callable[[], float] = time.time) -> None:
        unique = list(dict.fromkeys(s.strip() for s in secrets if s and s.strip()))
        if not unique:
            raise MissingTokenError(f"no GitHub token configured: {TOKEN_ENV_HELP}")
        n = len(unique)
        self.tokens = [Token(f"token {i + 1} of {n}", s) for i, s in enumerate(unique)]
        self.low_water, self.clock = low_water, clock
        self._index = 0

    @property
    def secrets(self) -> list[str]:
        return [t.secret for t in self.tokens]

    def current(self) -> Token | None:
        """The token to use now, or ``None`` when every valid token is exhausted."""
        now = self.clock()
        order = self.tokens[self._index:] + self.tokens[: self._index]
        for good_enough in (self._comfortable, self._has_budget):
            for token in order:
                if not token.rejected and good_enough(token, now):
                    self._index = self.tokens.index(token)
                    return token
        return None

    def _comfortable(self, token: Token, now: float) -> bool:
        return self._recovered(token, now) or token.remaining >= self.low_water

    def _has_budget(self, token: Token, now: float) -> bool:
        return self._recovered(token, now) or token.remaining > 0

    @staticmethod
    def _recovered(token: Token, now: float) -> bool:
        return token.remaining is None or (token.reset_at is not None and now >= token.reset_at)

    def observe(self, token: Token, headers: Mapping[str, str]) -> None:
        """Learn ``token``'s budget from a response's rate-limit headers."""
        h = {k.lower(): v for k, v in headers.items()}
        for attr, name in (("remaining", "x-ratelimit-remaining"), ("limit", "x-ratelimit-limit")):
            if h.get(name, "").isdigit():
                setattr(token, attr, int(h[name]))
        if h.get("x-ratelimit-reset", "").isdigit():
            token.reset_at = float(h["x-ratelimit-reset"])

    def exhausted(self, token: Token, reset_at: float | None) -> None:
        """Mark ``token`` out of budget until ``reset_at`` (default: a minute from now)."""
        token.remaining = 0
        token.reset_at = reset_at if reset_at is not None else self.clock() + 60

    def reject(self, token: Token) -> None:
        """Drop a token GitHub refused; raise ``AuthError`` when none is left."""
        token.rejected = True
        if all(t.rejected for t in self.tokens):
            raise AuthError(f"GitHub rejected every token (401 Bad credentials): {TOKEN_ENV_HELP}"
                            " with a valid token", status=401)

    def earliest_reset(self) -> float:
        """When the first valid token recovers (now + 60 s if unknown)."""
        resets = [t.reset_at for t in self.tokens if not t.rejected and t.reset_at]
        return min(resets) if resets else self.clock() + 60


def redact(text: str, secrets: Sequence[str]) -> str:
    """Replace every token in ``text`` with ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
