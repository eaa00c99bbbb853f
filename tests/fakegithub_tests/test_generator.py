"""The streaming generator: per-PR seeding, size profiles, exact PRs, served form, nulls."""

from __future__ import annotations

import itertools
import types
from collections import Counter
from datetime import UTC, datetime

import pytest
from graphql import parse

from tests.fakegithub import (
    FakeGitHub,
    generate_dataset,
    iter_pull_requests,
    iter_served_pull_requests,
    make_pull_request,
    served_pull_request,
)
from tests.fakegithub.dataset import pull_request_at
from tests.fakegithub.executor import execute_document
from tests.fakegithub.invariants import check_dataset
from tests.fakegithub.prgen import repo_context
from tests.fakegithub.queries import PULL_REQUEST, complete
from tests.fakegithub.registry import RequestContext
from tests.fakegithub.schema import real_schema_path, subset_schema
from tests.fakegithub.serve_one import QUERY, RATE, VIEWER
from tests.fakegithub.store import Store
from tests.fakegithub.testing import data, pull_request_query

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
REPO = "acme/web"


@pytest.fixture(scope="module")
def heavy() -> list[dict]:
    return list(iter_pull_requests(REPO, 1500, seed=3, now=NOW, profile="heavy", ci="both"))


def test_iter_pull_requests_is_lazy_and_each_pr_regenerates_alone():
    stream = iter_pull_requests(REPO, 10_000, seed=9, now=NOW)
    assert isinstance(stream, types.GeneratorType)
    first = list(itertools.islice(stream, 3))
    ctx = repo_context(REPO, 10_000, seed=9, now=NOW)
    assert pull_request_at(ctx, 2) == first[2]
    assert pull_request_at(ctx, 9_999)["number"] in (19_999, 20_000)
    small = generate_dataset({REPO: 30}, seed=9, now=NOW, huge=0)["repos"][REPO]["pullRequests"]
    assert small == list(iter_pull_requests(REPO, 30, seed=9, now=NOW,
                                            database_id=_repo_db(9)))


def _repo_db(seed: int) -> int:
    return generate_dataset({REPO: 0}, seed=seed, now=NOW)["repos"][REPO]["databaseId"]


def test_streamed_prs_are_ordered_and_ids_stay_unique_across_repositories():
    dataset = generate_dataset({REPO: 200, "acme/api": 200}, seed=2, now=NOW, huge=2,
                               huge_files=1, shared=1)
    assert check_dataset(dataset) == []
    prs = dataset["repos"][REPO]["pullRequests"]
    assert [p["number"] for p in prs] == sorted(p["number"] for p in prs)
    assert [p["createdAt"] for p in prs] == sorted(p["createdAt"] for p in prs)


def test_heavy_profile_is_heavy_tailed(heavy):
    def share(key, over):
        return sum(len(pr[key] or ()) > over for pr in heavy) / len(heavy)

    for key, over in (("commits", 25), ("files", 50), ("reviews", 25)):
        assert 0.01 <= share(key, over) <= 0.15, key
    assert max(len(pr["commits"]) for pr in heavy) >= 100
    assert max(len(pr["files"] or ()) for pr in heavy) >= 200
    assert max(len(pr["reviews"] or ()) for pr in heavy) >= 100
    runs = [len(suite["checkRuns"]) for pr in heavy
            for suite in pr["commits"][-1]["commit"]["checkSuites"]]
    assert max(runs) >= 100
    assert check_dataset({"repos": {REPO: {"databaseId": 1, "pullRequests": heavy}}}) == []


def test_make_pull_request_has_exact_counts_and_overrides():
    pr = make_pull_request(7, reviews=2, commits=3, files=4, runs=[5, 2], statuses=1, labels=2,
                           state="MERGED", title="Exact")
    head = pr["commits"][-1]["commit"]
    assert (len(pr["reviews"]), len(pr["commits"]), len(pr["files"]), len(pr["labels"])) == \
        (2, 3, 4, 2)
    assert [len(s["checkRuns"]) for s in head["checkSuites"]] == [5, 2]
    assert len(head["status"]["contexts"]) == 1
    assert (pr["number"], pr["title"], pr["state"]) == (7, "Exact", "MERGED")
    assert pr["mergedAt"] and pr["author"] is not None
    bare = make_pull_request(8, reviews=0, runs=0, statuses=0, files=0)
    assert bare["reviews"] == [] and bare["files"] == []
    assert bare["commits"][-1]["commit"]["status"] is None
    both = {"repos": {REPO: {"databaseId": 1, "pullRequests": [pr, bare]}}}
    assert check_dataset(both) == []
    assert make_pull_request(7) == make_pull_request(7)
    with pytest.raises(ValueError, match="at least one commit"):
        make_pull_request(1, commits=0)


