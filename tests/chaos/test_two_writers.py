"""Scenario 7: two ``seed_real_projects`` processes at once."""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakegithub import FakeGitHub, generate_dataset
from tests.fakegithub.ids import short_hash

from .support import (
    TOKEN,
    assert_failed_cleanly,
    assert_succeeded,
    chaos_env,
    day_start,
    repo_args,
    since_arg,
)
from .support_state import (
    assert_database_matches,
    assert_log_matches,
)

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
SINCE_DAY = (NOW - timedelta(days=200)).date()
WINDOW = [*since_arg(SINCE_DAY), "--page-size", "5"]
SECOND = "ghp_ChaosSecondWriter" + "0" * 18 + "5"
THIRD = "ghp_ChaosThirdWriter0" + "0" * 18 + "6"


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({"two/web": 100, "two/api": 15}, seed=21, now=NOW, days=150, huge=1)


def wait_for_lock_holder(lock_file, proc, timeout: float = 60) -> None:
    """Until ``proc`` wrote its PID into the writer lock (it holds the lock from then on)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if lock_file.exists() and lock_file.read_text().strip() == str(proc.pid):
            return
        time.sleep(0.02)
    raise AssertionError(f"process {proc.pid} never took {lock_file}")


def test_a_second_writer_is_refused_with_the_holders_pid_and_other_repos_run_in_parallel(
        dataset, runner, process_env, cache_dir):
    """While a slow run holds ``two/web`` (every answer takes 1 s), a second run on the same
    repo exits 1 at once naming the holder's PID, without a request or a write; a run on
    ``two/api`` completes meanwhile. The first run then finishes, and both repos are exact."""
    runner.secrets |= {SECOND, THIRD}
    data = copy.deepcopy(dataset)
    with FakeGitHub(data, secondary_points_per_minute=None) as slow, \
            FakeGitHub(data, secondary_points_per_minute=None) as fast:
        slow.faults.set_slow(1.0)
        slow.faults.set_random(1.0, ["slow"])
        holder = runner.start("--repo", "two/web", *WINDOW, env=chaos_env(process_env, slow.url))
        wait_for_lock_holder(cache_dir / "two/web/writer.lock", holder)

        refused = runner.seed("--repo", "two/web", *WINDOW,
                              env=chaos_env(process_env, fast.url, GITHUB_TOKEN=SECOND))
        other = runner.seed(*repo_args(["two/api"]), *WINDOW,
                            env=chaos_env(process_env, fast.url, GITHUB_TOKEN=THIRD))
        assert holder.poll() is None  # still holding two/web while two/api completed
        assert_failed_cleanly(refused, f"is locked by process {holder.pid}", code=1)
        assert short_hash(SECOND) not in fast.stats.by_token
        assert_succeeded(other)

        slow.faults.clear()
        assert_succeeded(runner.finish(holder))
        assert short_hash(TOKEN) in slow.stats.by_token
    since = day_start(SINCE_DAY)
    assert_database_matches(data, "two", ["two/web", "two/api"], since)
    assert_log_matches(data, cache_dir, ["two/web", "two/api"], since)
