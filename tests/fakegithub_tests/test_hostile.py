"""Hostile data and hostile transport: what the fake serves when GitHub is at its worst."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from tests.fakegithub import FakeGitHub, FaultPlan, make_hostile, make_pull_request
from tests.fakegithub.dataset import load_dataset, save_dataset
from tests.fakegithub.faults import DEFAULT_RANDOM_KINDS, HOSTILE_KINDS
from tests.fakegithub.hostile import BIG_REVIEW_ID, HOSTILE, HOSTILE_TEXT
from tests.fakegithub.invariants import check_dataset
from tests.fakegithub.jsontext import dumps, encode
from tests.fakegithub.testing import data, graphql, pull_request_query

REPO = "acme/web"
VARS = {"owner": "acme", "name": "web", "number": 1}
TEXTS = """title body headRefName author { login } labels(first: 10) { nodes { name } }
  files(first: 5) { nodes { path } } commits(first: 5) { nodes { commit { message
  messageHeadline } } } reviews(first: 10) { nodes { body databaseId fullDatabaseId } }"""
TINY = "{ viewer { login } }"
PAGE = '{ repository(owner: "acme", name: "web") { pullRequests(first: 2) { nodes { title } } } }'


def one_repo(*prs: dict) -> dict:
    return {"repos": {REPO: {"databaseId": 4242, "pullRequests": list(prs)}}}


@pytest.fixture
def hostile_pr() -> dict:
    pr = make_pull_request(1, reviews=3, files=3, labels=1)
    make_hostile(one_repo(pr), REPO, 1)
    return pr


@pytest.fixture
def gh():
    with FakeGitHub(one_repo(*(make_pull_request(n) for n in (1, 2, 3)))) as server:
        yield server


# --- hostile values in the data ---------------------------------------------------------------


def test_json_text_escapes_lone_surrogates_and_keeps_other_text_utf8():
    value = {"t": "é 🚀 \u202e a\x00b \x1b[0m \ud800 \udfff"}
    raw = encode(value)
    assert raw == ('{"t":"é 🚀 \u202e a\\u0000b \\u001b[0m \\ud800 \\udfff"}').encode()
    assert json.loads(raw) == value
    assert json.loads(dumps(value, indent=1)) == value


def test_hostile_values_are_served_as_github_sends_them(hostile_pr):
    with FakeGitHub(one_repo(hostile_pr)) as gh:
        response = graphql(gh, pull_request_query(TEXTS), VARS)
    raw = response.content
    for escape in (b"\\u0000", b"\\u001b]8;;", b"\\u0007", b"\\ud800", b"\\udfff"):
        assert escape in raw
    assert "\u202e".encode() in raw and "\u200b".encode() in raw  # literal UTF-8, not escaped
    node = response.json()["data"]["repository"]["pullRequest"]
    assert node["title"].endswith(HOSTILE_TEXT) and node["body"].endswith(HOSTILE_TEXT)
    assert HOSTILE_TEXT in node["headRefName"] and HOSTILE_TEXT in node["author"]["login"]
    assert HOSTILE_TEXT in node["labels"]["nodes"][-1]["name"]
    assert HOSTILE_TEXT in node["files"]["nodes"][0]["path"]
    assert HOSTILE_TEXT in node["commits"]["nodes"][0]["commit"]["message"]
    assert all(HOSTILE_TEXT in review["body"] for review in node["reviews"]["nodes"])


def test_review_ids_beyond_64_bits_are_bigint_strings(hostile_pr):
    with FakeGitHub(one_repo(hostile_pr)) as gh:
        first = graphql(gh, pull_request_query(
            "reviews(first: 2) { pageInfo { endCursor } nodes { fullDatabaseId databaseId url } }"),
            VARS).json()["data"]["repository"]["pullRequest"]["reviews"]
        rest = data(gh, pull_request_query(
            "reviews(first: 5, after: $after) { nodes { fullDatabaseId } }").replace(
                "$number: Int!", "$number: Int!, $after: String"),
            {**VARS, "after": first["pageInfo"]["endCursor"]})
    ids = [n["fullDatabaseId"] for n in first["nodes"]]
    ids += [n["fullDatabaseId"] for n in rest["repository"]["pullRequest"]["reviews"]["nodes"]]
    assert ids[-1] == str(BIG_REVIEW_ID) and int(ids[-1]) > 2**63
    assert len(ids) == 3 and all(isinstance(i, str) for i in ids)


def test_hostile_datasets_save_load_and_stay_valid(tmp_path, hostile_pr):
    dataset = one_repo(hostile_pr)
    make_hostile(dataset, REPO, 1, huge_mib=2, title=False, logins=False)
    assert len(hostile_pr["body"].encode("utf-8", "surrogatepass")) > 2 * 1024 * 1024
    path = tmp_path / "hostile.json"
    save_dataset(dataset, path)
    assert load_dataset(path) == dataset
    assert check_dataset(dataset) == []
    with pytest.raises(ValueError, match="unknown hostile fields"):
        make_hostile(dataset, REPO, 1, tittle=True)


def test_selected_hostile_fields_only():
    pr = make_pull_request(1)
    title, body = pr["title"], pr["body"]
    make_hostile(one_repo(pr), REPO, 1, **{name: name == "body" for name in
                                           ("title", "body", "labels", "paths", "messages",
                                            "logins", "branches", "reviews", "review_ids")})
    assert pr["title"] == title and pr["body"] == f"{body} {HOSTILE_TEXT}".strip()
    assert set(HOSTILE) == {"nul", "ansi", "osc", "bidi", "zero_width", "surrogate"}


# --- unknown enum values ----------------------------------------------------------------------


def test_extra_enum_values_are_served_but_not_accepted_in_queries():
    pr = make_pull_request(1, runs=2, reviews=1)
    run = pr["commits"][-1]["commit"]["checkSuites"][0]["checkRuns"][0]
    run["conclusion"] = "SUPERSEDED"
    pr["reviews"][0]["state"] = "FLAGGED"
    extra = {"CheckConclusionState": ["SUPERSEDED"], "PullRequestReviewState": ["FLAGGED"]}
    query = pull_request_query("reviews(first: 1) { nodes { state } } commits(last: 1) { nodes "
                               "{ commit { checkSuites(first: 1) { nodes { checkRuns(first: 1) "
                               "{ nodes { conclusion } } } } } } }")
    filtered = pull_request_query("commits(last: 1) { nodes { commit { checkSuites(first: 1) { "
                                  "nodes { checkRuns(first: 1, filterBy: {conclusions: "
                                  "[SUPERSEDED]}) { totalCount } } } } } }")
    with FakeGitHub(one_repo(pr), extra_enum_values=extra) as gh:
        served = data(gh, query, VARS)["repository"]["pullRequest"]
        rejected = graphql(gh, filtered, VARS).json()
    with FakeGitHub(one_repo(pr)) as strict:
        unknown = graphql(strict, query, VARS).json()
    assert served["reviews"]["nodes"] == [{"state": "FLAGGED"}]
    runs = served["commits"]["nodes"][0]["commit"]["checkSuites"]["nodes"][0]["checkRuns"]
    assert runs["nodes"] == [{"conclusion": "SUPERSEDED"}]
    assert "data" not in rejected and "SUPERSEDED" in rejected["errors"][0]["message"]
    assert "cannot represent" in unknown["errors"][0]["message"]
    assert check_dataset(one_repo(pr), extra) == []
    assert any("bad conclusion SUPERSEDED" in p for p in check_dataset(one_repo(pr)))


# --- hostile transport ------------------------------------------------------------------------


def test_slow_drip_sends_headers_at_once_and_the_body_slowly(gh):
    gh.faults.set_drip(0.02)
    gh.faults.fail_next(2, "slow_drip")
    started = time.monotonic()
    with requests.post(gh.url, json={"query": TINY}, headers={"Authorization": "bearer t"},
                       stream=True, timeout=10) as response:
        headers_after = time.monotonic() - started
        body = response.content
    assert headers_after < 0.3 and response.status_code == 200
    assert time.monotonic() - started >= 0.02 * len(body) * 0.9
    assert json.loads(body) == {"data": {"viewer": {"login": "fake-user-1"}}}
    started = time.monotonic()  # requests' timeout is per read: a drip never trips it
    assert graphql(gh, TINY, timeout=0.3).json()["data"]
    assert time.monotonic() - started > 0.5
    assert gh.stats.by_fault["slow_drip"] == 2


def test_slow_drip_does_not_block_other_clients(gh):
    gh.faults.set_drip(0.04)
    gh.faults.fail_next(1, "slow_drip")
    slow = threading.Thread(target=lambda: graphql(gh, TINY, timeout=30))
    slow.start()
    time.sleep(0.2)
    started = time.monotonic()
    assert graphql(gh, PAGE).status_code == 200
    assert time.monotonic() - started < 0.5
    slow.join()


@pytest.mark.parametrize(("pattern", "start"), [("brackets", b"[[[["),
                                                ("json_prefix", b'{"data":{"repository"')])
def test_huge_body_streams_without_end(gh, pattern, start):
    gh.faults.set_huge_body(3 * 1024 * 1024, pattern)
    gh.faults.fail_next(2, "huge_body")
    response = graphql(gh, PAGE, stream=True)
    assert response.status_code == 200 and "content-length" not in response.headers
    total = sum(len(chunk) for chunk in response.iter_content(64 * 1024))
    assert total == 3 * 1024 * 1024
    partial = graphql(gh, PAGE, stream=True)
    assert next(partial.iter_content(64)).startswith(start)
    partial.close()  # the server notices the client leaving and carries on
    assert graphql(gh, PAGE).status_code == 200
    assert gh.stats.points == 3


def test_lone_surrogate_fault_puts_an_escape_into_a_valid_page(gh):
    gh.faults.fail_next(1, "lone_surrogate")
    response = graphql(gh, PAGE)
    assert b"\\ud800" in response.content
    title = response.json()["data"]["repository"]["pullRequests"]["nodes"][0]["title"]
    assert "\ud800" in title


@pytest.mark.parametrize("status", [502, 200])
def test_hostile_error_messages(gh, status):
    gh.faults.set_hostile_error(status, 2 * 1024 * 1024)
    gh.faults.fail_next(1, "hostile_error")
    response = graphql(gh, PAGE)
    assert response.status_code == status
    message = response.json()["errors"][0]["message"]
    assert message.startswith("\x1b[2J") and "\x1b]8;;" in message and "\x1b]0;" in message
    assert len(message.encode()) >= 2 * 1024 * 1024
    assert gh.stats.points == 1


def test_tamper_next_rewrites_the_next_bodies(gh):
    gh.faults.tamper_next(lambda body: {"data": {"repository": {}}})
    gh.faults.tamper_next(lambda body: body["data"].update(repository={"pullRequests": None}))
    gh.faults.tamper_next(lambda body: body["data"]["repository"]["pullRequests"]["nodes"][0]
                          .update(createdAt="yesterday", number=None) and None)
    gh.faults.tamper_next(lambda body: "\x1b[31m" + "x" * (2 * 1024 * 1024))
    bodies = [graphql(gh, PAGE).content for _ in range(5)]
    assert json.loads(bodies[0]) == {"data": {"repository": {}}}
    assert json.loads(bodies[1]) == {"data": {"repository": {"pullRequests": None}}}
    node = json.loads(bodies[2])["data"]["repository"]["pullRequests"]["nodes"][0]
    assert node["createdAt"] == "yesterday" and node["number"] is None
    assert bodies[3].startswith(b"\x1b[31mxxx") and len(bodies[3]) > 2 * 1024 * 1024
    assert json.loads(bodies[4])["data"]["repository"]["pullRequests"]["nodes"]
    assert gh.faults.describe()["tampers_queued"] == 0


def test_hostile_kinds_are_scripted_only_by_default():
    assert not DEFAULT_RANDOM_KINDS & HOSTILE_KINDS
    assert FaultPlan(p=0.5).describe()["kinds"] == sorted(DEFAULT_RANDOM_KINDS)
    plan = FaultPlan(p=1.0, kinds=["lone_surrogate"])
    assert plan.pick() == "lone_surrogate"
    with pytest.raises(ValueError):
        plan.set_huge_body(10, "zeros")
    with pytest.raises(ValueError):
        plan.set_hostile_error(404)
