"""The data the fake GitHub server serves: lookups, orderings and filters, cursors (also when
PRs change during a pass), nested pagination of a huge PR, node lookups."""

from __future__ import annotations

import base64
from datetime import timedelta

from tests.fakegithub import FakeGitHub
from tests.fakegithub.dataset import add_pr, touch_pr
from tests.fakegithub.queries import PULL_REQUESTS_PAGE
from tests.fakegithub_tests.support import (
    NOW,
    REPO,
    UPDATED_DESC,
    page,
    post,
    prs_of,
)

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
