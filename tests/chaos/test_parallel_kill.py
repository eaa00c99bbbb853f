"""Scenario 9: ``kill -9`` of a run seeding several repositories at once.

With jobs fetching three repositories in parallel, every SIGKILL may interrupt each of them
mid-page. Each repository must then resume where its own log says: over all the rounds, a
repository re-fetches at most one page per kill (the page it was fetching), and the end state
equals the server, whatever the interleaving.
"""

from __future__ import annotations

import copy
import os
import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakegithub import FakeGitHub, generate_dataset

from .support import (
    assert_succeeded,
    chaos_env,
    day_start,
    pages_of,
    repo_args,
    served,
    since_arg,
)
from .support_state import (
    assert_database_matches,
    assert_log_matches,
)

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
REPOS = ("para/web", "para/api", "para/docs")
SINCE_DAY = (NOW - timedelta(days=250)).date()
ARGS = [*repo_args(REPOS), *since_arg(SINCE_DAY), "--page-size", "5", "--jobs", "3"]
KILLS = 6


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({repo: 120 for repo in REPOS}, seed=41, now=NOW, days=240, huge=1,
                            shared=1)


def kill_after(runner, env, gh, requests: int) -> bool:
    """Start a run and SIGKILL it once the server answered ``requests`` more; False if the run
    finished first."""
    target = served(gh) + requests
    proc = runner.start(*ARGS, env=env)
    while proc.poll() is None and served(gh) < target:
        time.sleep(0.005)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    result = runner.finish(proc)
    assert "Traceback" not in result.output, result.output
    return killed


def test_killed_parallel_runs_resume_each_repository_with_at_most_a_page_per_kill(
        dataset, runner, process_env, cache_dir):
    with FakeGitHub(copy.deepcopy(dataset), latency=0.02,
                    secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url)
        kills = sum(kill_after(runner, env, gh, requests) for requests in
                    (7, 12, 5, 15, 9, 11, 6, 8)[:KILLS + 2])
        assert_succeeded(runner.seed(*ARGS, env=env))
        records = gh.stats.records
    assert kills >= KILLS
    pages = Counter(pages_of(records))
    for repo in REPOS:
        repeated = sum(n - 1 for (name, _, _), n in pages.items() if name == repo)
        assert repeated <= kills, f"{repo} re-fetched {repeated} pages over {kills} kills"
    since = day_start(SINCE_DAY)
    assert_database_matches(gh.dataset, "para", REPOS, since)
    assert_log_matches(gh.dataset, cache_dir, REPOS, since)