def test_served_pull_request_is_exactly_what_the_server_answers():
    pr = make_pull_request(3, reviews=3, commits=4, files=5, runs=3, statuses=2)
    served = served_pull_request(pr, repo=REPO, database_id=4242)
    assert served["commits"]["totalCount"] == 4 and len(served["commits"]["nodes"]) == 4
    assert served["files"]["pageInfo"]["hasNextPage"] is False
    dataset = {"repos": {REPO: {"databaseId": 4242, "pullRequests": [pr]}}}
    with FakeGitHub(dataset) as gh:
        over_http = data(gh, pull_request_query(complete(PULL_REQUEST, 10)),
                         {"owner": "acme", "name": "web", "number": 3})
    assert over_http["repository"]["pullRequest"] == served
    big = make_pull_request(4, files=150)
    assert len(served_pull_request(big)["files"]["nodes"]) == 150


def test_served_stream_matches_the_server_for_a_generated_repository():
    stream = iter_served_pull_requests(REPO, 6, seed=5, now=NOW, ci="both",
                                       selection="number title commits(first: 1) { totalCount }")
    served = list(stream)
    dataset = generate_dataset({REPO: 6}, seed=5, now=NOW, huge=0, ci="both")
    with FakeGitHub(dataset) as gh:
        page = data(gh, '{ repository(owner: "acme", name: "web") { pullRequests(first: 6) '
                        "{ nodes { number title commits { totalCount } } } } }")
    assert served == page["repository"]["pullRequests"]["nodes"]


def test_generated_data_holds_every_null_the_schema_allows():
    dataset = generate_dataset({REPO: 1500}, seed=4, now=NOW, huge=0, ci="both")
    prs = dataset["repos"][REPO]["pullRequests"]
    commits = [item["commit"] for pr in prs for item in pr["commits"]]
    runs = [run for c in commits for s in c["checkSuites"] for run in s["checkRuns"]]
    suites = [s for c in commits for s in c["checkSuites"]]
    contexts = [x for c in commits for x in (c["status"] or {}).get("contexts", ())]
    reviews = [r for pr in prs for r in pr["reviews"] or ()]
    nulls = Counter()
    for pr in prs:
        nulls.update(key for key in ("author", "milestone", "reviews", "labels", "files",
                                     "closingIssuesReferences") if pr[key] is None)
    nulls["commit.author"] = sum(c["author"] is None for c in commits)
    nulls["commit.author.user"] = sum(bool(c["author"]) and c["author"]["user"] is None
                                      for c in commits)
    nulls["completed run startedAt"] = sum(r["status"] == "COMPLETED" and r["startedAt"] is None
                                           for r in runs)
    nulls["completed run completedAt"] = sum(r["status"] == "COMPLETED" and
                                             r["completedAt"] is None for r in runs)
    nulls["submitted review submittedAt"] = sum(r["state"] != "PENDING" and
                                                r["submittedAt"] is None for r in reviews)
    nulls["app"] = sum(s["app"] is None for s in suites)
    for key in ("description", "targetUrl", "creator"):
        nulls[f"status {key}"] = sum(c[key] is None for c in contexts)
    assert all(nulls[key] for key in nulls) and len(nulls) == 15, nulls
    assert all(count < len(prs) * 0.2 for key, count in nulls.items()
               if key in ("reviews", "labels", "files", "closingIssuesReferences")), nulls
    quiet = generate_dataset({REPO: 300}, seed=4, now=NOW, huge=0, nulls=False)
    quiet_prs = quiet["repos"][REPO]["pullRequests"]
    assert not any(pr[key] is None for pr in quiet_prs for key in
                   ("author", "reviews", "labels", "closingIssuesReferences"))


@pytest.mark.skipif(real_schema_path() is None, reason="GitHub's schema file is not available")
def test_generated_nulls_never_break_a_non_null_field():
    """Served with every field, through GitHub's schema and through the subset: no errors."""
    dataset = generate_dataset({REPO: 200}, seed=6, now=NOW, huge=1, huge_files=1, shared=1,
                               ci="both")
    document = parse(QUERY % complete(PULL_REQUEST))
    store = Store(dataset)
    for pr in dataset["repos"][REPO]["pullRequests"]:
        ctx = RequestContext(store, dict(RATE), dict(VIEWER))
        variables = {"owner": "acme", "name": "web", "number": pr["number"]}
        for schema in (None, subset_schema()):
            body = execute_document(document, ctx, variables, schema=schema)
            assert "errors" not in body, (pr["number"], body["errors"][:2])
