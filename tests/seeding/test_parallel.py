"""Several repositories at once under one token pool, and batched follow-ups.

Parallel runs must end with the database a serial run gives (equal to the server), under faults
and rate limits; tokens of one GitHub user are budgeted together; batched follow-ups return the
very events one-connection-per-request follow-ups return.
"""

from __future__ import annotations

import contextlib
import copy
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from apps.seeding.fetch.client_config import default_jobs
from apps.seeding.fetch.fetcher import Fetcher, FetchError
from apps.seeding.fetch.github.client import GraphQLClient
from apps.seeding.fetch.github.retry import RetryPolicy
from apps.seeding.fetch.github.tokens import TokenPool
from apps.seeding.fetch.state import DEFAULT_PAGE_SIZE, FetchRequest, FetchState
from apps.seeding.run_options import RunOptions
from apps.teams.models import Team
from eventlog import EventLog, open_writer
from tests.expected import db_prs, expected_prs
from tests.fakegithub import FakeGitHub, generate_dataset
from tests.fakegithub.ids import short_hash

NOW = datetime.now(UTC).replace(microsecond=0)
REPOS = [f"many/r{i}" for i in range(6)]
SINCE = NOW - timedelta(days=200)
ALICE_1, ALICE_2 = "ghp_Alice" + "One" + "0" * 28, "ghp_Alice" + "Two" + "0" * 28
BOB = "ghp_Bob" + "Only" + "0" * 29


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({repo: 40 for repo in REPOS}, seed=31, now=NOW, days=180, huge=1,
                            shared=1)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_real_projects", *args, stdout=out, stderr=out)
    return out.getvalue()


def repo_args(repos=REPOS) -> list[str]:
    return [a for r in repos for a in ("--repo", r)]


@pytest.mark.django_db(transaction=True)
def test_parallel_jobs_with_faults_and_rate_limits_end_with_the_database_equal_to_the_server(
        dataset, monkeypatch, quiet_env, cache_dir):
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None,
                    tokens={ALICE_1: "alice", BOB: "bob"}, rate_limit=60,
                    window_seconds=2) as gh:
        gh.faults.set_random(0.08, ["502_json", "504", "drop", "secondary"])
        gh.faults.set_retry_after(1)
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", gh.url)
        monkeypatch.setenv("GITHUB_SEEDING_TOKENS", f"{ALICE_1}\n{BOB}")
        out = seed(*repo_args(), "--days-back", "200", "--page-size", "10", "--jobs", "4")
        tokens = set(gh.stats.by_token)
    assert f"{len(REPOS)} repositories: {len(REPOS)} ok" in out
    team = Team.objects.get(slug="many")
    for repo in REPOS:
        assert db_prs(team, repo) == expected_prs(gh.dataset, repo, SINCE), repo
    assert {short_hash(ALICE_1), short_hash(BOB)} <= tokens  # both users' budgets used


@pytest.mark.django_db(transaction=True)
def test_a_parallel_run_and_a_serial_run_give_the_same_database(dataset, monkeypatch,
                                                                quiet_env, cache_dir, tmp_path):
    from tests.dbdump import natural_dump

    dumps = []
    for jobs, where in (("1", "serial"), ("4", "parallel")):
        with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
            monkeypatch.setenv("GITHUB_GRAPHQL_URL", gh.url)
            monkeypatch.setenv("GITHUB_TOKEN", BOB)
            monkeypatch.setenv("SEEDING_CACHE_DIR", str(tmp_path / where))
            seed(*repo_args(), "--days-back", "200", "--jobs", jobs,
                 "--cache-dir", str(tmp_path / where))
            dumps.append(natural_dump())
            Team.objects.all().delete()
    assert dumps[0] == dumps[1]


