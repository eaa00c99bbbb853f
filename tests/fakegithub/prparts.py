"""Generators for the parts of one pull request: files, commits, reviews.

Everything of one PR comes from its own ``Gen``: its RNG (seeded from the dataset seed, the
repository and the PR's index), the people pool, and id *blocks* reserved for the PR's ordinal
in the dataset, so any PR can be regenerated alone and ids never collide between PRs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import textgen
from .ids import git_oid, node_id
from .people import People
from .timeutil import git_timestamp, iso

CHANGE_TYPES = [("MODIFIED", 70), ("ADDED", 18), ("DELETED", 6), ("RENAMED", 5), ("COPIED", 0.5),
                ("CHANGED", 0.5)]
REVIEW_STATES = [("APPROVED", 45), ("COMMENTED", 35), ("CHANGES_REQUESTED", 12),
                 ("DISMISSED", 5), ("PENDING", 3)]
# kind -> (first id, ids reserved per PR). Int32 database ids stay below 2**31 for 250,000 PRs.
ID_BLOCKS = {"pr": (2_200_000_000, 5000), "review": (1_000_000_000, 512),
             "suite": (1_400_000_000, 16), "run": (1_600_000_000, 2048),
             "status": (1_900_000_000, 64)}
MAX_PRS = 250_000


def weighted(rng: random.Random, options: list[tuple[str, float]]) -> str:
    """Pick a value from ``(value, weight)`` pairs."""
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights)[0]


def count(rng: random.Random, median: float, cap: int, minimum: int = 0,
          sigma: float = 0.8) -> int:
    """A long-tailed (log-normal) count with roughly the given median."""
    return max(minimum, min(cap, round(rng.lognormvariate(0, sigma) * median)))


@dataclass
class Gen:
    """Generation state of one pull request."""

    rng: random.Random
    now: datetime
    people: People
    ordinal: int
    oid_seed: tuple
    nulls: bool = True
    used: dict[str, int] = field(default_factory=dict)

    def ids(self, kind: str, n: int) -> list[int]:
        """``n`` fresh increasing database ids of ``kind`` from this PR's block."""
        first, size = ID_BLOCKS[kind]
        start = self.used.get(kind, 0)
        if start + n > size:
            raise ValueError(f"one pull request can hold at most {size} {kind} ids")
        self.used[kind] = start + n
        base = first + self.ordinal * size
        return [base + start + i for i in range(n)]

    def pr_id(self) -> int:
        """The PR's own database id (increasing with the ordinal)."""
        first, size = ID_BLOCKS["pr"]
        return first + self.ordinal * size + self.rng.randrange(size)

    def oid(self) -> str:
        """A fresh 40-hex commit oid, unique for (seed, repository, PR index, counter)."""
        self.used["oid"] = self.used.get("oid", 0) + 1
        return git_oid(*self.oid_seed, self.used["oid"])

    def between(self, start: datetime, end: datetime) -> datetime:
        """A uniformly random moment in ``[start, end]`` (``start`` if the range is empty)."""
        span = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, span))

    def null(self, p: float) -> bool:
        """``True`` with probability ``p`` when schema-allowed random nulls are enabled."""
        return self.rng.random() < p and self.nulls


# --- files ------------------------------------------------------------------------------------


def make_files(g: Gen, n: int) -> list[dict]:
    """``n`` changed files with consistent additions/deletions per change type."""
    return [_file(g, path) for path in textgen.file_paths(g.rng, n)]


def _file(g: Gen, path: str) -> dict:
    change = weighted(g.rng, CHANGE_TYPES)
    additions = count(g.rng, 12, 4000)
    deletions = count(g.rng, 5, 2000)
    if change == "ADDED":
        deletions = 0
    elif change == "DELETED":
        additions = 0
    elif change == "RENAMED" and g.rng.random() < 0.6:
        additions = deletions = 0
    return {"path": path, "additions": additions, "deletions": deletions, "changeType": change}


# --- commits ----------------------------------------------------------------------------------


