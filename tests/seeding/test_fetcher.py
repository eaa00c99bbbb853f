"""The fetcher end to end against the fake GitHub: complete PRs, resume, update, backfill."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from apps.seeding.fetch.ci_repoll import IDS_PER_REQUEST, pending_ci
from apps.seeding.fetch.fetcher import Fetcher, FetchError
from apps.seeding.fetch.github.client import GraphQLClient
from apps.seeding.fetch.github.retry import RetryPolicy
from apps.seeding.fetch.github.tokens import TokenPool
from apps.seeding.fetch.retries import PRS_PER_REQUEST
from apps.seeding.fetch.state import FetchRequest, FetchState
from eventlog import EventLog, open_writer
from tests.expected import expected_prs, log_prs
from tests.fakegithub import FakeGitHub, add_pr, generate_dataset, touch_pr

NOW = datetime(2026, 11, 28, tzinfo=UTC)
REPO = "acme/web"
SINCE = NOW - timedelta(days=200)


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({REPO: 120}, seed=7, now=NOW, days=365, huge=1)


@pytest.fixture
def gh(dataset):
    import copy

    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as server:
        yield server


class FakeClock:
    """Time for the client, its token pool and the fake GitHub's rate-limit windows: a wait
    advances it instead of sleeping, so rate-limit tests take no wall time."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float, reason: str = "") -> None:
        self.now += seconds


def client_for(gh, tokens=("tok",), clock: FakeClock | None = None, **policy):
    policy.setdefault("backoff_base", 0.01)
    if clock is None:
        return GraphQLClient(gh.url, TokenPool(list(tokens)), policy=RetryPolicy(**policy),
                             sleep=lambda seconds, reason: time.sleep(min(seconds, 3)))
    return GraphQLClient(gh.url, TokenPool(list(tokens), clock=clock),
                         policy=RetryPolicy(**policy), clock=clock, sleep=clock.sleep)


def fetch(gh, log_dir, request, client=None):
    client = client or client_for(gh)
    with open_writer(log_dir, fsync="never") as writer:
        state = FetchState.from_meta(writer.last_commit.meta if writer.last_commit else {})
        fetcher = Fetcher(writer, client, REPO)
        return fetcher.run(state, request), client


def test_full_pass_logs_every_pr_in_the_window_complete_with_all_children(gh, tmp_path):
    state, client = fetch(gh, tmp_path / "log", FetchRequest(since=SINCE, page_size=25))
    expected = expected_prs(gh.dataset, REPO, SINCE)
    assert log_prs(tmp_path / "log") == expected
    huge = [n for n, pr in expected.items() if len(pr["files"] or ()) > 100]
    assert huge, "the dataset should hold a PR needing nested pagination"
    assert state.complete and state.covered_since == SINCE.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert client.stats.points > 0 and gh.stats.by_shape.get("pullRequest+viewer", 0) > 0
    nullable = ("reviews", "files", "labels", "closingIssuesReferences")
    unavailable = {pr["number"] for pr in gh.dataset["repos"][REPO]["pullRequests"]
                   if pr["number"] in expected and (
                       expected[pr["number"]]["files"] is None
                       or any(k in pr and pr[k] is None for k in nullable))}
    assert {int(n) for n in state.incomplete} == unavailable  # listed, to fetch again


