"""Ctrl-C at the worst moment: a real SIGINT arriving just as a batch reached the log file."""

from __future__ import annotations

import copy
import sys
from datetime import UTC, datetime, timedelta

import pytest

from eventlog import EventLog, verify
from tests.fakegithub import FakeGitHub, generate_dataset

from .support import (
    assert_failed_cleanly,
    assert_succeeded,
    chaos_env,
    day_start,
    since_arg,
)
from .support_state import (
    assert_database_matches,
    assert_log_matches,
)

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
REPO = "stop/web"
SINCE_DAY = (NOW - timedelta(days=200)).date()
ARGS = ["--repo", REPO, *since_arg(SINCE_DAY), "--page-size", "5"]
CHILD = [sys.executable, "-m", "tests.chaos.ctrl_c_child"]  # run from the repository root


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({REPO: 40}, seed=31, now=NOW, days=150, huge=1)


@pytest.mark.parametrize("batch", [1, 2, 5, 9], ids=["pass start", "first page", "mid-pass",
                                                      "last page"])
def test_ctrl_c_as_a_batch_reaches_the_log_keeps_it_intact_and_the_next_run_resumes(
        batch, dataset, runner, process_env, cache_dir):
    """Ctrl-C lands after a batch's bytes reached the file but before the writer counted
    them (the pass start, a page, the last page): exit 130 with the "interrupted" message, the
    log verifies (the stop is recorded after the batch, no seq reused), and the same command
    resumes and completes with the database equal to the dataset."""
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url, SIGINT_AT_BATCH=str(batch))
        stopped = runner.run([*CHILD, *ARGS], env=env)
        assert_failed_cleanly(stopped, "interrupted: everything committed so far is kept",
                              code=130)
        report = verify(cache_dir / REPO)
        assert report.ok, report.problems
        assert EventLog(cache_dir / REPO).next_seq() > 0
        assert_succeeded(runner.seed(*ARGS, env=env))
    since = day_start(SINCE_DAY)
    assert_database_matches(dataset, "stop", [REPO], since)
    assert_log_matches(dataset, cache_dir, [REPO], since)
