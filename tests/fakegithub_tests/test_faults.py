"""The fake GitHub server's rate limits (primary windows, secondary limits), injected faults,
request statistics and concurrent clients."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.fakegithub import FakeGitHub, FaultPlan
from tests.fakegithub.queries import PULL_REQUESTS_PAGE
from tests.fakegithub_tests.support import (
    AUTH,
    SIMPLE,
    Clock,
    cost_query,
    post,
)

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


def test_rate_limit_can_change_while_running(dataset):
    with FakeGitHub(dataset, rate_limit=2) as server:
        assert post(server, SIMPLE).headers["x-ratelimit-limit"] == "2"
        server.set_rate_limit(10, reset_windows=True)
        response = post(server, SIMPLE)
        assert response.headers["x-ratelimit-limit"] == "10"
        assert response.headers["x-ratelimit-remaining"] == "9"


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
