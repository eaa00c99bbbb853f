"""Operator experience: each command does what the user means and says what to do next.

One test per surprise found by using the tool for an afternoon (clear, refresh, update, a
mistyped repository, the window rule, damage, widening the window), in-process against the
fake GitHub.
"""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from apps.metrics.models import PullRequest
from apps.seeding.models import AppliedOffset
from apps.teams.models import Team
from eventlog import EventLog
from tests.expected import db_prs, expected_prs
from tests.fakegithub import FakeGitHub, generate_dataset, touch_pr

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime.now(UTC).replace(microsecond=0)
TOKEN = "ghp_Operator" + "Token" + "0" * 24


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({"acme/web": 60, "acme/api": 30}, seed=19, now=NOW, days=300,
                            huge=0, nulls=False)


@pytest.fixture
def gh(dataset, monkeypatch, quiet_env, cache_dir):
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as server:
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        yield server


def seed(*args: str, fail: bool = False) -> str:
    out = io.StringIO()
    try:
        call_command("seed_real_projects", *args, stdout=out, stderr=out)
    except CommandError as e:
        if not fail:
            raise AssertionError(f"{e}\n{out.getvalue()}") from e
        return f"{out.getvalue()}\nERROR {e.returncode}: {e}"
    assert not fail, out.getvalue()
    return out.getvalue()


def rows(repo: str) -> int:
    return PullRequest.objects.filter(github_repo=repo).count()


def test_clear_of_one_repo_clears_exactly_that_repo_and_clear_team_the_whole_team(gh):
    seed("--repo", "acme/web", "--repo", "acme/api", "--days-back", "300")
    api = rows("acme/api")
    PullRequest.objects.filter(github_repo="acme/web").update(title="edited")
    out = seed("--repo", "acme/web", "--days-back", "300", "--clear")
    assert rows("acme/api") == api  # the other repo of the team is untouched
    assert not PullRequest.objects.filter(title="edited").exists()
    assert "cleared" in out and "of 1 repository" in out
    seed("--repo", "acme/web", "--days-back", "300", "--clear", "--clear-team")
    assert rows("acme/api") == 0  # explicit: the whole team


def test_an_interrupted_refresh_is_resumed_by_the_same_command(gh, cache_dir):
    seed("--repo", "acme/web", "--days-back", "300", "--page-size", "5")
    gh.set_rate_limit(limit=6, window_seconds=3600, reset_windows=True)
    out = seed("--repo", "acme/web", "--days-back", "300", "--page-size", "5", "--refresh",
               "--max-wait", "0", fail=True)
    assert "run the same command again to resume the refresh" in out
    records = len(list(EventLog(cache_dir / "acme/web").read()))
    gh.set_rate_limit(limit=5000, reset_windows=True)
    out = seed("--repo", "acme/web", "--days-back", "300", "--page-size", "5", "--refresh")
    assert "resuming the refresh in progress" in out and "resuming full pass" in out
    assert len(list(EventLog(cache_dir / "acme/web").read())) > records  # not started over
    assert db_prs(Team.objects.get(slug="acme"), "acme/web") == expected_prs(
        gh.dataset, "acme/web", NOW - timedelta(days=300))


def test_after_a_failed_update_a_plain_run_projects_offline_and_says_the_update_is_pending(
        dataset, monkeypatch, quiet_env, cache_dir):
    with FakeGitHub(copy.deepcopy(dataset), tokens=[TOKEN],
                    secondary_points_per_minute=None) as gh:
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", gh.url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        seed("--repo", "acme/web", "--days-back", "300")
        monkeypatch.setenv("GITHUB_TOKEN", "wrong-token")
        seed("--repo", "acme/web", "--days-back", "300", "--update", fail=True)
        monkeypatch.delenv("GITHUB_TOKEN")
        gh.reset_stats()
        out = seed("--repo", "acme/web", "--days-back", "300")
        assert gh.stats.total == 0 and "0 GitHub requests" in out
    assert "--update was interrupted and is still pending" in out


def test_a_mistyped_repository_is_final_and_leaves_nothing_behind(gh, cache_dir):
    out = seed("--repo", "acme/nope", "--days-back", "30", fail=True)
    assert "ERROR 1" in out and "not_found" in out and "check the name" in out
    assert "run the same command again" not in out
    assert not (cache_dir / "acme" / "nope").exists()
    assert not AppliedOffset.objects.filter(github_repo__iexact="acme/nope").exists()
    info = json.loads(seed("--repo", "acme/nope", "--cache-info", "--json"))[0]
    assert info["exists"] is False


def test_the_window_decides_exactly_which_prs_the_database_holds_and_the_summary_adds_up(gh):
    seed("--repo", "acme/web", "--days-back", "300")
    everything = rows("acme/web")
    end = (NOW - timedelta(days=60)).strftime("%Y-%m-%d")
    out = seed("--repo", "acme/web", "--days-back", "300", "--end-date", end)
    created_by_end = PullRequest.objects.filter(github_repo="acme/web")
    assert all(pr.pr_created_at.strftime("%Y-%m-%d") <= end for pr in created_by_end)
    line = next(x for x in out.splitlines() if "PRs in the window" in x)
    numbers = [int(w) for w in line.replace(",", "").replace(";", "").split() if w.isdigit()]
    in_window, new, updated, unchanged, removed = numbers[:5]
    assert in_window == new + updated + unchanged == created_by_end.count()
    assert in_window + removed == everything
    seed("--repo", "acme/web", "--days-back", "300", "--clear")
    assert rows("acme/web") == everything  # the same window gives the same rows, cleared or not


def test_widening_the_window_after_a_one_page_pass_fetches_only_the_older_part(gh):
    seed("--repo", "acme/web", "--days-back", "10", "--page-size", "50")
    recent = rows("acme/web")
    gh.reset_stats()
    seed("--repo", "acme/web", "--days-back", "300", "--page-size", "50")
    first_page = gh.stats.records[0]["variables"]
    assert first_page["after"] is not None  # continued after the last PR already logged
    assert rows("acme/web") > recent


def test_damage_in_committed_records_says_what_fixes_it(gh, cache_dir):
    seed("--repo", "acme/web", "--days-back", "300")
    log = EventLog(cache_dir / "acme/web")
    segment = log.path / log.manifest().active.file
    data = bytearray(segment.read_bytes())
    data[len(data) // 3] ^= 0x01
    segment.write_bytes(bytes(data))
    touch = gh.dataset["repos"]["acme/web"]["pullRequests"][0]["number"]
    gh.mutate(lambda d: touch_pr(d, "acme/web", touch, datetime.now(UTC), title="Changed"))
    out = seed("--repo", "acme/web", "--days-back", "300", "--update", fail=True)
    assert "seed_real_projects --refresh --repo acme/web" in out
    assert "eventlog verify acme/web" in out