def git_author(g: Gen, author: dict | None) -> tuple[dict, int]:
    """``(GitActor dict without date, utc offset minutes)`` for commits by ``author``."""
    offset = g.rng.choice([-420, -300, -240, 0, 60, 120, 330, 480, 540])
    if author is None or author["__typename"] == "Mannequin":
        return {"name": "Former Contributor", "email": "former@example.com", "user": None}, offset
    if author["__typename"] == "Bot":
        login = f"{author['login']}[bot]"
        email = f"{author['databaseId']}+{login}@users.noreply.github.com"
        return {"name": login, "email": email, "user": None}, 0
    mapped = g.rng.random() < 0.8
    email = f"{author['databaseId']}+{author['login']}@users.noreply.github.com" if mapped \
        else f"{author['login'].split('-')[0]}@corp.example"
    actor = {"name": author["name"] or author["login"], "email": email,
             "user": _user_ref(author) if mapped else None}
    return actor, offset


def _user_ref(user: dict) -> dict:
    return {key: user[key] for key in
            ("__typename", "id", "login", "databaseId", "name", "url", "avatarUrl")}


def make_commits(g: Gen, repo_db: int, pr_db: int, author: dict | None, n: int,
                 start: datetime, end: datetime) -> list[dict]:
    """``n`` PullRequestCommit items committed between ``start`` and ``end``, in order."""
    moments = sorted(g.between(start, end) for _ in range(n))
    git_actor, offset = git_author(g, author)
    return [_commit_item(g, repo_db, pr_db, git_actor, offset, moment) for moment in moments]


def _commit_item(g: Gen, repo_db: int, pr_db: int, git_actor: dict, offset: int,
                 committed: datetime) -> dict:
    oid = g.oid()
    authored = committed - timedelta(minutes=g.rng.choice([0, 0, 0, 5, 90, 3000]))
    co_author = None if g.rng.random() < 0.9 else "Pair Programmer <pair@example.com>"
    message = textgen.commit_message(g.rng, co_author)
    headline, body = textgen.split_message(message)
    author = None if g.null(0.01) else {**git_actor, "date": git_timestamp(authored, offset)}
    commit = {
        "id": node_id("Commit", repo_db, oid), "oid": oid, "message": message,
        "messageHeadline": headline, "messageBody": body, "committedDate": iso(committed),
        "authoredDate": iso(authored), "additions": count(g.rng, 20, 5000),
        "deletions": count(g.rng, 8, 3000), "author": author, "checkSuites": [], "status": None,
    }
    return {"id": node_id("PullRequestCommit", repo_db, pr_db, oid), "commit": commit}


# --- reviews ----------------------------------------------------------------------------------


def make_reviews(g: Gen, repo_db: int, author: dict | None, n: int, start: datetime,
                 end: datetime, merged: bool) -> list[dict]:
    """``n`` reviews submitted in ``[start, end]``; pending ones last with no submittedAt."""
    states = [weighted(g.rng, REVIEW_STATES) for _ in range(n)]
    if merged and states and "APPROVED" not in states:
        states[-1] = "APPROVED"
    moments = sorted(g.between(start, end) for _ in range(n))
    database_ids = g.ids("review", n)
    ordered = sorted(states, key=lambda s: s == "PENDING")
    return [make_review(g, repo_db, g.people.reviewer(g.rng, author, g.nulls), state, moment,
                        database_id)
            for state, moment, database_id in zip(ordered, moments, database_ids, strict=True)]


def make_review(g: Gen, repo_db: int, reviewer: dict | None, state: str,
                submitted: datetime, database_id: int) -> dict:
    """One review; ``submittedAt`` is null when pending (and, rarely, otherwise)."""
    text = "" if state == "APPROVED" and g.rng.random() < 0.6 else textgen.body(g.rng)
    stamp = None if state == "PENDING" or g.null(0.005) else iso(submitted)
    return {
        "id": node_id("PullRequestReview", repo_db, database_id),
        "databaseId": database_id, "fullDatabaseId": str(database_id), "state": state,
        "body": text, "submittedAt": stamp, "author": reviewer,
    }
