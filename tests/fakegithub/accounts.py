"""Tokens, the users behind them and what each token may read.

GitHub budgets rate limits per *user*: several tokens of one user share one primary budget
(and one secondary per-minute budget and concurrency limit). ``tokens`` may be ``None`` (any
non-empty token is valid and is its own user), an iterable of valid tokens (each its own user)
or a mapping ``token -> viewer login`` (tokens with the same login share one user).

``token_permissions`` maps a token to ``{"checks": bool, "statuses": bool}`` (missing keys:
allowed), modelling fine-grained personal access tokens without CI read access.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .ids import node_id, short_hash
from .registry import ALL_PERMISSIONS


@dataclass(frozen=True)
class Identity:
    """Who is calling: the token's hash, the budget (user) key, login and user id."""

    token_key: str
    budget_key: str
    login: str
    user_id: int
    permissions: Mapping[str, bool] = field(default_factory=lambda: dict(ALL_PERMISSIONS))

    def viewer(self) -> dict:
        """The ``viewer`` User dict for this identity."""
        login = self.login or f"fake-user-{self.user_id}"
        return {"__typename": "User", "id": node_id("User", self.user_id),
                "databaseId": self.user_id, "login": login, "name": login,
                "url": f"https://github.com/{login}",
                "avatarUrl": f"https://avatars.githubusercontent.com/u/{self.user_id}?v=4"}


class Accounts:
    """Valid tokens, their users (numbered 1, 2, ... in order of first use) and permissions."""

    def __init__(self, tokens: Iterable[str] | Mapping[str, str] | None,
                 token_permissions: Mapping[str, Mapping[str, bool]] | None = None):
        self.tokens = _token_table(tokens)
        self.permissions = {t: {**ALL_PERMISSIONS, **p} for t, p in
                            (token_permissions or {}).items()}
        self._user_ids: dict[str, int] = {}
        self._lock = threading.Lock()

    def valid(self, token: str) -> bool:
        """Whether ``token`` is accepted."""
        return bool(token) and (self.tokens is None or token in self.tokens)

    def identify(self, token: str) -> Identity:
        """The identity of a valid ``token``."""
        login = (self.tokens or {}).get(token, "")
        token_key = short_hash(token)
        budget_key = f"user:{login.lower()}" if login else token_key
        with self._lock:
            user_id = self._user_ids.setdefault(budget_key, len(self._user_ids) + 1)
        permissions = self.permissions.get(token, dict(ALL_PERMISSIONS))
        return Identity(token_key, budget_key, login, user_id, permissions)

    def user_id(self, budget_key: str | None) -> int:
        """The user id behind ``budget_key`` (1 if unknown)."""
        return self._user_ids.get(budget_key or "", 1)


def _token_table(tokens: Iterable[str] | Mapping[str, str] | None) -> dict[str, str] | None:
    if tokens is None:
        return None
    if isinstance(tokens, Mapping):
        return dict(tokens)
    return {token: "" for token in tokens}
