"""Scenario 4: GitHub goes down for good in the middle of a repository, then comes back."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from apps.seeding.fetch.state import FetchState
from apps.seeding.models import AppliedOffset
from apps.teams.models import Team
from eventlog import EventLog
from tests.expected import db_prs, log_prs
from tests.fakegithub import FakeGitHub, generate_dataset

from .support import (
    assert_failed_cleanly,
    assert_succeeded,
    chaos_env,
    day_start,
    pages_of,
    repo_args,
    since_arg,
)
from .support_state import (
    assert_database_matches,
    assert_log_matches,
)

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
REPOS = ("down/web", "down/api")
SINCE_DAY = (NOW - timedelta(days=200)).date()
SINCE = day_start(SINCE_DAY)
ARGS = [*repo_args(REPOS), *since_arg(SINCE_DAY), "--page-size", "5"]


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({"down/web": 150, "down/api": 40}, seed=17, now=NOW, days=180,
                            huge=1)


def assert_failure_recorded(log_dir, kind: str) -> None:
    """The failed pass is in the log, and the committed state resumes it."""
    records = list(EventLog(log_dir).read())
    failed = [r for r in records if r.type == "pass" and r.data["status"] == "failed"]
    assert failed, "no failed pass recorded"
    assert ("502" if kind == "502_json" else "no response") in failed[-1].data["error"]
    state = FetchState.from_meta(records[-1].meta)
    assert state.active is not None and not state.complete


@pytest.mark.parametrize("kind", ["502_json", "drop"])
def test_a_permanent_outage_mid_repo_keeps_what_was_fetched_and_the_next_run_fills_the_gap(
        dataset, runner, process_env, cache_dir, kind):
    """The server fails every request from the 12th on (502s, or dropped connections): the
    command exits 1 saying what failed and what to do, the failure is recorded in each log, and
    everything fetched before it is projected. Once the server is back, the same command resumes
    mid-repo and completes: no gap, and no page fetched twice."""
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url)
        gh.faults.outage_after(11, kind)
        failed = runner.seed(*ARGS, env=env)
        assert_failed_cleanly(failed, "down/web (failed)", "down/api (failed)",
                              "run the same command again to resume", code=1)
        for repo in REPOS:
            assert_failure_recorded(cache_dir / repo, kind)
        team = Team.objects.get(slug="down")
        fetched = log_prs(cache_dir / "down/web")
        assert fetched and db_prs(team, "down/web") == fetched  # all of it projected
        last = EventLog(cache_dir / "down/web").last_commit()
        assert AppliedOffset.objects.get(github_repo="down/web").applied_offset == last.seq

        gh.faults.clear()
        before = gh.stats.total
        assert_succeeded(runner.seed(*ARGS, env=env))
        records = gh.stats.records
    assert records[before]["variables"]["after"] is not None  # resumed mid-repo
    pages = Counter((repo, after) for repo, after, _ in pages_of(records))
    assert max(pages.values()) == 1, pages.most_common(3)  # the page size may have shrunk
    assert_database_matches(gh.dataset, "down", REPOS, SINCE)
    assert_log_matches(gh.dataset, cache_dir, REPOS, SINCE)
