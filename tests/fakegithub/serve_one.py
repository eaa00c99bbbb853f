"""One dataset PR rendered exactly as the server serves it (every connection complete).

The dataset holds PRs in *dataset form* (connections as plain lists). ``served_pull_request``
runs the fake's own resolvers over a one-PR dataset, so the result is byte for byte what a
query of that selection returns, with connections as GitHub shapes them (``totalCount``,
``pageInfo``, ``edges``, ``nodes``) holding *all* their items at once, as a client holds them
after following every page. Feed it to a response parser to build events from generated PRs.
"""

from __future__ import annotations

from functools import lru_cache

from graphql import DocumentNode, parse

from .executor import execute_document
from .prgen import repo_database_id
from .queries import PULL_REQUEST, complete
from .registry import RequestContext
from .store import Store

QUERY = """query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) { %s } }
}"""
RATE = {"cost": 1, "limit": 5000, "nodeCount": 0, "remaining": 4999,
        "resetAt": "2026-01-02T01:00:00Z", "used": 1}
VIEWER = {"__typename": "User", "id": "U_kgDOAQ", "login": "viewer", "databaseId": 1,
          "name": None, "url": "https://github.com/viewer",
          "avatarUrl": "https://avatars.githubusercontent.com/u/1?v=4"}


def served_pull_request(pr: dict, *, repo: str = "acme/web", database_id: int | None = None,
                        seed: int = 0, selection: str | None = None) -> dict:
    """The ``pullRequest`` node served for ``pr`` of ``repo`` with ``selection`` (default:
    every PR field, ``queries.PULL_REQUEST``); connections hold every item. ``database_id``
    (of the repository) defaults to the one ``generate_dataset(seed=seed)`` gives ``repo``."""
    database_id = database_id or repo_database_id(seed, repo)
    dataset = {"repos": {repo: {"databaseId": database_id, "pullRequests": [pr]}}}
    owner, name = repo.split("/", 1)
    document = _document(selection or PULL_REQUEST)
    ctx = RequestContext(Store(dataset), dict(RATE), dict(VIEWER))
    body = execute_document(document, ctx, {"owner": owner, "name": name,
                                            "number": pr["number"]})
    if body.get("errors"):
        raise ValueError(f"cannot serve PR #{pr['number']}: {body['errors'][:3]}")
    return body["data"]["repository"]["pullRequest"]


@lru_cache(maxsize=16)
def _document(selection: str) -> DocumentNode:
    """The one-PR query for ``selection``, parsed once (parsing it per PR was 60% of the time
    the bench spends generating logs)."""
    return parse(QUERY % complete(selection))
