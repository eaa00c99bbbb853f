"""Tests of the fake GitHub GraphQL server (tests/fakegithub): limits, cursors, faults, CLI."""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.fakegithub import FakeGitHub, FaultPlan, generate_dataset
from tests.fakegithub.cost import (
    analyze,
    nodes_for_tree,
    points_for_requests,
    points_for_tree,
    requests_for_tree,
)
from tests.fakegithub.dataset import add_pr, touch_pr
from tests.fakegithub.queries import PULL_REQUESTS_PAGE
from tests.fakegithub.schema import real_schema_path, subset_schema

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
REPO = "acme/web"
AUTH = {"Authorization": "bearer test-token"}
RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-used",
                "x-ratelimit-reset", "x-ratelimit-resource")


@pytest.fixture(scope="module")
def dataset() -> dict:
    return generate_dataset({REPO: 40, "acme/api": 8}, seed=7, now=NOW, huge=1, ci="both")


@pytest.fixture
def gh(dataset):
    with FakeGitHub(json.loads(json.dumps(dataset))) as server:
        yield server


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


# --- validation and GitHub's limits -----------------------------------------------------------


def test_parse_error_is_200_with_errors_and_no_data(gh):
    response = post(gh, "query { repository(")
    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["locations"][0]["line"] == 1
    assert "Syntax Error" in body["errors"][0]["message"]


def test_validation_error_is_200_without_data(gh):
    body = post(gh, '{ repository(owner: "acme", name: "web") { filename } }').json()
    assert "data" not in body
    assert "filename" in body["errors"][0]["message"]
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 44}]


def test_missing_variable_is_rejected(gh):
    body = post(gh, "query($n: Int!) { rateLimit { cost } viewer { login } }", {}).json()
    assert "data" not in body and "$n" in body["errors"][0]["message"]


@pytest.mark.skipif(real_schema_path() is None, reason="GitHub's schema file is not available")
def test_field_valid_on_github_but_unsupported_is_named(gh):
    query = ('{ repository(owner: "acme", name: "web") '
             "{ pullRequest(number: 1) { mergedBy { login } } } }")
    body = post(gh, query).json()
    assert "data" not in body
    assert body["errors"][0]["type"] == "FAKE_UNSUPPORTED"
    assert "mergedBy" in body["errors"][0]["message"]


@pytest.mark.parametrize(("args", "error_type"), [
    ("", "MISSING_PAGINATION_BOUNDARIES"),
    ("first: 101", "EXCESSIVE_PAGINATION"),
    ("last: 0", "EXCESSIVE_PAGINATION"),
    ("first: 5, last: 5", "EXCESSIVE_PAGINATION"),
])
def test_pagination_boundaries(gh, args, error_type):
    selection = f"({args})" if args else ""
    query = (f'{{ repository(owner: "acme", name: "web") {{ pullRequests{selection} '
             "{ nodes { number } } } }")
    body = post(gh, query).json()
    assert "data" not in body
    error = body["errors"][0]
    assert error["type"] == error_type
    assert error["path"] == ["repository", "pullRequests"]


