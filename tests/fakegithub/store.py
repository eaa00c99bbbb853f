"""Index over a dataset: repositories by name, pull requests by number, objects by node id.

The dataset is a plain dict (see ``dataset.py``). The index must be rebuilt after the dataset
changes; the server does that after ``FakeGitHub.mutate`` and ``on_request`` callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .ids import node_id
from .objects import Obj, RepoRef, actor_obj, pr_obj


class Store:
    """Read-side index of one dataset."""

    def __init__(self, dataset: dict):
        self.dataset = dataset
        self.rebuild()

    def rebuild(self) -> None:
        """Recompute every lookup table from ``self.dataset``."""
        self.repos: dict[str, RepoRef] = {}
        for key, data in self.dataset.get("repos", {}).items():
            prs = {pr["number"]: pr for pr in data.get("pullRequests", [])}
            self.repos[key.lower()] = RepoRef(key, data, prs)
        self.renames = {k.lower(): v for k, v in self.dataset.get("renames", {}).items()}
        self._nodes: dict[str, Obj] | None = None
        self._cache: dict[tuple, object] = {}

    def repository(self, owner: str, name: str, follow_renames: bool = True) -> RepoRef | None:
        """Case-insensitive repository lookup, following ``dataset["renames"]`` if asked."""
        key = f"{owner}/{name}".lower()
        if key not in self.repos and follow_renames and key in self.renames:
            key = self.renames[key].lower()
        return self.repos.get(key)

    def repo_by_key(self, key: str) -> RepoRef | None:
        """Repository by ``owner/name`` (any case)."""
        return self.repos.get(key.lower())

    def renamed(self, key: str) -> RepoRef | None:
        """The repository formerly known as ``key`` (any case), if it was renamed."""
        new = self.renames.get(key.lower())
        return None if new is None else self.repos.get(new.lower())

    def cached(self, key: tuple, compute: Callable[[], object]) -> object:
        """``compute()``, memoised under ``key`` until the next ``rebuild``."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def node(self, global_id: str) -> Obj | None:
        """The object with node id ``global_id``, or ``None``."""
        if self._nodes is None:
            self._nodes = {}
            for obj in self._all_objects():
                self._nodes.setdefault(obj.data.get("id"), obj)
        return self._nodes.get(global_id)

    def _all_objects(self) -> Iterator[Obj]:
        for repo in self.repos.values():
            yield Obj("Repository", repo.data | {"id": repository_id(repo)}, repo)
            for pr in repo.data.get("pullRequests", []):
                yield from _pr_objects(repo, pr)


def repository_id(repo: RepoRef) -> str:
    """Node id of a repository (from the dataset or derived from its database id)."""
    return repo.data.get("id") or repo.scoped_id("Repository")


def _pr_objects(repo: RepoRef, pr: dict) -> Iterator[Obj]:
    yield pr_obj(repo, pr)
    yield from _actors(repo, [pr.get("author"), *pr.get("assignees", [])])
    for review in pr.get("reviews") or []:
        yield Obj("PullRequestReview", review, repo, pr)
        yield from _actors(repo, [review.get("author")])
    for item in pr.get("commits", []):
        yield Obj("PullRequestCommit", item, repo, pr)
        yield from _commit_objects(repo, pr, item["commit"])


def _commit_objects(repo: RepoRef, pr: dict, commit: dict) -> Iterator[Obj]:
    yield Obj("Commit", commit, repo, pr, commit)
    user = (commit.get("author") or {}).get("user")
    yield from _actors(repo, [user])
    for suite in commit.get("checkSuites") or []:
        yield Obj("CheckSuite", suite, repo, pr, commit)
        for run in suite.get("checkRuns", []):
            yield Obj("CheckRun", run, repo, pr, commit)
    status = commit.get("status")
    if status is not None:
        yield Obj("Status", {**status, "id": status_id(repo, commit)}, repo, pr, commit)
        for context in status["contexts"]:
            yield Obj("StatusContext", context, repo, pr, commit)


def _actors(repo: RepoRef, actors: list[dict | None]) -> Iterator[Obj]:
    for actor in actors:
        if actor is not None and actor.get("id"):
            yield actor_obj(actor, repo)


def status_id(repo: RepoRef, commit: dict) -> str:
    """Node id of a commit's combined status (from the dataset, else derived from the oid)."""
    return (commit.get("status") or {}).get("id") or node_id("Status", repo.database_id,
                                                              commit["oid"])