def test_a_second_run_retries_only_incomplete_prs_and_a_third_sends_nothing(gh, tmp_path):
    state, _ = fetch(gh, tmp_path / "log", FetchRequest(since=SINCE))
    gh.reset_stats()
    state, _ = fetch(gh, tmp_path / "log", FetchRequest(since=SINCE))
    assert gh.stats.total == -(-len(state.incomplete) // PRS_PER_REQUEST)  # by number, batched
    assert all(r["shape"] == "pullRequest+viewer" for r in gh.stats.records)
    gh.reset_stats()
    fetch(gh, tmp_path / "log", FetchRequest(since=SINCE))
    assert gh.stats.total == 0


def test_update_with_nothing_changed_is_one_page_plus_retries_and_ci_polls(gh, tmp_path):
    """One page request, one request per 10 incomplete PRs, one per 50 pending CI commits."""
    state, _ = fetch(gh, tmp_path / "log", FetchRequest(since=SINCE))
    pending = pending_ci(EventLog(tmp_path / "log"), datetime.now(UTC))
    gh.reset_stats()
    fetch(gh, tmp_path / "log", FetchRequest(since=SINCE, update=True))
    assert gh.stats.by_shape["pullRequests+viewer"] == 1
    assert gh.stats.total == 1 + -(-len(state.incomplete) // PRS_PER_REQUEST) + \
        -(-len(pending) // IDS_PER_REQUEST)
    number = min(expected_prs(gh.dataset, REPO, SINCE))
    gh.mutate(lambda d: touch_pr(d, REPO, number, datetime.now(UTC), title="Renamed"))
    gh.mutate(lambda d: add_pr(d, REPO, datetime.now(UTC), title="Brand new"))
    fetch(gh, tmp_path / "log", FetchRequest(since=SINCE, update=True))
    logged = log_prs(tmp_path / "log")
    assert logged[number]["title"] == "Renamed"
    assert any(pr["title"] == "Brand new" for pr in logged.values())


def test_a_wider_window_fetches_only_the_missing_older_part(gh, tmp_path):
    fetch(gh, tmp_path / "log", FetchRequest(since=NOW - timedelta(days=30), page_size=10))
    gh.reset_stats()
    state, _ = fetch(gh, tmp_path / "log", FetchRequest(since=SINCE, page_size=10))
    assert state.last_pass["mode"] == "backfill"
    assert log_prs(tmp_path / "log") == expected_prs(gh.dataset, REPO, SINCE)
    recent = len(expected_prs(gh.dataset, REPO, NOW - timedelta(days=30)))
    full_pages = -(-len(expected_prs(gh.dataset, REPO, SINCE)) // 10) + 1
    assert 0 < gh.stats.by_shape["pullRequests+viewer"] <= full_pages - recent // 10 + 1


def test_max_prs_stops_after_the_newest_n(gh, tmp_path):
    fetch(gh, tmp_path / "log", FetchRequest(since=None, max_prs=15, page_size=10))
    assert log_prs(tmp_path / "log") == expected_prs(gh.dataset, REPO, None, max_prs=15)


def test_check_runs_can_be_switched_off(gh, tmp_path):
    fetch(gh, tmp_path / "log", FetchRequest(since=SINCE, check_runs=False))
    assert log_prs(tmp_path / "log") == expected_prs(gh.dataset, REPO, SINCE, check_runs=False)
    assert "checkSuites" not in gh.stats.records[0]["query"]


def test_faults_and_timeouts_shrink_pages_retry_and_leave_no_gap(gh, tmp_path):
    gh.faults.set_random(0.15, ["502_json", "502_html", "504", "drop"])
    gh.faults.heavy_threshold(12)
    state, client = fetch(gh, tmp_path / "log", FetchRequest(since=SINCE, page_size=50))
    assert log_prs(tmp_path / "log") == expected_prs(gh.dataset, REPO, SINCE)
    assert client.stats.retries > 0 and client.stats.shrinks > 0
    assert state.last_pass["stats"]["retries"] == client.stats.retries


def test_a_permanent_outage_records_a_failed_pass_and_the_next_run_resumes(gh, tmp_path):
    gh.faults.outage_after(4)
    with pytest.raises(FetchError) as info:
        fetch(gh, tmp_path / "log", FetchRequest(since=SINCE, page_size=10),
              client_for(gh, max_attempts=2))
    assert info.value.status == "failed"
    records = list(EventLog(tmp_path / "log").read())
    failure = [r for r in records if r.type == "pass" and r.data["status"] == "failed"]
    assert failure and "502" in failure[-1].data["error"]
    state = FetchState.from_meta(records[-1].meta)
    assert state.active is not None and not state.complete
    gh.faults.clear()
    gh.reset_stats()
    state, _ = fetch(gh, tmp_path / "log", FetchRequest(since=SINCE, page_size=10))
    assert state.complete
    assert log_prs(tmp_path / "log") == expected_prs(gh.dataset, REPO, SINCE)
    assert gh.stats.records[0]["variables"]["after"] is not None  # resumed mid-repo


def test_an_unknown_repository_fails_with_a_clear_message(gh, tmp_path):
    client = client_for(gh)
    with open_writer(tmp_path / "log", fsync="never") as writer, \
            pytest.raises(FetchError, match="Could not resolve to a Repository"):
        Fetcher(writer, client, "acme/missing").run(FetchState(), FetchRequest())


def test_unknown_enum_from_github_is_stored_as_sent_and_never_stops_the_repo(gh, tmp_path):
    gh.faults.fail_next(1, "corrupt_enum")
    state, _ = fetch(gh, tmp_path / "log", FetchRequest(since=SINCE))
    assert state.complete
    values = [r.data for r in EventLog(tmp_path / "log").read() if r.type == "pr"]
    assert "super_approved" in repr(values)


def test_faults_rate_limit_windows_and_a_secondary_limit_together_leave_no_gap(gh, tmp_path):
    """10% 5xx faults, a budget of 8 points per 2-second window (both error shapes), and a
    secondary limit with retry-after: the pass completes and the log matches the server."""
    kinds = ["502_json", "504", "502_html"]
    clock = FakeClock()
    start = clock.now
    gh.engine.limiter.clock = gh.engine.per_minute.clock = clock  # the server's windows too
    gh.set_rate_limit(limit=8, window_seconds=2, reset_windows=True)
    gh.faults.set_rate_limit_style("alternate")
    gh.faults.set_random(0.10, kinds)
    gh.faults.set_retry_after(1)
    gh.faults.fail_next(1, "secondary")
    gh.faults.fail_next(1, "502_json")  # at least one, whatever the random draws
    state, client = fetch(gh, tmp_path / "log", FetchRequest(since=SINCE, page_size=10),
                          client_for(gh, clock=clock))
    assert state.complete
    assert log_prs(tmp_path / "log") == expected_prs(gh.dataset, REPO, SINCE)
    assert client.stats.rate_limit_waits > 0 and client.stats.secondary_waits == 1
    assert clock.now - start >= client.stats.wait_seconds > 0  # every wait was on the clock
    injected = sum(n for kind, n in gh.stats.by_fault.items() if kind in kinds)
    assert injected > 0 and client.stats.retries == injected
