"""Typed views over the plain-dict dataset, as handed to GraphQL resolvers."""

from __future__ import annotations

from dataclasses import dataclass, field

from .ids import crc, node_id


@dataclass(eq=False)
class RepoRef:
    """A repository of the dataset plus lookup tables for its pull requests."""

    key: str
    data: dict
    prs_by_number: dict[int, dict] = field(default_factory=dict)

    @property
    def owner(self) -> str:
        """Owner login."""
        return self.key.split("/", 1)[0]

    @property
    def name(self) -> str:
        """Repository name."""
        return self.key.split("/", 1)[1]

    @property
    def database_id(self) -> int:
        """Repository database id (derived when the dataset omits it)."""
        return int(self.data.get("databaseId") or crc(self.key) % 900_000_000 + 1)

    @property
    def url(self) -> str:
        """``https://github.com/owner/name``."""
        return f"https://github.com/{self.key}"

    def scoped_id(self, typename: str, *parts: int | str) -> str:
        """A node id for an object of this repository."""
        return node_id(typename, self.database_id, *parts)


@dataclass(frozen=True, eq=False)
class Obj:
    """One GraphQL object: its concrete type name, its dataset dict and where it lives."""

    typename: str
    data: dict
    repo: RepoRef | None = None
    pr: dict | None = None
    commit: dict | None = None


def actor_obj(actor: dict | None, repo: RepoRef | None = None) -> Obj | None:
    """Wrap an Actor dict (``__typename`` User/Bot/Mannequin/Organization), or ``None``."""
    if actor is None:
        return None
    return Obj(actor.get("__typename", "User"), actor, repo)


def pr_obj(repo: RepoRef, pr: dict) -> Obj:
    """Wrap a pull request dict."""
    return Obj("PullRequest", pr, repo, pr)


def repo_obj(repo: RepoRef) -> Obj:
    """Wrap a repository."""
    return Obj("Repository", repo.data, repo)


def pr_url(repo: RepoRef, pr: dict) -> str:
    """Web URL of a pull request."""
    return f"{repo.url}/pull/{pr['number']}"
