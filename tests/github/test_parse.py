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
    events = [parse.pull_request(n, check_runs=None) for n in nodes]
    assert len(events) == 50
    assert {e["state"] for e in events} == {"merged", "closed"}
    for node, event in zip(nodes, events, strict=True):
        assert event["number"] == node["number"] and event["title"] == node["title"]
        assert event["updated_at"] == node["updatedAt"]
        assert (event["merged_at"] is not None) == (node["state"] == "MERGED")
        assert event["author"] is None or event["author"]["login"] == node["author"]["login"]
        assert event["labels"] == [label["name"] for label in node["labels"]["nodes"]]
        assert event["check_runs"] is None  # not fetched, which is not the same as none


def test_real_commits_keep_the_full_multi_line_message():
    body = extracted("mergestat-lite__TestPRCommits__0.json")
    node = body["data"]["repository"]["pullRequest"]["commits"]["nodes"][0]["commit"]
    commit = parse.commit(node)
    assert re.fullmatch(r"[0-9a-f]{40}", commit["sha"])
    assert "\n\n" in commit["message"] and commit["message"] == node["message"]
    assert commit["author_email"] == node["author"]["email"]
    assert commit["author"] is None  # the recording did not ask for the linked user


def test_real_review_states_parse_and_a_review_without_id_is_refused():
    body = extracted("mergestat-lite__TestPRReviews__0.json")
    nodes = body["data"]["repository"]["pullRequest"]["reviews"]["nodes"]
    states = {parse.enum(n["state"], parse.REVIEW_STATES, "review state") for n in nodes}
    assert states <= {"commented", "approved"}
    assert parse.actor(nodes[0]["author"])["login"] == "patrickdevivo"
    with pytest.raises(BadResponseError, match="fullDatabaseId"):
        parse.review(nodes[0])  # the recording did not ask for the id; ours always does


def _sourcegraph_prs():
    data = extracted("sourcegraph__LoadPullRequests__2.json")["data"]
    return [pr for repo in data.values() for pr in repo.values() if pr]


def test_real_aliased_prs_with_crlf_bodies_and_null_commit_users_parse():
    prs = _sourcegraph_prs()
    events = [parse.pull_request(pr, check_runs=None) for pr in prs]
    assert len(events) == 5
    assert any("\r\n" in e["body"] for e in events)  # CRLF text kept byte for byte
    commits = [parse.commit(c["commit"]) for pr in prs for c in pr["commits"]["nodes"]
               if "message" in c["commit"]]
    users = [c["commit"].get("author") for pr in prs for c in pr["commits"]["nodes"]]
    assert all(c["author"] is None or c["author"]["login"] for c in commits)
    assert users  # shape sanity


def test_real_check_suite_and_review_enums_are_understood():
    seen_conclusions, seen_states = set(), set()
    for pr in _sourcegraph_prs():
        for c in pr["commits"]["nodes"]:
            for suite in parse.nodes(c["commit"].get("checkSuites")):
                for run in parse.nodes(suite.get("checkRuns")):
                    seen_conclusions.add(parse.enum(run["conclusion"], parse.CHECK_CONCLUSIONS,
                                                    "conclusion", nullable=True))
                    parse.enum(run["status"], parse.CHECK_STATUSES, "status")
        for item in parse.nodes(pr.get("timelineItems")):
            if item.get("__typename") == "PullRequestReview":
                seen_states.add(parse.enum(item["state"], parse.REVIEW_STATES, "review state"))
    assert "success" in seen_conclusions
    assert {"approved", "commented"} <= seen_states


def test_real_merged_pull_requests_fixture_with_nullable_connections():
    data = json.loads((recorded_dir() / "release-please/merged-pull-requests.json").read_text())
    nodes = data["repository"]["pullRequests"]["nodes"]
    for node in nodes:
        node = dict(node, files=None)  # this recording's files lack changeType (not asked)
        event = parse.pull_request(node, check_runs=[])
        assert event["files"] == [] and event["number"] == node["number"]
    assert any("\r\n" in (n.get("body") or "") for n in nodes)


def test_unknown_enum_values_are_refused_with_a_clear_message():
    with pytest.raises(BadResponseError, match="unknown review state 'SUPER_APPROVED'"):
        parse.review({"fullDatabaseId": "1", "state": "SUPER_APPROVED"})
    with pytest.raises(BadResponseError, match="file change type"):
        parse.changed_file({"path": "a", "changeType": "EXPLODED"})


def test_deleted_accounts_and_bots():
    assert parse.actor(None) is None
    bot = parse.actor({"__typename": "Bot", "login": "dependabot[bot]", "databaseId": 49699333})
    assert bot == {"login": "dependabot[bot]", "id": 49699333, "name": None, "type": "Bot"}


def test_null_and_empty_connections_both_give_no_children():
    assert parse.nodes(None) == [] and parse.nodes({"nodes": None}) == []
    assert parse.nodes({"nodes": [None, {"a": 1}]}) == [{"a": 1}]
