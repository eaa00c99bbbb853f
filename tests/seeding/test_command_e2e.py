"""seed_real_projects against the fake GitHub: the everyday paths and every fetch option."""

import copy
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from apps.metrics.models import PRCheckRun, PullRequest
from apps.seeding.fetch.state import FetchState
from apps.teams.models import Team
from eventlog import EventLog
from eventlog import cli as eventlog_cli
from tests.expected import db_prs, expected_prs, log_prs
from tests.fakegithub import FakeGitHub, generate_dataset, touch_pr

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime.now(UTC).replace(microsecond=0)
REPOS = ("acme/web", "acme/api")
TOKEN = "ghp_e2eSecret" + "Token000000000000000000001"  # fake, split so no scanner flags it


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({"acme/web": 90, "acme/api": 40}, seed=3, now=NOW, days=300, huge=1)


@pytest.fixture
def gh(dataset, monkeypatch, quiet_env, cache_dir):
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as server:
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        yield server


def seed(*args, expect_error=False):
    out = io.StringIO()
    try:
        call_command("seed_real_projects", *args, stdout=out, stderr=out)
    except CommandError as e:
        if not expect_error:
            raise AssertionError(f"{e}\n{out.getvalue()}") from e
        return out.getvalue() + str(e)
    assert not expect_error, out.getvalue()
    return out.getvalue()


def repo_args():
    return [a for r in REPOS for a in ("--repo", r)]


def test_seed_fetches_and_projects_every_repo_exactly(gh, cache_dir):
    out = seed(*repo_args(), "--days-back", "200", "--page-size", "20")
    team = Team.objects.get(slug="acme")
    since = NOW - timedelta(days=200)
    for repo in REPOS:
        expected = expected_prs(gh.dataset, repo, since)
        assert db_prs(team, repo) == expected, repo
        assert log_prs(cache_dir / repo) == expected
    assert "2 repositories: 2 ok" in out
    assert TOKEN not in out


def test_a_complete_log_makes_no_request_once_incomplete_prs_were_retried(gh, cache_dir):
    seed(*repo_args(), "--days-back", "200")
    incomplete = {repo: FetchState.from_meta(EventLog(cache_dir / repo).last_commit().meta)
                  .incomplete for repo in REPOS}
    gh.reset_stats()
    seed(*repo_args(), "--days-back", "200")  # retries incomplete PRs by number, once
    assert all(r["shape"].startswith("pullRequest+") for r in gh.stats.records)
    assert (gh.stats.total > 0) == any(incomplete.values())
    gh.reset_stats()
    out = seed(*repo_args(), "--days-back", "200")
    assert gh.stats.total == 0 and "0 GitHub requests" in out
    seed("--repo", "acme/web", "--days-back", "200", "--update")
    assert gh.stats.by_shape["pullRequests+viewer"] == 1  # one page: nothing changed


def test_update_projects_what_changed(gh):
    seed("--repo", "acme/web", "--days-back", "200")
    number = max(expected_prs(gh.dataset, "acme/web", NOW - timedelta(days=200)))
    gh.mutate(lambda d: touch_pr(d, "acme/web", number, datetime.now(UTC), state="MERGED"))
    out = seed("--repo", "acme/web", "--days-back", "200", "--update")
    assert PullRequest.objects.get(github_pr_id=number).state == "merged"
    assert "0 new, 1 updated" in out


def test_refresh_discards_the_log_and_fetches_again(gh, cache_dir):
    seed("--repo", "acme/web", "--days-back", "30")
    gh.reset_stats()
    seed("--repo", "acme/web", "--days-back", "30", "--refresh")
    assert gh.stats.total >= 1
    assert db_prs(Team.objects.get(slug="acme"), "acme/web") == expected_prs(
        gh.dataset, "acme/web", NOW - timedelta(days=30))


def test_no_check_runs_and_explicit_token_option(gh, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN")
    seed("--repo", "acme/api", "--days-back", "300", "--no-check-runs", "--github-token", TOKEN)
    assert PullRequest.objects.exists() and not PRCheckRun.objects.exists()
    assert "checkSuites" not in gh.stats.records[-1]["query"]


def test_max_prs_limits_each_repo(gh):
    seed(*repo_args(), "--max-prs", "7", "--since", (NOW - timedelta(days=300)).strftime("%F"))
    for repo in REPOS:
        assert PullRequest.objects.filter(github_repo=repo).count() == 7
    gh.reset_stats()
    seed(*repo_args(), "--max-prs", "7", "--since", (NOW - timedelta(days=300)).strftime("%F"))
    assert gh.stats.by_shape.get("pullRequests+viewer", 0) == 0  # no page, only retries
    gh.reset_stats()
    seed(*repo_args(), "--max-prs", "7", "--since", (NOW - timedelta(days=300)).strftime("%F"))
    assert gh.stats.total == 0


def test_a_failing_repo_does_not_lose_the_others(gh):
    out = seed("--repo", "acme/web", "--repo", "acme/missing", "--days-back", "60",
               expect_error=True)
    assert "acme/missing (not_found)" in out and "Could not resolve" in out
    assert "check the name" in out
    assert PullRequest.objects.filter(github_repo="acme/web").count() == len(
        expected_prs(gh.dataset, "acme/web", NOW - timedelta(days=60)))


def test_rate_limit_longer_than_max_wait_stops_cleanly_and_resumes(gh, cache_dir):
    gh.set_rate_limit(limit=4, window_seconds=3600, reset_windows=True)
    out = seed("--repo", "acme/web", "--days-back", "300", "--page-size", "10",
               "--max-wait", "5", expect_error=True)
    assert "stopped" in out and "rate limit resets at" in out
    fetched = PullRequest.objects.count()
    assert fetched > 0  # what was fetched before the limit is projected
    gh.set_rate_limit(limit=5000, reset_windows=True)
    seed("--repo", "acme/web", "--days-back", "300", "--page-size", "10")
    assert db_prs(Team.objects.get(slug="acme"), "acme/web") == expected_prs(
        gh.dataset, "acme/web", NOW - timedelta(days=300))


def test_bad_token_is_a_clear_error_naming_the_variable(gh, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "not-a-valid-token")
    gh_tokens = FakeGitHub(gh.dataset, tokens=[TOKEN]).start()
    try:
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", gh_tokens.url)
        out = seed("--repo", "acme/web", expect_error=True)
    finally:
        gh_tokens.stop()
    assert "GITHUB_TOKEN" in out and "401" in out and "not-a-valid-token" not in out


def test_eventlog_replay_uses_the_database_projector(gh, cache_dir, capsys):
    seed("--repo", "acme/web", "--days-back", "300")
    count = PullRequest.objects.count()
    PullRequest.objects.filter(github_pr_id=min(PullRequest.objects.values_list(
        "github_pr_id", flat=True))).delete()
    code = eventlog_cli.main(["replay", "acme/web", "--from-offset", "0",
                              "--cache-dir", str(cache_dir)])
    out = capsys.readouterr().out
    assert code == 0 and "team acme: applied" in out and ", 1 new," in out
    assert PullRequest.objects.count() == count
    assert EventLog(cache_dir / "acme/web").exists()


def test_asking_for_check_runs_on_a_log_fetched_without_them_warns(gh):
    seed("--repo", "acme/api", "--days-back", "300", "--no-check-runs")
    out = seed("--repo", "acme/api", "--days-back", "300")
    assert "fetched without CI data" in out and "--refresh" in out
