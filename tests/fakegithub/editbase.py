"""Lookups shared by the dataset edit helpers: PRs, commits shared between PRs, fresh ids.

A commit listed by several PRs of a repository (stacked PRs, merge-back PRs, two PRs with the
same head) is *one* commit: in a generated dataset the PRs hold the very same dict; after a
JSON round trip they hold equal copies. Helpers therefore change every copy (``commit_copies``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from .people import user
from .timeutil import iso, parse_iso, utc


def repo_data(dataset: dict, repo: str) -> dict:
    """The dataset entry of ``repo``; ``KeyError`` if absent."""
    try:
        return dataset["repos"][repo]
    except KeyError:
        raise KeyError(f"no repository {repo!r} in dataset") from None


def find_pr(dataset: dict, repo: str, number: int) -> dict:
    """The PR ``number`` of ``repo``; ``KeyError`` if absent."""
    for pr in repo_data(dataset, repo)["pullRequests"]:
        if pr["number"] == number:
            return pr
    raise KeyError(f"no pull request #{number} in {repo}")


def bump(pr: dict, now: datetime) -> str:
    """Set ``updatedAt`` to ``now`` (at least one second after the previous value)."""
    moment = max(utc(now), parse_iso(pr["updatedAt"]) + timedelta(seconds=1))
    pr["updatedAt"] = iso(moment)
    return pr["updatedAt"]


def all_prs(dataset: dict) -> Iterator[dict]:
    """Every PR of every repository."""
    for repo in dataset["repos"].values():
        yield from repo["pullRequests"]


def unique(items: Iterator[dict]) -> list[dict]:
    """``items`` without repeated objects (by identity), in order."""
    seen: dict[int, dict] = {}
    for item in items:
        seen.setdefault(id(item), item)
    return list(seen.values())


def commit_copies(dataset: dict, repo: str, oid: str) -> list[dict]:
    """Every dict of commit ``oid`` in ``repo`` (one per PR listing it, or one if shared)."""
    return unique(item["commit"] for pr in repo_data(dataset, repo)["pullRequests"]
                  for item in pr["commits"] if item["commit"]["oid"] == oid)


def head_commits(dataset: dict, repo: str, number: int) -> list[dict]:
    """Every copy of PR ``number``'s head commit."""
    return commit_copies(dataset, repo, find_pr(dataset, repo, number)["headRefOid"])


def all_commits(dataset: dict) -> Iterator[dict]:
    """Every commit dict of the dataset (shared commits once per listing PR)."""
    for pr in all_prs(dataset):
        for item in pr["commits"]:
            yield item["commit"]


def max_id(dataset: dict, kind: str) -> int:
    """The largest database id of ``kind`` (``pr``, ``review``, ``suite``, ``run``) in use."""
    values = [0]
    for pr in all_prs(dataset):
        if kind == "pr":
            values.append(int(pr["fullDatabaseId"]))
        elif kind == "review":
            values += [r["databaseId"] for r in pr.get("reviews") or () if r.get("databaseId")]
    for commit in all_commits(dataset) if kind in ("suite", "run") else ():
        for suite in commit.get("checkSuites") or []:
            values += [suite["databaseId"]] if kind == "suite" else \
                [run["databaseId"] for run in suite["checkRuns"]]
    return max(values)


def default_user(dataset: dict) -> dict:
    """Some human user of the dataset (octocat if there is none)."""
    for pr in all_prs(dataset):
        author = pr.get("author")
        if author and author.get("__typename") == "User":
            return author
    return user("octocat", 583231, "The Octocat")
