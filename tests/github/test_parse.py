"""Parsing real recorded GitHub payloads (../shared/github/recorded) into PR events."""

import json
import re

import pytest

from apps.seeding.fetch.github import parse
from apps.seeding.fetch.github.errors import BadResponseError
from tests.shared import recorded_dir


def extracted(name):
    return json.loads((recorded_dir() / "extracted" / name).read_text())["response_body"]


def test_real_pull_request_pages_parse_into_events():
    body = extracted("mergestat-lite__TestRepoPRs__0.json")
    nodes = body["data"]["repository"]["pullRequests"]["nodes"]
    parser = parse.Parser()
    events = [parser.pull_request(n, f"nodes[{i}]", checks=False, statuses=False)
              for i, n in enumerate(nodes)]
    assert len(events) == 50 and parser.unknown == set()
    assert {e["state"] for e in events} == {"merged", "closed"}
    for node, event in zip(nodes, events, strict=True):
        assert event["number"] == node["number"] and event["title"] == node["title"]
        assert event["updated_at"] == node["updatedAt"]
        assert (event["merged_at"] is not None) == (node["state"] == "MERGED")
        assert event["author"] is None or event["author"]["login"] == node["author"]["login"]
        assert event["labels"] == [label["name"] for label in node["labels"]["nodes"]]
        assert event["check_runs"] is None  # not fetched, which is not the same as none
        assert event["version"] == 2 and event["statuses"] is None
        assert "reviews" not in node and event["reviews"] == []  # not asked: nothing invented


def test_real_commits_keep_the_full_multi_line_message():
    body = extracted("mergestat-lite__TestPRCommits__0.json")
    node = body["data"]["repository"]["pullRequest"]["commits"]["nodes"][0]["commit"]
    commit = parse.Parser().commit(node, "commit")
    assert re.fullmatch(r"[0-9a-f]{40}", commit["sha"])
    assert "\n\n" in commit["message"] and commit["message"] == node["message"]
    assert commit["author_email"] == node["author"]["email"]
    assert commit["author"] is None  # the recording did not ask for the linked user


def test_real_review_states_parse_and_a_review_without_id_is_refused():
    body = extracted("mergestat-lite__TestPRReviews__0.json")
    nodes = body["data"]["repository"]["pullRequest"]["reviews"]["nodes"]
    parser = parse.Parser()
    states = {parser.enum(n["state"], parse.REVIEW_STATES, "review state", "s") for n in nodes}
    assert states <= {"commented", "approved"}
    assert parse.actor(nodes[0]["author"])["login"] == "patrickdevivo"
    with pytest.raises(BadResponseError, match=r"reviews\.nodes\[0\]\.fullDatabaseId"):
        parser.review(nodes[0], "reviews.nodes[0]")  # the recording did not ask for the id


def _sourcegraph_prs():
    data = extracted("sourcegraph__LoadPullRequests__2.json")["data"]
    return [pr for repo in data.values() for pr in repo.values() if pr]


def test_real_aliased_prs_with_crlf_bodies_and_null_commit_users_parse():
    prs = _sourcegraph_prs()
    parser = parse.Parser()
    events = [parser.pull_request(pr, "pr", checks=False, statuses=False) for pr in prs]
    assert len(events) == 5
    assert any("\r\n" in e["body"] for e in events)  # CRLF text kept byte for byte
    commits = [parser.commit(c["commit"], "c") for pr in prs for c in pr["commits"]["nodes"]
               if "message" in c["commit"]]
    users = [c["commit"].get("author") for pr in prs for c in pr["commits"]["nodes"]]
    assert all(c["author"] is None or c["author"]["login"] for c in commits)
    assert users  # shape sanity


def test_real_check_suite_and_review_enums_are_understood():
    seen_conclusions, seen_states, contexts = set(), set(), []
    parser = parse.Parser()
    for pr in _sourcegraph_prs():
        for c in pr["commits"]["nodes"]:
            for suite in parse.nodes(c["commit"].get("checkSuites")):
                for run in parse.nodes(suite.get("checkRuns")):
                    seen_conclusions.add(parser.enum(run["conclusion"], parse.CHECK_CONCLUSIONS,
                                                     "conclusion", "c", nullable=True))
                    parser.enum(run["status"], parse.CHECK_STATUSES, "status", "s")
            status = c["commit"].get("status") or {}
            contexts += [parser.status_context(ctx, "status.contexts")
                         for ctx in status.get("contexts") or [] if "createdAt" in ctx]
        for item in parse.nodes(pr.get("timelineItems")):
            if item.get("__typename") == "PullRequestReview":
                seen_states.add(parser.enum(item["state"], parse.REVIEW_STATES, "review state",
                                            "s"))
    assert "success" in seen_conclusions
    assert {"approved", "commented"} <= seen_states
    assert parser.unknown == set()
    assert all(c["state"] in parse.STATUS_STATES.values() for c in contexts)


