"""Pull requests of one repository that share commits, as on GitHub.

* ``stack_prs``: a stacked PR whose commit list starts with the commits of the PR below it.
* ``merge_back``: a release -> main merge-back PR listing the commits of earlier PRs.
* ``share_head``: two PRs of the same branch against different bases: the same head commit,
  hence the same check suites, check runs and statuses.

A shared commit is one object: same oid, same ``Commit`` node id, same CI; the
``PullRequestCommit`` items listing it have ids of their own per PR. None of these helpers
moves ``updatedAt`` (they shape history rather than edit a live PR). ``plant_sharing`` puts
such PRs into a generated repository.
"""

from __future__ import annotations

import random

from .editbase import find_pr, repo_data
from .edits import commit_item
from .ids import stable_int


def _items(repo_db: int, pr: dict, commits: list[dict]) -> list[dict]:
    return [commit_item(repo_db, pr, commit) for commit in commits]


def _commits_of(pr: dict) -> list[dict]:
    return [item["commit"] for item in pr["commits"]]


def stack_prs(dataset: dict, repo: str, base: int, top: int) -> dict:
    """Make PR ``top``'s commits start with PR ``base``'s (the same commit objects); return
    ``top``. Its own commits follow, so its head and CI are unchanged."""
    lower, upper = find_pr(dataset, repo, base), find_pr(dataset, repo, top)
    repo_db = repo_data(dataset, repo)["databaseId"]
    below = [c for c in _commits_of(lower) if c["oid"] not in _oids(upper)]
    upper["commits"] = _items(repo_db, upper, below) + upper["commits"]
    return upper


def _oids(pr: dict) -> set[str]:
    return {item["commit"]["oid"] for item in pr["commits"]}


def merge_back(dataset: dict, repo: str, number: int, sources: list[int], *,
               head: str = "release/1.x", base: str = "main") -> dict:
    """Turn PR ``number`` into a ``head`` -> ``base`` merge-back listing the commits of PRs
    ``sources`` (in that order) before its own; return it."""
    pr = find_pr(dataset, repo, number)
    repo_db = repo_data(dataset, repo)["databaseId"]
    seen, earlier = _oids(pr), []
    for source in sources:
        for commit in _commits_of(find_pr(dataset, repo, source)):
            if commit["oid"] not in seen:
                seen.add(commit["oid"])
                earlier.append(commit)
    pr["commits"] = _items(repo_db, pr, earlier) + pr["commits"]
    pr.update(headRefName=head, baseRefName=base, title=f"Merge {head} into {base}")
    return pr


def share_head(dataset: dict, repo: str, number: int, other: int, *,
               other_base: str | None = None) -> dict:
    """Give PR ``other`` exactly PR ``number``'s commits, head and branch (the same branch
    opened against ``other_base``, default: a different base); return ``other``."""
    pr, twin = find_pr(dataset, repo, number), find_pr(dataset, repo, other)
    repo_db = repo_data(dataset, repo)["databaseId"]
    twin["commits"] = _items(repo_db, twin, _commits_of(pr))
    twin["headRefOid"], twin["headRefName"] = pr["headRefOid"], pr["headRefName"]
    if other_base is None:
        other_base = "release/1.x" if pr["baseRefName"] != "release/1.x" else "main"
    twin["baseRefName"] = other_base
    return twin


def plant_sharing(dataset: dict, repo: str, count: int, seed: int) -> list[tuple[str, list]]:
    """Plant ``count`` stacked pairs, same-head pairs and merge-back PRs in ``repo`` (needs
    at least 8 PRs per arrangement); return ``(kind, numbers)`` of each, deterministically."""
    numbers = sorted(pr["number"] for pr in repo_data(dataset, repo)["pullRequests"])
    rng = random.Random(stable_int(seed, repo, "sharing", bits=64))
    planted: list[tuple[str, list]] = []
    for _ in range(count):
        if len(numbers) < 8:
            break
        picked = sorted(rng.sample(numbers, 7))
        for number in picked:
            numbers.remove(number)
        stack_prs(dataset, repo, picked[0], picked[1])
        share_head(dataset, repo, picked[2], picked[3])
        merge_back(dataset, repo, picked[6], picked[4:6])
        planted += [("stacked", picked[0:2]), ("same_head", picked[2:4]),
                    ("merge_back", [picked[6], *picked[4:6]])]
    return planted
