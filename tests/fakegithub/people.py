"""Actors for generated datasets: users, bots (dependabot, github-actions), mannequins."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

from . import textgen
from .ids import node_id

BOTS = {
    # GraphQL reports bot logins without the REST "[bot]" suffix (gh CLI prints "app/<login>").
    "dependabot": {"databaseId": 49699333, "app_id": 29110},
    "github-actions": {"databaseId": 41898282, "app_id": 15368},
    "copilot-pull-request-reviewer": {"databaseId": 175728472, "app_id": 946600},
}


def user(login: str, database_id: int, name: str | None) -> dict:
    """A ``User`` actor dict."""
    return {
        "__typename": "User",
        "id": node_id("User", database_id),
        "login": login,
        "databaseId": database_id,
        "name": name,
        "url": f"https://github.com/{login}",
        "avatarUrl": f"https://avatars.githubusercontent.com/u/{database_id}?v=4",
    }


def bot(login: str) -> dict:
    """A ``Bot`` actor dict for one of ``BOTS``."""
    info = BOTS[login]
    return {
        "__typename": "Bot",
        "id": node_id("Bot", info["databaseId"]),
        "login": login,
        "databaseId": info["databaseId"],
        "url": f"https://github.com/apps/{login}",
        "avatarUrl": f"https://avatars.githubusercontent.com/in/{info['app_id']}?v=4",
    }


def mannequin(login: str, database_id: int) -> dict:
    """A ``Mannequin`` actor dict (placeholder for an imported, unclaimed user)."""
    return {
        "__typename": "Mannequin",
        "id": node_id("Mannequin", database_id),
        "login": login,
        "databaseId": database_id,
        "name": None,
        "url": f"https://github.com/{login}",
        "avatarUrl": f"https://avatars.githubusercontent.com/u/{database_id}?v=4",
    }


def _login_for(name: str, taken: set[str]) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = "".join(ch for ch in ascii_name.lower() if ch.isalnum() or ch == " ").replace(" ", "-")
    login, suffix = base or "user", 1
    while login in taken:
        suffix += 1
        login = f"{base}{suffix}"
    taken.add(login)
    return login


@dataclass
class People:
    """A seeded pool of users shared by every repository of a dataset.

    The pool is fixed by ``rng`` at construction; the pickers take the caller's RNG so that
    each pull request can be generated from its own seed.
    """

    rng: random.Random
    size: int = 30
    users: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        taken: set[str] = set()
        database_id = self.rng.randint(100_000, 900_000)
        for _ in range(self.size):
            name = textgen.person_name(self.rng)
            database_id += self.rng.randint(1, 5_000_000)
            shown = None if self.rng.random() < 0.1 else name
            self.users.append(user(_login_for(name, taken), database_id, shown))
        self.mannequins = [mannequin(f"mona-imported-{i}", 140_000_000 + i) for i in range(3)]

    def prolific(self, rng: random.Random) -> dict:
        """A user, skewed towards a handful of frequent contributors."""
        index = min(int(rng.expovariate(1 / 6)), len(self.users) - 1)
        return self.users[index]

    def any_user(self, rng: random.Random, exclude: dict | None = None) -> dict:
        """A uniformly chosen user different from ``exclude``."""
        choices = [u for u in self.users if u is not exclude] or self.users
        return rng.choice(choices)

    def pr_author(self, rng: random.Random, nulls: bool = True) -> dict | None:
        """PR author: mostly users, some bots, deleted accounts (``None``) and mannequins."""
        roll = rng.random()
        if roll < 0.08:
            return bot("dependabot")
        if roll < 0.10:
            return bot("github-actions")
        if roll < 0.15 and nulls:
            return None
        if roll < 0.16:
            return rng.choice(self.mannequins)
        return self.prolific(rng)

    def reviewer(self, rng: random.Random, author: dict | None, nulls: bool = True) -> dict | None:
        """Review author: another user, sometimes deleted or a review bot."""
        roll = rng.random()
        if roll < 0.05 and nulls:
            return None
        if roll < 0.08:
            return bot("copilot-pull-request-reviewer")
        return self.any_user(rng, exclude=author)