def test_pagination_boundaries_read_variables(gh):
    query = ('query($n: Int = 50) { repository(owner: "acme", name: "web") '
             "{ pullRequests(first: $n) { nodes { number } } } }")
    assert post(gh, query, {"n": 101}).json()["errors"][0]["type"] == "EXCESSIVE_PAGINATION"
    assert "errors" not in post(gh, query, {}).json()
    nested = ('query($n: Int) { repository(owner: "acme", name: "web") { pullRequests(first: 2) '
              "{ nodes { files(first: $n) { nodes { path } } } } } }")
    body = post(gh, nested, {"n": None}).json()
    assert body["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    assert body["errors"][0]["path"] == ["repository", "pullRequests", "nodes", "files"]


def test_count_only_connections_need_no_boundaries(gh):
    query = ('{ rateLimit { cost nodeCount } repository(owner: "acme", name: "web") '
             "{ pullRequests(first: 50) { nodes { labels(first: 15) { nodes { name } } "
             "commits { totalCount } } } } }")
    body = post(gh, query).json()
    assert "errors" not in body
    # Same numbers as GitHub reported for mergestat's recorded query of this shape.
    assert body["data"]["rateLimit"] == {"cost": 1, "nodeCount": 800}


def test_node_limit(gh):
    query = ('{ repository(owner: "acme", name: "web") { pullRequests(first: 100) { nodes { '
             "commits(first: 100) { nodes { commit { checkSuites(first: 100) "
             "{ nodes { id } } } } } } } } }")
    body = post(gh, query).json()
    assert "data" not in body
    assert body["errors"][0]["type"] == "MAX_NODE_LIMIT_EXCEEDED"
    assert "1,010,100" in body["errors"][0]["message"]


def test_cost_functions_match_githubs_documented_examples():
    tree = {"pullRequests": (50, {"reviews": 50, "commits": 100, "files": 100})}
    assert requests_for_tree(tree) == 151
    assert points_for_tree(tree) == 2
    assert nodes_for_tree(tree) == 50 + 50 * 250
    docs = {"repositories": (100, {"issues": (50, {"labels": 60})})}
    assert requests_for_tree(docs) == 5101
    assert points_for_tree(docs) == 51
    assert nodes_for_tree(docs) == 305_100
    assert [points_for_requests(n) for n in (0, 1, 149, 150, 151, 250)] == [1, 1, 1, 2, 2, 3]


def test_analyze_resolves_fragments_and_variables():
    from graphql import parse

    query = parse("""
      query($n: Int!) { repository(owner: "a", name: "b") { ...Prs } }
      fragment Prs on Repository { pullRequests(first: $n) { nodes {
        reviews(first: 50) { nodes { id } }
        ... on PullRequest { commits(first: 100) { nodes { id } } }
        files(first: 100) @include(if: true) { nodes { path } }
        labels(first: 100) @skip(if: true) { nodes { name } } } } }""")
    result = analyze(subset_schema(), query, {"n": 50})
    assert (result.requests, result.cost, result.node_count) == (151, 2, 12_550)
    assert result.errors == []


def test_rate_limit_block_and_headers_agree(gh):
    query = "{ rateLimit { cost limit nodeCount remaining resetAt used } }"
    first = post(gh, query)
    second = post(gh, query)
    for response in (first, second):
        for header in (*RATE_HEADERS, "date", "x-github-request-id"):
            assert header in response.headers
        block = response.json()["data"]["rateLimit"]
        assert response.headers["x-ratelimit-resource"] == "graphql"
        assert block["remaining"] == int(response.headers["x-ratelimit-remaining"])
        assert block["used"] == int(response.headers["x-ratelimit-used"])
        reset = datetime.fromtimestamp(int(response.headers["x-ratelimit-reset"]), UTC)
        assert block["resetAt"] == reset.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert second.json()["data"]["rateLimit"]["remaining"] == 4998
    assert post(gh, cost_query(10)).headers["x-ratelimit-used"] == "12"


# --- auth and HTTP ----------------------------------------------------------------------------


def test_auth_and_http_errors(dataset):
    with FakeGitHub(dataset, tokens={"good": "octocat"}) as server:
        assert post(server, SIMPLE, headers={}).status_code == 401
        bad = post(server, SIMPLE, headers={"Authorization": "bearer nope"})
        assert bad.status_code == 401
        assert bad.json()["message"] == "Bad credentials"
        assert "documentation_url" in bad.json()
        assert post(server, SIMPLE, headers={"Authorization": "basic good"}).status_code == 401
        viewer = post(server, "{ viewer { login } }", headers={"Authorization": "token good"})
        assert viewer.json() == {"data": {"viewer": {"login": "octocat"}}}
        enterprise = post(server, SIMPLE, headers={"Authorization": "bearer good"},
                          url=server.enterprise_url)
        assert enterprise.status_code == 200
        broken = requests.post(server.url, data=b"{nope", headers={"Authorization": "bearer good"},
                               timeout=5)
        assert broken.status_code == 400
        assert broken.json()["message"] == "Problems parsing JSON"
        assert requests.get(server.url, timeout=5).status_code == 404


def test_any_token_accepted_by_default_and_tokens_hashed_in_stats(gh):
    post(gh, SIMPLE, headers={"Authorization": "bearer secret-one"})
    post(gh, SIMPLE, headers={"Authorization": "bearer secret-two"})
    post(gh, SIMPLE, headers={"Authorization": "bearer secret-two"})
    stats = gh.stats
    assert sorted(stats.by_token.values()) == [1, 2]
    assert "secret" not in json.dumps(stats.as_dict(), default=str)


# --- data served ------------------------------------------------------------------------------


def test_not_found_repository_and_pull_request(gh):
    body = post(gh, '{ repository(owner: "acme", name: "missing") { name } }').json()
    assert body["data"] == {"repository": None}
    assert body["errors"][0] == {
        "type": "NOT_FOUND", "path": ["repository"], "locations": [{"line": 1, "column": 3}],
        "message": "Could not resolve to a Repository with the name 'acme/missing'."}
    body = post(gh, '{ repository(owner: "acme", name: "web") { pullRequest(number: 99999) '
                    "{ number } } }").json()
    assert body["data"] == {"repository": {"pullRequest": None}}
    assert body["errors"][0]["type"] == "NOT_FOUND"


def test_repository_lookup_is_case_insensitive(gh):
    body = post(gh, '{ repository(owner: "ACME", name: "Web") { nameWithOwner owner { login } } }')
    assert body.json()["data"]["repository"] == {"nameWithOwner": REPO, "owner": {"login": "acme"}}


def test_default_order_is_created_ascending_with_v2_cursors(gh):
    result = page(gh, first=5)
    numbers = [edge["node"]["number"] for edge in result["edges"]]
    assert numbers == sorted(pr["number"] for pr in prs_of(gh))[:5]
    assert all(edge["cursor"].startswith("Y3Vyc29yOnYyOp") for edge in result["edges"])
    assert result["pageInfo"]["endCursor"] == result["edges"][-1]["cursor"]
    assert result["pageInfo"]["hasPreviousPage"] is False
    assert result["totalCount"] == 40


def test_states_filter_and_updated_order(gh):
    merged = page(gh, first=100, states=["MERGED"], orderBy=UPDATED_DESC)
    expected = sorted((pr for pr in prs_of(gh) if pr["state"] == "MERGED"),
                      key=lambda pr: (pr["updatedAt"], pr["number"]), reverse=True)
    assert [e["node"]["number"] for e in merged["edges"]] == [pr["number"] for pr in expected]
    assert merged["totalCount"] == len(expected)


def test_walk_forward_and_backward(gh):
    forward, cursor = [], None
    while True:
        result = page(gh, first=7, after=cursor, orderBy=UPDATED_DESC)
        forward += [edge["node"]["number"] for edge in result["edges"]]
        if not result["pageInfo"]["hasNextPage"]:
            break
        cursor = result["pageInfo"]["endCursor"]
    backward, cursor = [], None
    while True:
        result = page(gh, last=7, before=cursor, orderBy=UPDATED_DESC)
        backward = [edge["node"]["number"] for edge in result["edges"]] + backward
        if not result["pageInfo"]["hasPreviousPage"]:
            break
        cursor = result["pageInfo"]["startCursor"]
    assert forward == backward
    assert len(forward) == 40 == len(set(forward))


def test_end_cursor_is_null_only_for_empty_pages(gh):
    last_page = page(gh, last=1)
    assert last_page["pageInfo"]["endCursor"] is not None
    assert last_page["pageInfo"]["hasNextPage"] is False
    empty = page(gh, first=5, after=last_page["pageInfo"]["endCursor"])
    assert empty["edges"] == []
    assert empty["pageInfo"]["endCursor"] is None and empty["pageInfo"]["startCursor"] is None
    assert empty["pageInfo"]["hasPreviousPage"] is True


def test_invalid_cursor_is_an_error(gh):
    body = post(gh, PULL_REQUESTS_PAGE, {"owner": "acme", "name": "web", "first": 5,
                                         "after": "MQ"}).json()
    assert body["data"] == {"repository": None}
    assert "valid cursor" in body["errors"][0]["message"]


def test_keyset_cursor_when_prs_change_during_a_pass(gh):
    first = page(gh, first=10, orderBy=UPDATED_DESC)
    seen = [edge["node"]["number"] for edge in first["edges"]]
    ordered = [pr["number"] for pr in sorted(prs_of(gh), key=lambda pr: (pr["updatedAt"],
                                                                       pr["number"]), reverse=True)]
    assert seen == ordered[:10]
    unseen, already_seen = ordered[15], seen[3]
    later = NOW + timedelta(days=1)
    gh.mutate(lambda d: touch_pr(d, REPO, unseen, later, title="edited"))
    gh.mutate(lambda d: touch_pr(d, REPO, already_seen, later + timedelta(seconds=1)))
    new = gh.mutate(lambda d: add_pr(d, REPO, later))
    second = page(gh, first=10, after=first["pageInfo"]["endCursor"], orderBy=UPDATED_DESC)
    numbers = [edge["node"]["number"] for edge in second["edges"]]
    # Resuming after the cursor continues at the same sort position: the PRs that moved to
    # the front (and the new one) are not in this pass, and nothing seen is repeated.
    expected = [n for n in ordered[10:] if n != unseen][:10]
    assert numbers == expected
    restart = page(gh, first=3, orderBy=UPDATED_DESC)
    # Ties on updatedAt are broken by number, in the same direction.
    assert [e["node"]["number"] for e in restart["edges"]] == [already_seen, new["number"],
                                                               unseen]


def test_on_request_hook_changes_data_between_pages(gh):
    first = page(gh, first=5, orderBy=UPDATED_DESC)
    top = first["edges"][0]["node"]["number"]
    gh.on_request(2, lambda d: touch_pr(d, REPO, top, NOW + timedelta(hours=1), state="CLOSED"))
    gh.on_request(3, lambda d: add_pr(d, REPO, NOW + timedelta(hours=2)))
    page(gh, first=5, after=first["pageInfo"]["endCursor"], orderBy=UPDATED_DESC)
    again = page(gh, first=2, orderBy=UPDATED_DESC)
    assert again["edges"][1]["node"] == {"number": top, "state": "CLOSED",
                                         "updatedAt": "2026-01-02T04:04:05Z"}
    assert again["totalCount"] == 41


HUGE_QUERY = """
query($owner: String!, $name: String!, $number: Int!, $files: String, $commits: String,
      $reviews: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      files(first: 100, after: $files) { totalCount pageInfo { hasNextPage endCursor }
        nodes { path } }
      commits(first: 100, after: $commits) { totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { commit { oid } } } }
      reviews(first: 100, after: $reviews) { totalCount pageInfo { hasNextPage endCursor }
        nodes { databaseId } }
    }
  }
}
"""

RUNS_QUERY = """
query($id: ID!, $after: String) {
  node(id: $id) { ... on CheckSuite { checkRuns(first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { databaseId } } } }
}
"""


def _huge_pr(server: FakeGitHub) -> dict:
    return max(prs_of(server), key=lambda pr: len(pr["files"] or ()))


def _drain(server: FakeGitHub, number: int, field: str, item) -> list:
    items, cursor = [], None
    while True:
        variables = {"owner": "acme", "name": "web", "number": number, field: cursor}
        conn = post(server, HUGE_QUERY, variables).json()["data"]["repository"]["pullRequest"]
        result = conn[field]
        items += [item(node) for node in result.get("nodes") or result["edges"]]
        if not result["pageInfo"]["hasNextPage"]:
            return items
        cursor = result["pageInfo"]["endCursor"]


def test_nested_pagination_of_a_huge_pr(gh):
    pr = _huge_pr(gh)
    assert len(pr["files"]) > 100 and len(pr["commits"]) > 100 and len(pr["reviews"]) > 100
    files = _drain(gh, pr["number"], "files", lambda node: node["path"])
    assert files == [f["path"] for f in pr["files"]]
    commits = _drain(gh, pr["number"], "commits", lambda edge: edge["node"]["commit"]["oid"])
    assert commits == [c["commit"]["oid"] for c in pr["commits"]]
    reviews = _drain(gh, pr["number"], "reviews", lambda node: node["databaseId"])
    assert reviews == [r["databaseId"] for r in pr["reviews"]]
    suite = max(pr["commits"][-1]["commit"]["checkSuites"], key=lambda s: len(s["checkRuns"]))
    first = post(gh, RUNS_QUERY, {"id": suite["id"]}).json()["data"]["node"]["checkRuns"]
    rest = post(gh, RUNS_QUERY, {"id": suite["id"], "after": first["pageInfo"]["endCursor"]})
    runs = first["nodes"] + rest.json()["data"]["node"]["checkRuns"]["nodes"]
    assert first["totalCount"] == len(suite["checkRuns"]) > 100
    assert [r["databaseId"] for r in runs] == [r["databaseId"] for r in suite["checkRuns"]]


def test_commit_cursors_are_small_base64_integers(gh):
    pr = _huge_pr(gh)
    variables = {"owner": "acme", "name": "web", "number": pr["number"], "commits": None}
    commits = post(gh, HUGE_QUERY, variables).json()["data"]["repository"]["pullRequest"]
    cursors = [edge["cursor"] for edge in commits["commits"]["edges"]]
    assert cursors[:2] == ["MQ", "Mg"]
    assert base64.b64decode(cursors[-1] + "==") == b"100"


def test_node_lookup_and_actor_interface(gh):
    pr = next(p for p in prs_of(gh) if p["author"] and p["commits"][-1]["commit"]["checkSuites"])
    commit = pr["commits"][-1]["commit"]
    query = """query($pr: ID!, $commit: ID!, $suite: ID!) {
      pr: node(id: $pr) { __typename ... on PullRequest { number author { __typename login
        ... on User { databaseId name } ... on Bot { databaseId } } } }
      commit: node(id: $commit) { __typename ... on Commit { oid } }
      suite: node(id: $suite) { __typename ... on CheckSuite { databaseId } } }"""
    ids = {"pr": pr["id"], "commit": commit["id"], "suite": commit["checkSuites"][0]["id"]}
    data = post(gh, query, ids).json()["data"]
    assert data["pr"]["number"] == pr["number"]
    assert data["pr"]["author"]["__typename"] == pr["author"]["__typename"]
    assert data["commit"] == {"__typename": "Commit", "oid": commit["oid"]}
    assert data["suite"]["databaseId"] == commit["checkSuites"][0]["databaseId"]


# --- rate limits ------------------------------------------------------------------------------


def test_primary_rate_limit_windows_and_both_shapes(dataset):
    clock = Clock()
    with FakeGitHub(dataset, rate_limit=3, window_seconds=2, clock=clock) as server:
        assert [post(server, SIMPLE).status_code for _ in range(3)] == [200] * 3
        limited = post(server, SIMPLE)
        assert limited.status_code == 200
        assert limited.json() == {"errors": [{
            "type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]}
        assert limited.headers["x-ratelimit-remaining"] == "0"
        reset = int(limited.headers["x-ratelimit-reset"])
        server.faults.set_rate_limit_style("new")
        newer = post(server, SIMPLE).json()["errors"][0]
        assert newer == {"type": "RATE_LIMIT", "code": "graphql_rate_limit",
                         "message": "API rate limit already exceeded for user ID 1."}
        server.faults.set_rate_limit_style("alternate")
        shapes = [post(server, SIMPLE).json()["errors"][0]["type"] for _ in range(2)]
        assert sorted(shapes) == ["RATE_LIMIT", "RATE_LIMITED"]
        clock.now = reset
        fresh = post(server, SIMPLE)
        assert "errors" not in fresh.json()
        assert fresh.headers["x-ratelimit-remaining"] == "2"
        assert int(fresh.headers["x-ratelimit-reset"]) > reset


def test_expensive_query_over_remaining_and_the_remaining_quirk(dataset):
    clock = Clock()
    with FakeGitHub(dataset, rate_limit=12, window_seconds=60, clock=clock) as server:
        assert post(server, cost_query(10)).headers["x-ratelimit-remaining"] == "2"
        strict = post(server, cost_query(10))
        assert strict.json()["errors"][0]["type"] == "RATE_LIMITED"
        assert strict.headers["x-ratelimit-remaining"] == "0"
        server.faults.set_quirk_remaining(True)
        quirky = post(server, cost_query(10))
        assert quirky.json()["errors"][0]["type"] == "RATE_LIMITED"
        assert quirky.headers["x-ratelimit-remaining"] == "2"
        assert "errors" not in post(server, SIMPLE).json()
        assert server.stats.points == 11


def test_secondary_limit_on_points_per_minute(dataset):
    with FakeGitHub(dataset, secondary_points_per_minute=3) as server:
        assert [post(server, SIMPLE).status_code for _ in range(3)] == [200] * 3
        blocked = post(server, SIMPLE)
        assert blocked.status_code == 403
        assert "secondary rate limit" in blocked.json()["message"]
        assert blocked.headers["retry-after"] == "60"


# --- faults -----------------------------------------------------------------------------------


def test_timeout_faults(gh):
    gh.faults.fail_next(1, "502_json")
    gh.faults.fail_next(1, "502_html")
    gh.faults.fail_next(1, "504")
    as_json = post(gh, SIMPLE)
    assert as_json.status_code == 502
    body = as_json.json()
    assert body["data"] is None and "type" not in body["errors"][0]
    assert body["errors"][0]["message"].startswith("Something went wrong while executing")
    html = post(gh, SIMPLE)
    assert html.status_code == 502 and html.headers["content-type"].startswith("text/html")
    assert "x-ratelimit-remaining" not in html.headers
    timeout = post(gh, SIMPLE)
    assert timeout.status_code == 504 and timeout.json()["data"] is None
    assert post(gh, SIMPLE).status_code == 200
    stats = gh.stats
    assert stats.total == 4 and stats.points == 4
    assert dict(stats.by_fault) == {"502_json": 1, "502_html": 1, "504": 1}


def test_drop_and_slow_faults(gh):
    gh.faults.fail_next(1, "drop")
    with pytest.raises(requests.ConnectionError):
        post(gh, SIMPLE)
    gh.faults.set_slow(1.0)
    gh.faults.fail_next(1, "slow")
    with pytest.raises(requests.ReadTimeout):
        post(gh, SIMPLE, timeout=0.3)
    gh.faults.fail_next(1, "slow")
    started = time.monotonic()
    assert post(gh, SIMPLE, timeout=5).status_code == 200
    assert time.monotonic() - started >= 1.0
    assert gh.stats.by_fault == {"drop": 1, "slow": 2}


def test_secondary_faults_with_and_without_retry_after(gh):
    gh.faults.set_retry_after(1)
    gh.faults.fail_next(1, "secondary")
    limited = post(gh, SIMPLE)
    assert limited.status_code == 403
    assert limited.headers["retry-after"] == "1"
    assert limited.json()["message"].startswith("You have exceeded a secondary rate limit")
    gh.faults.set_retry_after(None)
    gh.faults.fail_next(1, "secondary")
    assert "retry-after" not in post(gh, SIMPLE).headers
    gh.faults.fail_next(1, "secondary_200")
    at_200 = post(gh, SIMPLE)
    assert at_200.status_code == 200
    assert "secondary rate limit" in at_200.json()["errors"][0]["message"]


def test_rate_limited_fault_keeps_remaining_non_zero(gh):
    gh.faults.fail_next(1, "rate_limited")
    response = post(gh, SIMPLE)
    assert response.json()["errors"][0]["type"] == "RATE_LIMITED"
    assert response.headers["x-ratelimit-remaining"] == "5000"


def test_response_faults(gh):
    query = ('{ repository(owner: "acme", name: "web") { pullRequests(first: 20) '
             "{ nodes { state reviews(first: 5) { nodes { state } } } } } }")
    gh.faults.fail_next(1, "corrupt_enum")
    gh.faults.fail_next(1, "data_null")
    gh.faults.fail_next(1, "non_json")
    assert "SUPER_APPROVED" in post(gh, query).text
    assert post(gh, query).json() == {"data": None}
    broken = post(gh, query)
    assert broken.status_code == 200
    with pytest.raises(ValueError):
        broken.json()
    assert "SUPER_APPROVED" not in post(gh, query).text


def test_outage_after_and_clear(gh):
    gh.faults.outage_after(2)
    statuses = [post(gh, SIMPLE).status_code for _ in range(5)]
    assert statuses == [200, 200, 502, 502, 502]
    gh.faults.clear()
    assert post(gh, SIMPLE).status_code == 200


def test_heavy_query_times_out_until_the_page_shrinks(gh):
    gh.faults.heavy_threshold(25)
    sizes, cursor_ok = [100], None
    while True:
        result = post(gh, PULL_REQUESTS_PAGE, {"owner": "acme", "name": "web",
                                               "first": sizes[-1]})
        if result.status_code == 200:
            cursor_ok = result.json()["data"]["repository"]["pullRequests"]["pageInfo"]
            break
        sizes.append(sizes[-1] // 2)
    assert sizes == [100, 50, 25] and cursor_ok["hasNextPage"]
    assert gh.stats.points == 3  # timeouts still cost points


def test_random_faults_are_seeded_and_reproducible(dataset):
    def statuses(seed: int) -> list[int]:
        plan = FaultPlan(p=0.5, kinds=["502_json", "504", "secondary"], seed=seed)
        with FakeGitHub(dataset, faults=plan) as server:
            return [post(server, SIMPLE).status_code for _ in range(30)]

    first = statuses(3)
    assert first == statuses(3)
    assert set(first) == {200, 403, 502, 504}


def test_faults_accept_a_dict_and_reject_unknown_kinds(dataset):
    server = FakeGitHub(dataset, faults={"p": 0.1, "kinds": ["drop"]})
    assert server.faults.describe()["kinds"] == ["drop"]
    with pytest.raises(ValueError):
        server.faults.fail_next(1, "explode")


# --- stats and concurrency --------------------------------------------------------------------


def test_stats_records(gh):
    post(gh, PULL_REQUESTS_PAGE, {"owner": "acme", "name": "web", "first": 3})
    post(gh, '{ repository(owner: "acme", name: "web") { pullRequest(number: 1) { title } } }')
    post(gh, '{ node(id: "nope") { id } }')
    post(gh, "{ rateLimit { remaining } }")
    stats = gh.stats
    assert stats.total == 4
    assert dict(stats.by_shape) == {"pullRequests": 1, "pullRequest": 1, "node": 1,
                                    "rateLimit": 1}
    record = stats.records[0]
    assert record["variables"] == {"owner": "acme", "name": "web", "first": 3}
    assert record["status"] == 200 and record["cost"] == 1 and record["fault"] is None
    assert "pullRequests" in record["query"]
    assert stats.records[2]["errors"] == ["NOT_FOUND"]
    gh.reset_stats()
    assert gh.stats.total == 0


def test_concurrent_clients(gh):
    failures: list[object] = []

    def client() -> None:
        with requests.Session() as session:
            for _ in range(10):
                response = session.post(gh.url, json={"query": SIMPLE}, headers=AUTH, timeout=10)
                if response.status_code != 200 or "errors" in response.json():
                    failures.append(response.text)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    stats = gh.stats
    assert stats.total == 80 and stats.points == 80


# --- standalone process -----------------------------------------------------------------------


def _run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.fakegithub", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, **kwargs)


ROOT = Path(__file__).resolve().parents[1]


def test_cli_errors_are_one_line_with_exit_code_2(tmp_path):
    for args in (["serve", "--dataset", str(tmp_path / "missing.json")],
                 ["serve", "--generate", "not-a-spec"],
                 ["serve", "--bogus"],
                 ["generate", "--out", str(tmp_path / "x.json")]):
        result = _run_cli(*args)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_standalone_generate_and_serve(tmp_path):
    data_file, state_file = tmp_path / "data.json", tmp_path / "state.json"
    generated = _run_cli("generate", "--out", str(data_file), "--repos", "o/a=5,o/b=3",
                         "--seed", "4", "--now", "2026-01-02T00:00:00Z")
    assert generated.returncode == 0, generated.stderr
    assert sorted(json.loads(data_file.read_text())["repos"]) == ["o/a", "o/b"]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakegithub", "serve", "--port", "0", "--dataset",
         str(data_file), "--state-file", str(state_file), "--rate-limit", "100"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("FAKE_GITHUB_URL=http://127.0.0.1:")
        url = line.split("=", 1)[1]
        response = requests.post(url, json={"query": '{ repository(owner: "o", name: "a") '
                                                     "{ pullRequests(first: 5) { totalCount } } }"},
                                 headers=AUTH, timeout=10)
        assert response.json()["data"]["repository"]["pullRequests"]["totalCount"] == 5
        assert response.headers["x-ratelimit-limit"] == "100"
        state = json.loads(state_file.read_text())
        assert state["total"] == 1 and state["by_shape"] == {"pullRequests": 1}
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        process.stdout.close()
        process.stderr.close()


def test_rate_limit_can_change_while_running(dataset):
    with FakeGitHub(dataset, rate_limit=2) as server:
        assert post(server, SIMPLE).headers["x-ratelimit-limit"] == "2"
        server.set_rate_limit(10, reset_windows=True)
        response = post(server, SIMPLE)
        assert response.headers["x-ratelimit-limit"] == "10"
        assert response.headers["x-ratelimit-remaining"] == "9"


def test_cli_generation_flags(tmp_path):
    from tests.fakegithub.invariants import check_dataset

    out = tmp_path / "data.json"
    result = _run_cli("generate", "--out", str(out), "--repos", "o/a=30", "--seed", "2",
                      "--now", "2026-01-02T00:00:00Z", "--profile", "heavy", "--huge-files", "1",
                      "--shared", "1", "--no-statuses", "--no-nulls", "--huge", "0")
    assert result.returncode == 0, result.stderr
    dataset = json.loads(out.read_text())
    prs = dataset["repos"]["o/a"]["pullRequests"]
    assert check_dataset(dataset) == []
    assert sum(pr["changedFiles"] > 3000 and pr["files"] is None for pr in prs) == 1
    assert not any(item["commit"].get("status") for pr in prs for item in pr["commits"])
    assert any(pr["title"] == "Merge release/1.x into main" for pr in prs)
