"""Helpers of the fake GitHub server's tests (tests/fakegithub_tests/): the dataset they
share, a client posting queries, and a controllable clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import requests

from tests.fakegithub import FakeGitHub, generate_dataset
from tests.fakegithub.queries import PULL_REQUESTS_PAGE

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
REPO = "acme/web"
AUTH = {"Authorization": "bearer test-token"}
RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-used",
                "x-ratelimit-reset", "x-ratelimit-resource")


def new_dataset() -> dict:
    """The dataset the server tests share: two repositories, one huge PR, both kinds of CI."""
    return generate_dataset({REPO: 40, "acme/api": 8}, seed=7, now=NOW, huge=1, ci="both")


def serve_copy(dataset: dict) -> FakeGitHub:
    """A server over a deep copy of ``dataset`` (tests may mutate what it serves)."""
    return FakeGitHub(json.loads(json.dumps(dataset)))


class Clock:
    """A controllable clock for rate-limit windows."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def post(server: FakeGitHub, query: str, variables: dict | None = None, *,
         headers: dict | None = None, timeout: float = 10, url: str | None = None):
    body = {"query": query, "variables": variables or {}}
    return requests.post(url or server.url, json=body, headers=AUTH if headers is None else headers,
                         timeout=timeout)


def prs_of(server: FakeGitHub, repo: str = REPO) -> list[dict]:
    return server.dataset["repos"][repo]["pullRequests"]


def page(server: FakeGitHub, **variables) -> dict:
    owner, name = variables.pop("repo", REPO).split("/")
    response = post(server, PULL_REQUESTS_PAGE, {"owner": owner, "name": name, **variables})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["repository"]["pullRequests"]


def cost_query(connections: int) -> str:
    """A query costing ``connections`` points: 100 PRs x ``connections`` nested connections."""
    nested = " ".join(f"c{i}: commits(first: 1) {{ nodes {{ id }} }}" for i in range(connections))
    return (f'{{ repository(owner: "acme", name: "web") {{ pullRequests(first: 100) '
            f"{{ nodes {{ {nested} }} }} }} }}")


SIMPLE = '{ repository(owner: "acme", name: "web") { pullRequests(first: 1) { totalCount } } }'
UPDATED_DESC = {"field": "UPDATED_AT", "direction": "DESC"}
