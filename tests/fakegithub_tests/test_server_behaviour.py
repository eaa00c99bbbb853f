"""Server behaviour: schema variants and introspection, renamed repositories, per-user budgets,
concurrency and latency, the simulated response time, changes during a request, ``Date``."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from tests.fakegithub import (
    FakeGitHub,
    ResponseTime,
    generate_dataset,
    make_pull_request,
    rename_repo,
    touch_pr,
)
from tests.fakegithub.schema import real_schema_path
from tests.fakegithub.testing import data, graphql

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
REPO = "acme/web"
PAGE = '{ repository(owner: "acme", name: "web") { pullRequests(first: 2) { nodes { title } } } }'
needs_real_schema = pytest.mark.skipif(real_schema_path() is None,
                                       reason="GitHub's schema file is not available")


@pytest.fixture(scope="module")
def dataset() -> dict:
    return generate_dataset({REPO: 30, "acme/api": 5}, seed=8, now=NOW, huge=0, ci="both")


def one_repo(*prs: dict) -> dict:
    return {"repos": {REPO: {"databaseId": 4242, "pullRequests": list(prs)}}}


# --- schema variants and introspection --------------------------------------------------------

REVIEW_IDS = """query Reviews { repository(owner: "acme", name: "web") {
  pullRequests(first: 1) { nodes { ... on PullRequest { reviews(first: 1) {
    nodes { id: fullDatabaseId } } } } } } }"""


def test_old_enterprise_server_rejects_full_database_id_like_github():
    with FakeGitHub(one_repo(make_pull_request(1)), schema_variant="ghes-3.8") as gh:
        response = graphql(gh, REVIEW_IDS)
        pr_level = graphql(gh, '{ repository(owner: "acme", name: "web") { pullRequest('
                               "number: 1) { fullDatabaseId } } }").json()
        assert "errors" not in graphql(gh, REVIEW_IDS.replace("fullDatabaseId",
                                                              "databaseId")).json()
        assert gh.stats.points == 1
    assert response.status_code == 200
    assert response.json() == {"errors": [{
        "path": ["query Reviews", "repository", "pullRequests", "nodes", "... on PullRequest",
                 "reviews", "nodes", "id"],
        "extensions": {"code": "undefinedField", "typeName": "PullRequestReview",
                       "fieldName": "fullDatabaseId"},
        "locations": [{"line": 3, "column": 13}],
        "message": "Field 'fullDatabaseId' doesn't exist on type 'PullRequestReview'"}]}
    assert pr_level["errors"][0]["path"] == ["query", "repository", "pullRequest",
                                             "fullDatabaseId"]
    with FakeGitHub(one_repo(make_pull_request(1))) as github_com:
        assert "errors" not in graphql(github_com, REVIEW_IDS).json()


def test_unknown_field_errors_use_githubs_wording_on_every_variant():
    with FakeGitHub(one_repo(make_pull_request(1))) as gh:
        body = graphql(gh, "fragment F on Repository { nope } "
                           'query { repository(owner: "a", name: "b") { ...F } }').json()
    assert body["errors"][0]["message"] == "Field 'nope' doesn't exist on type 'Repository'"
    assert body["errors"][0]["path"] == ["fragment F", "nope"]


@pytest.mark.parametrize(("variant", "has_full_id"), [("github.com", True), ("ghes-3.8", False)])
def test_introspection_reflects_the_variant_and_costs_one_point(variant, has_full_id):
    type_query = '{ __type(name: "PullRequestReview") { name fields { name } } }'
    schema_query = "{ __schema { queryType { name } types { name kind fields { name } } } }"
    with FakeGitHub(one_repo(make_pull_request(1)), schema_variant=variant) as gh:
        fields = data(gh, type_query)["__type"]["fields"]
        schema = graphql(gh, schema_query)
        records = gh.stats.records
    names = {field["name"] for field in fields}
    assert ("fullDatabaseId" in names) is has_full_id and "state" in names
    assert "databaseId" not in names  # deprecated: only listed with includeDeprecated
    assert schema.status_code == 200 and "errors" not in schema.json()
    assert schema.json()["data"]["__schema"]["queryType"] == {"name": "Query"}
    assert [r["cost"] for r in records] == [1, 1] and records[1]["simulated_ms"] < 1000


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="unknown schema variant"):
        FakeGitHub(one_repo(make_pull_request(1)), schema_variant="ghes-1.0")


# --- renamed and differently-cased repositories -----------------------------------------------

REPO_QUERY = """query($owner: String!, $name: String!, $follow: Boolean = true) {
  repository(owner: $owner, name: $name, followRenames: $follow) { nameWithOwner databaseId
    pullRequests(first: 1) { totalCount } } }"""


def test_renamed_and_differently_cased_repositories(dataset):
    renamed = {"repos": dict(dataset["repos"])}
    rename_repo(renamed, "acme/web", "Acme/Website")
    rename_repo(renamed, "Acme/Website", "acme-corp/site")
    expected = {"nameWithOwner": "acme-corp/site",
                "databaseId": dataset["repos"][REPO]["databaseId"],
                "pullRequests": {"totalCount": 30}}
    with FakeGitHub(renamed) as gh:
        for owner, name in (("ACME", "WEB"), ("acme", "website"), ("ACME-CORP", "Site")):
            assert data(gh, REPO_QUERY, {"owner": owner, "name": name})["repository"] == \
                expected
        strict = graphql(gh, REPO_QUERY, {"owner": "acme", "name": "web", "follow": False})
        cased = data(gh, REPO_QUERY, {"owner": "ACME", "name": "API"})["repository"]
    assert strict.json()["data"] == {"repository": None}
    assert strict.json()["errors"][0]["type"] == "NOT_FOUND"
    assert cased["nameWithOwner"] == "acme/api"
    assert renamed["renames"] == {"acme/web": "acme-corp/site", "Acme/Website": "acme-corp/site"}


# --- per-user budgets -------------------------------------------------------------------------


def test_tokens_of_one_user_share_a_budget(dataset):
    tokens = {"t1": "alice", "t2": "alice", "t3": "bob"}
    with FakeGitHub(dataset, tokens=tokens, rate_limit=4) as gh:
        used = [graphql(gh, PAGE, token=t).headers["x-ratelimit-used"] for t in
                ("t1", "t2", "t3", "t1")]
        viewers = {t: data(gh, "{ viewer { login databaseId } }", token=t)["viewer"]
                   for t in ("t2", "t3")}
        limited = graphql(gh, PAGE, token="t1").json()
    assert used == ["1", "2", "1", "3"]
    assert limited["errors"][0]["type"] == "RATE_LIMITED"
    assert viewers["t2"]["login"] == "alice" and viewers["t3"]["login"] == "bob"
    assert viewers["t2"]["databaseId"] != viewers["t3"]["databaseId"]


def test_listed_tokens_are_separate_users(dataset):
    with FakeGitHub(dataset, tokens=["a", "b"], rate_limit=2) as gh:
        used = [graphql(gh, PAGE, token=t).headers["x-ratelimit-used"] for t in "abab"]
        assert sorted(set(gh.stats.by_token.values())) == [2]
    assert used == ["1", "1", "2", "2"]


# --- concurrency and latency ------------------------------------------------------------------


def _clients(gh: FakeGitHub, threads: int, requests_each: int, **kwargs) -> list[int]:
    statuses: list[int] = []

    def client() -> None:
        for _ in range(requests_each):
            statuses.append(graphql(gh, PAGE, **kwargs).status_code)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses


def test_latency_overlaps_between_concurrent_clients(dataset):
    with FakeGitHub(dataset, latency=0.3) as gh:
        started = time.monotonic()
        statuses = _clients(gh, 8, 3)
        elapsed = time.monotonic() - started
    assert statuses == [200] * 24
    assert 0.9 <= elapsed < 3.0  # serialised it would take 7.2 s


def test_concurrency_limit_is_per_user(dataset):
    with FakeGitHub(dataset, latency=0.8, max_concurrent=2,
                    tokens={"a1": "ann", "a2": "ann", "b": "ben"}) as gh:
        busy = threading.Thread(target=lambda: _clients(gh, 2, 1, token="a1"))
        busy.start()
        time.sleep(0.2)  # ann now has two requests in flight: the limit
        same_user = graphql(gh, PAGE, token="a2")
        other_user = graphql(gh, PAGE, token="b")
        busy.join()
    assert other_user.status_code == 200
    assert same_user.status_code == 403
    assert "secondary rate limit" in same_user.json()["message"]


# --- simulated response time ------------------------------------------------------------------

HEAVY_PAGE = """query($n: Int!) { repository(owner: "acme", name: "web") {
  pullRequests(first: $n) { nodes { number
    files(first: 100) { nodes { path additions deletions } }
    reviews(first: 100) { nodes { state author { login } } }
    commits(last: 1) { nodes { commit { checkSuites(first: 5) { nodes {
      checkRuns(first: 100) { nodes { name conclusion } } } } } } } } } } }"""


@pytest.fixture(scope="module")
def heavy() -> dict:
    return one_repo(*(make_pull_request(n, files=100, reviews=100, commits=2, runs=100,
                                        statuses=0) for n in range(1, 101)))


def test_a_page_of_heavy_prs_times_out_and_still_costs_points(heavy):
    with FakeGitHub(heavy) as gh:
        big = graphql(gh, HEAVY_PAGE, {"n": 100})
        half = graphql(gh, HEAVY_PAGE, {"n": 50})
        records = gh.stats.records
    assert big.status_code == 502
    assert big.json()["errors"][0]["message"].startswith("Something went wrong")
    assert records[0]["simulated_ms"] > 10_000 and records[0]["timed_out"]
    assert records[0]["cost"] > 1 and records[0]["errors"] == ["TIMEOUT"]
    assert half.status_code == 200 and records[1]["simulated_ms"] < 10_000


def test_typical_pages_do_not_time_out_and_the_model_is_tunable(dataset, heavy):
    with FakeGitHub(dataset) as gh:
        response = graphql(gh, HEAVY_PAGE, {"n": 30})
        assert response.status_code == 200 and gh.stats.records[0]["simulated_ms"] < 2000
    with FakeGitHub(heavy, response_time=None) as gh:
        assert graphql(gh, HEAVY_PAGE, {"n": 100}).status_code == 200
        assert gh.stats.records[0]["simulated_ms"] is None
    strict = ResponseTime(base_ms=0, per_object_ms=1, timeout_ms=50)
    with FakeGitHub(dataset, response_time=strict) as gh:
        assert graphql(gh, HEAVY_PAGE, {"n": 30}).status_code == 502
        gh.faults.heavy_threshold(10)
        assert graphql(gh, HEAVY_PAGE, {"n": 11}).status_code == 502
        assert gh.stats.records[-1]["fault"] == "502_json"


# --- a PR changing while a page is served; the Date header ------------------------------------


def test_during_request_serves_the_old_snapshot_then_changes_the_data(dataset):
    query = ('{ repository(owner: "acme", name: "web") { pullRequests(first: 1, orderBy: '
             "{field: UPDATED_AT, direction: DESC}) { nodes { number title updatedAt } } } }")
    with FakeGitHub({"repos": dict(dataset["repos"])}) as gh:
        top = data(gh, query)["repository"]["pullRequests"]["nodes"][0]
        gh.during_request(2, lambda d: touch_pr(d, REPO, _other(d, top["number"]),
                                                NOW + timedelta(days=1), title="moved"))
        during = data(gh, query)["repository"]["pullRequests"]["nodes"][0]
        after = data(gh, query)["repository"]["pullRequests"]["nodes"][0]
    assert during == top
    assert after["title"] == "moved" and after["number"] != top["number"]


def _other(dataset: dict, number: int) -> int:
    return next(pr["number"] for pr in dataset["repos"][REPO]["pullRequests"]
                if pr["number"] != number)


def test_date_header_follows_the_servers_clock(dataset):
    moment = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
    with FakeGitHub(dataset, clock=moment.timestamp) as gh:
        response = graphql(gh, PAGE)
    assert parsedate_to_datetime(response.headers["date"]) == moment
    assert response.headers["date"] == "Mon, 06 May 2030 07:08:09 GMT"