def test_real_merged_pull_requests_fixture_with_nullable_connections():
    data = json.loads((recorded_dir() / "release-please/merged-pull-requests.json").read_text())
    nodes = data["repository"]["pullRequests"]["nodes"]
    parser = parse.Parser()
    asked_by_us = {"createdAt": "2021-11-01T00:00:00Z", "updatedAt": "2021-11-02T00:00:00Z"}
    for node in nodes:
        # this recording did not ask for timestamps, and its files lack changeType
        node = {**asked_by_us, **node, "files": None}
        event = parser.pull_request(node, "pr", checks=False, statuses=False)
        assert event["number"] == node["number"]
        assert event["files"] is None  # GitHub answered null: unavailable, never "no files"
        assert event["unavailable"]["files"]["reason"] == "too_large"
    assert any("\r\n" in (n.get("body") or "") for n in nodes)


def test_unknown_enum_values_are_kept_lower_cased_and_reported_once():
    parser = parse.Parser()
    review = parser.review({"fullDatabaseId": "1", "state": "SUPER_APPROVED"}, "r")
    parser.review({"fullDatabaseId": "2", "state": "SUPER_APPROVED"}, "r")
    changed = parser.changed_file({"path": "a", "changeType": "EXPLODED"}, "f")
    assert review["state"] == "super_approved" and changed["status"] == "exploded"
    assert parser.unknown == {("review state", "SUPER_APPROVED"),
                              ("file change type", "EXPLODED")}


@pytest.mark.parametrize("node, path", [
    ({"number": 1, "state": "OPEN", "createdAt": "2026-01-01T00:00:00Z",
      "updatedAt": "yesterday"},
     "pr.updatedAt"),
    ({"number": 1, "state": "OPEN", "updatedAt": "2026-01-01T00:00:00Z"}, "pr.createdAt"),
    ({"number": "seven", "state": "OPEN"}, "pr.number"),
    ({"number": 1, "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"},
     "pr.state"),
])
def test_a_missing_or_malformed_value_is_a_bad_response_naming_its_json_path(node, path):
    with pytest.raises(BadResponseError, match=re.escape(path)):
        parse.Parser().pull_request(node, "pr", checks=False, statuses=False)


def test_gaps_mark_a_connection_unavailable_instead_of_empty():
    from apps.seeding.events import Gap, unavailable
    node = {"number": 1, "state": "OPEN", "createdAt": "2026-01-01T00:00:00Z",
            "updatedAt": "2026-01-02T00:00:00Z", "reviews": None, "changedFiles": 3,
            "files": {"totalCount": 3, "nodes": [{"path": "a", "changeType": "ADDED"}]}}
    gaps = {"reviews": unavailable(Gap.FORBIDDEN, "no"),
            "files": unavailable(Gap.TRUNCATED, "short", expected=3, fetched=1)}
    event = parse.Parser().pull_request(node, "pr", gaps=gaps, checks=True, statuses=False)
    assert event["reviews"] is None and len(event["files"]) == 1  # partial list is kept
    assert event["check_runs"] == [] and event["statuses"] is None  # asked, none / not asked
    assert set(event["unavailable"]) == {"reviews", "files"}


def test_deleted_accounts_and_bots():
    assert parse.actor(None) is None
    bot = parse.actor({"__typename": "Bot", "login": "dependabot[bot]", "databaseId": 49699333})
    assert bot == {"login": "dependabot[bot]", "id": 49699333, "name": None, "type": "Bot"}


def test_null_and_empty_connections_both_give_no_children():
    assert parse.nodes(None) == [] and parse.nodes({"nodes": None}) == []
    assert parse.nodes({"nodes": [None, {"a": 1}]}) == [{"a": 1}]
