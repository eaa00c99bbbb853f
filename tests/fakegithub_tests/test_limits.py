"""The fake GitHub server's validation and GitHub's limits (syntax, pagination boundaries,
node limit, cost, the rateLimit block), authentication and HTTP errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests

from tests.fakegithub import FakeGitHub
from tests.fakegithub.cost import (
    analyze,
    nodes_for_tree,
    points_for_requests,
    points_for_tree,
    requests_for_tree,
)
from tests.fakegithub.schema import real_schema_path, subset_schema
from tests.fakegithub_tests.support import (
    RATE_HEADERS,
    SIMPLE,
    cost_query,
    post,
)

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