def test_two_tokens_of_one_user_are_budgeted_together(dataset, tmp_path):
    """alice has two tokens and bob one; GitHub budgets per user. Once alice's budget is spent,
    her other token (whose user is not known yet) is tried at most once: GitHub refuses it, so
    the pool knows it spent too, and every later request goes to bob."""
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None, rate_limit=8,
                    window_seconds=3600, tokens={ALICE_1: "alice", ALICE_2: "alice",
                                                 BOB: "bob"}) as gh:
        pool = TokenPool([ALICE_1, ALICE_2, BOB], low_water=1)
        for repo in REPOS[:3]:  # jobs one after another on the shared pool
            client = GraphQLClient(gh.url, pool, policy=RetryPolicy(backoff_base=0.01,
                                                                     max_wait=0.5))
            with open_writer(tmp_path / repo, fsync="never") as writer, \
                    contextlib.suppress(FetchError):  # bob's budget ends the run too
                Fetcher(writer, client, repo).run(FetchState(),
                                                  FetchRequest(since=SINCE, page_size=5))
        records = gh.stats.records
    assert pool.tokens[0].user == "alice" and pool.tokens[2].user == "bob"
    assert pool.tokens[1].user in ("alice", None)  # asked once: refused, so known spent
    assert pool.budgets()["alice"].remaining == 0  # alice is spent, whichever token asks
    first = min(r["n"] for r in records if {"RATE_LIMITED", "RATE_LIMIT"} & set(r["errors"]))
    second = [r for r in records if r["token"] == short_hash(ALICE_2) and r["n"] > first]
    assert len(second) <= 1  # tried once at most...
    assert all({"RATE_LIMITED", "RATE_LIMIT"} & set(r["errors"]) for r in second)  # ...refused
    assert any(r["token"] == short_hash(BOB) and r["n"] > first for r in records)


def test_batched_follow_ups_return_exactly_the_events_unbatched_ones_do(tmp_path):
    """Every connection of several PRs truncated: one continuation per request and many per
    request give the same events (compared field by field), with fewer requests batched."""
    data = generate_dataset({"deep/web": 12}, seed=5, now=NOW, days=60, huge=6,
                            profile="heavy")
    requests = {}
    for name, items in (("unbatched", 1), ("batched", 50)):
        with FakeGitHub(copy.deepcopy(data), secondary_points_per_minute=None) as gh:
            client = GraphQLClient(gh.url, TokenPool(["t"]),
                                   policy=RetryPolicy(backoff_base=0.01))
            with open_writer(tmp_path / name, fsync="never") as writer:
                Fetcher(writer, client, "deep/web", max_items=items).run(
                    FetchState(), FetchRequest(page_size=12))
            requests[name] = gh.stats.total
    events = {name: [(r.key, r.data) for r in EventLog(tmp_path / name).read()
                     if r.type == "pr"] for name in requests}
    assert events["batched"] == events["unbatched"]
    assert requests["batched"] < requests["unbatched"] / 2, requests


def test_the_page_size_that_works_is_remembered_instead_of_growing_back(tmp_path):
    data = generate_dataset({"slow/web": 120}, seed=8, now=NOW, days=100, huge=0)
    with FakeGitHub(data, secondary_points_per_minute=None) as gh:
        gh.faults.heavy_threshold(20)  # pages above 20 PRs time out (and are charged)
        client = GraphQLClient(gh.url, TokenPool(["t"]), policy=RetryPolicy(backoff_base=0.01))
        with open_writer(tmp_path / "log", fsync="never") as writer:
            state = Fetcher(writer, client, "slow/web").run(
                FetchState(), FetchRequest(page_size=80))
            timeouts = sum(1 for r in gh.stats.records if r["fault"])
            assert state.page_size_limit == 20
            gh.reset_stats()
            Fetcher(writer, client, "slow/web").run(state, FetchRequest(page_size=80,
                                                                        update=True))
    assert timeouts == 2 * 2  # 80 -> 40 -> 20, each size failing twice before shrinking
    assert not any(r["fault"] for r in gh.stats.records)  # the next pass starts at 20


def test_jobs_default_to_four_per_token_at_most_eight_and_pages_to_100():
    """The defaults the bench recommends (bench/README.md): two jobs per request slot, pages of
    100 PRs (the fewest requests and points per PR on heavy data with CI)."""
    assert [default_jobs(n) for n in (0, 1, 2, 3, 10)] == [1, 4, 8, 8, 8]
    assert FetchRequest().page_size == RunOptions().page_size == DEFAULT_PAGE_SIZE == 100
